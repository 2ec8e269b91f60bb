"""The HTML of the rep's phone page (`/rep`): plain strings, every stored text escaped.

The page is read on a phone on the road, so it is one light document: the map is its own page
in an iframe (`/rep/map`), the stop cards are server-rendered, and `static/js/rep.js` only
sends visits and re-plans and updates a card in place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Protocol
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from app.schemas.plans import CallInstead, PlanBreak, PlanRead, PlanStop
from app.web.formats import compact

SHELL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Fieldroute</title>
<link rel="stylesheet" href="/static/css/rep.css">
</head>
<body>
<header class="top">
<strong class="brand">Fieldroute</strong>
<form class="signout" method="post" action="/logout"><span>{who}</span>
<button type="submit" class="quiet">Sign out</button></form>
</header>
{body}
</body></html>"""

DAY_BODY = """<main id="day" class="day" data-rep-id="{rep_id}" data-date="{day}">
<nav class="days" aria-label="Days">
<a class="prev" href="{prev_href}" aria-label="Previous day, {prev_long}">&lsaquo; {prev}</a>
<h1><span class="rep-name">{rep_name}</span> <span class="date">{date_long}</span></h1>
<a class="next" href="{next_href}" aria-label="Next day, {next_long}">{next} &rsaquo;</a>
</nav>
{today_link}
<p id="msg" class="msg" role="alert"></p>
{content}
</main>
<script src="/static/js/rep.js" defer></script>"""

PLAN_CONTENT = """<section class="summary" aria-label="Summary of the day">
<dl>
<div><dt>Stops</dt><dd id="sum-stops">{stops}</dd></div>
<div><dt>Driving</dt><dd>{km} km · {drive}</dd></div>
<div><dt>Day</dt><dd>{start}&ndash;{end}</dd></div>
<div><dt>Done</dt><dd id="sum-done">{done} of {stops}</dd></div>
</dl>
<p class="meta">Plan v{version} ({kind}), made {created}{frozen}.</p>
{plan_action}
</section>
<div class="tabs" role="tablist" aria-label="Views" hidden>
<button type="button" role="tab" id="tab-route" aria-controls="panel-route"
 aria-selected="true">Route</button>
<button type="button" role="tab" id="tab-call" aria-controls="panel-call"
 aria-selected="false">Call instead <span class="count">{calls}</span></button>
<button type="button" role="tab" id="tab-exports" aria-controls="panel-exports"
 aria-selected="false">Exports</button>
</div>
<section id="panel-route" role="tabpanel" aria-labelledby="tab-route">
<h2 class="tab-title">Route</h2>
<iframe id="map" class="map" title="Map of the route" src="{map_src}"></iframe>
{stops_list}
{whole_route}
</section>
<section id="panel-call" role="tabpanel" aria-labelledby="tab-call">
<h2 class="tab-title">Call instead</h2>
{call_list}
</section>
<section id="panel-exports" role="tabpanel" aria-labelledby="tab-exports">
<h2 class="tab-title">Exports</h2>
{exports}
</section>
{forms}"""

FORMS = """<template id="done-form"><form class="visit-form" data-status="done" novalidate>
<label>Outcome <select name="outcome">{outcomes}</select></label>
<label>Note <textarea name="notes" rows="2" maxlength="2000"></textarea></label>
<div class="row"><button type="submit">Save as done</button>
<button type="button" class="secondary" data-action="cancel">Cancel</button></div>
</form></template>
<template id="skip-form"><form class="visit-form" data-status="skipped" novalidate>
<label>Reason (required) <select name="reason">
<option value="">Choose a reason&hellip;</option>{reasons}
<option value="other">Other: write it in the note</option></select></label>
<label>Note <input name="notes" maxlength="{reason_max}" autocomplete="off"></label>
<div class="row"><button type="submit">Skip this stop</button>
<button type="button" class="secondary" data-action="cancel">Cancel</button></div>
</form></template>"""

MESSAGE_BODY = """<main class="message"><h1>{heading}</h1><p>{text}</p>{extra}</main>"""

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


class RepChoice(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


def page(title: str, who: str, body: str) -> str:
    """A whole page: the top bar (sign-out) and `body` (already HTML)."""
    return SHELL.format(title=escape(title), who=escape(who), body=body)


def message(heading: str, text: str, extra: str = "") -> str:
    return MESSAGE_BODY.format(heading=escape(heading), text=escape(text), extra=extra)


def rep_picker(reps: Sequence[RepChoice], day: date | None) -> str:
    """Links to each rep's day, for a manager or admin who opened `/rep` without a rep."""
    if not reps:
        return "<p>No reps to show.</p>"
    items = "".join(
        f'<li><a class="btn secondary" href="{escape(rep_url(rep.id, day))}">'
        f"{escape(rep.name)}</a></li>"
        for rep in reps
    )
    return f'<ul class="pick">{items}</ul>'


def rep_url(rep_id: int | None, day: date | None) -> str:
    """`/rep` for a day (None: the rep's today); with `rep_id` for a manager's view (a rep's
    own page needs none)."""
    query: dict[str, str | int] = {}
    if day is not None:
        query["date"] = day.isoformat()
    if rep_id is not None:
        query["rep_id"] = rep_id
    return "/rep?" + urlencode(query) if query else "/rep"


def map_url(rep_id: int, day: date, version: int) -> str:
    return "/rep/map?" + urlencode({"rep_id": rep_id, "date": day.isoformat(), "version": version})


def day_body(
    *,
    rep_id: int,
    rep_name: str,
    day: date,
    today: date,
    link_rep_id: int | None,
    content: str,
) -> str:
    """The day's frame: day navigation, the message area and `content` (a plan or a notice).

    `link_rep_id` goes into the day links (a manager viewing a rep); None for the rep's own page.
    """
    prev_day, next_day = day - timedelta(days=1), day + timedelta(days=1)
    today_link = (
        ""
        if day == today
        else f'<p class="today"><a href="{escape(rep_url(link_rep_id, today))}">'
        f"Back to today ({escape(short_date(today))})</a></p>"
    )
    return DAY_BODY.format(
        rep_id=rep_id,
        day=day.isoformat(),
        prev_href=escape(rep_url(link_rep_id, prev_day)),
        next_href=escape(rep_url(link_rep_id, next_day)),
        prev=escape(short_date(prev_day)),
        next=escape(short_date(next_day)),
        prev_long=escape(long_date(prev_day)),
        next_long=escape(long_date(next_day)),
        rep_name=escape(rep_name),
        date_long=escape(("Today, " if day == today else "") + long_date(day)),
        today_link=today_link,
        content=content,
    )


def notice(text: str, action: str = "") -> str:
    """A day without a route to show: why, and what the rep can do."""
    return f'<section class="notice"><p>{escape(text)}</p>{action}</section>'


def plan_button(rep_id: int, day: date) -> str:
    """A button that plans (or plans again) a day that has not started."""
    url = f"/api/v1/reps/{rep_id}/plans"
    return (
        f'<div class="plan-action"><button type="button" id="plan-again" '
        f'data-url="{escape(url)}" data-date="{day.isoformat()}">Plan this day again</button></div>'
    )


def replan_button(rep_id: int, day: date) -> str:
    """Re-plan the rest of today from where the rep is (the page adds the position)."""
    url = f"/api/v1/reps/{rep_id}/plans/{day.isoformat()}/replan"
    return (
        f'<div class="plan-action"><button type="button" id="replan" data-url="{escape(url)}">'
        "Re-plan from here</button>"
        '<span class="hint">Keeps what is done; uses your position if the phone allows.</span>'
        "</div>"
    )


def plan_content(plan: PlanRead, *, today: date) -> str:
    """Summary, tabs (route with map and stop cards, call instead, exports), visit forms."""
    clock = ZoneInfo(plan.time_zone)
    done = sum(1 for stop in plan.stops if stop.state == "done")
    if plan.date == today:
        plan_action = replan_button(plan.rep_id, plan.date)
    elif plan.date > today:
        plan_action = plan_button(plan.rep_id, plan.date)
    else:
        plan_action = ""
    return PLAN_CONTENT.format(
        stops=len(plan.stops),
        km=f"{plan.totals.distance_km:,.1f}",
        drive=escape(duration(plan.totals.travel_minutes)),
        start=hhmm(plan.start.at, clock),
        end=hhmm(plan.end.at, clock) if plan.end is not None else "open",
        done=done,
        version=plan.version,
        kind=escape(KIND_WORDS.get(plan.kind, plan.kind)),
        created=escape(_made_at(plan.created_at, plan.date, clock)),
        frozen=", under way" if plan.frozen and plan.date == today else "",
        plan_action=plan_action,
        calls=len(plan.call_instead),
        map_src=escape(map_url(plan.rep_id, plan.date, plan.version)),
        stops_list=stops_list(plan.stops, plan.breaks, clock),
        whole_route=whole_route(plan),
        call_list=call_list(plan.call_instead),
        exports=exports(plan.rep_id, plan.date),
        forms=FORMS.format(
            outcomes="".join(f"<option>{escape(o)}</option>" for o in OUTCOMES),
            reasons="".join(f"<option>{escape(r)}</option>" for r in SKIP_REASONS),
            reason_max=REASON_MAX,
        ),
    )


def stops_list(stops: Sequence[PlanStop], breaks: Sequence[PlanBreak], clock: ZoneInfo) -> str:
    """The stop cards in route order, numbered from 1, with breaks where they fall."""
    if not stops:
        return '<p class="empty">No stops on this route.</p>'
    pending = sorted(breaks, key=lambda b: b.start)
    items: list[str] = []
    for number, stop in enumerate(stops, start=1):
        while pending and pending[0].start <= stop.arrival:
            items.append(break_item(pending.pop(0), clock))
        items.append(stop_card(stop, number, clock))
    items.extend(break_item(b, clock) for b in pending)
    return f'<ol id="stops" class="stops">{"".join(items)}</ol>'


def break_item(pause: PlanBreak, clock: ZoneInfo) -> str:
    return f'<li class="break">Break {hhmm(pause.start, clock)}&ndash;{hhmm(pause.end, clock)}</li>'


def stop_card(stop: PlanStop, number: int, clock: ZoneInfo) -> str:
    """One stop: what, when, where, how to get there and call, and the visit buttons."""
    name = escape(stop.name)
    when = f"<time>{hhmm(stop.arrival, clock)}</time> arrive"
    if stop.kind == "appointment":
        when += f" · appointment {hhmm(stop.start, clock)}"
    when += f" · {stop.service_minutes} min"
    hours = stop.opening_hours or "hours not known"
    hours_line = f"Open {hours}" if hours[:1].isdigit() else hours[:1].upper() + hours[1:]
    address = ", ".join(
        escape(part)
        for part in (stop.street, " ".join(p for p in (stop.postcode, stop.city) if p))
        if part
    )
    links = [call_link(stop.phone, stop.name)] if stop.phone and dial(stop.phone) else []
    links.append(
        f'<a class="btn secondary" href="{escape(google_destination(stop.latitude, stop.longitude))}"'
        f' target="_blank" rel="noopener" aria-label="Navigate to {name} with Google Maps">'
        "Google Maps</a>"
    )
    links.append(
        f'<a class="btn secondary" href="{escape(apple_destination(stop.latitude, stop.longitude))}"'
        f' target="_blank" rel="noopener" aria-label="Navigate to {name} with Apple Maps">'
        "Apple Maps</a>"
    )
    result = _result_text(stop)
    return (
        f'<li class="stop" id="stop-{number}" data-number="{number}" '
        f'data-account-id="{stop.account_id}" data-state="{escape(stop.state)}">'
        f'<div class="head"><span class="num" aria-hidden="true">{number}</span>'
        f'<h3><span class="visually-hidden">Stop {number}: </span>{name}</h3>'
        f'<span class="badge">{escape(STATE_WORDS.get(stop.state, stop.state))}</span></div>'
        f'<p class="when">{when}</p>'
        f'<p class="hours">{escape(hours_line)}</p>'
        + (f'<p class="addr">{address}</p>' if address else "")
        + f'<div class="links">{"".join(links)}</div>'
        '<div class="actions">'
        '<button type="button" data-action="arrived">Arrived</button>'
        '<button type="button" data-action="done">Done</button>'
        '<button type="button" class="secondary" data-action="skip">Skip</button>'
        "</div>"
        f'<p class="result">{escape(result)}</p>'
        "</li>"
    )


def _result_text(stop: PlanStop) -> str:
    if stop.state == "done":
        parts = [stop.outcome or "Done", stop.notes or ""]
    elif stop.state in ("skipped", "cancelled"):
        parts = [stop.reason or stop.state.capitalize(), stop.notes or ""]
    else:
        return ""
    return " · ".join(p for p in parts if p)


def whole_route(plan: PlanRead) -> str:
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
        return ""
    spans = route_chunks(len(points))
    items = "".join(
        f'<li><a class="btn secondary" href="{escape(url)}" target="_blank" rel="noopener">'
        f"Part {i} of {len(spans)}: {labels[a]} &rarr; {labels[b]}</a></li>"
        for i, (url, (a, b)) in enumerate(zip(route_links(points), spans, strict=True), start=1)
    )
    return (
        '<section class="whole-route"><h2>Navigate the whole route</h2>'
        "<p>Google Maps takes a few stops per link: open the parts in turn.</p>"
        f'<ol class="route-links">{items}</ol></section>'
    )


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


def call_link(phone: str, name: str) -> str:
    return (
        f'<a class="btn" href="tel:{escape(dial(phone))}" aria-label="Call {escape(name)}, '
        f'{escape(phone)}">Call</a>'
    )


def call_list(items: Sequence[CallInstead]) -> str:
    """Accounts worth contact today that the route leaves out, as the plan ranks them."""
    if not items:
        return '<p class="empty">Nobody to call instead today.</p>'
    rows = "".join(_call_item(item) for item in items)
    return f'<ol id="calls" class="calls">{rows}</ol>'


def _call_item(item: CallInstead) -> str:
    last = item.last_visit_date.isoformat() if item.last_visit_date else "never"
    overdue = f", {item.overdue_days} days overdue" if item.overdue_days else ""
    phone = (
        f'<a class="btn" href="tel:{escape(dial(item.phone))}" '
        f'aria-label="Call {escape(item.name)}, {escape(item.phone)}">Call {escape(item.phone)}</a>'
        if item.phone and dial(item.phone)
        else '<span class="muted">No phone number</span>'
    )
    reason = LEFT_OUT_WORDS.get(item.reason, item.reason)
    detail = f" ({escape(item.detail)})" if item.detail else ""
    return (
        f'<li class="call" data-account-id="{item.account_id}">'
        f"<h3>{escape(item.name)}</h3>"
        f"<p>{escape(item.city or '')}{' · ' if item.city else ''}"
        f'value <span title="{item.value:,.0f}">{compact(item.value)}</span> a year</p>'
        f"<p>{escape(reason)}{detail}</p>"
        f'<p class="muted">Last visit: {last}{overdue}</p>'
        f"{phone}</li>"
    )


def exports(rep_id: int, day: date) -> str:
    base = f"/api/v1/reps/{rep_id}/plans/{day.isoformat()}/"
    items = "".join(
        f'<li><a class="btn secondary" href="{escape(base + path)}" download>{escape(label)}</a>'
        f' <span class="muted">{escape(note)}</span></li>'
        for path, label, note in EXPORTS
    )
    return f'<ul class="exports">{items}</ul>'


def hhmm(moment: datetime, clock: ZoneInfo) -> str:
    """`moment` on the rep's clock, as 24-hour HH:MM (a naive `moment` is taken as UTC)."""
    return _local(moment, clock).strftime("%H:%M")


def _local(moment: datetime, clock: ZoneInfo) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(clock)


def duration(minutes: float) -> str:
    """`112` -> `1 h 52 min`; `40` -> `40 min`."""
    total = round(minutes)
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _made_at(created_at: datetime, day: date, clock: ZoneInfo) -> str:
    local = _local(created_at, clock)
    return (
        local.strftime("%H:%M")
        if local.date() == day
        else f"{short_date(local.date())} {local:%H:%M}"
    )


def _coords(point: tuple[float, float]) -> str:
    return f"{point[0]:.5f},{point[1]:.5f}"
