"""The territory drive estimate on road data (`python -m bench.roads --parts territory`).

Companies from `bench.territory_data`, squeezed (each axis scaled) into a road data's box:

- design: 10,000 accounts x 25 reps (quick: 1,000 x 5). `territory_figures` and
  `design_territories` (the settings of `bench.territory`'s fresh design) with the default
  factors and with those fitted to the roads, the driving part of each workload timed by the
  same factors as the app does (`app.territories.state.drive_minutes_per_visit`): time, max
  workload deviation, locks kept, drive per rep. The fit itself is timed too.
- drive: 1,720 accounts x 10 reps (the demo company's size; quick: 2 reps), accounts and
  homes moved onto the nearest road, territories designed; for each rep one week of visits is
  drawn (each account with probability = its visits a week) and planned as 5 day routes from
  home by `routing.solve` (08:00-18:00, costs 1 per km, prizes so high every reachable visit is
  made) on the road matrix and, as the floor, on the estimate's own straight-line matrix (what
  `bench.territory_drive` fits against). The figures' weekly drive km and hours (expected
  visits, as the app shows them) are compared with what the week plans drive.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from app.roads.fit import fit_estimate
from app.territories.state import drive_minutes_per_visit
from bench.roads_common import REGIONS, engine_of, onto_roads, open_roads
from bench.territory_data import TRAVEL_H_PER_VISIT, Company, make_company
from routing import (
    Costs,
    Estimate,
    Point,
    Problem,
    SolveOptions,
    Stop,
    TerritoryOptions,
    TimeWindow,
    Travel,
    Vehicle,
    design_territories,
    solve,
    territory_figures,
)

DESIGN_LIMIT_S = 25.0
WEEK_SHIFT = TimeWindow(8 * 3600.0, 18 * 3600.0)


def into_box(company: Company, box: tuple[float, float, float, float]) -> Company:
    """The company with every place scaled from its own extent into `box` (s, w, n, e)."""
    south, west, north, east = box
    places = [a.point for a in company.accounts] + [r.home for r in company.reps]
    lat0, lat1 = min(p.lat for p in places), max(p.lat for p in places)
    lon0, lon1 = min(p.lon for p in places), max(p.lon for p in places)

    def move(p: Point) -> Point:
        return Point(
            south + (p.lat - lat0) / (lat1 - lat0) * (north - south),
            west + (p.lon - lon0) / (lon1 - lon0) * (east - west),
        )

    return Company(
        reps=[replace(r, home=move(r.home)) for r in company.reps],
        accounts=[replace(a, point=move(a.point)) for a in company.accounts],
        service_h=company.service_h,
    )


def timed_by(company: Company, estimate: Estimate) -> Company:
    """Workloads whose driving part (`TRAVEL_H_PER_VISIT` at the default factors) is timed by
    `estimate`'s factors, as the app's workloads are."""
    scale = drive_minutes_per_visit(estimate.circuity, estimate.speed_kmh) / (
        drive_minutes_per_visit(Estimate().circuity, Estimate().speed_kmh)
    )
    return replace(
        company,
        accounts=[
            replace(
                a,
                workload_h=a.visits_per_week
                * (company.service_h[a.id] + TRAVEL_H_PER_VISIT * scale),
            )
            for a in company.accounts
        ],
    )


def options(estimate: Estimate, **more: float) -> TerritoryOptions:
    return TerritoryOptions(circuity=estimate.circuity, speed_kmh=estimate.speed_kmh, **more)  # type: ignore[arg-type]


def design_part(
    region: str, box: tuple[float, float, float, float], fitted: Estimate, quick: bool
) -> None:
    n, reps = (1_000, 5) if quick else (10_000, 25)
    base = into_box(make_company(n, reps, seed=0), box)
    print(f"design, {n:,} accounts x {reps} reps in {region}'s box:")
    for name, estimate in (("defaults", Estimate()), ("fitted", fitted)):
        company = timed_by(base, estimate)
        current = {a.id: a.current_rep or "" for a in company.accounts}
        started = time.perf_counter()
        territory_figures(company.reps, company.accounts, current, options(estimate))
        figures_s = time.perf_counter() - started
        started = time.perf_counter()
        result = design_territories(
            company.reps,
            company.accounts,
            options(estimate, time_limit_s=DESIGN_LIMIT_S, move_km=0.0),
        )
        design_s = time.perf_counter() - started
        after = result.reps
        locks = [a for a in company.accounts if a.locked]
        kept = sum(result.assignment[a.id] == a.current_rep for a in locks)
        print(
            f"  {name:>8} ({estimate.circuity:.3f} x at {estimate.speed_kmh:.1f} km/h): figures "
            f"{figures_s * 1000:.0f} ms, design {design_s:.1f} s, max dev "
            f"{result.balance.max_workload_deviation:.2%}, locks {kept}/{len(locks)}, workload "
            f"{sum(f.workload_h for f in after):.0f} h, drive per rep "
            f"{statistics.fmean(f.drive_km for f in after):.1f} km / "
            f"{statistics.fmean(f.drive_h for f in after):.2f} h a week"
        )


@dataclass(frozen=True)
class Week:
    km: float
    hours: float
    drawn: int
    made: int


def plan_week(
    home: Point, visits: list[tuple[Point, float]], travel: Travel, limit_s: float
) -> Week:
    """`routing.solve`'s 5 day routes from home through (place, service h) visits on `travel`."""
    matrix = travel.matrix([home, *(p for p, _ in visits)])
    problem = Problem(
        vehicles=tuple(
            Vehicle(id=f"day-{d}", start_index=0, end_index=0, shift=WEEK_SHIFT) for d in range(5)
        ),
        stops=tuple(
            Stop(id=f"v{k}", index=k + 1, service_s=service * 3600.0, prize=1e5)
            for k, (_, service) in enumerate(visits)
        ),
        matrix=matrix,
        costs=Costs(per_km=1.0),
    )
    plan = solve(problem, SolveOptions(time_limit_s=limit_s))
    return Week(
        km=sum(r.distance_m for r in plan.routes) / 1000.0,
        hours=sum(r.travel_s for r in plan.routes) / 3600.0,
        drawn=len(visits),
        made=sum(len(r.stops) for r in plan.routes),
    )


def _errors(estimated: list[float], measured: list[float]) -> str:
    """The estimate's relative error over the weeks that drove at all."""
    drove = np.array(measured) > 0
    e = np.array(estimated)[drove] / np.array(measured)[drove] - 1.0
    return f"mean |error| {np.mean(np.abs(e)):.1%}, bias {np.mean(e):+.1%}, worst {np.max(np.abs(e)):.1%}"


def drive_part(region: str, data_dir: Path, fitted: Estimate, quick: bool, seed: int) -> None:
    roads = open_roads(data_dir, region)
    assert roads.area is not None
    company = into_box(make_company(1_720, 10, seed=seed), roads.area)
    homes = onto_roads(roads, [r.home for r in company.reps])
    points = onto_roads(roads, [a.point for a in company.accounts])
    company = Company(
        reps=[replace(r, home=h) for r, h in zip(company.reps, homes, strict=True)],
        accounts=[replace(a, point=p) for a, p in zip(company.accounts, points, strict=True)],
        service_h=company.service_h,
    )
    result = design_territories(
        company.reps, company.accounts, options(fitted, time_limit_s=DESIGN_LIMIT_S, move_km=0.0)
    )
    by_fitted = territory_figures(
        company.reps, company.accounts, result.assignment, options(fitted)
    )
    by_default = territory_figures(
        company.reps, company.accounts, result.assignment, options(Estimate())
    )
    rng = random.Random(seed)
    limit_s = 0.5 if quick else 2.0
    reps = company.reps[:2] if quick else company.reps
    rows = []
    for k, rep in enumerate(reps):
        mine = [a for a in company.accounts if result.assignment[a.id] == rep.id]
        drawn = [
            (a.point, company.service_h[a.id]) for a in mine if rng.random() < a.visits_per_week
        ]
        on_roads = plan_week(rep.home, drawn, roads, limit_s)
        on_estimate = plan_week(rep.home, drawn, Estimate(), limit_s)
        rows.append((by_fitted[k], by_default[k], on_roads, on_estimate))
    made = sum(w.made for _, _, w, _ in rows)
    drawn_n = sum(w.drawn for _, _, w, _ in rows)
    print(
        f"drive, 1,720 accounts x 10 reps in {region}'s box on roads: {len(rows)} rep-weeks, "
        f"{drawn_n} visits drawn, {made} made on roads ({limit_s:g} s a week plan)"
    )
    road_km = [w.km for _, _, w, _ in rows]
    road_h = [w.hours for _, _, w, _ in rows]
    print(
        f"  weekly road km per rep {statistics.fmean(road_km):.1f}, road hours {statistics.fmean(road_h):.2f}"
    )
    print(
        f"  fitted factors vs road weeks: km {_errors([f.drive_km for f, _, _, _ in rows], road_km)}"
    )
    print(
        f"                                hours {_errors([f.drive_h for f, _, _, _ in rows], road_h)}"
    )
    print(
        f"  default factors vs road weeks: km {_errors([d.drive_km for _, d, _, _ in rows], road_km)}"
    )
    print(
        f"                                 hours {_errors([d.drive_h for _, d, _, _ in rows], road_h)}"
    )
    print(
        "  floor, default factors vs the same weeks planned on the estimate: km "
        f"{_errors([d.drive_km for _, d, _, _ in rows], [w.km for _, _, _, w in rows])}"
    )


def territory(data_dir: Path, *, quick: bool, seed: int) -> None:
    print("\n== the territory drive estimate with road data ==")
    for region in REGIONS:
        roads = open_roads(data_dir, region)
        assert roads.area is not None
        engine = engine_of(roads)
        started = time.perf_counter()
        fitted = fit_estimate(engine, roads.area, region)
        fit_s = time.perf_counter() - started
        assert fitted is not None
        print(
            f"-- {region}: fitted {fitted.circuity:.3f} x straight at {fitted.speed_kmh:.1f} km/h "
            f"(fit {fit_s:.2f} s; defaults {Estimate().circuity} x at {Estimate().speed_kmh:g} km/h) --"
        )
        design_part(region, roads.area, fitted, quick)
        drive_part(region, data_dir, fitted, quick, seed)
