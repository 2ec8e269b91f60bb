"""A rep's day plan as files: iCalendar, GPX, CSV and GeoJSON, and the call-instead list as CSV.

Pure functions of a `PlanRead` (and, for ICS, the stops of the day's earlier versions): no
database, no HTTP. Times in a plan are on the rep's clock;
ICS and GPX carry them in UTC (as their specs prefer), CSV and GeoJSON keep the local time
with its offset.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from app.core import clock
from app.plans.schemas import PlanPlace, PlanRead, PlanStop

ICS_MAX_OCTETS = 75
GPX_NS = "http://www.topografix.com/GPX/1/1"
COORDINATE_DECIMALS = 7
"""About a centimetre: finer than any geocoder, coarse enough to keep GPX readable."""

STOP_CSV_COLUMNS: tuple[str, ...] = (
    "seq",
    "account_id",
    "name",
    "street",
    "postcode",
    "city",
    "phone",
    "latitude",
    "longitude",
    "arrival",
    "start",
    "departure",
    "service_minutes",
    "opening_hours",
    "state",
    "outcome",
    "reason",
    "visit_value_model",
)
CALL_INSTEAD_CSV_COLUMNS: tuple[str, ...] = (
    "rank",
    "account_id",
    "name",
    "phone",
    "city",
    "value",
    "visit_value_model",
    "reason",
    "detail",
    "last_visit_date",
    "overdue_days",
)
# Numbers are written by us, never by a user: a negative longitude must stay a number.
_NUMERIC_COLUMNS = frozenset(
    {"seq", "rank", "account_id", "latitude", "longitude", "service_minutes"}
    | {"visit_value_model", "value", "overdue_days"}
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# What + or - may lead without being a formula a spreadsheet would run: a phone number
# ("+1 (555) 010-0000", "+49 30 1234-5678") or a plain number ("-12.5", "-1,5"). Neither holds a
# letter, a quote, `!`, `|` or `:`, so neither can call a function, name a cell or reach DDE.
_PHONE_OR_NUMBER = re.compile(r"[+-][0-9][0-9 ()./-]*|-[0-9]+(?:[.,][0-9]+)?")
# Neither RFC 5545 TEXT nor XML 1.0 allows control characters but TAB, CR and LF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CellValue = str | int | float | None


def plan_ics(
    plan: PlanRead,
    *,
    earlier: Sequence[Sequence[PlanStop]] = (),
    host: str = "fieldroute",
    stamp: datetime | None = None,
) -> str:
    """The plan as an iCalendar (RFC 5545) calendar: one event per stop, lunch left out.

    An event's UID names the rep, the day and the account, not the plan version, so importing
    a re-planned day updates the events a calendar already holds instead of adding copies:
    SEQUENCE rises with the version and DTSTAMP is the moment of export (`stamp`, default
    now). `earlier`: the stops of the day's earlier versions, oldest first; those this
    version no longer plans come as cancelled events, or a calendar would keep them.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Fieldroute//Rep day plan//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(_title(plan))}",
        f"X-WR-TIMEZONE:{_ics_text(plan.time_zone)}",
    ]
    # RFC 5545 3.8.7.2: in an object with a METHOD, DTSTAMP is when the object was made; RFC
    # 5546 2.1.5: it breaks a SEQUENCE tie, so a stop skipped since the last export updates.
    stamp_text = _ics_time(stamp or clock.now())
    planned = _event_keys(plan.stops)
    for key, stop in zip(planned, plan.stops, strict=True):
        # A skipped or cancelled stop stays in the calendar, struck through by clients.
        cancelled = stop.state in ("skipped", "cancelled")
        lines += _vevent(plan, key, stop, host=host, stamp=stamp_text, cancelled=cancelled)
    planned_keys = set(planned)
    dropped: dict[_EventKey, PlanStop] = {}
    for stops in earlier:
        for key, stop in zip(_event_keys(stops), stops, strict=True):
            if key not in planned_keys:
                dropped[key] = stop  # a later version's times win
    note = f"No longer planned: not in version {plan.version} of the day's plan"
    for key, stop in sorted(dropped.items(), key=lambda item: item[1].start):
        lines += _vevent(plan, key, stop, host=host, stamp=stamp_text, cancelled=True, note=note)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


class _EventKey(NamedTuple):
    """What an event stands for: an account's first, second, ... stop of the day (an account
    can have two appointments on a day)."""

    account_id: int
    occurrence: int


def _event_keys(stops: Sequence[PlanStop]) -> list[_EventKey]:
    seen: dict[int, int] = {}
    keys = []
    for stop in stops:
        seen[stop.account_id] = seen.get(stop.account_id, 0) + 1
        keys.append(_EventKey(stop.account_id, seen[stop.account_id]))
    return keys


def _vevent(
    plan: PlanRead,
    key: _EventKey,
    stop: PlanStop,
    *,
    host: str,
    stamp: str,
    cancelled: bool,
    note: str | None = None,
) -> list[str]:
    again = "" if key.occurrence == 1 else f"-{key.occurrence}"
    label = "Appointment" if stop.kind == "appointment" else "Visit"
    description = _stop_description(stop)
    if note is not None:
        description = f"{note}\n{description}"
    return [
        "BEGIN:VEVENT",
        f"UID:rep-{plan.rep_id}-{plan.date:%Y%m%d}-acc-{key.account_id}{again}@{host}",
        f"DTSTAMP:{stamp}",
        # Versions count from 1, SEQUENCE from 0: the first plan of a day is revision 0.
        f"SEQUENCE:{plan.version - 1}",
        f"LAST-MODIFIED:{_ics_time(_aware(plan.created_at, plan.time_zone))}",
        f"DTSTART:{_ics_time(_aware(stop.start, plan.time_zone))}",
        f"DTEND:{_ics_time(_aware(stop.departure, plan.time_zone))}",
        f"SUMMARY:{_ics_text(f'{label}: {stop.name}')}",
        f"LOCATION:{_ics_text(address(stop))}",
        f"GEO:{_decimal(stop.latitude)};{_decimal(stop.longitude)}",
        f"DESCRIPTION:{_ics_text(description)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def plan_gpx(plan: PlanRead) -> str:
    """The plan as GPX 1.1: a waypoint per stop plus start and end, one route through them, and,
    when the plan was made on roads, a track along the roads (the route's points are the stops,
    which a navigation app joins its own way; the track is the drive the plan was timed on)."""
    # Plain tags under a literal xmlns: ElementTree's default_namespace refuses plain attributes.
    root = ET.Element("gpx", {"xmlns": GPX_NS, "version": "1.1", "creator": "Fieldroute"})
    metadata = ET.SubElement(root, "metadata")
    _text(metadata, "name", _title(plan))
    _text(metadata, "desc", f"Travel: {plan.travel_detail or plan.travel_model}")
    _text(metadata, "time", _gpx_time(plan.created_at, plan.time_zone))
    points = _route_points(plan)
    track = _road_line(plan)
    lats = [point.latitude for point in points] + [lat for lat, _ in track]
    lons = [point.longitude for point in points] + [lon for _, lon in track]
    ET.SubElement(
        metadata,
        "bounds",
        {
            "minlat": _decimal(min(lats)),
            "minlon": _decimal(min(lons)),
            "maxlat": _decimal(max(lats)),
            "maxlon": _decimal(max(lons)),
        },
    )
    for point in points:
        wpt = ET.SubElement(root, "wpt", _gpx_position(point))
        _text(wpt, "time", _gpx_time(point.at, plan.time_zone))
        _text(wpt, "name", point.name)
        if point.stop is not None:
            _text(wpt, "desc", _stop_description(point.stop, with_address=True))
        _text(wpt, "type", point.kind)
    route = ET.SubElement(root, "rte")
    _text(route, "name", _title(plan))
    for point in points:
        rtept = ET.SubElement(route, "rtept", _gpx_position(point))
        _text(rtept, "time", _gpx_time(point.at, plan.time_zone))
        _text(rtept, "name", point.name)
    if track:
        trk = ET.SubElement(root, "trk")
        _text(trk, "name", f"{_title(plan)}: the drive on the roads")
        _text(trk, "src", plan.travel_detail or plan.travel_model)
        segment = ET.SubElement(trk, "trkseg")
        for lat, lon in track:
            ET.SubElement(segment, "trkpt", {"lat": _decimal(lat), "lon": _decimal(lon)})
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # Written by hand: ElementTree declares the locale's encoding for a str, not UTF-8.
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def plan_csv(plan: PlanRead) -> str:
    """The plan's stops as CSV, one row per stop in route order, times local with offset."""
    zone = plan.time_zone
    rows = (
        {
            "seq": stop.seq,
            "account_id": stop.account_id,
            "name": stop.name,
            "street": stop.street,
            "postcode": stop.postcode,
            "city": stop.city,
            "phone": stop.phone,
            "latitude": stop.latitude,
            "longitude": stop.longitude,
            "arrival": _local_iso(stop.arrival, zone),
            "start": _local_iso(stop.start, zone),
            "departure": _local_iso(stop.departure, zone),
            "service_minutes": stop.service_minutes,
            "opening_hours": stop.opening_hours,
            "state": stop.state,
            "outcome": stop.outcome,
            "reason": stop.reason,
            "visit_value_model": round(stop.prize, 2),
        }
        for stop in plan.stops
    )
    return csv_text(STOP_CSV_COLUMNS, rows)


def call_instead_csv(plan: PlanRead) -> str:
    """The call-instead list as CSV, in the plan's order (most valuable first), ranked from 1."""
    rows = (
        {
            "rank": rank,
            "account_id": row.account_id,
            "name": row.name,
            "phone": row.phone,
            "city": row.city,
            "value": round(row.value, 2),
            "visit_value_model": round(row.prize, 2),
            "reason": row.reason,
            "detail": row.detail,
            "last_visit_date": row.last_visit_date.isoformat() if row.last_visit_date else None,
            "overdue_days": row.overdue_days,
        }
        for rank, row in enumerate(plan.call_instead, start=1)
    )
    return csv_text(CALL_INSTEAD_CSV_COLUMNS, rows)


def plan_geojson(plan: PlanRead) -> dict[str, Any]:
    """The plan as an RFC 7946 FeatureCollection: the route line (along the roads when the plan
    was made on them, else straight between the stops: `line` says which), a point per stop,
    start, end."""
    zone = plan.time_zone
    road = _road_line(plan)
    if road:
        line = [[lon, lat] for lat, lon in road]
    else:
        line = [[point.longitude, point.latitude] for point in _route_points(plan)]
    features: list[dict[str, Any]] = [
        _feature(
            {"type": "LineString", "coordinates": line},
            {
                "kind": "route",
                "rep_id": plan.rep_id,
                "rep_name": plan.rep_name,
                "date": plan.date.isoformat(),
                "version": plan.version,
                "totals": plan.totals.model_dump(mode="json"),
                "line": "roads" if road else "straight",
                "travel_model": plan.travel_model,
                "travel_detail": plan.travel_detail,
            },
        ),
        # A re-plan starts where the rep stood, not at home.
        _place_feature(plan.start, "start" if plan.kind == "replan" else "home", zone),
    ]
    features += [
        _feature(
            {"type": "Point", "coordinates": [stop.longitude, stop.latitude]},
            {
                "kind": stop.kind,
                "seq": stop.seq,
                "account_id": stop.account_id,
                "name": stop.name,
                "arrival": _local_iso(stop.arrival, zone),
                "start": _local_iso(stop.start, zone),
                "departure": _local_iso(stop.departure, zone),
                "state": stop.state,
            },
        )
        for stop in plan.stops
    ]
    if plan.end is not None:
        features.append(_place_feature(plan.end, "end", zone))
    return {"type": "FeatureCollection", "features": features}


def address(stop: PlanStop) -> str:
    """`street, postcode city`, leaving out what is unknown."""
    town = " ".join(part for part in (stop.postcode, stop.city) if part)
    return ", ".join(part for part in (stop.street, town) if part)


def csv_cell(value: CellValue, *, numeric: bool = False) -> str:
    """One CSV cell, defused against spreadsheet formula injection (OWASP): text that starts
    with = @ TAB CR or LF, or with + or - unless it reads as a phone number or a plain number,
    gets a leading apostrophe; numeric cells are left as numbers."""
    if value is None:
        return ""
    text = str(value)
    if numeric or not text.startswith(_FORMULA_PREFIXES) or _PHONE_OR_NUMBER.fullmatch(text):
        return text
    return "'" + text


def csv_text(
    columns: Sequence[str],
    rows: Iterable[dict[str, CellValue]],
    *,
    numeric: frozenset[str] = _NUMERIC_COLUMNS,
) -> str:
    """A CSV file (a header, then `rows` by `columns`) of `csv_cell`s; the `numeric` columns
    are numbers the app wrote, kept as they are (a negative one is not a formula)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(csv_cell(row[name], numeric=name in numeric) for name in columns)
    return out.getvalue()


def _title(plan: PlanRead) -> str:
    return f"Fieldroute: {plan.rep_name}, {plan.date.isoformat()} (v{plan.version})"


def _stop_description(stop: PlanStop, *, with_address: bool = False) -> str:
    lines = [address(stop)] if with_address and address(stop) else []
    if stop.phone:
        lines.append(f"Phone: {stop.phone}")
    if stop.opening_hours:
        lines.append(f"Open: {stop.opening_hours}")
    # The solver's "prize": what the value model says a visit today is worth.
    lines.append(f"Visit value (model): {stop.prize:.2f}")
    if stop.outcome:
        lines.append(f"Outcome: {stop.outcome}")
    if stop.reason:
        lines.append(f"Reason: {stop.reason}")
    if stop.notes:
        lines.append(f"Notes: {stop.notes}")
    return "\n".join(lines)


class _Point(NamedTuple):
    latitude: float
    longitude: float
    name: str
    at: datetime
    kind: str
    stop: PlanStop | None


def _route_points(plan: PlanRead) -> list[_Point]:
    """Start, the stops in route order (at their arrival), then the end if the day has one."""
    start = plan.start
    points = [_Point(start.latitude, start.longitude, "Start", start.at, "start", None)]
    points += [
        _Point(
            stop.latitude, stop.longitude, f"{stop.seq}. {stop.name}", stop.arrival, stop.kind, stop
        )
        for stop in plan.stops
    ]
    if plan.end is not None:
        end = plan.end
        points.append(_Point(end.latitude, end.longitude, "End", end.at, "end", None))
    return points


def _road_line(plan: PlanRead) -> list[tuple[float, float]]:
    """The plan's drive along the roads as (lat, lon); empty without one (or without stops)."""
    if not plan.geometry or len(plan.geometry) < 2 or not plan.stops:
        return []
    return [(float(point[0]), float(point[1])) for point in plan.geometry]


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _place_feature(place: PlanPlace, kind: str, zone: str) -> dict[str, Any]:
    return _feature(
        {"type": "Point", "coordinates": [place.longitude, place.latitude]},
        {"kind": kind, "at": _local_iso(place.at, zone)},
    )


def _aware(moment: datetime, zone: str) -> datetime:
    # Plans hold aware times; a naive one can only mean the rep's clock.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def _local_iso(moment: datetime, zone: str) -> str:
    return _aware(moment, zone).astimezone(ZoneInfo(zone)).isoformat()


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _gpx_time(moment: datetime, zone: str) -> str:
    return _aware(moment, zone).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ics_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), between characters, never inside one."""
    chunks: list[str] = []
    chunk: list[str] = []
    room = ICS_MAX_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if size > room:
            chunks.append("".join(chunk))
            chunk = []
            room = ICS_MAX_OCTETS - 1  # the continuation's leading space is an octet too
        chunk.append(char)
        room -= size
    chunks.append("".join(chunk))
    return "\r\n ".join(chunks)


def _decimal(value: float) -> str:
    # Fixed notation: GPX's xsd:decimal and ICS's FLOAT have no exponent (repr gives 1e-05).
    text = f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _gpx_position(point: _Point) -> dict[str, str]:
    return {"lat": _decimal(point.latitude), "lon": _decimal(point.longitude)}


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _CONTROL.sub("", text)
    return element
