"""A worker killed (`kill -9`) in the middle of a batch: the rep it was planning goes back to
the broker and another worker plans it; every rep of the batch has exactly one plan version."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from tests.jobs.batches import (
    FAR_MONDAY,
    add_reps,
    holding_rep,
    plans_per_rep_day,
    rep_job,
    submit,
)  # fmt: skip
from tests.jobs.helpers import Worker, job_when
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.fixture
def client(worker_settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(worker_settings, clock)) as test_client:
        yield test_client


def test_a_killed_worker_s_rep_is_planned_by_another_exactly_once(
    client: TestClient, world: World, session: Session, start_worker: Callable[[str], Worker]
) -> None:
    reps = add_reps(session, world, count=8)
    held = reps[3]
    first = start_worker("first")
    with holding_rep(client.app.state.engine, held):  # type: ignore[attr-defined]
        job_id = submit(client, world).json()["id"]
        child = rep_job(session, job_id, held)
        job_when(client, world, child, lambda body: body["state"] == "running")
        first.kill()
    start_worker("second")
    ended = job_when(client, world, job_id, lambda b: b["state"] not in ("queued", "running"))
    assert (ended["state"], ended["progress"]["done"]) == ("succeeded", 10), ended
    replanned = client.get(f"/api/v1/jobs/{child}", headers=world.headers("admin")).json()
    assert (replanned["state"], replanned["attempts"]) == ("succeeded", 2)
    counts = plans_per_rep_day(session, job_id)
    assert counts == {(rep, FAR_MONDAY): 1 for rep, _ in counts}
    assert {rep for rep, _ in counts} >= set(reps)
    assert len(counts) == 10
