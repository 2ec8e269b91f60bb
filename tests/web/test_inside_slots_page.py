""" "Find a time" on `/inside` in headless Chromium at phone (390x844) and desktop (1366x900) sizes
(issue 16, the hand-off): from a queue card, the best slots of the field rep are listed, one is
booked with a tap, the rep's day is planned again with it, and the page never scrolls sideways;
an account with no location says so in the card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.queue.north_day import acc
from tests.web.browser import LiveApp, screenshot, sign_in
from tests.web.inside_pages import DESK, PHONE, desk, phone, queue_day

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, ViewportSize

__all__ = ["desk", "phone", "queue_day"]


def _open(context: BrowserContext, live: LiveApp, errors: list[str]) -> Page:
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live, "inside_north", "/inside")
    page.locator("#queue").wait_for()
    return page


def _card(page: Page, live: LiveApp, key: str) -> Locator:
    return page.locator(f"#queue > .call[data-account-id='{acc(live.world, key)}']")


def _no_sideways_scroll(page: Page, size: ViewportSize) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= size["width"], f"the page scrolls sideways: {width} px wide"


def _booked(context: BrowserContext, live: LiveApp) -> list[dict[str, object]]:
    response = context.request.get(f"{live.url}/api/v1/visits?status=booked")
    assert response.ok, response.text()
    items: list[dict[str, object]] = response.json()["items"]
    return items


def _find_and_book(page: Page, card: Locator, tap: bool) -> str:
    """Find a time, then book the first slot: the two taps after opening the page."""
    find = card.get_by_role("button", name="Find a time for a field visit")
    find.tap() if tap else find.click()
    first = card.locator(".slots .slot").first
    first.wait_for()
    assert card.locator(".slots .slot").count() >= 2, "more than one time to choose from"
    when = first.locator(".when").inner_text()
    assert "North Rep 1" in first.locator(".what").first.inner_text()
    book = first.get_by_role("button", name="Book")
    book.tap() if tap else book.click()
    msg = card.locator(".slot-msg")
    page.wait_for_function(
        "el => el.textContent.startsWith('Booked')", arg=msg.element_handle(), timeout=30_000
    )
    assert msg.inner_text().startswith(f"Booked: {when} with North Rep 1.")
    assert "planned again" in msg.inner_text()
    return when


def test_find_a_time_and_book_it_on_a_phone(phone: BrowserContext, queue_day: LiveApp) -> None:
    errors: list[str] = []
    page = _open(phone, queue_day, errors)
    card = _card(page, queue_day, "rep_north_1-acc-2")
    before = len(_booked(phone, queue_day))
    _find_and_book(page, card, tap=True)
    _no_sideways_scroll(page, PHONE)
    screenshot(page, "inside-slots-390x844")
    booked = _booked(phone, queue_day)
    assert len(booked) == before + 1
    assert acc(queue_day.world, "rep_north_1-acc-2") in [b["account_id"] for b in booked]
    assert errors == []


def test_find_a_time_and_book_it_on_a_desk(desk: BrowserContext, queue_day: LiveApp) -> None:
    errors: list[str] = []
    page = _open(desk, queue_day, errors)
    card = _card(page, queue_day, "rep_north_1-acc-3")
    card.locator(".slot-length select").select_option("30")
    _find_and_book(page, card, tap=False)
    slot_box = card.locator(".slot-box").bounding_box()
    card_box = card.bounding_box()
    assert slot_box is not None
    assert card_box is not None
    assert slot_box["x"] + slot_box["width"] <= card_box["x"] + card_box["width"] + 1
    _no_sideways_scroll(page, DESK)
    screenshot(page, "inside-slots-1366x900")
    minutes = {
        b["duration_minutes"]
        for b in _booked(desk, queue_day)
        if b["account_id"] == acc(queue_day.world, "rep_north_1-acc-3")
    }
    assert minutes == {30}
    assert errors == []


def test_an_account_not_on_the_map_says_so(desk: BrowserContext, queue_day: LiveApp) -> None:
    errors: list[str] = []
    page = _open(desk, queue_day, errors)
    # The remote accounts north_day adds have no location.
    card = page.locator("#queue > .call", has_text="remote_due")
    card.get_by_role("button", name="Find a time for a field visit").click()
    msg = card.locator(".slot-msg")
    page.wait_for_function(
        "el => el.textContent.startsWith('No times')", arg=msg.element_handle(), timeout=30_000
    )
    assert "has no location" in msg.inner_text()
    assert card.locator(".slots .slot").count() == 0
    # The 422 is the page's own answer, not a script error.
    assert [e for e in errors if "422" not in e] == []


def test_an_account_found_by_name_on_a_desk(desk: BrowserContext, queue_day: LiveApp) -> None:
    """An account that is not in the queue (on today's route): Search, Find a time, Book."""
    errors: list[str] = []
    page = _open(desk, queue_day, errors)
    page.get_by_role("searchbox", name="Find a time for").fill("North Rep 1 Account 1")
    page.get_by_role("button", name="Search").click()
    card = page.locator("#found-accounts > .slot-card")
    card.first.wait_for()
    assert card.count() == 1
    assert card.locator("h3").inner_text() == "North Rep 1 Account 1"
    _find_and_book(page, card, tap=False)
    booked = _booked(desk, queue_day)
    assert acc(queue_day.world, "rep_north_1-acc-1") in [b["account_id"] for b in booked]
    _no_sideways_scroll(page, DESK)
    assert errors == []


def test_a_new_prospect_on_a_phone(phone: BrowserContext, queue_day: LiveApp) -> None:
    """A prospect by postcode (placed by the offline geocoder), booked: stored as an account."""
    errors: list[str] = []
    page = _open(phone, queue_day, errors)
    page.get_by_text("…or a new prospect").tap()
    card = page.locator(".prospect-card")
    card.get_by_label("Name").fill("Lakeview <b>Bakery</b>")
    card.get_by_label("Postcode").fill("60601")
    card.get_by_label("City").fill("Chicago")
    card.get_by_role("button", name="Find a time").tap()
    first = card.locator(".slots .slot").first
    first.wait_for()
    assert "outside every territory" in first.locator(".note").inner_text()
    first.get_by_role("button", name="Book").tap()
    msg = card.locator(".slot-msg")
    page.wait_for_function(
        "el => el.textContent.startsWith('Booked')", arg=msg.element_handle(), timeout=30_000
    )
    assert msg.inner_text().endswith("The prospect is now an account.")
    _no_sideways_scroll(page, PHONE)
    screenshot(page, "inside-prospect-390x844")
    accounts = phone.request.get(f"{queue_day.url}/api/v1/accounts?q=Lakeview").json()["items"]
    assert [a["name"] for a in accounts] == ["Lakeview <b>Bakery</b>"]
    assert errors == []
