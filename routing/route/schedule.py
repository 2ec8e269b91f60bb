"""Timing one vehicle's sequence of stops in whole seconds, without OR-Tools.

Used to test whether a stop still fits into a planned route (to explain why it was left out)
and to time routes that a repair step changed. Breaks are placed greedily: a break is taken
where it costs nothing (while waiting anyway) or where it can no longer be postponed; where
that finds no schedule, the first break is tried in each gap that could hold it, and the day
starting once a break could be over. That is every placement of one break a day (lunch); of
several it can miss one, so "does not fit" is then a strong hint, not a proof. "Fits" always
comes with a schedule that is feasible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.route.integer_problem import UNREACHABLE, BreakSpec, IntegerProblem


@dataclass(frozen=True, slots=True)
class Timeline:
    starts: tuple[int, ...]
    """Start of service at each stop."""
    departure: int
    """From the vehicle's start place."""
    end: int
    """Arrival at the end place (departure from the last stop for an open end)."""
    breaks: tuple[tuple[int, int], ...]
    travel: int


def _earliest_in_windows(windows: Sequence[tuple[int, int]], t: int) -> int | None:
    for lo, hi in windows:
        if t <= hi:
            return max(lo, t)
    return None


def time_route(
    problem: IntegerProblem, vehicle: int, nodes: Sequence[int], *, leave_late: bool = False
) -> Timeline | None:
    """Earliest feasible schedule of `nodes` (stop nodes, in order) for `vehicle`, or None.

    It leaves as late as the first visit allows. With `leave_late` (waiting costs money), it
    leaves later still where a wait further on absorbs the delay, windows permitting, so that
    the day ends no later but starts later (and a day that then starts after a break's window
    needs no break); a few rounds of that find the latest departure in the common case, not
    always.
    """
    first = _forward(problem, vehicle, nodes, None)
    timeline = _timeline(first)
    if first is True:
        timeline = _placed(problem, vehicle, nodes)
    if timeline is None or not leave_late or not nodes:
        return timeline
    for _ in range(_LEAVE_LATE_ROUNDS):
        delay = _spare_start(problem, vehicle, nodes, timeline)
        if delay <= 0:
            break
        later = _timeline(_forward(problem, vehicle, nodes, timeline.departure + delay))
        if later is None or later.end > timeline.end:
            break
        timeline = later
    for brk in problem.vehicles[vehicle].breaks:
        # A break taken at home before the first visit is better taken before the day.
        ends = brk.start_min + brk.duration
        if ends > timeline.departure and timeline.breaks and timeline.breaks[0][0] < ends:
            later = _timeline(_forward(problem, vehicle, nodes, ends))
            if later is not None and later.end <= timeline.end:
                timeline = later
    return timeline


_LEAVE_LATE_ROUNDS = 3
"""Departures tried later and later: a break skipped by leaving later frees one more wait."""


def _placed(problem: IntegerProblem, vehicle: int, nodes: Sequence[int]) -> Timeline | None:
    """A schedule where the greedy placement of breaks found none and breaks had a part in it: the first break (of those
    the day must hold) is tried in every gap in turn, taken as early as that gap allows, the
    rest placed greedily; and the day is tried starting once a break could be over (a break
    taken before the day starts is no break of it, as in OR-Tools' model). With one break a
    day (lunch) that is every placement there is. Nothing is tried for a day that does not fit
    even without its breaks, the common case of a stop that does not fit."""
    spec = problem.vehicles[vehicle]
    unbroken = _timeline(_forward(problem, vehicle, nodes, None, with_breaks=False))
    if unbroken is None:
        return None
    # Breaks only delay: a gap left after every break must start is no place for the first.
    latest = max(b.start_max for b in spec.breaks)
    leaves = [
        unbroken.departure,
        *(s + int(problem.service[n]) for s, n in zip(unbroken.starts, nodes, strict=True)),
    ]
    gaps = [gap for gap, leave in enumerate(leaves) if leave <= latest]
    # Leaving later than a break's earliest end skips no more breaks, it only loses time.
    departures = [None, *sorted({b.start_min + b.duration for b in spec.breaks})]
    for leave_at in departures:
        # No gap may hold the first break, yet a day that starts once it could be over has had
        # it: with no break pending, the gap given is not looked at.
        for gap in gaps or [len(nodes)]:
            timeline = _timeline(_forward(problem, vehicle, nodes, leave_at, first_break_in=gap))
            if timeline is not None:
                return timeline
    return None


def _timeline(found: Timeline | bool) -> Timeline | None:
    return found if isinstance(found, Timeline) else None


def _window_end(windows: Sequence[tuple[int, int]], t: int) -> int:
    return next(hi for lo, hi in windows if lo <= t <= hi)


def _spare_start(
    problem: IntegerProblem, vehicle: int, nodes: Sequence[int], timeline: Timeline
) -> int:
    """Seconds the departure can move later without moving the end: every stop's start may
    move by the delay less the waits before it, within its window, and the waits absorb it."""
    spec = problem.vehicles[vehicle]
    spare = None
    waited = 0
    here, free_at = spec.start_node, timeline.departure
    for node, start in zip(nodes, timeline.starts, strict=True):
        in_gap = sum(d for s, d in timeline.breaks if free_at <= s and s + d <= start)
        waited += start - free_at - int(problem.travel[here, node]) - in_gap
        room = _window_end(problem.windows[node], start) - start + waited
        spare = room if spare is None else min(spare, room)
        here, free_at = node, start + int(problem.service[node])
    in_gap = sum(d for s, d in timeline.breaks if free_at <= s)
    travel_home = 0 if spec.open_end else int(problem.travel[here, spec.end_node])
    waited += timeline.end - free_at - travel_home - in_gap
    return max(0, min(waited, spare if spare is not None else 0))


def _forward(
    problem: IntegerProblem,
    vehicle: int,
    nodes: Sequence[int],
    leave_at: int | None,
    *,
    with_breaks: bool = True,
    first_break_in: int | None = None,
) -> Timeline | bool:
    """Earliest feasible schedule, leaving no earlier than `leave_at` (None: shift start), with
    breaks placed greedily, or the first one in the gap before `nodes[first_break_in]` (the
    end's gap for `len(nodes)`); `with_breaks` False: breaks left out.

    Without one: whether breaks had a part in that. A day that fails before taking any break
    fails the same without them, and no placement can help it."""
    spec = problem.vehicles[vehicle]
    if not nodes:
        # An unused vehicle stays home: nothing to time, nothing to break for.
        return Timeline((), spec.shift_start, spec.shift_start, (), 0)
    if spec.max_stops is not None and len(nodes) > spec.max_stops:
        return False
    travel = problem.travel
    t = spec.shift_start if leave_at is None else max(spec.shift_start, leave_at)
    # A break that can end before the day starts is not part of it.
    pending: list[BreakSpec] = [
        b for b in spec.breaks if with_breaks and b.start_min + b.duration > t
    ]
    taken: list[tuple[int, int]] = []
    earliest = t
    here = spec.start_node
    starts: list[int] = []
    total_travel = 0
    departure = t
    sequence = [*nodes, spec.end_node]
    for position, node in enumerate(sequence):
        leg = int(travel[here, node])
        if leg >= UNREACHABLE:
            return bool(taken)
        total_travel += leg
        is_end = position == len(sequence) - 1
        windows = ((0, spec.shift_end),) if is_end else problem.windows[node]
        service = 0 if is_end else int(problem.service[node])
        start = _earliest_in_windows(windows, t + leg)
        if start is None:
            return bool(taken)
        while pending:
            brk = pending[0]
            # Taking the break now, in this gap: it starts once we leave and its window opens.
            b_start = max(t, brk.start_min)
            with_break = (
                None
                if b_start > brk.start_max
                else _earliest_in_windows(
                    windows, max(t + leg + brk.duration, b_start + brk.duration)
                )
            )
            free = with_break is not None and with_break == start
            can_postpone = start + service <= brk.start_max
            if is_end and start <= brk.start_max:
                # The day is over before the break must start: no break is needed.
                pending.pop(0)
                continue
            take = free or not can_postpone
            if first_break_in is not None and not taken:
                # Its gap is given: taken there, or sooner only where it costs nothing.
                if take and not free and position < first_break_in:
                    return True  # it cannot wait for its gap: an earlier gap is tried on its own
                take = free or position >= first_break_in
            if take:
                if with_break is None:
                    return True
                taken.append((b_start, brk.duration))
                start = with_break
                pending.pop(0)
                continue
            break
        if position == 0 and not taken:
            # Leave as late as possible without delaying the first visit.
            departure = max(earliest, start - leg)
        if is_end:
            if start > spec.shift_end:
                return bool(taken)
            end = t if spec.open_end else start
            if spec.max_travel is not None and total_travel > spec.max_travel:
                return bool(taken)
            return Timeline(
                starts=tuple(starts),
                departure=departure,
                end=end,
                breaks=tuple(taken),
                travel=total_travel,
            )
        starts.append(start)
        t = start + service
        here = node
    raise AssertionError("unreachable: the loop returns at the end node")
