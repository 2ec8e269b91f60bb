"""The Valhalla client against a local HTTP server answering from fixtures.

Valhalla cannot run here, so the fixtures follow its published API reference (numbers are
plausible Baltimore drives); the server answers each request from them by the places asked, so
blocks, snapping and routes go through real HTTP and the real parsing:

- fixtures/valhalla/sources_to_targets.json: the matrix service's verbose answer, rows of
  {distance, time, from_index, to_index}, null where no route
  (https://valhalla.github.io/valhalla/api/matrix/api-reference/, "Outputs of the matrix service");
- fixtures/valhalla/locate.json: the locate service's non-verbose answer, one object per place
  with `edges[].correlated_lat/lon`, and `edges: null` for a place in the harbour
  (https://valhalla.github.io/valhalla/api/locate/api-reference/);
- fixtures/valhalla/route.json: `trip` with `legs[].shape` (polyline, 6 digits) and
  `summary.length/time` (https://valhalla.github.io/valhalla/api/turn-by-turn/api-reference/,
  "Outputs of a route"; https://valhalla.github.io/valhalla/decoding/);
- fixtures/valhalla/error_171.json: an error answer
  (turn-by-turn api-reference, "HTTP status codes and conditions").
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pytest

from app.roads.engine import EngineDown, EngineRefused, RoadEngine
from app.roads.remote import remote_engine
from app.roads.remote.polyline import PolylineError, decode
from app.roads.travel import RoadTravel
from routing import Point
from tests.moments import TODAY_UTC
from tests.roads.fixtures.fake_server import Reply, Request, free_port, load, serving

MATRIX = load("valhalla/sources_to_targets.json")
LOCATE = load("valhalla/locate.json")
ROUTE = load("valhalla/route.json")
ERROR = load("valhalla/error_171.json")

PLACES = [Point(loc["lat"], loc["lon"]) for loc in LOCATE["request"]["locations"]]
"""Six places in Baltimore and, last, one in the harbour (no road edges near it)."""
HARBOUR = len(PLACES) - 1
METRES_PER_DEGREE = math.pi / 180 * 6_371_008.8


def engine(url: str, **options: Any) -> RoadEngine:
    settings: dict[str, Any] = {
        "profile": "car",
        "api_key": None,
        "timeout_s": 2.0,
        "retries": 1,
        "max_concurrent": 4,
        "table_size": 100,
    }
    settings.update(options)
    return remote_engine("valhalla", url, **settings)


def _key(location: dict[str, Any]) -> tuple[float, float]:
    return (location["lat"], location["lon"])


def valhalla(request: Request) -> Reply:
    """Valhalla as its docs describe it, over the fixtures' places."""
    body = request.body
    if request.path == "/locate":
        known = {_key(loc): k for k, loc in enumerate(LOCATE["request"]["locations"])}
        return Reply(200, [LOCATE["response"][known[_key(loc)]] for loc in body["locations"]])
    if request.path == "/sources_to_targets":
        known = {_key(loc): k for k, loc in enumerate(MATRIX["request"]["sources"])}
        if any(_key(loc) not in known for loc in (*body["sources"], *body["targets"])):
            return Reply(400, ERROR)  # what Valhalla says of a place without roads near it
        sources = [known[_key(loc)] for loc in body["sources"]]
        targets = [known[_key(loc)] for loc in body["targets"]]
        full = MATRIX["response"]["sources_to_targets"]
        rows = [
            [{**full[a][b], "from_index": i, "to_index": j} for j, b in enumerate(targets)]
            for i, a in enumerate(sources)
        ]
        return Reply(200, {"sources_to_targets": rows, "units": body.get("units", "kilometers")})
    if request.path == "/route":
        if body["locations"] == ROUTE["request"]["locations"]:
            return Reply(200, ROUTE["response"])
        return Reply(400, ERROR)
    return Reply(404, {"error_code": 106, "error": "Try any of: '/route' '/locate'"})


def expected(i: int, j: int, what: str) -> float | None:
    if HARBOUR in (i, j):
        return None
    value = MATRIX["response"]["sources_to_targets"][i][j][what]
    if value is None:
        return None
    return float(value) * (1000.0 if what == "distance" else 1.0)


def test_the_matrix_is_read_in_seconds_and_metres_with_its_gaps() -> None:
    with serving(valhalla) as fake:
        table = engine(fake.url).table(PLACES)
    count = len(PLACES)
    assert table.durations_s == [
        [expected(i, j, "time") for j in range(count)] for i in range(count)
    ]
    assert table.distances_m == [
        [expected(i, j, "distance") for j in range(count)] for i in range(count)
    ]
    # The fixture's pair 4 -> 5 has no route; its way back has one.
    assert table.durations_s[4][5] is None
    assert table.durations_s[5][4] is not None
    assert table.distances_m[0][1] == pytest.approx(
        MATRIX["response"]["sources_to_targets"][0][1]["distance"] * 1000
    )
    # Snapping: the nearest correlated point of each place; the harbour has none.
    assert table.snapped_m[HARBOUR] is None
    assert table.snapped_m[0] == pytest.approx(0.0009 * METRES_PER_DEGREE, rel=1e-3)
    assert table.snapped_m[1] == pytest.approx(0.0, abs=1e-6)
    assert table.snapped_m[4] == pytest.approx(0.0003 * METRES_PER_DEGREE, rel=1e-3)
    # The harbour was never sent to the matrix (Valhalla would refuse the whole request).
    asked = [r for r in fake.requests if r.path == "/sources_to_targets"]
    assert len(asked) == 1
    assert len(asked[0].body["sources"]) == len(PLACES) - 1


def test_the_requests_follow_the_api() -> None:
    with serving(valhalla) as fake:
        engine(fake.url).table(PLACES)
        engine(fake.url, profile="bicycle").table(PLACES[:2])
    locate, matrix, *_ = fake.requests
    assert locate.method == "POST"
    assert locate.path == "/locate"
    assert locate.body["costing"] == "auto"  # our "car" is Valhalla's "auto"
    assert locate.body["locations"][0] == {"lat": PLACES[0].lat, "lon": PLACES[0].lon}
    assert matrix.body["costing"] == "auto"
    assert matrix.body["units"] == "kilometers"
    assert matrix.body["verbose"] is True
    assert fake.requests[-1].body["costing"] == "bicycle"


def test_through_road_travel_the_harbour_is_unreachable() -> None:
    with serving(valhalla) as fake:
        travel = RoadTravel(engine=engine(fake.url), snap_m=50.0)
        matrix = travel.matrix(PLACES)
    assert "no road near it" in matrix.unreachable[HARBOUR]
    # Place 0 lies 100 m from its road (0.0009 degrees north), over the 50 m limit.
    assert set(matrix.unreachable) == {HARBOUR, 0}
    assert matrix.unreachable[0] == "100 m from the nearest road (the limit is 50 m)"
    assert math.isinf(matrix.durations_s[1, HARBOUR])
    assert math.isinf(matrix.durations_s[4, 5])
    assert matrix.durations_s[1, 2] == expected(1, 2, "time")
    assert matrix.model == "valhalla"


def test_blocks_are_stitched_back_together() -> None:
    with serving(valhalla) as fake:
        whole = engine(fake.url).table(PLACES)
        fake.requests.clear()
        blocked = engine(fake.url, table_size=4).table(PLACES)
    assert blocked == whole
    locates = [r for r in fake.requests if r.path == "/locate"]
    assert [len(r.body["locations"]) for r in locates] == [4, 3]
    matrices = [r for r in fake.requests if r.path == "/sources_to_targets"]
    # Six places with roads, four a request: groups of two, 3 x 3 blocks.
    assert len(matrices) == 9
    for request in matrices:
        named = {_key(loc) for loc in (*request.body["sources"], *request.body["targets"])}
        assert len(named) <= 4


def test_the_concise_answer_of_newer_versions_is_read() -> None:
    # The shape of docs/docs/api/examples/sources_to_targets.json in Valhalla's repository.
    def concise(request: Request) -> Reply:
        if request.path == "/locate":
            return valhalla(request)
        return Reply(
            200,
            {
                "sources_to_targets": {
                    "durations": [[0, 412], [398, 0]],
                    "distances": [[0.0, 2.35], [2.204, 0.0]],
                },
                "units": "kilometers",
                "algorithm": "timedistancematrix",
            },
        )

    with serving(concise) as fake:
        table = engine(fake.url).table(PLACES[:2])
    assert table.durations_s == [[0.0, 412.0], [398.0, 0.0]]
    assert table.distances_m == [[0.0, 2350.0], [2204.0, 0.0]]


def test_distances_in_miles_are_converted() -> None:
    def miles(request: Request) -> Reply:
        reply = valhalla(request)
        if request.path == "/sources_to_targets":
            return Reply(200, {**reply.body, "units": "miles"})
        return reply

    with serving(miles) as fake:
        table = engine(fake.url).table(PLACES[:2])
    km = MATRIX["response"]["sources_to_targets"][0][1]["distance"]
    assert table.distances_m[0][1] == pytest.approx(km * 1609.344)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda body: {"sources_to_targets": body["sources_to_targets"][:1]}, "1 rows of"),
        (
            lambda body: {
                "sources_to_targets": [
                    [{**cell, "time": "12"} for cell in row] for row in body["sources_to_targets"]
                ]
            },
            "'12' as time, not a number",
        ),
        (
            lambda body: {
                "sources_to_targets": [
                    [{**cell, "to_index": 0} for cell in row] for row in body["sources_to_targets"]
                ]
            },
            r"cell \[0\]\[1\] for from_index 0, to_index 0",
        ),
        (lambda body: {**body, "units": "furlongs"}, "distances in units 'furlongs'"),
        (lambda body: {}, "without sources_to_targets"),
    ],
)
def test_a_matrix_of_the_wrong_shape_is_refused(change: Any, message: str) -> None:
    def broken(request: Request) -> Reply:
        reply = valhalla(request)
        if request.path == "/sources_to_targets":
            return Reply(200, change(reply.body))
        return reply

    with serving(broken) as fake, pytest.raises(EngineRefused, match=message):
        engine(fake.url).table(PLACES[:2])


def test_the_route_decodes_its_shapes_and_converts_kilometres() -> None:
    stops = [Point(loc["lat"], loc["lon"]) for loc in ROUTE["request"]["locations"]]
    with serving(valhalla) as fake:
        route = engine(fake.url).route(stops)
    trip = ROUTE["response"]["trip"]
    assert route.distance_m == pytest.approx(trip["summary"]["length"] * 1000)
    assert route.duration_s == pytest.approx(trip["summary"]["time"])
    assert route.legs == [
        pytest.approx((leg["summary"]["length"] * 1000, leg["summary"]["time"]))
        for leg in trip["legs"]
    ]
    shapes = [decode(leg["shape"]) for leg in trip["legs"]]
    # One drawing: the second leg starts where the first ended, drawn once.
    assert len(route.geometry) == len(shapes[0]) + len(shapes[1]) - 1
    assert route.geometry[0] == shapes[0][0]
    for (lat, lon), stop in zip(
        (route.geometry[0], route.geometry[-1]), (stops[0], stops[-1]), strict=False
    ):
        assert abs(lat - stop.lat) < 0.005
        assert abs(lon - stop.lon) < 0.005
    lats = np.array([lat for lat, _ in route.geometry])
    lons = np.array([lon for _, lon in route.geometry])
    assert ((lats > 39.2) & (lats < 39.4)).all()
    assert ((lons > -76.7) & (lons < -76.5)).all()
    assert fake.requests[0].body["locations"][1]["type"] == "break"


def test_polyline_decoding_follows_googles_reference() -> None:
    # The worked example of Google's polyline algorithm page: 5 digits there; Valhalla writes 6.
    encoded = "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert decode(encoded, precision=5) == [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]
    six = [value for pair in decode(encoded, precision=6) for value in pair]
    assert six == pytest.approx([3.85, -12.02, 4.07, -12.095, 4.3252, -12.6453])
    with pytest.raises(PolylineError):
        decode("_p~iF~ps|U_")


def test_an_error_answer_is_refused_with_valhallas_message() -> None:
    with (
        serving(valhalla) as fake,
        pytest.raises(
            EngineRefused, match=r"HTTP 400: No suitable edges near location \(error 171\)"
        ) as caught,
    ):
        engine(fake.url).route([PLACES[0], PLACES[HARBOUR]])
    assert f"Valhalla at {fake.url}" in str(caught.value)
    assert len(fake.requests) == 1


def test_nothing_listening_is_engine_down() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EngineDown, match=f"Valhalla at {url} cannot be reached"):
        engine(url).table(PLACES)


def test_the_engine_pickles_and_names_itself() -> None:
    with serving(valhalla) as fake:
        remote = engine(fake.url, profile="car")
        table = remote.table(PLACES[:3])
        copy = pickle.loads(pickle.dumps(remote))  # noqa: S301 (our own bytes)
        assert copy.table(PLACES[:3]) == table
    assert copy.name == "valhalla"
    assert copy.data_version == f"valhalla:{fake.url}:car:{TODAY_UTC.isoformat()}"
    assert "costing auto" in copy.detail
