"""The HTTP side every remote road engine shares: one client per engine, timeouts, a few
retries for an engine that is momentarily away, a cap on calls in flight, and errors that say
which engine at which URL failed and how.

A connection that fails or times out, and a 502/503/504 answer (a proxy whose engine is away,
an engine still loading), are tried again after a short pause; after the last try the engine is
down (`EngineDown`, HTTP 503 to our callers). Any other HTTP error, or an answer that is not
JSON, is the engine refusing (`EngineRefused`, HTTP 502), with the engine's own message.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from app.roads.engine import EngineDown, EngineRefused

RETRIED_STATUSES = frozenset({502, 503, 504})
BACKOFF_S = 0.1
"""The first pause before a retry; each further pause doubles it."""
BACKOFF_MAX_S = 1.0
QUOTED_CHARS = 200
"""How much of a body that is not an answer an error quotes."""

Explain = Callable[[Any], str | None]
"""The engine's own message in an error body (parsed JSON), if it has one."""

_SLOTS: dict[tuple[int, str, int], threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _slots(url: str, most: int) -> threading.BoundedSemaphore:
    """The process's cap on calls in flight to `url`, shared by every engine object on it
    (a worker process unpickles a new engine object per plan; they must share one cap).
    Keyed by process id too: a forked child must not inherit its parent's count."""
    key = (os.getpid(), url, most)
    with _SLOTS_LOCK:
        slots = _SLOTS.get(key)
        if slots is None:
            slots = _SLOTS[key] = threading.BoundedSemaphore(most)
        return slots


@dataclass(frozen=True, slots=True)
class Calls:
    """How to call an engine: where, how long to wait, how often to retry, how many at once."""

    engine: str
    """The engine's name in errors, e.g. "OSRM"."""
    url: str
    timeout_s: float
    retries: int
    max_concurrent: int


class RemoteHttp:
    """JSON over HTTP to one engine. Made lazily by the engines, never pickled."""

    def __init__(self, calls: Calls, explain: Explain) -> None:
        self.calls = calls
        self.explain = explain
        self._client = httpx.Client(
            timeout=calls.timeout_s,
            limits=httpx.Limits(
                max_connections=calls.max_concurrent,
                max_keepalive_connections=calls.max_concurrent,
            ),
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self._call("GET", path, params=params, body=None)

    def post(self, path: str, body: Any, params: Mapping[str, str] | None = None) -> Any:
        return self._call("POST", path, params=params, body=body)

    def _call(self, method: str, path: str, *, params: Mapping[str, str] | None, body: Any) -> Any:
        calls = self.calls
        url = f"{calls.url}{path}"
        tries = calls.retries + 1
        failure = ""
        for attempt in range(tries):
            if attempt:
                time.sleep(min(BACKOFF_MAX_S, BACKOFF_S * 2 ** (attempt - 1)))
            try:
                with _slots(calls.url, calls.max_concurrent):
                    response = self._client.request(
                        method, url, params=params, json=body if method == "POST" else None
                    )
            except httpx.InvalidURL as exc:
                # A setting, not a passing failure: no retry, but the same "cannot be reached".
                raise EngineDown(
                    f"{calls.engine} at {calls.url} cannot be reached: the URL is invalid ({exc})"
                ) from exc
            except httpx.TimeoutException:
                failure = f"did not answer within {calls.timeout_s:g} s"
                continue
            except httpx.TransportError as exc:
                failure = f"cannot be reached ({_reason(exc)})"
                continue
            if response.status_code in RETRIED_STATUSES:
                failure = f"answered HTTP {response.status_code}{self._said(response)}"
                continue
            return self._answer(response, path)
        times = "once" if tries == 1 else f"{tries} times"
        raise EngineDown(f"{calls.engine} at {calls.url} {failure} (tried {times})")

    def _answer(self, response: httpx.Response, path: str) -> Any:
        calls = self.calls
        where = f"{calls.engine} at {calls.url}"
        # OSRM puts the coordinates in the path: name the service, not a hundred places.
        service = path.rsplit("/", 1)[0] if "," in path else path
        if response.status_code >= 400:
            raise EngineRefused(
                f"{where} refused {service}: HTTP {response.status_code}{self._said(response)}"
            )
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EngineRefused(
                f"{where} answered {service} with something that is not JSON: "
                f"{_quote(response.text)}"
            ) from exc

    def _said(self, response: httpx.Response) -> str:
        """`: <the engine's message>` from an error answer, or its text quoted."""
        try:
            message = self.explain(response.json())
        except (ValueError, UnicodeDecodeError, TypeError, AttributeError, LookupError):
            # Not JSON, or JSON of another shape than the engine's errors: quote the text.
            message = None
        if message is None:
            text = response.text.strip()
            return f": {_quote(text)}" if text else ""
        return f": {message}"


def _reason(exc: httpx.TransportError) -> str:
    return str(exc) or type(exc).__name__


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTED_CHARS:
        text = text[:QUOTED_CHARS] + "..."
    return repr(text)
