"""`/rep` on small screens in headless Chromium: the first stop's name and time show without
scrolling (390x844, and a small 320x640 phone), and a long "Call instead" list lays out its
first 25 accounts with "Show more" for the rest (issue 13)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from app.models import RoutePlan
from app.web.rep_view import CALLS_AT_FIRST
from tests.web.browser import TILE_HOST, screenshot, sign_in
from tests.web.test_rep_page import DAY, PHONE, RepDay, phone, rep_day

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

__all__ = ["phone", "rep_day"]  # fixtures, from the phone page's tests

SMALL: ViewportSize = {"width": 320, "height": 640}
CALLS = 60


def _open(context: BrowserContext, day: RepDay) -> Page:
    page = context.new_page()
    sign_in(page, day.live, "rep_north_1", f"/rep?date={DAY}")
    page.locator("#stops").wait_for()
    return page


@pytest.mark.parametrize("size", [PHONE, SMALL], ids=["390x844", "320x640"])
def test_the_first_stop_shows_without_scrolling(
    browser: Browser, rep_day: RepDay, size: ViewportSize
) -> None:
    context = browser.new_context(viewport=size, is_mobile=True, has_touch=True)
    context.route(f"*://{TILE_HOST}/**", lambda route: route.fulfill(status=204, body=b""))
    try:
        page = _open(context, rep_day)
        page.frame_locator("#map").locator(".fr-stop").first.wait_for()
        tag = f"{size['width']}x{size['height']}"
        first = page.locator("#stop-1")
        for part in (first.locator("h3"), first.locator(".when time")):
            box = part.bounding_box()
            assert box is not None
            assert box["y"] >= 0
            if box["y"] + box["height"] > size["height"]:
                screenshot(page, f"rep-first-screen-{tag}-FAIL")
            assert box["y"] + box["height"] <= size["height"], f"{tag}: below the fold: {box}"
        assert page.evaluate("window.scrollY") == 0
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= size["width"], f"{tag}: the page scrolls sideways"
        screenshot(page, f"rep-first-screen-{tag}")
    finally:
        context.close()


def test_a_long_call_list_shows_25_then_more(phone: BrowserContext, rep_day: RepDay) -> None:
    """Issue 13: a big rep's 197 accounts to call were all laid out at once."""
    live = rep_day.live
    with live.session_factory() as session:
        plan = session.scalars(
            select(RoutePlan)
            .where(RoutePlan.rep_id == rep_day.rep_id, RoutePlan.plan_date == DAY)
            .order_by(RoutePlan.version.desc())
        ).first()
        assert plan is not None
        kept: list[dict[str, Any]] = list(plan.left_out)
        assert kept, "the seeded day leaves accounts to call"
        plan.left_out = [kept[i % len(kept)] | {"name": f"Call {i:02d}"} for i in range(CALLS)]
        session.commit()
    try:
        page = _open(phone, rep_day)
        page.get_by_role("tab", name="Call instead").tap()
        calls = page.locator("#calls .call")
        assert calls.count() == CALLS_AT_FIRST
        assert page.locator("#more-calls").count() == 1, "the rest wait, inert"
        more = page.locator("#show-calls")
        assert more.inner_text() == f"Show 25 more of {CALLS - CALLS_AT_FIRST}"
        assert more.get_attribute("aria-controls") == "calls"
        status = page.locator("#calls-shown")
        assert status.inner_text() == f"25 of {CALLS} shown."

        more.tap()
        assert calls.count() == 50
        assert status.inner_text() == f"50 of {CALLS} shown."
        # Focus moves to the first account shown, so reading (or tabbing) carries on there.
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Call 25"
        assert more.inner_text() == "Show 10 more of 10"
        more.tap()
        assert calls.count() == CALLS
        assert more.is_hidden()
        assert status.inner_text() == f"{CALLS} of {CALLS} shown."
        assert calls.last.locator("h3").inner_text() == f"Call {CALLS - 1}"
        screenshot(page, "rep-call-instead-more")
    finally:
        with live.session_factory() as session:
            stored = session.get_one(RoutePlan, plan.id)
            stored.left_out = kept
            session.commit()
