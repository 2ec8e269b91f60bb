"""`/manager/coverage` in headless Chromium at a phone's 390x844 and a desk's 1280x800: the
what-if's sliders ask the API and redraw the totals, the chart and the accounts that would
change; hybrid is kept at or below remote; the apply asks for a confirmation and records the
change; nothing scrolls sideways, nothing leaves the machine, the page's CSP holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete, select, update

from app.models import Account, CoverageChange
from tests.web.browser import TILE_HOST, LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1280, "height": 800}


@pytest.fixture
def all_field(live_app: LiveApp) -> Iterator[LiveApp]:
    """Every account in the field and no change recorded, before and after each test (the
    served app lives for the module; an apply changes it)."""

    def reset() -> None:
        with live_app.session_factory() as session:
            session.execute(update(Account).values(coverage="field", touch_cadence_days=None))
            session.execute(delete(CoverageChange))
            session.commit()

    reset()
    yield live_app
    reset()


@pytest.fixture(params=[PHONE, DESK], ids=["390x844", "1280x800"])
def browser_at(
    request: pytest.FixtureRequest, browser: Browser, traffic: Traffic
) -> Iterator[BrowserContext]:
    viewport: ViewportSize = request.param
    context = browser.new_context(viewport=viewport, is_mobile=viewport == PHONE)
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


def _api(context: BrowserContext, live: LiveApp, **params: Any) -> Any:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    team = live.world.team_ids["North"]
    response = context.request.get(f"{live.url}/api/v1/coverage?team_id={team}&{query}")
    assert response.ok, response.text()
    return response.json()


def _number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _settled(page: Page) -> None:
    """The last slide's answer is shown (the page's script says so on the form)."""
    page.locator('#coverage-form[data-state="ready"]').wait_for(timeout=10_000)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"the page scrolls sideways: {overflow}"


def _slide(page: Page, slider: str, percent: float) -> None:
    page.locator(f"#{slider}").fill(str(percent))
    _settled(page)


def test_the_what_if_follows_the_sliders_and_the_apply_is_recorded(
    browser_at: BrowserContext, all_field: LiveApp, traffic: Traffic
) -> None:
    live = all_field
    page = browser_at.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live, "manager_north", "/manager/coverage")
    size = page.viewport_size
    assert size is not None
    tag = f"{size['width']}x{size['height']}"
    _settled(page)

    # As served: the defaults (7% and 10%), the API's totals and one dot per sampled account.
    assert page.locator("#hybrid-out").inner_text() == "7.0%"
    assert page.locator("#remote-out").inner_text() == "10.0%"
    model = _api(browser_at, live, changes_only="true")
    assert model["accounts_changing"] > 0
    headline = page.locator("#coverage-headline").inner_text()
    assert f"{_number(model['field_hours_freed_a_week'], 1)} h" in headline
    risk = page.locator("#value-at-risk").inner_text()
    # Whole units, rounded by the browser (half up) or the server (half to even).
    assert abs(float(risk.replace(",", "")) - model["value_at_risk_added_a_year"]) <= 0.5
    assert page.locator("#coverage-chart circle").count() == len(model["chart"])
    assert page.locator("#coverage-chart line.threshold").count() == 2
    hours = page.locator('#coverage-totals tr[data-figure="field_hours_a_week"] td')
    assert hours.nth(0).inner_text() == _number(model["before"]["field_hours_a_week"], 1)
    assert hours.nth(1).inner_text() == _number(model["after"]["field_hours_a_week"], 1)
    assert page.locator("#coverage-rows tbody tr").count() == min(50, model["total"])
    assert page.locator("#changing").inner_text() == str(model["accounts_changing"])
    _no_sideways_scroll(page)
    screenshot(page, f"manager-coverage-{tag}")

    # Remote at 40%, hybrid at 25%: the page shows what the API says for them.
    _slide(page, "remote", 40)
    _slide(page, "hybrid", 25)
    model = _api(browser_at, live, hybrid=0.25, remote=0.4, changes_only="true")
    headline = page.locator("#coverage-headline").inner_text()
    assert f"{_number(model['field_hours_freed_a_week'], 1)} h" in headline
    counts = page.locator('#coverage-totals tr[data-figure="accounts"] td').nth(1).inner_text()
    after = model["after"]
    assert counts == f"{after['field']} / {after['hybrid']} / {after['remote']}"
    assert page.locator("#coverage-rows tbody tr").count() == min(50, model["total"])
    assert page.locator("#coverage-chart circle.remote").count() == sum(
        1 for p in model["chart"] if p["recommended"] == "remote"
    )
    # Hybrid pushed above remote takes remote along: never a what-if the API refuses.
    page.locator("#hybrid").fill("45")
    assert page.locator("#remote").input_value() == "45"
    _settled(page)
    _slide(page, "hybrid", 25)
    _slide(page, "remote", 40)
    assert page.locator("#coverage-status").inner_text() == ""

    # Apply: a confirmation first; cancel changes nothing, yes applies and records.
    page.locator("#coverage-apply").click()
    confirm = page.locator("#coverage-confirm")
    assert confirm.is_visible()
    assert f"{model['accounts_changing']} accounts" in page.locator("#confirm-text").inner_text()
    page.locator("#cancel-apply").click()
    assert not confirm.is_visible()
    page.locator("#coverage-apply").click()
    screenshot(page, f"manager-coverage-confirm-{tag}")
    page.locator("#confirm-apply").click()
    page.locator("#apply-status").filter(
        has_text=f"Applied: {model['accounts_changing']} accounts changed"
    ).wait_for()
    _settled(page)
    assert page.locator("#coverage-apply").is_disabled()
    assert page.locator("#changing").inner_text() == "0"
    with live.session_factory() as session:
        record = session.scalars(select(CoverageChange)).one()
        assert (record.hybrid_threshold, record.remote_threshold) == (0.25, 0.4)
        assert record.accounts_changed == model["accounts_changing"]
        assert record.user_id == live.world.user_ids["manager_north"]
        remote = session.scalars(select(Account.id).where(Account.coverage == "remote")).all()
        assert len(remote) == after["remote"]
    _no_sideways_scroll(page)
    screenshot(page, f"manager-coverage-applied-{tag}")
    assert problems == []
    assert traffic.off_machine() == []


def test_a_rep_gets_the_managers_only_page(browser_at: BrowserContext, all_field: LiveApp) -> None:
    page = browser_at.new_page()
    sign_in(page, all_field, "rep_north_1", "/manager/coverage")
    assert "Managers only" in page.locator("body").inner_text()
