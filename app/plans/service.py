"""A rep's day and week: plan, re-plan, read, summarise, and plan every rep at once.

A plan is stored per rep and day as a new `RoutePlan` version, so what a rep was given is never
overwritten. Visit states (arrived, done, skipped) live on `Visit` rows and are merged into a
plan when it is read, so a stop checked off shows as such in every version.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS, intervals_s
from app.auth.access import rep_scope, require_role, sees_team
from app.auth.principal import Principal
from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Role, Settings
from app.core.errors import AppError, Conflict, InvalidRequest, NotFound
from app.core.time_text import time_of_day
from app.models import Account, Rep, RoutePlan, Visit
from app.models.people import FIELD
from app.plans import basis
from app.plans.geometry import day_geometry
from app.plans.inputs import build_job, workday, working_days
from app.plans.schemas import (
    BatchFailure,
    BatchPlanRequest,
    BatchRun,
    CallInstead,
    PlanBreak,
    PlanPlace,
    PlanRead,
    PlanRequest,
    PlanRun,
    PlanStop,
    PlanSummary,
    PlanTotals,
    ReplanRequest,
    SkippedDay,
    StopKind,
)
from app.plans.solve import PlanJob, Unsolvable, solve_job, solve_jobs
from app.plans.week import seen_elsewhere
from app.plans.whole_day import whole_day_totals
from app.reps.clock import local_moment, rep_today, rep_zone, seconds_into, seconds_of
from app.reps.home import required_home
from app.reps.service import get_rep, route_rep
from routing import Point
from routing.days.planner import DayRoute, DaysPlan, Workday

APPOINTMENT: StopKind = "appointment"
VISIT: StopKind = "visit"
IN_PROGRESS = ("arrived", "done", "skipped")
"""Visit states that mean the rep has been to (or decided about) an account that day."""
STATE_ORDER = {"booked": 0, "cancelled": 0, "arrived": 1, "skipped": 2, "done": 3}


@dataclass(slots=True)
class _Prepared:
    rep: Rep
    job: PlanJob
    accounts: dict[int, Account]
    kept: list[date]
    # Stops already behind the rep on a re-plan; they open the new version unchanged.
    done_stops: list[dict[str, Any]]
    skipped: list[SkippedDay] = field(default_factory=list)
    # On a re-plan: where and when the day began (the earlier version's start), for totals
    # that cover the whole day.
    day_start: dict[str, Any] | None = None


# --- planning ------------------------------------------------------------------------------


def plan_rep(
    session: Session,
    principal: Principal,
    rep_id: int,
    request: PlanRequest,
    settings: Settings,
    *,
    run: Runner = run_here,
    rest_of_range: bool = False,
) -> PlanRun:
    """Plan `request.days` days of the rep from `request.date` (default: their today); the
    solve goes through `run` (the web passes its solver processes). `rest_of_range`: as a
    batch does, keep a started today as it is (or skip it without a plan) instead of refusing
    or planning it from now (`app.plans.lookahead` refreshes a week so)."""
    rep = route_rep(session, principal, rep_id)
    prepared = _prepare(session, rep, request, settings, rest_of_range=rest_of_range)
    if isinstance(prepared, PlanRun):
        return prepared
    result = run(solve_job, prepared.job, settings.solver_workers)
    return _store_run(session, principal, prepared, result)


def batch_plan(
    session: Session,
    principal: Principal,
    request: BatchPlanRequest,
    settings: Settings,
    *,
    run: Runner = run_here,
) -> BatchRun:
    """Plan every active rep in the caller's scope (or `request.team_id`), one core per rep.

    A range that has begun plans the rest of it: each rep's working days before their today
    are skipped (not refused), and a today that has started keeps its plan (or is skipped when
    it has none: the rep re-plans it from the phone)."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    started = time.monotonic()
    query = (
        select(Rep)
        .where(rep_scope(principal), Rep.active.is_(True), Rep.kind == FIELD)
        .order_by(Rep.name)
    )
    if request.team_id is not None:
        if not sees_team(principal, request.team_id):
            raise NotFound(f"no team {request.team_id}")
        query = query.where(Rep.team_id == request.team_id)
    runs: list[PlanRun] = []
    failed: list[BatchFailure] = []
    pending: list[_Prepared] = []
    for rep in session.scalars(query).unique():
        try:
            prepared = _prepare(session, rep, request, settings, rest_of_range=True)
        except AppError as exc:
            failed.append(_failure(rep, exc))
            continue
        if isinstance(prepared, PlanRun):
            runs.append(prepared)
        else:
            pending.append(prepared)
    results = run(solve_jobs, [p.job for p in pending], settings.plan_batch_processes)
    # Every road line first, then the writes (see `_days`).
    days = [
        None if isinstance(result, Unsolvable) else _days(prepared, result)
        for prepared, result in zip(pending, results, strict=True)
    ]
    for prepared, result, ready in zip(pending, results, days, strict=True):
        try:
            runs.append(_store_run(session, principal, prepared, result, ready))
        except AppError as exc:
            failed.append(_failure(prepared.rep, exc))
    return BatchRun(runs=runs, failed=failed, wall_time_s=round(time.monotonic() - started, 3))


def plan_batch_rep(
    session: Session,
    principal: Principal,
    rep: Rep,
    request: PlanRequest,
    settings: Settings,
    *,
    job_id: int,
    before_writes: Callable[[], None] = lambda: None,
    run: Runner = run_here,
) -> PlanRun:
    """One rep of a batch job (`app.plans.batch_task`): the rest of the range, as `batch_plan`
    plans each rep, solved through `run` (a batch's parallelism is its workers); its plan versions carry
    the batch's `job_id`. A refusal raises `AppError`. `before_writes` is called after the
    solve, before anything is written (a cancel stops there)."""
    prepared = _prepare(session, rep, request, settings, rest_of_range=True)
    if isinstance(prepared, PlanRun):
        return prepared
    result = run(solve_job, prepared.job, settings.solver_workers)
    before_writes()
    return _store_run(session, principal, prepared, result, job_id=job_id)


def replan(
    session: Session,
    principal: Principal,
    rep_id: int,
    day: date,
    request: ReplanRequest,
    settings: Settings,
    *,
    run: Runner = run_here,
) -> PlanRead:
    """The rest of today from where the rep is, keeping what is done, skipped or under way;
    the solve goes through `run`."""
    rep = route_rep(session, principal, rep_id)
    zone = rep_zone(rep, settings)
    now = clock.now()
    today = rep_today(rep, settings, now)
    if day != today:
        raise InvalidRequest(
            f"only today ({today} on the rep's clock, {zone.key}) can be re-planned; "
            f"plan {day} instead",
            field="date",
        )
    at = request.at or now
    at_s = seconds_into(day, at, zone)
    current = _latest(session, rep.id, day)
    visits = _visits_by_account(session, rep.id, day)
    behind = {account_id for account_id, v in visits.items() if v.status in IN_PROGRESS}
    done_stops: list[dict[str, Any]] = []
    position: Point | None = None
    from_s = at_s
    if current is not None:
        for stop in current.stops:
            visit = visits.get(stop["account_id"])
            if visit is None or visit.status not in IN_PROGRESS:
                continue
            done_stops.append(stop)
            if visit.status in ("arrived", "done"):
                position = Point(stop["latitude"], stop["longitude"])
            if visit.status == "arrived":
                # Still on site: the rest of the day starts when this visit ends.
                began = visit.started_at or at
                from_s = max(from_s, seconds_into(day, began, zone) + stop["service_minutes"] * 60)
    if request.latitude is not None and request.longitude is not None:
        position = Point(request.latitude, request.longitude)
    if not _works_on(rep, day):
        raise InvalidRequest(f"{rep.name} does not work on {day:%A}", field="date")
    days = [workday(rep, day, start=position or required_home(rep), from_s=from_s)]
    limit = min(request.time_limit or settings.plan_day_time_limit_s, settings.max_time_limit_s)
    job, accounts = build_job(
        session,
        rep,
        days,
        kind="replan",
        settings=settings,
        time_limit_s=limit,
        exclude=behind,
        elsewhere=seen_elsewhere(session, rep.id, [day], today),
        appointments_from_s=from_s,
    )
    prepared = _Prepared(
        rep,
        job,
        accounts,
        kept=[],
        done_stops=done_stops,
        day_start=None if current is None or not done_stops else current.totals.get("start"),
    )
    result = run(solve_job, job, settings.solver_workers)
    stored = _store_run(session, principal, prepared, result)
    return stored.plans[0]


def _prepare(
    session: Session,
    rep: Rep,
    request: PlanRequest,
    settings: Settings,
    *,
    rest_of_range: bool = False,
) -> _Prepared | PlanRun:
    """The solve job for `request`; with `rest_of_range` (a batch), the part of the range from
    the rep's today on, the earlier working days listed as skipped."""
    zone = rep_zone(rep, settings)
    now = clock.now()
    today = rep_today(rep, settings, now)
    first = request.date or today
    count = request.days
    skipped: list[SkippedDay] = []
    last = first + timedelta(days=count - 1)
    if rest_of_range and first < today <= last:
        skipped = [
            SkippedDay(date=day, reason="past", detail=f"{day:%A %d %b} is over")
            for day in working_days(rep, first, (today - first).days)
        ]
        first, count = today, (last - today).days + 1
    if first < today:
        raise InvalidRequest(
            f"{first} is in the past on the rep's clock ({zone.key}, today is {today}); "
            "plans are made for today or later",
            field="date",
        )
    days = working_days(rep, first, count)
    if not days and not skipped:
        names = ", ".join(rep.working_days) or "no days"
        raise InvalidRequest(
            f"{rep.name} works on {names}: none of the {count} day(s) "
            f"from {first} is a working day",
            field="date",
        )
    kept: list[date] = []
    exclude: set[int] = set()
    # A started today without a plan, planned by the rep's own request: from now on.
    from_now: float | None = None
    now_s = seconds_into(today, now, zone)
    if days and days[0] == today and _started(session, rep, today, now_s):
        current = _latest(session, rep.id, today)
        if current is None and rest_of_range:
            detail = (
                f"today's shift began at {rep.shift_start:%H:%M} without a plan; "
                f"{rep.name} re-plans the rest of today from the phone"
            )
            skipped.append(SkippedDay(date=today, reason="started", detail=detail))
            days = days[1:]
        elif current is None:
            from_now = now_s
            visits = _visits_by_account(session, rep.id, today)
            exclude.update(a for a, v in visits.items() if v.status in IN_PROGRESS)
        else:
            if len(days) == 1 and not rest_of_range:
                raise Conflict(
                    f"today's plan (version {current.version}) is under way; re-plan the rest "
                    f"of the day with POST /api/v1/reps/{rep.id}/plans/{today}/replan"
                )
            kept.append(today)
            exclude.update(stop["account_id"] for stop in current.stops)
            days = days[1:]
    if not days:
        return PlanRun(rep_id=rep.id, rep_name=rep.name, plans=[], kept=kept, skipped=skipped)
    workdays = [workday(rep, day, from_s=from_now if day == today else None) for day in days]
    if len(days) == 1:
        limit = request.time_limit or settings.plan_day_time_limit_s
    else:
        limit = request.time_limit or settings.plan_week_time_limit_s
    job, accounts = build_job(
        session,
        rep,
        workdays,
        kind="day" if request.days == 1 else "week",
        settings=settings,
        time_limit_s=min(limit, settings.max_time_limit_s),
        exclude=exclude,
        elsewhere=seen_elsewhere(session, rep.id, days, today),
        appointments_from_s=from_now,
    )
    return _Prepared(rep, job, accounts, kept=kept, done_stops=[], skipped=skipped)


def _failure(rep: Rep, exc: AppError) -> BatchFailure:
    # The services' refusals name the rep already (see tests/plans/test_plan_messages.py).
    return BatchFailure(rep_id=rep.id, rep_name=rep.name, status=exc.status_code, detail=exc.detail)


def started_today(session: Session, rep: Rep, settings: Settings) -> bool:
    """Whether the rep's today has begun (its plan is then theirs to change, nobody else's)."""
    now = clock.now()
    today = rep_today(rep, settings, now)
    return _started(session, rep, today, seconds_into(today, now, rep_zone(rep, settings)))


def _works_on(rep: Rep, day: date) -> bool:
    return DAYS[day.weekday()] in rep.working_days


def _started(session: Session, rep: Rep, day: date, now_s: float) -> bool:
    """Whether the rep's `day` (today) has begun: the shift has started or a visit is recorded."""
    if now_s >= seconds_of(rep.shift_start):
        return True
    query = select(func.count(Visit.id)).where(
        Visit.rep_id == rep.id,
        Visit.visit_date == day,
        Visit.status.in_(IN_PROGRESS),
        Visit.in_person(),
    )
    return bool(session.scalar(query))


# --- storing -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Day:
    """One day of a solved job, ready to store: its new stops and its road line."""

    spec: Workday
    route: DayRoute
    stops: list[dict[str, Any]]
    geometry: list[list[float]] | None


def _days(prepared: _Prepared, result: DaysPlan) -> list[_Day]:
    """The job's days with their road lines. Asked of the engine before anything is written, so
    the road cache's own writes never wait behind this request's (SQLite has one writer)."""
    job = prepared.job
    zone = ZoneInfo(job.time_zone)
    days = []
    for spec, day_route in zip(job.workdays, result.days, strict=True):
        stops = _stops(day_route, job, prepared.accounts, zone)
        geometry = None
        if stops:
            points = [
                spec.start,
                *(Point(stop["latitude"], stop["longitude"]) for stop in stops),
                *([spec.end] if spec.end is not None else []),
            ]
            geometry = day_geometry(job.travel, result.travel_model, points)
        days.append(_Day(spec, day_route, stops, geometry))
    return days


def _store_run(
    session: Session,
    principal: Principal,
    prepared: _Prepared,
    result: DaysPlan | Unsolvable,
    days: list[_Day] | None = None,
    *,
    job_id: int | None = None,
) -> PlanRun:
    if isinstance(result, Unsolvable):
        raise InvalidRequest(result.message, field=result.field)
    job, rep = prepared.job, prepared.rep
    zone = ZoneInfo(job.time_zone)
    call_instead = _call_instead(result, job, prepared.accounts)
    shared = basis.common(session, rep)
    rows = []
    for day in _days(prepared, result) if days is None else days:
        stops = [*prepared.done_stops, *day.stops]
        for seq, stop in enumerate(stops, start=1):
            stop["seq"] = seq
        totals = _totals(day.route, day.spec, result, zone)
        if prepared.done_stops:
            totals = whole_day_totals(
                totals, prepared.done_stops, prepared.day_start, day.spec.start, job.travel,
                job.costs,
            )  # fmt: skip
        row = RoutePlan(
            rep_id=rep.id,
            plan_date=day.route.day,
            version=_next_version(session, rep.id, day.route.day),
            kind=job.kind,
            time_zone=job.time_zone,
            created_by=principal.user_id or None,  # 0: the nightly plan, no user
            stops=stops,
            left_out=[item.model_dump(mode="json") for item in call_instead],
            totals=totals,
            travel_model=result.travel_model,
            travel_detail=result.travel_detail[:300],
            geometry=day.geometry,
            basis=basis.record(session, shared, rep.id, day.route.day, stops, prepared.accounts),
            job_id=job_id,
        )
        session.add(row)
        session.flush()
        rows.append(row)
    # Read once every day is stored: a day read before the others would find their old
    # versions and call itself stale.
    plans = [read_plan(session, row, rep) for row in rows]
    return PlanRun(
        rep_id=rep.id,
        rep_name=rep.name,
        plans=plans,
        planned=[plan.date for plan in plans],
        kept=prepared.kept,
        skipped=prepared.skipped,
    )


def _next_version(session: Session, rep_id: int, day: date) -> int:
    query = select(func.max(RoutePlan.version)).where(
        RoutePlan.rep_id == rep_id, RoutePlan.plan_date == day
    )
    return int(session.scalar(query) or 0) + 1


def _stops(
    day_route: DayRoute,
    job: PlanJob,
    accounts: dict[int, Account],
    zone: ZoneInfo,
) -> list[dict[str, Any]]:
    appointment_accounts = {a.id: int(a.account) for a in job.appointments}
    stops = []
    for scheduled in day_route.route.stops:
        if scheduled.id in appointment_accounts:
            account_id, kind = appointment_accounts[scheduled.id], APPOINTMENT
        else:
            account_id, kind = int(scheduled.id), VISIT
        account = accounts[account_id]
        assert account.latitude is not None
        assert account.longitude is not None
        stop = PlanStop(
            seq=0,
            account_id=account_id,
            kind=kind,
            name=account.name,
            street=account.street,
            city=account.city,
            postcode=account.postcode,
            region=account.region,
            country=account.country,
            precision=account.geocode_precision,
            phone=account.phone,
            latitude=account.latitude,
            longitude=account.longitude,
            arrival=local_moment(day_route.day, scheduled.arrival_s, zone),
            start=local_moment(day_route.day, scheduled.start_s, zone),
            departure=local_moment(day_route.day, scheduled.departure_s, zone),
            service_minutes=round((scheduled.departure_s - scheduled.start_s) / 60),
            opening_hours=hours_text(account, day_route.day),
            prize=round(day_route.prizes.get(scheduled.id, 0.0), 2),
            value=account.value,
        )
        stops.append(
            stop.model_dump(
                mode="json",
                exclude={
                    "state",
                    "visit_id",
                    "outcome",
                    "notes",
                    "reason",
                    "started_at",
                    "ended_at",
                },
            )
        )
    return stops


def hours_text(account: Account, day: date) -> str:
    """The account's opening hours on `day`, as a rep reads them ("08:00-12:00, 13:00-17:00")."""
    if account.opening_hours is None:
        return "hours not known"
    spans = intervals_s(account.opening_hours, day.weekday())
    if not spans:
        return "closed"
    return ", ".join(f"{time_of_day(a)}-{time_of_day(b)}" for a, b in spans)


def _call_instead(
    result: DaysPlan, job: PlanJob, accounts: dict[int, Account]
) -> list[CallInstead]:
    first = job.workdays[0].day
    items = []
    for left in result.left_out:
        if left.id.startswith("appointment-"):
            continue
        items.append(
            _call_item(accounts[int(left.id)], left.reason, left.detail, left.prize, first)
        )
    for account_id, prize in job.unplaced.items():
        items.append(
            _call_item(
                accounts[account_id],
                "not_on_map",
                "not on the map: its address could not be placed; fix it to plan visits",
                prize,
                first,
            )
        )
    items.sort(key=lambda item: (-item.prize, -item.value, item.account_id))
    return items


def _call_item(account: Account, reason: str, detail: str, prize: float, day: date) -> CallInstead:
    overdue = None
    if account.last_visit_date is not None and account.cadence_days:
        late = (day - account.last_visit_date).days - account.cadence_days
        overdue = late if late > 0 else None
    return CallInstead.model_validate(
        {
            "account_id": account.id,
            "name": account.name,
            "phone": account.phone,
            "city": account.city,
            "value": account.value,
            "prize": round(prize, 2),
            "reason": reason,
            "detail": detail,
            "last_visit_date": account.last_visit_date,
            "overdue_days": overdue,
        }
    )


def _totals(day_route: DayRoute, spec: Workday, result: DaysPlan, zone: ZoneInfo) -> dict[str, Any]:
    route = day_route.route
    totals = PlanTotals(
        stops=len(route.stops),
        distance_km=round(route.distance_m / 1000, 2),
        travel_minutes=round(route.travel_s / 60, 1),
        prize=round(route.prize, 2),
        cost=round(route.cost, 2),
        net=round(route.prize - route.cost, 2),
        solve_time_s=round(result.solve_time_s, 3),
        waiting_minutes=round(route.waiting_s / 60, 1),
    )
    start = PlanPlace(
        latitude=spec.start.lat,
        longitude=spec.start.lon,
        at=local_moment(day_route.day, route.start_s if route.stops else spec.shift.start_s, zone),
    )
    end = None
    if spec.end is not None and route.stops:
        end = PlanPlace(
            latitude=spec.end.lat,
            longitude=spec.end.lon,
            at=local_moment(day_route.day, route.end_s, zone),
        )
    breaks = [
        PlanBreak(
            start=local_moment(day_route.day, b.start_s, zone),
            end=local_moment(day_route.day, b.end_s, zone),
        )
        for b in route.breaks
    ]
    return {
        **totals.model_dump(mode="json"),
        "start": start.model_dump(mode="json"),
        "end": None if end is None else end.model_dump(mode="json"),
        "breaks": [b.model_dump(mode="json") for b in breaks],
    }


# --- reading -------------------------------------------------------------------------------


def current_plan(
    session: Session,
    principal: Principal,
    rep_id: int,
    day: date,
    version: int | None = None,
) -> PlanRead:
    """The rep's plan for `day` (the latest version unless `version`), with visit states."""
    rep = get_rep(session, principal, rep_id)
    if version is None:
        row = _latest(session, rep.id, day)
    else:
        row = session.scalars(
            select(RoutePlan).where(
                RoutePlan.rep_id == rep.id,
                RoutePlan.plan_date == day,
                RoutePlan.version == version,
            )
        ).first()
    if row is None:
        which = "" if version is None else f" version {version}"
        raise NotFound(f"no plan{which} for {rep.name} on {day}")
    return read_plan(session, row, rep)


def earlier_stops(session: Session, plan: PlanRead) -> list[list[PlanStop]]:
    """The stops of the versions of `plan`'s day before it, oldest first, as they were stored
    (no visit states). `plan` was read through `current_plan`, which checked the scope."""
    query = (
        select(RoutePlan.stops)
        .where(
            RoutePlan.rep_id == plan.rep_id,
            RoutePlan.plan_date == plan.date,
            RoutePlan.version < plan.version,
        )
        .order_by(RoutePlan.version)
    )
    return [[PlanStop.model_validate(stop) for stop in stops] for stops in session.scalars(query)]


def read_plan(session: Session, row: RoutePlan, rep: Rep) -> PlanRead:
    zone = ZoneInfo(row.time_zone)
    visits = _visits_by_account(session, rep.id, row.plan_date)
    stops = []
    for stored in row.stops:
        stop = PlanStop.model_validate(stored)
        visit = visits.get(stop.account_id)
        if visit is not None:
            stop.state = visit.status  # type: ignore[assignment]
            stop.visit_id = visit.id
            stop.outcome, stop.notes, stop.reason = visit.outcome, visit.notes, visit.reason
            stop.started_at, stop.ended_at = visit.started_at, visit.ended_at
        elif stop.kind == "appointment":
            stop.state = "booked"
        stops.append(stop)
    totals = row.totals
    now = clock.now()
    today = now.astimezone(zone).date()
    frozen = row.plan_date < today or (
        row.plan_date == today and _started(session, rep, today, seconds_into(today, now, zone))
    )
    reasons = basis.stale_reasons(session, row, rep, today)
    return PlanRead(
        id=row.id,
        rep_id=rep.id,
        rep_name=rep.name,
        date=row.plan_date,
        version=row.version,
        kind=row.kind,  # type: ignore[arg-type]
        time_zone=row.time_zone,
        created_at=row.created_at,
        frozen=frozen,
        stale=bool(reasons),
        stale_reasons=reasons,
        start=PlanPlace.model_validate(totals["start"]),
        end=None if totals.get("end") is None else PlanPlace.model_validate(totals["end"]),
        stops=stops,
        breaks=[PlanBreak.model_validate(b) for b in totals.get("breaks", [])],
        call_instead=[CallInstead.model_validate(item) for item in row.left_out],
        totals=PlanTotals.model_validate(totals),
        travel_model=row.travel_model,
        travel_detail=row.travel_detail,
        geometry=row.geometry,
    )


def week_summaries(
    session: Session,
    principal: Principal,
    start: date,
    days: int,
    team_id: int | None = None,
    rep_id: int | None = None,
) -> list[PlanSummary]:
    """The latest plan of every rep in scope for each day of `start` .. `start + days - 1`."""
    end = start + timedelta(days=days)
    query = (
        select(RoutePlan, Rep)
        .join(Rep, Rep.id == RoutePlan.rep_id)
        .where(rep_scope(principal), RoutePlan.plan_date >= start, RoutePlan.plan_date < end)
        .order_by(Rep.name, RoutePlan.plan_date, RoutePlan.version)
    )
    if team_id is not None:
        query = query.where(Rep.team_id == team_id)
    if rep_id is not None:
        query = query.where(Rep.id == rep_id)
    latest: dict[tuple[int, date], tuple[RoutePlan, Rep]] = {}
    for row, rep in session.execute(query).unique():
        latest[(rep.id, row.plan_date)] = (row, rep)
    states = _states_in(session, {rep_id for rep_id, _ in latest}, start, end)
    summaries = []
    for (rep_key, day), (row, rep) in latest.items():
        planned = {stop["account_id"] for stop in row.stops}
        day_states = states.get((rep_key, day), {})
        totals = row.totals
        summaries.append(
            PlanSummary(
                id=row.id,
                rep_id=rep.id,
                rep_name=rep.name,
                date=day,
                version=row.version,
                kind=row.kind,  # type: ignore[arg-type]
                created_at=row.created_at,
                start=datetime.fromisoformat(totals["start"]["at"]),
                end=None
                if totals.get("end") is None
                else datetime.fromisoformat(totals["end"]["at"]),
                done=sum(1 for a in planned if day_states.get(a) == "done"),
                skipped=sum(1 for a in planned if day_states.get(a) == "skipped"),
                call_instead=len(row.left_out),
                totals=PlanTotals.model_validate(totals),
                travel_model=row.travel_model,
            )
        )
    return summaries


def team_working_weekdays(session: Session, principal: Principal, team_id: int) -> set[int]:
    """The weekdays (0 = Monday) any active rep of the team in the caller's scope works."""
    query = select(Rep.working_days).where(
        rep_scope(principal), Rep.team_id == team_id, Rep.active.is_(True), Rep.kind == FIELD
    )
    return {DAYS.index(day) for days in session.scalars(query) for day in days if day in DAYS}


def latest_plan(session: Session, rep_id: int, day: date) -> RoutePlan | None:
    """The rep's latest stored plan of `day` (the caller checked the scope)."""
    return _latest(session, rep_id, day)


def _latest(session: Session, rep_id: int, day: date) -> RoutePlan | None:
    query = (
        select(RoutePlan)
        .where(RoutePlan.rep_id == rep_id, RoutePlan.plan_date == day)
        .order_by(RoutePlan.version.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _visits_by_account(session: Session, rep_id: int, day: date) -> dict[int, Visit]:
    """The visit that speaks for each account that day: the most advanced state, then newest."""
    query = select(Visit).where(Visit.rep_id == rep_id, Visit.visit_date == day, Visit.in_person())
    return strongest(session.scalars(query))


def strongest(visits: Iterable[Visit]) -> dict[int, Visit]:
    best: dict[int, Visit] = {}
    for visit in visits:
        held = best.get(visit.account_id)
        if held is None or (STATE_ORDER.get(visit.status, 0), visit.id) > (
            STATE_ORDER.get(held.status, 0),
            held.id,
        ):
            best[visit.account_id] = visit
    return best


def _states_in(
    session: Session, rep_ids: Sequence[int] | set[int], start: date, end: date
) -> dict[tuple[int, date], dict[int, str]]:
    if not rep_ids:
        return {}
    query = select(Visit).where(
        Visit.rep_id.in_(rep_ids),
        Visit.visit_date >= start,
        Visit.visit_date < end,
        Visit.in_person(),
    )
    grouped: dict[tuple[int, date], list[Visit]] = {}
    for visit in session.scalars(query):
        grouped.setdefault((visit.rep_id, visit.visit_date), []).append(visit)
    return {
        key: {account: v.status for account, v in strongest(visits).items()}
        for key, visits in grouped.items()
    }


__all__ = [
    "batch_plan",
    "current_plan",
    "earlier_stops",
    "hours_text",
    "latest_plan",
    "plan_batch_rep",
    "plan_rep",
    "read_plan",
    "rep_today",
    "replan",
    "started_today",
    "team_working_weekdays",
    "week_summaries",
]
