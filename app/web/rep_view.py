"""What the rep's phone page shows, worked out for its templates (`templates/rep/`).

The page is read on a phone on the road, so it is one light document: the map is its own page
in an iframe (`/rep/map`), the stop cards are server-rendered, and `static/js/rep.js` only
sends visits and re-plans and updates a card in place. Here: the cards in route order with the
breaks where they fall, the navigation links (Google Maps takes at most 10 points a link, so a
long route is split), the numbers a phone can dial, and the words for states and reasons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar, Literal, Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from app.core.time_text import wall_time
from app.plans.schemas import CallInstead, PlanBreak, PlanRead, PlanStop
from app.plans.week import week_of

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
CHANNELS = (("call", "Call"), ("email", "E-mail"), ("video", "Video meeting"))
"""What the form offers as the channel (the first is preselected)."""
CHANNEL_WORDS = dict(CHANNELS) | {"visit": "Visit"}
TOUCH_OUTCOMES = (
    "Spoke to the buyer",
    "Order taken",
    "Follow-up needed",
    "Left a message",
    "No answer",
    "Not interested",
)
"""What the form offers as the outcome (the first is preselected: one tap to log)."""
NEXT_STEP_MAX = 300
"""A touch's `next_step` column length."""


@dataclass(frozen=True, slots=True)
class TouchForm:
    """The choices of the "log a touch" form."""

    channels: tuple[tuple[str, str], ...] = CHANNELS
    outcomes: tuple[str, ...] = TOUCH_OUTCOMES
    next_step_max: int = NEXT_STEP_MAX


TOUCH_FORM = TouchForm()


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
    "not_explained": "Not checked in time (the plan's time limit ran out)",
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
PRECISE = frozenset({"address", "street", "manual"})
"""Geocode precisions whose point a navigation app can drive to; a postcode's or a city's
centre can be kilometres from the customer, so those stops navigate by their address."""
US_COUNTRY = frozenset({"US", "USA", "U.S.", "U.S.A.", "UNITED STATES", "UNITED STATES OF AMERICA"})

PlanAction = Literal["replan", "plan-again"]
Place = tuple[float, float] | str
"""Where a link goes: a point (lat, lon), or an address a navigation app looks up."""


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
    recorded: str = ""
    """When the visit happened, as recorded ("10:05-10:40"): shown instead of the plan's time."""
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


CALLS_AT_FIRST = 25
"""Accounts to call shown before "Show more": a big territory has a couple of hundred, and
laying them all out makes the phone page slow to open."""


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
    can_record: bool
    """Visits can be recorded: not on a day still ahead (the buttons would be refused)."""
    day_over: bool
    """Today's shift has ended: nothing left to plan or re-plan today."""
    items: list[StopCard | BreakItem]
    route_parts: list[RoutePart]
    calls: list[CallItem]
    calls_at_first: ClassVar[int] = CALLS_AT_FIRST
    refresh_from: date | None = None
    """Where the week's refresh starts when this day may be planned again with the rest of its
    week (not started); None for a started today (the rep re-plans it) or a day gone by."""
    auto_refresh: bool = False
    """The plan is stale and not started, and the rep is looking at their own day: the page
    refreshes it on opening. A started today changes only on the rep's tap."""
    outcomes: ClassVar[Sequence[str]] = OUTCOMES
    skip_reasons: ClassVar[Sequence[str]] = SKIP_REASONS
    reason_max: ClassVar[int] = REASON_MAX
    exports: ClassVar[Sequence[tuple[str, str, str]]] = EXPORTS
    pinned: frozenset[int] = frozenset()
    """Accounts the rep pinned (or added, or moved) to this day (`app.plans.pins`)."""
    move_days: tuple[date, ...] = ()
    """The other working days a stop can be moved to (`static/js/rep-stops.js`)."""
    can_touch: bool = False
    """The plan is today's: a call, e-mail or video is logged from the call-instead list now."""
    touched: Mapping[int, Touched] = field(default_factory=dict)
    """Accounts of the call-instead list touched today, with what was logged."""
    touch_form: ClassVar[TouchForm] = TOUCH_FORM


def plan_view(
    plan: PlanRead,
    *,
    today: date,
    shift_over: bool = False,
    own: bool = True,
    today_started: bool | None = None,
) -> PlanView:
    """The plan as the page shows it on `today` (the rep's): re-plan today's from here until
    the shift is over, plan a later day again (with the rest of its week), leave a past day as
    it was. `own`: the rep is looking at their own day (a manager's look changes nothing by
    itself). `today_started`: whether the rep's today has begun (default: as the plan says,
    for a plan of today)."""
    zone = ZoneInfo(plan.time_zone)
    day_over = plan.date == today and shift_over
    action: PlanAction | None = None
    if plan.date == today and not day_over:
        action = "replan"
    elif plan.date > today:
        action = "plan-again"
    started = plan.frozen if today_started is None and plan.date == today else bool(today_started)
    ahead = refresh_from(plan.date, today, today_started=started)
    return PlanView(
        plan=plan,
        zone=zone,
        done=sum(1 for stop in plan.stops if stop.state == "done"),
        kind=KIND_WORDS.get(plan.kind, plan.kind),
        under_way=plan.frozen and plan.date == today and not day_over,
        action=action,
        can_record=plan.date <= today,
        day_over=day_over,
        items=route_items(plan.stops, plan.breaks, zone),
        route_parts=route_parts(plan),
        calls=[call_item(item) for item in plan.call_instead],
        refresh_from=ahead,
        auto_refresh=own and plan.stale and ahead is not None,
        can_touch=plan.date == today,
    )


def refresh_from(day: date, today: date, *, today_started: bool) -> date | None:
    """Where planning `day` from the page starts the week's solve: its week's first day not
    started (today or tomorrow, or that week's Monday for a later week); None when `day` is
    over or is a started today (planned on its own, from now)."""
    if day < today or (day == today and today_started):
        return None
    first = today + timedelta(days=1) if today_started else today
    return max(week_of(day)[0], first)


def route_items(
    stops: Sequence[PlanStop], breaks: Sequence[PlanBreak], zone: ZoneInfo | None = None
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
        items.append(stop_card(stop, number, zone))
    items.extend(BreakItem(pause.start, pause.end) for pause in pending)
    return items


def stop_card(stop: PlanStop, number: int, zone: ZoneInfo | None = None) -> StopCard:
    hours = stop.opening_hours or "hours not known"
    target = destination(stop)
    return StopCard(
        number=number,
        stop=stop,
        state_word=STATE_WORDS.get(stop.state, stop.state),
        hours=f"Open {hours}" if hours[:1].isdigit() else hours[:1].upper() + hours[1:],
        address=address_text(stop.street, stop.city, stop.postcode, stop.region, stop.country),
        tel=dial(stop.phone) if stop.phone else "",
        google=google_destination(*target) if isinstance(target, tuple) else google_to(target),
        apple=apple_destination(*target) if isinstance(target, tuple) else apple_to(target),
        result=_result_text(stop),
        recorded=recorded_time(stop, zone) if zone is not None else "",
    )


def recorded_time(stop: PlanStop, zone: ZoneInfo) -> str:
    """When a finished or begun visit happened, on the rep's clock: "10:05-10:40" for one done
    with both times, "10:05" when only one is known, "" when none is (nor for a planned one)."""
    if stop.state not in ("done", "arrived"):
        return ""
    times = [wall_time(t, zone) for t in (stop.started_at, stop.ended_at) if t is not None]
    return "\u2013".join(times)


def is_us(country: str | None, region: str | None) -> bool:
    """Whether an address is written the US way; without a country, a region (a state) says so,
    as in the demo data and most US CRM exports."""
    if country:
        return country.strip().upper() in US_COUNTRY
    return bool(region)


def address_text(
    street: str | None,
    city: str | None,
    postcode: str | None,
    region: str | None,
    country: str | None = None,
) -> str:
    """One line as the post writes it: "1 Main St, Baltimore, MD 21224" in the US (city, then
    state and ZIP), "Städtle 1, 9490 Vaduz" elsewhere (postcode before the city)."""
    parts: tuple[str | None, ...]
    if is_us(country, region):
        parts = (street, city, " ".join(p for p in (region, postcode) if p))
    else:
        parts = (street, " ".join(p for p in (postcode, city) if p))
    return ", ".join(p for p in parts if p)


def destination(stop: PlanStop) -> Place:
    """Where a navigation app should go: the point when it is on the street or better, else
    the address, which the app finds more exactly than a postcode's or a city's centre."""
    # A plan stored before precision was kept says nothing: its point, as it always did.
    precise = stop.precision is None or stop.precision in PRECISE
    text = address_text(stop.street, stop.city, stop.postcode, stop.region, stop.country)
    if precise or not stop.street:
        return (stop.latitude, stop.longitude)
    country = "" if not stop.country or is_us(stop.country, stop.region) else stop.country
    return ", ".join(p for p in (text, country) if p)


def _result_text(stop: PlanStop) -> str:
    if stop.state == "done":
        parts = [stop.outcome or "Done", stop.notes or ""]
    elif stop.state in ("skipped", "cancelled"):
        parts = [stop.reason or stop.state.capitalize(), stop.notes or ""]
    else:
        return ""
    return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Touched:
    """A touch logged today, as its card shows it after a reload."""

    words: str
    """What was logged (`touch_words`)."""
    channel_name: str
    channel: str
    visit_id: int | None = None
    """Set where the viewer logged it: the card then offers to undo it (the API lets a rep
    correct only their own touches)."""


class LoggedTouchRow(Protocol):
    """What a card reads of a touch: a stored row (`Visit`) or the API's (`VisitRead`)."""

    @property
    def id(self) -> int: ...
    @property
    def rep_id(self) -> int: ...
    @property
    def channel(self) -> str: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def next_step(self) -> str | None: ...


def touched(touch: LoggedTouchRow, viewer: int | None) -> Touched:
    """`touch` as its card shows it to `viewer` (a rep id; None: not a rep): with Undo where
    they logged it."""
    return Touched(
        words=touch_words(touch.channel, touch.outcome, touch.next_step),
        channel_name=CHANNEL_WORDS.get(touch.channel, touch.channel),
        channel=touch.channel,
        visit_id=touch.id if touch.rep_id == viewer else None,
    )


def touch_words(channel: str, outcome: str | None, next_step: str | None) -> str:
    """What was logged of a touch, as the card says it: "Call logged · Order taken · next: ..."."""
    said = [f"{CHANNEL_WORDS.get(channel, channel)} logged", outcome or ""]
    said.append(f"next: {next_step}" if next_step else "")
    return " \u00b7 ".join(p for p in said if p)


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
    points: list[Place] = [(plan.start.latitude, plan.start.longitude)]
    labels = ["start"]
    for number, stop in enumerate(plan.stops, start=1):
        if stop.state in ("done", "arrived"):
            points, labels = [(stop.latitude, stop.longitude)], [f"stop {number}"]
        elif stop.state not in FINISHED:
            points.append(destination(stop))
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


def route_links(points: Sequence[Place], max_points: int = MAX_LINK_POINTS) -> list[str]:
    """Google Maps directions links through `points` ((lat, lon) or an address) in order: the first point is
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


def google_to(address: str) -> str:
    """Google Maps directions to an address, from wherever the phone is."""
    return GOOGLE_DIR + "?" + urlencode({"api": "1", "destination": address})


def apple_to(address: str) -> str:
    return APPLE_MAPS + "?" + urlencode({"daddr": address})


def dial(phone: str) -> str:
    """A phone number as a `tel:` URI wants it: digits and a leading +, nothing else."""
    digits = _DIAL.sub("", phone)
    return ("+" if digits.startswith("+") else "") + digits.replace("+", "")


def _coords(point: Place) -> str:
    if isinstance(point, str):
        return point
    return f"{point[0]:.5f},{point[1]:.5f}"
