"""Reps' day and week plans: plan, re-plan, read, the manager's week grid, and batch planning."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.auth.dependencies import CurrentPrincipal
from app.core.concurrency import admitted, role_settings, run_in_thread, worker_runner
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Day, RowId
from app.jobs.dependencies import DispatcherDep
from app.jobs.schemas import JobRead
from app.plans import actual, lookahead
from app.plans import batch as batch_jobs
from app.plans import service as plans
from app.plans.schemas import (
    ActualReport,
    BatchPlanRequest,
    BatchRun,
    PlanRead,
    PlanRequest,
    PlanRun,
    PlanSummary,
    RefreshRequest,
    RefreshRun,
    ReplanRequest,
)
from app.visits.idempotency import REPLAYED_HEADER, KeyHeader

router = APIRouter(tags=["plans"])


@router.post(
    "/reps/{rep_id}/plans",
    summary="Plan a rep's day or week",
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422, 503),
)
async def plan_rep(
    rep_id: RowId,
    body: PlanRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> PlanRun:
    """Plan a rep's day, or their week in one solve (each working day a route).

    Candidates are the rep's territory accounts that are worth a visit (value x urgency),
    open during the shift; booked appointments are kept at their time. A week plan spreads
    overdue accounts over the days and leaves a day that has started as it is (`kept`).
    Each planned day gets a new plan version.
    """
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(plans.plan_rep, session, principal, rep_id, body, capped, run=run)
    async with admitted(request.app, principal.user_id, capped):
        return await run_in_thread(work)


@router.post(
    "/reps/{rep_id}/plans/refresh",
    summary="Refresh a rep's look-ahead (the rest of the week)",
    responses=error_responses(401, 403, 404, 422, 503),
)
async def refresh(
    rep_id: RowId,
    body: RefreshRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> RefreshRun:
    """Re-plan the days of a rep's week that have not started, together in one solve.

    From `from_date` (default: today on the rep's clock; a day before today counts from today)
    to Sunday: each working day gets a new plan version, and no account is planned on two days
    of the week unless its `cadence_days` asks for it (the days are at least a cadence apart);
    accounts done earlier in the week, or on a started today's plan, are left out. A today
    that has started is kept as it is (`kept`): the rep re-plans it with `.../replan`. The
    answer says per day what was re-planned and why (the old plan's stale reasons).
    """
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(lookahead.refresh, session, principal, rep_id, body, capped, run=run)
    async with admitted(request.app, principal.user_id, capped):
        return await run_in_thread(work)


@router.get(
    "/reps/{rep_id}/plans/{day}",
    summary="Read a rep's day plan",
    responses=error_responses(401, 404, 422),
)
def read_plan(
    rep_id: RowId,
    day: Day,
    session: SessionDep,
    principal: CurrentPrincipal,
    version: Annotated[RowId | None, Query()] = None,
) -> PlanRead:
    """A rep's plan for a day (the latest version unless `version`), with each stop's state."""
    return plans.current_plan(session, principal, rep_id, day, version)


@router.post(
    "/reps/{rep_id}/plans/{day}/replan",
    summary="Re-plan the rest of today",
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422, 503),
)
async def replan(
    rep_id: RowId,
    day: Day,
    body: ReplanRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> PlanRead:
    """Re-plan the rest of today from where the rep is, keeping what is done.

    Starts from `latitude`/`longitude` (or the last stop reached, or home) at `at` (default:
    now), keeps done, skipped and under-way stops, and stores a new version of today's plan.
    """
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(plans.replan, session, principal, rep_id, day, body, capped, run=run)
    async with admitted(request.app, principal.user_id, capped):
        plan = await run_in_thread(work)
    response.headers["Location"] = f"/api/v1/reps/{rep_id}/plans/{day}?version={plan.version}"
    return plan


@router.get(
    "/plans",
    summary="Latest plans per rep and day (week grid)",
    responses=error_responses(401, 422),
)
def week(
    session: SessionDep,
    principal: CurrentPrincipal,
    start: Day,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
    team_id: Annotated[RowId | None, Query()] = None,
    rep_id: Annotated[RowId | None, Query()] = None,
) -> list[PlanSummary]:
    """Every rep's latest plan per day from `start`: the manager's week at a glance."""
    return plans.week_summaries(session, principal, start, days, team_id, rep_id)


@router.get(
    "/plans/actual",
    summary="Plan vs actual of a team (and today so far)",
    responses=error_responses(401, 403, 404, 422, 502, 503),
)
def plan_vs_actual(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    team_id: RowId,
    start: Day,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
) -> ActualReport:
    """A team's plans against the recorded visits, its cadence, and today so far.

    Per rep and day: stops planned, done, skipped (with reasons), still open and late (begun
    more than `late_tolerance_minutes` after the planned start), km planned vs driven (an
    estimate from the recorded visits on the travel model: there is no GPS track); the team's
    cadence compliance as of today, and each rep's today so far. Managers and admins only."""
    return actual.actual_report(session, principal, settings, team_id, start, days)


@router.post(
    "/plans/batch",
    summary="Plan every rep at once (a batch job)",
    status_code=202,
    responses=error_responses(401, 403, 404, 409, 422, 503),
)
def batch(
    body: BatchPlanRequest,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    dispatcher: DispatcherDep,
    key: KeyHeader = None,
) -> JobRead:
    """Start planning every active rep of the caller's teams (or one team) for a day or a week.

    Answers at once (202) with the batch's job: poll `GET /api/v1/jobs/{id}` for its progress
    (reps done / reps); once it has ended, `GET /api/v1/plans/batch/{id}` (the job's
    `links.result`) holds what this endpoint answered before it became a job: each rep's plans,
    and the reps that could not be planned, by name, with the reason. Each rep is planned by
    its own task (on the job workers when a broker is configured, else in the web process);
    a rep's plan versions are written once however often its task is delivered. The same
    `Idempotency-Key` again, or the same batch (team, date, days) while one is running, answers
    with that batch (`Idempotent-Replayed: true`). A job queue that is down is a 503 and
    nothing is written. Cancel with `POST /api/v1/jobs/{id}/cancel`: the reps not planned yet
    are not planned.
    """
    capped = role_settings(settings, principal.role)
    job, replayed = batch_jobs.submit(session, principal, body, capped, dispatcher, key=key)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobRead.of(job)


@router.get(
    "/plans/batch/{job_id}",
    summary="What a batch planned",
    responses=error_responses(401, 403, 404, 422),
)
def batch_result(job_id: RowId, session: SessionDep, principal: CurrentPrincipal) -> BatchRun:
    """A batch job's plans per rep and the reps it could not plan, by name, with the reason.

    While the batch runs, the reps done so far (`state` says where it is)."""
    return batch_jobs.result(session, principal, job_id)
