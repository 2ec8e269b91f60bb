"""Whatever the body, the answer is 200, 413 or 422: bad input is never a 500."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.config import Settings as AppSettings
from app.core.db import make_session_factory
from app.main import create_app
from tests.seed import TEST_TOKEN, seed_world

HEADERS = {"Authorization": f"Bearer {TEST_TOKEN}"}

TEMPLATE: dict[str, Any] = {
    "vehicles": [
        {
            "id": "rep-1",
            "start_index": 0,
            "end_index": 0,
            "shift": [0, 20_000],
            "breaks": [{"window": [5_000, 9_000], "duration": 600}],
            "max_stops": 5,
            "max_travel_time": 10_000,
        },
        {"id": "rep-2", "start_index": 1, "end_index": None, "shift": [1_000, 15_000]},
    ],
    "stops": [
        {"id": "a", "index": 1, "service": 60, "windows": [[0, 4_000]], "prize": 50.0},
        {"id": "b", "index": 2, "service": 120, "prize": 80.0, "required": True},
        {"id": "c", "index": 3, "windows": [[100, 200], [6_000, 9_000]], "prize": 10.0},
    ],
    "matrix": {
        "durations": [
            [0, 300, 600, 900],
            [300, 0, 400, 700],
            [600, 400, 0, 200],
            [900, 700, 200, 0],
        ],
        "distances": [
            [0, 3e3, 6e3, 9e3],
            [3e3, 0, 4e3, 7e3],
            [6e3, 4e3, 0, 2e3],
            [9e3, 7e3, 2e3, 0],
        ],
    },
    "costs": {"per_hour": 30.0, "per_km": 0.4},
    "options": {"time_limit": 0.5, "seed": 0},
}


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


PATHS = sorted(_paths(TEMPLATE), key=repr)

numbers = st.one_of(
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1, 0.5, 1e10, 1e10 + 1, 2**31, 2**63, -(2**63)]),
)
values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=4)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["lat", "lon", "id"]), inner)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("robustness")
    app_settings = AppSettings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'fieldroute.db'}",
        max_time_limit_s=0.5,
        max_stops=10,
        max_vehicles=4,
    )
    with TestClient(create_app(app_settings)) as test_client:
        factory = make_session_factory(test_client.app.state.engine)  # type: ignore[attr-defined]
        with factory() as session:
            seed_world(session)
            session.commit()
        yield test_client


def test_template_is_valid(client: TestClient) -> None:
    response = client.post("/api/v1/optimize", json=TEMPLATE, headers=HEADERS)
    assert response.status_code == 200, response.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_mutated_requests_are_answered_without_a_500(
    client: TestClient, changes: list[tuple[tuple[Any, ...], Any]]
) -> None:
    body = copy.deepcopy(TEMPLATE)
    for path, value in changes:
        target: Any = body
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced a parent
    response = client.post("/api/v1/optimize", json=body, headers=HEADERS)
    assert response.status_code in (200, 413, 422), response.text
    payload = response.json()
    if response.status_code != 200:
        assert isinstance(payload["detail"], str)
        assert payload["detail"]
