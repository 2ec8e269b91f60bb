"""A browser session: a token of its own, in the session cookie, issued by each way of
signing in (password, sign-in link, API token)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from app.auth.dependencies import SESSION_COOKIE
from app.auth.tokens import BROWSER_SESSION, issue_token
from app.core import clock
from app.core.config import Settings
from app.models import User

SESSION_LENGTH = timedelta(days=7)


def start_browser_session(
    session: Session, settings: Settings, user: User, target: str
) -> RedirectResponse:
    """A redirect to `target` that carries a new browser session's cookie for `user`."""
    browser_token = issue_token(
        session, user, name=BROWSER_SESSION, expires_at=clock.now() + SESSION_LENGTH
    )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        browser_token,
        max_age=int(SESSION_LENGTH.total_seconds()),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return response
