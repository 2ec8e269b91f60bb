"""What a road engine answers, whoever runs it: a table of times and distances, and a route.

Engines speak (lat, lon) `routing.Point`s, seconds and metres. A pair the engine finds no way
between is None; a point the engine could not place on a road has `snapped_m` None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from routing import Point, TravelError


@dataclass(frozen=True, slots=True)
class Table:
    """Durations (s) and distances (m), row = from; None where the engine found no way.

    `snapped_m[i]`: how far point i is from the road position the engine used (None: it could
    not place it on a road at all).
    """

    durations_s: list[list[float | None]]
    distances_m: list[list[float | None]]
    snapped_m: list[float | None]


@dataclass(frozen=True, slots=True)
class RoadRoute:
    """One drive through points in order: total distance (m) and duration (s), per leg the
    same, and the road geometry as (lat, lon) pairs, simplified for drawing."""

    distance_m: float
    duration_s: float
    legs: list[tuple[float, float]]
    """Per leg (point i to i+1): (distance m, duration s)."""
    geometry: list[tuple[float, float]]


class EngineDown(TravelError):
    """The engine did not answer (refused, timed out, not running): HTTP 503 to our callers."""

    unavailable = True


class EngineRefused(TravelError):
    """The engine answered, but with an error or with something that is not a valid answer:
    HTTP 502, with the engine's own message."""


class RoadEngine(Protocol):
    """A road engine. `name` is the travel model ("osrm", "osrm-server", "valhalla",
    "graphhopper"); `data_version` changes whenever the answers may change (cache key); `detail`
    says in words which engine and data."""

    @property
    def name(self) -> str: ...

    @property
    def data_version(self) -> str: ...

    @property
    def detail(self) -> str: ...

    def table(self, points: Sequence[Point]) -> Table: ...

    def route(self, points: Sequence[Point]) -> RoadRoute: ...
