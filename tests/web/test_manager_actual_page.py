"""`/manager/actual` and `/manager/plans` in headless Chromium at a phone's 390x844 and a
desk's 1280x800: plan vs actual per rep and day (planned, done, skipped with the reason, late,
km), the cadence line, and "Today so far" refreshed live from the API on the company's and the
rep's clock (the browser sits in Tokyo), with no sideways scrolling of the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from app.auth.principal import principal_for
from app.core.clock import FixedClock, using
from app.models import Account, Rep, User, Visit
from app.plans import service as plans
from app.plans.schemas import PlanRequest
from tests.moments import NOW, TODAY_CHICAGO
from tests.web.browser import TILE_HOST, LiveApp, Traffic, no_sideways_scroll, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

ZONE = ZoneInfo("America/Chicago")
YESTERDAY = TODAY_CHICAGO - timedelta(days=1)
"""Tuesday 3 March: planned that morning, one stop done 40 min late, one skipped."""
PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1280, "height": 800}
BROWSER_ZONE = "Asia/Tokyo"
"""Far from Chicago: a time written on the browser's clock would be 15 hours off."""
REFRESH_MS = 60_000


@dataclass
class Week:
    live: LiveApp
    rep_id: int
    yesterday: dict[str, Any]
    """Names of the stops done late and skipped yesterday."""


@pytest.fixture(scope="module")
def week(live_app: LiveApp) -> Week:
    """North Rep 1 (on Chicago time) planned yesterday and today at 06:00; yesterday's first
    stop done 40 min late, its second skipped (gate locked)."""
    world = live_app.world
    rep_id = world.rep_ids["rep_north_1"]
    live_app.settings.plan_day_time_limit_s = 0.5
    with live_app.session_factory() as session:
        rep = session.get_one(Rep, rep_id)
        rep.time_zone = ZONE.key
        rep.working_days = ["mo", "tu", "we", "th", "fr", "sa", "su"]
        accounts = session.scalars(
            select(Account).where(Account.territory_id == world.territory_ids["rep_north_1"])
        ).all()
        for i, account in enumerate(accounts):
            account.value = 80_000.0 + 10_000.0 * i
            account.cadence_days = 28
            account.last_visit_date = YESTERDAY - timedelta(days=40)
        session.flush()
        principal = principal_for(session.get_one(User, world.user_ids["rep_north_1"]))
        stored = {}
        for day in (YESTERDAY, TODAY_CHICAGO):
            with using(FixedClock(datetime.combine(day, time(6, 0), ZONE))):
                made = plans.plan_rep(
                    session, principal, rep_id, PlanRequest(date=day), live_app.settings
                )
            stored[day] = made.plans[0]
        session.commit()
        first, second = stored[YESTERDAY].stops[:2]
        began = first.start + timedelta(minutes=40)
        session.add_all(
            [
                Visit(
                    rep_id=rep_id,
                    account_id=first.account_id,
                    visit_date=YESTERDAY,
                    status="done",
                    started_at=began,
                    ended_at=began + timedelta(minutes=first.service_minutes),
                ),
                Visit(
                    rep_id=rep_id,
                    account_id=second.account_id,
                    visit_date=YESTERDAY,
                    status="skipped",
                    reason="gate locked",
                ),
            ]
        )
        session.commit()
    return Week(live_app, rep_id, {"late": first.name, "skipped": second.name})


@pytest.fixture(params=[PHONE, DESK], ids=["390x844", "1280x800"])
def browser_at(
    request: pytest.FixtureRequest, browser: Browser, traffic: Traffic
) -> Iterator[BrowserContext]:
    """A browser profile at the parameter's size on Tokyo's clock; tiles and anything off the
    machine as in the `context` fixture."""
    viewport: ViewportSize = request.param
    context = browser.new_context(
        viewport=viewport, timezone_id=BROWSER_ZONE, is_mobile=viewport == PHONE
    )
    context.on("request", lambda r: traffic.urls.append(r.url))
    context.route(
        "**/*",
        lambda route: (
            route.fallback() if route.request.url.startswith("http://127.0.0.1:") else route.abort()
        ),
    )
    context.route(f"*://{TILE_HOST}/**", lambda route: route.fulfill(status=204, body=b""))
    yield context
    context.close()


def _row(page: Page, table: str, rep: str) -> Any:
    return page.locator(f"{table} tbody tr", has_text=rep)


def _day_cell(page: Page, rep: str, day: date) -> Any:
    """The week grid's cell of `rep` on `day` (Monday is the first day column)."""
    return _row(page, "#actual-week", rep).locator("td").nth(day.weekday())


def test_plan_vs_actual_week_cadence_and_live_today(
    browser_at: BrowserContext, week: Week, traffic: Traffic
) -> None:
    live = week.live
    page = browser_at.new_page()
    # The page's timers run on a clock the test moves, so a refresh comes when it says.
    page.clock.install()
    sign_in(page, live, "manager_north", "/manager/actual")
    page.locator("#actual-week").wait_for()
    size = page.viewport_size
    assert size is not None
    tag = f"{size['width']}x{size['height']}"

    yesterday = _day_cell(page, "North Rep 1", YESTERDAY).inner_text()
    assert "1 skipped" in yesterday
    assert "1 late" in yesterday
    assert f"Skipped {week.yesterday['skipped']}: gate locked" in yesterday
    assert f"{week.yesterday['late']} 40 min late" in yesterday
    assert " km planned" in yesterday
    assert "~" in yesterday
    assert " km driven" in yesterday
    plan = _api(browser_at, live, f"/api/v1/reps/{week.rep_id}/plans/{TODAY_CHICAGO}")
    today = _day_cell(page, "North Rep 1", TODAY_CHICAGO).inner_text()
    assert f"/{len(plan['stops'])} done" in today
    assert " km planned" in today
    assert "accounts visited within their cadence" in page.locator("#cadence").inner_text()
    no_sideways_scroll(page)
    screenshot(page, f"manager-actual-{tag}")

    # Today so far, as served and after its first refresh: the times on Chicago's clock.
    status = page.locator("#live-status")
    company = ZoneInfo(live.settings.default_time_zone)
    served = browser_at.request.get(f"{live.url}/manager/actual").text()
    assert f"As of {NOW.astimezone(company):%H:%M};" in served
    status.filter(has_text=f"Updated {NOW.astimezone(company):%H:%M};").wait_for()
    report = _api(
        browser_at,
        live,
        f"/api/v1/plans/actual?team_id={live.world.team_ids['North']}&start={TODAY_CHICAGO}&days=1",
    )
    mine = next(r for r in report["today"] if r["rep_id"] == week.rep_id)
    assert mine["time_zone"] == ZONE.key
    assert report["time_zone"] == company.key
    row = _row(page, "#live", "North Rep 1")
    done = mine["done"]
    assert row.locator("td").first.inner_text() == f"{done} / {len(plan['stops'])}"
    upcoming = mine["next_stop"]
    starts = datetime.fromisoformat(upcoming["planned_start"]).astimezone(ZONE)
    assert f"{upcoming['name']}, {starts:%H:%M}" in row.locator("td").nth(2).inner_text()

    # Half an hour later the rep finishes that stop; the next refresh shows it.
    live.clock.set(NOW + timedelta(minutes=30))
    recorded = httpx.post(
        f"{live.url}/api/v1/visits",
        json={"account_id": upcoming["account_id"], "status": "done"},
        headers={"Authorization": f"Bearer {live.world.tokens['rep_north_1']}"},
    )
    assert recorded.status_code == 201, recorded.text
    page.clock.run_for(REFRESH_MS)
    later = NOW + timedelta(minutes=30)
    status.filter(has_text=f"Updated {later.astimezone(company):%H:%M};").wait_for()
    assert row.locator("td").first.inner_text() == f"{done + 1} / {len(plan['stops'])}"
    assert row.locator("td").last.inner_text() == f"{later.astimezone(ZONE):%H:%M}" == "10:30"
    assert upcoming["name"] not in row.locator("td").nth(2).inner_text()
    no_sideways_scroll(page)
    screenshot(page, f"manager-actual-live-{tag}")
    assert traffic.off_machine() == []


def test_the_week_of_plans_fits_the_screen(
    browser_at: BrowserContext, week: Week, traffic: Traffic
) -> None:
    page = browser_at.new_page()
    sign_in(page, week.live, "manager_north", "/manager/plans")
    cells = page.locator("table.week td a")
    cells.first.wait_for()
    assert cells.count() >= 2, "yesterday's and today's plans"
    no_sideways_scroll(page)
    # Every day of a rep is readable where it is: its day is named beside it on a phone.
    box = cells.first.bounding_box()
    assert box is not None
    size = page.viewport_size
    assert size is not None
    assert box["x"] + box["width"] <= size["width"]
    screenshot(page, f"manager-plans-{size['width']}x{size['height']}")
    assert traffic.off_machine() == []


def _api(context: BrowserContext, live: LiveApp, path: str) -> Any:
    response = context.request.get(f"{live.url}{path}")
    assert response.ok, response.text()
    return response.json()
