"""What every signed-in HTML page shares: the sign-in redirect, page errors, the user line."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from app.security import Principal

NO_STORE = {"Cache-Control": "no-store"}
"""Pages show state that changes under them (plans, visits, rebalances): never cache one."""


class PageError(Exception):
    """Ends a page request with an HTML message instead of the page (`extra`: trusted HTML)."""

    def __init__(self, status_code: int, heading: str, text: str, extra: str = "") -> None:
        super().__init__(text)
        self.status_code = status_code
        self.heading = heading
        self.text = text
        self.extra = extra


def to_login(request: Request) -> RedirectResponse:
    """To the sign-in form, and back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def who(principal: Principal) -> str:
    return f"{principal.name} ({principal.role.value})"
