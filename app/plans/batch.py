"""Batch plans as a durable job (issue 14): every rep of a team (or of the caller's scope)
planned by one task per rep, fanned out to the job runners and gathered into the batch's job.

A submission writes, in the request's transaction, the batch's job (the parent: never run
itself; its progress is reps done / reps), one job per rep (a child, `app.plans.batch_task`)
and a `PlanBatchRep` row per rep, then queues the children. Each child plans its rep in one
transaction: its plan versions carry the batch's job id (unique per job, rep and day, so a
redelivered child cannot write a second version) and its `PlanBatchRep` row says how it went;
the child that ends last ends the batch (under a lock on the batch's row). A cancel of the
batch (the job API) stops the children that have not written yet: each looks at the batch's
flag before it plans and again before it writes; the batch then ends `cancelled`, saying how
many reps were planned. The week rule and the rest-of-the-range rule are the ones of
`service.batch_plan`, applied per rep by `service.plan_batch_rep`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.access import job_scope, rep_scope, require_role, sees_team
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.db import hold_for_transaction
from app.core.errors import NotFound
from app.jobs import service as jobs
from app.jobs.dispatch import Dispatcher
from app.models import Job, PlanBatchRep, Rep, RoutePlan
from app.models.jobs import FINISHED_STATES
from app.models.people import FIELD
from app.plans.schemas import BatchFailure, BatchPlanRequest, BatchRun, PlanRun, SkippedDay
from app.plans.service import read_plan

KIND = "plan_batch"
REP_KIND = "plan_batch_rep"
SAME_BATCH_LOCK_CLASS = 1401
"""The first key of the advisory lock two submissions of the same batch take (PostgreSQL), so
that a double click sent twice at once makes one batch."""
UNFINISHED = ("queued", "running")


def result_link(job_id: int) -> str:
    return f"/api/v1/plans/batch/{job_id}"


def submit(
    session: Session,
    principal: Principal,
    request: BatchPlanRequest,
    settings: Settings,
    dispatcher: Dispatcher,
    *,
    key: str | None = None,
) -> tuple[Job, bool]:
    """Queue a batch (`settings`: the caller's role's, whose time limit cap the tasks keep).
    The same `key` again, or the same batch while one runs, is that batch: returns the job and
    whether it was there already."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    if request.team_id is not None and not sees_team(principal, request.team_id):
        raise NotFound(f"no team {request.team_id}")
    same: dict[str, Any] = {
        "request": request.model_dump(mode="json", exclude={"team_id"}),
        "team_id": request.team_id,
    }
    if request.team_id is None:
        # Every rep the caller sees: another caller's "every rep" is another batch.
        same["scope_of"] = principal.user_id
    # The same batch from another role (another cap on the time limit) is still the same batch.
    print_ = jobs.fingerprint(KIND, same, None)
    params = same | {"max_time_limit_s": settings.max_time_limit_s}
    prior = jobs.existing(session, principal, key, print_)
    if prior is not None:
        return prior, True
    _hold_same_batch(session, print_)
    running = session.scalar(
        select(Job)
        .where(
            Job.kind == KIND,
            Job.fingerprint == print_,
            Job.state.in_(UNFINISHED),
            job_scope(principal),
        )
        .order_by(Job.id.desc())
        .limit(1)
    )
    if running is not None:
        return running, True
    query = (
        select(Rep)
        .where(rep_scope(principal), Rep.active.is_(True), Rep.kind == FIELD)
        .order_by(Rep.name)
    )
    if request.team_id is not None:
        query = query.where(Rep.team_id == request.team_id)
    reps = session.scalars(query).unique().all()
    batch = jobs.create(session, principal, kind=KIND, team_id=request.team_id, params=params,
                        data=None, total=len(reps), key=key)  # fmt: skip
    # Its reps' tasks are its work: the batch is under way once they are queued.
    batch.fingerprint, batch.state, batch.started_at = print_, "running", clock.now()
    batch.links = {"result": result_link(batch.id)}
    children = []
    for rep in reps:
        child = jobs.create(session, principal, kind=REP_KIND, team_id=rep.team_id,
                            params={"batch_id": batch.id, "rep_id": rep.id}, data=None,
                            total=1)  # fmt: skip
        child.links = {"batch": f"/api/v1/jobs/{batch.id}"}
        session.add(PlanBatchRep(batch_id=batch.id, job_id=child.id, rep_id=rep.id,
                                 rep_name=rep.name[:200]))  # fmt: skip
        children.append(child)
    if not children:
        batch.state, batch.finished_at = "succeeded", clock.now()
    session.flush()
    for child in children:
        jobs.dispatch(session, child, dispatcher)
    return batch, False


def _hold_same_batch(session: Session, print_: str) -> None:
    hold_for_transaction(session, SAME_BATCH_LOCK_CLASS, int(print_[:8], 16) - 2**31)


def gather(session: Session, batch_id: int) -> None:
    """Count the batch's reps that have ended (the caller has just written one) and end the
    batch when none is left; in the caller's transaction, under a lock on the batch's row, so
    that of two children ending at once the later one sees the other."""
    # FOR NO KEY UPDATE: the caller's plan versions hold a key-share lock on this row (their
    # foreign key); a FOR UPDATE of two children ending at once deadlocked on it.
    batch = session.get(Job, batch_id, with_for_update={"key_share": True}, populate_existing=True)
    if batch is None:
        return
    states = dict(
        session.execute(
            select(PlanBatchRep.state, func.count())
            .where(PlanBatchRep.batch_id == batch_id)
            .group_by(PlanBatchRep.state)
        ).all()
    )
    waiting = states.get("queued", 0)
    batch.progress_done = sum(states.values()) - waiting
    if batch.state in FINISHED_STATES or waiting:
        session.flush()
        return
    batch.finished_at = clock.now()
    stopped = states.get("cancelled", 0)
    if batch.cancel_requested or stopped:
        planned = states.get("planned", 0) + states.get("refused", 0)
        batch.state = "cancelled"
        batch.error = (
            f"cancelled: {planned} of {batch.progress_total} reps were done before it stopped, "
            f"{stopped} were not planned (see {result_link(batch_id)})"
        )
    else:
        batch.state = "succeeded"
    session.flush()


def result(session: Session, principal: Principal, job_id: int) -> BatchRun:
    """What batch `job_id` has planned so far (all of it once it has ended), per rep: the plan
    versions it wrote, and why a rep was not planned (refused, failed or cancelled)."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    batch = jobs.get(session, principal, job_id)
    if batch.kind != KIND:
        raise NotFound(f"job {job_id} is not a batch plan")
    rows = session.scalars(
        select(PlanBatchRep)
        .where(PlanBatchRep.batch_id == job_id)
        .order_by(PlanBatchRep.rep_name, PlanBatchRep.id)
    ).all()
    stored: dict[int, list[RoutePlan]] = {}
    for plan in session.scalars(
        select(RoutePlan).where(RoutePlan.job_id == job_id).order_by(RoutePlan.plan_date)
    ):
        stored.setdefault(plan.rep_id, []).append(plan)
    reps = {rep.id: rep for rep in session.scalars(select(Rep).where(Rep.id.in_(stored)))}
    runs: list[PlanRun] = []
    failed: list[BatchFailure] = []
    for row in rows:
        if row.state == "planned" and row.rep_id is not None:
            rep = reps.get(row.rep_id)
            runs.append(
                PlanRun(
                    rep_id=row.rep_id,
                    rep_name=row.rep_name,
                    plans=[read_plan(session, plan, rep) for plan in stored.get(row.rep_id, [])]
                    if rep is not None
                    else [],
                    planned=[date.fromisoformat(day) for day in row.planned],
                    kept=[date.fromisoformat(day) for day in row.kept],
                    skipped=[SkippedDay.model_validate(day) for day in row.skipped],
                )
            )
        elif row.state != "queued" and row.status is not None:
            failed.append(BatchFailure(rep_id=row.rep_id or 0, rep_name=row.rep_name,
                                       status=row.status, detail=row.detail or ""))  # fmt: skip
    began = batch.started_at or batch.created_at
    ended = batch.finished_at or clock.now()
    return BatchRun(
        job_id=batch.id,
        state=batch.state,  # type: ignore[arg-type]
        runs=runs,
        failed=failed,
        wall_time_s=round(max(0.0, (ended - began).total_seconds()), 3),
    )
