"""Helpers for the browser tests: the served app, the traffic record, sign-in, screenshots."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import uvicorn
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from app.core.clock import FixedClock
from app.core.config import Settings
from tests.seed import World

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
TILE_HOST = "tile.openstreetmap.org"
LOCAL_PREFIXES = ("http://127.0.0.1:", "about:", "data:", "blob:")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@dataclass
class LiveApp:
    """The served app: its base URL, the seeded world and a way into its database."""

    url: str
    world: World
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: FixedClock
    """The served app's clock, at `tests.moments.NOW` unless a test moves it."""


@dataclass
class Traffic:
    """Every URL the browser asked for, and the tile requests answered with an empty 204."""

    urls: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)

    def off_machine(self) -> list[str]:
        """Requests, tiles aside, that went anywhere but this machine."""
        return [u for u in self.urls if not u.startswith(LOCAL_PREFIXES) and TILE_HOST not in u]


class Served:
    """`app` served by uvicorn on a free 127.0.0.1 port, in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


def sign_in(page: Page, live: LiveApp, who: str, next_path: str = "/manager") -> None:
    """Sign in through the /login form with `who`'s token, landing on `next_path`."""
    page.goto(f"{live.url}/login?next={quote(next_path, safe='/')}")
    page.fill("#token", live.world.tokens[who])
    with page.expect_navigation():
        page.click("button[type=submit]")


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under tests/web/artifacts/ (gitignored; CI keeps it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_sideways_scroll(page: Page) -> None:
    """Neither the page nor a table's box (`.grid-scroll`) scrolls sideways."""
    overflow = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"the page scrolls sideways: {overflow}"
    boxes = page.evaluate(
        "[...document.querySelectorAll('.grid-scroll')]"
        ".filter((box) => box.scrollWidth > box.clientWidth).length"
    )
    assert boxes == 0, "a table scrolls sideways in its box"
