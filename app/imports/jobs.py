"""Reading import jobs, within the caller's scope."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.access import check_team, import_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.errors import NotFound
from app.jobs.run import runner_lost
from app.models import ImportJob, Team

LATEST = 50


def latest(session: Session, principal: Principal) -> Sequence[ImportJob]:
    query = select(ImportJob).where(import_scope(principal))
    return session.scalars(query.order_by(ImportJob.id.desc()).limit(LATEST)).all()


def get(session: Session, principal: Principal, job_id: int) -> ImportJob:
    job = session.scalar(select(ImportJob).where(ImportJob.id == job_id, import_scope(principal)))
    if job is None:
        raise NotFound(f"import job {job_id} not found")
    return job


def check_team_choice(session: Session, principal: Principal, team_id: int | None) -> None:
    """The team an upload defaults to must exist, and be the manager's own."""
    if team_id is None:
        return
    if session.get(Team, team_id) is None:
        raise NotFound(f"team_id: team {team_id} not found")
    check_team(principal, team_id)


def fail_interrupted(session: Session) -> int:
    """Mark imports from before durable jobs (no `job_id`: their file was held in memory) left
    queued or running by a process of this host that no longer exists as failed (their import
    was rolled back with it); returns how many. Called at start-up. Imports run as jobs are
    started again instead (`app.jobs.dispatch.resume_interrupted`)."""
    jobs = session.scalars(
        select(ImportJob).where(
            ImportJob.status.in_(("queued", "running")), ImportJob.job_id.is_(None)
        )
    )
    count = 0
    for job in jobs:
        if not runner_lost(job.runner):
            continue
        job.status, job.finished_at = "failed", clock.now()
        job.error = "interrupted: the server stopped during the import; nothing was written"
        count += 1
    return count
