"""`/manager` in headless Chromium: the map, the figures, a rebalance proposed, applied and
discarded, the stale-proposal message, who may see the page, the week of plans planned with its
button, and that nothing leaves the machine (tiles are answered locally with an empty 204)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select, update

from app.models import Account
from tests.moments import TODAY_UTC
from tests.web.browser import TILE_HOST, LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

TERRITORIES = "/api/v1/territories"


def _placed_accounts(live: LiveApp, team: str) -> int:
    with live.session_factory() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Account)
            .where(
                Account.team_id == live.world.team_ids[team],
                Account.active.is_(True),
                Account.latitude.is_not(None),
            )
        )
    return int(count or 0)


def _unbalance(live: LiveApp) -> None:
    """Put every North account in North Rep 1's territory, so a rebalance must move some."""
    with live.session_factory() as session:
        session.execute(
            update(Account)
            .where(Account.team_id == live.world.team_ids["North"])
            .values(territory_id=live.world.territory_ids["rep_north_1"])
        )
        session.commit()


def _api(context: BrowserContext, live: LiveApp, path: str) -> Any:
    """GET through the browser's own cookie, as the page's script does."""
    response = context.request.get(f"{live.url}{path}")
    assert response.ok, response.text()
    return response.json()


def _assert_stayed_local(traffic: Traffic) -> None:
    assert traffic.urls, "the browser made no requests at all"
    assert traffic.off_machine() == []


def _open_manager(context: BrowserContext, live: LiveApp, who: str = "manager_north") -> Page:
    page = context.new_page()
    sign_in(page, live, who)
    assert page.url.startswith(f"{live.url}/manager")
    page.frame_locator("#map").locator("path.fr-account").first.wait_for()
    return page


def _propose(page: Page, tolerance: str = "5") -> None:
    page.fill("input[name=tolerance]", tolerance)
    page.fill("input[name=time_limit]", "3")
    page.click("#rebalance button[type=submit]")
    page.locator("#proposal h3").wait_for(timeout=20_000)


def test_map_and_figures_show_the_team(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    page = _open_manager(context, live_app)
    frame = page.frame_locator("#map")
    assert frame.locator("path.fr-account").count() == _placed_accounts(live_app, "North")
    assert frame.locator(".fr-home").count() == 2
    assert frame.locator(".fr-legend").inner_text().count("(") == 2
    # North Rep 1's accounts cover an area (an outline); Rep 2's seeded three lie on a line.
    assert frame.locator("path.fr-territory").count() >= 1
    rows = page.locator("#reps tbody tr")
    assert rows.count() == 2
    assert rows.first.locator("th").inner_text().strip() == "North Rep 1"
    # Account names are text, never markup: the seeded "<b>&amp;" shows as typed.
    frame.locator("path.fr-account").last.hover()
    assert "<b>&amp;" in frame.locator(".leaflet-tooltip").inner_text()
    # Managers of one team get no team picker.
    assert page.locator(".team-picker").count() == 0
    screenshot(page, "manager-north")
    _assert_stayed_local(traffic)
    assert traffic.tiles, "the map asked for no tiles (is the tile layer there?)"


def test_rebalance_shows_a_proposal_and_apply_persists(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    _unbalance(live_app)
    page = _open_manager(context, live_app)
    _propose(page)
    proposal_id = int(page.url.split("proposal_id=")[1])
    proposal = _api(context, live_app, f"{TERRITORIES}/proposals/{proposal_id}")
    assert proposal["status"] == "proposed"
    assert proposal["moved_accounts"] > 0, "North starts unbalanced: something must move"
    panel = page.locator("#proposal")
    assert page.locator("#apply").is_visible()
    assert page.locator("#discard").is_visible()
    assert f"{proposal['moved_accounts']} of {proposal['total_accounts']}" in panel.inner_text()
    assert page.locator("#proposal-reps tbody tr").count() == len(proposal["reps"])
    assert page.locator("#moves tbody tr").count() == proposal["moved_accounts"]
    # The map now draws the proposal: a ring per moved account.
    frame = page.frame_locator("#map")
    frame.locator("path.fr-moved").first.wait_for()
    assert frame.locator("path.fr-moved").count() == proposal["moved_accounts"]
    screenshot(page, "manager-proposal")

    with page.expect_navigation():
        page.click("#apply")
    assert "proposal_id" not in page.url
    page.locator("#rebalance-status", has_text=f"Proposal #{proposal_id} applied").wait_for()
    page.frame_locator("#map").locator("path.fr-account").first.wait_for()
    assert page.frame_locator("#map").locator("path.fr-moved").count() == 0
    overview = _api(context, live_app, f"{TERRITORIES}?team_id={live_app.world.team_ids['North']}")
    rep_of = {a["id"]: a["rep_id"] for a in overview["accounts"]}
    for move in proposal["moves"]:
        assert rep_of[move["account_id"]] == move["to_rep_id"]
    after = {r["rep_id"]: r["after"]["accounts"] for r in proposal["reps"]}
    for row in page.locator("#reps tbody tr").all():
        rep_id = int(row.get_attribute("data-rep-id") or 0)
        assert row.locator("td").first.inner_text() == f"{after[rep_id]:,}"
    assert _api(context, live_app, f"{TERRITORIES}/proposals/{proposal_id}")["status"] == "applied"
    _assert_stayed_local(traffic)


def test_discard_and_a_stale_proposal(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    _unbalance(live_app)
    page = _open_manager(context, live_app)
    # Removing North Rep 1, who covers everything now, moves every account to Rep 2.
    remove_rep_1 = f"input[name=remove_rep_ids][value='{live_app.world.rep_ids['rep_north_1']}']"
    page.check(remove_rep_1)
    _propose(page)
    first = int(page.url.split("proposal_id=")[1])
    removal = _api(context, live_app, f"{TERRITORIES}/proposals/{first}")
    assert removal["moved_accounts"] == removal["total_accounts"] > 0
    assert {m["to_rep_id"] for m in removal["moves"]} == {live_app.world.rep_ids["rep_north_2"]}
    removed_row = page.locator("#proposal-reps tbody tr", has_text="North Rep 1")
    assert removed_row.locator("td").first.inner_text().endswith("\u2192 -")
    page.uncheck(remove_rep_1)
    page.click("#discard")
    page.locator("#proposal").wait_for(state="hidden")
    assert "discarded" in page.locator("#rebalance-status").inner_text()
    assert "proposal_id" not in page.url
    assert _api(context, live_app, f"{TERRITORIES}/proposals/{first}")["status"] == "discarded"

    _propose(page)
    proposal_id = int(page.url.split("proposal_id=")[1])
    proposal = _api(context, live_app, f"{TERRITORIES}/proposals/{proposal_id}")
    assert proposal["moves"], "North is unbalanced: the proposal must move accounts"
    # Someone moves one of the proposal's accounts by hand meanwhile: applying must refuse.
    move = proposal["moves"][0]
    north = live_app.world.team_ids["North"]
    overview = _api(context, live_app, f"{TERRITORIES}?team_id={north}")
    other = next(r for r in overview["reps"] if r["rep_id"] != move["from_rep_id"])
    changed = context.request.patch(
        f"{live_app.url}/api/v1/accounts/{move['account_id']}",
        data={"territory_id": other["territory_id"]},
    )
    assert changed.ok, changed.text()
    page.click("#apply")
    status = page.locator("#proposal-status.error")
    status.wait_for()
    assert status.get_attribute("role") == "alert"
    assert page.locator("#apply").is_disabled()
    assert page.locator("#discard").is_enabled()
    screenshot(page, "manager-stale-proposal")
    assert _api(context, live_app, f"{TERRITORIES}/proposals/{proposal_id}")["status"] == "proposed"
    _assert_stayed_local(traffic)


def test_a_removal_that_overworks_the_others_says_not_met(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    """Issue 13: the shares balance when one rep is left, but not the hours they work."""
    north = live_app.world.team_ids["North"]
    with live_app.session_factory() as session:
        saved = session.execute(
            select(Account.id, Account.cadence_days, Account.service_minutes).where(
                Account.team_id == north
            )
        ).all()
        session.execute(
            update(Account)
            .where(Account.team_id == north)
            .values(cadence_days=1, service_minutes=100)
        )
        session.commit()
    try:
        page = _open_manager(context, live_app)
        page.check(f"input[name=remove_rep_ids][value='{live_app.world.rep_ids['rep_north_1']}']")
        _propose(page, tolerance="50")
        assert page.locator(".balance").inner_text().endswith(": not met.")
        overload = page.locator("#overload")
        assert overload.inner_text().startswith("North Rep 2 would have ")
        assert "h they work: " in overload.inner_text()
        assert overload.inner_text().endswith("over (at most 50.0% allowed).")
        screenshot(page, "manager-proposal-overload")
        _assert_stayed_local(traffic)
    finally:
        with live_app.session_factory() as session:
            for account_id, cadence, minutes in saved:
                account = session.get_one(Account, account_id)
                account.cadence_days, account.service_minutes = cadence, minutes
            session.commit()


def test_admin_picks_among_all_teams(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    page = _open_manager(context, live_app, "admin")
    options = page.locator(".team-picker option")
    assert options.all_inner_texts() == ["North", "South"]
    with page.expect_navigation():
        page.select_option(".team-picker select", label="South")
    assert page.url == f"{live_app.url}/manager?team_id={live_app.world.team_ids['South']}"
    frame = page.frame_locator("#map")
    frame.locator("path.fr-account").first.wait_for()
    assert frame.locator("path.fr-account").count() == _placed_accounts(live_app, "South")
    assert page.locator("#reps tbody tr").all_inner_texts()[0].startswith("South Rep 1")
    _assert_stayed_local(traffic)


def test_a_rep_gets_403_and_strangers_sign_in_first(
    context: BrowserContext, live_app: LiveApp, traffic: Traffic
) -> None:
    page = context.new_page()
    page.goto(f"{live_app.url}/manager")
    assert page.url == f"{live_app.url}/login?next=/manager"
    page.fill("#token", live_app.world.tokens["rep_north_1"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url == f"{live_app.url}/manager"
    answer = page.reload()
    assert answer is not None
    assert answer.status == 403
    assert "Managers only" in page.locator("h1").inner_text()
    map_page = context.request.get(
        f"{live_app.url}/manager/map?team_id={live_app.world.team_ids['North']}"
    )
    assert map_page.status == 403
    screenshot(page, "manager-403")
    _assert_stayed_local(traffic)


def test_phone_size_stacks_map_above_figures(browser: Browser, live_app: LiveApp) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.route(f"*://{TILE_HOST}/**", lambda route: route.fulfill(status=204, body=b""))
    try:
        page = _open_manager(context, live_app)
        map_box = page.locator("#map").bounding_box()
        table_box = page.locator("#reps").bounding_box()
        assert map_box is not None
        assert table_box is not None
        assert map_box["width"] <= 390
        assert table_box["y"] > map_box["y"] + map_box["height"]
        screenshot(page, "manager-phone")
    finally:
        context.close()


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["1280x800", "390x844"])
def test_the_week_of_plans_is_planned_with_its_button_and_a_progress_bar(
    browser: Browser, live_app: LiveApp, traffic: Traffic, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    context.on("request", lambda r: traffic.urls.append(r.url))
    context.route(f"*://{TILE_HOST}/**", lambda route: route.fulfill(status=204, body=b""))
    live_app.settings.plan_week_time_limit_s = 0.5
    try:
        page = context.new_page()
        monday = TODAY_UTC + timedelta(days=7 - TODAY_UTC.weekday())
        sign_in(page, live_app, "manager_north", f"/manager/plans?start={monday}")
        bar = page.locator("#plan-week-progress")
        assert bar.is_hidden()
        page.get_by_role("button", name="Plan this week for every rep of North").click()
        # The batch runs as a job: the bar follows it (reps done / reps) until it has ended.
        bar.wait_for(state="visible")
        assert bar.get_attribute("max") == "2"
        status = page.locator("#plan-week-status")
        status.filter(has_text="planned 2 of 2 reps in").wait_for(timeout=60_000)
        assert bar.get_attribute("value") == "2"
        runs = page.locator("#plan-week-runs li")
        assert runs.all_inner_texts() == [
            f"North Rep {n}: 5 days planned, {_stops(runs.nth(n - 1))} stops" for n in (1, 2)
        ]
        assert page.locator("#plan-week-refusals li").count() == 0
        # The grid is read again in place, the result stays on screen.
        north = live_app.world.team_ids["North"]
        week = _api(context, live_app, f"/api/v1/plans?start={monday}&days=7&team_id={north}")
        assert len(week) == 2 * 5, "two reps, Monday to Friday"
        page.locator("table.week td a").nth(len(week) - 1).wait_for()
        assert page.locator("table.week td a").count() == len(week)
        button = page.get_by_role("button", name="Plan this week for every rep of North")
        assert button.is_enabled()
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width, "the page does not scroll sideways"
        screenshot(page, f"manager-week-planned-{width}x{height}")
        _assert_stayed_local(traffic)
    finally:
        context.close()


def _stops(line: Locator) -> int:
    """The stops a result line gives (the solver's business); the line's words are the test's."""
    return int(line.inner_text().rsplit(", ", 1)[1].split(" ")[0])
