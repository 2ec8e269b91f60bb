"""The app's one clock: every "now" and "today" in `app/` comes from here.

Plans, overdue days, visits, appointments and tokens all depend on the time, so a test that
leaves the time to the machine passes or fails with the hour it runs at. The clock a request
reads is the one on its app (`app.state.clock`, set by `create_app`); the middleware below
makes it current for the request, its dependencies and its background tasks, so code far from
the request (an ORM column default, a validator) reads the same clock. Outside a request (the
CLI, start-up) it is the system clock unless a caller says otherwise with `using`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.types import ASGIApp, Receive, Scope, Send

LATEST_UTC_OFFSET = timedelta(hours=14)
"""The furthest ahead of UTC any place on Earth is (Kiribati's Line Islands)."""


class Clock:
    """The system clock."""

    def now(self) -> datetime:
        """Now, as an aware UTC datetime."""
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that says what it is told: for tests and for replaying a day."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


SYSTEM_CLOCK = Clock()
_current: ContextVar[Clock] = ContextVar("fieldroute_clock", default=SYSTEM_CLOCK)


def current() -> Clock:
    """The clock in force here: the request's app's clock, else the system clock."""
    return _current.get()


def now() -> datetime:
    """Now on the current clock, aware UTC."""
    return _current.get().now()


def today(zone: ZoneInfo) -> date:
    """Today in `zone` on the current clock."""
    return now().astimezone(zone).date()


def latest_today() -> date:
    """The latest date anywhere on Earth now: a date after it is surely in the future for
    everyone, whatever their time zone."""
    return (now() + LATEST_UTC_OFFSET).date()


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Make `clock` current for the code inside the block (and what it starts in this context)."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


class ClockMiddleware:
    """Makes the app's clock (`app.state.clock`) current for each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        clock: Clock = scope["app"].state.clock
        with using(clock):
            await self.app(scope, receive, send)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a clock needs an aware datetime (naive times are ambiguous)")
    return at.astimezone(UTC)
