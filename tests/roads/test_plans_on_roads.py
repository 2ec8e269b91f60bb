"""Plans made on real roads (embedded OSRM on the Baltimore and Liechtenstein extracts) hold when
the independent checker re-times them on the same road matrix; places far off the roads are
left out as unreachable, saying how far; one-way streets make the matrix asymmetric."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from app.core.config import Settings
from app.roads.service import EmbeddedRoads, travel, uncached
from app.roads.travel import RoadTravel
from routing import (
    Break,
    Candidate,
    Costs,
    DaysPlan,
    Point,
    Problem,
    SolveOptions,
    Stop,
    TimeWindow,
    Vehicle,
    Workday,
    great_circle_m,
    plan_rep_days,
)
from tests.routing.checker import check_route

MON = date(2026, 12, 7)
TUE = MON + timedelta(days=1)
H = 3600.0
SHIFT = TimeWindow(8 * H, 17 * H)
LUNCH = Break(TimeWindow(12 * H, 14 * H), 1800)
COSTS = Costs(per_hour=40.0, per_km=0.5)
QUICK = SolveOptions(time_limit_s=1.0)
HOURS = (  # all day, mornings, afternoons, closed for lunch
    (TimeWindow(8 * H, 18 * H),),
    (TimeWindow(8 * H, 12 * H),),
    (TimeWindow(13 * H, 17 * H),),
    (TimeWindow(9 * H, 12 * H), TimeWindow(13.5 * H, 17 * H)),
)
SNAP_M = 300.0


def road_travel(data_dir: Path, region: str) -> RoadTravel:
    roads = uncached(travel(Settings(data_dir=data_dir, roads_region=region, roads_snap_m=SNAP_M)))
    assert isinstance(roads, EmbeddedRoads)
    current = roads.current()
    assert current is not None
    return current


def near_roads(roads: RoadTravel, n: int, seed: int, within_m: float = 200.0) -> list[Point]:
    """`n` places drawn at random in the road data's area, kept where a road is near."""
    assert roads.area is not None
    south, west, north, east = roads.area
    rng = random.Random(seed)
    kept: list[Point] = []
    while len(kept) < n:
        batch = [Point(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(150)]
        snapped = roads.engine.table(batch).snapped_m
        kept += [p for p, s in zip(batch, snapped, strict=True) if s is not None and s <= within_m]
    return kept[:n]


def accounts(points: Sequence[Point], seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    return [
        Candidate(
            id=f"acc-{k:02d}",
            point=point,
            service_s=rng.choice((20, 30, 45)) * 60.0,
            annual_value=rng.lognormvariate(9.5, 0.8),
            cadence_days=rng.choice((14, 28, 56)),
            last_visit=MON - timedelta(days=rng.randint(10, 90)),
            hours={day: rng.choice(HOURS) for day in (MON, TUE)},
        )
        for k, point in enumerate(points)
    ]


def workdays(home: Point) -> list[Workday]:
    return [Workday(day, home, home, SHIFT, LUNCH) for day in (MON, TUE)]


def violations_on_roads(
    roads: RoadTravel, days: Sequence[Workday], candidates: Sequence[Candidate], plan: DaysPlan
) -> list[str]:
    """Each day alone, on its own clock, with the accounts' raw opening hours and the road
    matrix asked again for that day's places: what the checker finds wrong."""
    by_id = {c.id: c for c in candidates}
    errors: list[str] = []
    for workday, day_route in zip(days, plan.days, strict=True):
        route = day_route.route
        served = [by_id[s.id] for s in route.stops]
        places = [workday.start, workday.start, *(c.point for c in served)]
        stops = tuple(
            Stop(c.id, k + 2, c.service_s, (c.hours or {})[workday.day], day_route.prizes[c.id])
            for k, c in enumerate(served)
        )
        vehicle = Vehicle(route.vehicle_id, 0, 1, workday.shift, (LUNCH,))
        problem = Problem((vehicle,), stops, roads.matrix(places), COSTS)
        errors += [f"{workday.day}: {e}" for e in check_route(problem, route)]
    return errors


@pytest.mark.parametrize("region", ["baltimore", "liechtenstein"])
def test_plans_on_roads_hold_on_the_road_matrix(road_data_dir: Path, region: str) -> None:
    roads = road_travel(road_data_dir, region)
    home, *points = near_roads(roads, 41, seed=11)
    candidates = accounts(points, seed=12)
    days = workdays(home)
    plan = plan_rep_days(days, candidates, costs=COSTS, options=QUICK, travel=roads)

    assert plan.travel_model == "osrm"
    assert region in plan.travel_detail
    visited = [s.id for d in plan.days for s in d.route.stops]
    assert len(visited) >= 8, "a day on these roads has room for several visits"
    assert len(visited) == len(set(visited))
    assert violations_on_roads(roads, days, candidates, plan) == []
    assert not [item for item in plan.left_out if item.reason == "unreachable"]


def test_a_place_far_from_any_road_is_left_out_saying_how_far(road_data_dir: Path) -> None:
    roads = road_travel(road_data_dir, "liechtenstein")
    assert roads.area is not None
    south, west, north, east = roads.area
    # Liechtenstein's road box holds Alpine slopes and the Rhine: the sample place farthest
    # from a road a car may use.
    rng = random.Random(5)
    sample = [Point(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(300)]
    snapped = roads.engine.table(sample).snapped_m
    far_m, far = max((s or 0.0, p) for s, p in zip(snapped, sample, strict=True))
    assert far_m > 1000
    home, *points = near_roads(roads, 11, seed=3)
    candidates = accounts(points, seed=4)
    candidates.append(Candidate("far", far, 1800, 500_000, 7, MON - timedelta(days=30)))
    outside = Point(south - 0.05, (west + east) / 2)  # 5.5 km south of the data
    candidates.append(Candidate("outside", outside, 1800, 500_000, 7, None))

    plan = plan_rep_days(workdays(home), candidates, costs=COSTS, options=QUICK, travel=roads)

    left = {item.id: item for item in plan.left_out}
    assert left["far"].reason == "unreachable"
    assert f"{far_m / 1000:.1f} km from the nearest road (the limit is 300 m)" in left["far"].detail
    assert left["outside"].reason == "unreachable"
    assert "outside the road data of liechtenstein" in left["outside"].detail
    visited = {s.id for d in plan.days for s in d.route.stops}
    assert visited, "the reachable accounts are still planned"


def test_one_way_streets_make_the_matrix_asymmetric(road_data_dir: Path) -> None:
    roads = road_travel(road_data_dir, "baltimore")
    points = near_roads(roads, 120, seed=21, within_m=30.0)
    matrix = roads.matrix(points)
    d = matrix.durations_s
    assert np.isfinite(d).all()
    close = np.array([[great_circle_m(a, b) < 500 for b in points] for a in points])
    detour = np.where(close, d - d.T, 0.0)
    a, b = np.unravel_index(np.argmax(detour), detour.shape)
    # Downtown Baltimore's one-way grid: going back between two close places takes a loop.
    assert detour[a, b] > 60
    there = roads.route([points[b], points[a]])
    back = roads.route([points[a], points[b]])
    assert there.duration_s == pytest.approx(d[b, a], abs=1.0)
    assert back.duration_s == pytest.approx(d[a, b], abs=1.0)
    assert back.distance_m > there.distance_m + 100
