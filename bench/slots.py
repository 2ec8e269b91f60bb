"""Appointment slots (issue 16): the slot search for one account across 10 reps and 10 days.

Run from the repository root: ``python -m bench.slots [--reps 10] [--repeats 5]``.

Setup (not timed): `--reps` reps with homes 8 km apart around a city, each with 120 accounts
within 15 km of home and one or two appointments a day, their two working weeks planned by
`routing.days.planner.plan_rep_days` (a week per solve, as the nightly plan does), which gives
each of the 10 days a full stored route. The account to meet lies in the middle, so every rep
is searched (a prospect that falls in every territory: the most work one search does).

Timed: `routing.days.slots.search_jobs` over every rep's 10 days, as the API runs it in a solver
process (one travel matrix per rep, every position of every day, visits displaced where a day
is full), `--repeats` times; the floor, measured in the same run, is one plain day solve of one
rep (`plan_rep_days` for a single day at the app's day time limit, `plan_day_time_limit_s`):
what re-planning a single day costs. The target is under 2 s for the search.

Nothing is asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # `python bench/slots.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.config import Settings
from routing import (
    Appointment,
    Break,
    Candidate,
    Costs,
    Point,
    SolveOptions,
    TimeWindow,
    Workday,
    plan_rep_days,
)
from routing.days.planner import DaysPlan
from routing.days.slots import Meeting, RouteStop, SlotDay, SlotJob, search_jobs

CITY = Point(41.88, -87.63)
H = 3600.0
SHIFT = TimeWindow(8 * H, 17 * H)
LUNCH = Break(TimeWindow(11.5 * H, 14 * H), 1800)
COSTS = Costs(per_km=0.4, per_working_hour=40.0)
FIRST_MONDAY = date(2030, 3, 4)
ACCOUNTS = 120


def offset(point: Point, east_km: float, north_km: float) -> Point:
    return Point(
        point.lat + north_km / 111.2,
        point.lon + east_km / (111.2 * math.cos(math.radians(point.lat))),
    )


def workdays(home: Point) -> list[date]:
    days = [FIRST_MONDAY + timedelta(days=k) for k in range(14)]
    return [day for day in days if day.weekday() < 5]


def rep_world(
    rep: int, rng: random.Random
) -> tuple[Point, list[Candidate], list[Appointment], list[Workday]]:
    angle = 2 * math.pi * rep / 10
    home = offset(CITY, 8 * math.cos(angle), 8 * math.sin(angle))
    days = workdays(home)
    candidates = [
        Candidate(
            id=f"r{rep}-a{k}",
            point=offset(home, rng.uniform(-15, 15), rng.uniform(-15, 15)),
            service_s=rng.choice([1800, 2700, 3600]),
            annual_value=rng.uniform(5_000, 120_000),
            cadence_days=rng.choice([14, 28, 56]),
            last_visit=FIRST_MONDAY - timedelta(days=rng.randint(5, 70)),
        )
        for k in range(ACCOUNTS)
    ]
    appointments = []
    for d, day in enumerate(days):
        for n in range(rng.randint(1, 2)):
            appointments.append(
                Appointment(
                    id=f"appointment-r{rep}-{d}-{n}",
                    account=candidates[(d * 2 + n) % ACCOUNTS].id,
                    point=candidates[(d * 2 + n) % ACCOUNTS].point,
                    day=day,
                    start_s=(9.5 if n == 0 else 15) * H,
                    duration_s=2700,
                )
            )
    specs = [Workday(day=day, start=home, end=home, shift=SHIFT, lunch=LUNCH) for day in days]
    return home, candidates, appointments, specs


def plan_weeks(
    specs: list[Workday], candidates: list[Candidate], appointments: list[Appointment], limit: float
) -> list[DaysPlan]:
    weeks = [specs[:5], specs[5:]]
    plans = []
    for week in weeks:
        on = {w.day for w in week}
        plans.append(
            plan_rep_days(
                week,
                candidates,
                [a for a in appointments if a.day in on],
                costs=COSTS,
                options=SolveOptions(time_limit_s=limit),
            )
        )
    return plans


def slot_days(
    specs: list[Workday],
    candidates: list[Candidate],
    appointments: list[Appointment],
    plans: list[DaysPlan],
) -> tuple[SlotDay, ...]:
    """The stored days as the app reads them: visits in route order, appointments at their time."""
    by_id = {c.id: c for c in candidates}
    booked = {a.id: a for a in appointments}
    routes = {route.day: route for plan in plans for route in plan.days}
    days = []
    for spec in specs:
        route = routes[spec.day]
        stops = []
        for stop in route.route.stops:
            if stop.id in booked:
                a = booked[stop.id]
                stops.append(RouteStop(a.id, a.point, a.duration_s, at_s=a.start_s))
            else:
                c = by_id[stop.id]
                stops.append(RouteStop(c.id, c.point, c.service_s, prize=route.prizes[stop.id]))
        days.append(SlotDay(spec, tuple(stops)))
    return tuple(days)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--plan-limit", type=float, default=1.0, help="setup: s per week solve")
    args = parser.parse_args()
    rng = random.Random(16)
    day_limit = Settings().plan_day_time_limit_s
    print(f"setup: {args.reps} reps x 10 days planned ({args.plan_limit:g} s a week)...")
    jobs = []
    floor_inputs = None
    started = time.perf_counter()
    meeting = Meeting("meeting", offset(CITY, 0.5, -0.3), 3600)
    stops_total = 0
    for rep in range(args.reps):
        _, candidates, appointments, specs = rep_world(rep, rng)
        plans = plan_weeks(specs, candidates, appointments, args.plan_limit)
        days = slot_days(specs, candidates, appointments, plans)
        stops_total += sum(len(d.stops) for d in days)
        jobs.append(SlotJob(days=days, meeting=meeting, costs=COSTS))
        if floor_inputs is None:
            first = specs[0].day
            floor_inputs = (
                specs[:1],
                candidates,
                [a for a in appointments if a.day == first],
            )
    print(f"  done in {time.perf_counter() - started:.1f} s; {stops_total} stops on "
          f"{sum(len(j.days) for j in jobs)} days ({stops_total / sum(len(j.days) for j in jobs):.1f} a day)")  # fmt: skip

    search_jobs(jobs[:1])  # warm up imports and numpy
    timings = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        results = search_jobs(jobs)
        timings.append(time.perf_counter() - t0)
    slots = [s for r in results for s in r.slots]
    displaced = sum(1 for s in slots if s.displaced)
    verdicts = [v for r in results for v in r.verdicts]

    assert floor_inputs is not None
    t0 = time.perf_counter()
    plan_rep_days(
        floor_inputs[0],
        floor_inputs[1],
        floor_inputs[2],
        costs=COSTS,
        options=SolveOptions(time_limit_s=day_limit),
    )
    floor = time.perf_counter() - t0

    median, worst = statistics.median(timings), max(timings)
    rep_days = sum(len(j.days) for j in jobs)
    print(f"slot search, {args.reps} reps x 10 days ({rep_days} rep-days), {args.repeats} runs: "
          f"median {median:.3f} s, worst {worst:.3f} s (target < 2 s); "
          f"{1000 * median / rep_days:.1f} ms a rep-day")  # fmt: skip
    print(f"  {len(slots)} slots ({displaced} displacing a visit), {len(verdicts)} days without "
          f"one: {sorted({v.reason for v in verdicts})}")  # fmt: skip
    best = min(slots, key=lambda s: s.score) if slots else None
    if best is not None:
        print(f"  best: {best.day} {int(best.start_s) // 3600:02d}:{int(best.start_s) % 3600 // 60:02d}"
              f", +{best.added_travel_s / 60:.1f} min drive, cost {best.added_cost:.2f}, "
              f"displaced {best.displaced_value:.2f}")  # fmt: skip
    print(f"floor: one plain day solve (plan_rep_days, 1 day, {day_limit:g} s limit): "
          f"{floor:.3f} s; search / day solve = {median / floor:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
