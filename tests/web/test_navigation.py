"""The newcomer's path: `/` and a signed-in `/login` send each role to its page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.seed import World


@pytest.mark.parametrize(
    ("who", "target"),
    [("rep_north_1", "/rep"), ("manager_north", "/manager"), ("admin", "/manager")],
)
def test_the_root_sends_each_role_to_its_page(
    client: TestClient, world: World, who: str, target: str
) -> None:
    response = client.get("/", headers=world.headers(who), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == target
    landed = client.get("/", headers=world.headers(who))
    assert landed.status_code == 200
    assert landed.headers["content-type"].startswith("text/html")


def test_the_root_sends_a_stranger_to_sign_in(client: TestClient, world: World) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_signed_in_login_goes_to_the_callers_page(client: TestClient, world: World) -> None:
    signed = client.post(
        "/login", data={"token": world.tokens["manager_north"]}, follow_redirects=False
    )
    assert signed.status_code == 303
    again = client.get("/login", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/manager"
