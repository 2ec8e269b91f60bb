"""The manager's territory map in headless Chromium: accounts placed at one point (a postcode's
centre, as every demo account is) share one marker, "3 accounts here", listing them in its
popup, as the phone's map does with its stops (issue 13)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from app.models import Account, Rep, Team, Territory
from tests.web.browser import LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

ZIP_A = (41.9, -87.7)
ZIP_B = (41.8, -87.6)


@pytest.fixture(scope="module")
def postcode_team(live_app: LiveApp) -> int:
    """A team 'Zip' of two reps: three accounts at ZIP_A (two reps), two at ZIP_B (one rep),
    and two accounts at points of their own."""
    with live_app.session_factory() as session:
        team = Team(name="Zip")
        reps = [
            Rep(name=f"Zip Rep {i}", email=f"zip{i}@example.com", team=team,
                home_latitude=41.85 + 0.05 * i, home_longitude=-87.65)
            for i in (1, 2)
        ]  # fmt: skip
        session.add_all(reps)
        session.flush()
        territories = [Territory(name=r.name, team_id=team.id, rep_id=r.id) for r in reps]
        session.add_all(territories)
        session.flush()
        places = [
            ("A one <b>", ZIP_A, 0),
            ("A two", ZIP_A, 0),
            ("A three", ZIP_A, 1),
            ("B one", ZIP_B, 1),
            ("B two", ZIP_B, 1),
            ("Alone one", (41.95, -87.75), 0),
            ("Alone two", (41.75, -87.55), 1),
        ]
        session.add_all(
            Account(name=name, latitude=lat, longitude=lon, value=1000.0, team_id=team.id,
                    territory_id=territories[rep].id, geocode_precision="postcode")
            for name, (lat, lon), rep in places
        )  # fmt: skip
        session.commit()
        return team.id


def test_accounts_at_one_point_share_a_marker(
    context: BrowserContext, live_app: LiveApp, postcode_team: int, traffic: Traffic
) -> None:
    page = context.new_page()
    sign_in(page, live_app, "admin", "/login")
    page.goto(f"{live_app.url}/manager/map?team_id={postcode_team}")
    groups = page.locator(".fr-account-group")
    groups.first.wait_for()
    assert groups.count() == 2
    assert sorted(groups.all_inner_texts()) == ["2", "3"]
    assert page.locator("path.fr-account").count() == 2, "the accounts alone at their point"
    assert page.locator(".fr-legend").inner_text().count("(") == 2
    assert "Zip Rep 1 (3)" in page.locator(".fr-legend").inner_text()

    three = page.locator(".fr-account-group[title='3 accounts here']")
    three.click()
    popup = page.locator(".leaflet-popup .fr-group-box")
    popup.wait_for()
    assert popup.locator("strong").inner_text() == "3 accounts here"
    items = popup.locator("li").all_inner_texts()
    assert [item.split(" \u00b7 ")[0] for item in items] == ["A one <b>", "A two", "A three"]
    assert items[2].endswith("Zip Rep 2")
    screenshot(page, "map-accounts-at-one-point")
    assert traffic.off_machine() == []
