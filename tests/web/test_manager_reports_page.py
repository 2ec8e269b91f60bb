"""`/manager/reports` in headless Chromium at a phone's 390x844 and a desk's 1366x900: the
server's SVG charts fit the screen with readable text, are images named for screen readers,
agree with the API, the tables carry the same figures, the CSV downloads with the page's
cookie, and nothing breaks the Content-Security-Policy or leaves the machine."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from app.models import Account, Rep, Visit
from tests.moments import CHICAGO, TODAY_CHICAGO
from tests.web.browser import (
    ARTIFACTS,
    TILE_HOST,
    LiveApp,
    Traffic,
    no_sideways_scroll,
    screenshot,
    sign_in,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1366, "height": 900}
THIS_WEEK = TODAY_CHICAGO - timedelta(days=TODAY_CHICAGO.weekday())
WEEKS = 8
MIN_TEXT_PX = 9.0
"""The smallest rendered height of a chart's text we accept as readable (the viewBox is
narrow, so a phone draws it near its 11-unit size)."""
WATCH_POLICY = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI);
});
"""


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHICAGO)


@pytest.fixture(scope="module")
def weeks_of_work(live_app: LiveApp) -> LiveApp:
    """Eight weeks to this one: North Rep 1 visits three accounts on Tuesdays and two on
    Thursdays of the even weeks, Rep 2 one a week; the inside rep calls twice a week."""
    world = live_app.world
    with live_app.session_factory() as session:
        r1, r2, inside = (
            world.rep_ids[key] for key in ("rep_north_1", "rep_north_2", "inside_north")
        )
        own = session.scalars(
            select(Account.id)
            .where(Account.territory_id == world.territory_ids["rep_north_1"])
            .order_by(Account.id)
        ).all()
        session.get_one(Account, own[-1]).coverage = "remote"
        session.get_one(Account, own[-2]).coverage = "hybrid"
        theirs = world.account_ids["rep_north_2-acc-1"]
        for week in range(WEEKS):
            monday = THIS_WEEK - timedelta(weeks=WEEKS - 1 - week)
            tuesday, thursday = monday + timedelta(days=1), monday + timedelta(days=3)
            if tuesday >= TODAY_CHICAGO:
                continue
            for n, account_id in enumerate(own[week % 4 : week % 4 + 3]):
                session.add(Visit(rep_id=r1, account_id=account_id, visit_date=tuesday,
                                  status="done", started_at=at(tuesday, 9 + n),
                                  ended_at=at(tuesday, 9 + n) + timedelta(minutes=40)))  # fmt: skip
            if week % 2 == 0 and thursday < TODAY_CHICAGO:
                for account_id in own[5:7]:
                    session.add(Visit(rep_id=r1, account_id=account_id, visit_date=thursday,
                                      status="done"))  # fmt: skip
            session.add(Visit(rep_id=r2, account_id=theirs, visit_date=tuesday, status="done"))
            for channel in ("call", "email"):
                session.add(Visit(rep_id=inside, account_id=own[-1], visit_date=tuesday,
                                  status="done", channel=channel))  # fmt: skip
        session.get_one(Rep, r2).name = "North Rep 2 <i>&amp;</i>"
        session.commit()
    return live_app


@pytest.fixture(params=[PHONE, DESK], ids=["390x844", "1366x900"])
def browser_at(
    request: pytest.FixtureRequest, browser: Browser, traffic: Traffic
) -> Iterator[BrowserContext]:
    viewport: ViewportSize = request.param
    context = browser.new_context(
        viewport=viewport, is_mobile=viewport == PHONE, accept_downloads=True
    )
    context.add_init_script(WATCH_POLICY)
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


def test_the_charts_fit_read_and_agree_with_the_api(
    browser_at: BrowserContext, weeks_of_work: LiveApp, traffic: Traffic
) -> None:
    live = weeks_of_work
    page = browser_at.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live, "manager_north", "/manager/reports")
    page.locator("svg.chart").first.wait_for()
    size = page.viewport_size
    assert size is not None
    tag = f"{size['width']}x{size['height']}"

    # Six charts: one per rep (inside, Rep 1, Rep 2), value, cost per visit, coverage.
    assert page.locator("svg.chart").count() == 6
    for name in (
        "Value covered per week, per rep",
        "Cost per visit per week, per field rep",
        "Accounts met per week, by coverage",
        "Visits and touches per week: North Rep 2 <i>&amp;</i>",
    ):
        assert page.get_by_role("img", name=name).count() == 1, name
    # The rep's name is text in the chart and the caption, never markup.
    assert page.locator("svg.chart i").count() == 0
    assert page.locator("figcaption", has_text="North Rep 2 <i>&amp;</i>").count() == 1

    # Every chart inside the screen, its text drawn large enough to read.
    for box in _boxes(page, "svg.chart"):
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= size["width"] + 0.5, box
    heights = page.evaluate(
        "[...document.querySelectorAll('svg.chart .legend text')]"
        ".map((t) => t.getBoundingClientRect().height)"
    )
    assert heights
    assert min(heights) >= MIN_TEXT_PX, heights
    no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("main section").first.screenshot(path=ARTIFACTS / f"reports-activity-{tag}.png")
    page.locator("main section").nth(1).screenshot(path=ARTIFACTS / f"reports-money-{tag}.png")

    # The page says what the API says.
    team = live.world.team_ids["North"]
    first = THIS_WEEK - timedelta(weeks=WEEKS - 1)
    report = _api(
        browser_at, live, f"/api/v1/reports/weekly?team_id={team}&from={first}&to={THIS_WEEK}"
    )
    assert len(report["weeks"]) == WEEKS
    rows = page.locator("#totals tbody tr")
    assert rows.count() == WEEKS
    for i, totals in enumerate(report["totals"]):
        cells = rows.nth(i).locator("td")
        assert cells.nth(0).inner_text() == str(totals["visits"])
        assert cells.nth(1).inner_text().startswith(f"{totals['touches_total']} (")
        assert cells.nth(2).inner_text() == f"{totals['value_covered']:,.0f}"
    rep1 = [r for r in report["reps"] if r["rep_name"] == "North Rep 1"]
    last_week = rep1[-2]
    assert last_week["visits"] >= 3
    day = date.fromisoformat(last_week["week"])
    bar = page.locator(
        f"#activity-{last_week['rep_id']} rect title",
        has_text=f"Visits in person, {day.day} {day:%b}: {last_week['visits']}",
    )
    assert bar.count() == 1
    assert page.locator("#cost-per-visit circle").count() == sum(
        1 for r in report["reps"] if r["kind"] == "field" and r["cost_per_visit"] is not None
    )
    # The figures per rep are a click away.
    page.locator("#rep-figures summary").click()
    page.locator("#per-rep").wait_for()
    assert page.locator("#per-rep tbody tr").count() == len(report["reps"])
    no_sideways_scroll(page)
    screenshot(page, f"manager-reports-{tag}")

    # The CSV, with the page's own cookie: one row per rep and week.
    with page.expect_download() as download_info:
        page.locator("#csv").click()
    download = download_info.value
    assert download.suggested_filename == f"fieldroute-weekly-team{team}-{first}-{THIS_WEEK}.csv"
    path = download.path()
    assert path is not None
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(table) == len(report["reps"])
    assert {row["rep_name"] for row in table} >= {"North Rep 1", "North Rep 2 <i>&amp;</i>"}

    assert problems == []
    assert traffic.off_machine() == []


def test_earlier_weeks_and_the_form(
    browser_at: BrowserContext, weeks_of_work: LiveApp, traffic: Traffic
) -> None:
    live = weeks_of_work
    page = browser_at.new_page()
    sign_in(page, live, "manager_north", "/manager/reports")
    with page.expect_navigation():
        page.get_by_role("link", name="← Earlier").click()
    first = THIS_WEEK - timedelta(weeks=2 * WEEKS - 1)
    last = THIS_WEEK - timedelta(weeks=WEEKS)
    assert page.locator("#span").inner_text() == (
        f"{WEEKS} weeks, {first:%d %b %Y} to the week of {last:%d %b %Y}"
    )
    # Two weeks, chosen by any of their days.
    page.fill("input[name=from]", str(THIS_WEEK - timedelta(days=5)))
    page.fill("input[name=to]", str(TODAY_CHICAGO))
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.locator("#span").inner_text().startswith("2 weeks, ")
    assert page.locator("#totals tbody tr").count() == 2
    no_sideways_scroll(page)
    assert traffic.off_machine() == []


def _boxes(page: Page, selector: str) -> list[dict[str, float]]:
    found: list[dict[str, float]] = page.evaluate(
        f"[...document.querySelectorAll({selector!r})].map((e) => {{"
        "const r = e.getBoundingClientRect(); return {x: r.x, width: r.width}; })"
    )
    return found


def _api(context: BrowserContext, live: LiveApp, path: str) -> Any:
    response = context.request.get(f"{live.url}{path}")
    assert response.ok, response.text()
    return response.json()
