"""Timing one vehicle's sequence of stops in whole seconds, without OR-Tools.

Used to test whether a stop still fits into a planned route (to explain why it was left out)
and to time routes that a repair step changed. Breaks are placed greedily: a break is taken
where it costs nothing (while waiting anyway) or where it can no longer be postponed. Greedy
placement can miss an exotic schedule, so "does not fit" here is a strong hint, not a proof;
"fits" always comes with a schedule that is feasible.
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


def time_route(problem: IntegerProblem, vehicle: int, nodes: Sequence[int]) -> Timeline | None:
    """Earliest feasible schedule of `nodes` (stop nodes, in order) for `vehicle`, or None."""
    spec = problem.vehicles[vehicle]
    if not nodes:
        # An unused vehicle stays home: nothing to time, nothing to break for.
        return Timeline((), spec.shift_start, spec.shift_start, (), 0)
    if spec.max_stops is not None and len(nodes) > spec.max_stops:
        return None
    travel = problem.travel
    pending: list[BreakSpec] = list(spec.breaks)
    taken: list[tuple[int, int]] = []
    t = spec.shift_start
    here = spec.start_node
    starts: list[int] = []
    total_travel = 0
    departure = t
    sequence = [*nodes, spec.end_node]
    for position, node in enumerate(sequence):
        leg = int(travel[here, node])
        if leg >= UNREACHABLE:
            return None
        total_travel += leg
        is_end = position == len(sequence) - 1
        windows = ((0, spec.shift_end),) if is_end else problem.windows[node]
        service = 0 if is_end else int(problem.service[node])
        start = _earliest_in_windows(windows, t + leg)
        if start is None:
            return None
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
            if free or not can_postpone:
                if with_break is None:
                    return None
                taken.append((b_start, brk.duration))
                start = with_break
                pending.pop(0)
                continue
            break
        if position == 0 and not taken:
            # Leave as late as possible without delaying the first visit.
            departure = max(spec.shift_start, start - leg)
        if is_end:
            if start > spec.shift_end:
                return None
            end = t if spec.open_end else start
            if spec.max_travel is not None and total_travel > spec.max_travel:
                return None
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
