"""Fieldroute on real roads: embedded OSRM on the Baltimore and Liechtenstein extracts.

Run from the repository root: ``python -m bench.roads [--quick] [--parts regret,matrix,day,
territory] [--seconds S] [--data-dir DIR]``. The OSRM data is built into a temporary folder
(about a second per extract) unless `--data-dir` names one that has it.

- regret: one-rep days (120 accounts placed at random within 300 m of a road, opening hours,
  values and cadences like `bench.realistic_day`), each planned with the same search time on
  the straight-line estimate (`routing.Estimate()`), on the estimate fitted to the roads, and on
  road times; the estimate-made plans are then driven on road times (`roads_common.drive`):
  visits that miss their window, minutes past the shift end, and the net kept, against the
  road-made plan's net. Plus the estimate's error on every pair of the days' places.
- matrix: 301x301 and 1001x1001 tables (median of runs): the OSRM bindings alone, the engine's
  `table` (answer made lists), `RoadTravel.matrix` end to end, and the straight-line estimate
  in the same run as the floor; the memory of the opened data (VmRSS before and after).
- day: a rep's day with 300 accounts, `plan_rep_days` at the app's day time limit
  (`Settings.plan_day_time_limit_s`) on roads and on the estimate: wall time end to end.
- territory: `bench.roads_territory` (the drive estimate with road-fitted factors).

Nothing is asserted; ratios are printed against what the same run measured.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # `python bench/roads.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import osrm

from app.core.config import Settings
from bench.roads_common import (
    COSTS,
    DAY,
    LUNCH,
    REGIONS,
    SHIFT,
    Driven,
    day_accounts,
    drive,
    engine_of,
    near_roads,
    open_roads,
    osrm_engine,
    road_data,
    rss_mb,
)
from bench.roads_territory import territory
from routing import (
    Candidate,
    DaysPlan,
    Estimate,
    Point,
    SolveOptions,
    Travel,
    TravelMatrix,
    Workday,
    haversine_matrix,
    plan_rep_days,
)

PARTS = ("regret", "matrix", "day", "territory")


def plan_day(
    home: Point, accounts: Sequence[Candidate], travel: Travel, seconds: float
) -> DaysPlan:
    workday = Workday(DAY, home, home, SHIFT, LUNCH)
    return plan_rep_days(
        [workday],
        accounts,
        costs=COSTS,
        options=SolveOptions(time_limit_s=seconds),
        travel=travel,
    )


def _drive_plan(
    plan: DaysPlan,
    accounts: Sequence[Candidate],
    matrix_index: dict[str, int],
    roads_m: TravelMatrix,
) -> tuple[Driven, Driven]:
    """(lost, dropped): the plan driven on roads, late visits counted as lost or skipped."""
    by_id = {a.id: a for a in accounts}
    route, prizes = plan.days[0].route, plan.days[0].prizes
    lost = drive(route, by_id, prizes, matrix_index, roads_m, skip_late=False)
    dropped = drive(route, by_id, prizes, matrix_index, roads_m, skip_late=True)
    return lost, dropped


def regret(data_dir: Path, days: int, seconds: float, seed: int) -> None:
    print(
        f"\n== regret of the estimate: {days} one-rep days per extract, 120 accounts, "
        f"{seconds:g} s search per plan =="
    )
    print(
        "Each plan is driven on road times in its order (leave home when planned, wait for "
        "opening hours,\nplanned service and lunch). A visit reached after its window closed is "
        "missed. net = prize of\nvisits made - road travel cost (40/h driving + 0.5/km). "
        "'lost': the rep drives to a missed\nvisit and finds it closed; 'dropped': the rep skips "
        "it and drives on. Overtime is not cut."
    )
    for region in REGIONS:
        roads = open_roads(data_dir, region)
        fitted = roads.outside
        assert fitted is not None
        models: list[tuple[str, Travel]] = [
            ("estimate", Estimate()),
            ("fitted", fitted),
            ("roads", roads),
        ]
        print(
            f"\n-- {region}: estimate = {Estimate().circuity:.2f} x straight at "
            f"{Estimate().speed_kmh:.0f} km/h; fitted = {fitted.circuity:.3f} x at "
            f"{fitted.speed_kmh:.1f} km/h --"
        )
        print(
            f"{'day':>3} {'plan':>8} {'visits':>6} {'late':>4} {'over min':>8} "
            f"{'net lost':>9} {'net dropped':>11} {'of roads':>8}"
        )
        totals: dict[str, list[float]] = {name: [0.0] * 6 for name, _ in models}
        ratios: list[np.ndarray] = []
        circuities: list[np.ndarray] = []
        fitted_ratios: list[np.ndarray] = []
        asymmetric: list[float] = []
        for day in range(days):
            rng = random.Random(seed * 1000 + day)
            home, *points = near_roads(roads, rng, 121)
            accounts = day_accounts(rng, points)
            places = [home, *points]
            on_roads = roads.matrix(places)
            index = {a.id: k + 1 for k, a in enumerate(accounts)}
            results: dict[str, tuple[Driven, Driven]] = {}
            for name, travel in models:
                plan = plan_day(home, accounts, travel, seconds)
                results[name] = _drive_plan(plan, accounts, index, on_roads)
            best = results["roads"][0].net
            for name, _ in models:
                lost, dropped = results[name]
                print(
                    f"{day + 1:>3} {name:>8} {lost.on_time + lost.late:>6} {lost.late:>4} "
                    f"{lost.overtime_min:>8.1f} {lost.net:>9.1f} {dropped.net:>11.1f} "
                    f"{dropped.net / best:>8.3f}"
                )
                row = totals[name]
                for k, value in enumerate(
                    (
                        lost.on_time + lost.late,
                        lost.late,
                        lost.overtime_min,
                        lost.net,
                        dropped.net,
                        lost.lunch_late,
                    )
                ):
                    row[k] += value
            d, m = on_roads.durations_s, on_roads.distances_m
            straight = haversine_matrix(places, circuity=1.0).distances_m
            estimate_s = Estimate().matrix(places).durations_s
            fitted_s = fitted.matrix(places).durations_s
            pairs = ~np.eye(len(places), dtype=bool) & np.isfinite(d) & (straight >= 100.0)
            ratios.append(d[pairs] / estimate_s[pairs])
            fitted_ratios.append(d[pairs] / fitted_s[pairs])
            circuities.append(m[pairs] / straight[pairs])
            upper = np.triu(pairs, 1)
            asymmetric.append(float((np.abs(d - d.T)[upper] > 60.0).mean()))
        road_net = totals["roads"][3]
        print(f"summary over {days} days:")
        for name, _ in models:
            visits, late, over, lost_net, dropped_net, lunch_late = totals[name]
            print(
                f"  {name:>8}: {visits:.0f} visits planned, {late:.0f} late "
                f"({late / max(visits, 1):.1%}), overtime {over / days:.1f} min a day, lunch late "
                f"{lunch_late:.0f}x; net lost {lost_net:.0f} ({lost_net / road_net:.3f} of roads), "
                f"dropped {dropped_net:.0f} ({dropped_net / road_net:.3f})"
            )
        r, f, c = np.concatenate(ratios), np.concatenate(fitted_ratios), np.concatenate(circuities)
        print(
            f"error over {r.size:,} pairs >= 100 m apart (10th / 50th / 90th percentile): "
            f"road time / estimate {_pct(r)}; road time / fitted estimate {_pct(f)}; "
            f"road km / straight km {_pct(c)}; pairs whose A->B and B->A differ by > 60 s: "
            f"{statistics.fmean(asymmetric):.1%}"
        )


def _pct(values: np.ndarray) -> str:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return f"{p10:.2f} / {p50:.2f} / {p90:.2f}"


def _median_s(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def matrix_speed(data_dir: Path, sizes: Sequence[tuple[int, int]], seed: int) -> None:
    print("\n== matrix speed (median of runs; targets: 301x301 < 0.3 s, 1001x1001 < 3 s) ==")
    for region in REGIONS:
        before = rss_mb()
        opened = open_roads(data_dir, region)  # opens the data and fits the estimate
        after = rss_mb()
        print(
            f"-- {region}: RSS {before:.0f} MB before opening, {after:.0f} MB after "
            f"(+{after - before:.0f} MB; the data is {engine_of(opened).manifest.size_bytes / 1e6:.1f}"
            " MB on disk) --"
        )
        rng = random.Random(seed)
        engine = osrm_engine(opened)
        for size, runs in sizes:
            points = near_roads(opened, rng, size)
            parameters = osrm.TableParameters(
                coordinates=[(p.lon, p.lat) for p in points],
                annotations=["duration", "distance"],
                generate_hints=False,
            )
            bindings = _median_s(runs, lambda: engine.Table(parameters))  # noqa: B023
            table = _median_s(runs, lambda: opened.engine.table(points))  # noqa: B023
            matrix = _median_s(runs, lambda: opened.matrix(points))  # noqa: B023
            floor = _median_s(runs, lambda: Estimate().matrix(points))  # noqa: B023
            print(
                f"{size}x{size} ({runs} runs): OSRM bindings {bindings:.3f} s, engine.table "
                f"{table:.3f} s, RoadTravel.matrix {matrix:.3f} s end to end (conversion "
                f"{matrix - bindings:+.3f} s), estimate {floor * 1000:.1f} ms "
                f"(roads {matrix / floor:.0f}x the estimate)"
            )


def day_speed(data_dir: Path, runs: int, seed: int) -> None:
    limit = Settings().plan_day_time_limit_s
    print(
        f"\n== a rep's day, 300 accounts, plan_rep_days at the app's {limit:g} s (target < 3 s) =="
    )
    for region in REGIONS:
        roads = open_roads(data_dir, region)
        rng = random.Random(seed)
        home, *points = near_roads(roads, rng, 301)
        accounts = day_accounts(rng, points)
        index = {a.id: k + 1 for k, a in enumerate(accounts)}
        on_roads = roads.matrix([home, *points])
        matrix_s = _median_s(runs, lambda: roads.matrix([home, *points]))  # noqa: B023
        line = []
        for name, travel in (("roads", roads), ("estimate", Estimate())):
            walls, nets, visits = [], [], []
            for _ in range(runs):
                started = time.perf_counter()
                plan = plan_day(home, accounts, travel, limit)
                walls.append(time.perf_counter() - started)
                _, dropped = _drive_plan(plan, accounts, index, on_roads)
                nets.append(dropped.net)
                visits.append(dropped.on_time)
            line.append((name, statistics.median(walls), statistics.median(nets), visits))
        (_, road_wall, road_net, road_visits), (_, est_wall, est_net, est_visits) = line
        print(
            f"{region}: roads {road_wall:.2f} s wall (matrix {matrix_s:.2f} s), estimate "
            f"{est_wall:.2f} s; ratio {road_wall / est_wall:.2f}; visits on time {road_visits} "
            f"vs {est_visits}; net on roads {road_net:.0f} vs {est_net:.0f} "
            f"({est_net / road_net:.3f})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fieldroute on real roads")
    parser.add_argument("--quick", action="store_true", help="a small run, well under a minute")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"some of {','.join(PARTS)}")
    parser.add_argument("--seconds", type=float, default=None, help="search time per plan")
    parser.add_argument("--days", type=int, default=None, help="regret days per extract")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse built road data")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"--parts: unknown {sorted(unknown)}")
    started = time.perf_counter()
    data_dir, keep = road_data(args.data_dir)
    try:
        if "matrix" in parts:  # first: it measures the memory of opening the data
            sizes = [(301, 3)] if args.quick else [(301, 7), (1001, 3)]
            matrix_speed(data_dir, sizes, args.seed)
        if "regret" in parts:
            days = args.days or (1 if args.quick else 6)
            seconds = args.seconds or (1.0 if args.quick else 5.0)
            regret(data_dir, days, seconds, args.seed)
        if "day" in parts:
            day_speed(data_dir, 1 if args.quick else 3, args.seed)
        if "territory" in parts:
            territory(data_dir, quick=args.quick, seed=args.seed)
    finally:
        if keep is not None:
            keep.cleanup()
    print(f"\n(all parts: {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
