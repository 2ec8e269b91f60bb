"""`/inside` in headless Chromium at phone (390x844) and desktop (1366x900) sizes: the inside
rep's queue is laid out (one column on the phone, two on the desk, never sideways), a call,
e-mail or video is logged from a card without a reload and the account leaves the queue (and is
undone from the card, the account back on it); and a field rep logs a call from the phone page's
call-instead tab (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.web.browser import LiveApp, screenshot, sign_in
from tests.web.inside_pages import DESK, PHONE, desk, phone, queue_day

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, ViewportSize

__all__ = ["desk", "phone", "queue_day"]


def _open(context: BrowserContext, live: LiveApp, who: str, path: str, errors: list[str]) -> Page:
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live, who, path)
    return page


def _ids(page: Page) -> list[int]:
    return [int(a or 0) for a in page.locator("#queue > .call").evaluate_all(
        "cards => cards.map(c => c.dataset.accountId)")]  # fmt: skip


def _queue(context: BrowserContext, live: LiveApp) -> Any:
    response = context.request.get(f"{live.url}/api/v1/queue")
    assert response.ok, response.text()
    return response.json()


def _no_sideways_scroll(page: Page, size: ViewportSize) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= size["width"], f"the page scrolls sideways: {width} px wide"


def _log(card: Any, channel: str, note: str, next_step: str) -> None:
    card.get_by_role("button", name="Log a call, e-mail or video").click()
    form = card.locator("form.touch-form")
    form.get_by_label("How").select_option(channel)
    form.get_by_label("Outcome").select_option("Order taken")
    form.get_by_label("Note").fill(note)
    form.get_by_label("Next step").fill(next_step)
    form.get_by_role("button", name="Log it").click()


def test_the_queue_on_a_phone_logs_an_email_in_place(
    phone: BrowserContext, queue_day: LiveApp
) -> None:
    errors: list[str] = []
    page = _open(phone, queue_day, "inside_north", "/inside", errors)
    page.locator("#queue").wait_for()
    queue = _queue(phone, queue_day)
    assert _ids(page) == [item["account_id"] for item in queue["items"]]
    total = queue["total"]
    assert total >= 4
    first = page.locator("#queue > .call").first
    box = first.locator("h3").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], "the first account shows at once"
    _no_sideways_scroll(page, PHONE)
    name = first.locator("h3").inner_text()
    url = page.url

    _log(first, "email", "Wants the <b>spring</b> range", "Send the price list")
    result = first.locator(".touch-result")
    result.wait_for(state="visible")
    assert result.inner_text() == "E-mail logged · Order taken · next: Send the price list"
    assert first.get_attribute("data-state") == "touched"
    assert first.get_by_role("button", name="Log a call, e-mail or video").is_hidden()
    assert page.locator("#queue-left").inner_text() == str(total - 1)
    assert page.locator("#msg").inner_text() == f"{name}: e-mail logged."
    assert page.url == url, "no reload"
    _no_sideways_scroll(page, PHONE)
    screenshot(page, "inside-queue-390x844")

    logged = phone.request.get(f"{queue_day.url}/api/v1/visits?channel=email").json()["items"]
    assert [(t["account_name"], t["notes"], t["next_step"]) for t in logged] == [
        (name, "Wants the <b>spring</b> range", "Send the price list")
    ]
    page.reload()
    page.locator("#queue").wait_for()
    assert name not in page.locator("#queue").inner_text(), "touched today: off the queue"
    assert errors == []


def test_the_queue_on_a_desk_in_two_columns(desk: BrowserContext, queue_day: LiveApp) -> None:
    errors: list[str] = []
    page = _open(desk, queue_day, "inside_north", "/inside", errors)
    page.locator("#queue").wait_for()
    cards = page.locator("#queue > .call")
    assert cards.count() >= 2
    one, two = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert one is not None
    assert two is not None
    assert two["x"] > one["x"] + one["width"] - 1, "side by side"
    assert abs(two["y"] - one["y"]) < 1
    _no_sideways_scroll(page, DESK)
    target = cards.nth(1)
    name = target.locator("h3").inner_text()
    _log(target, "video", "", "Visit in April")
    target.locator(".touch-result").wait_for(state="visible")
    assert target.locator(".touch-result").inner_text() == (
        "Video meeting logged · Order taken · next: Visit in April"
    )
    screenshot(page, "inside-queue-1366x900")
    page.reload()
    page.locator("#queue").wait_for()
    assert name not in page.locator("#queue").inner_text()
    video = name
    assert video in page.locator("#logged .call h3").all_inner_texts()
    left = page.locator("#queue-left").inner_text()
    # Logged on the wrong card: undone from the card, the account is back on the queue.
    target = page.locator("#queue > .call").nth(1)
    name = target.locator("h3").inner_text()
    _log(target, "call", "", "")
    undo = target.get_by_role("button", name=f"Undo the Call logged with {name}")
    undo.click()
    target.get_by_role("button", name="Log a call, e-mail or video").wait_for(state="visible")
    assert target.locator(".touch-result").inner_text() == "Call undone"
    assert target.get_attribute("data-state") == "open"
    assert undo.count() == 0
    assert page.locator("#msg").inner_text() == f"{name}: call undone; it no longer counts."
    screenshot(page, "inside-queue-undone-1366x900")
    assert page.locator("#queue-left").inner_text() == left
    calls = desk.request.get(f"{queue_day.url}/api/v1/visits?channel=call").json()["items"]
    assert [(t["account_name"], t["status"]) for t in calls] == [(name, "cancelled")]
    page.reload()
    page.locator("#queue").wait_for()
    assert name in page.locator("#queue").inner_text()
    # The video, off the queue since it was logged: undone from "Logged today".
    card = page.locator("#logged .call").filter(has_text=video)
    card.get_by_role("button", name=f"Undo the Video meeting logged with {video}").click()
    card.get_by_text("Video meeting undone").wait_for()
    assert card.get_attribute("data-state") == "open"
    assert page.locator("#queue-left").inner_text() == str(int(left) + 1)
    screenshot(page, "inside-logged-today-undone-1366x900")
    page.reload()
    page.locator("#queue").wait_for()
    assert video in page.locator("#queue").inner_text()
    assert video not in page.locator("#logged .call h3").all_inner_texts()
    assert errors == []


def test_a_field_rep_logs_a_call_from_the_call_instead_tab(
    phone: BrowserContext, queue_day: LiveApp
) -> None:
    errors: list[str] = []
    page = _open(phone, queue_day, "rep_north_1", "/rep", errors)
    page.locator("#calls").wait_for(state="attached")
    page.get_by_role("tab", name="Call instead").tap()
    open_card = page.locator("#calls .call[data-state=open]").first
    account_id = open_card.get_attribute("data-account-id")
    card = page.locator(f"#calls .call[data-account-id='{account_id}']")
    name = card.locator("h3").inner_text()
    card.get_by_role("button", name="Log a call, e-mail or video").tap()
    card.locator("form.touch-form").get_by_role("button", name="Log it").tap()
    result = card.locator(".touch-result")
    result.wait_for(state="visible")
    assert result.inner_text() == "Call logged · Spoke to the buyer"
    _no_sideways_scroll(page, PHONE)
    screenshot(page, "rep-call-instead-touch-390x844")
    page.reload()
    page.get_by_role("tab", name="Call instead").tap()
    again = page.locator(f"#calls .call[data-account-id='{account_id}']")
    assert again.locator("h3").inner_text() == name
    assert again.get_attribute("data-state") == "touched"
    assert again.locator(".touch-result").inner_text() == "Call logged · Spoke to the buyer"
    # Undone after the reload too, from the same card.
    again.get_by_role("button", name=f"Undo the Call logged with {name}").tap()
    again.get_by_role("button", name="Log a call, e-mail or video").wait_for(state="visible")
    assert again.locator(".touch-result").inner_text() == "Call undone"
    assert again.get_attribute("data-state") == "open"
    screenshot(page, "rep-call-instead-undone-390x844")
    assert errors == []
