"""Which databases the tests run on: SQLite always; PostgreSQL when
`FIELDROUTE_TEST_POSTGRES_URL` names one (CI sets it to the machine's server).

`make test` runs the tests in several processes (pytest-xdist): each takes a database and a
Redis database of its own, derived from the ones named, so that no process truncates or
flushes what another is using."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import make_url

WORKER = os.environ.get("PYTEST_XDIST_WORKER")
"""This test process's name under pytest-xdist ("gw0", "gw1", ...); None when run alone."""
WORKER_INDEX = int(WORKER.removeprefix("gw")) if WORKER else 0


def _own_database(url: str | None) -> str | None:
    """`url` itself when run alone; else its database name with this process's suffix."""
    if not url or not WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


def _own_redis_database(url: str | None) -> str | None:
    """`url` itself when run alone; else the database numbered down from it by process
    (Redis has 16: 15, 14, ... when CI names 15)."""
    if not url or not WORKER:
        return url
    base, _, number = url.rpartition("/")
    own = int(number or 0) - WORKER_INDEX
    if own < 0:
        raise pytest.UsageError(f"{url}: too many test processes for one Redis database each")
    return f"{base}/{own}"


SHARED_POSTGRES_URL = os.environ.get("FIELDROUTE_TEST_POSTGRES_URL") or None
"""The database named; each test process creates its own beside it (`create_own_database`)."""
POSTGRES_URL = _own_database(SHARED_POSTGRES_URL)
BACKENDS = ["sqlite", "postgresql"]
ON_BOTH_BACKENDS = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
"""For test modules about stored data: `pytestmark = ON_BOTH_BACKENDS`."""

REDIS_URL = _own_redis_database(os.environ.get("FIELDROUTE_TEST_REDIS_URL") or None)
"""A Redis database the job tests may flush (CI: redis://127.0.0.1:6379/15, and 14 for the
second test process)."""


def create_own_database() -> None:
    """Create this test process's PostgreSQL database if it does not exist yet."""
    if not SHARED_POSTGRES_URL or POSTGRES_URL == SHARED_POSTGRES_URL:
        return
    from sqlalchemy import create_engine, text

    from app.core.config import Settings

    name = make_url(POSTGRES_URL or "").database
    admin = create_engine(
        Settings(database_url=SHARED_POSTGRES_URL).sqlalchemy_url, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
