"""OSRM's HTTP server as the road engine: a real `osrm-routed` on the Baltimore data the tests
build, compared with the embedded engine on the same data; small local servers for the ways an
engine fails (not there, hanging, answering garbage or errors); the cap on calls in flight; and
`POST /api/v1/optimize` planning with the server's road times.
"""

from __future__ import annotations

import math
import pickle
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import osrm
import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import RoadEngineKind, Settings
from app.main import create_app
from app.roads.build import Manifest, current_manifest
from app.roads.embedded import EmbeddedOsrm
from app.roads.engine import EngineDown, EngineRefused, RoadEngine
from app.roads.remote import remote_engine
from app.roads.remote.osrm import OsrmServer
from routing import Point
from tests.moments import TODAY_UTC
from tests.roads.fixtures.fake_server import (
    Reply,
    Request,
    free_port,
    serving,
    silent_server,
)

OSRM_ROUTED = Path(osrm.__file__).parent / "bin" / "osrm-routed"
START_WAIT_S = 30.0
ONE_WAY = (Point(39.30411, -76.59762), Point(39.30296, -76.59966))
"""Two places about 220 m apart in East Baltimore (East Biddle St and East Chase St, both
one-way): one direction is a short drive, the other goes round the block."""


def engine(url: str, **options: Any) -> RoadEngine:
    settings: dict[str, Any] = {
        "profile": "car",
        "api_key": None,
        "timeout_s": 5.0,
        "retries": 2,
        "max_concurrent": 4,
        "table_size": 100,
    }
    settings.update(options)
    return remote_engine("osrm", url, **settings)


@pytest.fixture(scope="module")
def baltimore(road_data_dir: Path) -> tuple[Path, Manifest]:
    found = current_manifest(road_data_dir, "baltimore")
    assert found is not None, "the road_data_dir fixture builds Baltimore"
    return found


@contextmanager
def osrm_routed(base: Path, max_table_size: int) -> Iterator[str]:
    """`osrm-routed` on `base`, on a free port, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 (the osrm package's own binary, no shell)
        [
            str(OSRM_ROUTED),
            "--algorithm",
            "mld",
            "--max-table-size",
            str(max_table_size),
            "-p",
            str(port),
            "-i",
            "127.0.0.1",
            "--threads",
            "2",
            str(base),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_answering(process, url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(process: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + START_WAIT_S
    probe = f"{url}/nearest/v1/car/{ONE_WAY[0].lon},{ONE_WAY[0].lat}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"osrm-routed stopped at start: {output[-2000:]}")
        try:
            if httpx.get(probe, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"osrm-routed did not answer within {START_WAIT_S:.0f} s")


@pytest.fixture(scope="module")
def server(baltimore: tuple[Path, Manifest]) -> Iterator[str]:
    folder, manifest = baltimore
    with osrm_routed(folder / manifest.base, max_table_size=1000) as url:
        yield url


@pytest.fixture(scope="module")
def embedded(baltimore: tuple[Path, Manifest]) -> EmbeddedOsrm:
    return EmbeddedOsrm(*baltimore)


def places(manifest: Manifest, count: int, seed: int) -> list[Point]:
    """`count` places spread over the inner part of the extract (some off the roads: the harbour
    and parks are in the box too; both engines must treat them alike)."""
    south, west, north, east = manifest.bbox
    rng = np.random.default_rng(seed)
    lat = rng.uniform(south + 0.1 * (north - south), north - 0.1 * (north - south), count)
    lon = rng.uniform(west + 0.1 * (east - west), east - 0.1 * (east - west), count)
    return [Point(round(float(a), 6), round(float(o), 6)) for a, o in zip(lat, lon, strict=True)]


def assert_tables_equal(got: list[list[float | None]], expected: list[list[float | None]]) -> None:
    assert len(got) == len(expected)
    for row_got, row_expected in zip(got, expected, strict=True):
        assert len(row_got) == len(row_expected)
        for a, b in zip(row_got, row_expected, strict=True):
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert a == pytest.approx(b, abs=0.05)


# --- against a real osrm-routed ---------------------------------------------------------------


def test_table_equals_the_embedded_engines(
    server: str, embedded: EmbeddedOsrm, baltimore: tuple[Path, Manifest]
) -> None:
    points = [*places(baltimore[1], 28, seed=11), *ONE_WAY]
    remote = engine(server).table(points)
    local = embedded.table(points)
    assert_tables_equal(remote.durations_s, local.durations_s)
    assert_tables_equal(remote.distances_m, local.distances_m)
    assert len(remote.snapped_m) == len(points)
    for got, expected in zip(remote.snapped_m, local.snapped_m, strict=True):
        assert got == pytest.approx(expected, abs=0.01)
    # Not a trivially equal pair of empty or zero tables:
    assert sum(d or 0.0 for row in remote.durations_s for d in row) > 30 * 29 * 60


def test_blocks_give_the_same_table_as_one_request(
    server: str, baltimore: tuple[Path, Manifest]
) -> None:
    points = places(baltimore[1], 25, seed=5)
    whole = engine(server, table_size=100).table(points)
    folder, manifest = baltimore
    # A server that takes 7 places per table: one request for 25 is refused, blocks are not.
    with osrm_routed(folder / manifest.base, max_table_size=7) as small:
        with pytest.raises(EngineRefused, match="TooBig"):
            engine(small, table_size=100).table(points)
        blocked = engine(small, table_size=7).table(points)
    assert blocked.durations_s == whole.durations_s
    assert blocked.distances_m == whole.distances_m
    assert blocked.snapped_m == pytest.approx(whole.snapped_m)


def test_a_table_of_one_place(server: str, embedded: EmbeddedOsrm) -> None:
    # OSRM refuses a table of one coordinate; the engine asks for the place to itself.
    table = engine(server).table([ONE_WAY[0]])
    assert table.durations_s == [[0.0]]
    assert table.snapped_m == pytest.approx(embedded.table(list(ONE_WAY)).snapped_m[:1])


def test_a_one_way_pair_is_asymmetric(server: str) -> None:
    table = engine(server).table(list(ONE_WAY))
    there, back = table.durations_s[0][1], table.durations_s[1][0]
    assert there is not None
    assert back is not None
    assert there > 1.5 * back
    assert table.distances_m[0][1] != table.distances_m[1][0]
    assert max(s for s in table.snapped_m if s is not None) < 20.0


def test_a_table_entry_agrees_with_the_route_service(
    server: str, baltimore: tuple[Path, Manifest]
) -> None:
    a, b, c = places(baltimore[1], 3, seed=2)
    remote = engine(server)
    table = remote.table([a, b, c])
    route = remote.route([a, b])
    assert route.distance_m == pytest.approx(table.distances_m[0][1], abs=0.5)
    assert route.duration_s == pytest.approx(table.durations_s[0][1], abs=0.5)
    assert route.legs == [(route.distance_m, route.duration_s)]
    tour = remote.route([a, b, c])
    assert len(tour.legs) == 2
    assert sum(leg[0] for leg in tour.legs) == pytest.approx(tour.distance_m, abs=0.5)
    assert tour.legs[1][0] == pytest.approx(table.distances_m[1][2], abs=0.5)


def test_route_geometry_is_lat_lon_inside_the_extract(
    server: str, baltimore: tuple[Path, Manifest]
) -> None:
    south, west, north, east = baltimore[1].bbox
    a, b = places(baltimore[1], 2, seed=8)
    route = engine(server).route([a, b])
    assert len(route.geometry) >= 2
    for lat, lon in route.geometry:
        assert south - 0.01 <= lat <= north + 0.01
        assert west - 0.01 <= lon <= east + 0.01
    # The drawing starts and ends near the places asked (lat first, not lon).
    assert math.dist(route.geometry[0], (a.lat, a.lon)) < 0.01
    assert math.dist(route.geometry[-1], (b.lat, b.lon)) < 0.01


def test_the_engine_pickles_without_its_client(server: str) -> None:
    remote = engine(server)
    first = remote.table(list(ONE_WAY))  # makes the client
    copy = pickle.loads(pickle.dumps(remote))  # noqa: S301 (our own bytes)
    assert isinstance(copy, OsrmServer)
    assert copy.remote == remote.remote  # type: ignore[attr-defined]
    assert copy.table(list(ONE_WAY)) == first
    assert b"httpx" not in pickle.dumps(remote)


def test_names_and_data_version_say_where_the_times_come_from(server: str) -> None:
    remote = engine(server + "/")
    assert remote.name == "osrm-server"
    assert remote.data_version == f"osrm-server:{server}:car:{TODAY_UTC.isoformat()}"
    assert server in remote.detail
    assert "car" in remote.detail


def test_a_stopped_server_is_engine_down(baltimore: tuple[Path, Manifest]) -> None:
    folder, manifest = baltimore
    with osrm_routed(folder / manifest.base, max_table_size=100) as url:
        remote = engine(url, retries=1, timeout_s=1.0)
        assert remote.table(list(ONE_WAY)).durations_s[0][1] is not None
    started = time.monotonic()
    with pytest.raises(EngineDown, match=f"OSRM at {url} cannot be reached.*tried 2 times"):
        remote.table(list(ONE_WAY))
    assert time.monotonic() - started < 2.0


# --- engines that are not there, hang, or answer wrongly --------------------------------------


def test_nothing_listening_is_engine_down_quickly() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(EngineDown, match=f"{url} cannot be reached.*tried 3 times"):
        engine(url, retries=2, timeout_s=0.5).table(list(ONE_WAY))
    assert time.monotonic() - started < 2.0


def test_a_hanging_engine_times_out() -> None:
    with silent_server() as url:
        started = time.monotonic()
        with pytest.raises(EngineDown, match=r"did not answer within 0.2 s \(tried 2 times\)"):
            engine(url, retries=1, timeout_s=0.2).route(list(ONE_WAY))
        elapsed = time.monotonic() - started
    assert 0.4 <= elapsed < 2.0


def osrm_table(request: Request, cell: Any = 60.0) -> dict[str, Any]:
    """An answer in OSRM's table shape for the places asked (every entry `cell`)."""
    count = len(request.path.rsplit("/", 1)[-1].split(";"))
    sources = request.param("sources")
    targets = request.param("destinations")
    rows = count if sources is None else len(sources.split(";"))
    cols = count if targets is None else len(targets.split(";"))
    waypoint = {"location": [-76.6, 39.3], "name": "", "distance": 3.5}
    return {
        "code": "Ok",
        "durations": [[cell] * cols for _ in range(rows)],
        "distances": [[cell] * cols for _ in range(rows)],
        "sources": [waypoint] * rows,
        "destinations": [waypoint] * cols,
    }


def _wrong_size(request: Request) -> Reply:
    answer = osrm_table(request)
    answer["durations"] = answer["durations"][:-1]
    return Reply(200, answer)


def _nan_text(request: Request) -> Reply:
    return Reply(200, osrm_table(request, cell="fast"))


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda r: Reply(200, "<html>Bad Gateway</html>"), "not JSON: '<html>Bad Gateway"),
        (_wrong_size, "1 rows of durations where 2 were asked"),
        (_nan_text, "'fast' as durations, not a number"),
        (
            lambda r: Reply(
                400,
                {"code": "InvalidQuery", "message": "Query string malformed close to position 28"},
            ),
            "HTTP 400: InvalidQuery: Query string malformed close to position 28",
        ),
        (
            lambda r: Reply(200, {"code": "NoTable", "message": "No table found"}),
            "code NoTable: No table found",
        ),
        (lambda r: Reply(200, {"code": "Ok"}), r"\(table\) answered without sources"),
        (lambda r: Reply(404, "no such service"), "HTTP 404: 'no such service'"),
    ],
)
def test_an_engine_answering_wrongly_is_refused(answer: Any, message: str) -> None:
    with serving(answer) as fake, pytest.raises(EngineRefused, match=message) as caught:
        engine(fake.url).table(list(ONE_WAY))
    assert f"OSRM at {fake.url}" in str(caught.value)
    assert len(fake.requests) == 1  # a refusal is not retried


def test_nulls_are_pairs_without_a_way() -> None:
    def answer(request: Request) -> Reply:
        table = osrm_table(request)
        table["durations"][0][1] = None
        table["distances"][0][1] = None
        return Reply(200, table)

    with serving(answer) as fake:
        table = engine(fake.url).table(list(ONE_WAY))
    assert table.durations_s == [[60.0, None], [60.0, 60.0]]
    assert table.distances_m == [[60.0, None], [60.0, 60.0]]
    assert table.snapped_m == [3.5, 3.5]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_an_engine_that_is_away_is_retried_then_down(status: int) -> None:
    down = pytest.raises(EngineDown, match=f"HTTP {status}: loading.*tried 3 times")
    with serving(lambda r: Reply(status, {"message": "loading"})) as fake, down:
        engine(fake.url, retries=2).table(list(ONE_WAY))
    assert len(fake.requests) == 3


def test_an_engine_back_after_a_503_answers() -> None:
    def answer(request: Request) -> Reply:
        return (
            Reply(503, "starting") if len(fake.requests) == 1 else Reply(200, osrm_table(request))
        )

    with serving(answer) as fake:
        table = engine(fake.url, retries=1).table(list(ONE_WAY))
    assert table.durations_s == [[60.0, 60.0], [60.0, 60.0]]
    assert len(fake.requests) == 2


def test_the_query_names_sources_and_destinations_of_each_block() -> None:
    with serving(lambda r: Reply(200, osrm_table(r))) as fake:
        engine(fake.url, table_size=4).table([Point(39.3, -76.6 + k / 1000) for k in range(5)])
    # 5 places, 4 a request: groups of 2 ({0,1}, {2,3}, {4}), 3 x 3 blocks.
    assert len(fake.requests) == 9
    for request in fake.requests:
        coordinates = request.path.rsplit("/", 1)[-1].split(";")
        assert len(coordinates) <= 4
        assert request.param("annotations") == "duration,distance"
    squares = [r for r in fake.requests if r.param("sources") is None]
    assert len(squares) == 2
    # The lone place {4} is asked from itself to itself: OSRM wants two coordinates.
    [lone] = [
        r for r in fake.requests if r.param("sources") == "0" and r.param("destinations") == "1"
    ]
    first, second = lone.path.rsplit("/", 1)[-1].split(";")
    assert first == second


@pytest.mark.parametrize("cap", [2, 6])
def test_calls_in_flight_are_capped_per_process(cap: int) -> None:
    with serving(lambda r: Reply(200, osrm_table(r), delay_s=0.3)) as fake:
        # Separate engine objects on one URL, as worker threads and unpickled copies are.
        engines = [engine(fake.url, max_concurrent=cap) for _ in range(6)]
        failures: list[BaseException] = []

        def call(remote: RoadEngine) -> None:
            try:
                remote.table(list(ONE_WAY))
            except BaseException as exc:  # reported below, on the test's thread
                failures.append(exc)

        threads = [threading.Thread(target=call, args=(e,)) for e in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert not failures
    assert len(fake.requests) == 6
    if cap == 2:
        assert fake.record.most_in_flight == 2
    else:  # the same calls without a tight cap do overlap more: the cap is what held them
        assert fake.record.most_in_flight > 2


# --- through the app -------------------------------------------------------------------------


def optimize_request(home: Point, stops: list[Point]) -> dict[str, Any]:
    def at(point: Point) -> dict[str, float]:
        return {"lat": point.lat, "lon": point.lon}

    return {
        "vehicles": [{"id": "rep-1", "start": at(home), "end": at(home), "shift": [28800, 61200]}],
        "stops": [
            {"id": f"s{k}", "location": at(p), "service": 300, "prize": 100.0}
            for k, p in enumerate(stops)
        ],
        "costs": {"per_hour": 40.0, "per_km": 0.5},
        "options": {"time_limit": 0.5, "seed": 0},
    }


def remote_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={"roads_engine": RoadEngineKind.OSRM, "roads_url": url, "roads_timeout_s": 2.0}
    )


def test_optimize_plans_with_the_servers_road_times(
    server: str,
    settings: Settings,
    auth: dict[str, str],
    clock: FixedClock,
    embedded: EmbeddedOsrm,
    baltimore: tuple[Path, Manifest],
) -> None:
    home, *stops = places(baltimore[1], 5, seed=21)
    with TestClient(create_app(remote_settings(settings, server), clock)) as client:
        response = client.post("/api/v1/optimize", json=optimize_request(home, stops), headers=auth)
    assert response.status_code == 200, response.text
    [route] = response.json()["routes"]
    assert len(route["stops"]) == len(stops)
    where = {f"s{k}": p for k, p in enumerate(stops)}
    order = [home, *(where[s["id"]] for s in route["stops"]), home]
    table = embedded.table(order)
    legs = range(len(order) - 1)
    road_s = [table.durations_s[k][k + 1] for k in legs]
    road_m = [table.distances_m[k][k + 1] for k in legs]
    assert all(s is not None for s in road_s)
    assert all(m is not None for m in road_m)
    # Each arrival is at least the road time after the departure before it (whole seconds).
    departures = [route["start_time"], *(s["departure"] for s in route["stops"])]
    arrivals = [*(s["arrival"] for s in route["stops"]), route["end_time"]]
    for k in legs:
        assert arrivals[k] - departures[k] >= math.ceil(road_s[k]) - 1e-6  # type: ignore[arg-type]
    assert route["distance"] == pytest.approx(sum(road_m), abs=1.0)  # type: ignore[arg-type]
    assert route["travel_time"] == pytest.approx(sum(road_s), abs=len(order))  # type: ignore[arg-type]


def test_optimize_with_the_server_stopped_is_503(
    settings: Settings, auth: dict[str, str], clock: FixedClock
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    stopped = remote_settings(settings, url).model_copy(update={"roads_retries": 0})
    home, stop = ONE_WAY
    with TestClient(create_app(stopped, clock)) as client:
        response = client.post(
            "/api/v1/optimize", json=optimize_request(home, [stop]), headers=auth
        )
    assert response.status_code == 503, response.text
    body = response.json()
    assert f"OSRM at {url} cannot be reached" in body["detail"]
    assert body["field"] == "travel"
    assert response.headers["Retry-After"] == "30"


def test_optimize_with_an_engine_answering_garbage_is_502(
    settings: Settings, auth: dict[str, str], clock: FixedClock
) -> None:
    home, stop = ONE_WAY
    with serving(lambda r: Reply(200, {"code": "Ok", "durations": "soon"})) as fake:
        app = create_app(remote_settings(settings, fake.url), clock)
        with TestClient(app) as client:
            response = client.post(
                "/api/v1/optimize", json=optimize_request(home, [stop]), headers=auth
            )
    assert response.status_code == 502, response.text
    assert f"OSRM at {fake.url}" in response.json()["detail"]
