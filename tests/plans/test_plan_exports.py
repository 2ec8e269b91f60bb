"""Plan exports (issue 5): ICS, GPX, CSV and GeoJSON of a rep's day, and the call-instead CSV.

Pure: plans are built as `PlanRead` objects, as the service hands them to the exporters.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.plans.exports import (
    CALL_INSTEAD_CSV_COLUMNS,
    STOP_CSV_COLUMNS,
    call_instead_csv,
    csv_cell,
    plan_csv,
    plan_geojson,
    plan_gpx,
    plan_ics,
)
from app.plans.schemas import (
    CallInstead,
    PlanBreak,
    PlanPlace,
    PlanRead,
    PlanStop,
    PlanTotals,
)

CHICAGO = ZoneInfo("America/Chicago")
DAY = date(2025, 6, 3)  # daylight time: UTC-5
GPX = "{http://www.topografix.com/GPX/1/1}"
CJK_NAME = "Tokyo Market " + "日本語" * 8  # 3-octet characters straddle the 75-octet fold
CAFE_NAME = 'Müller, Søn & Co; "Café" Straße'
LONG_NOTES = (
    "Ask for Ms. Ødegård at the back door; bring the spring catalogue, the price list, "
    "and the signed contract from last year. Parking behind the building, gate code 4411."
)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=CHICAGO)


def stop(seq: int, account_id: int, begin: datetime, **fields: Any) -> PlanStop:
    values: dict[str, Any] = {
        "seq": seq,
        "account_id": account_id,
        "kind": "visit",
        "name": f"Account {account_id}",
        "street": None,
        "city": "Chicago",
        "postcode": None,
        "phone": None,
        "latitude": 41.88,
        "longitude": -87.63,
        "arrival": begin - timedelta(minutes=5),
        "start": begin,
        "departure": begin + timedelta(minutes=30),
        "service_minutes": 30,
        "opening_hours": "08:00-17:00",
        "prize": 10.0,
        "value": 1000.0,
    }
    values.update(fields)
    return PlanStop(**values)


def make_plan(*, kind: str = "day", with_end: bool = True) -> PlanRead:
    stops = [
        stop(
            1,
            101,
            at(9),
            name=CAFE_NAME,
            street="123 W. Randolph St",
            postcode="60601",
            phone="+1 312-555-0100",
            latitude=41.8847,
            longitude=-87.6321,
            opening_hours="08:00-12:00, 13:00-17:00",
            prize=123.456,
            notes=LONG_NOTES,
        ),
        stop(
            2,
            102,
            at(10, 30),
            kind="appointment",
            name=CJK_NAME,
            street="Unit 4\\B, 55 E. Grand Ave",
            postcode="60611",
            latitude=41.8917,
            longitude=-87.6251,
            state="done",
            outcome="-10% discount agreed",
            departure=at(11, 15),
            service_minutes=45,
        ),
        stop(
            3,
            103,
            at(13, 15),
            name="@Home Hardware",
            latitude=41.95,
            longitude=-87.7,
            state="skipped",
            reason="closed for inventory",
        ),
    ]
    home = PlanPlace(latitude=41.8781, longitude=-87.6298, at=at(8, 30))
    return PlanRead(
        id=42,
        rep_id=7,
        rep_name="Jo Ruiz",
        date=DAY,
        version=3,
        kind=kind,  # type: ignore[arg-type]
        time_zone="America/Chicago",
        created_at=datetime(2025, 6, 3, 12, 5, tzinfo=UTC),
        frozen=False,
        travel_model="estimate",
        travel_detail="straight-line distance x 1.30 at 50 km/h",
        start=home,
        end=PlanPlace(latitude=41.8781, longitude=-87.6298, at=at(16)) if with_end else None,
        stops=stops,
        breaks=[PlanBreak(start=at(12), end=at(12, 30))],
        call_instead=[
            CallInstead(
                account_id=201,
                name='=HYPERLINK("http://evil.example","x")',
                phone="-1+cmd|' /C calc'!A0",
                city="Evanston",
                value=52000.0,
                prize=80.5,
                reason="no_time",
                detail="no room left in the shift",
                last_visit_date=date(2025, 4, 1),
                overdue_days=33,
            ),
            CallInstead(
                account_id=202,
                name="Zoë's Bakery",
                phone=None,
                city=None,
                value=-250.0,
                prize=3.25,
                reason="not_worth_it",
                detail="the drive costs more than the visit is worth",
                last_visit_date=None,
                overdue_days=None,
            ),
        ],
        totals=PlanTotals(
            stops=3,
            distance_km=31.4,
            travel_minutes=62.0,
            prize=143.456,
            cost=40.0,
            net=103.456,
            solve_time_s=0.8,
        ),
    )


# --- ICS ---------------------------------------------------------------------------------


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").removesuffix("\r\n").split("\r\n")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def vevents(ics: str) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(ics):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return events


def utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


EXPORTED = datetime(2025, 6, 3, 15, 40, 7, tzinfo=UTC)


def test_ics_is_a_publishable_calendar_with_one_event_per_stop() -> None:
    plan = make_plan()
    ics = plan_ics(plan, host="example.test", stamp=EXPORTED)
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    for required in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"):
        assert required in lines
    assert any(line.startswith("PRODID:") for line in lines)
    # The lunch break is not an event.
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == len(plan.stops)

    events = vevents(ics)
    assert [e["UID"] for e in events] == [
        f"rep-7-20250603-acc-{account}@example.test" for account in (101, 102, 103)
    ]
    for event, planned in zip(events, plan.stops, strict=True):
        assert utc(event["DTSTART"]) == planned.start
        assert utc(event["DTEND"]) == planned.departure
        assert utc(event["DTSTAMP"]) == EXPORTED
        assert utc(event["LAST-MODIFIED"]) == plan.created_at
        assert event["SEQUENCE"] == "2"  # version 3
    assert events[0]["DTSTART"] == "20250603T140000Z"  # 09:00 CDT
    assert events[2]["STATUS"] == "CANCELLED"  # skipped
    assert events[0]["STATUS"] == "CONFIRMED"


def test_ics_events_keep_their_uid_across_versions_with_a_higher_sequence() -> None:
    first = make_plan().model_copy(update={"version": 1})
    moved = make_plan()  # version 3: the same accounts, one an hour later
    moved.stops[0].start += timedelta(hours=1)
    moved.stops[0].departure += timedelta(hours=1)
    before = vevents(plan_ics(first, stamp=EXPORTED))
    after = vevents(plan_ics(moved, stamp=EXPORTED + timedelta(hours=2)))
    assert [e["UID"] for e in after] == [e["UID"] for e in before]
    assert {e["SEQUENCE"] for e in before} == {"0"}
    assert {e["SEQUENCE"] for e in after} == {"2"}
    assert all(utc(b["DTSTAMP"]) < utc(a["DTSTAMP"]) for a, b in zip(after, before, strict=True))
    assert utc(after[0]["DTSTART"]) == utc(before[0]["DTSTART"]) + timedelta(hours=1)
    # Another rep or day is another event.
    other_rep = vevents(plan_ics(first.model_copy(update={"rep_id": 8})))
    other_day = vevents(plan_ics(first.model_copy(update={"date": DAY + timedelta(days=1)})))
    uids = {e["UID"] for e in before}
    assert uids.isdisjoint(e["UID"] for e in other_rep)
    assert uids.isdisjoint(e["UID"] for e in other_day)


def test_ics_cancels_the_stops_earlier_versions_planned_and_this_one_does_not() -> None:
    plan = make_plan()  # version 3: accounts 101, 102, 103
    dropped_early = stop(1, 104, at(8))
    dropped_late = stop(4, 105, at(15))
    moved_later = stop(5, 105, at(16), name="Account 105, moved")
    earlier = [
        [dropped_early, plan.stops[0], dropped_late],  # version 1
        [plan.stops[0], moved_later],  # version 2: 104 dropped already
    ]
    events = vevents(plan_ics(plan, earlier=earlier, host="example.test"))
    assert [e["UID"].split("-acc-")[1] for e in events] == [
        f"{account}@example.test" for account in (101, 102, 103, 104, 105)
    ]
    current, withdrawn = events[:3], events[3:]
    assert [e["STATUS"] for e in current] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert all(e["STATUS"] == "CANCELLED" and e["SEQUENCE"] == "2" for e in withdrawn)
    assert utc(withdrawn[0]["DTSTART"]) == dropped_early.start
    # The last version that planned it says when: where the calendar has it.
    assert utc(withdrawn[1]["DTSTART"]) == moved_later.start
    assert unescape(withdrawn[1]["SUMMARY"]) == "Visit: Account 105, moved"
    assert unescape(withdrawn[1]["DESCRIPTION"]).startswith(
        "No longer planned: not in version 3 of the day's plan\n"
    )


def test_ics_names_an_accounts_second_stop_of_the_day_apart() -> None:
    plan = make_plan()
    again = plan.stops[1].model_copy(update={"seq": 4, "start": at(15), "departure": at(15, 45)})
    plan.stops.append(again)
    uids = [e["UID"] for e in vevents(plan_ics(plan))]
    assert uids[1] == "rep-7-20250603-acc-102@fieldroute"
    assert uids[3] == "rep-7-20250603-acc-102-2@fieldroute"
    # A version without the second appointment cancels that one, not the first.
    events = vevents(plan_ics(make_plan(), earlier=[plan.stops]))
    assert [(e["UID"], e["STATUS"]) for e in events[3:]] == [
        ("rep-7-20250603-acc-102-2@fieldroute", "CANCELLED")
    ]


def test_ics_escapes_text_values() -> None:
    plan = make_plan()
    first, second, _ = vevents(plan_ics(plan))
    assert first["SUMMARY"] == 'Visit: Müller\\, Søn & Co\\; "Café" Straße'
    assert unescape(first["SUMMARY"]) == f"Visit: {CAFE_NAME}"
    assert unescape(second["SUMMARY"]) == f"Appointment: {CJK_NAME}"
    assert first["LOCATION"] == "123 W. Randolph St\\, 60601 Chicago"
    assert second["LOCATION"] == "Unit 4\\\\B\\, 55 E. Grand Ave\\, 60611 Chicago"
    assert unescape(second["LOCATION"]) == "Unit 4\\B, 55 E. Grand Ave, 60611 Chicago"
    assert first["GEO"] == "41.8847;-87.6321"

    description = first["DESCRIPTION"]
    assert "\n" not in description
    assert unescape(description).split("\n") == [
        "Phone: +1 312-555-0100",
        "Open: 08:00-12:00, 13:00-17:00",
        "Visit value (model): 123.46",
        f"Notes: {LONG_NOTES}",
    ]


def test_ics_lines_are_crlf_and_folded_at_75_octets_between_characters() -> None:
    ics = plan_ics(make_plan())
    raw = ics.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    physical = raw.removesuffix(b"\r\n").split(b"\r\n")
    assert max(len(line) for line in physical) <= 75
    # Strict decoding fails if a fold cut a multi-octet character in two.
    for line in physical:
        line.decode("utf-8")
    continuations = [line for line in physical if line.startswith(b" ")]
    assert len(continuations) >= 3  # the long description, the CJK summary
    summary = next(line for line in physical if line.startswith(b"SUMMARY:Appointment"))
    # 22 ASCII octets + 17 three-octet characters = 73; one more would be 76.
    assert len(summary) == 73


def test_ics_fold_round_trips_every_value() -> None:
    plan = make_plan()
    # Folding is transparent: unfolding gives back exactly the unfolded escaped values.
    summaries = [unescape(e["SUMMARY"]) for e in vevents(plan_ics(plan))]
    assert summaries == [
        f"{'Appointment' if s.kind == 'appointment' else 'Visit'}: {s.name}" for s in plan.stops
    ]


# --- GPX ---------------------------------------------------------------------------------


def test_gpx_has_waypoints_and_a_route_in_order() -> None:
    plan = make_plan()
    text = plan_gpx(plan)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{GPX}gpx"
    assert root.get("version") == "1.1"
    assert root.get("creator") == "Fieldroute"
    assert root.findtext(f"{GPX}metadata/{GPX}name") == "Fieldroute: Jo Ruiz, 2025-06-03 (v3)"
    assert root.findtext(f"{GPX}metadata/{GPX}time") == "2025-06-03T12:05:00Z"

    expected = [
        ("Start", plan.start.latitude, plan.start.longitude),
        *((f"{s.seq}. {s.name}", s.latitude, s.longitude) for s in plan.stops),
        ("End", 41.8781, -87.6298),
    ]
    waypoints = root.findall(f"{GPX}wpt")
    route_points = root.findall(f"{GPX}rte/{GPX}rtept")
    for points in (waypoints, route_points):
        got = [
            (p.findtext(f"{GPX}name"), float(p.get("lat", "nan")), float(p.get("lon", "nan")))
            for p in points
        ]
        assert got == expected
    assert len(root.findall(f"{GPX}rte")) == 1

    first_stop = waypoints[1]
    assert first_stop.findtext(f"{GPX}time") == "2025-06-03T13:55:00Z"  # arrival 08:55 CDT
    desc = first_stop.findtext(f"{GPX}desc") or ""
    assert desc.splitlines()[:2] == ["123 W. Randolph St, 60601 Chicago", "Phone: +1 312-555-0100"]
    assert [w.findtext(f"{GPX}type") for w in waypoints] == [
        "start",
        "visit",
        "appointment",
        "visit",
        "end",
    ]


def test_gpx_without_an_end_stops_at_the_last_stop() -> None:
    root = ET.fromstring(plan_gpx(make_plan(with_end=False)).encode("utf-8"))
    names = [p.findtext(f"{GPX}name") for p in root.findall(f"{GPX}rte/{GPX}rtept")]
    assert names[0] == "Start"
    assert names[-1] == "3. @Home Hardware"
    assert len(names) == 4


# --- CSV ---------------------------------------------------------------------------------


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def test_plan_csv_has_one_row_per_stop() -> None:
    plan = make_plan()
    text = plan_csv(plan)
    assert text.endswith("\r\n")
    header, rows = read_csv(text)
    assert header == list(STOP_CSV_COLUMNS)
    assert len(rows) == len(plan.stops)
    for row, planned in zip(rows, plan.stops, strict=True):
        assert int(row["seq"]) == planned.seq
        assert int(row["account_id"]) == planned.account_id
        assert float(row["latitude"]) == planned.latitude
        assert float(row["longitude"]) == planned.longitude  # negative, not guarded
        assert int(row["service_minutes"]) == planned.service_minutes
        for column in ("arrival", "start", "departure"):
            moment = datetime.fromisoformat(row[column])
            assert moment == getattr(planned, column)
            assert moment.utcoffset() == timedelta(hours=-5)
        assert row["state"] == planned.state
        assert row["opening_hours"] == planned.opening_hours
    first, second, third = rows
    assert first["name"] == CAFE_NAME
    assert first["street"] == "123 W. Randolph St"
    assert first["postcode"] == "60601"
    assert first["visit_value_model"] == "123.46"
    assert first["arrival"] == "2025-06-03T08:55:00-05:00"
    assert second["name"] == CJK_NAME
    assert second["outcome"] == "'-10% discount agreed"
    assert third["outcome"] == ""
    assert third["street"] == ""


def test_plan_csv_guards_against_formula_injection() -> None:
    _, rows = read_csv(plan_csv(make_plan()))
    assert rows[0]["phone"] == "+1 312-555-0100"  # a phone number stays readable
    assert rows[2]["name"] == "'@Home Hardware"
    assert rows[0]["longitude"].startswith("-8")


def test_call_instead_csv_keeps_order_and_guards_text() -> None:
    plan = make_plan()
    header, rows = read_csv(call_instead_csv(plan))
    assert header == list(CALL_INSTEAD_CSV_COLUMNS)
    assert [int(r["rank"]) for r in rows] == [1, 2]
    assert [int(r["account_id"]) for r in rows] == [201, 202]
    first, second = rows
    assert first["name"] == "'" + plan.call_instead[0].name
    assert first["phone"] == "'" + str(plan.call_instead[0].phone)
    assert first["value"] == "52000.0"
    assert first["visit_value_model"] == "80.5"
    assert first["reason"] == "no_time"
    assert first["last_visit_date"] == "2025-04-01"
    assert first["overdue_days"] == "33"
    assert second["name"] == "Zoë's Bakery"
    with_phone = plan.call_instead[0].model_copy(update={"phone": "+1 (555) 010-0000"})
    _, [only] = read_csv(call_instead_csv(plan.model_copy(update={"call_instead": [with_phone]})))
    assert only["phone"] == "+1 (555) 010-0000"
    assert second["value"] == "-250.0"  # a number, so no apostrophe
    assert second["phone"] == second["city"] == second["last_visit_date"] == ""
    assert second["overdue_days"] == ""


@pytest.mark.parametrize(
    ("value", "numeric", "cell"),
    [
        ("=1+1", False, "'=1+1"),
        ("+1 555", False, "+1 555"),
        ("+1 (555) 010-0000", False, "+1 (555) 010-0000"),
        ("-12.5", False, "-12.5"),
        ("+1+1", False, "'+1+1"),
        ("+cmd|' /C calc'!A0", False, "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|'/c calc'!A0", False, "'-2+3+cmd|'/c calc'!A0"),
        ("\nx", False, "'\nx"),
        ("-x", False, "'-x"),
        ("@SUM(A1)", False, "'@SUM(A1)"),
        ("\tcmd", False, "'\tcmd"),
        ("\rcmd", False, "'\rcmd"),
        ("plain", False, "plain"),
        ("a=b", False, "a=b"),
        (-87.63, True, "-87.63"),
        (-3, True, "-3"),
        (None, False, ""),
    ],
)
def test_csv_cell(value: str | float | None, numeric: bool, cell: str) -> None:
    assert csv_cell(value, numeric=numeric) == cell


# --- GeoJSON -----------------------------------------------------------------------------


def test_geojson_route_line_and_points_are_lon_lat() -> None:
    plan = make_plan()
    collection = plan_geojson(plan)
    json.dumps(collection)  # plain JSON types only
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 1
    line = lines[0]
    coordinates = line["geometry"]["coordinates"]
    assert len(coordinates) == len(plan.stops) + 2
    assert coordinates[0] == [plan.start.longitude, plan.start.latitude]
    assert coordinates[1:-1] == [[s.longitude, s.latitude] for s in plan.stops]
    assert coordinates[-1] == [-87.6298, 41.8781]
    properties = line["properties"]
    assert (properties["rep_id"], properties["date"], properties["version"]) == (
        7,
        "2025-06-03",
        3,
    )
    assert properties["totals"]["distance_km"] == 31.4

    points = [f for f in features if f["geometry"]["type"] == "Point"]
    stops = [p for p in points if p["properties"]["kind"] in ("visit", "appointment")]
    assert [p["properties"]["seq"] for p in stops] == [1, 2, 3]
    assert [p["geometry"]["coordinates"] for p in stops] == [
        [s.longitude, s.latitude] for s in plan.stops
    ]
    first = stops[0]["properties"]
    assert first["account_id"] == 101
    assert first["name"] == CAFE_NAME
    assert first["arrival"] == "2025-06-03T08:55:00-05:00"
    assert datetime.fromisoformat(first["departure"]) == plan.stops[0].departure
    assert stops[2]["properties"]["state"] == "skipped"
    kinds = [p["properties"]["kind"] for p in points]
    assert kinds.count("home") == 1
    assert kinds.count("end") == 1


def test_geojson_replan_without_end() -> None:
    plan = make_plan(kind="replan", with_end=False)
    features = plan_geojson(plan)["features"]
    line = next(f for f in features if f["geometry"]["type"] == "LineString")
    assert len(line["geometry"]["coordinates"]) == len(plan.stops) + 1
    kinds = [f["properties"]["kind"] for f in features if f["geometry"]["type"] == "Point"]
    assert "start" in kinds
    assert "home" not in kinds
    assert "end" not in kinds


# --- HTTP --------------------------------------------------------------------------------


def test_export_endpoints_answer_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # The router needs the lead's service; until it exists there is nothing to wire.
    plans = pytest.importorskip("app.plans.service")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from app.auth.dependencies import authenticate
    from app.auth.principal import Principal
    from app.core.config import Role
    from app.core.deps import get_session
    from app.plans import exports_router as api

    plan = make_plan()
    calls: list[tuple[int, date, int | None]] = []

    def current_plan(
        session: object, principal: object, rep_id: int, day: date, version: int | None = None
    ) -> PlanRead:
        calls.append((rep_id, day, version))
        return plan

    monkeypatch.setattr(plans, "current_plan", current_plan)
    # No database behind this app: no earlier versions (tests/api covers them for real).
    monkeypatch.setattr(plans, "earlier_stops", lambda session, plan: [])
    app = FastAPI()
    app.include_router(api.router, prefix="/api/v1")
    app.dependency_overrides[get_session] = lambda: None
    app.dependency_overrides[authenticate] = lambda: Principal(1, "rep", Role.REP, rep_id=7)
    client = TestClient(app)

    base = "/api/v1/reps/7/plans/2025-06-03"
    expected = {
        "export.ics": ("text/calendar; charset=utf-8", "fieldroute-7-2025-06-03-v3.ics"),
        "export.gpx": ("application/gpx+xml", "fieldroute-7-2025-06-03-v3.gpx"),
        "export.csv": ("text/csv; charset=utf-8", "fieldroute-7-2025-06-03-v3.csv"),
        "export.geojson": ("application/geo+json", "fieldroute-7-2025-06-03-v3.geojson"),
        "call-instead.csv": (
            "text/csv; charset=utf-8",
            "fieldroute-7-2025-06-03-v3-call-instead.csv",
        ),
    }
    for name, (media_type, filename) in expected.items():
        response = client.get(f"{base}/{name}", params={"version": 3})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == media_type
        assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert calls == [(7, DAY, 3)] * len(expected)
    geojson = client.get(f"{base}/export.geojson").json()
    assert geojson["type"] == "FeatureCollection"
    assert calls[-1] == (7, DAY, None)
    # DTSTAMP is the moment of export, so two exports differ there only.
    assert _without_stamps(client.get(f"{base}/export.ics").text) == _without_stamps(plan_ics(plan))
    assert client.get(f"{base}/export.csv", params={"version": 0}).status_code == 422


def _without_stamps(ics: str) -> list[str]:
    return [line for line in unfold(ics) if not line.startswith("DTSTAMP:")]


def test_control_characters_do_not_break_ics_or_gpx() -> None:
    plan = make_plan()
    plan.stops[0].name = "Bell\x07 & Bros\x00"
    event = vevents(plan_ics(plan))[0]
    assert unescape(event["SUMMARY"]) == "Visit: Bell & Bros"
    root = ET.fromstring(plan_gpx(plan).encode("utf-8"))
    assert root.findall(f"{GPX}wpt")[1].findtext(f"{GPX}name") == "1. Bell & Bros"


# --- along the roads -------------------------------------------------------------------------

ROAD_DETAIL = (
    "road times from OSRM (embedded) on OpenStreetMap data of chicago (chicago.osm.pbf, data "
    "version 2, built 2025-06-01)"
)


def on_roads(plan: PlanRead) -> PlanRead:
    """`plan` as if made on roads: a line through its points with a detour between each."""
    points = [(plan.start.latitude, plan.start.longitude)]
    points += [(s.latitude, s.longitude) for s in plan.stops]
    if plan.end is not None:
        points.append((plan.end.latitude, plan.end.longitude))
    line: list[list[float]] = []
    for (a_lat, a_lon), (b_lat, b_lon) in pairwise(points):
        line += [
            [a_lat, a_lon],
            [a_lat, b_lon],
            [round((a_lat + b_lat) / 2, 5), round(b_lon - 0.01, 5)],
        ]
    line.append([points[-1][0], points[-1][1]])
    return plan.model_copy(
        update={"geometry": line, "travel_model": "osrm", "travel_detail": ROAD_DETAIL}
    )


def test_gpx_of_a_plan_on_roads_adds_a_track_along_them() -> None:
    plan = on_roads(make_plan())
    assert plan.geometry is not None
    root = ET.fromstring(plan_gpx(plan).encode("utf-8"))
    # The waypoints and the route through the stops stay as they were.
    assert len(root.findall(f"{GPX}wpt")) == len(plan.stops) + 2
    assert len(root.findall(f"{GPX}rte/{GPX}rtept")) == len(plan.stops) + 2
    (track,) = root.findall(f"{GPX}trk")
    points = track.findall(f"{GPX}trkseg/{GPX}trkpt")
    got = [[float(p.get("lat", "nan")), float(p.get("lon", "nan"))] for p in points]
    assert got == plan.geometry
    assert track.findtext(f"{GPX}src") == ROAD_DETAIL
    # GPX 1.1 orders the children of gpx: metadata, wpt, rte, trk.
    order = [child.tag.removeprefix(GPX) for child in root]
    assert order == sorted(order, key=["metadata", "wpt", "rte", "trk"].index)
    bounds = root.find(f"{GPX}metadata/{GPX}bounds")
    assert bounds is not None
    assert float(bounds.get("minlon", "nan")) == min(lon for _, lon in plan.geometry)
    assert root.findtext(f"{GPX}metadata/{GPX}desc") == f"Travel: {ROAD_DETAIL}"


def test_gpx_without_road_geometry_has_no_track() -> None:
    root = ET.fromstring(plan_gpx(make_plan()).encode("utf-8"))
    assert root.findall(f"{GPX}trk") == []


def test_geojson_of_a_plan_on_roads_draws_the_road_line() -> None:
    plan = on_roads(make_plan())
    assert plan.geometry is not None
    (line,) = [f for f in plan_geojson(plan)["features"] if f["properties"]["kind"] == "route"]
    assert line["geometry"]["coordinates"] == [[lon, lat] for lat, lon in plan.geometry]
    assert line["properties"]["line"] == "roads"
    assert line["properties"]["travel_model"] == "osrm"
    (straight,) = [
        f for f in plan_geojson(make_plan())["features"] if f["properties"]["kind"] == "route"
    ]
    assert straight["properties"]["line"] == "straight"
    assert len(straight["geometry"]["coordinates"]) == len(plan.stops) + 2
