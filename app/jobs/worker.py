"""Celery: the workers that run jobs when `FIELDROUTE_BROKER_URL` is set (`make worker`), and
the publisher the web process queues jobs with.

Delivery is at least once, and `app.jobs.run` makes a job's effect exactly once: a message is
acknowledged only when its job has ended (`acks_late`), is given back when its worker process
dies (`reject_on_worker_lost`), and reappears for another worker once the visibility timeout
passes without an acknowledgement (the whole worker died). Each worker takes one message at a
time (prefetch 1: a long job does not hold others back). Task ids are job ids, so a job is one
task however often it is retried. Messages are JSON (a job id), never pickles.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery, Task

from app.core.config import Settings
from app.core.db import SessionFactory, make_engine, make_session_factory
from app.jobs.run import Ran, TransientJobError, fail_job, run_job

log = logging.getLogger(__name__)

TASK_NAME = "fieldroute.run_job"
TICK_NAME = "fieldroute.nightly_tick"
"""Celery beat's periodic task: queue the nightly plans that are due (`app.plans.nightly`)."""
SWEEP_NAME = "fieldroute.sweep_lost_jobs"
"""Celery beat's other periodic task: send again the jobs whose message is lost
(`app.jobs.sweep`)."""
QUEUE = "fieldroute-jobs"
MISSING_RETRIES = 20
"""A job whose row is not there yet: the request that queued it sends the message before it
commits (so that a broker that is down leaves nothing behind), so look again, this often."""
MISSING_DELAY_S = 0.5
MISSING_WAIT_STEPS, MISSING_WAIT_STEP_S = 40, 0.05
"""First, wait for the commit in place (up to 40 x 50 ms): a message sent back to the queue
runs behind every later one, so a batch's first reps would be planned last."""
RETRY_BACKOFF_MAX_S = 300.0


def backoff_s(retries: int) -> float:
    """Seconds before retry number `retries + 1` of a job the database failed: 2, 4, 8, ..."""
    return min(RETRY_BACKOFF_MAX_S, 2.0 ** (retries + 1))


def make_celery(settings: Settings) -> Celery:
    """A Celery app on the settings' broker, with the job task registered."""
    if not settings.broker_url:
        raise ValueError("broker_url: job workers need FIELDROUTE_BROKER_URL (a Redis URL)")
    app = Celery("fieldroute", set_as_current=False)
    visibility_s = settings.job_visibility_timeout_s
    app.conf.update(
        broker_url=settings.broker_url,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility_s,
            # How often a worker looks for messages whose worker died: often enough that a
            # lost job waits little more than the visibility timeout.
            "unacked_restore_interval": max(1.0, min(60.0, visibility_s / 10)),
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": 3,
            "socket_timeout": 30,
        },
        # A broker that is down at submit: a quick, clear 503 rather than a long wait.
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_default_queue=QUEUE,
        worker_hijack_root_logger=False,
    )
    app.task(bind=True, name=TASK_NAME, max_retries=None)(_run)
    app.task(name=TICK_NAME)(_nightly_tick)
    app.task(name=SWEEP_NAME)(_sweep)
    sweep_s = settings.job_lost_after_s / 2
    app.conf.beat_schedule = {
        "nightly-plan": {
            "task": TICK_NAME,
            "schedule": settings.nightly_tick_s,
            # Ticks are cheap and the next one does the same: none piles up behind long jobs.
            "options": {"expires": settings.nightly_tick_s, "queue": QUEUE},
        },
        "sweep-lost-jobs": {
            "task": SWEEP_NAME,
            "schedule": sweep_s,
            "options": {"expires": sweep_s, "queue": QUEUE},
        },
    }
    app.conf.beat_schedule_filename = str(settings.data_dir / "celerybeat-schedule")
    return app


_publishers: dict[tuple[str | None, float], Celery] = {}
_publishers_lock = threading.Lock()


def publisher(settings: Settings) -> Celery:
    """The web process's Celery app for these settings (one connection pool per broker)."""
    key = (settings.broker_url, settings.job_visibility_timeout_s)
    with _publishers_lock:
        if key not in _publishers:
            _publishers[key] = make_celery(settings)
        return _publishers[key]


def send(settings: Settings, job_id: int) -> None:
    """Queue job `job_id` for the workers (raises what the broker raises when it is down)."""
    publisher(settings).send_task(TASK_NAME, args=[job_id], task_id=str(job_id), queue=QUEUE)


_settings: Settings | None = None
_factories: dict[int, SessionFactory] = {}


def serve(settings: Settings, argv: list[str]) -> None:
    """Run a worker in this process (`python -m app.cli worker`); `argv`: Celery's options."""
    global _settings
    _settings = settings
    make_celery(settings).worker_main(["worker", "--queues", QUEUE, *argv])


def beat(settings: Settings) -> None:
    """Run Celery beat in this process (`python -m app.cli beat`): one tick every
    `nightly_tick_s`. Two beats by mistake plan nobody twice (`app.plans.nightly`)."""
    make_celery(settings).Beat(loglevel="INFO").run()


class _ToQueue:
    embedded = False

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def dispatch(self, job_id: int) -> None:
        send(self._settings, job_id)


def _nightly_tick() -> None:
    settings = _settings if _settings is not None else Settings()
    # Imported here: the plans feature imports this module (through app.jobs).
    from app.plans.nightly import run_tick

    report = run_tick(_factory(settings), settings, _ToQueue(settings))
    if report.queued or report.refused:
        log.info("nightly plan: %d queued, refused: %s", len(report.queued), report.refused)


def _sweep() -> None:
    settings = _settings if _settings is not None else Settings()
    from app.jobs.sweep import sweep_lost  # it imports this module

    sweep_lost(_factory(settings), settings)


def _factory(settings: Settings) -> SessionFactory:
    # One engine per process: a prefork worker's children must not share the parent's
    # connections.
    pid = os.getpid()
    if pid not in _factories:
        _factories[pid] = make_session_factory(make_engine(settings.sqlalchemy_url))
    return _factories[pid]


def _run(task: Task[Any, Any], job_id: int) -> None:
    settings = _settings if _settings is not None else Settings()
    factory = _factory(settings)
    retries: int = task.request.retries
    try:
        ran = run_job(factory, settings, job_id)
        if ran is Ran.MISSING and retries == 0:
            ran = _once_committed(factory, settings, job_id)
    except TransientJobError as exc:
        if retries >= settings.job_max_retries:
            reason = f"the database failed {retries + 1} times; last: {exc}"
            log.error("job %s: %s", job_id, reason)
            fail_job(factory, job_id, reason)
            return
        log.warning("job %s: %s; retrying in %.0f s", job_id, exc, backoff_s(retries))
        raise task.retry(countdown=backoff_s(retries), exc=exc) from exc
    if ran is Ran.MISSING:
        if retries >= MISSING_RETRIES:
            log.warning("job %s: no such job (its request was rolled back); dropped", job_id)
            return
        raise task.retry(countdown=MISSING_DELAY_S)


def _once_committed(factory: SessionFactory, settings: Settings, job_id: int) -> Ran:
    """Run the job as soon as the request that queued it commits, waiting a moment at most."""
    ran = Ran.MISSING
    for _ in range(MISSING_WAIT_STEPS):
        threading.Event().wait(MISSING_WAIT_STEP_S)
        ran = run_job(factory, settings, job_id)
        if ran is not Ran.MISSING:
            break
    return ran
