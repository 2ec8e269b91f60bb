"""The login form turns a token into a session cookie the pages and the API accept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.auth.dependencies import SESSION_COOKIE
from tests.seed import World

ME = "/api/v1/users/me"


def test_login_sets_a_cookie_that_authenticates(client: TestClient, world: World) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    assert 'name="token"' in form.text
    response = client.post(
        "/login", data={"token": world.tokens["rep_north_1"], "next": ME}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == ME
    cookie = response.headers["set-cookie"]
    assert SESSION_COOKIE in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    me = client.get(ME)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "user-rep_north_1@example.com"
    assert "North Rep 1" in client.get("/login").text


def test_wrong_token_gets_the_form_again(client: TestClient, world: World) -> None:
    response = client.post("/login", data={"token": "nope"}, follow_redirects=False)
    assert response.status_code == 401
    assert "Unknown, revoked or expired token" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert client.get(ME).status_code == 401


def test_logout_revokes_the_session_not_the_api_token(client: TestClient, world: World) -> None:
    response = client.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    session_token = response.cookies[SESSION_COOKIE]
    assert session_token != world.tokens["admin"]
    assert client.get(ME).status_code == 200
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    assert client.get(ME).status_code == 401
    stolen = {"Authorization": f"Bearer {session_token}"}
    assert client.get(ME, headers=stolen).status_code == 401
    assert client.get(ME, headers=world.headers("admin")).status_code == 200


def test_forms_refuse_other_sites(client: TestClient, world: World) -> None:
    evil = {"Origin": "https://evil.example"}
    response = client.post("/login", data={"token": world.tokens["admin"]}, headers=evil)
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    same = {"Origin": "http://testserver"}
    ok = client.post(
        "/login", data={"token": world.tokens["admin"]}, headers=same, follow_redirects=False
    )
    assert ok.status_code == 303
    assert client.post("/logout", headers=evil).status_code == 403


def test_next_only_redirects_within_the_site(client: TestClient, world: World) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(
            "/login", data={"token": world.tokens["admin"], "next": target}, follow_redirects=False
        )
        assert response.headers["location"] == "/login", target


def test_cookie_is_secure_outside_development(client: TestClient, world: World) -> None:
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"session_cookie_secure": True}
    )
    response = client.post("/login", data={"token": world.tokens["admin"]}, follow_redirects=False)
    assert "secure" in response.headers["set-cookie"].lower()


def test_cookie_requests_from_other_sites_cannot_change_anything(
    client: TestClient, world: World
) -> None:
    client.post("/login", data={"token": world.tokens["admin"]})
    evil = {"Origin": "https://evil.example"}
    body = {"name": "Forged", "latitude": 41.9, "longitude": -87.6}
    assert client.post("/api/v1/accounts", json=body, headers=evil).status_code == 403
    assert client.get(ME, headers=evil).status_code == 200
    same = {"Origin": "http://testserver"}
    assert client.post("/api/v1/accounts", json=body, headers=same).status_code == 201
