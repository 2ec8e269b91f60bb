"""Request builders and assertions shared by the API tests."""

from __future__ import annotations

import math
from typing import Any

from fastapi.testclient import TestClient

URL = "/api/v1/optimize"
HOME = {"lat": 52.3700, "lon": 4.8900}
SHIFT = [28800, 61200]


def haversine_s(
    a: dict[str, float], b: dict[str, float], speed_kmh: float, circuity: float
) -> float:
    """Travel time between two locations, computed independently of routing.route.matrix."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    metres = 2 * 6_371_008.8 * math.asin(math.sqrt(h)) * circuity
    return metres / (speed_kmh / 3.6)


def location_request(**options: Any) -> dict[str, Any]:
    return {
        "vehicles": [{"id": "rep-1", "start": HOME, "end": HOME, "shift": SHIFT}],
        "stops": [
            {
                "id": "acc-1",
                "location": {"lat": 52.3800, "lon": 4.8900},
                "service": 600,
                "prize": 100.0,
            },
            {
                "id": "acc-2",
                "location": {"lat": 52.3700, "lon": 4.9050},
                "service": 900,
                "windows": [[32400, 43200]],
                "prize": 100.0,
            },
            {
                "id": "acc-3",
                "location": {"lat": 52.3600, "lon": 4.8800},
                "service": 300,
                "prize": 100.0,
            },
        ],
        "costs": {"per_hour": 40.0, "per_km": 0.5},
        "options": {"time_limit": 0.5, "seed": 0, **options},
    }


MATRIX = {
    "durations": [[0, 600, 900], [600, 0, 300], [900, 300, 0]],
    "distances": [[0, 6000, 9000], [6000, 0, 3000], [9000, 3000, 0]],
}


def matrix_request(
    *, end_index: int | None = 0, stops: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "vehicles": [
            {"id": "rep-1", "start_index": 0, "end_index": end_index, "shift": [0, 10_000]}
        ],
        "stops": stops
        if stops is not None
        else [
            {"id": "s1", "index": 1, "service": 60, "prize": 100.0},
            {"id": "s2", "index": 2, "service": 60, "prize": 100.0},
        ],
        "matrix": MATRIX,
        "costs": {"per_hour": 40.0, "per_km": 0.5},
        "options": {"time_limit": 0.5},
    }


def post(client: TestClient, auth: dict[str, str], body: Any) -> Any:
    return client.post(URL, json=body, headers=auth)


def assert_error(response: Any, status: int, *fragments: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str)
    for fragment in fragments:
        assert fragment in body["detail"], (fragment, body["detail"])
    return body
