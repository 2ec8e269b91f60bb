"""A batch's rep as a job (kind `plan_batch_rep`): the rep planned in the job's transaction,
with its outcome on its `PlanBatchRep` row, then gathered into the batch (`app.plans.batch`).
The batch's own job (kind `plan_batch`) is never run: its reps' jobs are its work."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.core.errors import AppError, NotFound
from app.jobs.kinds import JobCancelled, JobFailed, JobKind, JobOutcome, JobWork, register
from app.models import Job, PlanBatchRep, Rep, User
from app.models.jobs import FINISHED_STATES
from app.plans import service as plans
from app.plans.batch import KIND, REP_KIND, gather
from app.plans.schemas import PlanRequest

CANCELLED_STATUS = 409
FAILED_STATUS = 500


def _plan_rep(work: JobWork) -> JobOutcome:
    session, child = work.session, work.job
    row = session.scalar(select(PlanBatchRep).where(PlanBatchRep.job_id == child.id))
    batch = session.get(Job, child.params.get("batch_id"))
    if row is None or batch is None:
        raise JobFailed("its batch is no longer stored")
    batch_id = batch.id

    def stop_if_cancelled() -> None:
        work.progress(0, 1)  # raises when this rep's own job was cancelled
        flags = session.execute(
            select(Job.cancel_requested, Job.state).where(Job.id == batch_id)
        ).one_or_none()
        if flags is None or flags.cancel_requested or flags.state in FINISHED_STATES:
            raise JobCancelled

    stop_if_cancelled()
    user = session.get(User, child.created_by_id) if child.created_by_id is not None else None
    if user is None or not user.active:
        raise JobFailed("the user who started the batch is no longer active")
    cap = float(batch.params.get("max_time_limit_s") or work.settings.max_time_limit_s)
    settings = work.settings.model_copy(
        update={"max_time_limit_s": min(cap, work.settings.max_time_limit_s)}
    )
    request = PlanRequest.model_validate(batch.params.get("request") or {})
    rep = session.get(Rep, row.rep_id) if row.rep_id is not None else None
    try:
        if rep is None or not rep.active:
            raise NotFound(f"{row.rep_name} is no longer an active rep")
        run = plans.plan_batch_rep(session, principal_for(user), rep, request, settings,
                                   job_id=batch_id, before_writes=stop_if_cancelled,
                                   run=work.solve)  # fmt: skip
    except AppError as exc:
        # A refusal is the rep's answer, not the job's failure (the services name the rep).
        row.state, row.status, row.detail = "refused", exc.status_code, exc.detail[:1000]
    else:
        row.state = "planned"
        row.planned = [day.isoformat() for day in run.planned]
        row.kept = [day.isoformat() for day in run.kept]
        row.skipped = [day.model_dump(mode="json") for day in run.skipped]
    session.flush()
    return JobOutcome(record=lambda into: gather(into, batch_id))


def _rep_ended(session: Session, child: Job) -> None:
    """A rep's job failed or was cancelled: its row says so, and the batch counts it."""
    row = session.scalar(select(PlanBatchRep).where(PlanBatchRep.job_id == child.id))
    if row is None or row.state != "queued":
        return
    if child.state == "cancelled":
        row.state, row.status = "cancelled", CANCELLED_STATUS
        row.detail = f"{row.rep_name} was not planned: the batch was cancelled"
    else:
        row.state, row.status = "failed", FAILED_STATUS
        row.detail = f"{row.rep_name} was not planned: {child.error or 'the job failed'}"[:1000]
    session.flush()
    gather(session, row.batch_id)


def _run_batch(_work: JobWork) -> JobOutcome:
    raise JobFailed("a batch is run by its reps' jobs, not on its own")


def _batch_ended(session: Session, batch: Job) -> None:
    """A batch that ends without its reps (failed): the reps not run yet stop too."""
    children = select(PlanBatchRep.job_id).where(PlanBatchRep.batch_id == batch.id)
    session.execute(
        update(Job)
        .where(Job.id.in_(children), Job.state.in_(("queued", "running")))
        .values(cancel_requested=True)
    )


PLAN_BATCH = register(JobKind(KIND, _run_batch, _batch_ended))
PLAN_BATCH_REP = register(JobKind(REP_KIND, _plan_rep, _rep_ended))
