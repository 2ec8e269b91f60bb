"""When can a rep see an account? A fixed-length meeting put into a rep's planned days at least
cost: the slot search behind the inside reps' hand-off (issue 16).

Each day is taken as it is planned: its stops in route order, the appointments at their times,
the visits within their opening hours, the shift and the lunch break. The meeting is tried at
every position of the route; at each, the earliest start the day allows, rounded up to the
booking step (15 minutes by default: a time a person can be told), is timed again with the
meeting fixed there (`routing.route.schedule.time_route`, the timing the solver's explanations
use), so every slot returned comes with a feasible day in which every appointment keeps its
time. What a slot costs is what the day's travel money and working time (waiting and lunch
included, where `Costs.per_working_hour` prices it) grow by.

A day with no room for the meeting as planned is tried again without one of its visits, then
without two neighbouring ones (never an appointment or a stop the rep required on that day):
the visits dropped are the value displaced, what they would have earned. Visits are displaced
only when a day has no room without that; slots are ranked by added cost plus value displaced.
A day without any slot says why (`DayVerdict`): closed, too far, no time left, or no room
between its appointments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import combinations, pairwise

import numpy as np

from routing.days.planner import Workday, _label
from routing.route.explain import Money, idle_s, travel_money
from routing.route.integer_problem import UNREACHABLE, IntegerProblem, to_integer_problem
from routing.route.model import (
    Costs,
    Point,
    Problem,
    ProblemError,
    Stop,
    TimeWindow,
    TravelMatrix,
    Vehicle,
)
from routing.route.schedule import Timeline, time_route
from routing.route.travel import Estimate, Travel

STEP_S = 900
"""Slots start on the quarter hour: a time a person can be told and keep."""
TRIES_PER_POSITION = 3
ALTERNATIVES = 4
ALTERNATIVE_GAP_S = 2 * 3600
"""Besides the earliest start at a position, later ones at least this far apart (up to
`ALTERNATIVES` in all): a morning and an afternoon to offer, where the day has room for both."""
"""Later steps tried at one position when the rounded-up start does not fit (a lunch break or
an opening can make a later start fit where an earlier one does not)."""

CLOSED = "closed"
TOO_LATE = "too_late"
UNREACHABLE_REASON = "unreachable"
TOO_FAR = "too_far"
NO_ROOM = "no_room"
CLASH = "appointments_clash"


@dataclass(frozen=True, slots=True)
class RouteStop:
    """A stop of a planned day, in route order. `windows`: when its service may start (seconds
    since local midnight; empty: any time in the shift). `at_s`: an appointment, served at
    exactly that time. `required`: the rep put it on this day (never displaced). `prize`: what
    the visit earns that day, the value lost when it is displaced."""

    id: str
    point: Point
    service_s: float
    windows: tuple[TimeWindow, ...] = ()
    at_s: float | None = None
    required: bool = False
    prize: float = 0.0

    @property
    def fixed(self) -> bool:
        """An appointment: it keeps its time and is never displaced."""
        return self.at_s is not None

    @property
    def displaceable(self) -> bool:
        return not self.fixed and not self.required


@dataclass(frozen=True, slots=True)
class SlotDay:
    """A rep's day to search: its workday (start, end, shift, lunch, stop limit), its stops in
    route order and, for today, the earliest start a meeting may have (`earliest_s`)."""

    workday: Workday
    stops: tuple[RouteStop, ...] = ()
    earliest_s: float | None = None

    @property
    def day(self) -> date:
        return self.workday.day


@dataclass(frozen=True, slots=True)
class Meeting:
    """The meeting to place: its id (a stop of that id on a day's route is the same account's
    planned visit: the meeting takes its place), where, how long, and when the account is open
    (`hours` like `Candidate.hours`: None open any time; a day missing or mapped to () closed)."""

    id: str
    point: Point
    duration_s: float
    hours: Mapping[date, tuple[TimeWindow, ...]] | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.duration_s) or self.duration_s <= 0:
            raise ProblemError(f"meeting {self.id!r}: duration_s must be a number > 0")


@dataclass(frozen=True, slots=True)
class Slot:
    """A start for the meeting on a day, and what it does to that day.

    `position`: the number of the day's kept stops before it. `route`: the day's stop ids in
    order with the meeting (its id) in place and the displaced visits gone. `replaces`: the
    account was a planned visit of that day, which the meeting takes the place of.
    """

    day: date
    start_s: int
    position: int
    added_travel_s: float
    added_distance_m: float
    added_cost: float
    displaced: tuple[str, ...]
    displaced_value: float
    route: tuple[str, ...]
    replaces: bool = False
    appointments_only: bool = False
    """The day as given no longer times (planned on other travel times, or before a booking):
    the slot was fitted among its appointments only, and its visits are to be planned again."""

    @property
    def score(self) -> float:
        """What the slot costs the company: the money it adds and the value it displaces."""
        return self.added_cost + self.displaced_value


@dataclass(frozen=True, slots=True)
class DayVerdict:
    """Why a day has no slot: a reason code and a sentence."""

    day: date
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class SlotSearch:
    """The slots found, best (lowest `Slot.score`) first, and the days without one and why."""

    slots: tuple[Slot, ...]
    verdicts: tuple[DayVerdict, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class SlotJob:
    """One rep's search, as plain data a worker process can take."""

    days: tuple[SlotDay, ...]
    meeting: Meeting
    costs: Costs
    travel: Travel = field(default_factory=Estimate)
    per_day: int = 3


def search_jobs(jobs: Sequence[SlotJob]) -> list[SlotSearch]:
    """`find_slots` of each job, in order (several reps in one call to a worker)."""
    return [
        find_slots(job.days, job.meeting, costs=job.costs, travel=job.travel, per_day=job.per_day)
        for job in jobs
    ]


def find_slots(
    days: Sequence[SlotDay],
    meeting: Meeting,
    *,
    costs: Costs,
    travel: Travel | None = None,
    step_s: int = STEP_S,
    per_day: int = 3,
    max_displaced: int = 2,
) -> SlotSearch:
    """The best slots for `meeting` over one rep's `days` (at most `per_day` a day, at distinct
    starts), and a verdict for each day without one.

    One travel matrix is asked for all the days' places together (a road engine is asked
    once per rep, not once per day).

    Raises `ProblemError` for malformed input (a step that is not a positive number of
    seconds, days or stops that fail their own checks) and `TravelError` when the travel
    source cannot answer.
    """
    if step_s < 1:
        raise ProblemError(f"step_s must be >= 1, got {step_s}")
    if per_day < 1:
        raise ProblemError(f"per_day must be >= 1, got {per_day}")
    if not days:
        return SlotSearch(slots=())
    places, at = _places(days, meeting)
    matrix = (travel or Estimate()).matrix(places)
    slots: list[Slot] = []
    verdicts: list[DayVerdict] = []
    for slot_day, indices in zip(days, at, strict=True):
        found = _search_day(
            slot_day, meeting, _sub_matrix(matrix, indices), costs, step_s, per_day, max_displaced
        )
        if isinstance(found, DayVerdict):
            verdicts.append(found)
        else:
            slots.extend(found)
    slots.sort(key=lambda s: (s.score, s.day, s.start_s))
    return SlotSearch(slots=tuple(slots), verdicts=tuple(verdicts))


def _places(days: Sequence[SlotDay], meeting: Meeting) -> tuple[list[Point], list[list[int]]]:
    """Every distinct place of the days and the meeting, and per day the indices of its own
    places in `_problem`'s order: start, end (if any), its stops, the meeting."""
    places: list[Point] = []
    known: dict[Point, int] = {}

    def index(point: Point) -> int:
        if point not in known:
            known[point] = len(places)
            places.append(point)
        return known[point]

    meeting_index = index(meeting.point)
    per_day = []
    for slot_day in days:
        workday = slot_day.workday
        own = [index(workday.start)]
        if workday.end is not None:
            own.append(index(workday.end))
        own += [index(stop.point) for stop in _kept_stops(slot_day, meeting)]
        own.append(meeting_index)
        per_day.append(own)
    return places, per_day


def _sub_matrix(matrix: TravelMatrix, indices: list[int]) -> TravelMatrix:
    pick = np.ix_(indices, indices)
    unreachable = {
        k: matrix.unreachable[i] for k, i in enumerate(indices) if i in matrix.unreachable
    }
    return TravelMatrix(
        durations_s=matrix.durations_s[pick],
        distances_m=matrix.distances_m[pick],
        model=matrix.model,
        model_detail=matrix.model_detail,
        unreachable=unreachable,
    )


def _kept_stops(slot_day: SlotDay, meeting: Meeting) -> list[RouteStop]:
    """The day's stops but the account's own planned visit (the meeting takes its place)."""
    return [stop for stop in slot_day.stops if stop.id != meeting.id or stop.fixed]


@dataclass(slots=True)
class _Day:
    """One day as integers: the problem (stops 0..n-1 in route order, the meeting node n), its
    money, the meeting's windows that day, and the base route's timing."""

    slot_day: SlotDay
    meeting_id: str
    problem: IntegerProblem
    money: Money
    stops: list[RouteStop]
    meeting_node: int
    meeting_windows: tuple[tuple[int, int], ...]
    rate: float
    base_nodes: list[int]
    base_travel_s: float
    base_distance_m: float
    base_money: float
    appointments_only: bool = False


def _search_day(
    slot_day: SlotDay,
    meeting: Meeting,
    matrix: TravelMatrix,
    costs: Costs,
    step_s: int,
    per_day: int,
    max_displaced: int,
) -> list[Slot] | DayVerdict:
    workday = slot_day.workday
    label = _label(workday.day)
    windows = _meeting_windows(slot_day, meeting)
    if windows is None:
        return DayVerdict(workday.day, CLOSED, f"the account is closed on {label} in the shift")
    if not windows:
        return DayVerdict(
            workday.day,
            TOO_LATE,
            f"no time is left on {label} for a meeting of {_minutes(meeting.duration_s)}",
        )
    built = _build(slot_day, meeting, matrix, costs, windows, step_s)
    if isinstance(built, DayVerdict):
        return built
    found: list[Slot] = []
    droppable = [k for k in built.base_nodes if built.stops[k].displaceable]
    for count in range(max_displaced + 1):
        for dropped in _drops(droppable, built.base_nodes, count):
            found.extend(_positions(built, dropped, step_s))
        if found:
            break
    if not found:
        return _no_room(built, meeting, max_displaced)
    return _best_distinct(found, per_day)


def _meeting_windows(slot_day: SlotDay, meeting: Meeting) -> tuple[tuple[float, float], ...] | None:
    """When the meeting may start that day, in seconds since local midnight: within the account's
    hours and the shift, ending by the shift's end, not before `earliest_s`. None: closed all
    the shift; (): open, but not in the time left."""
    workday = slot_day.workday
    lo = workday.shift.start_s
    hi = workday.shift.end_s - meeting.duration_s
    hours = (
        (TimeWindow(0, 24 * 3600),) if meeting.hours is None else meeting.hours.get(workday.day, ())
    )
    open_spans = [(max(w.start_s, lo), min(w.end_s, hi)) for w in hours]
    open_spans = [(a, b) for a, b in open_spans if a <= b]
    if not open_spans:
        return None
    earliest = slot_day.earliest_s
    if earliest is not None:
        open_spans = [(max(a, earliest), b) for a, b in open_spans if b >= earliest]
    return tuple(open_spans)


def _build(
    slot_day: SlotDay,
    meeting: Meeting,
    matrix: TravelMatrix,
    costs: Costs,
    windows: tuple[tuple[float, float], ...],
    step_s: int,
) -> _Day | DayVerdict:
    workday = slot_day.workday
    stops = _kept_stops(slot_day, meeting)
    has_end = workday.end is not None
    first_stop = 2 if has_end else 1
    vehicle = Vehicle(
        id=workday.day.isoformat(),
        start_index=0,
        end_index=1 if has_end else None,
        shift=workday.shift,
        breaks=() if workday.lunch is None else (workday.lunch,),
        max_stops=workday.max_stops,
    )
    problem_stops = [
        Stop(
            id=f"stop-{k}",
            index=first_stop + k,
            service_s=stop.service_s,
            windows=(TimeWindow(stop.at_s, stop.at_s),) if stop.at_s is not None else stop.windows,
            prize=stop.prize,
            required=stop.fixed or stop.required,
        )
        for k, stop in enumerate(stops)
    ]
    # The meeting's own windows are replaced per try (`_with_window`); these hold its place.
    problem_stops.append(
        Stop(
            id=meeting.id,
            index=first_stop + len(stops),
            service_s=meeting.duration_s,
            windows=tuple(TimeWindow(a, b) for a, b in windows),
            required=True,
        )
    )
    problem = Problem(vehicles=(vehicle,), stops=tuple(problem_stops), matrix=matrix, costs=costs)
    integer = to_integer_problem(problem)
    money = travel_money(problem, integer)
    node = len(stops)
    spec = integer.vehicles[0]
    label = _label(workday.day)
    if (
        spec.stays_home
        or max(integer.travel[spec.start_node, node], integer.travel[node, spec.end_node])
        >= UNREACHABLE
    ):
        detail = matrix.unreachable.get(len(matrix.durations_s) - 1)
        return DayVerdict(
            workday.day,
            UNREACHABLE_REASON,
            f"no way to the account from the rep's start or back on {label}"
            + (f" ({detail})" if detail else ""),
        )
    offset = integer.offset_s
    # The meeting starts on the step grid: windows narrowed to the steps inside them.
    meeting_windows = tuple(
        (lo, hi)
        for a, b in integer.windows[node]
        if (lo := _up(a + offset, step_s) - offset) <= (hi := b)
    )
    if not meeting_windows:
        return DayVerdict(
            workday.day,
            TOO_LATE,
            f"no quarter-hour start is left on {label} for a meeting of "
            f"{_minutes(meeting.duration_s)}",
        )
    rate = money.idle(integer, 0)
    alone = time_route(_with_window(integer, node, meeting_windows), 0, [node])
    if alone is None:
        if slot_day.earliest_s is not None:
            return DayVerdict(
                workday.day,
                TOO_LATE,
                f"no time is left on {label} for a meeting of {_minutes(meeting.duration_s)} "
                "and the drive there and back",
            )
        return DayVerdict(
            workday.day,
            TOO_FAR,
            f"the drive there and back does not fit {label}'s shift with a meeting of "
            f"{_minutes(meeting.duration_s)} in the account's opening hours",
        )
    base = list(range(node))
    timeline = time_route(integer, 0, base, leave_late=bool(rate))
    appointments_only = timeline is None
    if timeline is None:
        # The stored day no longer times as it stands (it was planned on other travel times or
        # before a later booking): its appointments alone are the day to fit the meeting into.
        base = [k for k in base if stops[k].fixed]
        timeline = time_route(integer, 0, base, leave_late=bool(rate))
        if timeline is None:
            return DayVerdict(
                workday.day, CLASH, f"the appointments of {label} cannot all be kept as booked"
            )
    return _Day(
        slot_day=slot_day,
        meeting_id=meeting.id,
        problem=integer,
        money=money,
        stops=stops,
        meeting_node=node,
        meeting_windows=meeting_windows,
        rate=rate,
        base_nodes=base,
        base_travel_s=_seconds(integer, base),
        base_distance_m=_metres(integer, base),
        base_money=_money(integer, money, base, timeline),
        appointments_only=appointments_only,
    )


def _drops(droppable: list[int], route: list[int], count: int) -> list[tuple[int, ...]]:
    """The sets of `count` visits to try without: none, each one, or neighbours in the route
    (two visits far apart rarely free one stretch of time the meeting needs)."""
    if count == 0:
        return [()]
    if count == 1:
        return [(k,) for k in droppable]
    allowed = set(droppable)
    runs = [tuple(route[i : i + count]) for i in range(len(route) - count + 1)]
    found = [run for run in runs if allowed.issuperset(run)]
    if len(droppable) <= 6:
        # A short day: every pair is cheap to try.
        found = list(dict.fromkeys([*found, *combinations(droppable, count)]))
    return found


def _positions(day: _Day, dropped: tuple[int, ...], step_s: int) -> list[Slot]:
    """The slot at each position of the day's route without `dropped`, where one fits."""
    route = [k for k in day.base_nodes if k not in dropped]
    node = day.meeting_node
    open_problem = _with_window(day.problem, node, day.meeting_windows)
    slots = []
    for position in range(len(route) + 1):
        nodes = [*route[:position], node, *route[position:]]
        first = time_route(open_problem, 0, nodes)
        if first is None:
            continue
        start = first.starts[position]
        for _ in range(ALTERNATIVES):
            found = _fixed_start(day, nodes, start, step_s)
            if found is None:
                break
            at, fixed, timeline = found
            slots.append(_slot(day, fixed, nodes, timeline, position, at, dropped))
            start = at + ALTERNATIVE_GAP_S
    return slots


def _fixed_start(
    day: _Day, nodes: list[int], start: int, step_s: int
) -> tuple[int, IntegerProblem, Timeline] | None:
    """The first start on the step grid from `start` on at which the day, with the meeting
    fixed there, still times (a few steps tried), the problem so fixed and its timeline."""
    problem, node = day.problem, day.meeting_node
    for _ in range(TRIES_PER_POSITION):
        at = _up(start + problem.offset_s, step_s) - problem.offset_s
        if not any(lo <= at <= hi for lo, hi in day.meeting_windows):
            at = min((lo for lo, _ in day.meeting_windows if lo > at), default=-1)
            if at < 0:
                return None
        fixed = _with_window(problem, node, ((at, at),))
        timeline = time_route(fixed, 0, nodes, leave_late=bool(day.rate))
        if timeline is not None:
            return at, fixed, timeline
        start = at + step_s
    return None


def _slot(
    day: _Day,
    problem: IntegerProblem,
    nodes: list[int],
    timeline: Timeline,
    position: int,
    at: int,
    dropped: tuple[int, ...],
) -> Slot:
    stops = day.stops
    added = _money(problem, day.money, nodes, timeline) - day.base_money
    return Slot(
        day=day.slot_day.day,
        start_s=at + problem.offset_s,
        position=position,
        added_travel_s=round(_seconds(problem, nodes) - day.base_travel_s, 1),
        added_distance_m=round(_metres(problem, nodes) - day.base_distance_m, 1),
        added_cost=round(added, 2),
        displaced=tuple(stops[k].id for k in dropped),
        displaced_value=round(sum(stops[k].prize for k in dropped), 2),
        route=tuple(stops[k].id if k != day.meeting_node else day.meeting_id for k in nodes),
        replaces=len(stops) < len(day.slot_day.stops),
        appointments_only=day.appointments_only,
    )


def _no_room(day: _Day, meeting: Meeting, max_displaced: int) -> DayVerdict:
    label = _label(day.slot_day.day)
    fixed = sum(1 for k in day.base_nodes if day.stops[k].fixed)
    kept = sum(1 for k in day.base_nodes if not day.stops[k].displaceable)
    visits = len(day.base_nodes) - kept
    what = f"{fixed} appointment{'s' if fixed != 1 else ''}"
    if kept > fixed:
        what += f" and {kept - fixed} stop{'s' if kept - fixed != 1 else ''} the rep kept there"
    moved = f" (even without {max_displaced} of its {visits} visits)" if visits else ""
    return DayVerdict(
        day.slot_day.day,
        NO_ROOM,
        f"{label} has no room for a meeting of {_minutes(meeting.duration_s)}{moved}: "
        f"its {what}, the shift and the lunch break leave no gap long enough with the drive",
    )


def _best_distinct(slots: list[Slot], per_day: int) -> list[Slot]:
    """The `per_day` best slots with distinct starts (the same time twice is one choice)."""
    best: dict[int, Slot] = {}
    for slot in sorted(slots, key=lambda s: (s.score, s.start_s)):
        best.setdefault(slot.start_s, slot)
    return sorted(best.values(), key=lambda s: (s.score, s.start_s))[:per_day]


def _with_window(
    problem: IntegerProblem, node: int, windows: tuple[tuple[int, int], ...]
) -> IntegerProblem:
    return replace(
        problem, windows=(*problem.windows[:node], windows, *problem.windows[node + 1 :])
    )


def _path(problem: IntegerProblem, nodes: Sequence[int]) -> list[int]:
    spec = problem.vehicles[0]
    return [spec.start_node, *nodes, spec.end_node]


def _money(
    problem: IntegerProblem, money: Money, nodes: Sequence[int], timeline: Timeline
) -> float:
    path = _path(problem, nodes)
    travel = sum(money.of(problem, 0, a, b) for a, b in pairwise(path))
    return travel + money.idle(problem, 0) * idle_s(problem, nodes, timeline)


def _metres(problem: IntegerProblem, nodes: Sequence[int]) -> float:
    path = _path(problem, nodes)
    return float(sum(problem.distance_m[a, b] for a, b in pairwise(path)))


def _seconds(problem: IntegerProblem, nodes: Sequence[int]) -> float:
    path = _path(problem, nodes)
    return float(sum(problem.travel[a, b] for a, b in pairwise(path)))


def _up(seconds: float, step: int) -> int:
    return math.ceil(seconds / step) * step


def _minutes(seconds: float) -> str:
    return f"{round(seconds / 60)} min"


__all__ = [
    "DayVerdict",
    "Meeting",
    "RouteStop",
    "Slot",
    "SlotDay",
    "SlotJob",
    "SlotSearch",
    "find_slots",
    "search_jobs",
]
