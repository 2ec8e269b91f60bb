"""A plan made on Baltimore's roads keeps the drive along them; one without roads keeps none.

Real app, real embedded OSRM on the real extract (the `road_data_dir` session fixture)."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.db import make_session_factory
from app.main import create_app
from app.plans.geometry import MAX_POINTS, simplify
from routing import Point, great_circle_m
from tests.plans.baltimore import HOME, Baltimore, next_monday, road_settings, seed_baltimore

FAST = 0.5
GPX = "{http://www.topografix.com/GPX/1/1}"


def _client(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, Baltimore]]:
    app = create_app(settings, clock)
    with TestClient(app) as client:
        factory = make_session_factory(app.state.engine)
        with factory() as session:
            world = seed_baltimore(session)
            session.commit()
        yield client, world


@pytest.fixture
def on_roads(
    settings: Settings, road_data_dir: Path, clock: FixedClock
) -> Iterator[tuple[TestClient, Baltimore]]:
    yield from _client(road_settings(settings, road_data_dir), clock)


@pytest.fixture
def without_roads(settings: Settings, clock: FixedClock) -> Iterator[tuple[TestClient, Baltimore]]:
    yield from _client(settings, clock)


def _plan(client: TestClient, world: Baltimore) -> dict:  # type: ignore[type-arg]
    response = client.post(
        f"/api/v1/reps/{world.rep_id}/plans",
        json={"date": next_monday().isoformat(), "time_limit": FAST},
        headers=world.headers("rep"),
    )
    assert response.status_code == 201, response.text
    (plan,) = response.json()["plans"]
    return plan  # type: ignore[no-any-return]


def _near(line: list[list[float]], point: tuple[float, float]) -> float:
    """Metres from `point` to the polyline `line` (flat within a city)."""
    scale = math.cos(math.radians(point[0]))
    px, py = point[1] * scale, point[0]
    best = math.inf
    for (alat, alon), (blat, blon) in itertools.pairwise(line):
        ax, ay, bx, by = alon * scale, alat, blon * scale, blat
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
        best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best * 111_320.0


def test_a_plan_on_roads_keeps_the_drive_from_home_past_every_stop(
    on_roads: tuple[TestClient, Baltimore],
) -> None:
    client, world = on_roads
    plan = _plan(client, world)
    assert plan["travel_model"] == "osrm"
    assert "baltimore" in plan["travel_detail"]
    stops = plan["stops"]
    assert len(stops) >= 5
    line = plan["geometry"]
    assert line is not None
    assert len(line) > 4 * len(stops)
    assert len(line) <= MAX_POINTS
    assert all(len(p) == 2 and round(p[0], 5) == p[0] and round(p[1], 5) == p[1] for p in line)
    # OSRM starts and ends the line where it put home on the road (the snapping distance).
    assert great_circle_m(Point(*line[0]), Point(*HOME)) < 50
    assert great_circle_m(Point(*line[-1]), Point(*HOME)) < 50
    for stop in stops:
        assert _near(line, (stop["latitude"], stop["longitude"])) < 50, stop["name"]
    # The road drive is longer than the straight line through the same points.
    points = [HOME, *((s["latitude"], s["longitude"]) for s in stops), HOME]
    straight = sum(great_circle_m(Point(*a), Point(*b)) for a, b in itertools.pairwise(points))
    drawn = sum(great_circle_m(Point(*a), Point(*b)) for a, b in itertools.pairwise(line))
    assert drawn > straight
    assert plan["totals"]["distance_km"] * 1000 > straight
    # Read back the same from the stored plan.
    again = client.get(
        f"/api/v1/reps/{world.rep_id}/plans/{plan['date']}", headers=world.headers("rep")
    ).json()
    assert again["geometry"] == line
    assert again["travel_model"] == "osrm"
    # The GPX carries the drive as a track, beside the waypoints and the route.
    gpx = client.get(
        f"/api/v1/reps/{world.rep_id}/plans/{plan['date']}/export.gpx",
        headers=world.headers("rep"),
    )
    assert gpx.status_code == 200
    root = ET.fromstring(gpx.content)
    track = root.findall(f"{GPX}trk/{GPX}trkseg/{GPX}trkpt")
    assert len(track) == len(line) >= len(stops)
    assert len(root.findall(f"{GPX}rte/{GPX}rtept")) == len(stops) + 2
    geojson = client.get(
        f"/api/v1/reps/{world.rep_id}/plans/{plan['date']}/export.geojson",
        headers=world.headers("rep"),
    ).json()
    (route,) = [f for f in geojson["features"] if f["properties"]["kind"] == "route"]
    assert route["properties"]["line"] == "roads"
    assert route["geometry"]["coordinates"] == [[lon, lat] for lat, lon in line]


def test_a_plan_without_road_data_is_an_estimate_without_a_line(
    without_roads: tuple[TestClient, Baltimore],
) -> None:
    client, world = without_roads
    plan = _plan(client, world)
    assert plan["travel_model"] == "estimate"
    assert "no road data" in plan["travel_detail"]
    assert plan["stops"]
    assert plan["geometry"] is None
    gpx = client.get(
        f"/api/v1/reps/{world.rep_id}/plans/{plan['date']}/export.gpx",
        headers=world.headers("rep"),
    )
    assert ET.fromstring(gpx.content).findall(f"{GPX}trk") == []
    page = client.get(
        f"/rep/map?rep_id={world.rep_id}&date={plan['date']}", headers=world.headers("rep")
    )
    assert page.status_code == 200
    assert '"roads": false' in page.text


def test_simplify_keeps_ends_caps_points_and_drops_repeats() -> None:
    zigzag = [(39.0 + i * 1e-4, -76.0 + (i % 2) * 3e-4) for i in range(5_001)]
    zigzag.insert(10, zigzag[9])
    out = simplify(zigzag, 300)
    assert len(out) <= 300
    assert out[0] == [39.0, -76.0]
    assert out[-1] == [round(zigzag[-1][0], 5), round(zigzag[-1][1], 5)]
    assert all(a != b for a, b in itertools.pairwise(out))
    # Points on a straight street add nothing.
    street = [(39.0 + i * 1e-4, -76.0) for i in range(100)]
    assert simplify(street, 300) == [[39.0, -76.0], [round(39.0 + 99e-4, 5), -76.0]]
    # A corner stays.
    corner = [*street, (39.0099, -75.99)]
    assert [39.0099, -76.0] in simplify(corner, 300)
