"""`/login` and `/logout`: a session cookie for the browser pages, from an e-mail address and
password, a one-time sign-in link (`/login/link/...`), or an API token (integrators, development).

Each way issues a separate session token for the browser (expiring after a week, listed with
the user's tokens as "browser session"); the cookie holds it (HttpOnly, SameSite=Lax, Secure
outside development) and signing out revokes it, leaving any API token that signed in untouched.
The forms refuse requests from other sites' pages (Origin check), so another site cannot sign a
browser in or out. Failed attempts are limited per client, and wrong passwords also per e-mail
address (`app.auth.rate_limit`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from app.auth.dependencies import SESSION_COOKIE, check_same_site, signed_in
from app.auth.passwords import MAX_LENGTH, check_password
from app.auth.principal import Principal
from app.auth.rate_limit import (
    TooManyFailures,
    check_not_blocked,
    check_password_attempt,
    note_failure,
    note_password_failure,
)
from app.auth.tokens import revoke_browser_session, verify_token
from app.core.config import Settings
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import AppError
from app.core.http_errors import error_responses
from app.models import User
from app.users import service as users
from app.web import login_links
from app.web.home import home_path
from app.web.login_session import start_browser_session
from app.web.templating import render

router = APIRouter(tags=["session"], include_in_schema=True)


def _form(
    *,
    next: str,
    principal: Principal | None = None,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    content = render("login.html", principal=principal, error=error, next=next, email=email)
    return HTMLResponse(content, status_code=status_code)


def _refused(error: AppError, *, next: str, email: str = "") -> HTMLResponse:
    page = _form(error=error.detail, next=next, email=email, status_code=error.status_code)
    page.headers.update(error.headers or {})
    return page


_HTML = {"text/html": {"schema": {"type": "string"}}}


def _redirect_responses(
    *, location: str, cookie: str, errors: tuple[int, ...]
) -> dict[int | str, dict[str, Any]]:
    # These answer a browser: a redirect (or an HTML page); only refusals are JSON.
    responses = error_responses(403, *errors)
    responses[403]["description"] = "Sent from another site's page (the Origin check)"
    responses[303] = {
        "description": "Redirect (See Other); no body",
        "headers": {
            "Location": {"description": location, "schema": {"type": "string"}},
            "Set-Cookie": {"description": cookie, "schema": {"type": "string"}},
        },
    }
    return responses


def _safe_next(target: str) -> str:
    # Only paths on this site: an open redirect would make the login page a phishing aid.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/login"


@router.get(
    "/login",
    summary="Sign-in page (HTML)",
    response_class=HTMLResponse,
    response_description="The HTML page: the sign-in form, or who is signed in",
)
def login_form(
    request: Request, session: SessionDep, settings: SettingsDep, next: str = "/login"
) -> Response:
    """The sign-in form for the browser pages (or who is signed in, with a sign-out button).

    `next`: the path the form sends the browser to after signing in."""
    principal = signed_in(request, session, settings)
    if principal is not None and next == "/login":
        # Already signed in and going nowhere in particular: to their own page.
        return RedirectResponse(home_path(principal), status_code=303)
    return _form(principal=principal, next=_safe_next(next))


_LOGIN_RESPONSES = _redirect_responses(
    location="`next` if it is a path on this site, else `/login`",
    cookie=f"`{SESSION_COOKIE}`: the browser session's token (HttpOnly, SameSite=Lax, 7 days)",
    errors=(422,),
)
_LOGIN_RESPONSES[401] = {
    "description": "Wrong e-mail address or password, or an unknown, revoked or expired "
    "token: the form again, with the error",
    "content": _HTML,
}
_LOGIN_RESPONSES[429] = {
    "description": "Too many failed sign-ins from this client, with this token or (passwords) "
    "for this e-mail address: the form again, with the error; retry after `Retry-After` "
    "seconds",
    "headers": {"Retry-After": {"description": "seconds", "schema": {"type": "integer"}}},
    "content": _HTML,
}


@router.post(
    "/login",
    summary="Sign in (HTML form post, answers a redirect)",
    status_code=303,
    response_class=RedirectResponse,
    response_model=None,
    responses=_LOGIN_RESPONSES,
)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str | None, Form(max_length=254)] = None,
    password: Annotated[str | None, Form(max_length=MAX_LENGTH)] = None,
    token: Annotated[str | None, Form(max_length=500)] = None,
    next: Annotated[str, Form()] = "/login",
) -> Response:
    """Check an e-mail address and password, or an API token, and start a browser session.

    The sign-in form's post (`application/x-www-form-urlencoded`, not JSON): `email` and
    `password`, or `token`. Answers 303 to `next` with the session cookie (a token of its own,
    not the API token), or the form again with 401, or 429 while the client or the e-mail
    address is locked out."""
    check_same_site(request)
    target = _safe_next(next)
    if token is not None and token.strip():
        return _token_login(request, session, settings, token.strip(), target)
    if not email or not password:
        return _form(error="Enter your e-mail address and password.", next=target, status_code=401)
    address = email.strip().lower()
    try:
        check_password_attempt(request, address)
    except AppError as refused:
        return _refused(refused, next=target, email=address)
    user = session.scalars(select(User).where(User.email == address)).first()
    # Unknown addresses take the same Argon2 time and the same answer as wrong passwords.
    if not check_password(user, password) or user is None or not user.active:
        note_password_failure(request, address)
        error = "Wrong e-mail address or password."
        return _form(error=error, next=target, email=address, status_code=401)
    return start_browser_session(session, settings, user, target)


def _token_login(
    request: Request, session: SessionDep, settings: Settings, token: str, target: str
) -> Response:
    try:
        check_not_blocked(request, token)
    except TooManyFailures as refused:
        return _refused(refused, next=target)
    principal = verify_token(session, settings, token)
    if principal is None:
        note_failure(request, token)
        return _form(error="Unknown, revoked or expired token.", next=target, status_code=401)
    user = users.get_user(session, principal, principal.user_id)
    return start_browser_session(session, settings, user, target)


@router.post(
    "/logout",
    summary="Sign out (HTML form post, answers a redirect)",
    status_code=303,
    response_class=RedirectResponse,
    responses=_redirect_responses(
        location="`/login`", cookie=f"`{SESSION_COOKIE}` cleared (expired at once)", errors=()
    ),
)
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    """End the browser session: its token is revoked and the cookie cleared.

    Answers 303 to `/login`. API tokens are left as they are."""
    check_same_site(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        revoke_browser_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# The pages first: "/login/link/new" would otherwise be read as a link's secret.
router.include_router(login_links.pages)
router.include_router(login_links.router)
