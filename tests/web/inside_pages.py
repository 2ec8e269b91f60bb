"""What the browser tests of `/inside` share: North Rep 1's day with a queue, and a browser
context at phone and at desk size (map tiles answered empty: nothing leaves the machine)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.queue.north_day import north_day
from tests.web.browser import TILE_HOST, LiveApp

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESK: ViewportSize = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def queue_day(live_app: LiveApp) -> LiveApp:
    """North Rep 1's day (a stop, accounts 2 and 3 left out, two remote ones due), which the
    North inside rep supports."""
    with live_app.session_factory() as session:
        north_day(session, live_app.world)
    return live_app


def _context(browser: Browser, size: ViewportSize) -> BrowserContext:
    phone = size["width"] < 600
    context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
    context.route(f"*://{TILE_HOST}/**", lambda route: route.fulfill(status=204, body=b""))
    return context


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser, PHONE)
    yield context
    context.close()


@pytest.fixture
def desk(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser, DESK)
    yield context
    context.close()
