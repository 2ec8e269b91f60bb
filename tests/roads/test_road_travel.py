"""Road matrices from the embedded engine on real data: one-way streets, places off the roads,
the route service agreeing with the table, and the fitted estimate for places outside."""

from __future__ import annotations

import math
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from app.core.config import RoadEngineKind, Settings
from app.roads.embedded import EmbeddedOsrm
from app.roads.engine import RoadRoute, Table
from app.roads.service import EmbeddedRoads, road_route, travel, uncached
from app.roads.travel import RoadTravel
from routing import Point, haversine_matrix
from tests.roads.places import BALTIMORE, BALTIMORE_HOME, BALTIMORE_WATER, on_roads, spread


def roads(data_dir: Path, region: str, **more: object) -> EmbeddedRoads:
    chosen = uncached(travel(Settings(data_dir=data_dir, roads_region=region, **more)))  # type: ignore[arg-type]
    assert isinstance(chosen, EmbeddedRoads)
    return chosen


@pytest.mark.parametrize("region", ["baltimore", "liechtenstein"])
def test_road_times_are_not_the_estimate_and_one_way_pairs_differ(
    road_data_dir: Path, region: str
) -> None:
    points = on_roads(road_data_dir, region, 30)
    matrix = roads(road_data_dir, region).matrix(points)
    assert matrix.model == "osrm"
    assert region in matrix.model_detail
    assert not matrix.unreachable
    durations = matrix.durations_s
    assert np.isfinite(durations).all()
    assert (np.diag(durations) == 0).all()
    # Road distances are never shorter than the straight line between the snapped places, and
    # here (places within ~300 m of a road) clearly longer on average.
    straight = haversine_matrix(points, circuity=1.0).distances_m
    off = ~np.eye(len(points), dtype=bool)
    assert np.median(matrix.distances_m[off] / straight[off]) > 1.1
    gaps = np.abs(durations - durations.T)
    i, j = np.unravel_index(int(np.argmax(gaps)), gaps.shape)
    assert gaps[i, j] > 60, "some pair must differ by more than a minute each way"
    there = road_route(roads(road_data_dir, region), [points[i], points[j]])
    back = road_route(roads(road_data_dir, region), [points[j], points[i]])
    assert there is not None
    assert back is not None
    assert there.duration_s == pytest.approx(durations[i, j], abs=1.0)
    assert back.duration_s == pytest.approx(durations[j, i], abs=1.0)


def test_the_table_agrees_with_the_route_service(road_data_dir: Path) -> None:
    travel_ = roads(road_data_dir, "baltimore")
    points = on_roads(road_data_dir, "baltimore", 6, seed=3)
    matrix = travel_.matrix(points)
    for a, b in [(0, 1), (2, 5), (4, 3)]:
        route = road_route(travel_, [points[a], points[b]])
        assert route is not None
        assert route.distance_m == pytest.approx(matrix.distances_m[a, b], rel=0.01, abs=5)
        assert route.duration_s == pytest.approx(matrix.durations_s[a, b], rel=0.01, abs=2)
        assert len(route.geometry) >= 2
        south, west, north, east = BALTIMORE
        for lat, lon in route.geometry:
            assert south - 0.05 < lat < north + 0.05
            assert west - 0.05 < lon < east + 0.05
    several = road_route(travel_, points[:4])
    assert several is not None
    assert len(several.legs) == 3
    assert sum(d for d, _ in several.legs) == pytest.approx(several.distance_m, rel=1e-6)


def test_a_place_far_from_roads_is_unreachable_and_says_how_far(road_data_dir: Path) -> None:
    travel_ = roads(road_data_dir, "baltimore", roads_snap_m=500.0)
    outside = Point(39.60, -76.60)
    near = on_roads(road_data_dir, "baltimore", 1)[0]
    matrix = travel_.matrix([BALTIMORE_HOME, BALTIMORE_WATER, outside, near])
    assert set(matrix.unreachable) == {1, 2}
    assert matrix.unreachable[1] == "1.4 km from the nearest road (the limit is 500 m)"
    assert "outside the road data of baltimore" in matrix.unreachable[2]
    for k in (1, 2):
        assert np.isinf(matrix.durations_s[k, [0, 3]]).all()
        assert np.isinf(matrix.durations_s[[0, 3], k]).all()
    assert math.isfinite(matrix.durations_s[0, 3])


def test_places_all_outside_the_data_get_the_estimate_fitted_to_it(road_data_dir: Path) -> None:
    chicago = [Point(41.8781, -87.6298), Point(41.95, -87.70)]
    matrix = roads(road_data_dir, "baltimore").matrix(chicago)
    assert matrix.model == "estimate"
    assert "fitted to the roads of baltimore" in matrix.model_detail
    default = haversine_matrix(chicago)
    assert not np.allclose(matrix.durations_s, default.durations_s)


def test_the_same_place_twice_is_asked_once_and_answered_twice(road_data_dir: Path) -> None:
    points = [BALTIMORE_HOME, Point(39.2800, -76.5600), BALTIMORE_HOME]
    matrix = roads(road_data_dir, "baltimore").matrix(points)
    assert matrix.durations_s[0, 2] == 0
    assert matrix.durations_s[0, 1] == matrix.durations_s[2, 1]


def test_the_road_travel_pickles_for_worker_processes(road_data_dir: Path) -> None:
    travel_ = roads(road_data_dir, "liechtenstein")
    copy = pickle.loads(pickle.dumps(travel_))  # noqa: S301 (our own bytes)
    points = on_roads(road_data_dir, "liechtenstein", 5)
    assert np.array_equal(copy.matrix(points).durations_s, travel_.matrix(points).durations_s)


def test_the_estimate_setting_never_uses_roads(road_data_dir: Path) -> None:
    chosen = travel(Settings(data_dir=road_data_dir, roads_engine=RoadEngineKind.ESTIMATE))
    assert chosen.matrix(spread(BALTIMORE, 3)).model == "estimate"


def test_a_remote_engine_needs_its_url() -> None:
    with pytest.raises(ValueError, match="roads_url"):
        Settings(roads_engine=RoadEngineKind.VALHALLA)


class _TableWithHoles:
    """The real embedded engine, with chosen table entries blanked as OSRM's table has been
    seen to leave them (a next-door pair on a one-way street)."""

    def __init__(self, engine: EmbeddedOsrm, holes: set[tuple[int, int]]) -> None:
        self.engine = engine
        self.holes = holes
        self.name, self.data_version, self.detail = engine.name, "test", engine.detail

    def table(self, points: Sequence[Point]) -> Table:
        full = self.engine.table(points)
        durations = [list(row) for row in full.durations_s]
        distances = [list(row) for row in full.distances_m]
        for i, j in self.holes:
            durations[i][j] = distances[i][j] = None
        return Table(durations, distances, full.snapped_m)

    def route(self, points: Sequence[Point]) -> RoadRoute:
        return self.engine.route(points)


def test_a_hole_in_the_table_is_filled_from_the_route_service(road_data_dir: Path) -> None:
    current = roads(road_data_dir, "baltimore").current()
    assert current is not None
    points = on_roads(road_data_dir, "baltimore", 5, seed=5)
    complete = current.matrix(points)
    holed = RoadTravel(
        engine=_TableWithHoles(current.engine, {(1, 3), (4, 0)}),  # type: ignore[arg-type]
        snap_m=1000.0,
    ).matrix(points)
    assert np.isfinite(holed.durations_s).all()
    assert holed.durations_s == pytest.approx(complete.durations_s, abs=1.0)
    assert holed.distances_m == pytest.approx(complete.distances_m, abs=5.0)
