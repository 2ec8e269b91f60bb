"""A worker killed (`kill -9`) in the middle of an import: another worker runs the job again
from its stored file once the broker gives the message back, and the import is applied once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from app.models import Account, ImportJob, JobInput
from tests.jobs.helpers import (
    CHUNK_ROWS,
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


def test_a_killed_worker_s_import_is_finished_by_another_exactly_once(
    client: TestClient, world: World, session: Session, start_worker: Callable[[str], Worker]
) -> None:
    add_held_account(session, world)
    first = start_worker("first")
    with holding_row(client.app.state.engine):  # type: ignore[attr-defined]
        job_id = upload(client, world, big_csv()).json()["job_id"]
        job_when(client, world, job_id, lambda b: b["progress"]["done"] >= CHUNK_ROWS)
        first.kill()
    start_worker("second")
    ended = job_when(client, world, job_id, lambda b: b["state"] not in ("queued", "running"))
    assert (ended["state"], ended["attempts"]) == ("succeeded", 2), ended
    report = client.get(ended["links"]["import"], headers=world.headers("admin")).json()
    assert (report["created"], report["updated"], report["rejected"]) == (ROWS - 1, 1, 0)
    imported = select(func.count()).select_from(Account).where(Account.external_id.like("e-%"))
    assert session.scalar(imported) == ROWS
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1
    assert session.scalar(select(func.count()).select_from(JobInput)) == 0
