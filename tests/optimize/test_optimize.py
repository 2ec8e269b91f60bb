"""`POST /api/v1/optimize` through the real app: answers in the contract's shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.api.payloads import (
    HOME,
    SHIFT,
    haversine_s,
    location_request,
    matrix_request,
    post,
)

pytestmark = pytest.mark.api


def test_location_request_is_planned(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    request = location_request()
    response = post(client, auth, request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"routes", "unassigned", "summary"}
    [route] = body["routes"]
    assert route["vehicle"] == "rep-1"
    assert sorted(s["id"] for s in route["stops"]) == ["acc-1", "acc-2", "acc-3"]
    assert body["unassigned"] == []

    locations = {s["id"]: s["location"] for s in request["stops"]}
    services = {s["id"]: s["service"] for s in request["stops"]}
    previous_place, previous_departure = HOME, route["start_time"]
    assert SHIFT[0] <= route["start_time"]
    for stop in route["stops"]:
        travel = haversine_s(
            previous_place,
            locations[stop["id"]],
            settings.default_speed_kmh,
            settings.default_circuity,
        )
        assert stop["arrival"] >= previous_departure + travel - 1e-6
        assert stop["start"] >= stop["arrival"]
        assert stop["waiting"] == stop["start"] - stop["arrival"]
        assert stop["departure"] >= stop["start"] + services[stop["id"]]
        previous_place, previous_departure = locations[stop["id"]], stop["departure"]
    acc_2 = next(s for s in route["stops"] if s["id"] == "acc-2")
    assert 32400 <= acc_2["start"] <= 43200
    back = haversine_s(previous_place, HOME, settings.default_speed_kmh, settings.default_circuity)
    assert route["end_time"] >= previous_departure + back - 1e-6
    assert route["end_time"] <= SHIFT[1]

    assert route["travel_time"] > 0
    assert 1_000 < route["distance"] < 20_000
    assert route["prize"] == pytest.approx(300.0)
    expected_cost = route["travel_time"] / 3600 * 40.0 + route["distance"] / 1000 * 0.5
    assert route["cost"] == pytest.approx(expected_cost, rel=0.02)
    summary = body["summary"]
    assert summary["prize"] == pytest.approx(300.0)
    assert summary["net"] == pytest.approx(summary["prize"] - summary["cost"])
    assert summary["status"] in {"optimal", "feasible"}
    assert 0 <= summary["solve_time"] <= 0.5 + 0.5
    assert summary["time_limit"] == 0.5


def test_matrix_request_uses_the_given_numbers(client: TestClient, auth: dict[str, str]) -> None:
    response = post(client, auth, matrix_request())
    assert response.status_code == 200, response.text
    [route] = response.json()["routes"]
    assert sorted(s["id"] for s in route["stops"]) == ["s1", "s2"]
    # Either direction of the triangle 0-1-2-0 is 1800 s and 18 km.
    assert route["travel_time"] == pytest.approx(1800)
    assert route["distance"] == pytest.approx(18_000)
    assert route["cost"] == pytest.approx(1800 / 3600 * 40.0 + 18 * 0.5)
    assert route["end_time"] - route["start_time"] >= 1800 + 2 * 60


def test_working_time_is_priced_and_counted_in_the_cost(
    client: TestClient, auth: dict[str, str]
) -> None:
    """s1 is served at 600-700 s and s2 opens only at 5,000 s: with waiting free the rep parks
    at s2 for over an hour; priced, the wait costs more than s2 earns and the day ends after s1
    (issue 15)."""
    stops = [
        {"id": "s1", "index": 1, "service": 60, "prize": 100.0, "windows": [[600, 700]]},
        {"id": "s2", "index": 2, "service": 60, "prize": 30.0, "windows": [[5000, 5100]]},
    ]
    free = post(client, auth, matrix_request(stops=stops))
    assert free.status_code == 200, free.text
    [route] = free.json()["routes"]
    assert [s["id"] for s in route["stops"]] == ["s1", "s2"]
    assert route["stops"][1]["waiting"] > 3600
    request = matrix_request(stops=stops)
    request["costs"]["per_working_hour"] = 36.0
    priced = post(client, auth, request)
    assert priced.status_code == 200, priced.text
    body = priced.json()
    [route] = body["routes"]
    assert [s["id"] for s in route["stops"]] == ["s1"]
    assert [u["id"] for u in body["unassigned"]] == ["s2"]
    # 1,200 s and 12 km of driving at 40 an hour and 0.5 a km, and the 1,200 s of the day
    # that are not at s1 at 36 an hour.
    working = (route["end_time"] - route["start_time"] - 60) / 3600 * 36.0
    assert working == pytest.approx(1200 / 3600 * 36.0)
    assert route["cost"] == pytest.approx(1200 / 3600 * 40.0 + 12 * 0.5 + working)
    assert body["summary"]["cost"] == pytest.approx(route["cost"])


def test_open_end_on_the_matrix_path(client: TestClient, auth: dict[str, str]) -> None:
    response = post(client, auth, matrix_request(end_index=None))
    assert response.status_code == 200, response.text
    [route] = response.json()["routes"]
    assert [s["id"] for s in route["stops"]] == ["s1", "s2"]  # 600 + 300 beats 900 + 300
    assert route["travel_time"] == pytest.approx(900)
    assert route["end_time"] == route["stops"][-1]["departure"]


def test_open_end_on_the_location_path(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    request["vehicles"][0]["end"] = None
    response = post(client, auth, request)
    assert response.status_code == 200, response.text
    [route] = response.json()["routes"]
    assert route["end_time"] == route["stops"][-1]["departure"]


def test_same_seed_same_answer(client: TestClient, auth: dict[str, str]) -> None:
    first = post(client, auth, location_request()).json()
    second = post(client, auth, location_request()).json()
    assert first["routes"] == second["routes"]


def test_empty_stops_give_an_empty_route(client: TestClient, auth: dict[str, str]) -> None:
    response = post(client, auth, matrix_request(stops=[]))
    assert response.status_code == 200, response.text
    [route] = response.json()["routes"]
    assert route["vehicle"] == "rep-1"
    assert route["stops"] == []


def test_a_short_time_limit_still_gives_a_plan(client: TestClient, auth: dict[str, str]) -> None:
    request = matrix_request()
    request["options"]["time_limit"] = 0.1
    response = post(client, auth, request)
    assert response.status_code == 200, response.text


def test_stop_left_out_says_why(client: TestClient, auth: dict[str, str]) -> None:
    stops = [
        {"id": "s1", "index": 1, "service": 60, "prize": 100.0},
        {"id": "too-early", "index": 2, "service": 60, "windows": [[0, 100]], "prize": 100.0},
    ]
    response = post(client, auth, matrix_request(stops=stops))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["id"] for s in body["routes"][0]["stops"]] == ["s1"]
    [left_out] = body["unassigned"]
    assert left_out["id"] == "too-early"
    assert left_out["reason"] == "outside_windows"
    assert left_out["detail"]


def test_stop_without_a_way_there_is_unreachable(client: TestClient, auth: dict[str, str]) -> None:
    request = matrix_request()
    request["matrix"] = {
        "durations": [[0, 600, None], [600, 0, None], [None, None, 0]],
        "distances": [[0, 6000, None], [6000, 0, None], [None, None, 0]],
    }
    response = post(client, auth, request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [s["id"] for s in body["routes"][0]["stops"]] == ["s1"]
    assert [(u["id"], u["reason"]) for u in body["unassigned"]] == [("s2", "unreachable")]


def test_any_role_may_optimise(client: TestClient, rep_auth: dict[str, str]) -> None:
    response = post(client, rep_auth, matrix_request())
    assert response.status_code == 200, response.text


def test_time_limit_is_capped(auth: dict[str, str], settings: Settings) -> None:
    capped = settings.model_copy(update={"max_time_limit_s": 0.3})
    with TestClient(create_app(capped)) as client:
        response = post(client, auth, location_request(time_limit=30))
    assert response.status_code == 200, response.text
    summary = response.json()["summary"]
    assert summary["time_limit"] == 0.3
    assert summary["solve_time"] < 0.3 + 0.5


# --- documentation ---------------------------------------------------------------------------


def test_openapi_lists_the_endpoint(client: TestClient, auth: dict[str, str]) -> None:
    response = client.get("/openapi.json", headers=auth)
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/optimize"]["post"]
    assert operation["summary"]
    assert {"200", "401", "413", "422"} <= set(operation["responses"])
    assert operation["security"]
    request_schema = schema["components"]["schemas"]["OptimizeRequest"]
    assert {"vehicles", "stops", "matrix", "costs", "options"} <= set(request_schema["properties"])


def test_health_needs_no_token(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.slow
def test_parallel_workers_answer_too(auth: dict[str, str], settings: Settings) -> None:
    parallel = settings.model_copy(update={"solver_workers": 2})
    with TestClient(create_app(parallel)) as client:
        response = post(client, auth, location_request())
    assert response.status_code == 200, response.text
    assert len(response.json()["routes"][0]["stops"]) == 3


def test_stop_restricted_to_a_vehicle_goes_to_that_vehicle(
    client: TestClient, auth: dict[str, str]
) -> None:
    request = matrix_request()
    request["vehicles"].append({**request["vehicles"][0], "id": "other"})
    first_stop = request["stops"][0]
    first_stop["vehicles"] = ["other"]
    response = post(client, auth, request)
    assert response.status_code == 200, response.text
    routes = {r["vehicle"]: [s["id"] for s in r["stops"]] for r in response.json()["routes"]}
    assert first_stop["id"] not in routes[request["vehicles"][0]["id"]]
    assert first_stop["id"] in routes["other"]


def test_unknown_vehicle_in_a_stop_is_a_422(client: TestClient, auth: dict[str, str]) -> None:
    request = matrix_request()
    request["stops"][0]["vehicles"] = ["nobody"]
    response = post(client, auth, request)
    assert response.status_code == 422
    assert "nobody" in response.json()["detail"]


def test_a_start_is_gone_on_from_and_the_answer_is_no_worse(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = post(client, auth, location_request()).json()
    order = [s["id"] for s in first["routes"][0]["stops"]]
    again = post(client, auth, location_request(start={"rep-1": order})).json()
    assert again["summary"]["net"] >= first["summary"]["net"] - 1e-6
    # A start that does not fit is cut back, not refused: acc-2 opens only for the first
    # quarter hour of the shift, so it cannot come third; the answer still serves it, earlier.
    request = location_request(start={"rep-1": ["acc-3", "acc-1", "acc-2"]})
    request["stops"][1]["windows"] = [[SHIFT[0], SHIFT[0] + 900]]
    late = post(client, auth, request)
    assert late.status_code == 200
    served = [s["id"] for s in late.json()["routes"][0]["stops"]]
    assert sorted(served) == ["acc-1", "acc-2", "acc-3"]
    assert served.index("acc-2") < 2
