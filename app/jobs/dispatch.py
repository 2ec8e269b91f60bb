"""Where a submitted job runs: in the web process (no broker configured: `make run`, the
tests) or on the workers (`FIELDROUTE_BROKER_URL`).

Both are told of the job while the request that made it is still open. The embedded runner
starts after the request has committed (the web framework's background tasks run after the
response). The workers get their message at once: a broker that is down then fails the request
with a 503 and its transaction is rolled back, so nothing is left half-way; a worker that is
quicker than the commit looks again (`app.jobs.worker`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError
from sqlalchemy import select

from app.core.clock import Clock, using
from app.core.concurrency import Runner, run_here
from app.core.config import Settings
from app.core.db import SessionFactory
from app.core.errors import AppError
from app.jobs import worker
from app.jobs.run import TransientJobError, fail_job, run_job, runner_lost
from app.models import Job

log = logging.getLogger(__name__)


class BrokerUnavailable(AppError):
    status_code = 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the job queue is not answering ({reason}); nothing was started, retry later",
            headers={"Retry-After": "10"},
        )


class Dispatcher(Protocol):
    embedded: bool

    def dispatch(self, job_id: int) -> None:
        """Have job `job_id` run once the caller's transaction commits."""


class Embedded:
    """Run in this process, after the request (`add_task`: the response's background tasks)."""

    embedded = True

    def __init__(
        self,
        add_task: Callable[..., Any],
        factory: SessionFactory,
        settings: Settings,
        solve: Runner = run_here,
    ) -> None:
        self._add_task, self._factory, self._settings = add_task, factory, settings
        self._solve = solve

    def dispatch(self, job_id: int) -> None:
        self._add_task(run_embedded, self._factory, self._settings, job_id, self._solve)


class ToWorkers:
    embedded = False

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def dispatch(self, job_id: int) -> None:
        try:
            worker.send(self._settings, job_id)
        except (BrokerError, RedisError, OSError) as exc:
            log.warning("job %s not queued: %s", job_id, exc)
            raise BrokerUnavailable(type(exc).__name__) from exc


def run_embedded(
    factory: SessionFactory, settings: Settings, job_id: int, solve: Runner = run_here
) -> None:
    """Run a job in this process, retrying what the database failed (as workers do); its
    solves go through `solve` (the web process's solver processes)."""
    for attempt in range(settings.job_max_retries + 1):
        try:
            run_job(factory, settings, job_id, solve=solve)
            return
        except TransientJobError as exc:
            if attempt == settings.job_max_retries:
                fail_job(factory, job_id, f"the database failed {attempt + 1} times; last: {exc}")
                return
            threading.Event().wait(worker.backoff_s(attempt))


def resume_interrupted(
    factory: SessionFactory, settings: Settings, clock: Clock, solve: Runner = run_here
) -> list[int]:
    """Start again, in a thread, the jobs this host's web process had queued or was running
    when it stopped (their input is stored and their writes were rolled back); returns their
    ids. Jobs of another host are theirs to judge: this process cannot tell if they live."""
    with factory() as session:
        jobs = session.scalars(
            select(Job).where(Job.state.in_(("queued", "running"))).order_by(Job.id)
        ).all()
        lost = [job.id for job in jobs if runner_lost(job.runner)]
    if lost:
        threading.Thread(
            target=_run_all,
            args=(factory, settings, clock, lost, solve),
            name="jobs-resumed",
            daemon=True,
        ).start()
    return lost


def _run_all(
    factory: SessionFactory, settings: Settings, clock: Clock, ids: Sequence[int], solve: Runner
) -> None:
    with using(clock):
        for job_id in ids:
            try:
                run_embedded(factory, settings, job_id, solve)
            except Exception:
                log.exception("resumed job %s", job_id)
