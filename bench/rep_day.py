"""The rep's day benchmark, end to end through the service on the Chicagoland demo company (SQLite).

Run from the repository root: ``python -m bench.rep_day [--skip-serial]``.

- day: one rep with 300 territory accounts (the demo rep's own plus the nearest others of the
  team), next Monday, default settings (2 s search): wall time of `plans.plan_rep` (load,
  solve, store, read back) and the plan's net value; peers: the same day with 10 s and 30 s of
  search (how much value the default time limit leaves behind; issue 15: within 0.5 % of 30 s).
- week: each demo rep's week (``--week-reps``, default all 10; territory grown to 300 accounts)
  in one solve (10 s), each visit earning its day's prize, against two peers: the same solve
  with each account's prize the mean over its days (the planner before issue 15, kept here by
  `mean_value_week`), and five day plans one after another (2 s each, each day taking the best
  of what is left): net value with each visit valued on the day it is made, stops, and how many
  of the 30 most overdue accounts land on Monday.
- batch: all 10 demo reps' weeks with one process per core against one process.
- page: `GET /rep` once planned (median of 30, TestClient, no network) against `GET /health`
  measured the same way, and the bytes of the page, its map and their scripts and styles.

Nothing is asserted; numbers are printed. Targets (issue 5): day < 3 s, week < 15 s, all
weeks < 2 min on 2 cores, page < 100 ms and < 300 KB before tiles.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # `python bench/rep_day.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, principal_for
from app.auth.tokens import issue_token
from app.core import clock
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.demo import load_demo
from app.main import create_app
from app.models import Account, Rep, RoutePlan, Territory, User
from app.plans import service as plans
from app.plans.schemas import BatchPlanRequest, PlanRequest
from app.plans.solve import PlanJob
from routing import (
    Candidate,
    DayRoute,
    DaysPlan,
    Plan,
    Problem,
    SolveOptions,
    Workday,
    plan_rep_days,
    visit_prize,
)
from routing.days import planner
from routing.route.parallel import warm_up
from routing.route.solver import solve

TERRITORY_SIZE = 300
TOP_OVERDUE = 30


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def grow_territory(session: Session, rep: Rep, size: int) -> int:
    """Give `rep` the `size` accounts of their team nearest their home (their own first)."""
    territory = session.scalars(select(Territory).where(Territory.rep_id == rep.id)).first()
    assert territory is not None
    accounts = list(
        session.scalars(
            select(Account).where(Account.team_id == rep.team_id, Account.latitude.is_not(None))
        )
    )
    lat = np.array([a.latitude for a in accounts], dtype=float)
    lon = np.array([a.longitude for a in accounts], dtype=float)
    assert rep.home_latitude is not None
    assert rep.home_longitude is not None
    dist = np.hypot(lat - rep.home_latitude, (lon - rep.home_longitude) * 0.74)
    own = np.array([a.territory_id == territory.id for a in accounts])
    order = np.lexsort((dist, ~own))
    for i in order[:size]:
        accounts[int(i)].territory_id = territory.id
    session.flush()
    return int(min(size, len(accounts)))


def overdue_ranking(session: Session, rep_id: int, day: date) -> list[int]:
    own = select(Territory.id).where(Territory.rep_id == rep_id).scalar_subquery()
    accounts = session.scalars(select(Account).where(Account.territory_id.in_(own))).all()

    def late(a: Account) -> float:
        if a.last_visit_date is None:
            return 1e9
        return (day - a.last_visit_date).days / (a.cadence_days or 28)

    ranked = sorted(accounts, key=late, reverse=True)
    return [a.id for a in ranked[:TOP_OVERDUE]]


RESOURCE = re.compile(
    r'<(?:script[^>]*\ssrc|iframe[^>]*\ssrc|img[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)'
    r'="(/[^"]+)"'
)
"""What a browser loads with a page: scripts, stylesheets, frames, images (not links)."""


def resources(html: str) -> list[str]:
    return sorted({unescape(url) for url in RESOURCE.findall(html)})


@contextmanager
def mean_value_week() -> Iterator[None]:
    """Plans made inside are planned as before issue 15: a stop earns, whichever day makes the
    visit, the mean of what it earns on its days (the solver cannot pick the day worth most)."""

    def with_means(
        problem: Problem, options: SolveOptions | None = None, *, deadline: float | None = None
    ) -> Plan:
        stops = tuple(
            replace(stop, prize=statistics.fmean(stop.prizes.values()), prizes={})
            if stop.prizes
            else stop
            for stop in problem.stops
        )
        return solve(replace(problem, stops=stops), options, deadline=deadline)

    with mock.patch.object(planner, "solve", with_means):
        yield


@dataclass(frozen=True, slots=True)
class Week:
    """A rep's week as one way of planning made it; `net`: each visit valued on its day."""

    wall_s: float
    per_day: tuple[int, ...]
    earned: float
    cost: float
    top_on_monday: int

    @property
    def net(self) -> float:
        return self.earned - self.cost

    def line(self, name: str) -> str:
        return (
            f"    {name:<16} wall {self.wall_s:5.2f} s, {sum(self.per_day):3d} stops "
            f"{list(self.per_day)}, net {self.net:9,.0f} (value {self.earned:,.0f}, "
            f"cost {self.cost:,.0f}), top-{TOP_OVERDUE} overdue on day 1: {self.top_on_monday}"
        )


class _Captured(Exception):
    """Not an error: how a job comes out of `plans.plan_rep` before it is solved."""

    def __init__(self, job: PlanJob) -> None:
        super().__init__("captured")
        self.job = job


def week_job(
    factory: Callable[[], Session], admin: Principal, settings: Settings, rep: Rep, monday: date
) -> tuple[PlanJob, set[str]]:
    """The rep's week from `monday` as the app would solve it (territory grown to 300 accounts,
    then rolled back), and the ids of its 30 most overdue accounts."""

    def capture[T](work: Callable[..., T], /, *args: Any) -> T:
        raise _Captured(args[0])

    with factory() as session:
        grown = session.get(Rep, rep.id)
        assert grown is not None
        grow_territory(session, grown, TERRITORY_SIZE)
        top = {str(i) for i in overdue_ranking(session, rep.id, monday)}
        try:
            plans.plan_rep(
                session, admin, rep.id, PlanRequest(date=monday, days=7), settings, run=capture
            )
        except _Captured as captured:
            job = captured.job
        else:
            raise AssertionError("plan_rep did not solve")
        session.rollback()
    return job, top


def week_of(job: PlanJob, variant: str, seed: int, top: set[str], workers: int) -> Week:
    """`job`'s week planned by `variant`: "day" (each visit earns its day's prize: the planner),
    "mean" (each account the mean of its days' prizes, as before issue 15) or "naive" (a day
    plan per workday in order, 2 s each, visits counting as the last visit for later days)."""
    by_id = {c.id: c for c in job.candidates}

    def earned(day: date, stop_id: str, planned: float) -> float:
        """What the visit is worth on the day it is made (one yardstick for all)."""
        c = by_id.get(stop_id)
        if c is None:
            return planned  # an appointment: what the plan says it earns
        since = None if c.last_visit is None else max(0, (day - c.last_visit).days)
        return visit_prize(c.annual_value, c.cadence_days, since, job.weights)

    def solve_days(
        days: Sequence[Workday], candidates: Sequence[Candidate], limit: float
    ) -> DaysPlan:
        return plan_rep_days(
            days,
            candidates,
            [a for a in job.appointments if a.day in {w.day for w in days}],
            costs=job.costs,
            weights=job.weights,
            options=SolveOptions(time_limit_s=limit, seed=seed, workers=workers),
            travel=job.travel,
        )

    started = time.perf_counter()
    if variant == "naive":
        routes: list[DayRoute] = []
        candidates = list(job.candidates)
        for workday in job.workdays:
            [route] = solve_days([workday], candidates, 2.0).days
            routes.append(route)
            seen = {s.id for s in route.route.stops}
            # As if visited: not worth a visit again this week.
            candidates = [
                replace(c, last_visit=workday.day) if c.id in seen else c for c in candidates
            ]
    else:
        with mean_value_week() if variant == "mean" else nullcontext():
            routes = list(solve_days(job.workdays, job.candidates, job.time_limit_s).days)
    wall = time.perf_counter() - started
    return Week(
        wall_s=wall,
        per_day=tuple(len(r.route.stops) for r in routes),
        earned=sum(earned(r.day, s.id, r.prizes[s.id]) for r in routes for s in r.route.stops),
        cost=sum(r.route.cost for r in routes),
        top_on_monday=len({s.id for s in routes[0].route.stops} & top),
    )


def week_part(
    factory: Callable[[], Session],
    admin: Principal,
    settings: Settings,
    reps: Sequence[Rep],
    monday: date,
    *,
    seeds: int,
    time_limit_s: float | None,
) -> None:
    """Per rep (territory grown to 300 accounts): the week in one solve with each visit earning
    its day's prize (the planner), the same with the mean of its days' prizes (as before issue
    15), alternately and with `seeds` seeds each (`time_limit_s` each, default the app's), and
    five day plans in a row."""
    print("week (the rep's working days of next week), 300 accounts, net = each visit valued on")
    print("  the day it is made minus the driving cost, the same yardstick for all:")
    limit = f"{time_limit_s:g} s" if time_limit_s is not None else "app's (10 s)"
    print(f"  day value  = one solve ({limit}), each visit earning its day's prize (issue 15)")
    print("  mean value = the same solve, each account earning the mean of its days' prizes")
    print("  day by day = a 2 s plan per working day in order, visits done for later days")
    with factory() as session:
        started = time.perf_counter()
        run = plans.plan_rep(session, admin, reps[0].id, PlanRequest(date=monday, days=7), settings)
        wall = time.perf_counter() - started
        session.rollback()
    print(
        f"  {reps[0].name}'s week through the service (plans.plan_rep: load, solve, store): wall "
        f"{wall:.2f} s (target 15 s), {sum(p.totals.stops for p in run.plans)} stops"
    )
    ratios: list[float] = []
    naive_ratios: list[float] = []
    for number, rep in enumerate(reps):
        job, top = week_job(factory, admin, settings, rep, monday)
        if time_limit_s is not None:
            job = replace(job, time_limit_s=time_limit_s)
        print(f"  {rep.name}: {len(job.candidates)} candidates, {len(job.workdays)} workdays")
        nets: dict[str, list[float]] = {"day": [], "mean": []}
        for seed in range(seeds):
            first = ("day", "mean") if (number + seed) % 2 == 0 else ("mean", "day")
            for variant in first:
                week = week_of(job, variant, seed, top, settings.solver_workers)
                nets[variant].append(week.net)
                print(week.line(f"{variant} value s{seed}"))
            ratios.append(nets["day"][-1] / nets["mean"][-1])
        naive = week_of(job, "naive", 0, top, settings.solver_workers)
        print(naive.line("day by day"))
        naive_ratios.append(statistics.fmean(nets["day"]) / naive.net)
        print(
            f"    net ratio day value / mean value per seed: "
            f"{', '.join(f'{d / m:.4f}' for d, m in zip(nets['day'], nets['mean'], strict=True))}"
            f"; mean day value / day by day {naive_ratios[-1]:.4f}"
        )
    print(
        f"  net ratio day value / mean value over {len(ratios)} rep-seeds: median "
        f"{statistics.median(ratios):.4f}, mean {statistics.fmean(ratios):.4f}, "
        f"min {min(ratios):.4f}, max {max(ratios):.4f}, day value ahead in "
        f"{sum(r > 1 for r in ratios)}; day value / day by day: median "
        f"{statistics.median(naive_ratios):.4f}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-serial", action="store_true", help="no one-process batch")
    parser.add_argument(
        "--parts", default="day,week,batch,page", help="comma-separated: day,week,batch,page"
    )
    parser.add_argument(
        "--week-reps", type=int, default=10, help="demo reps in the week part (default all 10)"
    )
    parser.add_argument("--week-seeds", type=int, default=2, help="seeds per week solve")
    parser.add_argument(
        "--week-time-limit", type=float, default=None, help="s per week solve (default: the app's)"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the date the demo is loaded and planned on (YYYY-MM-DD; default: today). The "
        "demo's last visits age with the date, so runs on different days plan different days "
        "unless this is fixed",
    )
    args = parser.parse_args(argv)
    chosen = (
        clock.FixedClock(
            datetime(args.today.year, args.today.month, args.today.day, 12, tzinfo=UTC)
        )
        if args.today
        else clock.current()
    )
    with clock.using(chosen):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    parts = set(args.parts.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="fieldroute-bench-"))
    settings = Settings(data_dir=workdir, map_tiles_url="")
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    today = clock.today(ZoneInfo("UTC"))
    monday = next_monday(today)
    with factory() as session:
        load_demo(session, settings, company="chicagoland", today=today)
        session.commit()
        admin_user = session.scalars(select(User).where(User.role == "admin")).first()
        assert admin_user is not None
        admin: Principal = principal_for(admin_user)
        reps = list(session.scalars(select(Rep).order_by(Rep.name)))
        rep = reps[0]
        size = grow_territory(session, rep, TERRITORY_SIZE)
        session.commit()
        rep_id, rep_name = rep.id, rep.name
    # The server starts its solver processes at start-up (app.main); so does this benchmark.
    warm_up(settings.solver_workers, settings.max_concurrent_solves)
    print(f"demo company, {len(reps)} reps; {rep_name} given {size} territory accounts")
    print(f"planning {monday} (a Monday), 2 cores, SQLite at {workdir}\n")

    # --- day -------------------------------------------------------------------------
    if "day" in parts:

        def plan_day(session: Session, limit: int | None = None) -> tuple[Any, float]:
            request = (
                PlanRequest(date=monday)
                if limit is None
                else PlanRequest(date=monday, time_limit=limit)
            )
            started = time.perf_counter()
            run = plans.plan_rep(session, admin, rep_id, request, settings)
            return run.plans[0], time.perf_counter() - started

        with factory() as session:
            # Cold: each plan is rolled back, so none goes on from a stored one.
            walls, nets = [], []
            for _ in range(3):
                day_plan, wall = plan_day(session)
                walls.append(wall)
                nets.append(day_plan.totals.net)
                session.rollback()
            longer: dict[int, tuple[float, float]] = {}
            for limit in (10, 30):
                long, wall = plan_day(session, limit)
                longer[limit] = (wall, long.totals.net)
                session.rollback()
            # Warm: a stored 2 s plan, then re-plans that go on from it (`SolveOptions.start`).
            stored, _ = plan_day(session)
            session.commit()
            warm = []
            for _ in range(3):
                again, _ = plan_day(session)
                warm.append(again.totals.net)
                session.rollback()
        print("day (300 accounts, default 2 s search), 3 cold runs:")
        print(
            f"  wall {statistics.median(walls):.2f} s median (max {max(walls):.2f}); "
            f"{day_plan.totals.stops} stops, {day_plan.totals.distance_km:.0f} km, "
            f"net {statistics.median(nets):,.0f} ({', '.join(f'{n:,.0f}' for n in nets)}); "
            f"call instead {len(day_plan.call_instead)}"
        )
        for limit, (long_wall, long_net) in longer.items():
            print(
                f"  peer, {limit} s search: wall {long_wall:.2f} s, net {long_net:,.0f}; "
                f"net ratio default/{limit} s = {statistics.median(nets) / long_net:.4f} "
                f"(worst run {min(nets) / long_net:.4f})"
            )
        print(
            f"  re-plan of a stored 2 s plan (net {stored.totals.net:,.0f}), 2 s from it, 3 runs: "
            f"net {', '.join(f'{n:,.0f}' for n in warm)}; "
            f"ratio to 30 s {statistics.median(warm) / longer[30][1]:.4f}"
        )
        print()

    # --- week ------------------------------------------------------------------------
    if "week" in parts:
        week_part(
            factory,
            admin,
            settings,
            reps[: args.week_reps],
            monday,
            seeds=args.week_seeds,
            time_limit_s=args.week_time_limit,
        )

    # --- batch -----------------------------------------------------------------------
    if "batch" in parts:

        def batch(processes: int) -> tuple[float, int, int]:
            tuned = settings.model_copy(update={"plan_batch_processes": processes})
            with factory() as session:
                started = time.perf_counter()
                result = plans.batch_plan(
                    session, admin, BatchPlanRequest(date=monday, days=7), tuned
                )
                wall = time.perf_counter() - started
                session.rollback()
            return wall, sum(len(r.plans) for r in result.runs), len(result.failed)

        parallel = batch(2)
        print("batch: all 10 reps' weeks (10 s search each):")
        print(f"  2 processes: {parallel[0]:6.1f} s, {parallel[1]} rep-days, {parallel[2]} failed")
        if not args.skip_serial:
            serial = batch(1)
            print(f"  1 process:   {serial[0]:6.1f} s, {serial[1]} rep-days, {serial[2]} failed")
            print(f"  speed-up 2 processes / 1 = {serial[0] / parallel[0]:.2f}x")
        print()

    # --- page ------------------------------------------------------------------------
    if "page" in parts:
        app = create_app(settings)
        with factory() as session:
            rep_user = session.scalars(select(User).where(User.rep_id == rep_id)).first()
            assert rep_user is not None
            token = issue_token(session, rep_user, name="bench")
            session.commit()
            planned_day = session.scalar(
                select(RoutePlan.plan_date).where(RoutePlan.rep_id == rep_id).limit(1)
            )
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(app) as client:
            # Without the day part there is no plan yet: plan it as the page's button does (the
            # page itself only reads).
            if planned_day is None:
                made = client.post(
                    f"/api/v1/reps/{rep_id}/plans",
                    json={"date": monday.isoformat()},
                    headers=headers,
                )
                assert made.status_code == 201, made.text
            page_url = f"/rep?date={planned_day or monday}"
            first = client.get(page_url, headers=headers)
            page_times, health_times = [], []
            for _ in range(30):
                started = time.perf_counter()
                client.get(page_url, headers=headers)
                page_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                client.get("/health")
                health_times.append(time.perf_counter() - started)
            size = len(first.content)
            for url in resources(first.text):
                response = client.get(url, headers=headers)
                size += len(response.content)
                if url.startswith("/rep/map"):
                    size += sum(
                        len(client.get(inner).content) for inner in resources(response.text)
                    )
        page_ms = statistics.median(page_times) * 1000
        health_ms = statistics.median(health_times) * 1000
        print(f"page: GET /rep (status {first.status_code}) median {page_ms:.1f} ms over 30; ")
        print(f"  peer GET /health median {health_ms:.1f} ms; ratio {page_ms / health_ms:.1f}x")
        print(f"  page + map + scripts + styles: {size / 1024:.0f} KB (before tiles)")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
