"""Field days against the peers: Fieldroute, PyVRP and VROOM on the same realistic day.

`bench.realistic_day`'s day (accounts around Amsterdam, lognormal values, 20-60 min visits,
shift 08:00-18:00, 40/hour of driving and 0.5/km), in the form all three solvers can take: one
opening window per account (a split day keeps its afternoon, 13:30-18:00), no lunch break, a
matrix in whole seconds and metres. Every rep starts and ends at their own home.

Objective, the same for all: net = values of the visits made - driving cost. PyVRP gets it
exactly (arc cost = 9 x metres + 200 x seconds, prizes = value x 18,000: money in 1/18,000ths).
VROOM ranks plans by the sum of job priorities first (whole numbers 0..100, so values are
scaled to that) and then by its cost (per hour and per km as given): its plans are judged by the
same net, which it does not aim for exactly; it is here because it is the other free solver a
user would try. Every answer is re-timed and valued by `judge` (earliest start, windows, shift),
which trusts no solver's own numbers; an infeasible answer counts as 0.

Run: `python -m bench.field_day_peers [--sizes 300x1,300x2,300x4] [--seeds 1-3] [--limits 2,5]
[--solvers fieldroute,pyvrp,vroom,fieldroute-search-only] [--solver-seeds 0]`. `--seeds` are the
days; `--solver-seeds` the seeds every solver runs each day with (a row each): one seed's plan
can be a lucky or an unlucky draw, for the peers as for Fieldroute. `fieldroute` is the
product's solve: on days of 200 stops or more it starts from VROOM's plan
(`routing.route.vroom_start`); `fieldroute-search-only` is the search without that start,
printed, not counted in the ratio.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # `python bench/field_day_peers.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench.realistic_day import COSTS, SHIFT, hhmm, make_day
from routing import Plan, Problem, SolveOptions, TimeWindow, TravelMatrix, solve

UNITS = 18_000
"""Objective units per unit of money for PyVRP: 0.5/km and 40/hour are then 9 per metre and
200 per second, whole numbers."""
AFTERNOON = TimeWindow(hhmm("13:30"), hhmm("18:00"))
SLACK_S = 0.5


@dataclass(frozen=True)
class Day:
    problem: Problem
    seconds: np.ndarray
    metres: np.ndarray


def peer_day(seed: int, n_stops: int, n_reps: int) -> Day:
    """`make_day` with one window per account, no break, and a whole-number matrix."""
    day = make_day(seed, n_stops, n_reps)
    seconds = np.ceil(day.matrix.durations_s).astype(np.int64)
    metres = np.rint(day.matrix.distances_m).astype(np.int64)
    stops = tuple(
        replace(s, windows=(AFTERNOON,) if s.windows and len(s.windows) > 1 else s.windows)
        for s in day.stops
    )
    vehicles = tuple(replace(v, breaks=()) for v in day.vehicles)
    matrix = TravelMatrix(durations_s=seconds.astype(float), distances_m=metres.astype(float))
    problem = replace(day, stops=stops, vehicles=vehicles, matrix=matrix)
    return Day(problem=problem, seconds=seconds, metres=metres)


def judge(day: Day, routes: list[list[int]]) -> tuple[bool, float, int]:
    """(feasible, net, visits) of `routes` (stop numbers per rep, in order)."""
    problem = day.problem
    seen: set[int] = set()
    net = 0.0
    for rep, stops in enumerate(routes):
        vehicle = problem.vehicles[rep]
        here, t = vehicle.start_index, vehicle.shift.start_s
        for number in stops:
            if number in seen:
                return False, 0.0, 0
            seen.add(number)
            stop = problem.stops[number]
            t += float(day.seconds[here, stop.index])
            window = next((w for w in stop.windows if t <= w.end_s), None)
            if window is None:
                return False, 0.0, 0
            t = max(t, window.start_s) + stop.service_s
            net += stop.prize - _drive_cost(day, here, stop.index)
            here = stop.index
        assert vehicle.end_index is not None
        t += float(day.seconds[here, vehicle.end_index])
        if t > vehicle.shift.end_s:
            return False, 0.0, 0
        if stops:
            net -= _drive_cost(day, here, vehicle.end_index)
    return True, net, len(seen)


def _drive_cost(day: Day, a: int, b: int) -> float:
    return (
        COSTS.per_km * float(day.metres[a, b]) / 1000.0
        + COSTS.per_hour * float(day.seconds[a, b]) / 3600.0
    )


def solve_fieldroute(day: Day, limit_s: float, seed: int) -> list[list[int]]:
    return _routes_of(day.problem, solve(day.problem, _options(limit_s, seed)))


def _options(limit_s: float, seed: int, *, vroom_start: bool = True) -> SolveOptions:
    return SolveOptions(time_limit_s=limit_s, seed=seed, workers=2, vroom_start=vroom_start)


def _routes_of(problem: Problem, plan: Plan) -> list[list[int]]:
    """Stop numbers per rep, in `problem`'s order of reps."""
    number = {stop.id: k for k, stop in enumerate(problem.stops)}
    by_rep = {route.vehicle_id: [number[s.id] for s in route.stops] for route in plan.routes}
    return [by_rep.get(v.id, []) for v in problem.vehicles]


def solve_pyvrp(day: Day, limit_s: float, seed: int) -> list[list[int]]:
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxRuntime

    started = time.perf_counter()
    problem = day.problem
    n_reps = len(problem.vehicles)
    # Depots are the reps' homes (matrix indices 0..n_reps-1); clients follow, as in the matrix.
    locations = [Location(x=float(i), y=0.0) for i in range(day.seconds.shape[0])]
    depots = [
        Depot(location=k, tw_early=int(SHIFT.start_s), tw_late=int(SHIFT.end_s))
        for k in range(n_reps)
    ]
    clients = [
        Client(
            location=stop.index,
            service_duration=int(stop.service_s),
            tw_early=int(stop.windows[0].start_s),
            tw_late=int(stop.windows[0].end_s),
            prize=round(stop.prize * UNITS),
            required=False,
        )
        for stop in problem.stops
    ]
    vehicle_types = [
        VehicleType(
            num_available=1,
            start_depot=k,
            end_depot=k,
            tw_early=int(SHIFT.start_s),
            tw_late=int(SHIFT.end_s),
            unit_distance_cost=1,
        )
        for k in range(n_reps)
    ]
    per_metre = round(COSTS.per_km / 1000 * UNITS)
    per_second = round(COSTS.per_hour / 3600 * UNITS)
    cost = np.ascontiguousarray(per_metre * day.metres + per_second * day.seconds)
    data = ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=[cost],  # type: ignore[list-item]
        duration_matrices=[np.ascontiguousarray(day.seconds)],  # type: ignore[list-item]
    )
    remaining = max(limit_s - (time.perf_counter() - started), 0.0)
    result = pyvrp_solve(data, MaxRuntime(remaining), seed=seed, collect_stats=False, display=False)
    routes: list[list[int]] = [[] for _ in range(n_reps)]
    for route in result.best.routes():
        routes[route.vehicle_type()] = [
            data.client(a.idx).location - n_reps for a in route if a.is_client()
        ]
    return routes


def solve_vroom(day: Day, limit_s: float, seed: int) -> list[list[int]]:
    import vroom

    del seed  # VROOM has none
    started = time.perf_counter()
    problem = day.problem
    top = max(stop.prize for stop in problem.stops)
    instance = vroom.Input()
    instance.set_durations_matrix("car", np.asarray(day.seconds, dtype=np.uint32))
    instance.set_distances_matrix("car", np.asarray(day.metres, dtype=np.uint32))
    window = vroom.TimeWindow(int(SHIFT.start_s), int(SHIFT.end_s))
    # VROOM's costs are whole numbers: money x 2 keeps 40/hour and 0.5/km in proportion.
    costs = vroom.VehicleCosts(per_hour=round(2 * COSTS.per_hour), per_km=round(2 * COSTS.per_km))
    for k, vehicle in enumerate(problem.vehicles):
        instance.add_vehicle(
            vroom.Vehicle(
                k,
                start=vehicle.start_index,
                end=vehicle.end_index,
                time_window=window,
                costs=costs,
            )
        )
    instance.add_job(
        [
            vroom.Job(
                number,
                location=stop.index,
                default_service=int(stop.service_s),
                priority=max(1, round(100 * stop.prize / top)),
                time_windows=[
                    vroom.TimeWindow(int(stop.windows[0].start_s), int(stop.windows[0].end_s))
                ],
            )
            for number, stop in enumerate(problem.stops)
        ]
    )
    remaining = max(limit_s - (time.perf_counter() - started), 0.001)
    solution = instance.solve(
        exploration_level=5, nb_threads=2, timeout=timedelta(seconds=remaining)
    )
    routes: list[list[int]] = [[] for _ in problem.vehicles]
    for route in solution.to_dict()["routes"]:
        routes[int(route["vehicle"])] = [
            int(step["id"]) for step in route["steps"] if step["type"] == "job"
        ]
    return routes


def solve_fieldroute_search_only(day: Day, limit_s: float, seed: int) -> list[list[int]]:
    """Fieldroute without VROOM's plan as its start (`SolveOptions.vroom_start`): what that
    start adds, measured in the same run."""
    return _routes_of(day.problem, solve(day.problem, _options(limit_s, seed, vroom_start=False)))


SOLVERS = {
    "fieldroute": solve_fieldroute,
    "pyvrp": solve_pyvrp,
    "vroom": solve_vroom,
    "fieldroute-search-only": solve_fieldroute_search_only,
}
PEERS = ("pyvrp", "vroom")
"""What Fieldroute is measured against; other solvers are printed, not counted."""


def _ranges(text: str) -> list[int]:
    result: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        result.extend(range(int(lo), int(hi or lo) + 1))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300x1,300x2,300x4", help="accounts x reps, ...")
    parser.add_argument("--seeds", default="1-3")
    parser.add_argument("--limits", default="2,5", help="seconds per solve, ...")
    parser.add_argument(
        "--solvers",
        default="fieldroute,fieldroute-search-only,pyvrp,vroom",
        help="of " + ", ".join(SOLVERS),
    )
    parser.add_argument("--solver-seeds", default="0", help="seeds each solver runs with, e.g. 0-3")
    args = parser.parse_args(argv)
    solvers = {name: SOLVERS[name] for name in args.solvers.split(",")}
    sizes = [tuple(int(x) for x in size.split("x")) for size in args.sizes.split(",")]
    limits = [float(x) for x in args.limits.split(",")]
    warm = peer_day(0, 30, 1)
    for fn in solvers.values():  # imports and Fieldroute's worker pool, untimed
        fn(warm, 0.5, 0)
    print("instance        limit | " + " | ".join(f"{name:>24}" for name in solvers) + " | ratio")
    ratios: dict[float, list[float]] = {limit: [] for limit in limits}
    totals = {limit: dict.fromkeys(solvers, 0.0) for limit in limits}
    below: list[str] = []
    solver_seeds = _ranges(args.solver_seeds)
    for n_stops, n_reps in sizes:
        for seed in _ranges(args.seeds):
            day = peer_day(seed, n_stops, n_reps)
            for solver_seed, limit in itertools.product(solver_seeds, limits):
                cells, nets = [], {}
                for name, fn in solvers.items():
                    started = time.perf_counter()
                    routes = fn(day, limit, solver_seed)
                    wall = time.perf_counter() - started
                    ok, net, visits = judge(day, routes)
                    nets[name] = net if ok else 0.0
                    totals[limit][name] += nets[name]
                    late = "" if wall <= limit + SLACK_S else " LATE"
                    flag = "ok " if ok else "INF"
                    cells.append(f"{net:9.1f} {visits:3d}v {wall:5.2f}s {flag}{late}")
                peers = [net for name, net in nets.items() if name in PEERS]
                better = max(peers, default=0.0)
                ratio = nets.get("fieldroute", 0.0) / better if better > 0 else math.inf
                ratios[limit].append(ratio)
                name = f"{n_stops}x{n_reps} s{seed}"
                if len(solver_seeds) > 1:
                    name += f" r{solver_seed}"
                if ratio < 1:
                    below.append(f"{name} {limit:g}s")
                print(f"{name:<15} {limit:4.1f}s | " + " | ".join(cells) + f" | {ratio:.4f}")
    for limit, values in ratios.items():
        print(
            f"{limit:g} s: fieldroute / better peer: mean {sum(values) / len(values):.4f}, "
            f"min {min(values):.4f}, below on {sum(r < 1 for r in values)} of {len(values)}; "
            "total net "
            + ", ".join(f"{name} {total:,.1f}" for name, total in totals[limit].items())
        )
    print("below the better peer:", ", ".join(below) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
