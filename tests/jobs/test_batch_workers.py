"""Batch plans through a real Celery worker (Redis, PostgreSQL; issue 14): many reps, one plan
version per rep and day; a double submission is one batch; scope; a cancel mid-batch. One
worker for the module; the batch is held at a rep by a row the test keeps locked."""

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
from app.models import Job, PlanBatchRep, RoutePlan
from tests.jobs.batches import (
    FAR_MONDAY,
    MANY,
    add_reps,
    holding_rep,
    plans_per_rep_day,
    rep_job,
    submit,
    waiting_at_a_lock,
)  # fmt: skip
from tests.jobs.helpers import Worker, job_when, wait_for
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
NORTH_REPS = 2


@pytest.fixture
def client(worker_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(worker_settings, clock)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def worker(start_worker: Callable[[str], Worker]) -> Worker:
    return start_worker("batch")


def _ended(body: dict[str, Any]) -> bool:
    return body["state"] in ("succeeded", "failed", "cancelled")


def test_a_batch_of_many_reps_writes_one_version_per_rep_and_day_once(
    client: TestClient, world: World, session: Session, worker: Worker
) -> None:
    reps = add_reps(session, world)
    first = submit(client, world)
    assert first.status_code == 202, first.text
    job = first.json()
    assert (job["kind"], job["state"]) == ("plan_batch", "running")
    assert job["progress"] == {"done": 0, "total": MANY + NORTH_REPS}
    assert first.headers["location"] == job["links"]["self"] == f"/api/v1/jobs/{job['id']}"
    # The double click: the same batch while it runs is that batch.
    again = submit(client, world, who="admin")
    assert again.status_code == 202, again.text
    assert (again.json()["id"], again.headers["idempotent-replayed"]) == (job["id"], "true")
    # Another team's manager sees nothing of it.
    south = world.headers("manager_south")
    for answer in (
        client.get(f"/api/v1/jobs/{job['id']}", headers=south),
        client.post(f"/api/v1/jobs/{job['id']}/cancel", headers=south),
        client.get(job["links"]["result"], headers=south),
    ):
        assert answer.status_code == 404, answer.text
    ended = job_when(client, world, job["id"], _ended)
    assert (ended["state"], ended["error"]) == ("succeeded", None)
    assert ended["progress"] == {"done": MANY + NORTH_REPS, "total": MANY + NORTH_REPS}
    result = client.get(ended["links"]["result"], headers=world.headers("manager_north")).json()
    assert (result["job_id"], result["state"], result["failed"]) == (job["id"], "succeeded", [])
    assert len(result["runs"]) == MANY + NORTH_REPS
    assert all(run["planned"] == [FAR_MONDAY.isoformat()] for run in result["runs"])
    counts = plans_per_rep_day(session, job["id"])
    assert set(counts.values()) == {1}
    assert {rep for rep, _ in counts} >= set(reps)
    assert len(counts) == MANY + NORTH_REPS
    assert (
        session.scalar(select(func.count()).select_from(Job).where(Job.kind == "plan_batch")) == 1
    )


def test_a_batch_cancelled_mid_way_stops_the_reps_not_planned_and_says_so(
    client: TestClient, world: World, session: Session, worker: Worker
) -> None:
    reps = add_reps(session, world)
    held = reps[4]
    engine = client.app.state.engine  # type: ignore[attr-defined]
    manager = world.headers("manager_north")
    with holding_rep(engine, held):
        job_id = submit(client, world).json()["id"]
        # The worker is at the held rep, past its last look at the cancel: it will write. A
        # running job is not enough (it looks at the cancel once more before writing); it must
        # be waiting at its insert.
        job_when(client, world, rep_job(session, job_id, held), lambda b: b["state"] == "running")
        wait_for(lambda: waiting_at_a_lock(engine), "the held rep's task to wait at its insert")
        asked = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=manager).json()
        assert (asked["state"], asked["cancel_requested"]) == ("running", True)
    ended = job_when(client, world, job_id, _ended)
    result = client.get(ended["links"]["result"], headers=manager).json()
    planned = [run["rep_id"] for run in result["runs"]]
    assert held in planned
    assert ended["state"] == "cancelled"
    assert ended["error"].startswith(
        f"cancelled: {len(planned)} of {MANY + NORTH_REPS} reps were done before it stopped"
    )
    assert result["failed"], "the reps after the held one were not planned"
    assert len(planned) + len(result["failed"]) == MANY + NORTH_REPS
    assert all(f["status"] == 409 and "the batch was cancelled" in f["detail"]
               for f in result["failed"])  # fmt: skip
    assert set(plans_per_rep_day(session, job_id)) == {(rep, FAR_MONDAY) for rep in planned}
    states = session.scalars(select(PlanBatchRep.state).where(PlanBatchRep.batch_id == job_id))
    assert sorted(set(states)) == ["cancelled", "planned"]
    assert session.scalar(select(func.count()).select_from(RoutePlan)) == len(planned)
