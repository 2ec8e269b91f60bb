"""Imports through real Celery workers (Redis, PostgreSQL; issue 14): progress while it runs,
a web process restarted mid-way, cancels, a broker that is down, a double submission. The
worker (one, for the module) runs a job at a time; an import is held half-way by a row the
test keeps locked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from app.models import Account, ImportJob, Job, JobInput
from tests.jobs.helpers import (
    CHUNK_ROWS,
    HELD,
    ROWS,
    Worker,
    add_held_account,
    big_csv,
    holding_row,
    job_when,
    upload,
)
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def client(worker_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(worker_settings, clock)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def worker(start_worker: Callable[[str], Worker]) -> Worker:
    return start_worker("module")


def _running_half_way(body: dict[str, Any]) -> bool:
    return body["state"] == "running" and body["progress"]["done"] >= CHUNK_ROWS


def _ended(body: dict[str, Any]) -> bool:
    return body["state"] in ("succeeded", "failed", "cancelled")


def test_an_import_runs_on_a_worker_and_a_restarted_web_process_sees_it_end(
    client: TestClient,
    world: World,
    session: Session,
    worker: Worker,
    worker_settings: Settings,
    clock: FixedClock,
) -> None:
    add_held_account(session, world)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with holding_row(engine):
        answer = upload(client, world, big_csv())
        assert answer.status_code == 202, answer.text
        job_id = answer.json()["job_id"]
        running = job_when(client, world, job_id, _running_half_way)
        assert running["progress"] == {"done": CHUNK_ROWS, "total": ROWS}
        assert running["links"]["import"] == answer.headers["location"]
        # The web process goes away and another one starts while the worker goes on.
        with TestClient(create_app(worker_settings, clock)) as restarted:
            seen = restarted.get(f"/api/v1/jobs/{job_id}", headers=world.headers("admin"))
            assert seen.json()["state"] == "running"
    with TestClient(create_app(worker_settings, clock)) as restarted:
        ended = job_when(restarted, world, job_id, _ended)
        assert (ended["state"], ended["error"], ended["attempts"]) == ("succeeded", None, 1)
        assert ended["progress"] == {"done": ROWS, "total": ROWS}
        report = restarted.get(ended["links"]["import"], headers=world.headers("admin")).json()
    assert (report["status"], report["created"], report["updated"]) == ("succeeded", ROWS - 1, 1)
    assert report["processed_rows"] == ROWS
    session.expire_all()
    assert session.scalar(select(Account.name).where(Account.external_id == HELD)) != "Before"
    assert session.scalar(select(func.count()).select_from(JobInput)) == 0


def test_cancelled_jobs_stop_and_say_so(
    client: TestClient, world: World, session: Session, worker: Worker
) -> None:
    add_held_account(session, world)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    admin = world.headers("admin")
    with holding_row(engine):
        running_id = upload(client, world, big_csv()).json()["job_id"]
        job_when(client, world, running_id, _running_half_way)
        # The worker is busy: the next job waits in the queue.
        queued_id = upload(client, world, big_csv().replace(b"e-", b"q-")).json()["job_id"]
        queued = client.post(f"/api/v1/jobs/{queued_id}/cancel", headers=admin).json()
        assert (queued["state"], queued["error"]) == (
            "cancelled", "cancelled by Admin before it started"
        )  # fmt: skip
        asked = client.post(f"/api/v1/jobs/{running_id}/cancel", headers=admin).json()
        assert (asked["state"], asked["cancel_requested"]) == ("running", True)
    ended = job_when(client, world, running_id, _ended)
    assert ended["state"] == "cancelled"
    assert ended["error"] == "cancelled while running; nothing was written"
    report = client.get(ended["links"]["import"], headers=admin).json()
    assert (report["status"], report["created"]) == ("cancelled", 0)
    again = client.post(f"/api/v1/jobs/{running_id}/cancel", headers=admin)
    assert again.status_code == 409, again.text
    # The queued job's message reaches the worker, which leaves the cancelled job as it is.
    follower = upload(client, world, b"external_id,name\nlast-1,Last\n").json()["job_id"]
    assert job_when(client, world, follower, _ended)["state"] == "succeeded"
    assert client.get(f"/api/v1/jobs/{queued_id}", headers=admin).json()["state"] == "cancelled"
    session.expire_all()
    written = session.scalar(
        select(func.count()).select_from(Account).where(Account.external_id != "last-1")
    )
    assert written == len(world.account_ids) + 1  # the held account, and nothing imported


def test_a_double_submission_is_one_job(
    client: TestClient, world: World, session: Session, worker: Worker
) -> None:
    data = b"external_id,name\nd-1,Double\n"
    first = upload(client, world, data, key="double-click-1")
    second = upload(client, world, data, key="double-click-1")
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["job_id"] == second.json()["job_id"]
    assert second.headers["idempotent-replayed"] == "true"
    job_when(client, world, first.json()["job_id"], _ended)
    assert session.scalar(select(func.count()).select_from(Job)) == 1
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_a_broker_that_is_down_at_submit_is_a_503_and_nothing_is_written(
    world: World, session: Session, worker_settings: Settings, clock: FixedClock
) -> None:
    down = worker_settings.model_copy(update={"broker_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(down, clock)) as client:
        answer = upload(client, world, b"external_id,name\nx-1,Nobody\n")
    assert answer.status_code == 503, answer.text
    assert "job queue is not answering" in answer.json()["detail"]
    assert answer.headers["retry-after"]
    for table in (Job, JobInput, ImportJob):
        assert session.scalar(select(func.count()).select_from(table)) == 0
