"""What every signed-in HTML page shares, done once: sign in or go to the sign-in form, errors
as HTML pages, the user line, no-store.

A page's router is made with `route_class=PageRoute` (or `PhonePageRoute`) and its endpoints
take `PageUser`: a caller without a session goes to `/login` and back, and an `AppError` raised
anywhere in the endpoint (a `PageError` for a page's own headings) becomes the message page
with its status, in the layout of the router's pages. A query or path parameter that fails its
type (an id out of range, a date outside the supported calendar) is that message page too, with
the 422 the API would answer: a page never answers JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, ClassVar
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from app.auth.dependencies import signed_in
from app.auth.principal import Principal
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import AppError
from app.core.http_errors import field_path
from app.web.templating import DESK, PHONE, Layout, render

NO_STORE = {"Cache-Control": "no-store"}
"""Pages show state that changes under them (plans, visits, rebalances): never cache one."""
ERROR_HEADING = "Cannot show this page"


class PageError(AppError):
    """A page's own error, with the heading its message page shows."""

    def __init__(self, status_code: int, heading: str, text: str) -> None:
        super().__init__(text)
        self.status_code = status_code
        self.heading = heading


class SignInFirst(Exception):
    """Raised by `PageUser` for a caller without a session; `PageRoute` redirects."""


def page_user(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    """The signed-in caller of a page (session cookie or bearer token)."""
    principal = signed_in(request, session, settings)
    if principal is None:
        raise SignInFirst
    # For the user line of an error page, rendered after the endpoint has given up.
    request.state.page_user = principal
    return principal


PageUser = Annotated[Principal, Depends(page_user)]


class PageRoute(APIRoute):
    """A page's route: strangers are sent to sign in, errors answered with a message page."""

    layout: ClassVar[Layout] = DESK

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        layout = self.layout

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInFirst:
                return to_login(request)
            except AppError as exc:
                principal: Principal | None = getattr(request.state, "page_user", None)
                return error_page(exc, principal, layout)
            except RequestValidationError as exc:
                principal = getattr(request.state, "page_user", None)
                return error_page(_invalid_parameters(exc), principal, layout)

        return page_handler


class PhonePageRoute(PageRoute):
    """The phone page's routes: their error pages are phone pages too."""

    layout = PHONE


def _invalid_parameters(exc: RequestValidationError) -> PageError:
    sentences = []
    for error in exc.errors():
        where = field_path(list(error.get("loc", ()))[1:])  # after "query" or "path"
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        sentences.append(f"{where}: {message}" if where else message)
    return PageError(422, "Not a valid address", "; ".join(sentences[:5]))


def page(template: str, principal: Principal, **context: Any) -> HTMLResponse:
    """A signed-in page: `template` with the user line, never cached."""
    return HTMLResponse(render(template, who=who(principal), **context), headers=NO_STORE)


def error_page(exc: AppError, principal: Principal | None, layout: Layout) -> HTMLResponse:
    heading = exc.heading if isinstance(exc, PageError) else ERROR_HEADING
    content = render(
        "message.html",
        layout=layout,
        title=heading,
        who=who(principal) if principal is not None else None,
        heading=heading,
        text=exc.detail,
    )
    headers = {**NO_STORE, **(exc.headers or {})}
    return HTMLResponse(content, status_code=exc.status_code, headers=headers)


def to_login(request: Request) -> RedirectResponse:
    """To the sign-in form, and back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def who(principal: Principal) -> str:
    return f"{principal.name} ({principal.role.value})"
