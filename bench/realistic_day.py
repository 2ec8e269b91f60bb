"""A synthetic but realistic field-sales day, solved by Fieldroute, with an independent check.

(a) One rep, 150 candidate accounts within 60 km of home (around Amsterdam), mixed opening
    hours, 20-60 min visits, skewed account values, shift 08:00-18:00, a 45 min lunch break
    between 12:00 and 14:00, costs 40/hour and 0.5/km. Solved with 1, 5 and 30 s limits:
    wall time against the limit, and the net value of the short solves as % of the 30 s one.
(b) 1,000 accounts and 20 reps (homes spread over the area), same day shape, one 30 s solve:
    wall time and peak memory (ru_maxrss, which sees OR-Tools' C++ allocations; tracemalloc
    would not).

Every plan is checked by `check_plan`, which recomputes travel from the matrix and does not
trust the plan's own totals. Run: `python -m bench.realistic_day [--part a|b|all]`.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # `python bench/realistic_day.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

import numpy as np

from routing import (
    Break,
    Costs,
    Plan,
    Point,
    Problem,
    SolveOptions,
    Stop,
    TimeWindow,
    TravelMatrix,
    Vehicle,
    haversine_matrix,
    solve,
)

HOME = Point(52.37, 4.90)
RADIUS_KM = 60.0
KM_PER_DEG_LAT = 111.32
COSTS = Costs(per_hour=40.0, per_km=0.5)
SLACK_S = 0.5  # allowed overrun of the wall clock over the time limit


def hhmm(text: str) -> float:
    hours, minutes = text.split(":")
    return int(hours) * 3600.0 + int(minutes) * 60.0


def clock(seconds: float) -> str:
    minutes = round(seconds / 60.0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


SHIFT = TimeWindow(hhmm("08:00"), hhmm("18:00"))
LUNCH = Break(window=TimeWindow(hhmm("12:00"), hhmm("14:00")), duration_s=45 * 60.0)
OPENING_HOURS = {  # name: (windows, share of accounts)
    "office 09-17": ((TimeWindow(hhmm("09:00"), hhmm("17:00")),), 0.60),
    "split 08-12 + 13:30-18": (
        (TimeWindow(hhmm("08:00"), hhmm("12:00")), TimeWindow(hhmm("13:30"), hhmm("18:00"))),
        0.25,
    ),
    "mornings 08-12": ((TimeWindow(hhmm("08:00"), hhmm("12:00")),), 0.15),
}


def scatter(
    rng: np.random.Generator, n: int, centre: Point = HOME, radius_km: float = RADIUS_KM
) -> list[Point]:
    """`n` points uniformly spread over a disc (sqrt of a uniform radius keeps density even)."""
    r = radius_km * np.sqrt(rng.random(n))
    theta = rng.random(n) * 2.0 * math.pi
    dlat = r * np.sin(theta) / KM_PER_DEG_LAT
    dlon = r * np.cos(theta) / (KM_PER_DEG_LAT * math.cos(math.radians(centre.lat)))
    return [Point(centre.lat + a, centre.lon + b) for a, b in zip(dlat, dlon, strict=True)]


def make_stops(rng: np.random.Generator, n: int, first_index: int) -> tuple[Stop, ...]:
    """Accounts with opening hours, 20-60 min visits (5 min steps) and skewed values.

    Values are lognormal (median ~80, a long tail of a few accounts worth 500+), the way a
    territory's revenue is usually concentrated in a few big customers.
    """
    names = list(OPENING_HOURS)
    shares = np.array([OPENING_HOURS[k][1] for k in names])
    kinds = rng.choice(len(names), size=n, p=shares / shares.sum())
    service_min = rng.integers(4, 13, size=n) * 5
    prizes = np.round(rng.lognormal(mean=math.log(80.0), sigma=0.9, size=n))
    return tuple(
        Stop(
            id=f"acc-{k:04d}",
            index=first_index + k,
            service_s=float(service_min[k] * 60),
            windows=OPENING_HOURS[names[kinds[k]]][0],
            prize=float(prizes[k]),
        )
        for k in range(n)
    )


def make_day(seed: int, n_stops: int, n_reps: int) -> Problem:
    """Homes are matrix indices 0..n_reps-1 (rep 0 at HOME), accounts follow."""
    rng = np.random.default_rng(seed)
    homes = [HOME, *scatter(rng, n_reps - 1, radius_km=RADIUS_KM * 0.7)]
    accounts = scatter(rng, n_stops)
    matrix = haversine_matrix(homes + accounts)
    vehicles = tuple(
        Vehicle(id=f"rep-{k:02d}", start_index=k, end_index=k, shift=SHIFT, breaks=(LUNCH,))
        for k in range(n_reps)
    )
    return Problem(
        vehicles=vehicles, stops=make_stops(rng, n_stops, n_reps), matrix=matrix, costs=COSTS
    )


@dataclass(frozen=True)
class Check:
    ok: bool
    problems: list[str]
    prize: float
    cost: float  # recomputed: travel hours x per_hour + km x per_km

    @property
    def net(self) -> float:
        return self.prize - self.cost


def check_plan(problem: Problem, plan: Plan, tol_s: float = 1.0) -> Check:
    """Independent feasibility check of `plan` against `problem`'s own (float) numbers.

    Checks: each stop at most once and only known stops; service starts inside one of the
    stop's windows; consecutive events leave room for the travel in between plus any break
    taken there; breaks lie in their window, last long enough and overlap no service; the
    route starts and ends inside the shift. `tol_s` absorbs rounding of reported times to
    whole seconds. Prize and cost are recomputed from the stops and the matrix.
    """
    problems: list[str] = []
    stops = {s.id: s for s in problem.stops}
    vehicles = {v.id: v for v in problem.vehicles}
    times: TravelMatrix = problem.matrix
    seen: set[str] = set()
    prize = cost = 0.0
    for route in plan.routes:
        vehicle = vehicles.get(route.vehicle_id)
        if vehicle is None:
            problems.append(f"unknown vehicle {route.vehicle_id}")
            continue
        where = route.vehicle_id
        if not route.stops:
            continue
        if (
            route.start_s < vehicle.shift.start_s - tol_s
            or route.end_s > vehicle.shift.end_s + tol_s
        ):
            problems.append(f"{where}: route {route.start_s}-{route.end_s} outside shift")
        # A break may sit in any gap between two events; list the gaps and what each must hold.
        events = [(vehicle.start_index, route.start_s, route.start_s)]
        for visit in route.stops:
            stop = stops.get(visit.id)
            if stop is None or visit.id in seen:
                problems.append(f"{where}: stop {visit.id} unknown or visited twice")
                continue
            seen.add(visit.id)
            prize += stop.prize
            if stop.windows and not any(
                w.start_s - tol_s <= visit.start_s <= w.end_s + tol_s for w in stop.windows
            ):
                problems.append(
                    f"{where}: {visit.id} starts at {visit.start_s} outside its windows"
                )
            if visit.departure_s < visit.start_s + stop.service_s - tol_s:
                problems.append(f"{where}: {visit.id} leaves before its service is done")
            events.append((stop.index, visit.start_s, visit.departure_s))
        end_index = vehicle.end_index if vehicle.end_index is not None else events[-1][0]
        events.append((end_index, route.end_s, route.end_s))
        breaks = sorted((b.start_s, b.end_s) for b in route.breaks)
        for b_start, b_end in breaks:
            for _, s_start, s_end in events[1:-1]:
                if b_start < s_end - tol_s and s_start < b_end - tol_s:
                    problems.append(f"{where}: break {b_start}-{b_end} overlaps a service")
        for spec in vehicle.breaks:
            if route.start_s >= spec.window.end_s or route.end_s <= spec.window.start_s:
                continue  # the model says such a route needs no break
            if not any(
                b_start >= spec.window.start_s - tol_s
                and b_end <= spec.window.end_s + tol_s
                and b_end - b_start >= spec.duration_s - tol_s
                for b_start, b_end in breaks
            ):
                problems.append(f"{where}: no {spec.duration_s / 60:.0f} min break in its window")
        for (a, _, a_leave), (b, b_start, _) in itertools.pairwise(events):
            travel = float(times.durations_s[a, b])
            cost += (
                travel / 3600.0 * COSTS.per_hour
                + float(times.distances_m[a, b]) / 1000.0 * COSTS.per_km
            )
            in_gap = sum(e - s for s, e in breaks if s >= a_leave - tol_s and e <= b_start + tol_s)
            if b_start - a_leave < travel + in_gap - tol_s:
                problems.append(
                    f"{where}: only {b_start - a_leave:.0f} s from node {a} to {b}, "
                    f"travel {travel:.0f} s + break {in_gap:.0f} s needed"
                )
    return Check(ok=not problems, problems=problems, prize=prize, cost=cost)


def peak_rss_mb() -> tuple[float, float]:
    """ru_maxrss (MB) of this process and of its waited-for children (Linux reports KB).

    RUSAGE_CHILDREN only sees children that have exited and been reaped, so a process pool
    kept alive between solves does not show up there; see `descendant_peaks_mb`.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return own, kids


def descendant_peaks_mb() -> dict[int, float]:
    """Peak RSS (VmHWM, MB) of every live descendant process, read from /proc (Linux only).

    Worker processes (e.g. a forkserver pool) are grandchildren that outlive the solve, so
    they are found by walking parent links over /proc rather than through getrusage.
    """
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces; the fields after its closing ")" do not.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        parents[int(stat.parent.name)] = int(fields[1])
    family, frontier = set(), [os.getpid()]
    while frontier:
        pid = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == pid]
        family.update(kids)
        frontier.extend(kids)
    peaks = {}
    for pid in sorted(family):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[pid] = int(line.split()[1]) / 1024.0
    return peaks


def timed_solve(problem: Problem, limit_s: float, seed: int, workers: int) -> tuple[Plan, float]:
    started = time.perf_counter()
    plan = solve(problem, SolveOptions(time_limit_s=limit_s, seed=seed, workers=workers))
    return plan, time.perf_counter() - started


def describe(problem: Problem, plan: Plan, wall_s: float, limit_s: float) -> tuple[str, Check]:
    check = check_plan(problem, plan)
    served = sum(len(r.stops) for r in plan.routes)
    reasons = Counter(u.reason.value for u in plan.unassigned)
    line = (
        f"limit {limit_s:5.1f} s  wall {wall_s:6.2f} s {'ok ' if wall_s <= limit_s + SLACK_S else 'OVER'}"
        f"  served {served:4d}/{len(problem.stops)}  prize {plan.prize:9.1f}  cost {plan.cost:8.1f}"
        f"  net {plan.net:9.1f} (recomputed {check.net:9.1f})  status {plan.status.value}"
        f"  check {'ok' if check.ok else 'FAILED'}  unassigned {dict(reasons)}"
    )
    return line, check


def part_a(seed: int, limits: list[float], workers: int) -> None:
    problem = make_day(seed, n_stops=150, n_reps=1)
    kinds = Counter(
        next(k for k, (w, _) in OPENING_HOURS.items() if w == s.windows) for s in problem.stops
    )
    prizes = sorted((s.prize for s in problem.stops), reverse=True)
    print(
        f"(a) one rep, {len(problem.stops)} accounts within {RADIUS_KM:.0f} km, seed {seed}, "
        f"workers {workers}"
    )
    print(
        f"    opening hours {dict(kinds)}; prizes top 5 {prizes[:5]}, median {prizes[len(prizes) // 2]:.0f}, "
        f"total {sum(prizes):.0f}"
    )
    # The first solve of a process also starts the worker pool; a service pays that once, so
    # it is shown apart and the timed runs below measure a warm process.
    plan, wall = timed_solve(problem, min(limits), seed, workers)
    print("    cold process: " + describe(problem, plan, wall, min(limits))[0], flush=True)
    nets: dict[float, float] = {}
    plans: dict[float, Plan] = {}
    for limit in limits:
        plan, wall = timed_solve(problem, limit, seed, workers)
        line, check = describe(problem, plan, wall, limit)
        print("    " + line, flush=True)
        for text in check.problems[:5]:
            print("      ! " + text)
        nets[limit], plans[limit] = plan.net, plan
    longest = max(limits)
    for route in plans[longest].routes:
        visits = " ".join(f"{clock(v.start_s)} {v.id}" for v in route.stops)
        pauses = " ".join(f"{clock(b.start_s)}-{clock(b.end_s)}" for b in route.breaks)
        print(
            f"    {longest:g} s plan, {route.vehicle_id}: out {clock(route.start_s)}, {visits}, "
            f"back {clock(route.end_s)}; break {pauses or 'none'}"
        )
    for limit in limits:
        if limit != longest and nets[longest]:
            print(
                f"    net at {limit:g} s = {100.0 * nets[limit] / nets[longest]:.1f}% of net at {longest:g} s"
            )


def part_b(seed: int, limit: float, workers: int, n_stops: int = 1000, n_reps: int = 20) -> None:
    before_self, _ = peak_rss_mb()
    problem = make_day(seed, n_stops=n_stops, n_reps=n_reps)
    print(
        f"(b) {n_stops} accounts x {n_reps} reps, seed {seed}, workers {workers}, limit {limit:g} s; "
        f"peak RSS of this process before the solve {before_self:.0f} MB"
    )
    plan, wall = timed_solve(problem, limit, seed, workers)
    after_self, after_kids = peak_rss_mb()
    peaks = descendant_peaks_mb()
    line, check = describe(problem, plan, wall, limit)
    print("    " + line)
    for text in check.problems[:5]:
        print("      ! " + text)
    busy = sum(1 for r in plan.routes if r.stops)
    print(f"    reps with visits {busy}/{n_reps}; plan.solve_time_s {plan.solve_time_s:.2f}")
    print(
        f"    peak RSS (ru_maxrss, lifetime peaks): self {after_self:.0f} MB, "
        f"reaped children {after_kids:.0f} MB; live descendants (VmHWM) "
        f"{', '.join(f'pid {pid} {mb:.0f} MB' for pid, mb in peaks.items()) or 'none'}; "
        f"self + descendants <= {after_self + sum(peaks.values()):.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Synthetic field-sales day: timing, value, memory")
    parser.add_argument("--part", choices=("a", "b", "all"), default="all")
    parser.add_argument("--limits", default="1,5,30", help="time limits for (a), seconds")
    parser.add_argument("--big-limit", type=float, default=30.0, help="time limit for (b), seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.part in ("a", "all"):
        part_a(args.seed, [float(v) for v in args.limits.split(",")], args.workers)
    if args.part in ("b", "all"):
        part_b(args.seed, args.big_limit, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
