"""Solves are admitted fairly: one running per user, a bounded wait, 429/503 beyond."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.concurrency import SolveGate, SolverFull, TooManySolves
from app.core.config import Settings
from app.core.db import make_session_factory
from app.main import create_app
from tests.api.payloads import location_request, post
from tests.seed import seed_world

pytestmark = pytest.mark.api


def _timed(client: TestClient, headers: dict[str, str], limit: float) -> tuple[Any, float]:
    request = location_request()
    request["stops"] = [
        {
            "id": f"s{i}",
            "location": {"lat": 52.36 + 0.004 * (i % 7), "lon": 4.87 + 0.005 * (i // 7)},
            "service": 900,
            "prize": 50.0 + i,
        }
        for i in range(45)
    ]
    request["options"] = {"time_limit": limit}
    response = post(client, headers, request)
    return response, time.perf_counter()


@pytest.mark.alone
def test_a_reps_second_solve_waits_a_third_is_refused_and_a_manager_goes_first(
    settings: Settings, clock: FixedClock
) -> None:
    fair = settings.model_copy(update={"max_time_limit_s": 2.0, "max_time_limit_rep_s": 1.0})
    with TestClient(create_app(fair, clock)) as client:
        factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
        with factory() as session:
            world = seed_world(session)
            session.commit()
        rep, manager = world.headers("rep_north_1"), world.headers("manager_north")
        with ThreadPoolExecutor(4) as threads:
            first = threads.submit(_timed, client, rep, 1.0)
            time.sleep(0.3)
            second = threads.submit(_timed, client, rep, 1.0)
            time.sleep(0.3)
            refused, _ = _timed(client, rep, 1.0)
            boss = threads.submit(_timed, client, manager, 0.5)
            results = [f.result() for f in (first, second, boss)]
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    assert "per user" in refused.json()["detail"]
    (r1, end1), (r2, end2), (rm, endm) = results
    assert [r.status_code for r in (r1, r2, rm)] == [200, 200, 200]
    # The rep's second solve waited for their first; the manager took the free slot at once.
    assert end2 >= end1 + 0.5
    assert endm < end2


def test_the_gate_bounds_the_queue_and_serves_waiters_in_turn() -> None:
    async def scenario() -> list[str]:
        gate = SolveGate(slots=1, running_per_user=1, in_flight_per_user=2, max_waiting=2)
        seen: list[str] = []
        release = asyncio.Event()

        async def solve(user: int, name: str) -> None:
            try:
                async with gate.admit(user, retry_after_s=2.5):
                    seen.append(f"{name} runs")
                    await release.wait()
            except (SolverFull, TooManySolves) as error:
                seen.append(f"{name} refused {error.status_code}, retry after {error.headers}")

        tasks = []
        for user, name in [(1, "a"), (2, "b"), (1, "a2"), (1, "a3"), (3, "c")]:
            tasks.append(asyncio.create_task(solve(user, name)))
            await asyncio.sleep(0)
        release.set()
        await asyncio.gather(*tasks)
        assert (gate.running, gate.waiting) == (0, 0)
        return seen

    # In a thread of its own: the browser tests' Playwright (sync API) keeps an event loop
    # running in the main thread of a test process that ran them first.
    with ThreadPoolExecutor(1) as thread:
        seen = thread.submit(asyncio.run, scenario()).result()
    assert seen == [
        "a runs",
        # a runs, a2 waits: two in flight is a user's bound
        "a3 refused 429, retry after {'Retry-After': '3'}",
        # b and a2 wait: the queue is full
        "c refused 503, retry after {'Retry-After': '3'}",
        "b runs",
        "a2 runs",
    ]
