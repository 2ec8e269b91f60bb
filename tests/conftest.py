"""Fixtures shared by all tests: a migrated database per test (SQLite always; PostgreSQL too
when `FIELDROUTE_TEST_POSTGRES_URL` is set, as in CI), the app on it, seeded people with tokens,
and a client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.core.clock import FixedClock, using
from app.core.config import Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.main import create_app
from app.roads.build import build_roads
from tests.apps import app_settings, empty_database
from tests.backends import POSTGRES_URL, create_own_database
from tests.exclusive import one_at_a_time
from tests.moments import NOW
from tests.seed import TEST_TOKEN, World, seed_world

# CI explores the same examples every run, so a red build is reproducible; locally each run
# explores new ones (and keeps failures in .hypothesis/ to replay them). CI sets no deadline: on
# a shared 2-core machine an example's time says more about the neighbours than about the code
# (one took 340 ms against the 200 ms default under load, 9 ms on the retry).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    create_own_database()


@pytest.fixture(autouse=True)
def _beside_others(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test but an `alone` one shares the room from its setup to its teardown (set up
    before every other fixture of a test: the first autouse fixture of the root)."""
    if request.node.get_closest_marker("alone") is not None:
        yield
        return
    with one_at_a_time(alone=False):
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """An `alone` test has the room to itself while it runs; its setup and teardown (a server
    started, a database filled: 20 s of the solver-lifecycle test's 30) go on beside the
    others', which waited for them before."""
    if item.get_closest_marker("alone") is None:
        return (yield)
    with one_at_a_time(alone=True):
        return (yield)


@pytest.fixture(autouse=True)
def clock() -> Iterator[FixedClock]:
    """Every test lives at `tests.moments.NOW`: the test's own code and the app it makes read
    this clock (move it with `clock.set` or `clock.advance`)."""
    fixed = FixedClock(NOW)
    with using(fixed):
        yield fixed


ROAD_EXTRACTS = Path(__file__).resolve().parents[1] / "data" / "roads"


@pytest.fixture(scope="session")
def road_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with OSRM data built from both real extracts (Baltimore, Liechtenstein;
    about a second each), for `Settings(data_dir=..., roads_region=...)`."""
    data_dir = tmp_path_factory.mktemp("roads-data")
    for region in ("liechtenstein", "baltimore"):
        build_roads(ROAD_EXTRACTS / f"{region}.osm.pbf", data_dir)
    return data_dir


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (cheaper than migrating each time)."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL: set FIELDROUTE_TEST_POSTGRES_URL (CI does)")
    engine = make_engine(Settings(database_url=POSTGRES_URL).sqlalchemy_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite unless a module asks for both backends with `pytestmark = ON_BOTH_BACKENDS`."""
    return empty_database(request, getattr(request, "param", "sqlite"), tmp_path)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return app_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> FastAPI:
    return create_app(settings, clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def session(client: TestClient) -> Iterator[Session]:
    """A session on the app's database (commit to make changes visible to requests)."""
    factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
    with factory() as db_session:
        yield db_session


@pytest.fixture
def world(client: TestClient) -> World:
    """Two teams, four reps, an admin, a manager per team and a user per rep, with tokens."""
    factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
    with factory() as db_session:
        world = seed_world(db_session)
        db_session.commit()
    return world


@pytest.fixture
def auth(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {TEST_TOKEN}"}


@pytest.fixture
def rep_auth(world: World) -> dict[str, str]:
    return world.headers("rep_north_1")
