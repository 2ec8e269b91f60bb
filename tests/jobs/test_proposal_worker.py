"""Rebalance proposals through a real Celery worker (Redis, PostgreSQL; issue 14): the worker
designs and stores the proposal the job links to; the same request while it runs is that job;
a cancel while it runs stores nothing. A proposal is held before it is stored by a lock the
test keeps on the proposals' table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from app.models import TerritoryProposal
from tests.jobs.helpers import Worker, job_when
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
URL = "/api/v1/territories/proposals"


@pytest.fixture
def client(worker_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(worker_settings, clock)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def worker(start_worker: Callable[[str], Worker]) -> Worker:
    return start_worker("proposals")


def _ended(body: dict[str, Any]) -> bool:
    return body["state"] in ("succeeded", "failed", "cancelled")


def _body(world: World) -> dict[str, Any]:
    return {"team_id": world.team_ids["North"], "workload_tolerance": 0.2, "time_limit_s": 2}


def test_a_worker_designs_the_proposal(client: TestClient, world: World, worker: Worker) -> None:
    manager = world.headers("manager_north")
    answer = client.post(URL, json=_body(world), headers=manager)
    assert answer.status_code == 202, answer.text
    job = job_when(client, world, answer.json()["id"], _ended)
    assert (job["state"], job["error"]) == ("succeeded", None), worker.log.read_text()[-2000:]
    proposal = client.get(job["links"]["proposal"], headers=manager).json()
    assert proposal["status"] == "proposed"
    assert proposal["team_id"] == world.team_ids["North"]


def test_a_repeat_while_it_runs_is_that_job_and_a_cancel_stores_nothing(
    client: TestClient, world: World, session: Session, postgres_engine: Engine, worker: Worker
) -> None:
    manager = world.headers("manager_north")
    with postgres_engine.connect() as connection:
        held = connection.begin()
        connection.execute(text("LOCK TABLE territory_proposal IN ACCESS EXCLUSIVE MODE"))
        try:
            first = client.post(URL, json=_body(world), headers=manager).json()
            job_when(client, world, first["id"], lambda body: body["state"] == "running")
            again = client.post(URL, json=_body(world), headers=world.headers("admin"))
            assert again.json()["id"] == first["id"]
            assert again.headers["idempotent-replayed"] == "true"
            asked = client.post(f"/api/v1/jobs/{first['id']}/cancel", headers=manager).json()
            assert (asked["state"], asked["cancel_requested"]) == ("running", True)
        finally:
            held.rollback()
    job = job_when(client, world, first["id"], _ended)
    assert job["state"] == "cancelled", job
    assert "nothing was written" in job["error"]
    assert "proposal" not in job["links"]
    assert session.scalar(select(func.count()).select_from(TerritoryProposal)) == 0
