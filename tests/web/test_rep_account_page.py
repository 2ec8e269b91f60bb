"""The account on the phone in headless Chromium at 390x844 and 320x640: the account page, add
to today, pin and move a stop, book an appointment and accounts near me; no sideways scrolling,
under 300 KB before tiles, another territory's account not found."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from app.auth.principal import principal_for
from app.models import Account, Rep, User, Visit
from app.plans import service as plans
from app.plans.schemas import PlanRequest
from tests.moments import TODAY_CHICAGO
from tests.web.browser import LiveApp, Traffic, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

TODAY = TODAY_CHICAGO  # Wednesday, 10:00 on the rep's clock
THURSDAY, FRIDAY = TODAY + timedelta(days=1), TODAY + timedelta(days=2)
SIZES: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 320, "height": 640}]
MAX_PAGE_BYTES = 300_000
WEEKDAYS = {day: ["07:30-18:00"] for day in ("mo", "tu", "we", "th", "fr", "sa", "su")}


@dataclass
class Desk:
    live: LiveApp
    rep_id: int
    accounts: list[int]
    recent: dict[int, int]
    """Per viewport width, an account visited yesterday: not on today's route until added."""
    south_account: int

    def url(self, path: str) -> str:
        return f"{self.live.url}{path}"


@pytest.fixture(scope="module")
def desk(live_app: LiveApp) -> Desk:
    world = live_app.world
    rep_id = world.rep_ids["rep_north_1"]
    live_app.settings.plan_day_time_limit_s = 0.5
    with live_app.session_factory() as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        rep.time_zone = "America/Chicago"
        rep.working_days = ["mo", "tu", "we", "th", "fr"]
        accounts = session.scalars(
            select(Account)
            .where(Account.territory_id == world.territory_ids["rep_north_1"])
            .order_by(Account.id)
        ).all()
        for i, account in enumerate(accounts):
            account.value = 40_000.0 + 5_000.0 * i
            account.cadence_days = 28
            account.last_visit_date = TODAY - timedelta(days=40)
            account.phone = f"+1 (312) 555-02{i:02d}"
            account.street = f"{200 + i} N State St"
            account.region = "IL"
            account.opening_hours = WEEKDAYS
        recent = {390: accounts[0].id, 320: accounts[1].id}
        for account_id in recent.values():
            found = session.get(Account, account_id)
            assert found is not None
            found.last_visit_date = TODAY - timedelta(days=1)
            found.notes = "Ask for Dana at the back door.\nLoading dock on 2nd St."
            session.add(
                Visit(
                    rep_id=rep_id,
                    account_id=account_id,
                    visit_date=TODAY - timedelta(days=1),
                    status="done",
                    outcome="Order taken",
                    notes="Two cases",
                )
            )
        session.flush()
        user = session.get(User, world.user_ids["rep_north_1"])
        assert user is not None
        for day in (TODAY, THURSDAY):
            request = PlanRequest(date=day)
            plans.plan_rep(session, principal_for(user), rep_id, request, live_app.settings)
        session.commit()
    south = world.account_ids["rep_south_1-acc-1"]
    return Desk(live_app, rep_id, [a.id for a in accounts], recent, south)


@pytest.fixture(params=SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
def phone(
    request: pytest.FixtureRequest, browser: Browser, traffic: Traffic
) -> Iterator[BrowserContext]:
    size: ViewportSize = request.param
    context = browser.new_context(
        viewport=size,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 42.0, "longitude": -87.8},
        permissions=["geolocation"],
    )

    def elsewhere(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.fallback()
        else:
            route.abort()

    context.route("**/*", elsewhere)
    yield context
    context.close()


def width(context: BrowserContext) -> int:
    page = context.pages[0] if context.pages else None
    assert page is not None
    size = page.viewport_size
    assert size is not None
    return size["width"]


def no_sideways_scroll(page: Page) -> None:
    size = page.viewport_size
    assert size is not None
    scrolled = page.evaluate("document.scrollingElement.scrollWidth")
    assert scrolled <= size["width"], f"the page scrolls sideways: {scrolled} px wide"


def api(context: BrowserContext, url: str) -> Any:
    response = context.request.get(url)
    assert response.ok, response.text()
    return response.json()


def open_page(phone: BrowserContext, desk: Desk, path: str) -> Page:
    page = phone.new_page()
    sign_in(page, desk.live, "rep_north_1", path)
    return page


def test_the_account_page(phone: BrowserContext, desk: Desk) -> None:
    weights: list[int] = []
    account_id = desk.recent[390]
    page = open_page(phone, desk, f"/rep/accounts/{account_id}")
    page.on("response", lambda r: weights.append(len(r.body()) if r.ok else 0))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "North Rep 1 Account 1"
    assert page.locator(".addr").first.inner_text() == "200 N State St, Chicago, IL 60601"
    assert page.locator("a[href^='tel:']").get_attribute("href") == "tel:+13125550200"
    assert (
        page.get_by_role("link", name="Navigate to North Rep 1 Account 1 with Google Maps").count()
        == 1
    )
    today_row = page.locator("tr.is-today")
    assert today_row.inner_text().startswith("Wednesday (today)")
    # Each opening interval stays on one line, even in a narrow column.
    intervals = page.locator(".hours .interval")
    assert intervals.count() > 0
    line = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight) || 24")
    for box in (intervals.nth(i).bounding_box() for i in range(intervals.count())):
        assert box is not None
        assert box["height"] < 1.5 * line, box
    assert "visit every 28 days" in page.locator(".cadence").inner_text()
    assert "Loading dock on 2nd St." in page.locator(".notes").inner_text()
    visits = page.locator("#visits li")
    assert "Order taken · Two cases" in visits.first.inner_text()
    assert "North Rep 1" in visits.first.inner_text()
    no_sideways_scroll(page)
    assert sum(weights) < MAX_PAGE_BYTES

    # Another territory's account is not found, and says so as a page.
    other = page.goto(desk.url(f"/rep/accounts/{desk.south_account}"))
    assert other is not None
    assert other.status == 404


def test_add_to_today(phone: BrowserContext, desk: Desk) -> None:
    page = open_page(phone, desk, "/rep")
    size = page.viewport_size
    assert size is not None
    account_id = desk.recent[size["width"]]
    assert page.locator(f"#stops .stop[data-account-id='{account_id}']").count() == 0
    page.goto(desk.url(f"/rep/accounts/{account_id}"))
    assert page.locator(".today-card").inner_text().count("Not on today's route") == 1
    with page.expect_navigation(url="**/rep"):
        page.get_by_role("button", name="Add to today").click()
    card = page.locator(f"#stops .stop[data-account-id='{account_id}']")
    card.wait_for()
    assert "Added to today as stop" in page.locator("#msg").inner_text()
    no_sideways_scroll(page)
    # Its page now says where it is on the route, and offers no second add.
    page.goto(desk.url(f"/rep/accounts/{account_id}"))
    assert "On today's route: stop" in page.locator(".today-card").inner_text()
    assert page.get_by_role("button", name="Add to today").count() == 0


def test_pin_a_stop(phone: BrowserContext, desk: Desk) -> None:
    page = open_page(phone, desk, f"/rep?date={THURSDAY}")
    card = page.locator("#stops .stop").first
    button = card.locator("button[data-change]").first
    if button.get_attribute("aria-pressed") == "true":  # the other size pinned it
        button.click()
        page.wait_for_selector("#stops .stop >> nth=0 >> button[aria-pressed=false]")
    card.get_by_role("button", name="Pin to this day").click()
    card.get_by_role("button", name="Pinned to this day").wait_for()
    assert "stays on this day" in page.locator("#msg").inner_text()
    no_sideways_scroll(page)
    page.reload()
    pinned = page.locator("#stops .stop").first
    assert pinned.locator("button[data-change]").first.get_attribute("aria-pressed") == "true"


def test_move_a_stop(phone: BrowserContext, desk: Desk) -> None:
    page = open_page(phone, desk, f"/rep?date={THURSDAY}")
    card = page.locator("#stops .stop").last
    account_id = int(card.get_attribute("data-account-id") or 0)
    card.get_by_role("button", name="Move to another day").click()
    card.locator("select[name=to_date]").select_option(str(FRIDAY))
    no_sideways_scroll(page)
    with page.expect_navigation():
        card.get_by_role("button", name="Move", exact=True).click()
    page.locator("#stops").wait_for()
    assert "moved to" in page.locator("#msg").inner_text()
    assert page.locator(f"#stops .stop[data-account-id='{account_id}']").count() == 0
    friday = api(phone, desk.url(f"/api/v1/reps/{desk.rep_id}/plans/{FRIDAY}"))
    assert account_id in {stop["account_id"] for stop in friday["stops"]}


def test_book_an_appointment(phone: BrowserContext, desk: Desk) -> None:
    page = open_page(phone, desk, f"/rep/accounts/{desk.accounts[2]}")
    size = page.viewport_size
    assert size is not None
    hour = "11:00" if size["width"] == 390 else "14:00"
    form = page.locator("#book")
    assert form.locator("input[name=minutes]").input_value() == "30"
    # Refusals in words: a length out of range (checked here), a day gone by (by the API).
    form.locator("input[name=minutes]").fill("2")
    form.get_by_role("button", name="Book").click()
    assert "whole minutes, from 5 to 480" in page.locator("#msg").inner_text()
    form.locator("input[name=minutes]").fill("45")
    form.locator("input[name=date]").fill(str(TODAY - timedelta(days=1)))
    form.get_by_role("button", name="Book").click()
    page.locator("#msg.error", has_text="before today").wait_for()

    form.locator("input[name=date]").fill(str(FRIDAY))
    form.locator("input[name=time]").fill(hour)
    form.get_by_role("button", name="Book").click()
    again = page.get_by_role("button", name=f"Plan {FRIDAY} again now")
    again.wait_for()
    assert "Booked for" in page.locator("#msg").inner_text()
    no_sideways_scroll(page)
    with page.expect_navigation():
        again.click()
    assert f"{hour} · 45 min" in page.locator("#appointments").inner_text()
    friday = api(phone, desk.url(f"/api/v1/reps/{desk.rep_id}/plans/{FRIDAY}"))
    kinds = {(s["account_id"], s["kind"]) for s in friday["stops"]}
    assert (desk.accounts[2], "appointment") in kinds


def test_accounts_near_me(phone: BrowserContext, desk: Desk, browser: Browser) -> None:
    page = open_page(phone, desk, "/rep/near")
    first = page.locator("#near-list li").first
    first.wait_for()
    assert "(straight line)" in first.inner_text()
    assert page.locator("#from").inner_text() == "From where you are."
    distances = [
        float(text.split(" km")[0]) for text in page.locator("#near-list .addr").all_inner_texts()
    ]
    assert distances == sorted(distances)
    no_sideways_scroll(page)
    name = first.locator("h3").inner_text()
    with page.expect_navigation():
        first.get_by_role("link", name=f"Open {name}").click()
    assert page.locator("h1").inner_text() == name


def test_accounts_near_me_without_the_position(desk: Desk, browser: Browser) -> None:
    for size in SIZES:
        context = browser.new_context(viewport=size, is_mobile=True, has_touch=True)
        context.route(
            "**/*",
            lambda route: (
                route.fallback()
                if route.request.url.startswith("http://127.0.0.1:")
                else route.abort()
            ),
        )
        page = context.new_page()
        sign_in(page, desk.live, "rep_north_1", "/rep/near")
        page.get_by_role("button", name="Use my position").click()
        page.locator("#msg.error").wait_for()
        assert "position is not available" in page.locator("#msg").inner_text()
        assert page.locator("#manual").get_attribute("open") is not None
        page.locator("input[name=latitude]").fill("95")
        page.locator("input[name=longitude]").fill("-87.8")
        page.get_by_role("button", name="Find accounts").click()
        assert page.locator("#msg").inner_text().startswith("Latitude:")
        page.locator("input[name=latitude]").fill("41.96")
        page.get_by_role("button", name="Find accounts").click()
        page.locator("#near-list li").first.wait_for()
        assert page.locator("#from").inner_text() == "From 41.9600, -87.8000."
        no_sideways_scroll(page)
        context.close()
