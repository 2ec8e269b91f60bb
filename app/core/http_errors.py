"""The handlers that render every error as JSON, and the error bodies OpenAPI documents.

Every error body has a human `detail` string; some add machine-readable keys (`field`, `stop`,
`reason`, `errors`). Input errors are 4xx and name what is wrong; anything else is a 500 that
says nothing about internals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import AppError
from routing import ProblemError, RequiredStopError, TravelError

logger = logging.getLogger(__name__)

MAX_LISTED_ERRORS = 5
MAX_RETURNED_ERRORS = 50


class ErrorItem(BaseModel):
    """One validation error: where (`loc`, and as a path `field`), whose (`subject`), what."""

    loc: list[str | int]
    field: str
    subject: str | None = None
    msg: str
    type: str

    def sentence(self) -> str:
        where = f"{self.field} ({self.subject})" if self.subject else self.field
        return f"{where}: {self.msg}" if where else self.msg


class ErrorBody(BaseModel):
    """The body of every error response (4xx and 5xx, the 422 of a validation error included):
    `detail` always; the other keys only when they apply (absent, never null)."""

    detail: str = Field(description="what is wrong, for a person")
    field: str | None = Field(
        default=None,
        description="the field at fault as a path (`stops[3].windows[0]`), when one is",
    )
    stop: str | None = Field(default=None, description="the stop a solver error is about")
    reason: str | None = Field(default=None, description="why that stop cannot be served")
    errors: list[ErrorItem] | None = Field(
        default=None, description="a validation error's every problem (the first 50)"
    )


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request",
    401: "Missing or unknown bearer token",
    403: "The token's role may not do this",
    404: "Not found, or not yours to see",
    409: "Conflicts with what is stored (e.g. a duplicate email or external id)",
    413: "Request too large (body size, stops, vehicles, matrix or file)",
    429: "Too many: failed sign-ins from this client or token, or solves of yours running or "
    "waiting; retry after `Retry-After`",
    422: "Invalid or unsolvable request; `field` and `errors` name what is wrong",
    500: "Internal error; the request was not processed",
    502: "The road engine answered with an error or with garbage; `detail` has its message",
    503: "The road engine (or the database) is not answering; retry after `Retry-After`",
}
"""What each error status means on any route; every one answers an `ErrorBody`."""


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for a route, so OpenAPI documents the errors it can answer."""
    return {code: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[code]} for code in codes}


def _render(
    status_code: int, body: ErrorBody, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content=body.model_dump(mode="json", exclude_none=True),
        headers=headers,
    )


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return _render(exc.status_code, ErrorBody(detail=exc.detail, field=exc.field), exc.headers)


async def _problem_error(_: Request, exc: Exception) -> JSONResponse:
    return _render(422, ErrorBody(detail=str(exc)))


async def _required_stop_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequiredStopError)
    return _render(422, ErrorBody(detail=str(exc), stop=exc.stop_id, reason=exc.reason))


async def _travel_error(request: Request, exc: Exception) -> JSONResponse:
    """The road engine is down (503) or answered wrongly (502): never a straight-line plan."""
    assert isinstance(exc, TravelError)
    logger.warning("road engine on %s %s: %s", request.method, request.url.path, exc)
    if exc.unavailable:
        return _render(
            503,
            ErrorBody(detail=f"the road engine is not answering: {exc}", field="travel"),
            {"Retry-After": "30"},
        )
    return _render(502, ErrorBody(detail=f"the road engine failed: {exc}", field="travel"))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = [_describe(error, exc.body) for error in exc.errors()]
    messages = [item.sentence() for item in items]
    detail = "; ".join(messages[:MAX_LISTED_ERRORS])
    if len(messages) > MAX_LISTED_ERRORS:
        detail += f"; and {len(messages) - MAX_LISTED_ERRORS} more"
    first = items[0].field if items else None
    return _render(
        422, ErrorBody(detail=detail, field=first or None, errors=items[:MAX_RETURNED_ERRORS])
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # Services check uniqueness first; this is the race where two requests pass the check.
    logger.info("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return _render(409, ErrorBody(detail="conflicts with a change made at the same time; retry"))


DATABASE_RETRY_AFTER_S = 5
DISK_FULL_RETRY_AFTER_S = 60
DISK_FULL_SIGNS = ("database or disk is full", "could not extend file", "no space left on device")


async def _operational_error(request: Request, exc: Exception) -> JSONResponse:
    """The database's state, not the request, failed it: busy, full, gone or restarting. The
    caller can retry the same request later, so 503 with Retry-After, never a 500."""
    message = str(exc).lower()
    if "database is locked" in message:
        # SQLite has one writer: a long import holds the lock; the caller can simply retry.
        return _render(
            503,
            ErrorBody(detail="the database is busy with another write (an import?); retry soon"),
            {"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )
    if any(sign in message for sign in DISK_FULL_SIGNS):
        logger.error("database disk full on %s %s: %s", request.method, request.url.path, exc)
        return _render(
            503,
            ErrorBody(
                detail="the database's disk is full: nothing was saved; retry once space is freed"
            ),
            {"Retry-After": str(DISK_FULL_RETRY_AFTER_S)},
        )
    return _database_unavailable(request, exc)


async def _dbapi_error(request: Request, exc: Exception) -> JSONResponse:
    """A lost connection (SQLAlchemy flags it) is the database going away; any other driver error
    (a malformed statement) is ours, a 500."""
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return _database_unavailable(request, exc)
    return await _unexpected_error(request, exc)


async def _pool_timeout(request: Request, exc: Exception) -> JSONResponse:
    """Every pooled connection stayed busy for the pool's timeout: too much at once."""
    logger.warning("connection pool exhausted on %s %s", request.method, request.url.path)
    return _render(
        503,
        ErrorBody(detail="the service is busy: no database connection was free; retry soon"),
        {"Retry-After": str(DATABASE_RETRY_AFTER_S)},
    )


def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    logger.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return _render(
        503,
        ErrorBody(detail="the database is not available; retry later"),
        {"Retry-After": str(DATABASE_RETRY_AFTER_S)},
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _internal_error()


def _internal_error() -> JSONResponse:
    return _render(500, ErrorBody(detail="internal error; the request was not processed"))


class CompleteServerErrors:
    """Outside Starlette's ServerErrorMiddleware, which answers an unhandled exception (with the
    handler above) and then raises it again: uvicorn then closes the connection, and a client
    reusing it for its next request fails. Here an exception after a complete response, or before
    any, ends as a complete JSON 500 on a connection that stays open; one in the middle of a
    response is raised on, since only closing the connection tells the client it is cut short."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = complete = False

        async def tracking_send(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if started and not complete:
                raise
            if not started:
                # ServerErrorMiddleware logged it and sent nothing (its handler failed too).
                logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
                await _internal_error()(scope, receive, send)


def field_path(loc: Sequence[str | int]) -> str:
    """`("stops", 3, "windows", 0)` -> `"stops[3].windows[0]"`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _describe(error: dict[str, Any], body: Any) -> ErrorItem:
    loc: list[str | int] = list(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        # FastAPI puts the character offset where a field path would be.
        position = loc[-1] if loc else "?"
        reason = error.get("ctx", {}).get("error", "syntax error")
        return ErrorItem(
            loc=loc,
            field="",
            msg=f"invalid JSON at character {position}: {reason}",
            type="json_invalid",
        )
    inside = loc[1:] if loc[:1] == ["body"] else loc
    return ErrorItem(
        loc=loc,
        field=field_path(inside),
        subject=_subject(inside, body),
        msg=str(error.get("msg", "invalid value")).removeprefix("Value error, "),
        type=str(error.get("type", "")),
    )


def _subject(loc: Sequence[str | int], body: Any) -> str | None:
    """`stop 'acc-42'` when the error is inside stops[i] and that stop has an id."""
    if len(loc) < 2 or loc[0] not in ("stops", "vehicles") or not isinstance(loc[1], int):
        return None
    try:
        item_id = body[loc[0]][loc[1]]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(item_id, str | int):
        return None
    kind = "stop" if loc[0] == "stops" else "vehicle"
    return f"{kind} {str(item_id)!r}"


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(RequiredStopError, _required_stop_error)
    app.add_exception_handler(TravelError, _travel_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _operational_error)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(Exception, _unexpected_error)
    # Around the whole stack, ServerErrorMiddleware included, whatever middleware is added later.
    build_stack = app.build_middleware_stack

    def build_complete_stack() -> ASGIApp:
        return CompleteServerErrors(build_stack())

    app.build_middleware_stack = build_complete_stack  # type: ignore[method-assign]
