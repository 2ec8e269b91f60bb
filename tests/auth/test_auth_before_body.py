"""The API refuses a request without a valid token before reading its body
(app.auth.before_body), and lets every other request through to the route as before."""

from __future__ import annotations

import socket

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from app.auth.dependencies import SESSION_COOKIE
from tests.seed import World
from tests.web.browser import Served

OPTIMIZE = "/api/v1/optimize"
BODY = b'{"vehicles": [], "stops": []}' + b" " * 100_000


class CountingBody:
    """The app, counting the body bytes it takes in through `receive`."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.received = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
            return message

        await self.app(scope, counting if scope["type"] == "http" else receive, send)


def _post(app: FastAPI, headers: dict[str, str]) -> tuple[int, int, dict[str, str]]:
    counting = CountingBody(app)
    with TestClient(counting) as client:
        response = client.post(
            OPTIMIZE, content=BODY, headers={"content-type": "application/json", **headers}
        )
        return response.status_code, counting.received, dict(response.headers)


def test_no_or_a_wrong_token_is_refused_unread(app: FastAPI, world: World) -> None:
    for headers in ({}, {"Authorization": "Bearer fr_wrong"}, {"Cookie": f"{SESSION_COOKIE}=x"}):
        status, received, response_headers = _post(app, headers)
        assert (status, received) == (401, 0), headers
        assert response_headers["www-authenticate"] == "Bearer"
        assert response_headers["connection"] == "close"


def test_a_valid_token_gets_its_body_read_as_before(app: FastAPI, world: World) -> None:
    status, received, _ = _post(app, world.headers("admin"))
    assert received == len(BODY)
    assert status == 422  # read and validated: no vehicles


def test_the_body_refusal_matches_the_routes(client: TestClient, world: World) -> None:
    early = client.post(OPTIMIZE, content=BODY, headers={"Authorization": "Bearer nope"})
    late = client.get("/api/v1/users/me", headers={"Authorization": "Bearer nope"})
    assert early.status_code == late.status_code == 401
    assert early.json() == late.json()
    missing = client.post(OPTIMIZE, content=BODY)
    assert missing.json() == client.get("/api/v1/users/me").json()


def test_a_bearer_token_wins_over_the_cookie_as_in_the_route(
    client: TestClient, world: World
) -> None:
    """A valid cookie with a wrong bearer token: the route would refuse, and so does the check."""
    client.cookies.set(SESSION_COOKIE, world.tokens["admin"])
    response = client.post(OPTIMIZE, content=BODY, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert client.post(OPTIMIZE, content=BODY).status_code == 422


def test_over_a_socket_the_401_comes_before_the_body_is_sent(app: FastAPI, world: World) -> None:
    """uvicorn on a real socket: the headers announce 150 kB and no byte of it is sent. Without
    a token the answer comes at once; with one, the server waits for the body."""
    with Served(app) as served:
        port = int(served.url.rsplit(":", 1)[1])

        def send_headers_only(token: str | None) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                auth = f"Authorization: Bearer {token}\r\n" if token else ""
                sock.sendall(
                    f"POST {OPTIMIZE} HTTP/1.1\r\nHost: x\r\n{auth}"
                    "Content-Type: application/json\r\nContent-Length: 150000\r\n\r\n".encode()
                )
                try:
                    return sock.recv(65536)
                except TimeoutError:
                    return b""

        assert send_headers_only(None).startswith(b"HTTP/1.1 401")
        assert send_headers_only("fr_guess").startswith(b"HTTP/1.1 401")
        assert send_headers_only(world.tokens["admin"]) == b""  # still waiting for the body
