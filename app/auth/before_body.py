"""The API's credentials checked before its request body is read.

FastAPI reads and parses a body before it runs an endpoint's dependencies, `authenticate`
included: without this, anyone could make the server take in `max_body_bytes` per request (four
48 MB bodies took it from 0.5 to 1.1 GB) before hearing 401. This middleware answers a request
under `/api/v1` that carries a body and no valid token (bearer or session cookie, read as
`authenticate` reads them) with that same 401, or 429 for a blocked client, without reading a
byte of the body. Requests it lets through are authenticated again by the route, as before:
this check only refuses earlier what the route would refuse anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.dependencies import SESSION_COOKIE, presented_token
from app.auth.rate_limit import TooManyFailures, check_not_blocked, note_failure
from app.auth.tokens import verify_token
from app.core.config import Settings
from app.core.errors import AppError, Unauthorized

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1/"


class AuthBeforeBodyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _api_request_with_body(scope):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        refusal = await self._refusal(connection)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        # Rendered by the app's own handler, so the body is the one the route would send.
        request = Request(scope)
        response = await _handler_for(scope["app"], refusal)(request, refusal)
        # The body stays unread: tell the client not to reuse the connection for its rest.
        response.headers["connection"] = "close"
        await response(scope, receive, send)

    async def _refusal(self, connection: HTTPConnection) -> AppError | None:
        token = presented_token(
            connection.headers.get("authorization"), connection.cookies.get(SESSION_COOKIE)
        )
        if not token:
            return Unauthorized("missing bearer token: send `Authorization: Bearer <token>`")
        try:
            check_not_blocked(connection, token)
        except TooManyFailures as refused:
            return refused
        try:
            valid = await anyio.to_thread.run_sync(_valid_token, connection, token)
        except SQLAlchemyError:
            # The database is the route's to report (503 and the like): let it.
            logger.info("credentials not checked before the body: database error", exc_info=True)
            return None
        if valid:
            return None
        note_failure(connection, token)
        return Unauthorized("unknown, revoked or expired token")


def _handler_for(app: Starlette, error: AppError) -> Callable[..., Awaitable[Response]]:
    handlers = app.exception_handlers
    handler: Callable[..., Awaitable[Response]] = next(
        handlers[kind] for kind in type(error).__mro__ if kind in handlers
    )
    return handler


def _valid_token(connection: HTTPConnection, token: str) -> bool:
    state = connection.app.state
    settings: Settings = state.settings
    factory: sessionmaker[Session] = state.session_factory
    with factory() as session:
        return verify_token(session, settings, token) is not None


def _api_request_with_body(scope: Scope) -> bool:
    path: str = scope["path"]
    if not path.startswith(API_PREFIX):
        return False
    headers = dict(scope["headers"])
    if b"transfer-encoding" in headers:
        return True
    return headers.get(b"content-length", b"").strip() not in (b"", b"0")
