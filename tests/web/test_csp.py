"""Every page works under the Content-Security-Policy (app.core.security_headers): the sign-in
page, a rep's day with its route map, the manager's territory map (with a proposal) and week of
plans, and Swagger UI at /docs, in Chromium with no policy violation reported, no script error,
and the maps and the docs actually drawn (a page whose scripts were all refused would show
nothing, not an error)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.auth.principal import principal_for
from app.core.clock import FixedClock, using
from app.models import Account, Rep, User
from app.plans import service as plans
from app.plans.schemas import PlanRequest
from tests.web.browser import LiveApp, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page

DAY = date(2026, 3, 3)
ZONE = "America/Chicago"

# Reported from every frame (the maps are iframes) before any page script runs.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI +
    " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Problems:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text or "Refused to" in text:
            self.messages.append(text)


@pytest.fixture
def problems(context: BrowserContext) -> Iterator[Problems]:
    context.add_init_script(REPORT_VIOLATIONS)
    found = Problems()
    yield found
    assert found.messages == []


@pytest.fixture(scope="module")
def planned_day(live_app: LiveApp) -> int:
    """North Rep 1 with a stored plan for `DAY` (so `/rep` draws a route map)."""
    world = live_app.world
    rep_id = world.rep_ids["rep_north_1"]
    live_app.settings.plan_day_time_limit_s = 0.5
    with live_app.session_factory() as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        rep.time_zone = ZONE
        rep.working_days = ["mo", "tu", "we", "th", "fr", "sa", "su"]
        accounts = session.scalars(
            select(Account).where(Account.territory_id == world.territory_ids["rep_north_1"])
        ).all()
        for i, account in enumerate(accounts):
            account.value = 80_000.0 + 10_000.0 * i
            account.cadence_days = 28
            account.last_visit_date = DAY - timedelta(days=40)
        session.flush()
        user = session.get(User, world.user_ids["rep_north_1"])
        assert user is not None
        with using(FixedClock(datetime.combine(DAY, time(6, 0), ZoneInfo(ZONE)))):
            request = PlanRequest(date=DAY)
            plans.plan_rep(session, principal_for(user), rep_id, request, live_app.settings)
            session.commit()
    return rep_id


def test_sign_in_page(context: BrowserContext, live_app: LiveApp, problems: Problems) -> None:
    page = problems.watch(context.new_page())
    response = page.goto(f"{live_app.url}/login")
    assert response is not None
    assert "nonce-" in response.headers["content-security-policy"]
    # The page's own <style> applied: the button is the brand blue, not the browser's grey.
    color = page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor")
    assert color == "rgb(31, 111, 235)"


def test_a_reps_day_and_its_map(
    context: BrowserContext, live_app: LiveApp, planned_day: int, problems: Problems
) -> None:
    page = problems.watch(context.new_page())
    sign_in(page, live_app, "rep_north_1", f"/rep?date={DAY.isoformat()}")
    page.locator("#stops .stop").first.wait_for()
    frame = page.frame_locator("#map")
    # folium's inline set-up ran (nonce), and the route layer drew the stops.
    frame.locator(".fr-stop").first.wait_for()
    assert frame.locator(".fr-stop").count() == page.locator("#stops .stop").count() > 0
    frame.locator("path.fr-route").wait_for()


def test_manager_pages_and_a_proposal(
    context: BrowserContext, live_app: LiveApp, problems: Problems
) -> None:
    page = problems.watch(context.new_page())
    sign_in(page, live_app, "manager_north")
    frame = page.frame_locator("#map")
    frame.locator("path.fr-account").first.wait_for()
    assert frame.locator(".fr-legend").count() == 1
    # The swatches' colours come from style attributes (allowed: style-src-attr).
    swatch = page.locator("#reps .swatch").first
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.fill("input[name=tolerance]", "5")
    page.fill("input[name=time_limit]", "2")
    page.click("#rebalance button[type=submit]")
    page.locator("#proposal h3").wait_for(timeout=20_000)
    page.frame_locator("#map").locator("path.fr-account").first.wait_for()
    assert page.locator("#apply").is_visible()
    page.goto(f"{live_app.url}/manager/plans")
    page.locator("table").first.wait_for()


def test_api_docs(context: BrowserContext, live_app: LiveApp, problems: Problems) -> None:
    page = problems.watch(context.new_page())
    sign_in(page, live_app, "admin", "/docs")
    # Swagger UI fetched the OpenAPI document and drew its operations.
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() > 20
    assert "Fieldroute" in page.locator(".info .title").inner_text()
