"""The sweep for lost job messages (issue 14), against the machine's Redis and a real worker: a
job queued with no message is sent again and run once; a job whose message waits in the queue,
a running job and a finished one are not sent again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core import clock
from app.core.clock import FixedClock
from app.core.config import Settings
from app.imports.service import KIND as IMPORT_KIND
from app.jobs.sweep import messages_held, sweep_lost
from app.main import create_app
from app.models import Account, Job
from tests.jobs.helpers import Worker, upload, wait_for
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
CSV = b"external_id,name,latitude,longitude\nswept-1,Swept One,41.9,-87.6\nswept-2,Swept Two,41.8,-87.7\n"


@pytest.fixture
def client(worker_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(worker_settings, clock)) as test_client:
        yield test_client


def _job(session: Session, world: World, state: str, *, age_s: float, runner: str | None) -> int:
    """A job row that no worker will run (no message, or ended)."""
    job = Job(kind=IMPORT_KIND, state=state, created_by_id=world.user_ids["admin"],
              created_at=clock.now() - timedelta(seconds=age_s), runner=runner)  # fmt: skip
    session.add(job)
    session.commit()
    return job.id


def _import(client: TestClient, world: World, session: Session, *, age_s: float) -> int:
    """An import submitted to the workers (its message queued), `age_s` ago."""
    answer = upload(client, world, CSV)
    assert answer.status_code == 202, answer.text
    job_id: int = answer.json()["id"]
    session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(created_at=clock.now() - timedelta(seconds=age_s))
    )
    session.commit()
    return job_id


def _lose_messages(settings: Settings) -> None:
    """Redis restarted without persistence."""
    redis.Redis.from_url(settings.broker_url or "").flushdb()


def test_a_lost_job_is_sent_again_once_and_a_waiting_one_is_left(
    client: TestClient, world: World, session: Session, worker_settings: Settings
) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    lost = _import(client, world, session, age_s=3600)
    recent = _import(client, world, session, age_s=5)
    _lose_messages(worker_settings)
    waiting = _import(client, world, session, age_s=3600)
    _job(session, world, "running", age_s=3600, runner="elsewhere:1")
    _job(session, world, "succeeded", age_s=3600, runner=None)
    embedded = _job(session, world, "queued", age_s=3600, runner="web-host:1")
    assert waiting in messages_held(worker_settings.broker_url or "")

    assert sweep_lost(factory, worker_settings) == [lost]
    # Its message is in the queue now: the next sweep sends nothing.
    assert sweep_lost(factory, worker_settings) == []
    held = messages_held(worker_settings.broker_url or "")
    assert {lost, waiting} <= held
    assert not held & {recent, embedded}
    _lose_messages(worker_settings)


def test_a_swept_job_is_run_once_by_a_worker(
    client: TestClient,
    world: World,
    session: Session,
    worker_settings: Settings,
    start_worker: Callable[[str], Worker],
) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    lost = _import(client, world, session, age_s=3600)
    _lose_messages(worker_settings)
    start_worker("sweep")
    assert sweep_lost(factory, worker_settings) == [lost]

    def ended() -> Job | None:
        session.expire_all()
        job = session.get(Job, lost)
        return job if job is not None and job.state not in ("queued", "running") else None

    job = wait_for(ended, f"job {lost} to end")
    assert (job.state, job.error, job.attempts) == ("succeeded", None, 1)
    assert sweep_lost(factory, worker_settings) == []
    swept = select(func.count()).select_from(Account).where(Account.external_id.like("swept-%"))
    assert session.scalar(swept) == 2
    assert job.links
