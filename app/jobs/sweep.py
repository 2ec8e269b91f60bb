"""The sweep for lost job messages (issue 14): a job sent to the workers whose message the
broker no longer holds (Redis restarted without persistence; a rep's task that ran before its
submission committed and gave up looking) stays `queued` for ever, and its batch `running`.

Every sweep (Celery beat, or `python -m app.cli sweep-jobs` from cron) sends again the jobs
queued for the workers longer than `job_lost_after_s` whose message is neither waiting in the
queue nor held by a worker. The broker is read first, the jobs second: a job queued in the
database that the broker had not seen is lost, or was taken by a worker in between, and then a
second message is harmless (`app.jobs.run` runs a job once: a finished job is not run again,
and a job running elsewhere is waited for under its lock). A long queue at night is not lost:
its messages are in the broker, and nothing is sent twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

import redis
from sqlalchemy import select

from app.core import clock
from app.core.config import Settings
from app.core.db import SessionFactory
from app.jobs import worker
from app.models import Job

log = logging.getLogger(__name__)

UNACKED_KEY = "unacked"
"""kombu's Redis hash of the messages delivered to workers and not acknowledged yet."""


def sweep_lost(
    factory: SessionFactory,
    settings: Settings,
    send: Callable[[Settings, int], None] = worker.send,
) -> list[int]:
    """Send again the workers' jobs whose message is lost; returns their ids."""
    if not settings.broker_url or not settings.broker_url.startswith(("redis://", "rediss://")):
        log.warning("sweep: only a Redis broker can be looked into; nothing swept")
        return []
    held = messages_held(settings.broker_url)
    cutoff = clock.now() - timedelta(seconds=settings.job_lost_after_s)
    with factory() as session:
        # `runner` is set for the web process's own jobs (resumed at its start), and by a
        # worker that starts one; a job sent to the workers and never started has none.
        waiting = session.scalars(
            select(Job.id)
            .where(Job.state == "queued", Job.runner.is_(None), Job.created_at < cutoff)
            .order_by(Job.id)
        ).all()
    lost = [job_id for job_id in waiting if job_id not in held]
    for job_id in lost:
        send(settings, job_id)
    if lost:
        log.warning("sweep: %d lost job messages sent again: %s", len(lost), lost[:20])
    return lost


def messages_held(broker_url: str) -> set[int]:
    """The job ids whose message Redis holds: waiting in the queue (every priority's list) or
    delivered to a worker and not acknowledged (a running or retrying job)."""
    client = redis.Redis.from_url(broker_url)
    try:
        held: set[int] = set()
        for key in client.scan_iter(match=f"{worker.QUEUE}*"):
            if client.type(key) == b"list":
                held.update(_job_id(_loaded(raw)) for raw in client.lrange(key, 0, -1))
        for raw in client.hvals(UNACKED_KEY):
            # [message, exchange, routing key]
            entry = _loaded(raw)
            held.add(_job_id(entry[0] if isinstance(entry, list) and entry else None))
        held.discard(-1)
        return held
    finally:
        client.close()


def _loaded(raw: bytes | str) -> object:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _job_id(message: object) -> int:
    """The task id of a kombu message (the job id), -1 for a message that is not a job's."""
    if not isinstance(message, dict):
        return -1
    headers, properties = message.get("headers") or {}, message.get("properties") or {}
    task_id = headers.get("id") or properties.get("correlation_id")
    try:
        return int(str(task_id))
    except (TypeError, ValueError):
        return -1
