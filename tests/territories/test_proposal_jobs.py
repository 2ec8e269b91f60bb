"""Rebalance proposals as jobs (issue 14) in the web process: the 202 and its job, the job's
link to the stored proposal, scope, a double submission being one job, cancel, and a job
that finds the team changed since it was asked for."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.core.config import Settings
from app.core.db import make_session_factory
from app.jobs.run import run_job
from app.models import Account, Job, TerritoryProposal, User
from app.territories import task
from app.territories.schemas import ProposalCreate
from tests.backends import ON_BOTH_BACKENDS
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
URL = "/api/v1/territories/proposals"


class Held:
    """A dispatcher that never runs the job: it stays queued (busy workers)."""

    embedded = True

    def dispatch(self, job_id: int) -> None:
        """Nothing runs it."""


def _body(world: World, **more: Any) -> dict[str, Any]:
    return {"team_id": world.team_ids["North"], "time_limit_s": 2} | more


def _held_job(session: Session, world: World, **more: Any) -> Job:
    manager = principal_for(session.get_one(User, world.user_ids["manager_north"]))
    job, replayed = task.submit(session, manager, ProposalCreate(**_body(world, **more)), Held())
    session.commit()
    assert not replayed
    return job


def _proposals(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(TerritoryProposal)) or 0


def test_a_proposal_is_a_job_that_links_to_it(client: TestClient, world: World) -> None:
    manager = world.headers("manager_north")
    answer = client.post(URL, json=_body(world), headers=manager)
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert (queued["kind"], queued["state"]) == ("territory_proposal", "queued")
    assert answer.headers["location"] == f"/api/v1/jobs/{queued['id']}"
    job = client.get(answer.headers["location"], headers=manager).json()
    assert (job["state"], job["error"], job["attempts"]) == ("succeeded", None, 1)
    assert job["progress"] == {"done": 2, "total": 2}
    assert job["links"]["territories"] == f"/api/v1/territories?team_id={world.team_ids['North']}"
    proposal = client.get(job["links"]["proposal"], headers=manager)
    assert proposal.status_code == 200
    assert (proposal.json()["status"], proposal.json()["params"]["time_limit_s"]) == ("proposed", 2)
    listed = client.get("/api/v1/jobs?kind=territory_proposal", headers=manager).json()
    assert [item["id"] for item in listed] == [job["id"]]


def test_another_teams_manager_sees_no_proposal_job(client: TestClient, world: World) -> None:
    answer = client.post(URL, json=_body(world), headers=world.headers("manager_north"))
    job_url = answer.headers["location"]
    south = world.headers("manager_south")
    assert client.get(job_url, headers=south).status_code == 404
    assert client.post(f"{job_url}/cancel", headers=south).status_code == 404
    assert client.get("/api/v1/jobs", headers=south).json() == []
    assert client.get(job_url, headers=world.headers("rep_north_1")).status_code == 403
    assert client.get(job_url, headers=world.headers("admin")).status_code == 200


def test_bad_requests_are_refused_before_a_job_is_queued(
    client: TestClient, world: World, session: Session
) -> None:
    manager = world.headers("manager_north")
    locked = session.get_one(Account, world.account_ids["rep_north_2-acc-1"])
    locked.locked = True
    session.commit()
    removal = _body(world, remove_rep_ids=[world.rep_ids["rep_north_2"]])
    answer = client.post(URL, json=removal, headers=manager)
    assert (answer.status_code, answer.json()["field"]) == (422, "remove_rep_ids")
    assert "unlock" in answer.json()["detail"]
    south = _body(world, team_id=world.team_ids["South"])
    assert client.post(URL, json=south, headers=manager).status_code == 404
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_the_same_key_twice_is_one_job(client: TestClient, world: World, session: Session) -> None:
    headers = world.headers("manager_north") | {"Idempotency-Key": "rebalance-0001"}
    first = client.post(URL, json=_body(world), headers=headers)
    again = client.post(URL, json=_body(world), headers=headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert _proposals(session) == 1
    other = client.post(URL, json=_body(world, time_limit_s=3), headers=headers)
    assert (other.status_code, other.json()["field"]) == (422, "Idempotency-Key")


def test_the_same_request_while_one_waits_is_that_job(
    client: TestClient, world: World, session: Session
) -> None:
    held = _held_job(session, world)
    # Another manager of the team (here an admin) asks the same: the waiting job answers.
    again = client.post(URL, json=_body(world), headers=world.headers("admin"))
    assert (again.status_code, again.json()["id"]) == (202, held.id)
    assert again.headers["idempotent-replayed"] == "true"
    different = client.post(URL, json=_body(world, time_limit_s=1), headers=world.headers("admin"))
    assert different.json()["id"] != held.id
    assert session.scalar(select(func.count()).select_from(Job)) == 2


def test_a_waiting_proposal_job_is_cancelled(
    client: TestClient, world: World, session: Session
) -> None:
    held = _held_job(session, world)
    manager = world.headers("manager_north")
    cancelled = client.post(f"/api/v1/jobs/{held.id}/cancel", headers=manager)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    assert "proposal" not in cancelled.json()["links"]
    assert _proposals(session) == 0
    # Cancelled, it is not the job a repeat of the request gets.
    again = client.post(URL, json=_body(world), headers=manager)
    assert again.json()["id"] != held.id


def test_a_job_that_finds_the_team_changed_fails_and_writes_nothing(
    client: TestClient, world: World, session: Session, settings: Settings
) -> None:
    held = _held_job(session, world, remove_rep_ids=[world.rep_ids["rep_north_2"]])
    # Between the request and the job, an account of the rep to remove is locked.
    session.get_one(Account, world.account_ids["rep_north_2-acc-1"]).locked = True
    session.commit()
    run_job(make_session_factory(client.app.state.engine), settings, held.id)  # type: ignore[attr-defined]
    session.expire_all()
    job = session.get_one(Job, held.id)
    assert job.state == "failed"
    assert "unlock" in (job.error or "")
    assert _proposals(session) == 0
