"""A road engine as the planners' `routing.Travel`: matrices with honest gaps.

A place farther than the snapping distance from any road, or outside the road data's area, is
unreachable with a detail that says how far off it is; a pair the engine finds no way between
(another component of the network, a one-way trap) is infinite. When every place lies outside
the road data, the estimate fitted to that data answers instead, labelled as such: a team in a
region without road data still gets plans, and says they are estimates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.roads.engine import EngineRefused, RoadEngine, RoadRoute
from routing import Estimate, Point, TravelMatrix

_MAX_GAP_ROUTES = 200
"""Table holes filled from the route service per matrix at most (each is one route call)."""

BBox = tuple[float, float, float, float]
"""(south, west, north, east) in degrees."""


@dataclass(frozen=True, slots=True)
class RoadTravel:
    """`engine`'s times, refusing places more than `snap_m` from a road or outside `area`.

    `outside` answers for a set of places that lies wholly outside `area` (None: they are all
    unreachable).
    """

    engine: RoadEngine
    snap_m: float
    area: BBox | None = None
    region: str = "the road data"
    outside: Estimate | None = None

    @property
    def model(self) -> str:
        return self.engine.name

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        inside = [self._covers(p) for p in points]
        if points and not any(inside) and self.outside is not None:
            return self.outside.matrix(points)
        unique, where = _distinct(points)
        notes: dict[int, str] = {}
        for i, point in enumerate(points):
            if not inside[i]:
                notes[i] = (
                    f"at {point.lat:.5f}, {point.lon:.5f}, outside the road data of {self.region}"
                )
        asked = [k for k, p in enumerate(unique) if self._covers(p)]
        size = len(points)
        durations = np.full((size, size), np.inf)
        distances = np.full((size, size), np.inf)
        if asked:
            table = self.engine.table([unique[k] for k in asked])
            n = len(asked)
            if (
                len(table.durations_s) != n
                or len(table.distances_m) != n
                or len(table.snapped_m) != n
                or any(len(row) != n for row in (*table.durations_s, *table.distances_m))
            ):
                raise EngineRefused(
                    f"{self.engine.name} answered a table of the wrong size for {n} places"
                )
            small_d = _as_array(table.durations_s)
            small_m = _as_array(table.distances_m)
            self._ask_route_for_gaps([unique[k] for k in asked], small_d, small_m)
            position = {k: j for j, k in enumerate(asked)}
            for i, point in enumerate(points):
                j = position.get(where[i])
                if j is None:
                    continue
                snapped = table.snapped_m[j]
                if snapped is None or not math.isfinite(snapped):
                    notes[i] = (
                        f"at {point.lat:.5f}, {point.lon:.5f}, the engine found no road near it"
                    )
                elif snapped > self.snap_m:
                    notes[i] = (
                        f"{_distance(snapped)} from the nearest road "
                        f"(the limit is {_distance(self.snap_m)})"
                    )
            rows = np.array([position.get(where[i], -1) for i in range(size)])
            known = rows >= 0
            sub = np.ix_(rows[known], rows[known])
            inner = np.ix_(np.flatnonzero(known), np.flatnonzero(known))
            durations[inner] = small_d[sub]
            distances[inner] = small_m[sub]
        for i in notes:
            durations[i, :] = durations[:, i] = np.inf
            distances[i, :] = distances[:, i] = np.inf
        np.fill_diagonal(durations, 0.0)
        np.fill_diagonal(distances, 0.0)
        # Missing distances where a time exists would make money out of nothing: treat as no way.
        no_way = ~np.isfinite(durations) | ~np.isfinite(distances)
        durations[no_way] = np.inf
        distances[no_way] = np.inf
        return TravelMatrix(
            durations_s=durations,
            distances_m=distances,
            model=self.engine.name,
            model_detail=self.engine.detail,
            unreachable=notes,
        )

    def route(self, points: Sequence[Point]) -> RoadRoute:
        return self.engine.route(points)

    def _ask_route_for_gaps(
        self, points: Sequence[Point], durations: np.ndarray, distances: np.ndarray
    ) -> None:
        """Fill the table's holes between places that are otherwise connected, from the route
        service. OSRM's table has left out a next-door pair on a one-way street (the way round
        the block exists; the route service finds it); a hole there would make a plan treat two
        neighbours as unreachable from each other."""
        holes = ~np.isfinite(durations) | ~np.isfinite(distances)
        np.fill_diagonal(holes, False)
        if not holes.any():
            return
        connected = (~holes).sum(axis=1) > 1
        pairs = [(i, j) for i, j in np.argwhere(holes) if connected[i] and connected[j]]
        for i, j in pairs[:_MAX_GAP_ROUTES]:
            try:
                found = self.engine.route([points[i], points[j]])
            except EngineRefused:
                continue  # really no way between them: the hole stays
            durations[i, j] = found.duration_s
            distances[i, j] = found.distance_m

    def _covers(self, point: Point) -> bool:
        if self.area is None:
            return True
        south, west, north, east = self.area
        pad_lat = self.snap_m / 111_320.0
        pad_lon = pad_lat / max(0.01, math.cos(math.radians(point.lat)))
        return (
            south - pad_lat <= point.lat <= north + pad_lat
            and west - pad_lon <= point.lon <= east + pad_lon
        )


def _distinct(points: Sequence[Point]) -> tuple[list[Point], list[int]]:
    """The distinct places, and for each input its position among them (a home is often the
    start and the end of several days)."""
    seen: dict[tuple[float, float], int] = {}
    where = []
    for point in points:
        key = (point.lat, point.lon)
        where.append(seen.setdefault(key, len(seen)))
    return [Point(lat, lon) for lat, lon in seen], where


def _as_array(rows: list[list[float | None]]) -> np.ndarray:
    array = np.array(rows, dtype=np.float64)  # None becomes NaN
    if array.size:
        bad = ~np.isfinite(array) | (array < 0)
        array[bad] = np.inf
    return array.reshape(len(rows), len(rows))


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
