"""The rep's day benchmark, end to end through the service on the Chicagoland demo company (SQLite).

Run from the repository root: ``python -m bench.rep_day [--skip-serial]``.

- day: one rep with 300 territory accounts (the demo rep's own plus the nearest others of the
  team), next Monday, default settings (2 s search): wall time of `plans.plan_rep` (load,
  solve, store, read back) and the plan's net value; peer: the same day with 5x the search
  time (how much value the default time limit leaves behind).
- week: the same rep's week in one solve (10 s) against the naive peer, five day plans one
  after another (2 s each, each day taking the best of what is left): total net value, stops,
  and how many of the 30 most overdue accounts land on Monday (the single solve spreads them).
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
from datetime import UTC, date, timedelta
from html import unescape
from pathlib import Path

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
from routing import visit_prize
from routing.route.parallel import warm_up

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-serial", action="store_true", help="no one-process batch")
    parser.add_argument(
        "--parts", default="day,week,batch,page", help="comma-separated: day,week,batch,page"
    )
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="fieldroute-bench-"))
    settings = Settings(data_dir=workdir, map_tiles_url="")
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    today = clock.today(UTC)
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
        with factory() as session:
            walls, nets = [], []
            for _ in range(3):
                started = time.perf_counter()
                run = plans.plan_rep(session, admin, rep_id, PlanRequest(date=monday), settings)
                walls.append(time.perf_counter() - started)
                nets.append(run.plans[0].totals.net)
                session.commit()
            day_plan = run.plans[0]
            started = time.perf_counter()
            long = plans.plan_rep(
                session, admin, rep_id, PlanRequest(date=monday, time_limit=10), settings
            )
            long_wall = time.perf_counter() - started
            session.commit()
        long_net = long.plans[0].totals.net
        print("day (300 accounts, default 2 s search), 3 runs:")
        print(
            f"  wall {statistics.median(walls):.2f} s median (max {max(walls):.2f}); "
            f"{day_plan.totals.stops} stops, {day_plan.totals.distance_km:.0f} km, "
            f"net {statistics.median(nets):,.0f}; call instead {len(day_plan.call_instead)}"
        )
        print(
            f"  peer, 10 s search: wall {long_wall:.2f} s, net {long_net:,.0f}; "
            f"net ratio default/10 s = {statistics.median(nets) / long_net:.3f}\n"
        )

    # --- week ------------------------------------------------------------------------
    if "week" in parts:
        with factory() as session:
            top = overdue_ranking(session, rep_id, monday)
            facts = {
                a.id: (a.value, a.cadence_days, a.last_visit_date)
                for a in session.scalars(select(Account))
            }

            def earned(day: date, account_id: int) -> float:
                """What the visit is worth on the day it is made (one yardstick for both)."""
                value, cadence, last = facts[account_id]
                since = None if last is None else max(0, (day - last).days)
                return visit_prize(value, cadence, since, settings.value_weights)

            started = time.perf_counter()
            week = plans.plan_rep(
                session, admin, rep_id, PlanRequest(date=monday, days=7), settings
            )
            week_wall = time.perf_counter() - started
            session.rollback()
            week_net = sum(earned(p.date, s.account_id) for p in week.plans for s in p.stops) - sum(
                p.totals.cost for p in week.plans
            )
            week_per_day = [p.totals.stops for p in week.plans]
            week_stops = sum(p.totals.stops for p in week.plans)
            week_monday = {s.account_id for s in week.plans[0].stops}
            # The naive peer: each day planned alone, best first, visits taken out of later days.
            started = time.perf_counter()
            naive_net = 0.0
            naive_stops = 0
            naive_monday: set[int] = set()
            naive_per_day = []
            for i in range(5):
                day = monday + timedelta(days=i)
                run = plans.plan_rep(session, admin, rep_id, PlanRequest(date=day), settings)
                stops = run.plans[0].stops
                naive_net += (
                    sum(earned(day, s.account_id) for s in stops) - run.plans[0].totals.cost
                )
                naive_stops += len(stops)
                naive_per_day.append(len(stops))
                if i == 0:
                    naive_monday = {s.account_id for s in stops}
                for stop in stops:
                    account = session.get(Account, stop.account_id)
                    assert account is not None
                    account.last_visit_date = day  # as if visited: not worth it again this week
                session.flush()
            naive_wall = time.perf_counter() - started
            session.rollback()
        print("week (5 working days, one 10 s solve) vs five day plans in a row (2 s each):")
        print(
            f"  one solve:  wall {week_wall:5.2f} s, {week_stops} stops {week_per_day}, "
            f"net {week_net:,.0f}, top-{TOP_OVERDUE} overdue on Monday "
            f"{len(week_monday & set(top))}"
        )
        print(
            f"  day by day: wall {naive_wall:5.2f} s, {naive_stops} stops {naive_per_day}, "
            f"net {naive_net:,.0f}, top-{TOP_OVERDUE} overdue on Monday "
            f"{len(naive_monday & set(top))}"
        )
        print("  (net = each visit valued on the day it is made, minus the driving cost)")
        print(f"  net ratio week/day-by-day = {week_net / naive_net:.3f}\n")

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
