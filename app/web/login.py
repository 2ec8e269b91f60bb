"""`/login` and `/logout`: a session cookie made from an API token, for the browser pages.

Signing in with a token issues a separate session token for the browser (expiring after a
week, listed with the user's tokens as "browser session"); the cookie holds it (HttpOnly,
SameSite=Lax, Secure outside development) and signing out revokes it, leaving the API token that
signed in untouched. Both forms refuse requests from other sites' pages (Origin check), so
another site cannot sign a browser in or out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core import clock
from app.db import SessionDep
from app.deps import SettingsDep
from app.security import (
    BROWSER_SESSION,
    SESSION_COOKIE,
    Principal,
    check_same_site,
    issue_token,
    revoke_browser_session,
    signed_in,
    verify_token,
)
from app.services import users
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


def _safe_next(target: str) -> str:
    # Only paths on this site: an open redirect would make the login page a phishing aid.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/login"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, session: SessionDep, settings: SettingsDep, next: str = "/login"
) -> HTMLResponse:
    """The sign-in form (or who is signed in)."""
    principal = signed_in(request, session, settings)
    return _form(principal=principal, next=_safe_next(next))


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/login",
) -> Response:
    """Check the token and start a browser session (a cookie with a token of its own)."""
    check_same_site(request)
    principal = verify_token(session, settings, token.strip())
    if principal is None:
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


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    """End the browser session: its token is revoked and the cookie cleared."""
    check_same_site(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        revoke_browser_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
