"""One-time sign-in links: issued by an admin, a rep's manager or the rep, used once, expiring,
stored hashed."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.dependencies import SESSION_COOKIE
from app.core.clock import FixedClock
from app.models import SignInLink
from tests.moments import NOW
from tests.seed import World

ME = "/api/v1/users/me"


def _issue(client: TestClient, world: World, who: str, *, by: str) -> dict[str, str]:
    url = f"/api/v1/users/{world.user_ids[who]}/sign-in-links"
    response = client.post(url, headers=world.headers(by))
    assert response.status_code == 201, response.text
    body: dict[str, str] = response.json()
    return body


def _path(link: dict[str, str]) -> str:
    return link["url"].removeprefix("http://testserver")


def test_a_managers_link_signs_the_reps_phone_in_once(
    client: TestClient, world: World, session: Session
) -> None:
    link = _issue(client, world, "rep_north_1", by="manager_north")
    assert link["url"].startswith("http://testserver/login/link/")
    assert link["expires_at"].startswith((NOW + timedelta(minutes=15)).isoformat()[:16])
    assert link["qr_svg"].startswith("<svg")
    secret = _path(link).rsplit("/", 1)[1]
    stored = session.scalars(select(SignInLink.secret_hash)).all()
    assert stored
    assert secret not in stored
    # Opening the link spends nothing: a preview or a scanner may fetch it.
    page = client.get(_path(link))
    assert page.status_code == 200
    assert "Sign in as North Rep 1" in page.text
    assert client.get(_path(link)).status_code == 200
    used = client.post(_path(link), follow_redirects=False)
    assert used.status_code == 303
    assert used.headers["location"] == "/rep"
    assert SESSION_COOKIE in used.headers["set-cookie"]
    assert client.get(ME).json()["email"] == "user-rep_north_1@example.com"
    client.cookies.clear()
    again = client.post(_path(link), follow_redirects=False)
    assert again.status_code == 410
    assert "already been used" in again.text
    assert client.get(ME).status_code == 401
    assert "already been used" in client.get(_path(link)).text


def test_an_expired_link_says_so(client: TestClient, world: World, clock: FixedClock) -> None:
    link = _issue(client, world, "rep_north_1", by="admin")
    clock.advance(timedelta(minutes=15, seconds=1))
    page = client.get(_path(link))
    assert page.status_code == 410
    assert "expired" in page.text
    assert client.post(_path(link), follow_redirects=False).status_code == 410
    assert client.get(ME).status_code == 401


def test_an_unknown_link_is_refused(client: TestClient, world: World) -> None:
    response = client.post("/login/link/not-a-link", follow_redirects=False)
    assert response.status_code == 404
    assert "not valid" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_who_may_issue_links(client: TestClient, world: World) -> None:
    def status(who: str, by: str) -> int:
        url = f"/api/v1/users/{world.user_ids[who]}/sign-in-links"
        code: int = client.post(url, headers=world.headers(by)).status_code
        return code

    assert status("rep_south_1", "manager_north") == 404
    assert status("rep_north_2", "rep_north_1") == 404
    assert status("rep_north_1", "rep_north_1") == 201
    assert status("manager_south", "admin") == 201


def test_a_link_from_another_site_is_refused(client: TestClient, world: World) -> None:
    link = _issue(client, world, "rep_north_1", by="admin")
    evil = {"Origin": "https://evil.example"}
    assert client.post(_path(link), headers=evil).status_code == 403
    assert client.post(_path(link), follow_redirects=False).status_code == 303


def test_the_link_page_for_managers(client: TestClient, world: World) -> None:
    client.post("/login", data={"token": world.tokens["manager_north"]})
    target = world.user_ids["rep_north_1"]
    form = client.get(f"/login/link/new?user_id={target}")
    assert form.status_code == 200
    assert "North Rep 1" in form.text
    made = client.post("/login/link/new", data={"user_id": str(target)})
    assert made.status_code == 200
    assert "<svg" in made.text
    assert "http://testserver/login/link/" in made.text
    other = client.get(f"/login/link/new?user_id={world.user_ids['rep_south_1']}")
    assert other.status_code == 404
