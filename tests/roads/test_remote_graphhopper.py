"""The GraphHopper client against a local HTTP server answering from fixtures.

GraphHopper's Matrix API is not part of the open-source server, so the fixtures follow the
Directions API's published reference (numbers are plausible Baltimore drives); the server answers
each request from them by the points asked:

- fixtures/graphhopper/matrix.json: `times` (s) and `distances` (m) with `fail_fast: false`,
  null for a point it cannot find (5) and a pair it cannot connect (1 -> 3), and the `hints`
  naming them (`invalid_from_points`, `invalid_to_points`, `point_pairs`)
  (https://docs.graphhopper.com/openapi/matrices, POST /matrix, MatrixRequest/MatrixResponse);
- fixtures/graphhopper/route.json: `paths[0]` with `distance` (m), `time` (ms), `points` as
  GeoJSON (`points_encoded: false`) and `instructions`, a via point marked by sign 5
  (https://docs.graphhopper.com/openapi/routing, POST /route, RouteResponsePath; legs as in
  https://www.graphhopper.com/blog/2019/11/28/routing-api-using-path-details/);
- fixtures/graphhopper/error_400.json: an error answer, `message` and `hints`.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from app.roads.engine import EngineDown, EngineRefused, RoadEngine
from app.roads.remote import remote_engine
from app.roads.travel import RoadTravel
from routing import Point
from tests.roads.fixtures.fake_server import Reply, Request, free_port, load, serving

MATRIX = load("graphhopper/matrix.json")
ROUTE = load("graphhopper/route.json")
ERROR = load("graphhopper/error_400.json")
KEY = "test-key-not-secret"
WRONG_KEY = {"message": "Wrong credentials. Register and get a valid API key."}

PLACES = [Point(lat, lon) for lon, lat in MATRIX["request"]["points"]]
NOT_FOUND = 5
UNCONNECTED = (1, 3)


def engine(url: str, **options: Any) -> RoadEngine:
    settings: dict[str, Any] = {
        "profile": "car",
        "api_key": KEY,
        "timeout_s": 2.0,
        "retries": 1,
        "max_concurrent": 4,
        "table_size": 100,
    }
    settings.update(options)
    return remote_engine("graphhopper", url, **settings)


def graphhopper(request: Request) -> Reply:
    """GraphHopper as its docs describe it, over the fixtures' points."""
    if request.param("key") != KEY:
        return Reply(401, WRONG_KEY)
    body = request.body
    if request.path == "/matrix":
        known = {tuple(p): k for k, p in enumerate(MATRIX["request"]["points"])}
        sources = [known[tuple(p)] for p in body["from_points"]]
        targets = [known[tuple(p)] for p in body["to_points"]]
        full = MATRIX["response"]
        answer: dict[str, Any] = {
            name: [[full[name][a][b] for b in targets] for a in sources]
            for name in body["out_arrays"]
        }
        hints = []
        for hint in full["hints"]:
            block = {"message": hint["message"], "details": hint["details"]}
            if "invalid_from_points" in hint:
                block["invalid_from_points"] = [
                    i for i, a in enumerate(sources) if a in hint["invalid_from_points"]
                ]
                block["invalid_to_points"] = [
                    j for j, b in enumerate(targets) if b in hint["invalid_to_points"]
                ]
            if "point_pairs" in hint:
                pairs = {tuple(pair) for pair in hint["point_pairs"]}
                block["point_pairs"] = [
                    [i, j]
                    for i, a in enumerate(sources)
                    for j, b in enumerate(targets)
                    if (a, b) in pairs
                ]
            hints.append(block)
        return Reply(200, {**answer, "hints": hints, "info": full["info"]})
    if request.path == "/route":
        if body["points"] == ROUTE["request"]["points"]:
            return Reply(200, ROUTE["response"])
        return Reply(400, ERROR)
    return Reply(404, {"message": "Not found"})


def expected(i: int, j: int, what: str) -> float | None:
    value = MATRIX["response"][what][i][j]
    return None if value is None else float(value)


def test_the_matrix_is_read_with_its_gaps() -> None:
    with serving(graphhopper) as fake:
        table = engine(fake.url).table(PLACES)
    count = len(PLACES)
    assert table.durations_s == [
        [expected(i, j, "times") for j in range(count)] for i in range(count)
    ]
    assert table.distances_m == [
        [expected(i, j, "distances") for j in range(count)] for i in range(count)
    ]
    assert table.durations_s[1][3] is None
    assert table.durations_s[3][1] is not None
    # The point it could not find is "no road found"; the others it placed, at an unknown 0.
    assert table.snapped_m == [0.0, 0.0, 0.0, 0.0, 0.0, None]
    [request] = fake.requests
    assert request.method == "POST"
    assert request.param("key") == KEY
    assert request.body["out_arrays"] == ["times", "distances"]
    assert request.body["profile"] == "car"
    assert request.body["fail_fast"] is False
    assert request.body["from_points"][0] == [PLACES[0].lon, PLACES[0].lat]


def test_through_road_travel_the_point_not_found_is_unreachable() -> None:
    with serving(graphhopper) as fake:
        matrix = RoadTravel(engine=engine(fake.url), snap_m=500.0).matrix(PLACES)
    assert set(matrix.unreachable) == {NOT_FOUND}
    assert "no road near it" in matrix.unreachable[NOT_FOUND]
    assert matrix.durations_s[1, 3] == float("inf")
    assert matrix.durations_s[0, 2] == expected(0, 2, "times")
    assert matrix.model == "graphhopper"


def test_blocks_are_stitched_back_together() -> None:
    with serving(graphhopper) as fake:
        whole = engine(fake.url).table(PLACES)
        fake.requests.clear()
        blocked = engine(fake.url, table_size=4).table(PLACES)
    assert blocked == whole
    # Six points, four a request: groups of two, 3 x 3 blocks.
    assert len(fake.requests) == 9
    for request in fake.requests:
        named = {tuple(p) for p in (*request.body["from_points"], *request.body["to_points"])}
        assert len(named) <= 4


def test_the_route_converts_milliseconds_and_splits_legs_at_the_via_point() -> None:
    stops = [Point(lat, lon) for lon, lat in ROUTE["request"]["points"]]
    with serving(graphhopper) as fake:
        route = engine(fake.url).route(stops)
    path = ROUTE["response"]["paths"][0]
    assert route.distance_m == pytest.approx(path["distance"])
    assert route.duration_s == pytest.approx(path["time"] / 1000)
    instructions = path["instructions"]
    via = next(k for k, i in enumerate(instructions) if i["sign"] == 5)
    first, second = instructions[:via], instructions[via:]
    assert route.legs == [
        pytest.approx((sum(i["distance"] for i in part), sum(i["time"] for i in part) / 1000))
        for part in (first, second)
    ]
    assert sum(d for d, _ in route.legs) == pytest.approx(route.distance_m)
    assert route.geometry == [(lat, lon) for lon, lat in path["points"]["coordinates"]]
    [request] = fake.requests
    assert request.body["points_encoded"] is False
    assert request.body["instructions"] is True


def test_a_route_whose_via_points_do_not_match_is_refused() -> None:
    without_via = copy.deepcopy(ROUTE["response"])
    for instruction in without_via["paths"][0]["instructions"]:
        if instruction["sign"] == 5:
            instruction["sign"] = 0
    stops = [Point(lat, lon) for lon, lat in ROUTE["request"]["points"]]
    with (
        serving(lambda r: Reply(200, without_via)) as fake,
        pytest.raises(EngineRefused, match="0 via points in its instructions for a route of 2"),
    ):
        engine(fake.url).route(stops)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda body: {**body, "times": body["times"][1:]}, "5 rows of times where 6"),
        (lambda body: {k: v for k, v in body.items() if k != "distances"}, "without distances"),
        (
            lambda body: {**body, "hints": [{"message": "x", "invalid_from_points": [9]}]},
            "9 in invalid_from_points, outside the 6 points asked",
        ),
        (lambda body: {**body, "times": [[True] * 6] * 6}, "True as times, not a number"),
    ],
)
def test_a_matrix_of_the_wrong_shape_is_refused(change: Any, message: str) -> None:
    broken = serving(lambda r: Reply(200, change(graphhopper(r).body)))
    with broken as fake, pytest.raises(EngineRefused, match=message):
        engine(fake.url).table(PLACES)


def test_an_error_answer_is_refused_with_graphhoppers_message() -> None:
    refused = pytest.raises(EngineRefused, match="HTTP 400: Point 1 is out of bounds")
    with serving(graphhopper) as fake, refused as caught:
        engine(fake.url).route([PLACES[0], Point(52.37, 4.89)])
    assert f"GraphHopper at {fake.url}" in str(caught.value)
    assert str(caught.value).count("Point 1 is out of bounds") == 1  # the hint repeats it
    assert len(fake.requests) == 1


def test_a_wrong_key_is_refused_and_no_key_is_not_sent() -> None:
    with serving(graphhopper) as fake:
        with pytest.raises(EngineRefused, match="HTTP 401: Wrong credentials"):
            engine(fake.url, api_key="nope").table(PLACES)
        with pytest.raises(EngineRefused, match="HTTP 401"):
            engine(fake.url, api_key=None).table(PLACES)
    assert fake.requests[-1].param("key") is None


def test_nothing_listening_is_engine_down() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EngineDown, match=f"GraphHopper at {url} cannot be reached"):
        engine(url).route(PLACES[:2])


def test_the_engine_pickles_and_keeps_its_key_out_of_names() -> None:
    with serving(graphhopper) as fake:
        remote = engine(fake.url)
        table = remote.table(PLACES[:3])
        clone = pickle.loads(pickle.dumps(remote))  # noqa: S301 (our own bytes)
        assert clone.table(PLACES[:3]) == table
    assert clone.name == "graphhopper"
    for text in (clone.data_version, clone.detail, repr(clone)):
        assert KEY not in text
