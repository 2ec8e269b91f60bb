"""What the three remote engines share: their settings, their lazily made HTTP client, and
pickling to settings alone (plans are solved in worker processes, which make their own client).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from app.core import clock
from app.roads.engine import RoadRoute, Table
from app.roads.remote.answers import Answer
from app.roads.remote.http import Calls, RemoteHttp
from routing import Point


@dataclass(frozen=True, slots=True)
class Remote:
    """Where the engine is and how to call it."""

    url: str
    profile: str
    api_key: str | None
    timeout_s: float
    retries: int
    max_concurrent: int
    table_size: int

    def __repr__(self) -> str:
        # Never the key: a repr ends up in logs.
        return f"Remote(url={self.url!r}, profile={self.profile!r})"


class RemoteEngine(ABC):
    """A `RoadEngine` reached by URL. Subclasses say how to ask for a table and a route."""

    name: ClassVar[str]
    """The travel model, as plans record it."""
    label: ClassVar[str]
    """The engine in sentences: "OSRM", "Valhalla", "GraphHopper"."""

    def __init__(self, remote: Remote) -> None:
        self.remote = remote
        self._http: RemoteHttp | None = None

    def __reduce__(self) -> tuple[type[Self], tuple[Remote]]:
        return (type(self), (self.remote,))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.remote!r})"

    @property
    def data_version(self) -> str:
        # The server's data may change under the same URL without telling us: its answers are
        # kept (app.roads.cache) for the UTC day at most, then asked again.
        day = clock.now().date().isoformat()
        return f"{self.name}:{self.remote.url}:{self.remote.profile}:{day}"

    @property
    def detail(self) -> str:
        return f"road times from {self.label} at {self.remote.url} (profile {self.remote.profile})"

    @property
    def http(self) -> RemoteHttp:
        if self._http is None:
            remote = self.remote
            calls = Calls(
                engine=self.label,
                url=remote.url,
                timeout_s=remote.timeout_s,
                retries=remote.retries,
                max_concurrent=remote.max_concurrent,
            )
            self._http = RemoteHttp(calls, self.explain)
        return self._http

    def answer(self, body: Any, service: str) -> Answer:
        return Answer(body, f"{self.label} at {self.remote.url} ({service})")

    @staticmethod
    @abstractmethod
    def explain(body: Any) -> str | None:
        """The engine's own message in an error body."""

    @abstractmethod
    def table(self, points: Sequence[Point]) -> Table: ...

    @abstractmethod
    def route(self, points: Sequence[Point]) -> RoadRoute: ...
