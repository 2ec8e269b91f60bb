"""Issue 15: the largest request `POST /api/v1/optimize` accepts answers within its time limit
(+0.5 s), the whole answer (travel matrix, search, repair, explanations), alone and two at once.

Two at once: two users (one solve runs per user), each in one of the app's two solver
processes with its own search process, as in production. The wall time is the client's, from
sending the request to the parsed answer.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.db import make_session_factory
from app.main import create_app
from tests.api.payloads import location_request, post
from tests.seed import seed_world

pytestmark = [pytest.mark.api, pytest.mark.slow, pytest.mark.alone]

SLACK_S = 0.5
"""What the issue allows past the time limit."""
LIMIT_S = 2.0
"""Short, yet long enough that the travel matrix and the problem's set-up (about 0.5 s for this
size, more on a machine busy with other work) leave the search and explanations some time."""
H = 3600


def largest_request(settings: Settings, seed: int) -> dict[str, Any]:
    """As many reps (with lunch) and accounts (with opening windows) as the server accepts,
    over a 60 km region."""
    rng = np.random.default_rng(seed)

    def place() -> dict[str, float]:
        return {"lat": 52.37 + rng.uniform(-0.4, 0.4), "lon": 4.90 + rng.uniform(-0.6, 0.6)}

    vehicles = []
    for k in range(settings.max_vehicles):
        home = place()
        vehicles.append(
            {
                "id": f"rep-{k}",
                "start": home,
                "end": home,
                "shift": [8 * H, 18 * H],
                "breaks": [{"window": [12 * H, 14 * H], "duration": 45 * 60}],
            }
        )
    split = [[8 * H, 12 * H], [13.5 * H, 18 * H]]
    stops = [
        {
            "id": f"acc-{k}",
            "location": place(),
            "service": int(rng.integers(4, 13)) * 300,
            "windows": split if k % 4 == 0 else [[9 * H, 17 * H]],
            "prize": float(np.round(rng.lognormal(math.log(80.0), 0.9))),
        }
        for k in range(settings.max_stops)
    ]
    return {
        "vehicles": vehicles,
        "stops": stops,
        "costs": {"per_hour": 40.0, "per_km": 0.5},
        "options": {"time_limit": LIMIT_S, "seed": seed},
    }


def _timed(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> tuple[Any, float]:
    started = time.monotonic()
    response = post(client, headers, body)
    answer = response.json()
    return response, answer, time.monotonic() - started


def _assert_whole(response: Any, answer: dict[str, Any], settings: Settings) -> None:
    assert response.status_code == 200, response.text
    assert len(answer["routes"]) == settings.max_vehicles
    served = sum(len(route["stops"]) for route in answer["routes"])
    assert served + len(answer["unassigned"]) == settings.max_stops
    assert answer["summary"]["time_limit"] == LIMIT_S


def test_the_largest_request_answers_within_its_time_limit_alone_and_two_at_once(
    settings: Settings, clock: FixedClock
) -> None:
    # The server's own limits (conftest keeps tests small), two solver processes of two
    # search processes each. At normal priority: on a shared test machine the neighbours'
    # work would otherwise come first, and the time limit is the solver's to keep, not theirs.
    full = settings.model_copy(
        update={
            "max_stops": Settings.model_fields["max_stops"].default,
            "max_vehicles": Settings.model_fields["max_vehicles"].default,
            "max_body_bytes": Settings.model_fields["max_body_bytes"].default,
            "max_concurrent_solves": 2,
            "solver_workers": 2,
            "solver_nice": 0,
        }
    )
    assert (full.max_stops, full.max_vehicles) == (1000, 100)
    bodies = [largest_request(full, seed) for seed in (1, 2)]
    with TestClient(create_app(full, clock)) as client:
        factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
        with factory() as session:
            world = seed_world(session)
            session.commit()
        users = [world.headers("admin"), world.headers("manager_north")]
        # Both solver processes up and warm (started with the app, not with a request).
        with ThreadPoolExecutor(2) as threads:
            warm = list(threads.map(lambda u: post(client, u, location_request()), users))
        assert [r.status_code for r in warm] == [200, 200]

        response, answer, wall = _timed(client, users[0], bodies[0])
        _assert_whole(response, answer, full)
        assert wall <= LIMIT_S + SLACK_S, wall

        with ThreadPoolExecutor(2) as threads:
            pair = list(threads.map(lambda k: _timed(client, users[k], bodies[k]), range(2)))
    for response, answer, wall in pair:
        _assert_whole(response, answer, full)
        assert wall <= LIMIT_S + SLACK_S, wall
