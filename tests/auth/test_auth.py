"""Tokens are stored hashed; revoked, expired, disabled and development-only tokens fail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.tokens import hash_token
from app.core import clock
from app.models import ApiToken, User
from tests.backends import ON_BOTH_BACKENDS
from tests.seed import TEST_TOKEN, World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/optimize"
BODY = {
    "vehicles": [{"id": "v", "start": {"lat": 0.1, "lon": 0.1}, "shift": [0, 3600]}],
    "stops": [],
}


def test_tokens_are_stored_hashed(world: World, session: Session) -> None:
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert TEST_TOKEN not in stored
    assert hash_token(TEST_TOKEN) in stored


def test_a_known_token_works(client: TestClient, world: World) -> None:
    assert client.post(URL, json=BODY, headers=world.headers("admin")).status_code == 200


def test_revoked_token_is_401(client: TestClient, world: World, session: Session) -> None:
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(TEST_TOKEN))
    ).one()
    token.revoked_at = clock.now()
    session.commit()
    assert client.post(URL, json=BODY, headers=world.headers("admin")).status_code == 401


def test_expired_token_is_401(client: TestClient, world: World, session: Session) -> None:
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(TEST_TOKEN))
    ).one()
    token.expires_at = clock.now() - timedelta(seconds=1)
    session.commit()
    assert client.post(URL, json=BODY, headers=world.headers("admin")).status_code == 401


def test_disabled_user_is_401(client: TestClient, world: World, session: Session) -> None:
    user = session.get(User, world.user_ids["admin"])
    assert user is not None
    user.active = False
    session.commit()
    assert client.post(URL, json=BODY, headers=world.headers("admin")).status_code == 401


def test_development_only_token_fails_in_production(
    client: TestClient, world: World, session: Session
) -> None:
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(TEST_TOKEN))
    ).one()
    token.development_only = True
    session.commit()
    assert client.post(URL, json=BODY, headers=world.headers("admin")).status_code == 200
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"environment": "production"}
    )
    assert client.post(URL, json=BODY, headers=world.headers("admin")).status_code == 401


def test_last_use_is_recorded(client: TestClient, world: World, session: Session) -> None:
    client.post(URL, json=BODY, headers=world.headers("admin"))
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(TEST_TOKEN))
    ).one()
    assert token.last_used_at is not None


def test_reads_go_on_while_another_transaction_writes(
    client: TestClient, world: World, session: Session
) -> None:
    # A running import holds the write lock (on SQLite, the only writer); a read with a token
    # whose last use is due to be recorded must still answer, not wait for the lock.
    user = session.get(User, world.user_ids["manager_north"])
    assert user is not None
    user.name = "Writer holding the lock"
    session.flush()
    try:
        response = client.get("/api/v1/accounts", headers=world.headers("manager_north"))
        assert response.status_code == 200, response.text
    finally:
        session.rollback()


def test_the_answer_is_sent_after_the_commit(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If the commit fails, the caller must hear of it rather than get a 201 for nothing.
    def failing_commit(self: Session) -> None:
        raise RuntimeError("commit failed")

    monkeypatch.setattr(Session, "commit", failing_commit)
    failing = TestClient(client.app, raise_server_exceptions=False)
    response = failing.post(
        "/api/v1/accounts",
        json={"name": "Never stored", "latitude": 41.9, "longitude": -87.6},
        headers=world.headers("admin"),
    )
    assert response.status_code == 500
