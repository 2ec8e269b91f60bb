"""A limit on failed sign-ins: tokens pasted into `/login`, and bearer tokens or session cookies
the API refused. Each client (IP address) and each token prefix (the first characters that the
token list shows, the nearest thing to an account a token-only sign-in names) may fail at most
`sign_in_failures` times per `sign_in_window_s`; past that, every attempt from that client or
with that prefix is refused with 429 and `Retry-After` until the oldest failure leaves the
window, before the token is even looked up, so a blocked guesser learns nothing.

Passwords (`/login` with an e-mail address) count per client in the same limiter, and per
e-mail address in a second one (`account_limiter`): `sign_in_account_failures` wrong passwords
for one address within `sign_in_lockout_s` lock that address's password sign-in until the oldest
of them is that old. Addresses nobody has count and lock the same way, with the same message, so
the answer never tells whether an address exists. A locked address can still sign in with a
one-time link, which only an admin or manager issues.

Only presented credentials that fail count: a request with no token at all guesses nothing, and
successful sign-ins neither count nor clear earlier failures.

The limiter lives in the process (a bounded dict of sliding windows): with several server
processes each keeps its own, so the effective limit is that many times higher. Issue 14 moves
it to Redis, shared by all. Behind a proxy, run uvicorn with `--proxy-headers` (and
`--forwarded-allow-ips`) so the client address is the caller's, not the proxy's.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

from starlette.requests import HTTPConnection

from app.core.errors import AppError

TOKEN_PREFIX_LENGTH = 10
"""As `ApiToken.prefix`: what the token list shows of a token."""
MAX_KEYS = 10_000
"""Clients and prefixes remembered at most; the least recently failed are forgotten first."""


class TooManyFailures(AppError):
    status_code = 429

    def __init__(self, retry_after_s: float) -> None:
        seconds = max(1, math.ceil(retry_after_s))
        super().__init__(
            f"too many failed sign-in attempts from this client or with this token; "
            f"retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


class FailureLimiter:
    """At most `limit` failures per key within `window_s` seconds (monotonic time: a limit is a
    duration, whatever the app's clock says)."""

    def __init__(self, *, limit: int, window_s: float, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        # Sync endpoints run in worker threads.
        self._lock = threading.Lock()

    def retry_after(self, keys: list[str]) -> float | None:
        """Seconds until the first of `keys` may try again, or None if none is blocked."""
        now = time.monotonic()
        waits: list[float] = []
        with self._lock:
            for key in keys:
                times = self._failures.get(key)
                if times is None:
                    continue
                self._expire(times, now)
                if len(times) >= self.limit:
                    waits.append(times[0] + self.window_s - now)
        return max(waits) if waits else None

    def record_failure(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                times = self._failures.pop(key, None) or deque()
                self._expire(times, now)
                times.append(now)
                # Keep only what the window needs: a flood costs no more memory than `limit`.
                while len(times) > self.limit:
                    times.popleft()
                self._failures[key] = times
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def _expire(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window_s:
            times.popleft()


def attempt_keys(connection: HTTPConnection, token: str | None) -> list[str]:
    """The keys an attempt counts against: its client, and the token's listed prefix."""
    client = connection.client.host if connection.client is not None else "unknown"
    keys = [f"client:{client}"]
    if token:
        keys.append(f"token:{token[:TOKEN_PREFIX_LENGTH]}")
    return keys


class AccountLocked(AppError):
    status_code = 429

    def __init__(self, retry_after_s: float) -> None:
        minutes = max(1, math.ceil(retry_after_s / 60))
        super().__init__(
            "too many wrong passwords for this e-mail address: password sign-in is locked for "
            f"{minutes} min; ask your manager for a sign-in link, or try again later",
            headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))},
        )


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def check_password_attempt(connection: HTTPConnection, email: str) -> None:
    """429 when this client has failed too often (`TooManyFailures`) or this e-mail address
    is locked (`AccountLocked`); checked before any password is looked at."""
    check_not_blocked(connection, None)
    accounts: FailureLimiter | None = getattr(connection.app.state, "account_limiter", None)
    if accounts is None:
        return
    wait = accounts.retry_after([account_key(email)])
    if wait is not None:
        raise AccountLocked(wait)


def note_password_failure(connection: HTTPConnection, email: str) -> None:
    note_failure(connection, None)
    accounts: FailureLimiter | None = getattr(connection.app.state, "account_limiter", None)
    if accounts is not None:
        accounts.record_failure([account_key(email)])


def limiter_of(connection: HTTPConnection) -> FailureLimiter | None:
    """The app's limiter (`create_app` makes one), or None in an app made without it."""
    limiter: FailureLimiter | None = getattr(connection.app.state, "sign_in_limiter", None)
    return limiter


def check_not_blocked(connection: HTTPConnection, token: str | None) -> None:
    """429 (`TooManyFailures`) when the client or the token's prefix has failed too often."""
    limiter = limiter_of(connection)
    if limiter is None:
        return
    wait = limiter.retry_after(attempt_keys(connection, token))
    if wait is not None:
        raise TooManyFailures(wait)


def note_failure(connection: HTTPConnection, token: str | None) -> None:
    limiter = limiter_of(connection)
    if limiter is not None:
        limiter.record_failure(attempt_keys(connection, token))
