"""A rep's day or week in one solve: accounts worth a visit, appointments, one route per workday.

Each workday is a vehicle on one clock, seconds since local midnight of the first workday, so
day i is offset by i's distance in days x 86,400 s. An account becomes one stop whose windows
are its opening windows on every day it is worth a visit and open during the shift, earning
with each day's vehicle its prize on that day; the solver then picks the day. Results are
shifted back: every `DayRoute` is on its own day's clock.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from routing.days.value import ValueWeights, visit_prize
from routing.route.model import (
    Break,
    Costs,
    Point,
    Problem,
    ProblemError,
    RequiredStopError,
    Route,
    ScheduledBreak,
    ScheduledStop,
    SolveOptions,
    Stop,
    TimeWindow,
    Vehicle,
)
from routing.route.solver import solve
from routing.route.travel import Estimate, Travel

DAY_S = 86_400
_CLOSED = "closed"
"""`LeftOut.reason` of an account worth a visit that is not open during any workday's shift."""

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Workday:
    """One day of the rep's: where the route starts and ends, the shift, lunch and a stop limit.

    `start` is home, or where the rep is now for a re-plan; `end` None is an open end. The
    shift and lunch are in seconds since that day's local midnight.
    """

    day: date
    start: Point
    end: Point | None
    shift: TimeWindow
    lunch: Break | None = None
    max_stops: int | None = None

    def __post_init__(self) -> None:
        if self.max_stops is not None and self.max_stops < 0:
            raise ProblemError(
                f"workday {self.day.isoformat()}: max_stops must be >= 0, got {self.max_stops}"
            )


@dataclass(frozen=True, slots=True)
class Candidate:
    """An account that may be visited: its place, service time (s), value and visit history.

    `hours` None: open any time. Otherwise a day missing from the map, or mapped to (), is
    closed. Windows are seconds since that day's local midnight; service must start inside one.

    `required_day`: the account must be visited on that day, whatever its prize (the rep pinned
    it there, moved it there or added it): it may go on no other day, and a plan that cannot
    fit it raises `RequiredStopError` naming it. `excluded_days`: days it may not be visited
    (moved away from them).
    """

    id: str
    point: Point
    service_s: float
    annual_value: float
    cadence_days: int | None
    last_visit: date | None
    hours: Mapping[date, tuple[TimeWindow, ...]] | None = None
    required_day: date | None = None
    excluded_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        where = f"candidate {self.id!r}"
        if not math.isfinite(self.service_s) or self.service_s < 0:
            raise ProblemError(f"{where}: service_s must be a finite number >= 0")
        if not math.isfinite(self.annual_value) or self.annual_value < 0:
            raise ProblemError(f"{where}: annual_value must be a finite number >= 0")
        if self.cadence_days is not None and self.cadence_days < 1:
            raise ProblemError(f"{where}: cadence_days must be >= 1, got {self.cadence_days}")
        if self.required_day is not None and self.required_day in self.excluded_days:
            raise ProblemError(
                f"{where}: required on {self.required_day.isoformat()}, a day it is excluded from"
            )


@dataclass(frozen=True, slots=True)
class Appointment:
    """A booked visit: served at exactly `start_s` (s since local midnight of `day`).

    `id` is the stop id; `account` the candidate it is for, which is then not planned separately.
    """

    id: str
    account: str
    point: Point
    day: date
    start_s: float
    duration_s: float

    def __post_init__(self) -> None:
        where = f"appointment {self.id!r}"
        if not math.isfinite(self.start_s):
            raise ProblemError(f"{where}: start_s must be a finite number")
        if not math.isfinite(self.duration_s) or self.duration_s < 0:
            raise ProblemError(f"{where}: duration_s must be a finite number >= 0")


@dataclass(frozen=True, slots=True)
class DayRoute:
    """One workday's route; all times in seconds since that day's local midnight. `prizes`:
    what each of its stops (by id) earns that day; they add up to `route.prize`."""

    day: date
    route: Route
    prizes: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An account worth a visit that no route visits: why (a `routing.Reason` value or
    `"closed"`), a sentence saying so, and the prize a visit would have earned."""

    id: str
    reason: str
    detail: str
    prize: float


@dataclass(frozen=True, slots=True)
class DaysPlan:
    """One route per workday in input order, the accounts left out (highest prize first), per
    candidate the most a visit earns on a day it may be planned (0: visited too recently,
    neither planned nor left out; what a planned visit earns on its day is in `DayRoute.prizes`),
    the wall time (s) of building and solving, and the travel model that timed it
    (`TravelMatrix`'s `model` and `model_detail`)."""

    days: tuple[DayRoute, ...]
    left_out: tuple[LeftOut, ...]
    prizes: Mapping[str, float]
    solve_time_s: float
    travel_model: str = "estimate"
    travel_detail: str = ""


@dataclass(frozen=True, slots=True)
class _Built:
    problem: Problem
    offsets: tuple[int, ...]
    prizes: dict[str, float]
    closed: tuple[LeftOut, ...]


def plan_rep_days(
    days: Sequence[Workday],
    candidates: Sequence[Candidate],
    appointments: Sequence[Appointment] = (),
    *,
    costs: Costs,
    weights: ValueWeights | None = None,
    options: SolveOptions | None = None,
    travel: Travel | None = None,
    previous: Mapping[date, Sequence[str]] | None = None,
) -> DaysPlan:
    """Plan a rep's workdays in one solve, maximising prize collected minus travel cost.

    A candidate's prize on a day is `visit_prize` for the days since its last visit. It is
    eligible on a day if that prize is positive and it is open during the shift (its windows
    clipped to [shift start, shift end - service]). It becomes one stop whose windows are the
    union of its clipped windows on its eligible days, earning with each eligible day's vehicle
    its prize that day, so the solver weighs a visit on the day it is made: urgency grows while
    an account waits, and a later day is worth more when the week has room for it
    (`bench.rep_day` on the demo's 10 reps: about 2.5-3% more value counted on the day each
    visit is made than one prize per account, the mean of its days', once the search has 60 s;
    at the app's 10 s the search's own spread between seeds hides the difference). An account
    is visited at most once in the solve, even one whose cadence would ask for a second visit
    within its days (the app's week rule allows that only at least a cadence apart, 7 days and
    more on the demo; a second stop's value would depend on the first one's day, which no fixed
    prize can say). Candidates worth nothing on every day are left out of the solve silently;
    those worth something but never open are left out as `"closed"`. Appointments are required
    stops at exactly their booked time (their account is not planned besides); one that cannot
    be served raises `RequiredStopError`. A candidate with a `required_day` is a required stop
    on that day only (open hours as usual; its prize that day, however small); one closed that
    day, or that cannot fit, raises `RequiredStopError` naming it. `excluded_days` are never
    used.

    Parameters
    ----------
    days
        Distinct workdays in increasing order; each is a vehicle.
    candidates
        Accounts that may be visited; ids unique. A `required_day` must be one of `days`.
    appointments
        Booked visits, each on one of `days`; ids unique among appointments and candidates.
    costs
        Money per hour of travel, per km and per working hour (`Costs`).
    weights
        The value model's weights (default `ValueWeights()`).
    options
        Search time limit (s), seed and workers.
    travel
        Where travel times come from (default: `Estimate()`, the straight-line estimate).
    previous
        The days' earlier plans (candidate ids in visit order per day), if any: the search goes
        on from what still fits of them (`SolveOptions.start`), so a re-plan is never worse
        than the plan it replaces, as far as that plan still holds.

    Raises
    ------
    ProblemError
        Malformed input; the message names the field and the day or id.
    RequiredStopError
        An appointment, or a candidate required on a day, cannot be kept; `stop_id` names it.
    TravelError
        The travel source could not answer.
    """
    started = time.monotonic()
    options = options or SolveOptions()
    built = _build(
        days, candidates, appointments, costs, weights or ValueWeights(), travel or Estimate()
    )
    if previous:
        options = replace(
            options,
            start={day.day.isoformat(): list(previous.get(day.day, ())) for day in days},
        )
    # The travel matrix counts against the time limit too.
    plan = solve(built.problem, options, deadline=started + options.time_limit_s)
    stops = {stop.id: stop for stop in built.problem.stops}
    prizes_by_stop = {stop.id: stop.prize for stop in built.problem.stops}
    day0 = days[0].day
    ids = {v.id: _label(w.day) for v, w in zip(built.problem.vehicles, days, strict=True)}
    solver_left = tuple(
        LeftOut(
            id=u.id,
            reason=u.reason.value,
            detail=_reword(u.detail, day0, ids),
            prize=prizes_by_stop[u.id],
        )
        for u in plan.unassigned
    )
    left_out = sorted(built.closed + solver_left, key=lambda item: (-item.prize, item.id))
    return DaysPlan(
        days=tuple(
            DayRoute(
                day=workday.day,
                route=_shift_back(route, offset),
                prizes={s.id: stops[s.id].prize_for(route.vehicle_id) for s in route.stops},
            )
            for workday, route, offset in zip(days, plan.routes, built.offsets, strict=True)
        ),
        left_out=tuple(left_out),
        prizes=dict(built.prizes),
        solve_time_s=time.monotonic() - started,
        travel_model=built.problem.matrix.model,
        travel_detail=built.problem.matrix.model_detail,
    )


def _build(
    days: Sequence[Workday],
    candidates: Sequence[Candidate],
    appointments: Sequence[Appointment],
    costs: Costs,
    weights: ValueWeights,
    travel: Travel,
) -> _Built:
    """The week-clock `Problem`, the prize of every candidate and the closed ones."""
    offsets = _offsets(days)
    day_index = {workday.day: k for k, workday in enumerate(days)}
    vehicle_ids = [workday.day.isoformat() for workday in days]
    _check_ids(candidates, appointments)

    # Workday places come first in the matrix, then the stops.
    places: list[Point] = []
    vehicles: list[Vehicle] = []
    for workday, vid, offset in zip(days, vehicle_ids, offsets, strict=True):
        start_index = len(places)
        places.append(workday.start)
        end_index = None
        if workday.end is not None:
            end_index = len(places)
            places.append(workday.end)
        lunch = workday.lunch
        vehicles.append(
            Vehicle(
                id=vid,
                start_index=start_index,
                end_index=end_index,
                shift=_moved(workday.shift, offset),
                breaks=()
                if lunch is None
                else (Break(_moved(lunch.window, offset), lunch.duration_s),),
                max_stops=workday.max_stops,
            )
        )

    by_id = {c.id: c for c in candidates}
    stops: list[Stop] = []
    earned, prizes = _appointment_prizes(appointments, by_id, weights)
    for appointment, prize in zip(appointments, earned, strict=True):
        k = day_index.get(appointment.day)
        if k is None:
            raise ProblemError(
                f"appointment {appointment.id!r}: day {appointment.day.isoformat()} is not a "
                "workday"
            )
        at = appointment.start_s + offsets[k]
        stops.append(
            Stop(
                id=appointment.id,
                index=len(places),
                service_s=appointment.duration_s,
                windows=(TimeWindow(at, at),),
                prize=prize,
                required=True,
                vehicles=(vehicle_ids[k],),
            )
        )
        places.append(appointment.point)

    booked = {a.account for a in appointments}
    closed: list[LeftOut] = []
    for candidate in candidates:
        if candidate.id in booked:
            continue
        if candidate.required_day is not None and candidate.required_day not in day_index:
            raise ProblemError(
                f"candidate {candidate.id!r}: required on {candidate.required_day.isoformat()}, "
                "which is not a workday"
            )
        prize, item = _visit(candidate, days, offsets, vehicle_ids, len(places), weights)
        prizes[candidate.id] = prize
        if isinstance(item, Stop):
            stops.append(item)
            places.append(candidate.point)
        elif item is not None:
            closed.append(item)

    problem = Problem(
        vehicles=tuple(vehicles),
        stops=tuple(stops),
        matrix=travel.matrix(places),
        costs=costs,
    )
    return _Built(problem=problem, offsets=offsets, prizes=prizes, closed=tuple(closed))


def _visit(
    candidate: Candidate,
    days: Sequence[Workday],
    offsets: Sequence[int],
    vehicle_ids: Sequence[str],
    index: int,
    weights: ValueWeights,
) -> tuple[float, Stop | LeftOut | None]:
    """The most the candidate's visit earns, and its stop (at matrix `index`; each eligible
    day's vehicle earns that day's prize), or why it is left out as closed, or None when it is
    worth nothing on every day."""
    day_prizes = [_prize(candidate, w.day, candidate.last_visit, weights) for w in days]
    if candidate.required_day is not None:
        return _required_visit(candidate, days, offsets, vehicle_ids, index, day_prizes)
    # A day it was moved away from counts as a day it is not worth a visit.
    open_prizes = [
        0.0 if w.day in candidate.excluded_days else p
        for w, p in zip(days, day_prizes, strict=True)
    ]
    if max(open_prizes) <= 0:
        return max(0.0, max(day_prizes)), None
    windows: list[TimeWindow] = []
    eligible_prizes: dict[str, float] = {}
    latest: float | None = None
    for k, (workday, prize) in enumerate(zip(days, open_prizes, strict=True)):
        clipped = _open_windows(candidate, workday) if prize > 0 else []
        if not clipped:
            continue
        eligible_prizes[vehicle_ids[k]] = prize
        # OR-Tools removes a gap between windows value by value (~5 ms a night, 6 s for 300
        # accounts over a week). Only the eligible days' vehicles may serve the stop, and none
        # can start it between one such day's latest start and the next one's earliest, so
        # filling that stretch changes no plan, only the cost of building the model.
        earliest = workday.shift.start_s + offsets[k]
        if latest is not None and earliest - 1 >= latest + 1:
            windows.append(TimeWindow(latest + 1, earliest - 1))
        latest = workday.shift.end_s - candidate.service_s + offsets[k]
        windows.extend(TimeWindow(a + offsets[k], b + offsets[k]) for a, b in clipped)
    if not eligible_prizes:
        return max(open_prizes), _closed(candidate, days, open_prizes)
    stop = Stop(
        id=candidate.id,
        index=index,
        service_s=candidate.service_s,
        windows=tuple(windows),
        prize=max(eligible_prizes.values()),
        vehicles=tuple(eligible_prizes),
        prizes=eligible_prizes,
    )
    return stop.prize, stop


def _required_visit(
    candidate: Candidate,
    days: Sequence[Workday],
    offsets: Sequence[int],
    vehicle_ids: Sequence[str],
    index: int,
    day_prizes: Sequence[float],
) -> tuple[float, Stop]:
    """The required stop of a candidate with a `required_day`: that day's vehicle only, its
    open windows that day, its prize that day (zero when visited too recently: it is required
    all the same). Closed that day: `RequiredStopError`, said in days and clock times."""
    k = next(k for k, w in enumerate(days) if w.day == candidate.required_day)
    workday = days[k]
    clipped = _open_windows(candidate, workday)
    if not clipped:
        raise RequiredStopError(
            candidate.id,
            _CLOSED,
            f"candidate {candidate.id!r} is required on {_label(workday.day)} but is closed "
            f"then during the shift {_span(workday.shift)}",
        )
    prize = max(day_prizes[k], 0.0)
    stop = Stop(
        id=candidate.id,
        index=index,
        service_s=candidate.service_s,
        windows=tuple(TimeWindow(a + offsets[k], b + offsets[k]) for a, b in clipped),
        prize=prize,
        required=True,
        vehicles=(vehicle_ids[k],),
    )
    return prize, stop


def _offsets(days: Sequence[Workday]) -> tuple[int, ...]:
    if not days:
        raise ProblemError("days: at least one workday is needed")
    day0 = days[0].day
    offsets = tuple((w.day - day0).days * DAY_S for w in days)
    for k in range(1, len(days)):
        before, after = days[k - 1], days[k]
        if after.day == before.day:
            raise ProblemError(f"days: {after.day.isoformat()} is listed twice")
        if after.day < before.day:
            raise ProblemError(
                f"days: {after.day.isoformat()} comes after {before.day.isoformat()}; "
                "workdays must be in increasing order"
            )
        # A stop's windows span several days: overlapping shifts would let one day serve another's.
        if before.shift.end_s + offsets[k - 1] > after.shift.start_s + offsets[k]:
            raise ProblemError(
                f"days: the shift of {before.day.isoformat()} runs into the shift of "
                f"{after.day.isoformat()}"
            )
    return offsets


def _check_ids(candidates: Sequence[Candidate], appointments: Sequence[Appointment]) -> None:
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.id in seen:
            raise ProblemError(f"candidates: id {candidate.id!r} is used twice")
        seen.add(candidate.id)
    for appointment in appointments:
        if appointment.id in seen:
            raise ProblemError(
                f"appointments: id {appointment.id!r} is used twice among appointments and "
                "candidates"
            )
        seen.add(appointment.id)


def _prize(
    candidate: Candidate, day: date, last_visit: date | None, weights: ValueWeights
) -> float:
    since = None if last_visit is None else max(0, (day - last_visit).days)
    return visit_prize(candidate.annual_value, candidate.cadence_days, since, weights)


def _appointment_prizes(
    appointments: Sequence[Appointment], by_id: Mapping[str, Candidate], weights: ValueWeights
) -> tuple[list[float], dict[str, float]]:
    """What each appointment earns, and per booked candidate what its first appointment earns.

    An appointment earns its account's prize that day, counting any earlier appointment in the
    horizon as the last visit (two booked visits do not earn twice). An account that is not a
    candidate earns nothing.
    """
    last_seen: dict[str, date | None] = {}
    earned: dict[str, float] = {}
    first: dict[str, float] = {}
    for appointment in sorted(appointments, key=lambda a: (a.day, a.start_s, a.id)):
        candidate = by_id.get(appointment.account)
        if candidate is None:
            earned[appointment.id] = 0.0
            continue
        last = last_seen.get(candidate.id, candidate.last_visit)
        prize = _prize(candidate, appointment.day, last, weights)
        earned[appointment.id] = prize
        first.setdefault(candidate.id, prize)
        last_seen[candidate.id] = appointment.day
    return [earned[a.id] for a in appointments], first


def _open_windows(candidate: Candidate, workday: Workday) -> list[tuple[float, float]]:
    """When service may start that day: the opening windows within the shift, leaving time for
    the service before the shift ends."""
    lo, hi = workday.shift.start_s, workday.shift.end_s - candidate.service_s
    if candidate.hours is None:
        return [(lo, hi)] if lo <= hi else []
    clipped = []
    for window in candidate.hours.get(workday.day, ()):
        a, b = max(window.start_s, lo), min(window.end_s, hi)
        if a <= b:
            clipped.append((a, b))
    return clipped


def _closed(candidate: Candidate, days: Sequence[Workday], day_prizes: list[float]) -> LeftOut:
    worth = [w for w, prize in zip(days, day_prizes, strict=True) if prize > 0]
    shifts = {(w.shift.start_s, w.shift.end_s) for w in worth}
    if len(shifts) == 1:
        detail = (
            f"closed on {', '.join(_label(w.day) for w in worth)} during the shift "
            f"{_span(worth[0].shift)}"
        )
    else:
        detail = "closed during the shift on " + ", ".join(
            f"{_label(w.day)} ({_span(w.shift)})" for w in worth
        )
    return LeftOut(id=candidate.id, reason=_CLOSED, detail=detail, prize=max(day_prizes))


def _moved(window: TimeWindow, offset: int) -> TimeWindow:
    return TimeWindow(window.start_s + offset, window.end_s + offset)


def _shift_back(route: Route, offset: int) -> Route:
    return replace(
        route,
        stops=tuple(
            ScheduledStop(
                id=s.id,
                arrival_s=s.arrival_s - offset,
                start_s=s.start_s - offset,
                departure_s=s.departure_s - offset,
            )
            for s in route.stops
        ),
        breaks=tuple(ScheduledBreak(b.start_s - offset, b.end_s - offset) for b in route.breaks),
        start_s=route.start_s - offset,
        end_s=route.end_s - offset,
    )


def _label(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def _clock(seconds: float) -> str:
    minutes = round(seconds) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _span(window: TimeWindow) -> str:
    return f"{_clock(window.start_s)}-{_clock(window.end_s)}"


_SECONDS = re.compile(r"\b(\d+) s\b")


def _reword(detail: str, day0: date, vehicle_labels: Mapping[str, str]) -> str:
    """The solver's detail with week-clock seconds and vehicle ids as days and clock times."""

    def when(match: re.Match[str]) -> str:
        days, seconds = divmod(int(match[1]), DAY_S)
        return f"{_label(day0 + timedelta(days=days))} {_clock(seconds)}"

    detail = _SECONDS.sub(when, detail)
    for vid, label in vehicle_labels.items():
        detail = detail.replace(f"{vid}'s day", f"{label}'s route")
    return detail


__all__ = [
    "Appointment",
    "Candidate",
    "DayRoute",
    "DaysPlan",
    "LeftOut",
    "Workday",
    "plan_rep_days",
]
