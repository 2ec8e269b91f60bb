"""Working time costs (issue 15): plans with waiting free against plans with the day priced.

Run from the repository root: ``python -m bench.working_time [--parts example,demo,realistic]``.

Variants, solved alternately on one machine with the same time limit: "off" prices driving
only (waiting free, as before issue 15); "on" is the app's default for a rep
(`app.plans.inputs.rep_costs`: the rep's hourly cost for every working hour, driving, waiting
and lunch alike, visits excepted); `--rates` adds variants that keep driving's hourly cost and
price the working day on top at that multiple of it. Per variant: visits, prize, travel money
(driving hours at the hourly cost and km at the km cost, from the routes' own hours and km),
waiting for openings (total, longest, over 30 min), working hours (leaving to coming back),
mean end of day, days that end before their lunch window closes, and net at one yardstick for
every variant: prize - km cost - the hourly cost x the working hours less visits ("net, time
priced"; what "on" maximises).

- example: the README's optimise request (the one that parks the rep 70 minutes at acc-43).
- demo: every Chicagoland demo rep's next Monday (`--days` working days, each alone) through
  `app.plans.inputs.build_job`, optionally with `--appointments` (1-2) booked a day.
- realistic: `bench.realistic_day`'s day (a), 150 accounts, one rep, `--seeds`.

Nothing is asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # `python bench/working_time.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from sqlalchemy import select

from app.core import clock
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.demo import load_demo
from app.models import Rep
from app.optimize.schemas import OptimizeRequest
from app.optimize.service import to_problem
from app.plans.inputs import build_job, rep_costs, workday, working_days
from app.plans.solve import PlanJob
from bench.realistic_day import LUNCH, make_day
from routing import Costs, Problem, RequiredStopError, Route, SolveOptions, solve
from routing.days.planner import Appointment, plan_rep_days


def clock_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Tally:
    """Sums over the routes of one variant; `hourly` and `per_km` are the yardstick."""

    hourly: float
    per_km: float
    days: int = 0
    visits: int = 0
    prize: float = 0.0
    travel_money: float = 0.0
    net_priced: float = 0.0
    waits: list[float] = field(default_factory=list)
    working_s: float = 0.0
    ends: list[float] = field(default_factory=list)
    before_lunch: int = 0

    def add(self, route: Route, lunch_end_s: float | None) -> None:
        self.days += 1
        if not route.stops:
            return
        km = route.distance_m / 1000
        visits_s = sum(s.departure_s - s.start_s for s in route.stops)
        working = route.end_s - route.start_s
        self.visits += len(route.stops)
        self.prize += route.prize
        self.travel_money += self.hourly * route.travel_s / 3600 + self.per_km * km
        self.net_priced += (
            route.prize - self.per_km * km - self.hourly * (working - visits_s) / 3600
        )
        self.waits.extend(float(s.waiting_s) for s in route.stops)
        self.working_s += working
        self.ends.append(route.end_s)
        if lunch_end_s is not None and route.end_s <= lunch_end_s:
            self.before_lunch += 1

    def line(self, name: str) -> str:
        over = sum(w > 1800 for w in self.waits)
        end = clock_text(statistics.mean(self.ends)) if self.ends else "-"
        return (
            f"  {name:<10} visits {self.visits:4d}  prize {self.prize:9.0f}  "
            f"travel {self.travel_money:7.0f}  waiting {sum(self.waits) / 60:5.0f} min "
            f"(longest {max(self.waits, default=0) / 60:3.0f}, {over} over 30 min)  "
            f"working {self.working_s / 3600:6.1f} h  end {end}  "
            f"before lunch {self.before_lunch}/{self.days}  net, time priced {self.net_priced:9.0f}"
        )


def variants(rates: Iterable[float]) -> dict[str, str | float]:
    named: dict[str, str | float] = {"off": "off", "on": "on"}
    for rate in rates:
        named[f"+{rate:g}x"] = rate
    return named


def variant_costs(hourly: float, per_km: float, how: str | float) -> Costs:
    """`hourly`: what an hour of the rep costs (the rep's cost_per_hour)."""
    if how == "off":
        return Costs(per_hour=hourly, per_km=per_km)
    if how == "on":
        return Costs(per_km=per_km, per_working_hour=hourly)
    assert isinstance(how, float)
    return Costs(per_hour=hourly, per_km=per_km, per_working_hour=how * hourly)


def report(tallies: dict[str, Tally]) -> None:
    for name, tally in tallies.items():
        print(tally.line(name))


def part_example(limit: float, rates: Sequence[float]) -> None:
    """The README's optimise request, one rep-7 day (40 an hour, 0.5 a km)."""
    print(f"example: the README's optimise request, {limit:g} s")
    settings = Settings()
    base = to_problem(OptimizeRequest.model_validate(readme_request()), settings)
    lunch = base.vehicles[0].breaks[0].window.end_s
    tallies = {}
    for name, how in variants(rates).items():
        problem = replace(base, costs=variant_costs(40.0, 0.5, how))
        plan = solve(problem, SolveOptions(time_limit_s=limit, seed=0))
        tally = tallies[name] = Tally(40.0, 0.5)
        (route,) = plan.routes
        tally.add(route, lunch)
        visits = ", ".join(
            f"{s.id} {clock_text(s.start_s)}"
            + (f" (waits {s.waiting_s / 60:.0f})" if s.waiting_s else "")
            for s in route.stops
        )
        print(
            f"  {name:<10} out {clock_text(route.start_s)}: {visits}; back {clock_text(route.end_s)}"
        )
    report(tallies)


def readme_request() -> dict[str, object]:
    """The request of README's "The optimise call"."""
    home = {"lat": 52.370, "lon": 4.890}
    return {
        "vehicles": [
            {
                "id": "rep-7",
                "start": home,
                "end": home,
                "shift": [28800, 61200],
                "breaks": [{"window": [43200, 48600], "duration": 2700}],
            }
        ],
        "stops": [
            {"id": "acc-42", "location": {"lat": 52.381, "lon": 4.902}, "service": 1800,
             "windows": [[32400, 43200]], "prize": 120.0},
            {"id": "acc-43", "location": {"lat": 52.356, "lon": 4.921}, "service": 1200,
             "windows": [[28800, 43200], [50400, 64800]], "prize": 80.0},
            {"id": "acc-44", "location": {"lat": 52.340, "lon": 4.870}, "service": 2400,
             "prize": 150.0},
            {"id": "acc-45", "location": {"lat": 52.360, "lon": 4.850}, "service": 900,
             "windows": [[57600, 61200]], "prize": 60.0},
            {"id": "acc-46", "location": {"lat": 52.372, "lon": 4.894}, "service": 900,
             "windows": [[21600, 25200]], "prize": 50.0, "required": False},
        ],
        "costs": {"per_hour": 40.0, "per_km": 0.5},
    }  # fmt: skip


def book(job: PlanJob, count: int, rng: np.random.Generator) -> PlanJob:
    """`job` with `count` (0-2) appointments a day at accounts of its own: one at a whole
    quarter hour between 09:30 and 11:00, one between 14:00 and 15:30 (clear of lunch)."""
    if count == 0:
        return job
    appointments = list(job.appointments)
    for spec in job.workdays:
        chosen = rng.choice(len(job.candidates), size=count, replace=False)
        for n, k in enumerate(chosen):
            candidate = job.candidates[int(k)]
            at = (9.5 if n == 0 else 14.0) * 3600 + 900 * int(rng.integers(0, 7))
            appointments.append(
                Appointment(
                    id=f"booked-{candidate.id}",
                    account=candidate.id,
                    point=candidate.point,
                    day=spec.day,
                    start_s=at,
                    duration_s=candidate.service_s,
                )
            )
    return replace(job, appointments=appointments)


def part_demo(
    limit: float, days: int, appointments: int, rates: Sequence[float], week: bool, reps_n: int
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fieldroute-bench-"))
    settings = Settings(data_dir=workdir, map_tiles_url="")
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    today = clock.today(ZoneInfo("UTC"))
    monday = today + timedelta(days=7 - today.weekday())
    rng = np.random.default_rng(0)
    jobs: list[tuple[str, float, PlanJob]] = []
    with factory() as session:
        load_demo(session, settings, company="chicagoland", today=today)
        session.commit()
        reps = list(session.scalars(select(Rep).order_by(Rep.name)))[: reps_n or None]
        for rep in reps:
            assert rep.cost_per_working_hour is None  # the app's default: "on"
            assert rep_costs(rep) == variant_costs(rep.cost_per_hour, rep.cost_per_km, "on")
            weeks = [working_days(rep, monday, 7)] if week else []
            for days_of_job in weeks or [[monday + timedelta(days=i)] for i in range(days)]:
                job, _ = build_job(
                    session, rep, [workday(rep, d) for d in days_of_job],
                    kind="week" if week else "day", settings=settings, time_limit_s=limit,
                )  # fmt: skip
                jobs.append((rep.name, rep.cost_per_hour, book(job, appointments, rng)))
    what = "a week in one solve" if week else f"{days} day(s), each alone,"
    print(
        f"demo: {len(reps)} Chicagoland reps x {what} from {monday}, {appointments} "
        f"appointment(s) a day, {limit:g} s a solve"
    )
    named = variants(rates)
    per_km = {name: job.costs.per_km for name, _, job in jobs}
    tallies = {name: Tally(0.0, 0.0) for name in named}
    skipped = 0
    for name, hourly, job in jobs:
        routes = {}
        try:
            for variant, how in named.items():
                plan = plan_rep_days(
                    job.workdays,
                    job.candidates,
                    job.appointments,
                    costs=variant_costs(hourly, job.costs.per_km, how),
                    weights=job.weights,
                    options=SolveOptions(time_limit_s=limit, seed=0),
                    travel=job.travel,
                )
                routes[variant] = [d.route for d in plan.days]
        except RequiredStopError:
            skipped += 1  # a random booking that cannot be kept (closed then): not a day
            continue
        for variant, found in routes.items():
            tally = tallies[variant]
            tally.hourly, tally.per_km = hourly, per_km[name]
            for route, spec in zip(found, job.workdays, strict=True):
                tally.add(route, None if spec.lunch is None else spec.lunch.window.end_s)
    if skipped:
        print(f"  {skipped} rep-day(s) left out: their random bookings could not all be kept")
    report(tallies)


def part_realistic(limit: float, seeds: Sequence[int], rates: Sequence[float]) -> None:
    print(f"realistic: bench.realistic_day (a), 150 accounts, seeds {list(seeds)}, {limit:g} s")
    named = variants(rates)
    tallies = {name: Tally(40.0, 0.5) for name in named}
    for seed in seeds:
        base: Problem = make_day(seed, n_stops=150, n_reps=1)
        for name, how in named.items():
            problem = replace(base, costs=variant_costs(40.0, 0.5, how))
            plan = solve(problem, SolveOptions(time_limit_s=limit, seed=0))
            tallies[name].add(plan.routes[0], LUNCH.window.end_s)
    report(tallies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="example,demo,realistic")
    parser.add_argument("--time-limit", type=float, default=2.0, help="s per solve")
    parser.add_argument("--days", type=int, default=1, help="demo: working days from Monday")
    parser.add_argument("--appointments", type=int, default=0, help="demo: booked a day (0-2)")
    parser.add_argument("--week", action="store_true", help="demo: each rep's week, one solve")
    parser.add_argument("--reps", type=int, default=0, help="demo: the first N reps (0: all)")
    parser.add_argument("--seeds", default="1,2,3,4,5", help="realistic: seeds")
    parser.add_argument("--rates", default="", help="more variants: multiples of the hourly cost")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    rates = [float(r) for r in filter(None, args.rates.split(","))]
    if "example" in parts:
        part_example(args.time_limit, rates)
    if "demo" in parts:
        part_demo(args.time_limit, args.days, args.appointments, rates, args.week, args.reps)
    if "realistic" in parts:
        part_realistic(args.time_limit, [int(s) for s in args.seeds.split(",")], rates)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
