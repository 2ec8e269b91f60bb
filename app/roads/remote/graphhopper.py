"""GraphHopper's Directions API (graphhopper.com, or a server with its Matrix API).

Table: `POST /matrix?key=...` (https://docs.graphhopper.com/openapi/matrices) with
`from_points`/`to_points` as [lon, lat], `out_arrays: ["times", "distances"]`, `profile` and
`fail_fast: false`, so that a place GraphHopper cannot find or a pair it cannot connect is null
in `times` (s) and `distances` (m) instead of failing the whole request; the places it could not
find come back in `hints[].invalid_from_points` / `invalid_to_points`, and those are "no road
found". The matrix does not say how far it moved a place it did find, so the snapping distance of
those is 0.0: GraphHopper's own snapping limit is the only limit (our `roads_snap_m` cannot
apply). Blocks above `table_size` places, as for OSRM.

Route: `POST /route?key=...` (https://docs.graphhopper.com/openapi/routing) with
`points_encoded: false`: `paths[0].distance` (m), `.time` (ms), `.points.coordinates`
([lon, lat]). The answer has no legs; per GraphHopper's own advice
(https://www.graphhopper.com/blog/2019/11/28/routing-api-using-path-details/) the instructions
are split where one has sign 5, "via point reached": each instruction's distance (m) and time
(ms) belong to the leg it starts in. An answer whose via points do not match ours is refused
rather than guessed at.

Errors are `{"message": "...", "hints": [{"message": "...", "details": "..."}]}`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.roads.engine import RoadRoute, Table
from app.roads.remote.answers import Answer
from app.roads.remote.base import RemoteEngine
from app.roads.remote.blocks import Block, BlockAnswer, table_in_blocks
from routing import Point

VIA_REACHED = 5
MS = 0.001


class GraphHopper(RemoteEngine):
    name = "graphhopper"
    label = "GraphHopper"

    @staticmethod
    def explain(body: Any) -> str | None:
        if not isinstance(body, dict):
            return None
        said = [str(body["message"])] if "message" in body else []
        hints = body.get("hints")
        for hint in hints if isinstance(hints, list) else []:
            message = hint.get("message") if isinstance(hint, dict) else None
            if message is not None and str(message) not in said:
                said.append(str(message))
        return "; ".join(said) or None

    @property
    def _key(self) -> dict[str, str] | None:
        return None if self.remote.api_key is None else {"key": self.remote.api_key}

    def table(self, points: Sequence[Point]) -> Table:
        if not points:
            return Table([], [], [])

        def ask(block: Block) -> BlockAnswer:
            return self._block(points, block)

        return table_in_blocks(points, self.remote.table_size, ask, self.label)

    def _block(self, points: Sequence[Point], block: Block) -> BlockAnswer:
        body = self.http.post(
            "/matrix",
            {
                "from_points": [_lon_lat(points[i]) for i in block.sources],
                "to_points": [_lon_lat(points[j]) for j in block.targets],
                "out_arrays": ["times", "distances"],
                "profile": self.remote.profile,
                "fail_fast": False,
            },
            self._key,
        )
        answer = self.answer(body, "matrix")
        rows, cols = len(block.sources), len(block.targets)
        not_found_from, not_found_to = _not_found(answer, body, rows, cols)
        return BlockAnswer(
            durations_s=answer.matrix(answer.field(body, "times"), "times", rows, cols),
            distances_m=answer.matrix(answer.field(body, "distances"), "distances", rows, cols),
            source_snaps=[None if i in not_found_from else 0.0 for i in range(rows)],
            target_snaps=[None if j in not_found_to else 0.0 for j in range(cols)],
        )

    def route(self, points: Sequence[Point]) -> RoadRoute:
        body = self.http.post(
            "/route",
            {
                "points": [_lon_lat(p) for p in points],
                "profile": self.remote.profile,
                "points_encoded": False,
                "instructions": True,
                "calc_points": True,
            },
            self._key,
        )
        answer = self.answer(body, "route")
        path = answer.field(body, "paths", 0)
        coordinates = answer.listed(answer.field(path, "points", "coordinates"), "points")
        return RoadRoute(
            distance_m=answer.number(answer.field(path, "distance"), "distance"),
            duration_s=answer.number(answer.field(path, "time"), "time", MS),
            legs=_legs(
                answer,
                answer.listed(answer.field(path, "instructions"), "instructions"),
                len(points) - 1,
            ),
            geometry=[answer.position(c, "a point of the path") for c in coordinates],
        )


def _lon_lat(point: Point) -> list[float]:
    return [point.lon, point.lat]


def _not_found(answer: Answer, body: Any, rows: int, cols: int) -> tuple[set[int], set[int]]:
    hints = body.get("hints") if isinstance(body, dict) else None
    sources: set[int] = set()
    targets: set[int] = set()
    for hint in hints if isinstance(hints, list) else []:
        if not isinstance(hint, dict):
            continue
        for key, found, size in (
            ("invalid_from_points", sources, rows),
            ("invalid_to_points", targets, cols),
        ):
            for index in answer.listed(hint.get(key, []), key):
                if isinstance(index, bool) or not isinstance(index, int | float):
                    raise answer.refuse(f"{index!r} in {key}, not an index")
                if not (0 <= index < size and index == int(index)):
                    raise answer.refuse(f"{index} in {key}, outside the {size} points asked")
                found.add(int(index))
    return sources, targets


def _legs(answer: Answer, instructions: list[Any], count: int) -> list[tuple[float, float]]:
    legs: list[tuple[float, float]] = [(0.0, 0.0)]
    for k, instruction in enumerate(instructions):
        sign = answer.field(instruction, "sign")
        if sign == VIA_REACHED:
            legs.append((0.0, 0.0))
        distance, time = legs[-1]
        legs[-1] = (
            distance
            + answer.number(answer.field(instruction, "distance"), f"instructions[{k}].distance"),
            time + answer.number(answer.field(instruction, "time"), f"instructions[{k}].time", MS),
        )
    if len(legs) != count:
        raise answer.refuse(
            f"{len(legs) - 1} via points in its instructions for a route of {count} legs"
        )
    return legs
