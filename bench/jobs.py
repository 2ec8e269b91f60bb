"""The jobs benchmark (issue 14): a synthetic company's weeks planned through real Celery
workers on the machine's Redis and PostgreSQL.

Run from the repository root (the Redis database given is FLUSHED, the PostgreSQL database
`--database` is dropped and made again, and dropped at the end)::

    python -m bench.jobs --postgres postgresql://postgres@127.0.0.1:5432/postgres \
        --redis redis://127.0.0.1:6379/9 [--quick]

- company: the Chicagoland demo (10 reps, each with a home and a starter territory) copied
  until it has `--reps` reps (200; 40 with `--quick`): each copy a new rep with the home and
  the territory's accounts moved a few hundred metres.
- throughput: every rep's next week (Monday, 7 days: one solve per rep-week, `--time-limit`
  seconds, 1 s by default) as ONE batch job, with 1 worker process, then with 2 (each
  `--pool=solo`, one solver core: `FIELDROUTE_SOLVER_WORKERS=1`): rep-weeks per minute and
  the ratio (issue: >= 1.8 on 2 cores). The database's writes are counted during the 2-worker
  run (pg_stat_database).
- overhead: `--overhead-tasks` rep-weeks with a short search (`--overhead-limit`, 0.2 s)
  solved in this process (`plans.plan_rep`, one commit per rep), then as a batch run by
  `app.jobs.run.run_job` in this process (the job's bookkeeping, no queue), then through one
  worker (queue + bookkeeping): the fixed cost per task, against a 10 s solve (issue: < 5%).
- Redis: `INFO memory` before and after `--messages` job messages are queued (no worker
  running), per message.
- on paper: workers for 1,000 and 10,000 reps' weeks between midnight and 6:00 at the default
  10 s week limit, the database writes per second and the Redis memory that takes.

Two shared cores: the numbers are noisy, and another engineer's tests may run meanwhile.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

if __package__ in (None, ""):  # `python bench/jobs.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis
from sqlalchemy import Engine, create_engine, inspect, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.auth.principal import Principal, principal_for
from app.core import clock
from app.core.config import RoadEngineKind, Settings
from app.core.db import SessionFactory, make_engine, make_session_factory
from app.core.migrate import upgrade
from app.demo import load_demo
from app.jobs import worker
from app.jobs.dispatch import ToWorkers
from app.jobs.run import run_job
from app.models import Account, Job, Rep, RoutePlan, Territory, User
from app.models.jobs import FINISHED_STATES
from app.plans import batch
from app.plans import service as plans
from app.plans.schemas import BatchPlanRequest, PlanRequest
from tests.jobs.helpers import Worker, worker_env

NIGHT_S = 6 * 3600
"""Midnight to 6:00."""
DEFAULT_WEEK_LIMIT_S = 10.0
MOVE_DEG = 0.003
"""How far each copy of a demo rep moves (about 300 m north per copy)."""
WAIT_S = 3600.0


@dataclass(frozen=True)
class Ran:
    reps: int
    wall_s: float
    plans: int

    @property
    def per_task_s(self) -> float:
        return self.wall_s / self.reps

    @property
    def per_minute(self) -> float:
        return 60.0 * self.reps / self.wall_s


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


@contextmanager
def fresh_database(admin_url: str, name: str) -> Iterator[str]:
    """Database `name` on the server of `admin_url`, made empty; dropped at the end."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def grow_company(session: Session, count: int) -> int:
    """Copy the demo's reps (their home, shift and territory's accounts, moved a little) until
    there are `count`; returns the accounts per rep, on average."""
    sources = list(session.scalars(select(Rep).order_by(Rep.id)))
    rep_keys = [a.key for a in inspect(Rep).column_attrs if a.key not in ("id", "name", "email")]
    account_keys = [a.key for a in inspect(Account).column_attrs if a.key != "id"]
    territories = {t.rep_id: t for t in session.scalars(select(Territory))}
    accounts: dict[int, list[Account]] = {}
    for account in session.scalars(select(Account).where(Account.territory_id.is_not(None))):
        accounts.setdefault(account.territory_id or 0, []).append(account)
    for number in range(count - len(sources)):
        source = sources[number % len(sources)]
        copy = number // len(sources) + 1
        values = {key: getattr(source, key) for key in rep_keys}
        values["home_latitude"] = (source.home_latitude or 0.0) + copy * MOVE_DEG
        rep = Rep(name=f"{source.name} {copy}", email=f"copy{copy}-{source.email}", **values)
        session.add(rep)
        session.flush()
        own = territories[source.id]
        territory = Territory(name=f"{own.name} {copy}"[:100], team_id=own.team_id, rep_id=rep.id)
        session.add(territory)
        session.flush()
        rows = []
        for account in accounts.get(own.id, []):
            row = {key: getattr(account, key) for key in account_keys}
            row["external_id"] = f"{account.external_id}-{copy}"
            row["latitude"] = (account.latitude or 0.0) + copy * MOVE_DEG
            row["territory_id"] = territory.id
            rows.append(row)
        if rows:
            session.bulk_insert_mappings(Account, rows)
    session.flush()
    total = session.scalar(
        select(text("count(*)")).select_from(Account).where(Account.territory_id.is_not(None))
    )
    return round((total or 0) / count)


def only_active(factory: SessionFactory, rep_ids: Sequence[int]) -> None:
    """A batch plans the active reps: these, and nobody else."""
    with factory.begin() as session:
        session.execute(update(Rep).values(active=Rep.id.in_(rep_ids)))


def admin_of(factory: SessionFactory) -> Principal:
    with factory() as session:
        user = session.scalars(select(User).where(User.role == "admin")).first()
        assert user is not None
        return principal_for(user)


POLL_S = 0.25
polls = 0
"""Transactions this benchmark spent looking (taken off the commits it counts)."""


def wait_until(check: Callable[[], bool], what: str, every_s: float = POLL_S) -> None:
    global polls
    deadline = time.monotonic() + WAIT_S
    while not check():
        polls += 1
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {WAIT_S:.0f} s for {what}")
        time.sleep(every_s)


def run_batch(
    factory: SessionFactory,
    settings: Settings,
    admin: Principal,
    monday: date,
    limit_s: float,
    dispatcher: object,
    then: Callable[[list[int]], None] = lambda _ids: None,
) -> Ran:
    """One batch of the active reps' weeks: from its submission's commit to its end."""
    request = BatchPlanRequest(date=monday, days=7, time_limit=limit_s)
    with factory() as session:
        job, _ = batch.submit(session, admin, request, settings, dispatcher)  # type: ignore[arg-type]
        batch_id, total = job.id, job.progress_total
        session.commit()
    started = time.perf_counter()
    children = _children(factory, batch_id)
    then(children)

    def ended() -> bool:
        with factory() as session:
            return session.scalar(select(Job.state).where(Job.id == batch_id)) in FINISHED_STATES

    wait_until(ended, f"batch {batch_id}")
    wall = time.perf_counter() - started
    with factory() as session:
        state = session.scalar(select(Job.state).where(Job.id == batch_id))
        written = session.scalar(
            select(text("count(*)")).select_from(RoutePlan).where(RoutePlan.job_id == batch_id)
        )
    if state != "succeeded":
        print(f"  (batch {batch_id} ended {state})")
    return Ran(total, wall, written or 0)


def _children(factory: SessionFactory, batch_id: int) -> list[int]:
    with factory() as session:
        return list(
            session.scalars(
                select(Job.id).where(Job.params["batch_id"].as_integer() == batch_id)
            ).all()
        )


class Recorded:
    """A dispatcher that only notes the jobs (this process runs them)."""

    embedded = False

    def __init__(self) -> None:
        self.ids: list[int] = []

    def dispatch(self, job_id: int) -> None:
        self.ids.append(job_id)


@contextmanager
def workers(env: dict[str, str], settings: Settings, count: int, logs: Path) -> Iterator[None]:
    started = [Worker(env, f"bench{n}", logs / f"bench{n}.log") for n in range(count)]
    try:
        control = worker.publisher(settings).control
        wait_until(lambda: len(control.ping(timeout=0.5) or []) >= count, "workers", 0.5)
        yield
    finally:
        for each in started:
            each.stop()


def writes(engine: Engine) -> tuple[int, int]:
    """(rows written, transactions committed) in this database so far."""
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        row = connection.execute(
            text(
                "SELECT tup_inserted + tup_updated + tup_deleted, xact_commit "
                "FROM pg_stat_database WHERE datname = current_database()"
            )
        ).one()
    return int(row[0]), int(row[1])


def redis_bytes_per_message(settings: Settings, client: redis.Redis, count: int) -> float:
    """Redis memory for `count` queued job messages (no worker running), per message."""
    client.delete(worker.QUEUE)
    before = int(client.info("memory")["used_memory"])
    for number in range(count):
        worker.send(settings, 10**9 + number)
    queued = int(client.llen(worker.QUEUE))
    after = int(client.info("memory")["used_memory"])
    client.delete(worker.QUEUE)
    return (after - before) / max(1, queued)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 reps, fewer tasks (minutes)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a database on the server to make --database from")  # fmt: skip
    parser.add_argument("--database", default="fieldroute_bench_jobs")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9", help="FLUSHED")
    parser.add_argument("--reps", type=int, default=None, help="200 (--quick: 40)")
    parser.add_argument("--time-limit", type=float, default=1.0, help="s per rep-week")
    parser.add_argument("--overhead-tasks", type=int, default=None, help="60 (--quick: 20)")
    parser.add_argument("--overhead-limit", type=float, default=0.2, help="s per rep-week")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", default="1,2", help="worker process counts to compare")
    args = parser.parse_args(argv)
    reps_wanted = args.reps or (40 if args.quick else 200)
    tasks = args.overhead_tasks or (20 if args.quick else 60)
    counts = [int(n) for n in args.workers.split(",")]

    client = redis.Redis.from_url(args.redis)
    client.flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="fieldroute-bench-jobs-"))
    with fresh_database(args.postgres, args.database) as database_url:
        settings = Settings(database_url=database_url, broker_url=args.redis, data_dir=workdir,
                            roads_engine=RoadEngineKind.ESTIMATE, solver_workers=1,
                            map_tiles_url="")  # fmt: skip
        engine = make_engine(settings.sqlalchemy_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        today = clock.today(ZoneInfo("UTC"))
        monday = next_monday(today)
        began = time.perf_counter()
        with factory() as session:
            load_demo(session, settings, company="chicagoland", today=today)
            session.flush()
            per_rep = grow_company(session, reps_wanted)
            session.commit()
            rep_ids = list(session.scalars(select(Rep.id).order_by(Rep.id)))
        admin = admin_of(factory)
        env = worker_env(database_url, args.redis, workdir, settings.job_visibility_timeout_s)
        env |= {"FIELDROUTE_SOLVER_WORKERS": "1", "FIELDROUTE_MAP_TILES_URL": ""}
        print(f"company: {len(rep_ids)} reps, {per_rep} territory accounts each on average "
              f"(made in {time.perf_counter() - began:.0f} s); weeks from {monday}; "
              f"PostgreSQL {engine.url.database}, Redis {args.redis}; 2 shared cores\n")  # fmt: skip

        per_message = redis_bytes_per_message(settings, client, args.messages)
        print(f"Redis: {per_message:,.0f} bytes per queued job message "
              f"(INFO used_memory, {args.messages} messages)\n")  # fmt: skip

        # --- overhead ------------------------------------------------------------------
        few = rep_ids[:tasks]
        only_active(factory, few)
        limit = args.overhead_limit
        walls = []
        with factory() as session:
            for rep_id in few:
                started = time.perf_counter()
                plans.plan_rep(session, admin, rep_id, PlanRequest(date=monday, days=7,
                               time_limit=limit), settings, rest_of_range=True)  # fmt: skip
                session.commit()
                walls.append(time.perf_counter() - started)
        in_process = Ran(len(few), sum(walls), len(few))
        recorded = Recorded()

        def run_here(ids: list[int]) -> None:
            for job_id in ids:
                run_job(factory, settings, job_id)

        as_jobs = run_batch(factory, settings, admin, monday, limit, recorded, run_here)
        to_workers = ToWorkers(settings)
        with workers(env, settings, 1, workdir):
            run_batch(factory, settings, admin, monday, 0.1, to_workers)  # warm the worker
            queued = run_batch(factory, settings, admin, monday, limit, to_workers)
        fixed_jobs = as_jobs.per_task_s - in_process.per_task_s
        fixed_queue = queued.per_task_s - in_process.per_task_s
        print(f"overhead: {tasks} rep-weeks at a {limit} s search, one after another")
        print(f"  in process (plans.plan_rep + commit): {in_process.per_task_s:.3f} s per "
              f"rep-week (median {statistics.median(walls):.3f})")  # fmt: skip
        print(f"  as jobs, run here (run_job, no queue): {as_jobs.per_task_s:.3f} s "
              f"(+{fixed_jobs * 1000:.0f} ms)")  # fmt: skip
        print(f"  through 1 worker (queue + jobs): {queued.per_task_s:.3f} s "
              f"(+{fixed_queue * 1000:.0f} ms)")  # fmt: skip
        print(f"  queue + job bookkeeping against a 10 s solve: "
              f"{100 * fixed_queue / DEFAULT_WEEK_LIMIT_S:.2f}% (issue: < 5%)\n")  # fmt: skip

        # --- throughput ----------------------------------------------------------------
        only_active(factory, rep_ids)
        runs: dict[int, Ran] = {}
        written = (0, 0)
        for count in counts:
            with workers(env, settings, count, workdir):
                only_active(factory, rep_ids[: 2 * count])
                run_batch(factory, settings, admin, monday, 0.1, to_workers)  # warm them
                only_active(factory, rep_ids)
                before = writes(engine)
                looked = polls
                runs[count] = run = run_batch(factory, settings, admin, monday,
                                              args.time_limit, to_workers)  # fmt: skip
                time.sleep(1.5)  # the backends' statistics reach pg_stat_database
                after = writes(engine)
                written = (after[0] - before[0], after[1] - before[1] - (polls - looked) - 1)
            print(f"  (load average {os.getloadavg()[0]:.1f} after it)")
            print(f"{count} worker process{'es' if count > 1 else ''}: {run.reps} rep-weeks "
                  f"({args.time_limit} s search each) in {run.wall_s:.1f} s: "
                  f"{run.per_minute:.1f} rep-weeks/min, {run.per_task_s:.2f} s each, "
                  f"{run.plans} day plans written")  # fmt: skip
        one, many = runs[counts[0]], runs[counts[-1]]
        ratio = many.per_minute / one.per_minute
        print(f"ratio {counts[-1]} / {counts[0]} processes: {ratio:.2f}x (issue: >= 1.8)")
        rows_per_task, commits_per_task = written[0] / many.reps, written[1] / many.reps
        print(f"database during the {counts[-1]}-process run: {written[0]} rows written "
              f"({rows_per_task:.0f} per rep-week), {written[1]} commits "
              f"({commits_per_task:.0f} per rep-week); "
              f"{written[0] / many.wall_s:.0f} rows/s, {written[1] / many.wall_s:.0f} commits/s\n")  # fmt: skip

        # --- on paper ------------------------------------------------------------------
        # The search uses its whole limit at 10 s (bench.rep_day: a week in 10.1 s); around it,
        # what a task took beyond its search at 1 worker, and the queue's fixed cost.
        around = max(0.0, one.per_task_s - args.time_limit) + max(0.0, fixed_queue)
        task_s = DEFAULT_WEEK_LIMIT_S + around
        share = min(1.0, ratio / (counts[-1] / counts[0]))
        per_process = NIGHT_S / task_s * share
        print("on paper, from those numbers (midnight to 6:00, 10 s per week):")
        print(f"  a rep-week takes {task_s:.2f} s of a worker process (its 10 s search, used in "
              f"full, + {around:.2f} s measured around it); with {counts[-1]} processes "
              f"per 2 cores each keeps {share:.2f} of its speed: "
              f"{per_process:,.0f} rep-weeks per process per night")  # fmt: skip
        for company in (1_000, 10_000):
            processes = math.ceil(company / per_process)
            rate = company / NIGHT_S
            print(f"  {company:,} reps: {processes} worker process{"es" if processes > 1 else ""} "
                  f"({math.ceil(processes / 2)} two-core machines); "
                  f"{rate * rows_per_task:.1f} rows/s and {rate * commits_per_task:.1f} commits/s "
                  f"to PostgreSQL on average; Redis {company * per_message / 2**20:.1f} MiB "
                  f"if every rep's message is queued at once")  # fmt: skip
        engine.dispose()
    client.flushdb()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
