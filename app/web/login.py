"""`/login` and `/logout`: a session cookie made from an API token, for the browser pages.

Signing in with a token issues a separate session token for the browser (expiring after a
week, listed with the user's tokens as "browser session"); the cookie holds it (HttpOnly,
SameSite=Lax, Secure outside development) and signing out revokes it, leaving the API token that
signed in untouched. Both forms refuse requests from other sites' pages (Origin check), so
another site cannot sign a browser in or out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.auth.dependencies import SESSION_COOKIE, check_same_site, signed_in
from app.auth.principal import Principal
from app.auth.rate_limit import TooManyFailures, check_not_blocked, note_failure
from app.auth.tokens import BROWSER_SESSION, issue_token, revoke_browser_session, verify_token
from app.core import clock
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.users import service as users
from app.web.home import home_path
from app.web.templating import render

router = APIRouter(tags=["session"], include_in_schema=True)

SESSION_LENGTH = timedelta(days=7)


def _form(
    *,
    next: str,
    principal: Principal | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    content = render("login.html", principal=principal, error=error, next=next)
    return HTMLResponse(content, status_code=status_code)


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
    "description": "Unknown, revoked or expired token: the form again, with the error",
    "content": _HTML,
}
_LOGIN_RESPONSES[429] = {
    "description": "Too many failed sign-ins from this client or with this token: the form "
    "again, with the error; retry after `Retry-After` seconds",
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
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/login",
) -> Response:
    """Check the token and start a browser session (a cookie with a token of its own).

    The sign-in form's post (`application/x-www-form-urlencoded`, not JSON). Answers 303 to
    `next` with the session cookie, or the form again with 401; the API token itself is not
    stored in the browser."""
    check_same_site(request)
    token = token.strip()
    try:
        check_not_blocked(request, token)
    except TooManyFailures as refused:
        page = _form(error=refused.detail, next=_safe_next(next), status_code=429)
        page.headers.update(refused.headers or {})
        return page
    principal = verify_token(session, settings, token)
    if principal is None:
        note_failure(request, token)
        error = "Unknown, revoked or expired token."
        return _form(error=error, next=_safe_next(next), status_code=401)
    user = users.get_user(session, principal, principal.user_id)
    browser_token = issue_token(
        session, user, name=BROWSER_SESSION, expires_at=clock.now() + SESSION_LENGTH
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        browser_token,
        max_age=int(SESSION_LENGTH.total_seconds()),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return response


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
