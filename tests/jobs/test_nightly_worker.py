"""The nightly plan through a real Celery worker (Redis, PostgreSQL; issue 14): the tick beat
sends, run by a worker living at a fixed moment, queues each due rep's job once, and the
worker plans them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.jobs.worker import QUEUE, TICK_NAME, make_celery, publisher
from app.models import Job, NightlyRun, Rep, RoutePlan
from app.models.jobs import FINISHED_STATES
from tests.jobs.helpers import Worker, wait_for, worker_env
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

AT = datetime(2026, 3, 5, 17, 30, tzinfo=UTC)
"""Friday 02:30 in Tokyo; Thursday 18:30 in Berlin, 11:30 in Chicago."""
ZONES = {"rep_north_1": "America/Chicago", "rep_north_2": "Europe/Berlin",
         "rep_south_1": "Asia/Tokyo"}  # fmt: skip


@pytest.fixture
def clocked_worker(broker_url: str, postgres_engine: Engine, tmp_path: Path) -> Iterator[Worker]:
    env = worker_env(postgres_engine.url.render_as_string(hide_password=False), broker_url,
                     tmp_path, 30.0)  # fmt: skip
    env |= {"FIELDROUTE_PLAN_WEEK_TIME_LIMIT_S": "0.3", "FIELDROUTE_PLAN_DAY_TIME_LIMIT_S": "0.3",
            "FIELDROUTE_SOLVER_WORKERS": "1"}  # fmt: skip
    worker = Worker(env, "nightly", tmp_path / "nightly.log", at=AT)
    yield worker
    worker.stop()


def test_the_beat_tick_on_a_worker_plans_each_due_rep_once(
    world: World, session: Session, worker_settings: Settings, clocked_worker: Worker
) -> None:
    for key, zone in ZONES.items():
        session.get_one(Rep, world.rep_ids[key]).time_zone = zone
    session.get_one(Rep, world.rep_ids["rep_south_2"]).active = False
    session.commit()
    sender = publisher(worker_settings)
    sender.send_task(TICK_NAME, queue=QUEUE)
    sender.send_task(TICK_NAME, queue=QUEUE)  # two beats

    def ended() -> list[Job] | None:
        session.expire_all()
        jobs = session.scalars(select(Job).order_by(Job.id)).all()
        return list(jobs) if len(jobs) == 3 and all(
            job.state in FINISHED_STATES for job in jobs
        ) else None  # fmt: skip

    jobs = wait_for(ended, "three nightly jobs to end")
    assert [(job.kind, job.state, job.error) for job in jobs] == [
        ("nightly_plan", "succeeded", None)
    ] * 3
    runs = session.execute(select(Rep.name, NightlyRun.local_date).join(Rep)).all()
    assert sorted((name, day) for name, day in runs) == [
        ("North Rep 1", date(2026, 3, 5)),
        ("North Rep 2", date(2026, 3, 5)),
        ("South Rep 1", date(2026, 3, 6)),
    ]
    tokyo = world.rep_ids["rep_south_1"]
    days = set(session.scalars(select(RoutePlan.plan_date).where(RoutePlan.rep_id == tokyo)))
    assert (min(days), max(days)) == (date(2026, 3, 6), date(2026, 3, 13))


def test_beat_ticks_every_nightly_tick_s(worker_settings: Settings) -> None:
    app = make_celery(worker_settings.model_copy(update={"nightly_tick_s": 600.0}))
    entry = app.conf.beat_schedule["nightly-plan"]
    assert (entry["task"], entry["schedule"]) == (TICK_NAME, 600.0)
    assert entry["options"]["expires"] == 600.0
    assert app.conf.beat_schedule_filename.startswith(str(worker_settings.data_dir))
