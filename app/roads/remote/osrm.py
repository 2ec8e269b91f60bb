"""OSRM's HTTP server (`osrm-routed`, or any server speaking its v1 API).

Table: `GET /table/v1/{profile}/{lon,lat;...}?annotations=duration,distance`, in blocks with
`sources=` and `destinations=` above `table_size` places; each waypoint's `distance` is how far
the place is from where OSRM put it on the road. Route: `GET /route/v1/{profile}/{coordinates}`
with a simplified GeoJSON overview. http://project-osrm.org/docs/v5.24.0/api/
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.roads.engine import RoadRoute, Table
from app.roads.remote.answers import Answer
from app.roads.remote.base import RemoteEngine
from app.roads.remote.blocks import Block, BlockAnswer, table_in_blocks
from routing import Point


class OsrmServer(RemoteEngine):
    name = "osrm-server"
    label = "OSRM"

    @staticmethod
    def explain(body: Any) -> str | None:
        if not isinstance(body, dict):
            return None
        code, message = body.get("code"), body.get("message")
        if code is None and message is None:
            return None
        return ": ".join(str(part) for part in (code, message) if part is not None)

    def table(self, points: Sequence[Point]) -> Table:
        if not points:
            return Table([], [], [])

        def ask(block: Block) -> BlockAnswer:
            return self._block(points, block)

        return table_in_blocks(points, self.remote.table_size, ask, self.label)

    def _block(self, points: Sequence[Point], block: Block) -> BlockAnswer:
        params = {"annotations": "duration,distance", "generate_hints": "false"}
        if block.square and len(block.sources) > 1:
            places = [points[i] for i in block.sources]
        else:
            # OSRM wants two coordinates at least: a lone place is asked from itself to itself.
            places = [points[i] for i in (*block.sources, *block.targets)]
            rows = len(block.sources)
            params["sources"] = ";".join(str(k) for k in range(rows))
            params["destinations"] = ";".join(str(k) for k in range(rows, len(places)))
        body = self.http.get(f"/table/v1/{self.remote.profile}/{_coordinates(places)}", params)
        answer = self._ok(body, "table")
        rows, cols = len(block.sources), len(block.targets)
        sources = answer.listed(answer.field(body, "sources"), "sources", rows)
        targets = answer.listed(answer.field(body, "destinations"), "destinations", cols)
        return BlockAnswer(
            durations_s=answer.matrix(answer.field(body, "durations"), "durations", rows, cols),
            distances_m=answer.matrix(answer.field(body, "distances"), "distances", rows, cols),
            source_snaps=[_snap(answer, s, "sources[].distance") for s in sources],
            target_snaps=[_snap(answer, t, "destinations[].distance") for t in targets],
        )

    def route(self, points: Sequence[Point]) -> RoadRoute:
        body = self.http.get(
            f"/route/v1/{self.remote.profile}/{_coordinates(points)}",
            {
                "overview": "simplified",
                "geometries": "geojson",
                "steps": "false",
                "generate_hints": "false",
            },
        )
        answer = self._ok(body, "route")
        best = answer.field(body, "routes", 0)
        legs = answer.listed(answer.field(best, "legs"), "legs", max(0, len(points) - 1))
        coordinates = answer.listed(
            answer.field(best, "geometry", "coordinates"), "geometry coordinates"
        )
        return RoadRoute(
            distance_m=answer.number(answer.field(best, "distance"), "route distance"),
            duration_s=answer.number(answer.field(best, "duration"), "route duration"),
            legs=[
                (
                    answer.number(answer.field(leg, "distance"), "leg distance"),
                    answer.number(answer.field(leg, "duration"), "leg duration"),
                )
                for leg in legs
            ],
            geometry=[answer.position(c, "a geometry coordinate") for c in coordinates],
        )

    def _ok(self, body: Any, service: str) -> Answer:
        answer = self.answer(body, service)
        code = answer.field(body, "code")
        if code != "Ok":
            raise answer.refuse(f"code {self.explain(body)}")
        return answer


def _coordinates(points: Sequence[Point]) -> str:
    # str(float) round-trips exactly: the server sees the very places the embedded engine does.
    return ";".join(f"{p.lon},{p.lat}" for p in points)


def _snap(answer: Answer, waypoint: Any, what: str) -> float:
    # Without `radiuses` OSRM places every coordinate on its nearest road, however far: the
    # waypoint's distance is what lets RoadTravel refuse a place too far from any road.
    return answer.number(answer.field(waypoint, "distance"), what)
