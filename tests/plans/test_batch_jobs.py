"""Batch plans as a job in the web process (no broker; issue 14): the 202 contract, the result
that holds the old answer, one version per rep and day, a double submission, scope, a cancel
that stops the reps not planned yet."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.core.config import Settings
from app.jobs.dispatch import run_embedded
from app.models import Job, PlanBatchRep, RoutePlan, User
from app.plans import batch
from app.plans.schemas import BatchPlanRequest
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_CHICAGO
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
MONDAY = TODAY_CHICAGO + timedelta(days=7 - TODAY_CHICAGO.weekday())


def _body(world: World) -> dict[str, object]:
    return {"date": MONDAY.isoformat(), "days": 2, "time_limit": 0.2,
            "team_id": world.team_ids["North"]}  # fmt: skip


def test_a_batch_answers_202_with_its_job_and_its_result_holds_the_plans(
    client: TestClient, world: World, session: Session
) -> None:
    manager = world.headers("manager_north")
    answer = client.post("/api/v1/plans/batch", json=_body(world), headers=manager)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert answer.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert job["links"]["result"] == f"/api/v1/plans/batch/{job['id']}"
    # The test client returns once the web process has run the batch after the response.
    ended = client.get(job["links"]["self"], headers=manager).json()
    assert (ended["kind"], ended["state"], ended["progress"]) == (
        "plan_batch", "succeeded", {"done": 2, "total": 2}
    )  # fmt: skip
    result = client.get(job["links"]["result"], headers=manager).json()
    assert (result["job_id"], result["state"], result["failed"]) == (job["id"], "succeeded", [])
    assert sorted(run["rep_name"] for run in result["runs"]) == ["North Rep 1", "North Rep 2"]
    days = [MONDAY.isoformat(), (MONDAY + timedelta(days=1)).isoformat()]
    assert all(run["planned"] == days for run in result["runs"])
    assert all([p["version"] for p in run["plans"]] == [1, 1] for run in result["runs"])
    rows = session.execute(select(RoutePlan.rep_id, RoutePlan.plan_date, RoutePlan.job_id)).all()
    assert len(rows) == len(set(rows)) == 4
    assert {job_id for _, _, job_id in rows} == {job["id"]}
    # Another team's manager, a rep, a job that is not a batch.
    south = client.get(job["links"]["result"], headers=world.headers("manager_south"))
    assert south.status_code == 404
    rep = client.get(job["links"]["result"], headers=world.headers("rep_north_1"))
    assert rep.status_code == 403
    child = session.scalars(select(PlanBatchRep.job_id)).first()
    assert client.get(f"/api/v1/plans/batch/{child}", headers=manager).status_code == 404


def test_the_same_key_twice_is_one_batch_and_a_key_is_for_one_batch(
    client: TestClient, world: World, session: Session
) -> None:
    headers = world.headers("manager_north") | {"Idempotency-Key": "batch-click-1"}
    first = client.post("/api/v1/plans/batch", json=_body(world), headers=headers)
    second = client.post("/api/v1/plans/batch", json=_body(world), headers=headers)
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    other = client.post("/api/v1/plans/batch", json=_body(world) | {"days": 1}, headers=headers)
    assert (other.status_code, other.json()["field"]) == (422, "Idempotency-Key")
    assert (
        session.scalar(select(func.count()).select_from(Job).where(Job.kind == "plan_batch")) == 1
    )
    assert session.scalar(select(func.count()).select_from(RoutePlan)) == 4


def test_a_cancelled_batch_plans_no_more_reps_and_says_so(
    client: TestClient, world: World, session: Session, settings: Settings
) -> None:
    class Later:
        embedded = True

        def __init__(self) -> None:
            self.job_ids: list[int] = []

        def dispatch(self, job_id: int) -> None:
            self.job_ids.append(job_id)

    later = Later()
    manager = principal_for(session.get_one(User, world.user_ids["manager_north"]))
    request = BatchPlanRequest.model_validate(_body(world))
    job, _ = batch.submit(session, manager, request, settings, later)
    session.commit()
    # The same team and week again while it runs: that batch.
    again = client.post("/api/v1/plans/batch", json=_body(world), headers=world.headers("admin"))
    assert (again.json()["id"], again.headers["idempotent-replayed"]) == (job.id, "true")
    cancel = f"/api/v1/jobs/{job.id}/cancel"
    asked = client.post(cancel, headers=world.headers("manager_north")).json()
    assert (asked["state"], asked["cancel_requested"]) == ("running", True)
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    for child in later.job_ids:
        run_embedded(factory, settings, child)
    ended = client.get(f"/api/v1/jobs/{job.id}", headers=world.headers("manager_north")).json()
    assert ended["state"] == "cancelled"
    assert ended["error"].startswith("cancelled: 0 of 2 reps were done before it stopped")
    result = client.get(f"/api/v1/plans/batch/{job.id}", headers=world.headers("admin")).json()
    assert result["runs"] == []
    assert [(f["rep_name"], f["status"]) for f in result["failed"]] == [
        ("North Rep 1", 409), ("North Rep 2", 409)
    ]  # fmt: skip
    assert result["failed"][0]["detail"] == "North Rep 1 was not planned: the batch was cancelled"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(RoutePlan)) == 0
