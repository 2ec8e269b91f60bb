"""One-time sign-in links in the browser: `/login/link/<secret>` signs a phone in (a page with
one button, so link previews and scanners that fetch the address do not spend it), and
`/login/link/new?user_id=` lets a signed-in admin or manager make one and show its QR code.
The API twin is `POST /api/v1/users/{user_id}/sign-in-links`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from app.auth.dependencies import check_same_site
from app.auth.principal import Principal
from app.auth.rate_limit import TooManyFailures, check_not_blocked, note_failure
from app.auth.sign_in_links import LINK_PATH, LinkState, find_link, link_state, use_link
from app.core.config import Role
from app.core.deps import SessionDep, SettingsDep
from app.core.schemas import RowId
from app.users import service as users
from app.users.qr import qr_svg
from app.web.home import home_of
from app.web.login_session import start_browser_session
from app.web.page_routes import NO_STORE, PageRoute, PageUser, page
from app.web.templating import render

router = APIRouter(include_in_schema=False)
pages = APIRouter(include_in_schema=False, route_class=PageRoute)

REFUSALS: dict[LinkState, tuple[int, str, str]] = {
    LinkState.UNKNOWN: (
        404,
        "This sign-in link is not valid",
        "Check that the whole address was copied, or ask for a new link.",
    ),
    LinkState.USED: (
        410,
        "This sign-in link has already been used",
        "A link signs in once. Ask your manager for a new one.",
    ),
    LinkState.EXPIRED: (
        410,
        "This sign-in link has expired",
        "Links work for a short time only. Ask your manager for a new one.",
    ),
    LinkState.INACTIVE: (
        403,
        "This account is switched off",
        "Ask your manager or an admin to switch it on again.",
    ),
}


def _link_page(status_code: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(
        render("login_link.html", **context), status_code=status_code, headers=NO_STORE
    )


def _refusal(state: LinkState) -> HTMLResponse:
    status_code, heading, text = REFUSALS[state]
    return _link_page(status_code, mode="refused", heading=heading, text=text)


def _blocked(refused: TooManyFailures) -> HTMLResponse:
    page_ = _link_page(429, mode="refused", heading="Too many tries", text=refused.detail)
    page_.headers.update(refused.headers or {})
    return page_


@router.get(LINK_PATH + "{secret}")
def link_form(request: Request, secret: str, session: SessionDep) -> Response:
    """The link's page: who it signs in, and the button that does (nothing is spent yet)."""
    try:
        check_not_blocked(request, None)
    except TooManyFailures as refused:
        return _blocked(refused)
    link = find_link(session, secret)
    state = link_state(link)
    if state is not None or link is None:
        if state is LinkState.UNKNOWN or link is None:
            note_failure(request, None)
        return _refusal(state or LinkState.UNKNOWN)
    return _link_page(mode="confirm", user_name=link.user.name)


@router.post(LINK_PATH + "{secret}")
def link_sign_in(
    request: Request, secret: str, session: SessionDep, settings: SettingsDep
) -> Response:
    """Spend the link: a browser session for its user, then their page."""
    check_same_site(request)
    try:
        check_not_blocked(request, None)
    except TooManyFailures as refused:
        return _blocked(refused)
    used = use_link(session, secret)
    if isinstance(used, LinkState):
        if used is LinkState.UNKNOWN:
            note_failure(request, None)
        return _refusal(used)
    return start_browser_session(session, settings, used, home_of(Role(used.role)))


@pages.get("/login/link/new")
def new_link_form(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    user_id: Annotated[RowId, Query()],
) -> HTMLResponse:
    """Make a sign-in link for a user you may see (a manager: your teams' reps)."""
    user = users.get_user(session, principal, user_id)
    return _signed_in_page(
        principal,
        mode="new",
        user_name=user.name,
        user_id=user.id,
        minutes=settings.sign_in_link_minutes,
    )


@pages.post("/login/link/new")
def new_link(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    user_id: Annotated[RowId, Form()],
) -> HTMLResponse:
    """The link made: its QR code to scan off this screen, and its address to send."""
    check_same_site(request)
    secret, expires_at = users.issue_sign_in_link(session, settings, principal, user_id)
    user = users.get_user(session, principal, user_id)
    url = str(request.base_url).rstrip("/") + LINK_PATH + secret
    return _signed_in_page(
        principal,
        mode="created",
        user_name=user.name,
        url=url,
        qr_svg=Markup(qr_svg(url)),  # noqa: S704 (segno's own SVG of our URL, no user text)
        expires_at=f"{expires_at:%H:%M} UTC",
    )


def _signed_in_page(principal: Principal, **context: object) -> HTMLResponse:
    return page("login_link.html", principal, **context)
