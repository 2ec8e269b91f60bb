"""The look-ahead on the phone page in headless Chromium, at 390x844 and 320x640 (the tests live
on Wednesday 10:00 in Chicago; North Rep 1 works Monday to Friday, 08:00-17:00, so today has
begun): a stale plan says why; a day ahead that is stale refreshes itself when the rep opens
it; today's started plan changes only on the rep's tap; a manager's look changes nothing until
they tap Refresh; and "Plan my day" on a day ahead plans its week together, no account twice."""

from __future__ import annotations

import time as timer
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete, select

from app.auth.principal import principal_for
from app.core.clock import FixedClock, using
from app.models import Account, Rep, RoutePlan, User
from app.plans import lookahead
from app.plans.schemas import RefreshRequest
from tests.moments import CHICAGO, TODAY_CHICAGO
from tests.web.browser import TILE_HOST, LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

WED = TODAY_CHICAGO
THU, FRI = WED + timedelta(days=1), WED + timedelta(days=2)
NEXT_MON = WED + timedelta(days=5)
SIZES: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 320, "height": 640}]
POSITION = {"latitude": 41.97, "longitude": -87.9}


@dataclass
class Week:
    live: LiveApp
    rep_id: int

    def url(self, path: str) -> str:
        return f"{self.live.url}{path}"


@pytest.fixture(scope="module")
def week(live_app: LiveApp) -> Week:
    """North Rep 1's Wednesday to Friday, planned together at 06:00 on Wednesday."""
    world = live_app.world
    rep_id = world.rep_ids["rep_north_1"]
    live_app.settings.plan_day_time_limit_s = 0.5
    live_app.settings.plan_week_time_limit_s = 1.0
    with live_app.session_factory() as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        rep.time_zone = "America/Chicago"
        rep.working_days = ["mo", "tu", "we", "th", "fr"]
        rep.max_visits_per_day = 4
        user = session.get(User, world.user_ids["rep_north_1"])
        assert user is not None
        with using(FixedClock(datetime.combine(WED, time(6), CHICAGO))):
            run = lookahead.refresh(
                session, principal_for(user), rep_id, RefreshRequest(), live_app.settings
            )
            session.commit()
    assert [day.date for day in run.refreshed] == [WED, THU, FRI]
    assert all(plan.stops for plan in run.plans)
    return Week(live_app, rep_id)


@pytest.fixture(params=SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
def phone(
    browser: Browser, traffic: Traffic, request: pytest.FixtureRequest
) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport=request.param,
        is_mobile=True,
        has_touch=True,
        geolocation=POSITION,
        permissions=["geolocation"],
    )
    context.on("request", lambda r: traffic.urls.append(r.url))

    def elsewhere(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.fallback()
        else:
            route.abort()

    def tile(route: Any) -> None:
        traffic.tiles.append(route.request.url)
        route.fulfill(status=204, body=b"")

    context.route("**/*", elsewhere)
    context.route(f"*://{TILE_HOST}/**", tile)
    yield context
    context.close()


def _latest(week: Week, day: date) -> RoutePlan:
    with week.live.session_factory() as session:
        row = session.scalars(
            select(RoutePlan)
            .where(RoutePlan.rep_id == week.rep_id, RoutePlan.plan_date == day)
            .order_by(RoutePlan.version.desc())
            .limit(1)
        ).one()
        session.expunge(row)
        return row


def _move_first_stop(week: Week, day: date) -> str:
    """Moves the account of `day`'s first visit a little: that plan is stale now. Its name."""
    row = _latest(week, day)
    stop = next(s for s in row.stops if s["kind"] == "visit")
    with week.live.session_factory() as session:
        account = session.get(Account, stop["account_id"])
        assert account is not None
        account.latitude = (account.latitude or 0) + 0.002
        session.commit()
        return account.name


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], f"the page scrolls sideways: {width} px wide"


def _open(phone: BrowserContext, week: Week, who: str, path: str) -> Page:
    page = phone.new_page()
    sign_in(page, week.live, who, path)
    return page


def test_a_stale_day_ahead_refreshes_itself_when_the_rep_opens_it(
    phone: BrowserContext, week: Week, traffic: Traffic
) -> None:
    before = _latest(week, THU).version
    today_before = _latest(week, WED).version
    name = _move_first_stop(week, THU)
    page = phone.new_page()
    with page.expect_navigation(url=f"**/rep?date={THU}"):
        sign_in(page, week.live, "rep_north_1", f"/rep?date={THU}")
    # Signed in, the page found its plan stale, refreshed the week and reloaded once more.
    page.locator("#msg", has_text="Updated:").wait_for()
    message = page.get_by_role("alert").inner_text()
    assert message == f"Updated: {name} moved (its address or point changed)."
    assert page.locator("#stale").count() == 0
    page.locator("#stops").wait_for()
    after = _latest(week, THU)
    assert after.version == before + 1
    assert after.kind == "week"
    # Today had begun: the refresh left it as it was.
    assert _latest(week, WED).version == today_before
    _no_sideways_scroll(page)
    screenshot(page, f"rep-lookahead-updated-{phone_size(page)}")
    assert traffic.off_machine() == []


def test_todays_started_plan_changes_only_on_the_reps_tap(
    phone: BrowserContext, week: Week, traffic: Traffic
) -> None:
    before = _latest(week, WED).version
    name = _move_first_stop(week, WED)
    page = _open(phone, week, "rep_north_1", "/rep")
    notice = page.locator("#stale")
    notice.wait_for()
    assert notice.get_by_role("heading").inner_text() == "This plan is out of date"
    assert f"{name} moved (its address or point changed)" in notice.inner_text()
    assert notice.get_by_role("button", name="Refresh").count() == 0
    page.wait_for_load_state("networkidle")
    assert _latest(week, WED).version == before  # opening it changed nothing
    _no_sideways_scroll(page)
    screenshot(page, f"rep-lookahead-stale-today-{phone_size(page)}")
    with page.expect_navigation():
        notice.get_by_role("button", name="Re-plan the rest of today").tap()
    page.locator("#stops").wait_for()
    assert "Re-planned" in page.get_by_role("alert").inner_text()
    after = _latest(week, WED)
    assert (after.version, after.kind) == (before + 1, "replan")
    assert page.locator("#stale").count() == 0
    assert traffic.off_machine() == []


def test_a_manager_sees_the_notice_and_refreshes_with_a_tap(
    phone: BrowserContext, week: Week, traffic: Traffic
) -> None:
    before = _latest(week, FRI).version
    name = _move_first_stop(week, FRI)
    page = _open(phone, week, "manager_north", f"/rep?rep_id={week.rep_id}&date={FRI}")
    notice = page.locator("#stale")
    notice.wait_for()
    page.wait_for_load_state("networkidle")
    assert _latest(week, FRI).version == before  # a manager's look changes nothing
    _no_sideways_scroll(page)
    screenshot(page, f"rep-lookahead-stale-ahead-{phone_size(page)}")
    with page.expect_navigation():
        notice.get_by_role("button", name="Refresh").tap()
    page.locator("#stops").wait_for()
    assert page.get_by_role("alert").inner_text() == (
        f"Updated: {name} moved (its address or point changed)."
    )
    assert _latest(week, FRI).version == before + 1
    assert page.locator("#stale").count() == 0
    assert traffic.off_machine() == []


def test_plan_my_day_ahead_plans_its_week_together(
    phone: BrowserContext, week: Week, traffic: Traffic
) -> None:
    with week.live.session_factory() as session:  # each screen size starts the week over
        session.execute(
            delete(RoutePlan).where(
                RoutePlan.rep_id == week.rep_id, RoutePlan.plan_date >= NEXT_MON
            )
        )
        session.commit()
    monday = _open(phone, week, "rep_north_1", f"/rep?date={NEXT_MON}")
    monday.locator(".notice").wait_for()
    with monday.expect_navigation():
        monday.get_by_role("button", name="Plan my day").tap()
    # The week's plan may leave Monday empty (a visit waiting for a later day is worth more,
    # and this rep has few accounts left): the day's summary shows either way.
    monday.locator("#sum-stops").wait_for()
    assert monday.get_by_role("alert").inner_text() == (
        "Planned. The rest of the week was planned with it."
    )
    planned = [_latest(week, NEXT_MON + timedelta(days=i)) for i in range(5)]
    assert {row.kind for row in planned} == {"week"}
    accounts = [stop["account_id"] for row in planned for stop in row.stops]
    assert accounts
    assert len(accounts) == len(set(accounts))  # no account on two days of the week
    _no_sideways_scroll(monday)
    assert traffic.off_machine() == []


def phone_size(page: Page) -> str:
    viewport = page.viewport_size
    assert viewport is not None
    return f"{viewport['width']}x{viewport['height']}"


def test_the_notice_survives_a_dead_zone(
    phone: BrowserContext, week: Week, traffic: Traffic
) -> None:
    before = _latest(week, WED).version
    name = _move_first_stop(week, WED)
    page = _open(phone, week, "rep_north_1", "/rep")
    page.locator("#stale").wait_for()
    url = page.url
    deadline = timer.monotonic() + 15
    while not page.evaluate("async (u) => Boolean(await caches.match(u))", url):
        assert timer.monotonic() < deadline, "today's page was not kept for offline"
        page.wait_for_timeout(100)
    phone.set_offline(True)
    page.reload()
    notice = page.locator("#stale")
    notice.wait_for()
    assert f"{name} moved" in notice.inner_text()
    # The re-plan needs the network: offline, it says so and changes nothing.
    notice.get_by_role("button", name="Re-plan the rest of today").tap()
    page.locator("#msg", has_text="No connection").wait_for()
    phone.set_offline(False)
    assert _latest(week, WED).version == before
    assert traffic.off_machine() == []
