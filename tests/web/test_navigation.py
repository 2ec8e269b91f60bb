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


def test_a_manager_on_a_reps_day_has_a_way_back_to_the_week(
    client: TestClient, world: World
) -> None:
    rep_id, team_id = world.rep_ids["rep_north_1"], world.team_ids["North"]
    # Thursday 5 March 2026: its week's grid starts on Monday 2 March.
    managed = client.get(
        f"/rep?rep_id={rep_id}&date=2026-03-05", headers=world.headers("manager_north")
    )
    assert managed.status_code == 200
    back = f'href="/manager/plans?team_id={team_id}&amp;start=2026-03-02">Back to the week'
    assert back in managed.text
    own = client.get("/rep?date=2026-03-05", headers=world.headers("rep_north_1"))
    assert own.status_code == 200
    assert "/manager/plans" not in own.text


def test_the_manager_pages_link_to_each_other(client: TestClient, world: World) -> None:
    team_id = world.team_ids["North"]
    week = f"team_id={team_id}&amp;start=2026-03-02"
    links = {
        "/manager": f'href="/manager?team_id={team_id}"',
        "/manager/plans": f'href="/manager/plans?{week}"',
        "/manager/actual": f'href="/manager/actual?{week}"',
        # The reports end with the week the other pages show, and hand it on.
        "/manager/reports": f'href="/manager/reports?{week}"',
    }
    for path in links:
        shown = client.get(
            f"{path}?team_id={team_id}&start=2026-03-02" if path != "/manager" else path,
            headers=world.headers("manager_north"),
        )
        assert shown.status_code == 200, path
        nav = shown.text.split('<nav class="manager-nav"', 1)[1].split("</nav>", 1)[0]
        for other, link in links.items():
            if other == path:
                assert link not in nav
                assert 'aria-current="page"' in nav
            else:
                # The week page's links keep the week; the territory page has none to keep.
                expected = link if path != "/manager" else f'href="{other}?team_id={team_id}"'
                assert expected in nav, (path, other)
