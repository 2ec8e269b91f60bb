"""The road cache: a repeated matrix or drive does not reach the engine (memory, then the
database), a new build of the road data misses and clears the old answers, the estimate is not
cached. Real embedded OSRM on the Baltimore extract; the engine calls are counted by a real
engine wrapped, not a stand-in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.core.clock import FixedClock
from app.core.config import RoadEngineKind, Settings
from app.core.db import make_engine, make_session_factory
from app.main import create_app
from app.models import RoadCacheEntry
from app.roads import cache
from app.roads.build import build_roads
from app.roads.cache import CachedTravel, forget_memory
from app.roads.engine import RoadEngine, RoadRoute, Table
from app.roads.service import EmbeddedRoads, travel
from app.roads.travel import RoadTravel
from routing import Estimate, Point
from tests.backends import ON_BOTH_BACKENDS
from tests.conftest import ROAD_EXTRACTS
from tests.plans.baltimore import HOME, PLACES, next_monday, road_settings, seed_baltimore

pytestmark = ON_BOTH_BACKENDS

POINTS = [Point(*HOME), *(Point(*p) for p in PLACES)]


@dataclass
class Calls:
    table: int = 0
    route: int = 0


class CountingEngine:
    """A real engine, counting what it is asked."""

    def __init__(self, inner: RoadEngine, calls: Calls) -> None:
        self.inner = inner
        self.calls = calls

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def data_version(self) -> str:
        return self.inner.data_version

    @property
    def detail(self) -> str:
        return self.inner.detail

    def table(self, points: Sequence[Point]) -> Table:
        self.calls.table += 1
        return self.inner.table(points)

    def route(self, points: Sequence[Point]) -> RoadRoute:
        self.calls.route += 1
        return self.inner.route(points)


CALLS = Calls()


@dataclass(frozen=True, slots=True)
class CountingRoads(EmbeddedRoads):
    """The app's embedded roads (the current build each call), its engine counted."""

    def current(self) -> RoadTravel | None:
        found = EmbeddedRoads.current(self)
        return None if found is None else replace(found, engine=CountingEngine(found.engine, CALLS))


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    forget_memory()
    CALLS.table = CALLS.route = 0
    yield
    forget_memory()


@pytest.fixture
def own_roads(tmp_path: Path) -> Path:
    """A data dir of our own: the test rebuilds it."""
    data_dir = tmp_path / "roads-data"
    build_roads(ROAD_EXTRACTS / "baltimore.osm.pbf", data_dir)
    return data_dir


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _rows(engine: Engine) -> list[RoadCacheEntry]:
    factory = make_session_factory(engine)
    with factory() as session:
        return list(session.scalars(select(RoadCacheEntry)))


def _roads(data_dir: Path) -> CountingRoads:
    return CountingRoads(data_dir, "baltimore", 500.0, Estimate())


def test_a_repeated_matrix_comes_from_memory_then_from_the_database(
    own_roads: Path, database_url: str, db: Engine
) -> None:
    cached = CachedTravel(_roads(own_roads), database_url)
    first = cached.matrix(POINTS)
    assert CALLS.table == 1
    assert first.model == "osrm"
    # The same places in another order, home twice: the same entry.
    shuffled = [POINTS[3], POINTS[0], *POINTS[4:], POINTS[1], POINTS[2], POINTS[0]]
    second = cached.matrix(shuffled)
    assert CALLS.table == 1
    order = [3, 0, *range(4, len(POINTS)), 1, 2, 0]
    np.testing.assert_array_equal(second.durations_s, first.durations_s[np.ix_(order, order)])
    np.testing.assert_array_equal(second.distances_m, first.distances_m[np.ix_(order, order)])
    assert second.durations_s[1, -1] == 0.0
    # What the engine says without the cache, to the tenth of a second (points rounded 1e-6).
    direct = _roads(own_roads).matrix(POINTS)
    np.testing.assert_allclose(first.durations_s, direct.durations_s, atol=0.5)
    calls_so_far = CALLS.table
    (row,) = _rows(db)
    assert (row.kind, row.points) == ("matrix", len(POINTS))
    assert row.source == "osrm:baltimore"
    forget_memory()  # another process, or after a restart: the database answers
    third = cached.matrix(POINTS)
    assert CALLS.table == calls_so_far
    np.testing.assert_array_equal(third.durations_s, first.durations_s)
    assert third.model_detail == first.model_detail


def test_a_repeated_drive_is_asked_once(own_roads: Path, database_url: str, db: Engine) -> None:
    cached = CachedTravel(_roads(own_roads), database_url)
    drive = cached.route(POINTS[:4])
    again = cached.route(POINTS[:4])
    assert CALLS.route == 1
    assert drive is not None
    assert again == drive
    forget_memory()
    assert cached.route(POINTS[:4]) == drive
    assert CALLS.route == 1
    assert [r.kind for r in _rows(db)] == ["route"]
    cached.route(list(reversed(POINTS[:4])))  # another order is another drive
    assert CALLS.route == 2


def test_new_road_data_misses_the_cache_and_clears_the_old_answers(
    own_roads: Path, database_url: str, db: Engine
) -> None:
    cached = CachedTravel(_roads(own_roads), database_url)
    cached.matrix(POINTS)
    cached.route(POINTS[:3])
    old = {r.data_version for r in _rows(db)}
    assert len(old) == 1
    build_roads(ROAD_EXTRACTS / "baltimore.osm.pbf", own_roads)
    cached.matrix(POINTS)
    assert CALLS.table == 2
    rows = _rows(db)
    assert [r.kind for r in rows] == ["matrix"]
    assert {r.data_version for r in rows}.isdisjoint(old)
    assert "v2" in rows[0].data_version


def test_the_estimate_is_not_cached(tmp_path: Path, database_url: str, db: Engine) -> None:
    no_roads = CachedTravel(_roads(tmp_path / "nothing-built"), database_url)
    matrix = no_roads.matrix(POINTS)
    assert matrix.model == "estimate"
    assert no_roads.route(POINTS) is None
    assert _rows(db) == []


def test_the_table_keeps_at_most_its_bound(
    own_roads: Path, database_url: str, db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ROWS", 3)
    cached = CachedTravel(_roads(own_roads), database_url)
    for n in range(2, 8):
        cached.route(POINTS[:n])
    assert len(_rows(db)) == 3


def test_plans_and_optimize_go_through_the_cache(
    settings: Settings, road_data_dir: Path, clock: FixedClock, db: Engine
) -> None:
    on_roads = road_settings(settings, road_data_dir)
    assert isinstance(travel(on_roads), CachedTravel)
    # Straight lines by choice: nothing to cache.
    estimate = settings.model_copy(update={"roads_engine": RoadEngineKind.ESTIMATE})
    assert isinstance(travel(estimate), Estimate)
    app = create_app(on_roads, clock)
    with TestClient(app) as client:
        factory = make_session_factory(app.state.engine)
        with factory() as session:
            world = seed_baltimore(session)
            session.commit()
        body = {"date": next_monday().isoformat(), "time_limit": 0.3}
        url = f"/api/v1/reps/{world.rep_id}/plans"
        first = client.post(url, json=body, headers=world.headers("rep"))
        assert first.status_code == 201, first.text
        kinds = sorted(r.kind for r in _rows(db))
        assert kinds == ["matrix", "route"]
        again = client.post(url, json=body, headers=world.headers("rep"))
        assert again.status_code == 201
        # The same day again: the same candidates, the same matrix; no new row for it.
        assert sorted(r.kind for r in _rows(db)).count("matrix") == 1
        assert again.json()["plans"][0]["geometry"] is not None
        # POST /optimize with locations: the same cache, one more matrix for its places.
        home = {"lat": HOME[0], "lon": HOME[1]}
        request = {
            "vehicles": [{"id": "rep", "start": home, "end": home, "shift": [28_800, 61_200]}],
            "stops": [
                {"id": f"s{i}", "location": {"lat": lat, "lon": lon}, "service": 600, "prize": 100}
                for i, (lat, lon) in enumerate(PLACES[:4])
            ],
            "options": {"time_limit": 0.3},
        }
        for _ in range(2):
            answer = client.post("/api/v1/optimize", json=request, headers=world.headers("rep"))
            assert answer.status_code == 200, answer.text
            assert answer.json()["summary"]["travel_model"] == "osrm"
        assert sorted(r.kind for r in _rows(db)).count("matrix") == 2
