"""Browser tests: the real app served by uvicorn on a free localhost port over a seeded SQLite
file, driven by Playwright in Debian's Chromium (never a browser Playwright downloads).

Without /usr/bin/chromium or playwright these tests are skipped, except in CI (`CI` set), where
they fail: CI installs both (`.ci/run`, the dev extras).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.orm import Session

from app.core.clock import FixedClock, using
from app.core.config import Environment, Settings
from app.core.db import make_session_factory
from app.main import create_app
from app.models import Account
from tests.moments import NOW
from tests.seed import World, seed_world
from tests.web.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TILE_HOST,
    LiveApp,
    Served,
    Traffic,
    missing,
    screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

EXTRA_NORTH_ACCOUNTS = 14
"""Placed accounts added to North Rep 1's territory, so North is unbalanced and a rebalance
has to move some of them."""


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    reason = missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed browser test reports what each open page showed (its address and text) and
    keeps a screenshot of it: a failure seen once under CI's load must say what was on screen."""
    report = yield
    if report.when == "call" and report.failed:
        for number, page in enumerate(_open_pages(item)):
            report.sections.append((f"page {number} on failure", _describe(page, item, number)))
    return report


def _open_pages(item: pytest.Item) -> list[Page]:
    from playwright.sync_api import Browser

    values = getattr(item, "funcargs", {}).values()
    browsers = [value for value in values if isinstance(value, Browser)]
    return [page for browser in browsers for context in browser.contexts for page in context.pages]


def _describe(page: Page, item: pytest.Item, number: int) -> str:
    try:
        text = page.evaluate("document.body ? document.body.innerText : ''", None)
        shot = screenshot(page, f"failed-{item.name}-{number}")
    except Exception as err:  # the page may have crashed or closed: say so, keep the report
        return f"{page.url}: could not be read ({err!r})"
    return f"{page.url} (screenshot {shot})\n{str(text)[:3000]}"


def page_settings(data_dir: Path, template: Path) -> Settings:
    """Settings over a copy of the migrated template database in `data_dir`."""
    database = data_dir / "fieldroute.db"
    shutil.copy(template, database)
    return Settings(
        environment=Environment.DEVELOPMENT,
        database_url=f"sqlite:///{database}",
        data_dir=data_dir,
        max_time_limit_s=5.0,
        solver_workers=1,
        max_concurrent_solves=1,
    )


@pytest.fixture(scope="module")
def live_app(
    playwright_instance: Playwright,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveApp]:
    """One served app per test module, seeded with the test world plus placed accounts."""
    settings = page_settings(tmp_path_factory.mktemp("pages"), sqlite_template)
    clock = FixedClock(NOW)
    app = create_app(settings, clock)
    with Served(app) as served, using(clock):
        factory = make_session_factory(app.state.engine)
        with factory() as session:
            world = seed_world(session)
            add_north_accounts(session, world)
            session.commit()
        yield LiveApp(served.url, world, settings, factory, clock)


def add_north_accounts(session: Session, world: World) -> None:
    team_id = world.team_ids["North"]
    territory_id = world.territory_ids["rep_north_1"]
    for number in range(EXTRA_NORTH_ACCOUNTS):
        external_id = f"north-extra-{number}"
        account = Account(
            external_id=external_id,
            name=f"North Extra {number} <b>&amp;",
            latitude=41.95 + 0.01 * (number % 5),
            longitude=-87.95 + 0.02 * (number // 5),
            geocode_precision="rooftop",
            value=500.0 + 900.0 * number,
            cadence_days=14,
            service_minutes=45,
            team_id=team_id,
            territory_id=territory_id,
        )
        session.add(account)
        session.flush()
        world.account_ids[external_id] = account.id


@pytest.fixture(autouse=True)
def _served_clock_back_to_now(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that moves the served app's clock leaves it at `NOW` for the next test."""
    yield
    if "live_app" in request.fixturenames:
        live: LiveApp = request.getfixturevalue("live_app")
        live.clock.set(NOW)


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def context(browser: Browser, traffic: Traffic) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) at desktop size. Tiles are answered here with an
    empty 204; any other request for somewhere but 127.0.0.1 is aborted (and recorded, so the
    test can fail on it)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.on("request", lambda request: traffic.urls.append(request.url))

    def elsewhere(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.fallback()
        else:
            route.abort()

    def tile(route: Any) -> None:
        traffic.tiles.append(route.request.url)
        route.fulfill(status=204, body=b"")

    # Playwright tries routes newest first: tiles, then everything else.
    context.route("**/*", elsewhere)
    context.route(f"*://{TILE_HOST}/**", tile)
    yield context
    context.close()
