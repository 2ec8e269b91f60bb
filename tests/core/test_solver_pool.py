"""Solves run in the app's solver processes, at a lower priority, capped by role."""

from __future__ import annotations

import os
import time

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.concurrency import solve_in_worker
from app.core.config import Settings
from app.core.db import make_session_factory
from app.main import create_app
from tests.api.payloads import location_request, post
from tests.seed import World, seed_world

pytestmark = pytest.mark.api


def test_solver_process_is_another_process_at_lower_priority(client: TestClient) -> None:
    app = client.app
    worker_pid = client.portal.call(solve_in_worker, app, os.getpid)  # type: ignore[union-attr,arg-type]
    assert worker_pid != os.getpid()
    nice = client.portal.call(solve_in_worker, app, os.getpriority, os.PRIO_PROCESS, 0)  # type: ignore[union-attr,arg-type]
    assert nice >= app.state.settings.solver_nice > os.getpriority(os.PRIO_PROCESS, 0)  # type: ignore[attr-defined]


def test_a_solver_process_does_not_load_the_web_framework(client: TestClient) -> None:
    """It is forked per app start (two per test here): FastAPI loaded in each cost 0.13 s of
    processor time for nothing, a quarter of the suite's."""
    app = client.app
    # A builtin travels to the process by name; a function of this module would load FastAPI
    # with the module.
    loaded = "'fastapi' in __import__('sys').modules"
    assert client.portal.call(solve_in_worker, app, eval, loaded) is False  # type: ignore[union-attr,arg-type]


def test_web_process_spends_almost_no_cpu_on_a_solve(
    client: TestClient, auth: dict[str, str]
) -> None:
    request = location_request()
    # Enough stops that the search uses its whole limit.
    request["stops"] = [
        {
            "id": f"s{i}",
            "location": {"lat": 52.36 + 0.004 * (i % 7), "lon": 4.87 + 0.005 * (i // 7)},
            "service": 900,
            "prize": 50.0 + i,
        }
        for i in range(45)
    ]
    request["options"] = {"time_limit": 1.5}
    before = os.times()
    started = time.perf_counter()
    response = post(client, auth, request)
    wall = time.perf_counter() - started
    after = os.times()
    assert response.status_code == 200, response.text
    cpu = (after.user - before.user) + (after.system - before.system)
    # The search alone keeps a core busy for the whole limit; here only the request's handling.
    assert wall >= 1.0
    assert cpu < 0.35 * wall, (cpu, wall)


@pytest.fixture
def capped(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "max_time_limit_s": 3.0,
            "max_time_limit_manager_s": 0.8,
            "max_time_limit_rep_s": 0.4,
        }
    )


def test_each_role_has_a_time_limit_cap(capped: Settings, clock: FixedClock) -> None:
    with TestClient(create_app(capped, clock)) as client:
        factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
        with factory() as session:
            world: World = seed_world(session)
            session.commit()
        used = {}
        for who, asked in [("rep_north_1", 2.0), ("manager_north", 2.0), ("admin", 1.0)]:
            request = location_request()
            request["options"] = {"time_limit": asked}
            response = post(client, world.headers(who), request)
            assert response.status_code == 200, response.text
            used[who] = response.json()["summary"]["time_limit"]
    assert used == {"rep_north_1": 0.4, "manager_north": 0.8, "admin": 1.0}
