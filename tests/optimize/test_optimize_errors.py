"""`POST /api/v1/optimize` through the real app: authentication, validation and limits."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.api.payloads import (
    HOME,
    MATRIX,
    SHIFT,
    URL,
    assert_error,
    location_request,
    matrix_request,
    post,
)

pytestmark = pytest.mark.api


# --- authentication --------------------------------------------------------------------------


def test_missing_token_is_401(client: TestClient) -> None:
    response = client.post(URL, json=matrix_request())
    assert_error(response, 401, "bearer token")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_wrong_token_is_401(client: TestClient, header: str) -> None:
    response = client.post(URL, json=matrix_request(), headers={"Authorization": header})
    assert_error(response, 401)


def test_authentication_comes_before_validation(client: TestClient) -> None:
    response = client.post(URL, json={"nonsense": True})
    assert response.status_code == 401


# --- which path: locations or matrix ---------------------------------------------------------


def test_stop_with_index_but_no_matrix_is_named(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    del request["stops"][1]["location"]
    request["stops"][1]["index"] = 1
    body = assert_error(post(client, auth, request), 422, "stops[1]", "acc-2", "no matrix")
    assert body["field"] == "stops[1].index"


def test_stop_without_location_is_named(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    del request["stops"][2]["location"]
    body = assert_error(post(client, auth, request), 422, "acc-3", "location")
    assert body["field"] == "stops[2].location"


def test_stop_without_index_on_the_matrix_path_is_named(
    client: TestClient, auth: dict[str, str]
) -> None:
    stops = [
        {"id": "s1", "index": 1, "prize": 1.0},
        {"id": "s2", "location": {"lat": 52.0, "lon": 4.0}, "prize": 1.0},
    ]
    body = assert_error(
        post(client, auth, matrix_request(stops=stops)), 422, "stops[1]", "'s2'", "index"
    )
    assert body["field"] == "stops[1].index"


def test_vehicle_end_location_on_the_matrix_path_is_named(
    client: TestClient, auth: dict[str, str]
) -> None:
    request = matrix_request(end_index=None)
    request["vehicles"][0]["end"] = HOME
    assert_error(post(client, auth, request), 422, "vehicles[0]", "rep-1", "end_index")


def test_vehicle_without_start_is_named(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    del request["vehicles"][0]["start"]
    assert_error(post(client, auth, request), 422, "vehicles[0]", "rep-1", "start")


# --- matrix shape and indices ----------------------------------------------------------------


def test_ragged_matrix_is_422(client: TestClient, auth: dict[str, str]) -> None:
    request = matrix_request()
    request["matrix"] = {"durations": [[0, 600, 900], [600, 0], [900, 300, 0]]}
    body = assert_error(post(client, auth, request), 422, "matrix.durations", "row 1")
    assert body["field"] == "matrix"


def test_distances_of_another_shape_are_422(client: TestClient, auth: dict[str, str]) -> None:
    request = matrix_request()
    request["matrix"] = {"durations": MATRIX["durations"], "distances": [[0, 1], [1, 0]]}
    assert_error(post(client, auth, request), 422, "matrix.distances")


def test_matrix_entry_of_the_wrong_type_is_422(client: TestClient, auth: dict[str, str]) -> None:
    request = matrix_request()
    request["matrix"] = {"durations": [[0, "far"], [1, 0]]}
    body = assert_error(post(client, auth, request), 422, "matrix.durations[0][1]")
    assert body["errors"][0]["loc"] == ["body", "matrix", "durations", 0, 1]


def test_index_out_of_range_is_422(client: TestClient, auth: dict[str, str]) -> None:
    stops = [{"id": "s1", "index": 1}, {"id": "s9", "index": 9}]
    body = assert_error(
        post(client, auth, matrix_request(stops=stops)), 422, "'s9'", "9", "outside the matrix"
    )
    assert body["field"] == "stops[1].index"


def test_vehicle_index_out_of_range_is_422(client: TestClient, auth: dict[str, str]) -> None:
    body = assert_error(
        post(client, auth, matrix_request(end_index=3)), 422, "rep-1", "end_index 3"
    )
    assert body["field"] == "vehicles[0].end_index"


def test_negative_index_is_422(client: TestClient, auth: dict[str, str]) -> None:
    stops = [{"id": "s1", "index": -1}]
    body = assert_error(
        post(client, auth, matrix_request(stops=stops)), 422, "stops[0].index", "'s1'"
    )
    assert body["field"] == "stops[0].index"


# --- other validation ------------------------------------------------------------------------


def test_required_stop_that_cannot_be_served_is_named(
    client: TestClient, auth: dict[str, str]
) -> None:
    request = location_request()
    request["stops"][0]["windows"] = [[3600, 7200]]  # over before the 08:00 shift starts
    request["stops"][0]["required"] = True
    body = assert_error(post(client, auth, request), 422, "acc-1")
    assert body["stop"] == "acc-1"
    assert body["reason"] in {"outside_windows", "no_time", "unreachable"}


@pytest.mark.parametrize("kind", ["stops", "vehicles"])
def test_duplicate_ids_are_422(client: TestClient, auth: dict[str, str], kind: str) -> None:
    request = location_request()
    request[kind].append(dict(request[kind][0]))
    n = len(request[kind]) - 1
    body = assert_error(post(client, auth, request), 422, "used twice", f"{kind}[0]")
    assert body["field"] == f"{kind}[{n}].id"


def test_reversed_window_names_the_field_and_stop(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    request["stops"][1]["windows"] = [[43200, 32400]]
    body = assert_error(
        post(client, auth, request), 422, "stops[1].windows[0]", "stop 'acc-2'", "ends before"
    )
    assert body["field"] == "stops[1].windows[0]"
    assert body["errors"][0]["subject"] == "stop 'acc-2'"


def test_break_that_does_not_fit_is_named(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    request["vehicles"][0]["breaks"] = [{"window": [43200, 44000], "duration": 2700}]
    body = assert_error(post(client, auth, request), 422, "vehicles[0]", "rep-1", "break")
    assert body["field"] == "vehicles[0]"


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("stops", 0, "service"), -5, "stops[0].service"),
        (("stops", 0, "prize"), -1, "stops[0].prize"),
        (("stops", 0, "location", "lat"), 91, "stops[0].location.lat"),
        (("vehicles", 0, "shift"), [61200], "vehicles[0].shift"),
        (("vehicles", 0, "max_stops"), -1, "vehicles[0].max_stops"),
        (("costs", "per_km"), -0.5, "costs.per_km"),
        (("costs", "per_working_hour"), -1, "costs.per_working_hour"),
        (("costs", "per_working_hour"), "lots", "costs.per_working_hour"),
        (("vehicles", 0, "costs"), {"per_working_hour": -2}, "vehicles[0].costs.per_working_hour"),
        (("options", "time_limit"), 0, "options.time_limit"),
        (("options", "time_limit"), -3, "options.time_limit"),
        (("stops", 0, "windo"), [[0, 1]], "stops[0].windo"),
        (("stops", 0, "id"), "", "stops[0].id"),
    ],
)
def test_invalid_fields_are_named(
    client: TestClient, auth: dict[str, str], path: tuple[str | int, ...], value: Any, fragment: str
) -> None:
    request = location_request()
    target: Any = request
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    body = assert_error(post(client, auth, request), 422, fragment)
    assert body["errors"]


def test_no_vehicles_is_422(client: TestClient, auth: dict[str, str]) -> None:
    request = location_request()
    request["vehicles"] = []
    assert_error(post(client, auth, request), 422, "vehicles")


def test_malformed_json_is_not_a_500(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(
        URL, content=b'{"vehicles": [', headers={**auth, "Content-Type": "application/json"}
    )
    assert_error(response, 422, "invalid JSON at character")


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_body_of_the_wrong_type_is_422(client: TestClient, auth: dict[str, str], body: Any) -> None:
    assert post(client, auth, body).status_code == 422


# --- limits ----------------------------------------------------------------------------------


def test_too_many_stops_is_413(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    request = location_request()
    request["stops"] = [
        {"id": f"acc-{i}", "location": {"lat": 52.0 + i / 1000, "lon": 4.9}}
        for i in range(settings.max_stops + 1)
    ]
    body = assert_error(post(client, auth, request), 413, str(settings.max_stops + 1), "at most")
    assert body["field"] == "stops"


def test_too_many_vehicles_is_413(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    request = location_request()
    request["vehicles"] = [
        {"id": f"rep-{i}", "start": HOME, "shift": SHIFT} for i in range(settings.max_vehicles + 1)
    ]
    assert_error(post(client, auth, request), 413, "vehicles", "at most")


def test_matrix_too_large_is_413(auth: dict[str, str], settings: Settings) -> None:
    small = settings.model_copy(update={"max_stops": 2, "max_vehicles": 1})
    request = matrix_request(stops=[])
    size = 5  # more than 2 stops + 2 ends of 1 vehicle
    request["matrix"] = {"durations": [[0] * size for _ in range(size)]}
    with TestClient(create_app(small)) as client:
        assert_error(post(client, auth, request), 413, "matrix")


def test_body_over_the_limit_is_413(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    padding = "x" * (settings.max_body_bytes + 1)
    response = client.post(
        URL, content=padding.encode(), headers={**auth, "Content-Type": "application/json"}
    )
    assert_error(response, 413, "larger than")


def test_streamed_body_over_the_limit_is_413(
    client: TestClient, auth: dict[str, str], settings: Settings
) -> None:
    def chunks() -> Any:
        for _ in range(3):
            yield b" " * (settings.max_body_bytes // 2)

    response = client.post(
        URL, content=chunks(), headers={**auth, "Content-Type": "application/json"}
    )
    assert_error(response, 413, "larger than")


@pytest.mark.parametrize(
    ("start", "fragment", "field"),
    [
        ({"rep-9": ["acc-1"]}, "no vehicle has id 'rep-9'", "options.start['rep-9']"),
        ({"rep-1": ["acc-1", "acc-7"]}, "no stop has id 'acc-7'", "options.start['rep-1'][1]"),
        ({"rep-1": ["acc-1", "acc-1"]}, "already in the start", "options.start['rep-1'][1]"),
    ],
)
def test_a_start_naming_what_is_not_in_the_request_is_422(
    client: TestClient, auth: dict[str, str], start: Any, fragment: str, field: str
) -> None:
    response = post(client, auth, location_request(start=start))
    body = assert_error(response, 422, fragment)
    assert body["field"] == field
