"""Job tests through real Celery workers need Redis and PostgreSQL: the broker, flushed (only
its own database), and settings that send jobs to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine

from app.core.config import Environment, RoadEngineKind, Settings
from tests.backends import REDIS_URL
from tests.jobs.helpers import Worker, worker_env

VISIBILITY_S = 3.0
"""Short, so that a killed worker's job reaches another one quickly."""


@pytest.fixture(scope="module")
def broker_url(postgres_engine: Engine) -> str:
    """The test Redis database, emptied; skips without Redis or PostgreSQL configured."""
    if not REDIS_URL:
        pytest.skip("Redis: set FIELDROUTE_TEST_REDIS_URL (CI does)")
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()
    return REDIS_URL


@pytest.fixture
def worker_settings(broker_url: str, database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        environment=Environment.DEVELOPMENT,
        database_url=database_url,
        data_dir=tmp_path,
        broker_url=broker_url,
        job_visibility_timeout_s=VISIBILITY_S,
        roads_engine=RoadEngineKind.ESTIMATE,
    )


@pytest.fixture(scope="module")
def start_worker(
    broker_url: str, postgres_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Worker]]:
    """Starts workers on the test databases (`start_worker("a")`); stops them at the end."""
    folder = tmp_path_factory.mktemp("workers")
    env = worker_env(postgres_engine.url.render_as_string(hide_password=False), broker_url,
                     folder, VISIBILITY_S)  # fmt: skip
    started: list[Worker] = []

    def start(name: str) -> Worker:
        started.append(Worker(env, name, folder / f"{name}.log"))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()
