"""Without a broker, jobs run in the web process after the response, or when it starts again;
their solves still go to its niced solver processes (issue 12: the web tier stays responsive
while solving), never to the thread running the job."""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.core.concurrency import worker_runner
from app.jobs import service as jobs
from app.jobs.dispatch import run_embedded
from app.models import Job, User
from tests.jobs.solve_probe import KIND
from tests.seed import World


def _probe(session: Session, world: World) -> int:
    admin = principal_for(session.get_one(User, world.user_ids["admin"]))
    job = jobs.create(session, admin, kind=KIND, team_id=None, params={}, data=None, total=1)
    session.commit()
    return job.id


def test_an_embedded_jobs_solve_runs_in_a_solver_process(
    client: TestClient, world: World, session: Session
) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    job_id = _probe(session, world)
    # From a thread the event loop did not start, as a job resumed at start-up runs.
    run_embedded(app.state.session_factory, app.state.settings, job_id, worker_runner(app))
    session.expire_all()
    job = session.get_one(Job, job_id)
    assert job.state == "succeeded", job.error
    assert int(job.links["pid"]) != os.getpid()
