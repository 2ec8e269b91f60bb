"""`/rep` in headless Chromium at phone size (390x844): the day's map and stop cards agree with
the stored plan, a tap on Done persists, Skip needs a reason, the call-instead tab, today planned
with a tap (opening the page plans nothing) and re-planned from the phone's position, who may
see whose day, no sideways scrolling, under 300 KB before tiles, and nothing leaves the
machine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.principal import principal_for
from app.core.clock import FixedClock, using
from app.models import Account, Rep, User
from app.plans import service as plans
from app.plans.schemas import PlanRequest, PlanStop
from app.web.rep_view import apple_destination, apple_to, destination, google_destination, google_to
from tests.moments import TODAY_CHICAGO
from tests.web.browser import TILE_HOST, LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Geolocation,
        Page,
        Response,
        ViewportSize,
    )

DAY = date(2026, 3, 3)
"""A Tuesday, planned as of 06:00 that morning (before the shift), so visits can be recorded
for it (it is in the past) and the test does not depend on today's date."""
ZONE = "America/Chicago"
PHONE: ViewportSize = {"width": 390, "height": 844}
POSITION: Geolocation = {"latitude": 41.97, "longitude": -87.9}
CLOSED_ON_TUESDAYS = {day: ["08:00-17:00"] for day in ("mo", "we", "th", "fr")}
OPEN_DAILY = {day: ["07:30-18:00"] for day in ("mo", "tu", "we", "th", "fr", "sa", "su")}
MAX_PAGE_BYTES = 300_000


@dataclass
class RepDay:
    live: LiveApp
    rep_id: int
    other_rep_id: int
    south_rep_id: int

    def url(self, path: str) -> str:
        return f"{self.live.url}{path}"


@pytest.fixture(scope="module")
def rep_day(live_app: LiveApp) -> RepDay:
    """North Rep 1 on Chicago time, working every day, with all territory accounts overdue
    (two closed on Tuesdays), phones and streets, and a stored plan for `DAY`."""
    world = live_app.world
    rep_id = world.rep_ids["rep_north_1"]
    # Shorter searches than the default 2 s keep the module quick; a small day needs no more.
    live_app.settings.plan_day_time_limit_s = 0.5
    with live_app.session_factory() as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        rep.time_zone = ZONE
        rep.working_days = ["mo", "tu", "we", "th", "fr", "sa", "su"]
        accounts = session.scalars(
            select(Account)
            .where(Account.territory_id == world.territory_ids["rep_north_1"])
            .order_by(Account.id)
        ).all()
        for i, account in enumerate(accounts):
            account.value = 80_000.0 + 10_000.0 * i
            account.cadence_days = 28
            account.last_visit_date = DAY - timedelta(days=40)
            account.phone = f"+1 (312) 555-01{i:02d}"
            account.street = f"{100 + i} W Main St"
            account.opening_hours = CLOSED_ON_TUESDAYS if i in (1, 5) else OPEN_DAILY
        session.flush()
        user = session.get(User, world.user_ids["rep_north_1"])
        assert user is not None
        morning = datetime.combine(DAY, time(6, 0), ZoneInfo(ZONE))
        with using(FixedClock(morning)):
            request = PlanRequest(date=DAY)
            plans.plan_rep(session, principal_for(user), rep_id, request, live_app.settings)
            session.commit()
    return RepDay(live_app, rep_id, world.rep_ids["rep_north_2"], world.rep_ids["rep_south_1"])


@pytest.fixture
def phone(browser: Browser, traffic: Traffic) -> Iterator[BrowserContext]:
    """A phone-sized, touch browser profile that may read its (fixed) position; tiles are
    answered here with an empty 204 and anything else off the machine is aborted."""
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation=POSITION,
        permissions=["geolocation"],
    )
    context.on("request", lambda request: traffic.urls.append(request.url))

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


def _api(context: BrowserContext, url: str) -> Any:
    """GET through the browser's own cookie, as the page's script does."""
    response = context.request.get(url)
    assert response.ok, response.text()
    return response.json()


def _plan(context: BrowserContext, day: RepDay, on: date) -> Any:
    return _api(context, day.url(f"/api/v1/reps/{day.rep_id}/plans/{on.isoformat()}"))


def _open_day(context: BrowserContext, day: RepDay, path: str) -> Page:
    page = context.new_page()
    sign_in(page, day.live, "rep_north_1", path)
    page.locator("#stops").wait_for()
    page.frame_locator("#map").locator(".fr-stop").first.wait_for()
    return page


def _visits(context: BrowserContext, day: RepDay, account_id: int) -> list[Any]:
    query = f"rep_id={day.rep_id}&account_id={account_id}&date_from={DAY}&date_to={DAY}"
    page: dict[str, Any] = _api(context, day.url(f"/api/v1/visits?{query}"))
    items: list[Any] = page["items"]
    return items


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px wide"


def _card(page: Page, number: int) -> Any:
    return page.locator(f"#stop-{number}")


def test_the_day_on_a_phone(phone: BrowserContext, rep_day: RepDay, traffic: Traffic) -> None:
    responses: list[Response] = []
    phone.on("response", lambda response: responses.append(response))
    page = _open_day(phone, rep_day, f"/rep?date={DAY}")
    page.wait_for_load_state("networkidle")
    plan = _plan(phone, rep_day, DAY)
    stops = plan["stops"]
    assert len(stops) >= 5, "overdue, valuable accounts nearby: the day must have stops"
    cards = page.locator("#stops .stop")
    markers = page.frame_locator("#map").locator(".fr-stop")
    assert cards.count() == markers.count() == len(stops)
    assert [c.get_attribute("data-account-id") for c in cards.all()] == [
        str(s["account_id"]) for s in stops
    ]
    assert markers.all_inner_texts() == [str(n) for n in range(1, len(stops) + 1)]
    assert page.frame_locator("#map").locator(".fr-home").count() == 1
    assert page.frame_locator("#map").locator("path.fr-route").count() == 1

    first = _card(page, 1)
    arrival = datetime.fromisoformat(stops[0]["arrival"]).astimezone(ZoneInfo(ZONE))
    assert first.locator("time").inner_text() == f"{arrival:%H:%M}"
    assert first.locator("h3").inner_text().endswith(stops[0]["name"])
    assert first.locator(".hours").inner_text() == f"Open {stops[0]['opening_hours']}"
    tel = first.locator("a[href^='tel:']")
    assert tel.get_attribute("href") == "tel:" + "".join(
        ch for ch in stops[0]["phone"] if ch.isdigit() or ch == "+"
    )
    # A point only as exact as its postcode navigates by the address; else by the point.
    target = destination(PlanStop.model_validate(stops[0]))
    if stops[0]["precision"] in ("postcode", "city") and stops[0]["street"]:
        assert isinstance(target, str)
        assert target.startswith(stops[0]["street"])
    google = first.get_by_role("link", name="Google Maps").get_attribute("href") or ""
    by_address = isinstance(target, str)
    assert google == (google_to(target) if by_address else google_destination(*target))
    apple = first.get_by_role("link", name="Apple Maps").get_attribute("href") or ""
    assert apple == (apple_to(target) if by_address else apple_destination(*target))
    # Start, the stops and the end, at most ten points a link.
    route_links = page.locator(".route-links a")
    assert route_links.count() == -(-(len(stops) + 1) // 9)
    # Names are text, never markup: the seeded "<b>&amp;" shows as typed.
    assert "<b>&amp;" in page.locator("#stops").inner_text()
    assert page.locator("#sum-stops").inner_text() == str(len(stops))

    # Thumb-sized: every visible button and link button is at least 44 px high.
    for target in first.locator("button:visible, a.btn:visible").all():
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= 44, target.inner_text()
    _no_sideways_scroll(page)
    screenshot(page, "rep-day")

    page.get_by_role("tab", name="Call instead").tap()
    calls = page.locator("#calls .call")
    assert calls.count() == len(plan["call_instead"]) > 0
    closed = [c for c in plan["call_instead"] if c["reason"] == "closed"]
    assert len(closed) == 2, "two accounts are closed on Tuesdays"
    assert "Closed during your hours today" in page.locator("#calls").inner_text()
    assert page.locator("#panel-route").is_hidden()
    _no_sideways_scroll(page)
    screenshot(page, "rep-call-instead")
    page.get_by_role("tab", name="Exports").tap()
    hrefs = [a.get_attribute("href") for a in page.locator(".exports a").all()]
    base = f"/api/v1/reps/{rep_day.rep_id}/plans/{DAY}/"
    assert hrefs == [
        base + p
        for p in ("export.ics", "export.gpx", "export.csv", "export.geojson", "call-instead.csv")
    ]
    for href in hrefs:
        download = phone.request.get(rep_day.url(str(href)))
        assert download.ok, f"{href}: {download.status} {download.text()}"

    # Light: the page, the map page and all their scripts and styles, tiles aside.
    loaded = [
        r
        for r in responses
        if r.url.startswith(rep_day.live.url)
        and not r.url.startswith(rep_day.url("/login"))
        and r.request.resource_type in ("document", "script", "stylesheet", "image", "font")
    ]
    kinds = {r.request.resource_type for r in loaded}
    assert {"document", "script", "stylesheet"} <= kinds
    total = sum(len(r.body()) for r in loaded if r.status == 200)
    assert total < MAX_PAGE_BYTES, f"{total:,} bytes: {[r.url for r in loaded]}"
    assert traffic.off_machine() == []
    assert traffic.tiles, "the map asked for no tiles (is the tile layer there?)"


def test_done_persists_and_skip_needs_a_reason(
    phone: BrowserContext, rep_day: RepDay, traffic: Traffic
) -> None:
    page = _open_day(phone, rep_day, f"/rep?date={DAY}")
    stops = _plan(phone, rep_day, DAY)["stops"]
    page.evaluate("window.notReloaded = true")

    first = _card(page, 1)
    first.get_by_role("button", name="Done").tap()
    form = first.locator("form.visit-form")
    form.locator("select[name=outcome]").select_option("Order taken")
    form.locator("textarea[name=notes]").fill("Two cases for the spring promotion")
    _no_sideways_scroll(page)
    screenshot(page, "rep-done-form")
    form.get_by_role("button", name="Save as done").tap()
    page.locator("#stop-1[data-state=done]").wait_for()
    assert first.locator(".badge").inner_text() == "Done"
    assert (
        first.locator(".result").inner_text() == "Order taken · Two cases for the spring promotion"
    )
    assert first.locator(".actions").is_hidden()
    assert page.locator("#sum-done").inner_text() == f"1 of {len(stops)}"
    assert page.evaluate("window.notReloaded") is True, "the card must change in place"
    done = _visits(phone, rep_day, stops[0]["account_id"])
    assert [(v["status"], v["outcome"]) for v in done] == [("done", "Order taken")]

    # Skip: without a reason nothing is sent, and the message says why.
    second = _card(page, 2)
    second.get_by_role("button", name="Skip").tap()
    second.get_by_role("button", name="Skip this stop").tap()
    alert = page.locator("#msg")
    assert alert.get_attribute("role") == "alert"
    assert "Choose a reason" in alert.inner_text()
    assert "error" in (alert.get_attribute("class") or "")
    assert second.get_attribute("data-state") == "planned"
    assert _visits(phone, rep_day, stops[1]["account_id"]) == []
    second.locator("select[name=reason]").select_option("Contact not available")
    second.get_by_role("button", name="Skip this stop").tap()
    page.locator("#stop-2[data-state=skipped]").wait_for()
    assert alert.inner_text() == ""
    assert second.locator(".result").inner_text() == "Contact not available"

    # Arrived keeps Done and Skip at hand.
    third = _card(page, 3)
    third.get_by_role("button", name="Arrived").tap()
    page.locator("#stop-3[data-state=arrived]").wait_for()
    assert third.get_by_role("button", name="Arrived").is_hidden()
    assert third.get_by_role("button", name="Done").is_visible()

    # Done elsewhere meanwhile (another phone): the server's refusal shows, the card stays.
    fourth_account = stops[3]["account_id"]
    elsewhere = phone.request.post(
        rep_day.url("/api/v1/visits"),
        data={"account_id": fourth_account, "status": "done", "date": DAY.isoformat()},
    )
    assert elsewhere.status == 201, elsewhere.text()
    fourth = _card(page, 4)
    fourth.get_by_role("button", name="Done").tap()
    fourth.get_by_role("button", name="Save as done").tap()
    page.locator("#msg.error").wait_for()
    assert "already recorded" in alert.inner_text()
    # The message sticks to the top of the screen, where the rep sees it next to the card.
    box = alert.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < PHONE["height"]
    assert fourth.get_attribute("data-state") == "planned"
    screenshot(page, "rep-error")

    # A reload shows what was recorded, on the cards and on the map.
    page.reload()
    page.frame_locator("#map").locator(".fr-stop").first.wait_for()
    states = [c.get_attribute("data-state") for c in page.locator("#stops .stop").all()[:4]]
    assert states == ["done", "skipped", "arrived", "done"]
    assert _card(page, 1).locator(".result").inner_text().startswith("Order taken")
    frame = page.frame_locator("#map")
    assert frame.locator(".fr-stop.fr-done").count() == 2
    assert frame.locator(".fr-stop.fr-skipped").count() == 1
    _no_sideways_scroll(page)
    screenshot(page, "rep-after-visits")
    assert traffic.off_machine() == []


def test_today_is_planned_with_a_tap_and_replanned_from_here(
    phone: BrowserContext, rep_day: RepDay, traffic: Traffic
) -> None:
    live = rep_day.live
    with live.session_factory() as session:
        rep = session.get(Rep, rep_day.rep_id)
        assert rep is not None
        # A shift round the clock: the page is opened at 10:00 and re-planned at 15:30.
        rep.shift_start, rep.shift_end = time(0, 0), time(23, 59)
        today = plans.rep_today(rep, live.settings)
        session.commit()
    assert today == TODAY_CHICAGO
    today_plan = rep_day.url(f"/api/v1/reps/{rep_day.rep_id}/plans/{today}")
    page = phone.new_page()
    sign_in(page, live, "rep_north_1", "/rep")
    assert page.locator("h1 .date").inner_text().startswith("Today, ")
    # Opening the page plans nothing: it says so and offers the button.
    assert "No plan yet" in page.locator(".notice").inner_text()
    assert page.locator("#stops").count() == 0
    assert phone.request.get(today_plan).status == 404
    _no_sideways_scroll(page)
    screenshot(page, "rep-no-plan-yet")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan my day").tap()
    page.locator("#stops").wait_for()
    page.frame_locator("#map").locator(".fr-stop").first.wait_for()
    assert "Planned." in page.get_by_role("alert").inner_text()
    plan = _plan(phone, rep_day, today)
    assert plan["version"] == 1
    assert page.locator("#stops .stop").count() == len(plan["stops"]) > 0
    assert page.frame_locator("#map").locator(".fr-stop").count() == len(plan["stops"])
    assert page.locator("#plan-again").count() == 0

    live.clock.advance(timedelta(hours=5, minutes=30))
    with page.expect_navigation():
        page.get_by_role("button", name="Re-plan from here").tap()
    page.locator("#stops").wait_for()
    assert "Re-planned from where you are" in page.get_by_role("alert").inner_text()
    replanned = _plan(phone, rep_day, today)
    assert (replanned["version"], replanned["kind"]) == (2, "replan")
    assert (replanned["start"]["latitude"], replanned["start"]["longitude"]) == (
        POSITION["latitude"],
        POSITION["longitude"],
    )
    frame = page.frame_locator("#map")
    frame.locator(".fr-start").wait_for()
    assert frame.locator(".fr-stop").count() == len(replanned["stops"])
    _no_sideways_scroll(page)
    screenshot(page, "rep-today-replanned")
    assert traffic.off_machine() == []


def test_who_sees_whose_day(phone: BrowserContext, rep_day: RepDay, traffic: Traffic) -> None:
    page = phone.new_page()
    page.goto(rep_day.url(f"/rep?date={DAY}"))
    assert page.url == rep_day.url(f"/login?next=/rep%3Fdate%3D{DAY}")
    page.fill("#token", rep_day.live.world.tokens["rep_north_1"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == rep_day.url(f"/rep?date={DAY}")
    # A rep sees only their own day: another rep's is not found.
    other = page.goto(rep_day.url(f"/rep?date={DAY}&rep_id={rep_day.other_rep_id}"))
    assert other is not None
    assert other.status == 404
    assert (
        phone.request.get(rep_day.url(f"/rep/map?rep_id={rep_day.other_rep_id}&date={DAY}")).status
        == 404
    )
    own_map = phone.request.get(rep_day.url(f"/rep/map?rep_id={rep_day.rep_id}&date={DAY}"))
    assert own_map.ok
    assert own_map.headers["cache-control"] == "no-store"
    bad = page.goto(rep_day.url("/rep?date=tomorrow"))
    assert bad is not None
    assert bad.status == 400
    assert "YYYY-MM-DD" in page.locator("main").inner_text()

    # Signing out from the page's bar ends the session.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").tap()
    assert page.url == rep_day.url("/login")
    assert phone.request.get(rep_day.url(f"/rep?date={DAY}"), max_redirects=0).status == 303

    # A manager picks a rep of their teams, and sees that rep's day; not another team's.
    manager = phone.new_page()
    sign_in(manager, rep_day.live, "manager_north", "/rep")
    assert manager.locator("h1").inner_text() == "Whose day?"
    assert manager.locator(".pick a").all_inner_texts() == ["North Rep 1", "North Rep 2"]
    screenshot(manager, "rep-manager-picks")
    with manager.expect_navigation():
        manager.get_by_role("link", name="North Rep 1").tap()
    manager.goto(rep_day.url(f"/rep?date={DAY}&rep_id={rep_day.rep_id}"))
    manager.frame_locator("#map").locator(".fr-stop").first.wait_for()
    stops = _plan(phone, rep_day, DAY)["stops"]
    assert manager.locator("#stops .stop").count() == len(stops)
    next_day = manager.locator("nav.days a.next").get_attribute("href")
    assert next_day == f"/rep?date={DAY + timedelta(days=1)}&rep_id={rep_day.rep_id}"
    south = manager.goto(rep_day.url(f"/rep?rep_id={rep_day.south_rep_id}"))
    assert south is not None
    assert south.status == 404
    assert traffic.off_machine() == []


def test_a_refused_visit_says_why_in_words(
    phone: BrowserContext, rep_day: RepDay, traffic: Traffic
) -> None:
    page = _open_day(phone, rep_day, f"/rep?date={DAY}")
    stops = _plan(phone, rep_day, DAY)["stops"]
    last = stops[-1]
    card = _card(page, last["seq"])
    name = card.locator("h3").text_content()
    alert = page.locator("#msg")
    world = rep_day.live.world
    # The account moved to a colleague's territory since the day was planned: the server no
    # longer shows it to this rep (404).
    with rep_day.live.session_factory() as session:
        account = session.get(Account, last["account_id"])
        assert account is not None
        home_territory = account.territory_id
        account.territory_id = world.territory_ids["rep_north_2"]
        session.commit()
    try:
        card.get_by_role("button", name="Arrived").tap()
        page.locator("#msg.error").wait_for()
        assert alert.text_content() == (
            f"{name}: this stop's account is no longer in your territory. Reload to see your day."
        )
        assert card.get_attribute("data-state") == "planned"
    finally:
        with rep_day.live.session_factory() as session:
            account = session.get(Account, last["account_id"])
            assert account is not None
            account.territory_id = home_territory
            session.commit()
    # A server failure (a 503 from a proxy in front of the app, played here by the browser)
    # reads as a sentence, not a status code, and nothing is queued: it was not a lost signal.
    page.route(
        "**/api/v1/visits",
        lambda route: route.fulfill(status=503, content_type="text/html", body="<h1>503</h1>"),
    )
    alert.click()
    card.get_by_role("button", name="Arrived").tap()
    page.locator("#msg.error").wait_for()
    assert alert.text_content() == f"{name}: the server could not save it; try again."
    assert page.locator("#waiting").is_hidden()
    assert card.get_attribute("data-state") == "planned"
    assert _visits(phone, rep_day, last["account_id"]) == []
    assert traffic.off_machine() == []
