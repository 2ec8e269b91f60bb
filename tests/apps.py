"""The app the tests make: an empty database for it on either backend, and its settings. For
fixtures of any scope (tests/conftest.py makes one per test; the Schemathesis and access
matrix modules one per module)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.core.config import Environment, Settings
from app.models import Base


def empty_database(request: pytest.FixtureRequest, backend: str, folder: Path) -> str:
    """The URL of a migrated database with no rows on `backend`: a copy of the SQLite template
    in `folder`, or this process's PostgreSQL database emptied (the test skips without one)."""
    if backend == "sqlite":
        path = folder / "fieldroute.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    engine: Engine = request.getfixturevalue("postgres_engine")
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return engine.url.render_as_string(hide_password=False)


def app_settings(database_url: str, data_dir: Path) -> Settings:
    """The tests' app settings: small caps, short solves, one search worker."""
    return Settings(
        environment=Environment.DEVELOPMENT,
        database_url=database_url,
        data_dir=data_dir,
        max_time_limit_s=2.0,
        max_stops=50,
        max_vehicles=5,
        max_body_bytes=200_000,
        max_concurrent_solves=2,
        solver_workers=1,
    )
