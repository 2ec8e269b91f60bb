"""Running one job to its end, the same code in the web process and in a Celery worker.

A job's writes and its end (state, report, the stored input deleted) are committed in ONE
transaction, under a lock on the job (PostgreSQL: an advisory lock, released when the
transaction ends or its connection dies), and the job's state is checked again once the lock is
held. So a job whose message is delivered twice (its worker died, or outlived the broker's
visibility timeout) is applied once: the second delivery waits for the lock, then finds the job
finished and stops; if the first worker died, its transaction was rolled back with it and the
second delivery runs the job from the start.

Errors of the database that a retry may cure (a dropped connection, a failover) propagate as
`TransientJobError`: the caller retries with backoff (`app.jobs.worker`, `app.jobs.dispatch`)
and fails the job when the retries run out. Any other error fails the job with its reason.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from enum import Enum

from sqlalchemy import delete, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Settings
from app.core.db import SessionFactory, hold_for_transaction
from app.jobs import progress
from app.jobs.kinds import JobCancelled, JobFailed, JobKind, JobOutcome, JobWork, kind_of
from app.models import Job, JobInput
from app.models.jobs import FINISHED_STATES

log = logging.getLogger(__name__)

JOB_LOCK_CLASS = 14
"""The first key of the jobs' advisory locks (the second is the job id): issue 14."""

Listener = Callable[[int, int], None]
"""Told (done, total) as a job progresses (the CLI's progress bar)."""


class Ran(Enum):
    FINISHED = "finished"
    """The job has ended (here, or before this delivery: then nothing was done)."""
    MISSING = "missing"
    """No such job (yet): the request that queued it may not have committed."""


class TransientJobError(Exception):
    """The database failed in a way a retry may cure; nothing of the job was written."""


def this_runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def runner_lost(runner: str | None) -> bool:
    """Whether `runner` ("host:pid") names a process of this host that no longer exists."""
    host, _, pid = (runner or "").rpartition(":")
    return host == socket.gethostname() and pid.isdigit() and not _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)


def run_job(
    factory: SessionFactory,
    settings: Settings,
    job_id: int,
    listener: Listener | None = None,
    solve: Runner = run_here,
) -> Ran:
    """Run job `job_id` to its end, unless it has ended already; its solves go through
    `solve`."""
    try:
        with factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return Ran.MISSING
            if job.state in FINISHED_STATES:
                return Ran.FINISHED
            try:
                kind = kind_of(job.kind)
            except LookupError as exc:
                _set_end(session, job, "failed", str(exc))
                session.commit()
                return Ran.FINISHED
            job.state, job.attempts, job.runner = "running", job.attempts + 1, this_runner()
            job.started_at = job.started_at or clock.now()
            total = job.progress_total
            session.commit()
        running = progress.started(job_id, total)
        try:
            _work(factory, settings, job_id, kind, running, listener, solve)
        finally:
            progress.ended(job_id)
    except Exception as exc:
        if is_transient(exc):
            raise TransientJobError(f"{type(exc).__name__}: {_first_line(exc)}") from exc
        raise
    return Ran.FINISHED


def fail_job(factory: SessionFactory, job_id: int, reason: str) -> None:
    """Mark a job failed (its retries ran out); a job that ended meanwhile stays as it is."""
    with factory() as session:
        job = _locked(session, job_id)
        if job is not None:
            _set_end(session, job, "failed", reason)
            kind_of(job.kind).on_end(session, job)
        session.commit()


def _work(
    factory: SessionFactory,
    settings: Settings,
    job_id: int,
    kind: JobKind,
    running: progress.Running,
    listener: Listener | None,
    solve: Runner,
) -> None:
    on_sqlite = factory.kw["bind"].dialect.name == "sqlite"

    def report(done: int, total: int) -> None:
        running.done, running.total = done, total
        if listener is not None:
            listener(done, total)
        stop = running.cancel.is_set()
        if not on_sqlite:
            stop = _store_progress(factory, job_id, done, total) or stop
        if stop:
            raise JobCancelled

    with factory() as work:
        job = _locked(work, job_id)
        if job is None:
            return
        data = work.scalar(select(JobInput.data).where(JobInput.job_id == job_id))
        try:
            outcome = kind.run(JobWork(job, work, settings, data, report, solve))
        except JobCancelled:
            work.rollback()
            _end(factory, job_id, kind, "cancelled", "cancelled while running; nothing was written")
            return
        except JobFailed as exc:
            work.rollback()
            _end(factory, job_id, kind, "failed", f"{exc}; nothing was written")
            return
        except Exception as exc:
            work.rollback()
            if is_transient(exc):
                raise
            log.exception("job %s (%s) failed", job_id, kind.name)
            reason = f"the job stopped and nothing was written: {type(exc).__name__}"
            _end(factory, job_id, kind, "failed", reason)
            return
        if not outcome.discard_writes:
            _finish(work, job, outcome)
            work.commit()
            return
        work.rollback()
    with factory() as session:
        job = _locked(session, job_id)
        if job is not None:
            _finish(session, job, outcome)
        session.commit()


def _locked(session: Session, job_id: int) -> Job | None:
    """The job, with this transaction holding its lock, unless it has ended."""
    hold_for_transaction(session, JOB_LOCK_CLASS, job_id)
    job = session.get(Job, job_id, populate_existing=True)
    return None if job is None or job.state in FINISHED_STATES else job


def _finish(session: Session, job: Job, outcome: JobOutcome) -> None:
    outcome.record(session)
    job.links = {**job.links, **outcome.links}
    job.progress_done = max(job.progress_done, job.progress_total)
    _set_end(session, job, "succeeded", None)


def _end(factory: SessionFactory, job_id: int, kind: JobKind, state: str, reason: str) -> None:
    with factory() as session:
        job = _locked(session, job_id)
        if job is not None:
            _set_end(session, job, state, reason)
            kind.on_end(session, job)
        session.commit()


def _set_end(session: Session, job: Job, state: str, reason: str | None) -> None:
    job.state, job.error, job.finished_at = state, reason[:500] if reason else None, clock.now()
    session.execute(delete(JobInput).where(JobInput.job_id == job.id))
    session.flush()


def _store_progress(factory: SessionFactory, job_id: int, done: int, total: int) -> bool:
    """Write the progress on the job's row (its own short transaction); whether a cancel was
    asked for."""
    with factory.begin() as session:
        cancel = session.scalar(
            update(Job)
            .where(Job.id == job_id)
            .values(progress_done=done, progress_total=total)
            .returning(Job.cancel_requested)
        )
    return bool(cancel)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]
