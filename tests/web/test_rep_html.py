"""The rep page's HTML and route map without a browser: route links split for Google Maps,
stop cards and the plan's parts rendered through the templates, and what `route_map` draws."""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import pairwise
from typing import Any, get_args
from urllib.parse import parse_qs, urlsplit

import pytest

from app.auth.principal import Principal
from app.core.config import Role
from app.core.time_text import duration
from app.plans.schemas import LeftOutReason, PlanRead
from app.web.maps import LEAFLET_URL, route_map
from app.web.rep import Notice, day_page
from app.web.rep_view import (
    LEFT_OUT_WORDS,
    apple_destination,
    dial,
    google_destination,
    plan_view,
    route_chunks,
    route_links,
    route_parts,
)
from app.web.templating import render
from app.web.travel_words import travel_label
from routing import Reason

DAY = date(2030, 6, 4)
CHICAGO = "America/Chicago"


def plan_content(plan: PlanRead, *, today: date) -> str:
    """The plan's part of the rep's page, as the page renders it."""
    return render("rep/plan.html", view=plan_view(plan, today=today))


def _points(n: int) -> list[tuple[float, float]]:
    return [(41.0 + i / 100, -87.0 - i / 100) for i in range(n)]


def _coords(text: str) -> tuple[float, float]:
    lat, lon = text.split(",")
    return float(lat), float(lon)


def _link_points(url: str) -> list[tuple[float, float]]:
    """The points a Google Maps directions link goes through, in order (origin first)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.google.com/maps/dir/"
    query = parse_qs(parts.query)
    assert query["api"] == ["1"]
    points = [_coords(query["origin"][0])] if "origin" in query else []
    if "waypoints" in query:
        points += [_coords(p) for p in query["waypoints"][0].split("|")]
    return [*points, _coords(query["destination"][0])]


@pytest.mark.parametrize("n", [2, 3, 9, 10, 11, 12, 19, 20, 28, 55])
def test_route_links_cover_the_route_in_chunks_of_at_most_ten(n: int) -> None:
    points = _points(n)
    links = route_links(points)
    chunks = [_link_points(url) for url in links]
    assert all(2 <= len(chunk) <= 10 for chunk in chunks)
    # Each link starts where the previous one ended, and together they are the route.
    for before, after in pairwise(chunks):
        assert after[0] == before[-1]
    joined = chunks[0] + [p for chunk in chunks[1:] for p in chunk[1:]]
    assert joined == [(round(a, 5), round(b, 5)) for a, b in points]
    assert len(links) == max(1, -(-(n - 1) // 9))


def test_route_links_edge_cases() -> None:
    assert route_links([]) == []
    only = route_links([(41.5, -87.25)])
    assert len(only) == 1
    assert "origin" not in parse_qs(urlsplit(only[0]).query)
    assert _link_points(only[0]) == [(41.5, -87.25)]
    # Ten points fit one link: origin, eight waypoints, destination.
    query = parse_qs(urlsplit(route_links(_points(10))[0]).query)
    assert len(query["waypoints"][0].split("|")) == 8
    assert query["travelmode"] == ["driving"]
    # The waypoint separator is escaped in the URL itself.
    assert "%7C" in route_links(_points(4))[0]
    assert [len(_link_points(u)) for u in route_links(_points(7), max_points=3)] == [3, 3, 3]
    with pytest.raises(ValueError, match="at least 2"):
        route_links(_points(3), max_points=1)


def test_route_chunks_share_boundaries() -> None:
    assert route_chunks(0) == []
    assert route_chunks(1) == [(0, 0)]
    assert route_chunks(10) == [(0, 9)]
    assert route_chunks(11) == [(0, 9), (9, 10)]
    assert route_chunks(19) == [(0, 9), (9, 18)]
    assert route_chunks(20) == [(0, 9), (9, 18), (18, 19)]


def test_single_destination_links_and_phone_numbers() -> None:
    google = urlsplit(google_destination(41.881832, -87.623177))
    assert parse_qs(google.query) == {"api": ["1"], "destination": ["41.88183,-87.62318"]}
    apple = urlsplit(apple_destination(41.881832, -87.623177))
    assert apple.netloc == "maps.apple.com"
    assert parse_qs(apple.query) == {"daddr": ["41.88183,-87.62318"]}
    assert dial("+1 (312) 555-0100") == "+13125550100"
    assert dial("312.555.0100 ext 7") == "31255501007"
    assert dial("call the office") == ""
    assert duration(40) == "40 min"
    assert duration(112.4) == "1 h 52 min"


def _stop(seq: int, account_id: int, hour: int, minute: int = 0, **extra: Any) -> dict[str, Any]:
    at = f"{DAY.isoformat()}T{hour:02d}:{minute:02d}:00-05:00"
    return {
        "seq": seq,
        "account_id": account_id,
        "kind": "visit",
        "name": f"Account {account_id}",
        "street": "1 Main St",
        "city": "Chicago",
        "postcode": "60601",
        "phone": "+1 312 555 0100",
        "latitude": 41.5 + seq / 100,
        "longitude": -87.7 - seq / 100,
        "arrival": at,
        "start": at,
        "departure": at,
        "service_minutes": 30,
        "opening_hours": "08:00-12:00, 13:00-17:00",
        "prize": 100.0,
        "value": 50_000.0,
        **extra,
    }


def _plan(stops: list[dict[str, Any]] | None = None, **extra: Any) -> PlanRead:
    data: dict[str, Any] = {
        "id": 7,
        "rep_id": 3,
        "rep_name": "North Rep 1",
        "date": DAY.isoformat(),
        "version": 2,
        "kind": "day",
        "time_zone": CHICAGO,
        # Stored in UTC: 12:05 UTC is 07:05 in Chicago (CDT).
        "created_at": f"{DAY.isoformat()}T12:05:00Z",
        "frozen": False,
        "start": {"latitude": 42.0, "longitude": -87.8, "at": f"{DAY}T08:00:00-05:00"},
        "end": {"latitude": 42.0, "longitude": -87.8, "at": f"{DAY}T16:30:00-05:00"},
        "stops": stops
        if stops is not None
        else [
            _stop(1, 11, 8, 20),
            _stop(2, 12, 9, 10, name="<b>Bad & Co</b>", phone=None),
            _stop(3, 13, 13, 0, state="done", outcome="Order taken", notes="2 cases"),
            _stop(4, 14, 14, 0, state="skipped", reason="Closed"),
        ],
        "breaks": [{"start": f"{DAY}T12:00:00-05:00", "end": f"{DAY}T12:30:00-05:00"}],
        "call_instead": [
            {
                "account_id": 21,
                "name": "Far Away <Inc>",
                "phone": "(312) 555-0199",
                "city": "Evanston",
                "value": 1_250_000.0,
                "prize": 40.0,
                "reason": "no_time",
                "detail": "the day is full",
                "last_visit_date": "2030-04-01",
                "overdue_days": 36,
            }
        ],
        "totals": {
            "stops": 4,
            "distance_km": 48.26,
            "travel_minutes": 75.4,
            "prize": 400.0,
            "cost": 80.0,
            "net": 320.0,
            "solve_time_s": 2.0,
        },
        "travel_model": "estimate",
        "travel_detail": "straight-line distance x 1.30 at 50 km/h (an estimate: no road data "
        "is set up)",
    }
    data.update(extra)
    return PlanRead.model_validate(data)


def test_plan_content_cards_in_order_with_times_on_the_reps_clock() -> None:
    html = plan_content(_plan(), today=DAY)
    cards = re.findall(r'<li class="stop" id="stop-(\d+)"[^>]*data-state="(\w+)"', html)
    assert cards == [("1", "planned"), ("2", "planned"), ("3", "done"), ("4", "skipped")]
    assert "<time>08:20</time>" in html
    # The lunch break sits between the stops it falls between.
    assert html.index("Break 12:00&ndash;12:30") < html.index('id="stop-3"')
    assert html.index("Break 12:00&ndash;12:30") > html.index('id="stop-2"')
    assert "made 07:05" in html
    assert "08:00&ndash;16:30" in html
    assert "48.3 km · 1 h 15 min" in html
    assert '<dd id="sum-done">1 of 4</dd>' in html
    # Stored text is escaped everywhere.
    assert "<b>Bad" not in html
    assert "&lt;b&gt;Bad &amp; Co&lt;/b&gt;" in html
    assert "Far Away &lt;Inc&gt;" in html
    # Tap to call, except where there is no number.
    assert html.count('href="tel:+13125550100"') == 3
    assert 'href="tel:3125550199"' in html
    assert "Order taken · 2 cases" in html
    assert ">Closed<" in html
    assert "No time left in the day (the day is full)" in html
    assert "Last visit: 2030-04-01, 36 days overdue" in html
    assert 'title="1,250,000">1.2M</span>' in html


def test_waiting_for_an_opening_shows_on_the_card_and_in_the_summary() -> None:
    """Issue 15: a planned wait is said where it happens and summed in the summary; plans stored
    before waiting was totalled show no waiting row."""
    waiting = _stop(1, 11, 8, 20, start=f"{DAY.isoformat()}T09:30:00-05:00")
    plan = _plan(stops=[waiting, _stop(2, 12, 10, 10)])
    plan.totals.waiting_minutes = 70.0
    html = plan_content(plan, today=DAY)
    assert "<time>08:20</time> arrive · wait, opens 09:30 · 30 min" in html
    assert "<time>10:10</time> arrive · 30 min" in html
    assert "<dt>Waiting</dt><dd>1 h 10 min</dd>" in html
    assert "<dt>Waiting</dt>" not in plan_content(_plan(), today=DAY)


def test_plan_content_buttons_depend_on_the_day() -> None:
    today = plan_content(_plan(), today=DAY)
    assert 'id="replan"' in today
    assert 'data-url="/api/v1/reps/3/plans/2030-06-04/replan"' in today
    assert 'id="plan-again"' not in today
    ahead = plan_content(_plan(), today=date(2030, 6, 3))
    assert 'id="plan-again"' in ahead
    assert 'id="replan"' not in ahead
    past = plan_content(_plan(), today=date(2030, 6, 5))
    assert 'id="replan"' not in past
    assert 'id="plan-again"' not in past
    for path in ("export.ics", "export.gpx", "export.csv", "export.geojson", "call-instead.csv"):
        assert f'href="/api/v1/reps/3/plans/2030-06-04/{path}"' in today
    assert 'src="/rep/map?rep_id=3&amp;date=2030-06-04&amp;version=2"' in today
    # Real buttons, each with its words.
    assert today.count('<button type="button" data-action="arrived">Arrived</button>') == 4


def test_whole_route_starts_after_the_last_stop_done() -> None:
    stops = [_stop(i, 100 + i, 8 + i) for i in range(1, 13)]
    stops[2]["state"] = "done"  # stop 3
    stops[4]["state"] = "skipped"  # stop 5
    plan = _plan(stops)
    html = plan_content(plan, today=DAY)
    parts = route_parts(plan)
    for part in parts:
        assert f'href="{part.url.replace("&", "&amp;")}"' in html
    points = [p for chunk in (_link_points(part.url) for part in parts) for p in chunk]
    stop_points = {(round(s["latitude"], 5), round(s["longitude"], 5)): s["seq"] for s in stops}
    visited = [stop_points.get(p, "end") for p in points]
    # From stop 3 (done) through 4, 6..12 (5 is skipped) and home: 10 points, one link.
    assert visited == [3, 4, 6, 7, 8, 9, 10, 11, 12, "end"]
    assert "Part 1 of 1: stop 3 &rarr; end" in html
    stops[2]["state"] = "planned"
    two = plan_content(_plan(stops), today=DAY)
    # Start, 1-4, 6-12, end: 13 points; the skipped stop 5 is not a point.
    assert "Part 1 of 2: start &rarr; stop 10" in two
    assert "Part 2 of 2: stop 10 &rarr; end" in two


def test_day_links_keep_a_managers_rep() -> None:
    rep = Principal(user_id=1, name="A", role=Role.REP, rep_id=3)
    manager = Principal(user_id=2, name="M", role=Role.MANAGER, team_ids=frozenset({1}))
    nothing = Notice("No route was planned.")
    own = day_page(rep, 3, "A", DAY, DAY, nothing).body.decode()
    assert 'href="/rep?date=2030-06-03"' in own
    assert 'href="/rep?date=2030-06-05"' in own
    assert "Today, Tuesday 4 June 2030" in own
    assert "Back to today" not in own
    managed = day_page(manager, 3, "A", DAY, date(2030, 6, 1), nothing).body.decode()
    assert 'href="/rep?date=2030-06-05&amp;rep_id=3"' in managed
    assert (
        'class="back-today" href="/rep?date=2030-06-01&amp;rep_id=3" aria-label="Back to today, Saturday 1 June 2030"'
        in managed
    )


def _route_data(html: str) -> dict[str, Any]:
    match = re.search(r"\}\)\([^,]+, (\{.*\})\);", html)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_route_map_numbers_the_stops_and_draws_the_day() -> None:
    plan = _plan()
    html = route_map(plan, (42.0, -87.8)).get_root().render()
    data = _route_data(html)
    assert [s[2] for s in data["stops"]] == [1, 2, 3, 4]
    assert [s[3] for s in data["stops"]] == ["planned", "planned", "done", "skipped"]
    assert [s[5] for s in data["stops"]] == ["08:20", "09:10", "13:00", "14:00"]
    # Home -> four stops -> home; the start is home, so no separate start marker.
    assert len(data["line"]) == 6
    assert data["line"][0] == data["line"][-1] == [42.0, -87.8]
    assert data["home"] == [42.0, -87.8]
    assert data["start"] is None
    # No road geometry: straight legs, and the map says so.
    assert data["roads"] is False
    assert "Straight lines: no road geometry" in html
    assert "fitBounds" in html
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources == [f"{LEAFLET_URL}/leaflet.js", f"{LEAFLET_URL}/leaflet.css"]
    assert "<b>Bad" not in html
    assert len(html.encode()) < 20_000


def test_route_map_follows_the_road_geometry_when_the_plan_kept_one() -> None:
    road = [
        [42.0, -87.8],
        *([round(42.0 + i * 1e-3, 5), round(-87.8 + (i % 3) * 1e-3, 5)] for i in range(1, 60)),
        [42.0, -87.8],
    ]
    plan = _plan(
        geometry=road,
        travel_model="osrm",
        travel_detail="road times from OSRM (embedded) on OpenStreetMap data of chicago "
        "(chicago.osm.pbf, data version 3, built 2026-03-01)",
    )
    html = route_map(plan, (42.0, -87.8), tiles_url="").get_root().render()
    data = _route_data(html)
    assert data["roads"] is True
    assert data["line"] == road
    assert [s[2] for s in data["stops"]] == [1, 2, 3, 4]
    # The note is in the script either way; the data decides whether it is drawn.
    assert "if (!d.roads" in html


def test_the_travel_model_is_labelled_shortly_with_the_details_in_a_tooltip() -> None:
    roads = travel_label(
        "osrm",
        "road times from OSRM (embedded) on OpenStreetMap data of baltimore "
        "(baltimore.osm.pbf, data version 1, built 2026-03-04)",
    )
    assert roads.text == "Road times: OSRM on OpenStreetMap data of baltimore (v1)"
    assert roads.roads
    estimate = travel_label(
        "estimate", "straight-line distance x 1.30 at 50 km/h (an estimate: no road data is set up)"
    )
    assert estimate.text == (
        "Estimated travel (straight lines x 1.3 at 50 km/h): no road data is set up"
    )
    assert not estimate.roads
    fitted = travel_label(
        "estimate",
        "straight-line distance x 1.41 at 38 km/h (an estimate: no road data here; factors "
        "fitted to the roads of baltimore)",
    )
    assert fitted.text == (
        "Estimated travel (straight lines x 1.41 at 38 km/h): outside the road data "
        "(factors fitted to baltimore)"
    )
    html = plan_content(
        _plan(travel_detail='straight x 1.30 at 50 km/h "><script>x</script>'), today=DAY
    )
    assert "Estimated travel (straight lines x 1.3 at 50 km/h)" in html
    assert "<script>x</script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html


def test_route_map_marks_a_start_away_from_home_and_no_end() -> None:
    replanned = _plan(
        start={"latitude": 41.95, "longitude": -87.9, "at": f"{DAY}T11:00:00-05:00"}, end=None
    )
    data = _route_data(route_map(replanned, (42.0, -87.8), tiles_url="").get_root().render())
    assert data["start"] == [41.95, -87.9]
    assert len(data["line"]) == 5
    empty = _route_data(route_map(_plan([], end=None)).get_root().render())
    assert empty["stops"] == []
    assert empty["home"] is None


def test_every_left_out_reason_the_solver_gives_is_stored_and_said_in_words() -> None:
    """A reason added to `routing.Reason` (issue 15 added `not_explained`) is a valid stored
    reason and has the rep page's words, not its code."""
    stored = set(get_args(LeftOutReason))
    assert {reason.value for reason in Reason} <= stored
    assert set(LEFT_OUT_WORDS) == stored
