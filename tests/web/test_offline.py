"""The phone page in a dead zone, in headless Chromium with the network cut (Playwright's
offline mode), at 390x844 and 320x640: the page installs as an app (manifest, service worker),
today's day reloads from the kept copy, Done and Skip tapped offline wait in a visible queue
and are sent once each when the connection returns, and a stop recorded meanwhile on the
server is explained instead of retried. Prints the offline reload time and the page weight."""

from __future__ import annotations

import time as timer
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import delete, func, select

from app.auth.principal import principal_for
from app.core.clock import FixedClock, using
from app.models import Account, IdempotencyKey, Rep, User, Visit
from app.models.activity import IN_PERSON
from app.plans import service as plans
from app.plans.schemas import PlanRequest
from tests.moments import CHICAGO, NOW, TODAY_CHICAGO
from tests.web.browser import TILE_HOST, LiveApp, Traffic, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

TODAY = TODAY_CHICAGO
MAX_PAGE_BYTES = 300_000
SIZES: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 320, "height": 640}]


@dataclass
class Today:
    live: LiveApp
    rep_id: int
    user_id: int
    account_ids: list[int]


@pytest.fixture(scope="module")
def today(live_app: LiveApp) -> Today:
    """North Rep 1 on Chicago time with a stored plan for today, made at 06:00."""
    world = live_app.world
    rep_id = world.rep_ids["rep_north_1"]
    live_app.settings.plan_day_time_limit_s = 0.5
    with live_app.session_factory() as session:
        rep = session.get(Rep, rep_id)
        assert rep is not None
        rep.time_zone = "America/Chicago"
        rep.working_days = ["mo", "tu", "we", "th", "fr", "sa", "su"]
        accounts = session.scalars(
            select(Account).where(Account.territory_id == world.territory_ids["rep_north_1"])
        ).all()
        for account in accounts:
            account.cadence_days = 14
            account.last_visit_date = None
        user = session.get(User, world.user_ids["rep_north_1"])
        assert user is not None
        morning = datetime.combine(TODAY, time(6, 0), CHICAGO)
        with using(FixedClock(morning)):
            plan = plans.plan_rep(
                session, principal_for(user), rep_id, PlanRequest(date=TODAY), live_app.settings
            )
            session.commit()
    stops = plan.plans[0].stops
    assert len(stops) >= 3
    return Today(live_app, rep_id, user.id, [s.account_id for s in stops])


@pytest.fixture(params=SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
def phone(browser: Browser, traffic: Traffic, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone profile at the browser's clock of the served app (the queued visits carry the
    time they were tapped); tiles answered empty, anything off the machine aborted."""
    context = browser.new_context(viewport=request.param, is_mobile=True, has_touch=True)
    context.clock.set_fixed_time(NOW)
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


def _fresh_day(day: Today) -> None:
    """No visits and no kept keys: each screen size starts the day over."""
    with day.live.session_factory() as session:
        session.execute(delete(Visit).where(Visit.rep_id == day.rep_id))
        session.execute(delete(IdempotencyKey))
        session.commit()


def _visits(day: Today, account_id: int) -> list[tuple[str, str | None, str | None]]:
    with day.live.session_factory() as session:
        rows = session.scalars(
            select(Visit).where(Visit.rep_id == day.rep_id, Visit.account_id == account_id)
        ).all()
        return [(v.status, v.outcome, v.reason) for v in rows]


def _kept(page: Page, url: str) -> bool:
    return bool(page.evaluate("async (u) => Boolean(await caches.match(u))", url))


def _wait_kept(page: Page, urls: list[str]) -> None:
    deadline = timer.monotonic() + 15
    while not all(_kept(page, u) for u in urls):
        assert timer.monotonic() < deadline, f"not kept for offline: {urls}"
        page.wait_for_timeout(100)


def test_a_day_in_a_dead_zone(phone: BrowserContext, today: Today, traffic: Traffic) -> None:
    _fresh_day(today)
    live = today.live
    loaded: list[Any] = []
    phone.on("response", lambda r: loaded.append(r))
    page = phone.new_page()
    sign_in(page, live, "rep_north_1", "/rep")
    page.locator("#stops").wait_for()
    page.frame_locator("#map").locator(".fr-stop").first.wait_for()
    page.wait_for_load_state("networkidle")
    # Weight: the page, its map page and their scripts and styles, tiles aside (first visit).
    weight = sum(
        len(r.body())
        for r in loaded
        if r.url.startswith(live.url)
        and "/login" not in r.url
        and r.status == 200
        and r.request.resource_type in ("document", "script", "stylesheet", "image", "font")
    )
    assert weight < MAX_PAGE_BYTES

    # Installable: a manifest with icons, and a service worker controlling the page.
    manifest = phone.request.get(live.url + "/static/manifest.webmanifest")
    assert manifest.ok
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert {icon["sizes"] for icon in manifest.json()["icons"]} >= {"192x192", "512x512"}
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    map_src = page.locator("#map").get_attribute("src") or ""
    tomorrow = page.locator("nav.days a.next").get_attribute("href") or ""
    _wait_kept(page, [page.url, live.url + map_src, live.url + tomorrow])

    # No signal: the reload comes from the kept copy.
    phone.set_offline(True)
    started = timer.perf_counter()
    page.reload(wait_until="load")
    page.locator("#stops").wait_for()
    reload_s = timer.perf_counter() - started
    page.frame_locator("#map").locator(".fr-stop").first.wait_for()
    cards = page.locator("#stops .stop")
    assert [c.get_attribute("data-account-id") for c in cards.all()] == [
        str(a) for a in today.account_ids
    ]

    first, second, third = (page.locator(f"#stop-{n}") for n in (1, 2, 3))
    first.get_by_role("button", name="Done").tap()
    first.locator("select[name=outcome]").select_option("Order taken")
    first.get_by_role("button", name="Save as done").tap()
    second.get_by_role("button", name="Skip").tap()
    second.locator("select[name=reason]").select_option("Closed")
    second.get_by_role("button", name="Skip this stop").tap()
    waiting = page.locator("#waiting")
    assert waiting.inner_text().startswith("2 changes waiting to send")
    assert (first.get_attribute("data-state"), second.get_attribute("data-state")) == (
        "done",
        "skipped",
    )
    assert first.locator(".badge").inner_text() == "Done"
    assert first.locator(".pending").inner_text() == "Waiting to send"
    assert _visits(today, today.account_ids[0]) == []

    # Meanwhile the third stop is recorded on the server (the manager, another phone).
    with live.session_factory() as session:
        session.add(
            Visit(
                rep_id=today.rep_id,
                account_id=today.account_ids[2],
                visit_date=TODAY,
                status="done",
                ended_at=NOW,
                outcome="Visited",
            )
        )
        session.commit()
    third.get_by_role("button", name="Done").tap()
    third.get_by_role("button", name="Save as done").tap()
    assert waiting.inner_text().startswith("3 changes waiting to send")

    # A reload while still offline keeps the queue and shows it on the cards.
    page.reload(wait_until="load")
    page.locator("#stops").wait_for()
    assert waiting.inner_text().startswith("3 changes waiting to send")
    assert page.locator("#stop-1").get_attribute("data-state") == "done"
    assert page.locator("#stop-2").get_attribute("data-state") == "skipped"
    screenshot(page, f"rep-offline-{page.viewport_size['width'] if page.viewport_size else 0}")

    # Back online: sent in order, once each; the conflict is said in words and dropped.
    phone.set_offline(False)
    waiting.wait_for(state="hidden")
    alert = page.locator("#msg")
    alert.wait_for()
    text = alert.inner_text()
    assert "was not saved" in text, text
    assert "already recorded" in text, text
    assert page.locator("#stop-3").get_attribute("data-state") == "planned"
    assert page.locator("#stop-3").get_attribute("data-conflict") == "true"
    assert _visits(today, today.account_ids[0]) == [("done", "Order taken", None)]
    assert _visits(today, today.account_ids[1]) == [("skipped", None, "Closed")]
    assert _visits(today, today.account_ids[2]) == [("done", "Visited", None)]
    with live.session_factory() as session:
        keys = session.scalar(
            select(func.count())
            .select_from(IdempotencyKey)
            .where(IdempotencyKey.user_id == today.user_id)
        )
    assert keys == 2
    assert page.evaluate("localStorage.getItem('fieldroute.rep.queue')") == "[]"
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= (page.viewport_size or {"width": 0})["width"]
    screenshot(page, f"rep-back-online-{(page.viewport_size or {'width': 0})['width']}")

    # Signing out forgets the kept pages.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").tap()
    assert page.evaluate("async () => (await caches.keys()).length") == 0
    print(f"\noffline reload: {reload_s * 1000:.0f} ms; phone page weight: {weight:,} bytes")
    assert traffic.off_machine() == []


def _touches(day: Today, account_id: int) -> list[tuple[str, str, str | None]]:
    with day.live.session_factory() as session:
        rows = session.scalars(
            select(Visit).where(
                Visit.rep_id == day.rep_id,
                Visit.account_id == account_id,
                Visit.channel != IN_PERSON,
            )
        ).all()
        return [(v.channel, v.status, v.outcome) for v in rows]


@pytest.mark.parametrize("phone", SIZES[:1], indirect=True, ids=["390x844"])
def test_a_call_logged_in_a_dead_zone(phone: BrowserContext, today: Today) -> None:
    """A call logged from the "Call instead" list without a signal waits in the same queue as
    the visits, survives a reload, can be taken back before it is sent, and is sent once when
    the connection returns (then undone like any other)."""
    _fresh_day(today)
    live = today.live
    page = phone.new_page()
    sign_in(page, live, "rep_north_1", "/rep")
    page.locator("#calls").wait_for(state="attached")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    _wait_kept(page, [page.url])

    phone.set_offline(True)
    page.get_by_role("tab", name="Call instead").tap()
    open_cards = page.locator("#calls .call[data-state=open]")
    first_id, second_id = (open_cards.nth(n).get_attribute("data-account-id") for n in (0, 1))
    first = page.locator(f"#calls .call[data-account-id='{first_id}']")
    second = page.locator(f"#calls .call[data-account-id='{second_id}']")
    name = first.locator("h3").inner_text()
    for card in (first, second):
        card.get_by_role("button", name="Log a call, e-mail or video").tap()
        card.locator("form.touch-form").get_by_role("button", name="Log it").tap()
    waiting = page.locator("#waiting")
    assert waiting.inner_text().startswith("2 changes waiting to send")
    assert first.get_attribute("data-state") == "touched"
    assert first.locator(".touch-result").inner_text() == "Call logged · Spoke to the buyer"
    assert first.locator(".pending").inner_text() == "Waiting to send"

    # The second was the wrong card: taken back before it is sent.
    second_name = second.locator("h3").inner_text()
    second.get_by_role("button", name=f"Undo the Call logged with {second_name}").tap()
    assert second.get_attribute("data-state") == "open"
    assert second.locator(".touch-result").inner_text() == "Call undone"
    assert second.locator(".pending").count() == 0
    assert waiting.inner_text().startswith("1 change waiting to send")

    # A reload while still offline keeps it on its card.
    page.reload(wait_until="load")
    page.get_by_role("tab", name="Call instead").tap()
    assert waiting.inner_text().startswith("1 change waiting to send")
    assert first.get_attribute("data-state") == "touched"
    assert first.locator(".pending").inner_text() == "Waiting to send"
    assert _touches(today, int(first_id or 0)) == []
    size = page.viewport_size or {"width": 0, "height": 0}
    screenshot(page, f"rep-call-offline-{size['width']}x{size['height']}")

    # Back online: sent once; the card's Undo now cancels the stored touch.
    phone.set_offline(False)
    waiting.wait_for(state="hidden")
    first.locator(".pending").wait_for(state="detached")
    assert _touches(today, int(first_id or 0)) == [("call", "done", "Spoke to the buyer")]
    assert _touches(today, int(second_id or 0)) == []
    assert page.evaluate("localStorage.getItem('fieldroute.rep.queue')") == "[]"
    first.get_by_role("button", name=f"Undo the Call logged with {name}").tap()
    first.get_by_role("button", name="Log a call, e-mail or video").wait_for(state="visible")
    assert _touches(today, int(first_id or 0)) == [("call", "cancelled", "Spoke to the buyer")]
