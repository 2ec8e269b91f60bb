"""`/login` and `/logout`: a session cookie made from an API token, for the browser pages.

Signing in with a token issues a separate session token for the browser (expiring after a
week, listed with the user's tokens as "browser session"); the cookie holds it (HttpOnly,
SameSite=Lax, Secure outside development) and signing out revokes it, leaving the API token that
signed in untouched. Both forms refuse requests from other sites' pages (Origin check), so
another site cannot sign a browser in or out.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core import clock
from app.db import SessionDep
from app.deps import SettingsDep
from app.models import User
from app.security import (
    BROWSER_SESSION,
    SESSION_COOKIE,
    check_same_site,
    issue_token,
    revoke_browser_session,
    signed_in,
    verify_token,
)

router = APIRouter(tags=["session"], include_in_schema=True)

SESSION_LENGTH = timedelta(days=7)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Fieldroute</title>
<style>
body {{ font: 16px/1.4 system-ui, sans-serif; margin: 0; display: grid; place-items: center;
       min-height: 100vh; background: #f4f6f8; }}
main {{ background: #fff; padding: 1.5rem; border-radius: 8px; width: min(22rem, 90vw);
        box-shadow: 0 1px 4px #0002; }}
label, input, button {{ display: block; width: 100%; box-sizing: border-box; }}
input {{ margin: .4rem 0 1rem; padding: .6rem; font-size: 1rem; }}
button {{ padding: .7rem; font-size: 1rem; background: #1f6feb; color: #fff; border: 0;
          border-radius: 6px; }}
.error {{ color: #b42318; }}
</style></head>
<body><main>
<h1>Fieldroute</h1>
{body}
</main></body></html>"""

FORM = """<form method="post" action="/login">
{error}
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="{next}">
<button type="submit">Sign in</button>
</form>"""

SIGNED_IN = """<p>Signed in as <strong>{name}</strong> ({role}).</p>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>"""


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
    if principal is not None:
        body = SIGNED_IN.format(name=escape(principal.name), role=principal.role.value)
    else:
        body = FORM.format(error="", next=escape(_safe_next(next)))
    return HTMLResponse(PAGE.format(body=body))


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
        error = '<p class="error" role="alert">Unknown, revoked or expired token.</p>'
        body = FORM.format(error=error, next=escape(_safe_next(next)))
        return HTMLResponse(PAGE.format(body=body), status_code=401)
    user = session.get_one(User, principal.user_id)
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
