"""A database that goes away, or fills its disk, at run time: requests answer 503 with
Retry-After (never 500), liveness stays 200, readiness says 503, and service comes back when the
database does (issue 12: every route answered 500 while /health said ok)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text

from app.core.clock import FixedClock
from app.core.config import Environment, Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.main import create_app
from tests.backends import POSTGRES_URL
from tests.seed import TEST_TOKEN, World, seed_world

HEADERS = {"Authorization": f"Bearer {TEST_TOKEN}"}
SCRATCH_DATABASE = "fr_dbavail_gone"


def _seed(engine: Engine) -> World:
    with make_session_factory(engine)() as session:
        world = seed_world(session)
        session.commit()
    return world


def _assert_unavailable(client: TestClient, account_id: int) -> None:
    for method, path in (("GET", "/api/v1/accounts"), ("GET", f"/api/v1/accounts/{account_id}")):
        response = client.request(method, path, headers=HEADERS)
        assert response.status_code == 503, (path, response.text)
        assert response.headers["Retry-After"]
        assert response.json()["detail"] == "the database is not available; retry later"
    response = client.patch(f"/api/v1/accounts/{account_id}", json={"notes": "x"}, headers=HEADERS)
    assert response.status_code == 503, response.text
    assert client.get("/health").status_code == 200
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.headers["Retry-After"]
    assert ready.json()["detail"].startswith("the database is not available")


def test_sqlite_file_gone_then_back(
    sqlite_template: Path, tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "volume"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "fieldroute.db")
    settings = Settings(
        environment=Environment.DEVELOPMENT,
        database_url=f"sqlite:///{folder / 'fieldroute.db'}",
        data_dir=tmp_path,
        solver_workers=1,
    )
    with TestClient(create_app(settings, clock)) as client:
        engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
        account_id = next(iter(_seed(engine).account_ids.values()))
        assert client.get(f"/api/v1/accounts/{account_id}", headers=HEADERS).status_code == 200

        # The volume goes (unmounted, deleted). Open handles would still read the unlinked
        # file, so the pool is emptied as a restarted worker's would be.
        shutil.rmtree(folder)
        engine.dispose()
        _assert_unavailable(client, account_id)

        folder.mkdir()
        shutil.copy(sqlite_template, folder / "fieldroute.db")
        account_id = next(iter(_seed(engine).account_ids.values()))
        assert client.get(f"/api/v1/accounts/{account_id}", headers=HEADERS).status_code == 200
        assert client.get("/health/ready").status_code == 200


def test_sqlite_disk_full_is_a_503_naming_it(client: TestClient, world: World) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]

    def no_room_to_grow(dbapi_connection: Any, _record: Any) -> None:
        # SQLite's own limit: writes that need a new page fail "database or disk is full".
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count={pages}")
        cursor.close()

    event.listen(engine, "connect", no_room_to_grow)
    engine.dispose()
    statuses = []
    for number in range(200):
        body = {"name": f"Filler {number}", "notes": "n" * 900, "team_id": world.team_ids["North"]}
        response = client.post("/api/v1/accounts", json=body, headers=HEADERS)
        statuses.append(response.status_code)
        if response.status_code != 201:
            break
    assert statuses[-1] == 503, statuses
    assert set(statuses[:-1]) <= {201}
    assert response.headers["Retry-After"]
    assert "disk is full" in response.json()["detail"]
    # Reads go on while writes cannot.
    assert client.get("/api/v1/accounts", headers=HEADERS).status_code == 200
    assert client.get("/health/ready").status_code == 200


@pytest.fixture
def postgres_admin() -> Iterator[Engine]:
    """A connection to the test's own PostgreSQL database, to create and drop the scratch one."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set FIELDROUTE_TEST_POSTGRES_URL (CI does)")
    engine = create_engine(
        Settings(database_url=POSTGRES_URL).sqlalchemy_url, isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
    yield engine
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)"))
    engine.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def test_postgres_database_dropped_then_back(
    postgres_admin: Engine, tmp_path: Path, clock: FixedClock
) -> None:
    url = postgres_admin.url.set(database=SCRATCH_DATABASE).render_as_string(hide_password=False)
    _migrate(url)
    settings = Settings(
        environment=Environment.DEVELOPMENT, database_url=url, data_dir=tmp_path, solver_workers=1
    )
    with TestClient(create_app(settings, clock)) as client:
        engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
        account_id = next(iter(_seed(engine).account_ids.values()))
        assert client.get(f"/api/v1/accounts/{account_id}", headers=HEADERS).status_code == 200

        with postgres_admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": SCRATCH_DATABASE},
            )
            connection.execute(text(f"DROP DATABASE {SCRATCH_DATABASE} WITH (FORCE)"))
        _assert_unavailable(client, account_id)

        with postgres_admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {SCRATCH_DATABASE}"))
        _migrate(url)
        account_id = next(iter(_seed(engine).account_ids.values()))
        assert client.get(f"/api/v1/accounts/{account_id}", headers=HEADERS).status_code == 200
        assert client.get("/health/ready").status_code == 200
