"""`/login` with an e-mail address and password: success, failure, and the lockout of an
address after repeated wrong passwords, the same for addresses nobody has."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from app.auth.dependencies import SESSION_COOKIE
from tests.seed import World

EMAIL = "user-rep_north_1@example.com"
GOOD = "correct horse battery"
ACCOUNT_LIMIT = 5


def _set_password(client: TestClient, world: World) -> None:
    url = f"/api/v1/users/{world.user_ids['rep_north_1']}/password"
    response = client.put(url, json={"new_password": GOOD}, headers=world.headers("rep_north_1"))
    assert response.status_code == 204


def _try(client: TestClient, email: str, password: str) -> tuple[int, str]:
    response = client.post(
        "/login",
        data={"email": email, "password": password, "next": "/rep"},
        follow_redirects=False,
    )
    return response.status_code, response.text


def test_the_form_offers_email_and_password_first(client: TestClient) -> None:
    form = client.get("/login").text
    assert form.index('name="email"') < form.index('name="token"')
    assert 'autocomplete="current-password"' in form


def test_right_password_signs_in_wrong_one_does_not(client: TestClient, world: World) -> None:
    _set_password(client, world)
    status, text = _try(client, EMAIL, "wrong password here")
    assert status == 401
    assert "Wrong e-mail address or password" in text
    assert client.get("/api/v1/users/me").status_code == 401
    response = client.post(
        "/login", data={"email": EMAIL, "password": GOOD, "next": "/rep"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/rep"
    assert SESSION_COOKIE in response.headers["set-cookie"]
    assert client.get("/api/v1/users/me").json()["email"] == EMAIL


def test_a_user_without_a_password_cannot_sign_in_with_one(
    client: TestClient, world: World
) -> None:
    status, text = _try(client, EMAIL, "")
    assert status == 401
    status, text = _try(client, EMAIL, "anything at all")
    assert status == 401
    assert "Wrong e-mail address or password" in text


def test_wrong_passwords_lock_the_address_even_for_the_right_one(
    client: TestClient, world: World
) -> None:
    _set_password(client, world)
    for _ in range(ACCOUNT_LIMIT):
        assert _try(client, EMAIL, "not the password")[0] == 401
    status, text = _try(client, EMAIL, GOOD)
    assert status == 429
    assert "password sign-in is locked for 15 min" in text
    # Another address from the same client is not locked.
    assert _try(client, "user-rep_north_2@example.com", "whatever it is")[0] == 401


def test_unknown_addresses_get_the_same_answers_in_about_the_same_time(
    client: TestClient, world: World
) -> None:
    _set_password(client, world)
    timings: dict[str, list[float]] = {EMAIL: [], "nobody@example.com": []}
    answers: dict[str, list[tuple[int, str]]] = {EMAIL: [], "nobody@example.com": []}
    for n, email in enumerate(timings):
        # A client of its own per address: the per-client limit is not what is compared.
        caller = TestClient(client.app, client=(f"10.0.0.{n + 1}", 50000))
        for _ in range(ACCOUNT_LIMIT + 1):
            start = time.perf_counter()
            status, text = _try(caller, email, "not the password")
            timings[email].append(time.perf_counter() - start)
            error = text.split('role="alert">', 1)[1].split("<", 1)[0]
            answers[email].append((status, error))
    assert answers[EMAIL] == answers["nobody@example.com"]
    assert [status for status, _ in answers[EMAIL]] == [401] * ACCOUNT_LIMIT + [429]
    # Both take one Argon2 verification per checked attempt (hundreds of ms on this machine).
    known = sorted(timings[EMAIL][:ACCOUNT_LIMIT])[ACCOUNT_LIMIT // 2]
    unknown = sorted(timings["nobody@example.com"][:ACCOUNT_LIMIT])[ACCOUNT_LIMIT // 2]
    assert 0.5 < unknown / known < 2, (known, unknown)
