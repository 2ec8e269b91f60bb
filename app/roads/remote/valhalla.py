"""Valhalla's HTTP service.

Snapping: `POST /locate` (https://valhalla.github.io/valhalla/api/locate/api-reference/) answers,
per place, the road edges near it with `correlated_lat`/`correlated_lon`, "the closest point to
the input along these features", or no edges at all. The matrix does not report where it put a
place, so the distance to the nearest correlated point is the place's snapping distance, and a
place without edges is "no road found": it is left out of the matrix request (Valhalla would
refuse the whole request for it, error 171) and comes back unreachable.

Table: `POST /sources_to_targets` (https://valhalla.github.io/valhalla/api/matrix/api-reference/)
with `sources`, `targets`, `costing` and `units: kilometers`; the verbose answer is rows of
`{distance, time, from_index, to_index}` (distance in the units asked, time in seconds, null
where there is no route); the concise answer of newer versions (`durations`, `distances`) is read
too. Blocks above `table_size` places, as for OSRM.

Route: `POST /route` (https://valhalla.github.io/valhalla/api/turn-by-turn/api-reference/):
`trip.summary` and `trip.legs[].summary` give `length` (units asked) and `time` (s); each leg's
`shape` is a polyline with 6 decimal places.

Errors are `{"error_code": 171, "error": "No suitable edges near location", "status_code": 400,
"status": "Bad Request"}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.roads.engine import RoadRoute, Table
from app.roads.remote.answers import Answer
from app.roads.remote.base import RemoteEngine
from app.roads.remote.blocks import Block, BlockAnswer, table_in_blocks
from app.roads.remote.polyline import PolylineError, decode
from routing import Point, great_circle_m

COSTING = {"car": "auto"}
"""Our profile names where Valhalla's costing models differ; others are passed as given."""
METRES_PER_UNIT = {"kilometers": 1000.0, "km": 1000.0, "miles": 1609.344, "mi": 1609.344}
UNITS = "kilometers"


class Valhalla(RemoteEngine):
    name = "valhalla"
    label = "Valhalla"

    @property
    def costing(self) -> str:
        return COSTING.get(self.remote.profile, self.remote.profile)

    @property
    def detail(self) -> str:
        return f"road times from Valhalla at {self.remote.url} (costing {self.costing})"

    @staticmethod
    def explain(body: Any) -> str | None:
        if not isinstance(body, dict) or "error" not in body:
            return None
        code = body.get("error_code")
        return str(body["error"]) + ("" if code is None else f" (error {code})")

    def table(self, points: Sequence[Point]) -> Table:
        if not points:
            return Table([], [], [])
        snaps = self._snaps(points)
        placed = [k for k, snap in enumerate(snaps) if snap is not None]
        inner_points = [points[k] for k in placed]

        def ask(block: Block) -> BlockAnswer:
            return self._block(inner_points, block)

        inner = table_in_blocks(inner_points, self.remote.table_size, ask, self.label, 0.0)
        count = len(points)
        durations: list[list[float | None]] = [[None] * count for _ in range(count)]
        distances: list[list[float | None]] = [[None] * count for _ in range(count)]
        for i, source in enumerate(placed):
            for j, target in enumerate(placed):
                durations[source][target] = inner.durations_s[i][j]
                distances[source][target] = inner.distances_m[i][j]
        return Table(durations_s=durations, distances_m=distances, snapped_m=snaps)

    def _snaps(self, points: Sequence[Point]) -> list[float | None]:
        size = self.remote.table_size
        snaps: list[float | None] = []
        for start in range(0, len(points), size):
            chunk = points[start : start + size]
            body = self.http.post(
                "/locate",
                {"locations": [_location(p) for p in chunk], "costing": self.costing},
            )
            answer = self.answer(body, "locate")
            found = answer.listed(body, "located places", len(chunk))
            snaps.extend(_snap(answer, place, p) for place, p in zip(found, chunk, strict=True))
        return snaps

    def _block(self, points: Sequence[Point], block: Block) -> BlockAnswer:
        body = self.http.post(
            "/sources_to_targets",
            {
                "sources": [_location(points[i]) for i in block.sources],
                "targets": [_location(points[j]) for j in block.targets],
                "costing": self.costing,
                "units": UNITS,
                "verbose": True,
            },
        )
        answer = self.answer(body, "sources_to_targets")
        scale = _metres_per_unit(answer, body)
        rows, cols = len(block.sources), len(block.targets)
        table = answer.field(body, "sources_to_targets")
        if isinstance(table, dict):
            return BlockAnswer(
                durations_s=answer.matrix(
                    answer.field(table, "durations"), "durations", rows, cols
                ),
                distances_m=answer.matrix(
                    answer.field(table, "distances"), "distances", rows, cols, scale
                ),
            )
        durations: list[list[float | None]] = []
        distances: list[list[float | None]] = []
        for i, row in enumerate(answer.listed(table, "rows of sources_to_targets", rows)):
            durations.append([])
            distances.append([])
            for j, cell in enumerate(answer.listed(row, f"cells in row {i}", cols)):
                if not isinstance(cell, dict):
                    raise answer.refuse(f"cell [{i}][{j}] that is not an object")
                if cell.get("from_index", i) != i or cell.get("to_index", j) != j:
                    raise answer.refuse(
                        f"cell [{i}][{j}] for from_index {cell.get('from_index')}, "
                        f"to_index {cell.get('to_index')}"
                    )
                durations[i].append(answer.maybe_number(cell.get("time"), "time"))
                distances[i].append(answer.maybe_number(cell.get("distance"), "distance", scale))
        return BlockAnswer(durations_s=durations, distances_m=distances)

    def route(self, points: Sequence[Point]) -> RoadRoute:
        body = self.http.post(
            "/route",
            {
                "locations": [{**_location(p), "type": "break"} for p in points],
                "costing": self.costing,
                "units": UNITS,
            },
        )
        answer = self.answer(body, "route")
        scale = _metres_per_unit(answer, answer.field(body, "trip"))
        trip = answer.field(body, "trip")
        legs = answer.listed(answer.field(trip, "legs"), "legs", max(0, len(points) - 1))
        geometry: list[tuple[float, float]] = []
        for k, leg in enumerate(legs):
            shape = answer.field(leg, "shape")
            if not isinstance(shape, str):
                raise answer.refuse(f"a shape of leg {k} that is not an encoded polyline")
            try:
                decoded = decode(shape, precision=6)
            except PolylineError as exc:
                raise answer.refuse(f"a shape of leg {k} that does not decode: {exc}") from exc
            if geometry and decoded and decoded[0] == geometry[-1]:
                decoded = decoded[1:]  # a leg starts where the one before it ended
            geometry.extend(decoded)
        return RoadRoute(
            distance_m=answer.number(answer.field(trip, "summary", "length"), "length", scale),
            duration_s=answer.number(answer.field(trip, "summary", "time"), "time"),
            legs=[
                (
                    answer.number(answer.field(leg, "summary", "length"), "leg length", scale),
                    answer.number(answer.field(leg, "summary", "time"), "leg time"),
                )
                for leg in legs
            ],
            geometry=geometry,
        )


def _location(point: Point) -> dict[str, float]:
    return {"lat": point.lat, "lon": point.lon}


def _metres_per_unit(answer: Answer, body: Any) -> float:
    # Valhalla echoes the units it answered in; the default is kilometres.
    units = body.get("units", UNITS) if isinstance(body, dict) else UNITS
    scale = METRES_PER_UNIT.get(units) if isinstance(units, str) else None
    if scale is None:
        raise answer.refuse(f"distances in units {units!r}")
    return scale


def _snap(answer: Answer, place: Any, point: Point) -> float | None:
    if not isinstance(place, dict):
        raise answer.refuse("a located place that is not an object")
    edges = place.get("edges")
    if not edges:
        return None
    nearest: float | None = None
    for edge in answer.listed(edges, "edges"):
        lat = answer.field(edge, "correlated_lat")
        lon = answer.field(edge, "correlated_lon")
        on_road = answer.position([lon, lat], "an edge's correlated point")
        metres = great_circle_m(point, Point(*on_road))
        nearest = metres if nearest is None else min(nearest, metres)
    return nearest
