"""Failed sign-ins are limited per client and per token prefix (app.auth.rate_limit): the
`/login` form and refused API tokens alike; successes and token-less requests do not count."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.auth.rate_limit import FailureLimiter
from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from tests.seed import World, seed_world

LIMIT = 3
WINDOW_S = 0.6
ME = "/api/v1/users/me"


@pytest.fixture
def limited(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, World]]:
    app = create_app(
        settings.model_copy(update={"sign_in_failures": LIMIT, "sign_in_window_s": WINDOW_S}),
        clock,
    )
    with TestClient(app) as client:
        with app.state.session_factory() as session:
            world = seed_world(session)
            session.commit()
        yield client, world


def _other_client(client: TestClient, host: str) -> TestClient:
    return TestClient(client.app, client=(host, 50000))


def test_login_guesses_from_one_client_hit_429_then_the_window_frees_them(
    limited: tuple[TestClient, World],
) -> None:
    client, world = limited
    for n in range(LIMIT):
        assert client.post("/login", data={"token": f"guess-{n}-x"}).status_code == 401
    refused = client.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"  # ceil(0.6 s)
    assert "too many failed sign-in attempts" in refused.text
    assert 'name="token"' in refused.text  # the form again, for the browser
    # Another client is not held back by this one's guesses.
    other = _other_client(client, "10.0.0.2")
    ok = other.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    assert ok.status_code == 303
    time.sleep(WINDOW_S + 0.05)
    again = client.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    assert again.status_code == 303


def test_api_token_guesses_count_too_and_block_even_a_valid_token(
    limited: tuple[TestClient, World],
) -> None:
    client, world = limited
    for n in range(LIMIT):
        assert client.get(ME, headers={"Authorization": f"Bearer g{n}-guess"}).status_code == 401
    blocked = client.get(ME, headers=world.headers("admin"))
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"] == "1"
    assert "detail" in blocked.json()
    # Also before a body is read (app.auth.before_body).
    post = client.post("/api/v1/optimize", json={}, headers=world.headers("admin"))
    assert post.status_code == 429


def test_one_token_prefix_is_limited_across_clients(limited: tuple[TestClient, World]) -> None:
    """Guesses at one token's remainder from many addresses: the per-account limit."""
    client, world = limited
    target = "fr_dev_ana"  # a demo-style token prefix
    for n in range(LIMIT):
        other = _other_client(client, f"10.0.1.{n}")
        assert other.post("/login", data={"token": f"{target}{n}"}).status_code == 401
    fresh = _other_client(client, "10.0.2.1")
    assert fresh.post("/login", data={"token": f"{target}-more"}).status_code == 429
    # A different token from that client is fine.
    assert fresh.get(ME, headers=world.headers("admin")).status_code == 200


def test_successes_and_requests_without_a_token_do_not_count(
    limited: tuple[TestClient, World],
) -> None:
    client, world = limited
    for _ in range(3 * LIMIT):
        assert client.get(ME, headers=world.headers("admin")).status_code == 200
        assert client.get(ME).status_code == 401
        assert client.post("/api/v1/optimize", json={}).status_code == 401
    ok = client.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    assert ok.status_code == 303
    for n in range(LIMIT):
        assert client.get(ME, headers={"Authorization": f"Bearer g{n}-guess"}).status_code == 401
    assert client.get(ME, headers={"Authorization": "Bearer last-guess"}).status_code == 429


def test_the_limiter_forgets_the_oldest_keys_past_its_bound() -> None:
    limiter = FailureLimiter(limit=1, window_s=60, max_keys=100)
    for n in range(1000):
        limiter.record_failure([f"client:{n}"])
    assert len(limiter._failures) == 100
    assert limiter.retry_after(["client:999"]) is not None
    assert limiter.retry_after(["client:0"]) is None
    # A flood from one key keeps at most `limit` timestamps.
    for _ in range(1000):
        limiter.record_failure(["client:999"])
    assert len(limiter._failures["client:999"]) == 1
