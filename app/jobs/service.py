"""Jobs: submitted with their stored input, read and cancelled within the caller's scope.

A feature submits a job in the request's transaction (`submit`): the job's row, its input and
the feature's own rows are flushed, then the dispatcher is told, last, so that a broker that
is down fails the request before anything is committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.access import job_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge
from app.jobs import progress
from app.jobs.dispatch import Dispatcher
from app.jobs.kinds import kind_of
from app.jobs.run import this_runner
from app.models import Job, JobInput
from app.models.jobs import FINISHED_STATES

LATEST = 50
MAX_INPUT_BYTES = 64 * 1024 * 1024
"""No stored input is larger (each kind has its own, smaller limit: imports 20 MiB)."""
KEY_FIELD = "Idempotency-Key"


def fingerprint(kind: str, params: dict[str, Any], data: bytes | None) -> str:
    """What a submission was, so that a key used again for another one is refused."""
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    text = json.dumps([kind, params, digest], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def existing(session: Session, principal: Principal, key: str | None, print_: str) -> Job | None:
    """The job this user already submitted with `key` (a double click), if any."""
    if key is None:
        return None
    job = session.scalar(
        select(Job).where(Job.created_by_id == principal.user_id, Job.idempotency_key == key)
    )
    if job is not None and job.fingerprint != print_:
        raise InvalidRequest(
            f"{KEY_FIELD}: {key!r} was already used for another submission; use a new key "
            "per submission",
            field=KEY_FIELD,
        )
    return job


def create(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    team_id: int | None,
    params: dict[str, Any],
    data: bytes | None,
    total: int = 0,
    key: str | None = None,
) -> Job:
    """A queued job with its stored input (flushed; `dispatch` it once the feature's rows
    are added)."""
    if data is not None and len(data) > MAX_INPUT_BYTES:
        raise PayloadTooLarge(f"file: larger than {MAX_INPUT_BYTES // 2**20} MiB", field="file")
    job = Job(
        kind=kind,
        state="queued",
        created_by_id=principal.user_id,
        team_id=team_id,
        params=params,
        progress_total=total,
        idempotency_key=key,
        fingerprint=fingerprint(kind, params, data) if key is not None else None,
    )
    session.add(job)
    try:
        session.flush()
    except IntegrityError:
        # The same key sent twice at once: the other request makes the job.
        raise Conflict(
            f"{KEY_FIELD}: a submission with key {key!r} is being handled right now; "
            "send it again in a moment to get its job",
            field=KEY_FIELD,
        ) from None
    if data is not None:
        session.add(JobInput(job_id=job.id, data=data, size_bytes=len(data)))
    return job


def dispatch(session: Session, job: Job, dispatcher: Dispatcher) -> None:
    """Hand the job to its runner: the last step of a submission."""
    # The web process's runner is named so that its next start resumes what it loses.
    job.runner = this_runner() if dispatcher.embedded else None
    session.flush()
    dispatcher.dispatch(job.id)


def get(session: Session, principal: Principal, job_id: int) -> Job:
    job = session.scalar(select(Job).where(Job.id == job_id, job_scope(principal)))
    if job is None:
        raise NotFound(f"job {job_id} not found")
    return job


def latest(
    session: Session, principal: Principal, *, state: str | None = None, kind: str | None = None
) -> Sequence[Job]:
    query = select(Job).where(job_scope(principal)).order_by(Job.id.desc()).limit(LATEST)
    if state is not None:
        query = query.where(Job.state == state)
    if kind is not None:
        query = query.where(Job.kind == kind)
    return session.scalars(query).all()


def cancel(session: Session, principal: Principal, job_id: int) -> Job:
    """Stop a job: a queued one at once; a running one at its next step, its writes rolled
    back (it says `cancel_requested` until then). A job that has ended is a 409."""
    job = get(session, principal, job_id)
    if job.state in FINISHED_STATES:
        raise Conflict(f"job {job_id} has already ended ({job.state})")
    reason = f"cancelled by {principal.name} before it started"
    stopped = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(state="cancelled", finished_at=clock.now(), error=reason[:500])
    )
    if stopped.rowcount == 1:  # type: ignore[attr-defined]
        session.execute(delete(JobInput).where(JobInput.job_id == job_id))
        session.refresh(job)
        kind_of(job.kind).on_end(session, job)
        session.flush()
        return job
    # Running: here (the web process runs it) or on a worker, which reads the flag.
    if not progress.request_cancel(job_id) or session.get_bind().dialect.name != "sqlite":
        session.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
        session.refresh(job)
    return job
