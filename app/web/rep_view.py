"""What the rep's phone page shows, worked out for its templates (`templates/rep/`).

The page is read on a phone on the road, so it is one light document: the map is its own page
in an iframe (`/rep/map`), the stop cards are server-rendered, and `static/js/rep.js` only
sends visits and re-plans and updates a card in place. Here: the cards in route order with the
breaks where they fall, the navigation links (Google Maps takes at most 10 points a link, so a
long route is split), the numbers a phone can dial, and the words for states and reasons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from app.plans.schemas import CallInstead, PlanBreak, PlanRead, PlanStop

OUTCOMES = (
    "Visited",
    "Order taken",
    "Follow-up needed",
    "Samples left",
    "No decision yet",
    "Not interested",
    "Contact not there",
)
"""What the Done form offers as the outcome (the first is preselected: one tap to save)."""
SKIP_REASONS = (
    "Closed",
    "Contact not available",
    "Cancelled by the customer",
    "Ran out of time",
    "Traffic or road problem",
)
REASON_MAX = 200
"""A visit's `reason` column length."""

STATE_WORDS = {
    "planned": "Planned",
    "booked": "Appointment",
    "arrived": "On site",
    "done": "Done",
    "skipped": "Skipped",
    "cancelled": "Cancelled",
}
FINISHED = frozenset({"done", "skipped", "cancelled"})
"""States in which a stop is behind the rep: no buttons, not on the whole-route links."""
LEFT_OUT_WORDS = {
    "not_worth_it": "Not worth the drive today",
    "no_time": "No time left in the day",
    "outside_windows": "Its opening hours do not fit the route",
    "unreachable": "Cannot be reached from the route",
    "closed": "Closed during your hours today",
    "not_on_map": "Not on the map (no location)",
    "planned_another_day": "Planned on another day",
}
KIND_WORDS = {"day": "day plan", "week": "week plan", "replan": "re-plan"}
EXPORTS = (
    ("export.ics", "Calendar (ICS)", "one event per visit"),
    ("export.gpx", "GPX", "route and waypoints, for a navigation app"),
    ("export.csv", "CSV", "the stops, for a spreadsheet"),
    ("export.geojson", "GeoJSON", "the route and stops, for a GIS"),
    ("call-instead.csv", "Call-instead list (CSV)", "accounts to phone or e-mail"),
)
GOOGLE_DIR = "https://www.google.com/maps/dir/"
APPLE_MAPS = "https://maps.apple.com/"
MAX_LINK_POINTS = 10
"""Points per Google Maps route link: origin, up to 8 waypoints, destination. Google takes at
most 9 waypoints, fewer in some mobile browsers; 10 points keep a link working everywhere the
rep is likely to open it."""
_DIAL = re.compile(r"[^\d+]")

PlanAction = Literal["replan", "plan-again"]


@dataclass(frozen=True, slots=True)
class StopCard:
    """One stop: what, when, where, how to get there and call (`tel`: "" when the number
    cannot be dialled), and what was recorded (`result`)."""

    number: int
    stop: PlanStop
    state_word: str
    hours: str
    address: str
    tel: str
    google: str
    apple: str
    result: str
    is_break: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class BreakItem:
    start: datetime
    end: datetime
    is_break: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class RoutePart:
    """One Google Maps link of the whole route, from `first` to `last` ("start", "stop 3")."""

    url: str
    first: str
    last: str


@dataclass(frozen=True, slots=True)
class CallItem:
    """An account worth contact today that the route leaves out."""

    item: CallInstead
    tel: str
    reason: str
    last_visit: str


@dataclass(frozen=True, slots=True)
class PlanView:
    """Everything `rep/plan.html` shows of a plan: summary, route, call instead, exports."""

    plan: PlanRead
    zone: ZoneInfo
    done: int
    kind: str
    under_way: bool
    action: PlanAction | None
    items: list[StopCard | BreakItem]
    route_parts: list[RoutePart]
    calls: list[CallItem]
    outcomes: ClassVar[Sequence[str]] = OUTCOMES
    skip_reasons: ClassVar[Sequence[str]] = SKIP_REASONS
    reason_max: ClassVar[int] = REASON_MAX
    exports: ClassVar[Sequence[tuple[str, str, str]]] = EXPORTS


def plan_view(plan: PlanRead, *, today: date) -> PlanView:
    """The plan as the page shows it on `today` (the rep's): re-plan today's from here, plan
    a later day again, leave a past day as it was."""
    action: PlanAction | None = None
    if plan.date == today:
        action = "replan"
    elif plan.date > today:
        action = "plan-again"
    return PlanView(
        plan=plan,
        zone=ZoneInfo(plan.time_zone),
        done=sum(1 for stop in plan.stops if stop.state == "done"),
        kind=KIND_WORDS.get(plan.kind, plan.kind),
        under_way=plan.frozen and plan.date == today,
        action=action,
        items=route_items(plan.stops, plan.breaks),
        route_parts=route_parts(plan),
        calls=[call_item(item) for item in plan.call_instead],
    )


def route_items(
    stops: Sequence[PlanStop], breaks: Sequence[PlanBreak]
) -> list[StopCard | BreakItem]:
    """The stop cards in route order, numbered from 1, with breaks where they fall (none
    without stops: the page then says there are none)."""
    if not stops:
        return []
    pending = sorted(breaks, key=lambda b: b.start)
    items: list[StopCard | BreakItem] = []
    for number, stop in enumerate(stops, start=1):
        while pending and pending[0].start <= stop.arrival:
            pause = pending.pop(0)
            items.append(BreakItem(pause.start, pause.end))
        items.append(stop_card(stop, number))
    items.extend(BreakItem(pause.start, pause.end) for pause in pending)
    return items


def stop_card(stop: PlanStop, number: int) -> StopCard:
    hours = stop.opening_hours or "hours not known"
    address = ", ".join(
        part for part in (stop.street, " ".join(p for p in (stop.postcode, stop.city) if p)) if part
    )
    return StopCard(
        number=number,
        stop=stop,
        state_word=STATE_WORDS.get(stop.state, stop.state),
        hours=f"Open {hours}" if hours[:1].isdigit() else hours[:1].upper() + hours[1:],
        address=address,
        tel=dial(stop.phone) if stop.phone else "",
        google=google_destination(stop.latitude, stop.longitude),
        apple=apple_destination(stop.latitude, stop.longitude),
        result=_result_text(stop),
    )


def _result_text(stop: PlanStop) -> str:
    if stop.state == "done":
        parts = [stop.outcome or "Done", stop.notes or ""]
    elif stop.state in ("skipped", "cancelled"):
        parts = [stop.reason or stop.state.capitalize(), stop.notes or ""]
    else:
        return ""
    return " · ".join(p for p in parts if p)


def call_item(item: CallInstead) -> CallItem:
    last = item.last_visit_date.isoformat() if item.last_visit_date else "never"
    overdue = f", {item.overdue_days} days overdue" if item.overdue_days else ""
    reason = LEFT_OUT_WORDS.get(item.reason, item.reason)
    return CallItem(
        item=item,
        tel=dial(item.phone) if item.phone else "",
        reason=f"{reason} ({item.detail})" if item.detail else reason,
        last_visit=last + overdue,
    )


def route_parts(plan: PlanRead) -> list[RoutePart]:
    """Google Maps links for what is left of the route: from the last stop done (or the
    start) through the open stops to the end, at most `MAX_LINK_POINTS` points per link."""
    points: list[tuple[float, float]] = [(plan.start.latitude, plan.start.longitude)]
    labels = ["start"]
    for number, stop in enumerate(plan.stops, start=1):
        if stop.state in ("done", "arrived"):
            points, labels = [(stop.latitude, stop.longitude)], [f"stop {number}"]
        elif stop.state not in FINISHED:
            points.append((stop.latitude, stop.longitude))
            labels.append(f"stop {number}")
    if plan.end is not None:
        points.append((plan.end.latitude, plan.end.longitude))
        labels.append("end")
    if len(points) < 2:
        return []
    spans = route_chunks(len(points))
    return [
        RoutePart(url, labels[first], labels[last])
        for url, (first, last) in zip(route_links(points), spans, strict=True)
    ]


def route_chunks(count: int, max_points: int = MAX_LINK_POINTS) -> list[tuple[int, int]]:
    """Index spans (first, last, inclusive) that cover `count` points with at most
    `max_points` each, consecutive spans sharing their boundary point."""
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}")
    if count <= 1:
        return [(0, 0)] if count == 1 else []
    step = max_points - 1
    return [(first, min(first + step, count - 1)) for first in range(0, count - 1, step)]


def route_links(
    points: Sequence[tuple[float, float]], max_points: int = MAX_LINK_POINTS
) -> list[str]:
    """Google Maps directions links through `points` (lat, lon) in order: the first point is
    the origin. A route longer than `max_points` is split into several links, each ending where
    the next begins. One point gives a link to it from wherever the phone is."""
    links: list[str] = []
    for first, last in route_chunks(len(points), max_points):
        query = {"api": "1"}
        if last > first:
            query["origin"] = _coords(points[first])
        query["destination"] = _coords(points[last])
        if last - first > 1:
            query["waypoints"] = "|".join(_coords(p) for p in points[first + 1 : last])
        query["travelmode"] = "driving"
        links.append(GOOGLE_DIR + "?" + urlencode(query, safe=","))
    return links


def google_destination(lat: float, lon: float) -> str:
    """Google Maps directions to one place, from wherever the phone is."""
    return GOOGLE_DIR + "?" + urlencode({"api": "1", "destination": _coords((lat, lon))}, safe=",")


def apple_destination(lat: float, lon: float) -> str:
    return APPLE_MAPS + "?" + urlencode({"daddr": _coords((lat, lon))}, safe=",")


def dial(phone: str) -> str:
    """A phone number as a `tel:` URI wants it: digits and a leading +, nothing else."""
    digits = _DIAL.sub("", phone)
    return ("+" if digits.startswith("+") else "") + digits.replace("+", "")


def _coords(point: tuple[float, float]) -> str:
    return f"{point[0]:.5f},{point[1]:.5f}"
