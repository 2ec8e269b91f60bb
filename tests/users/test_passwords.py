"""Passwords over the API: set and change your own (Argon2id, the rule of
`app.auth.passwords`), an admin resets them, parameters that change are rehashed on sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User
from tests.seed import World

GOOD = "correct horse battery"
OTHER = "a different long phrase"


def _password_url(world: World, who: str) -> str:
    return f"/api/v1/users/{world.user_ids[who]}/password"


def _stored(session: Session, world: World, who: str) -> str | None:
    session.expire_all()
    return session.scalar(select(User.password_hash).where(User.id == world.user_ids[who]))


def _sign_in(client: TestClient, email: str, password: str) -> int:
    response = client.post(
        "/login", data={"email": email, "password": password}, follow_redirects=False
    )
    status: int = response.status_code
    return status


def test_set_then_change_your_own_password(
    client: TestClient, world: World, session: Session
) -> None:
    me = world.headers("rep_north_1")
    url = _password_url(world, "rep_north_1")
    assert client.get("/api/v1/users/me", headers=me).json()["has_password"] is False
    assert client.put(url, json={"new_password": GOOD}, headers=me).status_code == 204
    stored = _stored(session, world, "rep_north_1")
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert GOOD not in stored
    assert client.get("/api/v1/users/me", headers=me).json()["has_password"] is True
    # Changing needs the current one, and the right one.
    missing = client.put(url, json={"new_password": OTHER}, headers=me)
    assert missing.status_code == 422
    assert missing.json()["field"] == "current_password"
    wrong = client.put(url, json={"current_password": "nope", "new_password": OTHER}, headers=me)
    assert wrong.status_code == 403
    assert wrong.json()["field"] == "current_password"
    right = client.put(url, json={"current_password": GOOD, "new_password": OTHER}, headers=me)
    assert right.status_code == 204
    assert _sign_in(client, "user-rep_north_1@example.com", GOOD) == 401
    assert _sign_in(client, "User-Rep_North_1@example.com", OTHER) == 303


def test_weak_passwords_are_refused_with_the_reason(client: TestClient, world: World) -> None:
    me = world.headers("rep_north_1")
    url = _password_url(world, "rep_north_1")
    for weak, reason in (
        ("short one", "at least 12 characters"),
        ("password1234", "most common"),
        ("aaaaaaaaaaaaaa", "one character repeated"),
        ("my user-rep_north_1 pass", "e-mail"),
        ("x" * 201, "at most 200"),
    ):
        response = client.put(url, json={"new_password": weak}, headers=me)
        assert response.status_code == 422, weak
        assert reason in response.text, (weak, response.text)


def test_nobody_sets_another_users_password(client: TestClient, world: World) -> None:
    url = _password_url(world, "rep_north_1")
    for who in ("admin", "manager_north"):
        response = client.put(url, json={"new_password": GOOD}, headers=world.headers(who))
        assert response.status_code == 403, who
    hidden = client.put(url, json={"new_password": GOOD}, headers=world.headers("manager_south"))
    assert hidden.status_code == 404


def test_an_admin_reset_clears_the_password_and_ends_browser_sessions(
    client: TestClient, world: World, session: Session
) -> None:
    url = _password_url(world, "rep_north_1")
    client.put(url, json={"new_password": GOOD}, headers=world.headers("rep_north_1"))
    assert _sign_in(client, "user-rep_north_1@example.com", GOOD) == 303
    assert client.get("/api/v1/users/me").status_code == 200
    refused = client.delete(url, headers=world.headers("manager_north"))
    assert refused.status_code == 403
    assert client.delete(url, headers=world.headers("admin")).status_code == 204
    assert _stored(session, world, "rep_north_1") is None
    assert client.get("/api/v1/users/me").status_code == 401
    assert _sign_in(client, "user-rep_north_1@example.com", GOOD) == 401
    # The rep's API token is not a browser session: it still works.
    assert client.get("/api/v1/users/me", headers=world.headers("rep_north_1")).status_code == 200


def test_a_hash_with_old_parameters_is_replaced_on_sign_in(
    client: TestClient, world: World, session: Session
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(GOOD)
    user = session.get(User, world.user_ids["rep_north_1"])
    assert user is not None
    user.password_hash = weak
    session.commit()
    assert _sign_in(client, "user-rep_north_1@example.com", GOOD) == 303
    stored = _stored(session, world, "rep_north_1")
    assert stored is not None
    assert stored != weak
    assert PasswordHasher().check_needs_rehash(stored) is False
    assert _sign_in(client, "user-rep_north_1@example.com", GOOD) == 303
