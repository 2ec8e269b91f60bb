"""Jobs run in the web process (no broker: `make run`, the tests): the same job API, a job the
stopped process lost started again by the next one, scope, cancel, double submission."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.cli import main as cli
from app.core.clock import FixedClock
from app.core.config import Settings
from app.imports.parsing import read_accounts_csv
from app.imports.service import submit
from app.main import create_app
from app.models import Account, ImportJob, Job, JobInput, User
from tests.backends import ON_BOTH_BACKENDS
from tests.jobs.helpers import upload, wait_for
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS
CSV = b"external_id,name,latitude,longitude\nj-1,One,41.9,-87.7\nj-2,Two,41.8,-87.6\n"


def _job(client: TestClient, world: World, job_id: int, who: str = "admin") -> Any:
    return client.get(f"/api/v1/jobs/{job_id}", headers=world.headers(who))


def test_an_import_is_a_job_with_progress_and_links(
    client: TestClient, world: World, session: Session
) -> None:
    answer = upload(client, world, CSV)
    assert answer.status_code == 202, answer.text
    job = _job(client, world, answer.json()["job_id"]).json()
    assert (job["kind"], job["state"], job["attempts"]) == ("import_accounts", "succeeded", 1)
    assert job["progress"] == {"done": 2, "total": 2}
    assert job["links"] == {
        "self": f"/api/v1/jobs/{job['id']}", "import": answer.headers["location"]
    }  # fmt: skip
    listed = client.get("/api/v1/jobs?state=succeeded", headers=world.headers("admin")).json()
    assert [item["id"] for item in listed] == [job["id"]]
    assert session.scalar(select(func.count()).select_from(JobInput)) == 0


def test_a_job_the_stopped_web_process_lost_runs_when_it_starts_again(
    client: TestClient, world: World, session: Session, settings: Settings, clock: FixedClock
) -> None:
    class Lost:
        embedded = True

        def dispatch(self, job_id: int) -> None:
            """The process stops before it runs the job."""

    admin = principal_for(session.get_one(User, world.user_ids["admin"]))
    row, _ = submit(session, admin, read_accounts_csv(CSV), CSV, Lost(), filename=None,
                    dry_run=False, team_id=world.team_ids["North"], mapping=None)  # fmt: skip
    job = session.get_one(Job, row.job_id)
    job.state, job.runner = "running", f"{socket.gethostname()}:{2**22 + 4321}"
    session.commit()
    with TestClient(create_app(settings, clock)) as restarted:
        ended = wait_for(
            lambda: (
                (body := _job(restarted, world, job.id).json())["state"] == "succeeded" and body
            ),
            "the resumed job",
        )
        assert ended["attempts"] == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account).where(
        Account.external_id.in_(["j-1", "j-2"]))) == 2  # fmt: skip


def test_a_manager_sees_and_cancels_only_their_teams_jobs(
    client: TestClient, world: World, session: Session
) -> None:
    job = Job(kind="import_accounts", created_by_id=world.user_ids["admin"],
              team_id=world.team_ids["North"])  # fmt: skip
    session.add(job)
    session.commit()
    assert _job(client, world, job.id, "manager_south").status_code == 404
    cancel = f"/api/v1/jobs/{job.id}/cancel"
    assert client.post(cancel, headers=world.headers("manager_south")).status_code == 404
    assert client.get("/api/v1/jobs", headers=world.headers("manager_south")).json() == []
    assert _job(client, world, job.id, "rep_north_1").status_code == 403
    assert _job(client, world, job.id, "manager_north").status_code == 200
    cancelled = client.post(cancel, headers=world.headers("manager_north"))
    assert cancelled.json()["state"] == "cancelled", cancelled.text
    assert client.post(cancel, headers=world.headers("manager_north")).status_code == 409
    assert _job(client, world, 2**31 - 1).status_code == 404


def test_a_double_submission_is_one_job_and_a_key_is_for_one_submission(
    client: TestClient, world: World, session: Session
) -> None:
    first = upload(client, world, CSV, key="click-0001")
    second = upload(client, world, CSV, key="click-0001")
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    other = upload(client, world, CSV + b"j-3,Three,41.7,-87.5\n", key="click-0001")
    assert (other.status_code, other.json()["field"]) == (422, "Idempotency-Key")
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_workers_need_a_broker_and_postgresql(database_url: str, tmp_path: Any) -> None:
    sqlite = f"sqlite:///{tmp_path / 'one.db'}"
    with pytest.raises(ValidationError, match="job workers need PostgreSQL"):
        Settings(broker_url="redis://127.0.0.1:6379/0", database_url=sqlite)
    assert cli(["worker"]) == 2
