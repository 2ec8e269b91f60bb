"""A 500 that still happens is a complete JSON response on a connection that stays usable,
checked against a real uvicorn server with one keep-alive connection (issue 12: after each 500
the connection was closed, and a client's next request on it failed in 4 of 10 tries)."""

from __future__ import annotations

import http.client
import json

import pytest
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from tests.core.live_server import serving


class Boom(Exception):
    """Nothing handles this: it stands for a bug."""


class FailingMiddleware:
    """Raises for one path before the app sees the request (test-only)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/test-only/middleware-boom":
            raise Boom("raised in a middleware")
        await self.app(scope, receive, send)


@pytest.fixture
def failing_app(app: FastAPI) -> FastAPI:
    def endpoint_boom() -> None:
        raise Boom("raised in an endpoint")

    async def async_boom() -> None:
        raise Boom("raised in an async endpoint")

    app.add_api_route("/test-only/boom", endpoint_boom)
    app.add_api_route("/test-only/async-boom", async_boom)
    app.add_middleware(FailingMiddleware)  # type: ignore[arg-type]
    return app


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, dict[str, str], bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize(
    "path", ["/test-only/boom", "/test-only/async-boom", "/test-only/middleware-boom"]
)
def test_a_500_is_complete_json_and_the_connection_serves_the_next_request(
    failing_app: FastAPI, path: str
) -> None:
    with serving(failing_app) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for _ in range(3):
                status, headers, body = _get(connection, path)
                sock = connection.sock
                assert status == 500
                assert headers["content-type"] == "application/json"
                assert json.loads(body) == {
                    "detail": "internal error; the request was not processed"
                }
                assert headers.get("connection", "").lower() != "close"
                assert sock is not None, "the server closed the connection after the 500"

                status, _, body = _get(connection, "/health")
                assert status == 200, body
                # http.client reopens a closed connection silently: the same socket proves reuse.
                assert connection.sock is sock
        finally:
            connection.close()
