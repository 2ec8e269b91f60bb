"""`python -m app.cli ...`: set-up and bulk work from the shell.

migrate                          apply the database migrations
create-admin EMAIL NAME          create an admin (the first one, on a new install); prints a token
create-token EMAIL [--name N]    a new token for an existing user; prints it
import-accounts FILE [--dry-run] [--mapping JSON] [--team NAME]
                                 import a CRM export, with a progress bar and the report
demo [--company baltimore|chicagoland]
                                 load a demo company if the database is empty (default:
                                 baltimore, at real addresses, whose road data it builds when
                                 none is built, so plans run on roads; chicagoland: the larger
                                 company with no road data, planned on the estimate); print logins
plan [--date D] [--days N] [--team NAME] [--rep EMAIL] [--time-limit S]
                                 plan reps' days (all active reps, or a team or one rep) as a
                                 batch job with a progress bar: its reps one after the other here,
                                 or on the workers when FIELDROUTE_BROKER_URL is set; prints a
                                 line per rep and day
coverage [--team NAME] [--hybrid R] [--remote R]
                                 the coverage model of each team (or one) as a what-if, nothing
                                 written: field hours a week freed, value a year put at risk,
                                 accounts to change, cost per visit now and as recommended
roads build REGION.osm.pbf [--region NAME] [--queue]
                                 build OSRM road data from an OpenStreetMap extract under the
                                 data directory; the app plans on it (no restart needed);
                                 --queue: as a job on the workers (copies the extract to the data
                                 directory's extracts/), with a progress bar until it ends
roads status                     the road data in use, and what plans are timed with
plan-nightly [--wait]            queue the nightly plan of every rep due now (their local time past
                                 FIELDROUTE_NIGHTLY_PLAN_TIME, not planned yet that local date) and
                                 run it here with a progress bar, or, with a broker, on the workers
                                 (--wait: a progress bar until they end); for cron without beat:
                                 */15 * * * *  cd /srv/fieldroute && python -m app.cli plan-nightly
beat                             Celery beat: the nightly plan's tick every FIELDROUTE_NIGHTLY_TICK_S
                                 and the sweep below (run one; needs FIELDROUTE_BROKER_URL)
sweep-jobs                       send again the jobs queued for the workers longer than
                                 FIELDROUTE_JOB_LOST_AFTER_S whose message Redis no longer holds
                                 (beat does it; for cron: */5 * * * * ... python -m app.cli sweep-jobs)
worker [--concurrency N] [--pool prefork|solo|threads]
                                 run background jobs from FIELDROUTE_BROKER_URL (Redis); needs
                                 PostgreSQL (FIELDROUTE_DATABASE_URL)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from tqdm import tqdm

from app.auth.principal import Principal, principal_for
from app.auth.tokens import issue_token
from app.core.config import Role, Settings
from app.core.db import SessionFactory, make_engine, make_session_factory
from app.core.errors import AppError
from app.core.migrate import upgrade
from app.coverage import service as coverage
from app.coverage.schemas import CoverageModel, CoverageParams
from app.demo import (
    COMPANIES,
    DEFAULT_COMPANY,
    demo_logins,
    ensure_roads,
    is_empty,
    load_demo,
    loaded_company,
)
from app.imports.parsing import CsvFormatError, read_accounts_csv
from app.imports.schemas import ImportJobRead
from app.imports.service import submit
from app.jobs.dispatch import Dispatcher, ToWorkers
from app.jobs.run import run_job
from app.jobs.sweep import sweep_lost
from app.jobs.worker import beat, serve
from app.models import ImportJob, Job, Rep, Team, User
from app.models.jobs import FINISHED_STATES
from app.plans import batch as batch_jobs
from app.plans import service as plans
from app.plans.nightly import run_tick
from app.plans.schemas import BatchPlanRequest, BatchRun
from app.roads import task as roads_task
from app.roads.build import BuildError, build_roads, roads_dir
from app.roads.service import model_of, travel


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    admin = commands.add_parser("create-admin", help="create an admin and print a token")
    admin.add_argument("email")
    admin.add_argument("name")
    token = commands.add_parser("create-token", help="print a new token for a user")
    token.add_argument("email")
    token.add_argument("--name", default="cli")
    imports = commands.add_parser("import-accounts", help="import a CRM export (CSV)")
    imports.add_argument("file", type=Path)
    imports.add_argument("--dry-run", action="store_true", help="preview; write nothing")
    imports.add_argument("--mapping", help='JSON: {"external_id": "Customer No", ...}')
    imports.add_argument("--team", help="team for rows without a Team column")
    imports.add_argument("--as", dest="as_email", help="run as this user (default: first admin)")
    demo = commands.add_parser("demo", help="load a demo company into an empty database")
    demo.add_argument(
        "--company",
        choices=sorted(COMPANIES),
        default=DEFAULT_COMPANY,
        help=f"which demo company (default: {DEFAULT_COMPANY})",
    )
    plan = commands.add_parser("plan", help="plan reps' days or weeks")
    plan.add_argument("--date", type=date.fromisoformat, help="first day (default: today)")
    plan.add_argument("--days", type=int, default=1, help="1 (a day) .. 7 (a week)")
    plan.add_argument("--team", help="only this team's reps")
    plan.add_argument("--rep", dest="rep_email", help="only this rep (e-mail)")
    plan.add_argument("--time-limit", type=float, help="seconds of search per rep")
    coverage = commands.add_parser("coverage", help="the coverage model of each team (what-if)")
    coverage.add_argument("--team", help="only this team")
    coverage.add_argument("--hybrid", type=float, help="threshold (default: the value model's)")
    coverage.add_argument("--remote", type=float, help="threshold (default: the value model's)")
    roads = commands.add_parser("roads", help="road data for travel times (OSRM)")
    roads_commands = roads.add_subparsers(dest="roads_command", required=True)
    build = roads_commands.add_parser("build", help="build OSRM data from an extract")
    build.add_argument("extract", type=Path, help="an OpenStreetMap extract (.osm.pbf)")
    build.add_argument("--region", help="name (default: from the file name)")
    build.add_argument("--queue", action="store_true",
                       help="build on the workers (needs a broker): the extract is copied to the "
                       "data directory's extracts/; a progress bar until the job ends")  # fmt: skip
    roads_commands.add_parser("status", help="the road data in use")
    nightly = commands.add_parser("plan-nightly", help="queue and run the nightly plans due now")
    nightly.add_argument("--wait", action="store_true", help="with a broker: wait for the jobs")
    commands.add_parser("beat", help="run Celery beat: the nightly plan's tick (needs a broker)")
    commands.add_parser("sweep-jobs", help="send again the jobs whose broker message was lost")
    worker = commands.add_parser("worker", help="run background jobs (needs a broker)")
    worker.add_argument("--concurrency", type=int, default=1, help="jobs at once (processes)")
    worker.add_argument("--pool", choices=("prefork", "solo", "threads"), default="prefork")
    worker.add_argument("--name", help="the worker's name (default: celery@host)")
    args = parser.parse_args(argv)

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    if args.command == "roads":
        return _roads(settings, args)
    if args.command == "worker":
        return _worker(settings, args)
    if args.command == "beat":
        return _beat(settings)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    try:
        if args.command == "migrate":
            print(f"database at {engine.url.render_as_string()} is up to date")
            return 0
        if args.command == "create-admin":
            return _create_admin(factory, args.email, args.name)
        if args.command == "create-token":
            return _create_token(factory, args.email, args.name)
        if args.command == "import-accounts":
            return _import(factory, settings, args)
        if args.command == "plan":
            return _plan(factory, settings, args)
        if args.command == "plan-nightly":
            return _plan_nightly(factory, settings, args.wait)
        if args.command == "coverage":
            return _coverage(factory, settings, args)
        if args.command == "sweep-jobs":
            return _sweep_jobs(factory, settings)
        return _demo(factory, settings, args.company)
    finally:
        engine.dispose()


def _coverage(factory: SessionFactory, settings: Settings, args: argparse.Namespace) -> int:
    """Each team's coverage what-if, as an admin; a line of totals per team."""
    with factory() as session:
        query = select(Team).order_by(Team.name)
        if args.team:
            query = query.where(Team.name == args.team)
        teams = session.scalars(query).all()
        if not teams:
            print(
                f"error: no team named {args.team!r}" if args.team else "no teams", file=sys.stderr
            )
            return 2
        principal = Principal(user_id=0, name="cli", role=Role.ADMIN)
        for team in teams:
            try:
                params = CoverageParams(
                    team_id=team.id, hybrid=args.hybrid, remote=args.remote, limit=1
                )
                model = coverage.what_if(session, settings, principal, params)
            except ValidationError as exc:
                print(f"error: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}",
                      file=sys.stderr)  # fmt: skip
                return 2
            except AppError as exc:
                print(f"error: {exc.detail}", file=sys.stderr)
                return 2
            _print_coverage(model)
    return 0


def _print_coverage(model: CoverageModel) -> None:
    before, after, t = model.before, model.after, model.thresholds
    print(
        f"{model.team}: hybrid above {t.hybrid:.3f}, remote above {t.remote:.3f} of the value;"
        f" {before.field + before.hybrid + before.remote} accounts"
        f" ({model.not_modelled} not modelled)"
    )
    print(
        f"  field/hybrid/remote now {before.field}/{before.hybrid}/{before.remote},"
        f" recommended {after.field}/{after.hybrid}/{after.remote}"
        f" ({model.accounts_changing} to change)"
    )
    print(
        f"  field hours a week {before.field_hours_a_week:,.1f} -> {after.field_hours_a_week:,.1f}"
        f" (frees {model.field_hours_freed_a_week:,.1f} h a week)"
    )
    print(
        f"  value at risk a year {before.value_at_risk_a_year:,.0f} ->"
        f" {after.value_at_risk_a_year:,.0f} (puts {model.value_at_risk_added_a_year:,.0f} more"
        " at risk)"
    )
    per_visit = [
        "-" if x.cost_per_visit is None else f"{x.cost_per_visit:,.2f}" for x in (before, after)
    ]
    print(
        f"  cost per visit {per_visit[0]} -> {per_visit[1]}; field cost a year"
        f" {before.field_cost_a_year:,.0f} -> {after.field_cost_a_year:,.0f}"
    )
    for source, words in model.travel.items():
        print(f"  detours from {source}: {words}")


def _sweep_jobs(factory: SessionFactory, settings: Settings) -> int:
    if not settings.broker_url:
        print("error: sweep-jobs looks into the broker: set FIELDROUTE_BROKER_URL", file=sys.stderr)
        return 2
    lost = sweep_lost(factory, settings)
    print(f"{len(lost)} lost job{'' if len(lost) == 1 else 's'} sent again" +
          (f": {', '.join(map(str, lost))}" if lost else ""))  # fmt: skip
    return 0


def _create_admin(factory: SessionFactory, email: str, name: str) -> int:
    email = email.strip().lower()
    with factory() as session:
        if session.scalar(select(User).where(User.email == email)) is not None:
            print(f"error: a user with email {email} exists; use create-token", file=sys.stderr)
            return 2
        user = User(email=email, name=name, role=Role.ADMIN)
        session.add(user)
        session.flush()
        token = issue_token(session, user, name="cli")
        session.commit()
    print(f"admin {email} created. Token (shown once, keep it safe):\n{token}")
    return 0


def _create_token(factory: SessionFactory, email: str, name: str) -> int:
    email = email.strip().lower()
    with factory() as session:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            print(f"error: no user with email {email}", file=sys.stderr)
            return 2
        token = issue_token(session, user, name=name)
        session.commit()
    print(token)
    return 0


def _import(factory: SessionFactory, settings: Settings, args: argparse.Namespace) -> int:
    try:
        mapping = json.loads(args.mapping) if args.mapping else None
        if mapping is not None and not (
            isinstance(mapping, dict) and all(isinstance(v, str) for v in mapping.values())
        ):
            raise ValueError(
                '--mapping: a JSON object of field -> column header, e.g. {"external_id": "Cust No"}'
            )
        data = args.file.read_bytes()
        parsed = read_accounts_csv(data, mapping=mapping, max_rows=settings.max_import_rows)
    except (OSError, ValueError, CsvFormatError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    with factory() as session:
        query = select(User).where(User.active.is_(True))
        query = (
            query.where(User.email == args.as_email)
            if args.as_email
            else query.where(User.role == Role.ADMIN).order_by(User.id)
        )
        user = session.scalars(query).first()
        if user is None:
            print("error: no such user (create an admin first: create-admin)", file=sys.stderr)
            return 2
        principal = principal_for(user)
        team_id = None
        if args.team:
            team_id = session.scalar(select(Team.id).where(Team.name == args.team))
            if team_id is None:
                print(f"error: no team named {args.team!r}", file=sys.stderr)
                return 2
        here = _RunHere()
        job, _ = submit(
            session, principal, parsed, data, here, filename=args.file.name,
            dry_run=args.dry_run, team_id=team_id, mapping=mapping,
        )  # fmt: skip
        session.commit()
        job_id = job.id
    with tqdm(total=parsed.total_rows, unit="row", desc="import") as bar:

        def progress(done: int, _total: int) -> None:
            bar.update(done - bar.n)

        run_job(factory, settings, here.job_id, progress)
    with factory() as session:
        report = ImportJobRead.of(session.get_one(ImportJob, job_id))
    _print_report(report)
    return 0 if report.status == "succeeded" else 1


class _RunHere:
    """The CLI runs its jobs itself, after committing them, with a progress bar."""

    embedded = True

    def __init__(self) -> None:
        self.job_ids: list[int] = []

    @property
    def job_id(self) -> int:
        return self.job_ids[-1]

    def dispatch(self, job_id: int) -> None:
        self.job_ids.append(job_id)


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.broker_url:
        print("error: a worker needs FIELDROUTE_BROKER_URL (e.g. redis://127.0.0.1:6379/0)",
              file=sys.stderr)  # fmt: skip
        return 2
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    engine.dispose()
    options = [f"--concurrency={args.concurrency}", f"--pool={args.pool}", "--loglevel=INFO"]
    serve(settings, options + ([f"--hostname={args.name}"] if args.name else []))
    return 0


def _beat(settings: Settings) -> int:
    if not settings.broker_url:
        print("error: beat needs FIELDROUTE_BROKER_URL; without workers, run plan-nightly from "
              "cron instead", file=sys.stderr)  # fmt: skip
        return 2
    beat(settings)
    return 0


def _plan_nightly(factory: SessionFactory, settings: Settings, wait: bool) -> int:
    here = _RunHere()
    dispatcher: Dispatcher = ToWorkers(settings) if settings.broker_url else here
    try:
        report = run_tick(factory, settings, dispatcher)
    except AppError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    for name, reason in report.refused.items():
        print(f"{name}: not planned: {reason}", file=sys.stderr)
    print(f"nightly plan: {len(report.queued)} reps due, {len(report.refused)} refused")
    ids = list(report.queued.values())
    if settings.broker_url and not wait:
        print("queued for the workers (GET /api/v1/jobs?kind=nightly_plan)")
        return 0
    if not settings.broker_url:
        with tqdm(total=len(ids), unit="rep", desc="nightly plan") as bar:
            for job_id in ids:
                run_job(factory, settings, job_id)
                bar.update(1)
    else:
        wait_for_jobs(factory, ids, "nightly plan")
    return _report_ended(factory, ids)


def wait_for_jobs(factory: SessionFactory, ids: Sequence[int], what: str) -> None:
    """A progress bar of parts done over the jobs `ids` run elsewhere, until all have ended."""
    with tqdm(total=0, unit="part", desc=what) as bar:
        while True:
            with factory() as session:
                jobs = session.scalars(select(Job).where(Job.id.in_(ids))).all()
            bar.total = sum(job.progress_total for job in jobs)
            bar.update(sum(job.progress_done for job in jobs) - bar.n)
            if all(job.state in FINISHED_STATES for job in jobs):
                return
            time.sleep(1.0)


def _report_ended(factory: SessionFactory, ids: Sequence[int]) -> int:
    with factory() as session:
        failed = session.scalars(
            select(Job).where(Job.id.in_(ids), Job.state != "succeeded").order_by(Job.id)
        ).all()
        for job in failed:
            print(f"job {job.id}: {job.state}: {job.error}", file=sys.stderr)
    return 1 if failed else 0


def _plan(factory: SessionFactory, settings: Settings, args: argparse.Namespace) -> int:
    try:
        request = BatchPlanRequest(date=args.date, days=args.days, time_limit=args.time_limit)
    except ValidationError as exc:
        print(f"error: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    with factory() as session:
        admin = session.scalars(
            select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        ).first()
        if admin is None:
            print("error: no admin to plan as (create one first: create-admin)", file=sys.stderr)
            return 2
        principal = principal_for(admin)
        try:
            if args.team:
                team_id = session.scalar(select(Team.id).where(Team.name == args.team))
                if team_id is None:
                    print(f"error: no team named {args.team!r}", file=sys.stderr)
                    return 2
                request.team_id = team_id
            if args.rep_email:
                rep_id = session.scalar(select(Rep.id).where(Rep.email == args.rep_email))
                if rep_id is None:
                    print(f"error: no rep with e-mail {args.rep_email!r}", file=sys.stderr)
                    return 2
                runs = [plans.plan_rep(session, principal, rep_id, request, settings)]
                batch = BatchRun(runs=runs, failed=[], wall_time_s=0.0)
            else:
                return _plan_batch(factory, settings, session, principal, request)
        except AppError as exc:
            print(f"error: {exc.detail}", file=sys.stderr)
            return 2
        session.commit()
    return _print_batch(batch)


def _plan_batch(
    factory: SessionFactory,
    settings: Settings,
    session: Session,
    principal: Principal,
    request: BatchPlanRequest,
) -> int:
    """The batch as a job (`app.plans.batch`), with a progress bar: its reps' jobs run here one
    after the other, or on the workers when FIELDROUTE_BROKER_URL is set (polled)."""
    here = _RunHere()
    runner: Dispatcher = ToWorkers(settings) if settings.broker_url else here
    job, _ = batch_jobs.submit(session, principal, request, settings, runner)
    session.commit()
    job_id, total = job.id, job.progress_total
    with tqdm(total=total, unit="rep", desc="plan") as bar:
        if here.job_ids:
            for child in here.job_ids:
                run_job(factory, settings, child)
                bar.update(1)
        else:
            while True:
                with factory() as polling:
                    polled = polling.get_one(Job, job_id)
                    state, done = polled.state, polled.progress_done
                bar.update(done - bar.n)
                if state in FINISHED_STATES:
                    break
                time.sleep(1.0)
    with factory() as reading:
        batch = batch_jobs.result(reading, principal, job_id)
    return _print_batch(batch)


def _print_batch(batch: BatchRun) -> int:
    for run in batch.runs:
        for day_plan in run.plans:
            totals = day_plan.totals
            print(
                f"{day_plan.rep_name:<24} {day_plan.date} v{day_plan.version}: "
                f"{totals.stops:>2} stops, {totals.distance_km:6.1f} km, net {totals.net:9.2f}, "
                f"{len(day_plan.call_instead)} to call"
            )
        for day in run.kept:
            print(f"rep {run.rep_id} {day}: under way, kept as it is")
    for failure in batch.failed:
        print(f"{failure.rep_name}: not planned: {failure.detail}", file=sys.stderr)
    print(f"planned {sum(len(r.plans) for r in batch.runs)} rep-days in {batch.wall_time_s:.1f} s")
    return 1 if batch.failed else 0


def _print_report(report: ImportJobRead) -> None:
    for warning in report.file_warnings:
        print(f"warning: {warning.message}")
    verb = "would be" if report.dry_run else "were"
    print(
        f"{report.total_rows} rows: {report.created} {verb} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.rejected} rejected; "
        f"{report.not_placed} not placed on the map"
    )
    for error in report.errors[:50]:
        column = f" [{error.column}]" if error.column else ""
        print(f"  row {error.row}{column}: {error.message} ({error.value!r})")
    if len(report.errors) > 50:
        print(f"  ... and {len(report.errors) - 50} more (GET /api/v1/imports/{report.id})")


def _roads(settings: Settings, args: argparse.Namespace) -> int:
    if args.roads_command == "build" and args.queue:
        return _queue_roads(settings, args)
    if args.roads_command == "build":
        print(f"building road data from {args.extract} ...", flush=True)
        try:
            manifest = build_roads(
                args.extract,
                settings.data_dir,
                region=args.region,
                progress=lambda line: print(f"  {line}", flush=True),
            )
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            print("the road data in use, if any, is unchanged", file=sys.stderr)
            return 1
        print(
            f"{manifest.region}: data version {manifest.version}, {manifest.nodes:,} nodes, "
            f"{manifest.edges:,} edges, {manifest.size_bytes / 1e6:.1f} MB, "
            f"built in {manifest.build_s:.1f} s"
        )
        print(f"  in {roads_dir(settings.data_dir) / manifest.region / f'v{manifest.version}'}")
    model, detail = model_of(travel(settings))
    print(f"plans are timed with: {model}: {detail}")
    return 0


def _queue_roads(settings: Settings, args: argparse.Namespace) -> int:
    """`roads build --queue`: the `build_roads` job, as an admin queues it through the API."""
    if not settings.broker_url:
        print("error: --queue needs FIELDROUTE_BROKER_URL (workers to build on); without one, "
              "drop --queue to build here", file=sys.stderr)  # fmt: skip
        return 2
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    try:
        with factory() as session:
            admin = session.scalars(
                select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
            ).first()
            if admin is None:
                print("error: no admin to queue the build as (create-admin)", file=sys.stderr)
                return 2
            try:
                name = roads_task.stage_extract(settings.data_dir, args.extract)
                job = roads_task.submit(session, principal_for(admin), settings,
                                        ToWorkers(settings), extract=name, region=args.region)  # fmt: skip
            except AppError as exc:
                print(f"error: {exc.detail}", file=sys.stderr)
                return 2
            session.commit()
            job_id = job.id
        print(f"job {job_id}: building road data from extracts/{name} on the workers")
        wait_for_jobs(factory, [job_id], "roads")
        ended = _report_ended(factory, [job_id])
    finally:
        engine.dispose()
    model, detail = model_of(travel(settings))
    print(f"plans are timed with: {model}: {detail}")
    return ended


def _demo(factory: SessionFactory, settings: Settings, company: str) -> int:
    with factory() as session:
        if is_empty(session):
            demo = COMPANIES[company]
            print(f"loading the demo company {demo.name} (data/demo/{demo.key}/) ...", flush=True)
            started = time.monotonic()
            load_demo(session, settings, company=company)
            session.commit()
            print(f"loaded in {time.monotonic() - started:.1f} s")
            loaded = loaded_company(session)
        else:
            loaded = loaded_company(session)
            held = f"it holds the demo {loaded.name}" if loaded else "not a demo company"
            print(f"the database is not empty ({held}): nothing loaded")
        logins = demo_logins(session)
    if loaded is not None:
        roads = ensure_roads(settings, loaded, before_build=lambda line: print(line, flush=True))
        print(roads.note if roads.built is None else f"built {roads.note.removeprefix('roads: ')}")
    if logins:
        print("Demo sign-in tokens (development only; header `Authorization: Bearer <token>`,")
        print("or paste one at /login):")
        for login in logins:
            print(f"  {login.role:<8} {login.name:<24} {login.token}")
        if not settings.is_development:
            # The default is production, where these guessable tokens are refused.
            print("They work only in a server started with FIELDROUTE_ENVIRONMENT=development")
            print("(`make run` sets it).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
