"""A plan made on Baltimore's roads, on the phone page and the manager's week grid in headless
Chromium: the road label, and a route line along the roads (many more points than stops).
Real embedded OSRM on the real extract; nothing leaves the machine."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest

from app.core.clock import FixedClock, using
from app.core.db import make_session_factory
from app.main import create_app
from tests.moments import NOW
from tests.plans.baltimore import Baltimore, next_monday, road_settings, seed_baltimore
from tests.web.browser import Served, Traffic
from tests.web.conftest import page_settings

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright


@dataclass
class RoadDay:
    url: str
    world: Baltimore
    plan: dict  # type: ignore[type-arg]


@pytest.fixture(scope="module")
def road_day(
    playwright_instance: Playwright,
    sqlite_template: Path,
    road_data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RoadDay]:
    settings = road_settings(
        page_settings(tmp_path_factory.mktemp("road-pages"), sqlite_template), road_data_dir
    )
    clock = FixedClock(NOW)
    app = create_app(settings, clock)
    with Served(app) as served, using(clock):
        factory = make_session_factory(app.state.engine)
        with factory() as session:
            world = seed_baltimore(session)
            session.commit()
        answer = httpx.post(
            f"{served.url}/api/v1/reps/{world.rep_id}/plans",
            json={"date": next_monday().isoformat(), "time_limit": 0.5},
            headers=world.headers("rep"),
            timeout=60,
        )
        assert answer.status_code == 201, answer.text
        yield RoadDay(served.url, world, answer.json()["plans"][0])


def _sign_in(page: Page, day: RoadDay, who: str, next_path: str) -> None:
    page.goto(f"{day.url}/login?next={quote(next_path, safe='/')}")
    page.fill("#token", day.world.tokens[who])
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_the_phone_page_labels_road_times_and_draws_the_roads(
    road_day: RoadDay, context: BrowserContext, traffic: Traffic
) -> None:
    plan = road_day.plan
    assert plan["travel_model"] == "osrm"
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, road_day, "rep", f"/rep?date={plan['date']}")
    label = page.locator("#travel-model")
    assert label.inner_text() == "Road times: OSRM on OpenStreetMap data of baltimore (v1)"
    assert "baltimore.osm.pbf" in (label.get_attribute("title") or "")
    frame = page.frame_locator("#map")
    frame.locator(".fr-stop").first.wait_for()
    assert frame.locator(".fr-stop").count() == len(plan["stops"])
    line = frame.locator("path.fr-route")
    assert line.count() == 1
    assert "fr-roads" in (line.get_attribute("class") or "")
    # Leaflet drops points closer than a pixel; a drive along streets still bends many times.
    drawn = len(re.findall(r"[ML]", line.get_attribute("d") or ""))
    assert drawn > 3 * len(plan["stops"]), drawn
    assert frame.locator(".fr-line-note").count() == 0
    driving = page.locator(".summary dd").nth(1).inner_text()
    assert f"{plan['totals']['distance_km']:,.1f} km" in driving
    assert traffic.off_machine() == []


def test_the_week_grid_says_the_plan_was_timed_on_roads(
    road_day: RoadDay, context: BrowserContext
) -> None:
    page = context.new_page()
    monday = road_day.plan["date"]
    _sign_in(
        page,
        road_day,
        "manager",
        f"/manager/plans?team_id={road_day.world.team_id}&start={monday}",
    )
    cell = page.locator("table.week td .travel").first
    assert cell.inner_text() == "road times (OSRM)"
