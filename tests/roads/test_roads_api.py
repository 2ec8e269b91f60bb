"""The app on road data: what `/optimize` and the plans are timed with, places no road reaches,
and `GET /roads`."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import Settings
from app.main import create_app
from app.roads.service import travel
from routing import Point
from tests.roads.places import BALTIMORE_HOME, BALTIMORE_WATER, on_roads

pytestmark = pytest.mark.api

SHIFT = [8 * 3600, 17 * 3600]


@pytest.fixture
def road_settings(settings: Settings, road_data_dir: Path) -> Settings:
    return settings.model_copy(update={"data_dir": road_data_dir, "roads_region": "baltimore"})


@pytest.fixture
def road_client(road_settings: Settings, clock: FixedClock) -> Any:
    app: FastAPI = create_app(road_settings, clock)
    with TestClient(app) as client:
        yield client


def _where(point: Point) -> dict[str, float]:
    return {"lat": point.lat, "lon": point.lon}


def _request(stops: list[Point], **first: Any) -> dict[str, Any]:
    return {
        "vehicles": [
            {
                "id": "rep",
                "start": _where(BALTIMORE_HOME),
                "end": _where(BALTIMORE_HOME),
                "shift": SHIFT,
            }
        ],
        "stops": [
            {"id": f"s{k}", "location": _where(p), "service": 900, "prize": 500.0}
            | (first if k == 0 else {})
            for k, p in enumerate(stops)
        ],
        "costs": {"per_hour": 30.0, "per_km": 0.5},
        "options": {"time_limit": 2.0},
    }


def test_optimize_on_roads_is_timed_with_the_road_matrix(
    road_client: TestClient, auth: dict[str, str], road_settings: Settings, road_data_dir: Path
) -> None:
    stops = on_roads(road_data_dir, "baltimore", 8, seed=11)
    response = road_client.post("/api/v1/optimize", headers=auth, json=_request(stops))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"]["travel_model"] == "osrm"
    assert "baltimore" in body["summary"]["travel_detail"]
    [route] = body["routes"]
    assert len(route["stops"]) == 8
    # Re-time the route on the same road matrix: every arrival is no earlier than the drive.
    places = [BALTIMORE_HOME, *stops]
    matrix = travel(road_settings).matrix(places).durations_s
    index = {f"s{k}": k + 1 for k in range(len(stops))}
    here, leaving = 0, route["start_time"]
    for stop in route["stops"]:
        there = index[stop["id"]]
        assert stop["arrival"] >= leaving + math.floor(matrix[here, there])
        assert stop["start"] >= stop["arrival"]
        here, leaving = there, stop["departure"]
    assert route["end_time"] >= leaving + math.floor(matrix[here, 0])
    assert route["end_time"] <= SHIFT[1]
    legs = [0, *(index[s["id"]] for s in route["stops"]), 0]
    driven = sum(matrix[a, b] for a, b in itertools.pairwise(legs))
    assert route["travel_time"] == pytest.approx(driven, abs=1e-6)


def test_a_stop_no_road_reaches_is_left_out_saying_how_far(
    road_client: TestClient, auth: dict[str, str], road_data_dir: Path
) -> None:
    stops = [BALTIMORE_WATER, *on_roads(road_data_dir, "baltimore", 2)]
    response = road_client.post("/api/v1/optimize", headers=auth, json=_request(stops))
    assert response.status_code == 200, response.text
    [left] = response.json()["unassigned"]
    assert left == {
        "id": "s0",
        "reason": "unreachable",
        "detail": "1.4 km from the nearest road (the limit is 1.0 km)",
    }


def test_a_required_stop_no_road_reaches_is_a_422_naming_it(
    road_client: TestClient, auth: dict[str, str]
) -> None:
    response = road_client.post(
        "/api/v1/optimize", headers=auth, json=_request([BALTIMORE_WATER], required=True)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["stop"] == "s0"
    assert body["reason"] == "unreachable"
    assert "1.4 km from the nearest road" in body["detail"]


def test_a_home_no_road_reaches_explains_every_stop(
    road_client: TestClient, auth: dict[str, str], road_data_dir: Path
) -> None:
    request = _request(on_roads(road_data_dir, "baltimore", 2))
    request["vehicles"][0]["start"] = request["vehicles"][0]["end"] = _where(BALTIMORE_WATER)
    response = road_client.post("/api/v1/optimize", headers=auth, json=request)
    assert response.status_code == 200, response.text
    left = response.json()["unassigned"]
    assert [item["reason"] for item in left] == ["unreachable", "unreachable"]
    assert all("1.4 km from the nearest road" in item["detail"] for item in left)


def test_roads_says_which_data_plans_use(
    road_client: TestClient, client: TestClient, auth: dict[str, str]
) -> None:
    on_roads_ = road_client.get("/api/v1/roads", headers=auth).json()
    assert on_roads_["travel_model"] == "osrm"
    assert on_roads_["engine"] == "embedded"
    assert on_roads_["road_data"]["region"] == "baltimore"
    assert on_roads_["road_data"]["edges"] > 10_000
    assert "fitted to the roads of baltimore" in on_roads_["fitted_estimate"]
    without = client.get("/api/v1/roads", headers=auth).json()
    assert without["travel_model"] == "estimate"
    assert without["road_data"] is None
    assert "no road data is set up" in without["travel_detail"]


def test_without_road_data_optimize_says_it_estimated(
    client: TestClient, auth: dict[str, str]
) -> None:
    stops = [Point(41.88, -87.63), Point(41.90, -87.65)]
    request = _request(stops)
    request["vehicles"][0]["start"] = request["vehicles"][0]["end"] = _where(Point(41.87, -87.62))
    body = client.post("/api/v1/optimize", headers=auth, json=request).json()
    assert body["summary"]["travel_model"] == "estimate"
    assert np.isfinite(body["routes"][0]["travel_time"])
