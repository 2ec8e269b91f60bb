"""A database that does not answer while a job runs (issue 14, bad input): the job is tried
again with backoff, runs once the database is back, and fails saying why when it is down
through every retry (recorded as soon as it answers again). The same rule drives the workers
(`app.jobs.worker`, Celery's retry) and the web process (`run_embedded`, here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.jobs import service as jobs
from app.jobs.dispatch import run_embedded
from app.models import Job, User
from tests.backends import ON_BOTH_BACKENDS
from tests.jobs.solve_probe import KIND
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS


def _down_for(engine: Engine, connections: int) -> list[int]:
    """The engine's next `connections` connections are refused, as by a database that is down;
    returns the count still to refuse."""
    left = [connections]

    @event.listens_for(engine, "do_connect")
    def refuse(dialect: Any, _record: Any, _args: Any, _params: Any) -> None:
        if left[0] > 0:
            left[0] -= 1
            raise dialect.loaded_dbapi.OperationalError("connection refused (the test's outage)")

    return left


def _job(session: Session, world: World) -> int:
    admin = principal_for(session.get_one(User, world.user_ids["admin"]))
    job = jobs.create(session, admin, kind=KIND, team_id=None, params={}, data=None, total=1)
    session.commit()
    return job.id


def _ended(session: Session, job_id: int) -> Job:
    session.expire_all()
    return session.get_one(Job, job_id)


def test_a_job_runs_once_the_database_is_back(
    session: Session, world: World, settings: Settings, database_url: str
) -> None:
    job_id = _job(session, world)
    engine = make_engine(database_url)
    left = _down_for(engine, 1)
    run_embedded(make_session_factory(engine), settings.model_copy(update={"job_max_retries": 2}),
                 job_id)  # fmt: skip
    engine.dispose()
    assert left == [0]
    job = _ended(session, job_id)
    assert (job.state, job.attempts, job.error) == ("succeeded", 1, None)


def test_a_job_the_database_fails_every_time_fails_saying_why(
    session: Session, world: World, settings: Settings, database_url: str
) -> None:
    job_id = _job(session, world)
    engine = make_engine(database_url)
    # Down for the first try and the one retry; back for recording the failure.
    left = _down_for(engine, 2)
    run_embedded(make_session_factory(engine), settings.model_copy(update={"job_max_retries": 1}),
                 job_id)  # fmt: skip
    engine.dispose()
    assert left == [0]
    job = _ended(session, job_id)
    assert job.state == "failed"
    assert job.error is not None
    assert job.error.startswith("the database failed 2 times; last: OperationalError"), job.error
    assert "connection refused (the test's outage)" in job.error
