"""An independent feasibility checker for plans, written apart from the solver on purpose.

It works in the caller's own (float) numbers and shares no code with `routing` beyond the data
classes, so a rounding or timing bug in the solver cannot hide behind the same bug here.
"""

from __future__ import annotations

import itertools
import math

from routing import Plan, Problem, Reason, Route, Stop, Vehicle

EPS = 1e-6
ROUNDING_SLACK = 5.0
"""Seconds a plan may need to spare for the solver's rounding up (shift, legs, service)."""


def _travel(problem: Problem, a: int, b: int | None) -> float:
    if b is None:
        return 0.0
    value = float(problem.matrix.durations_s[a, b])
    return value if math.isfinite(value) and value >= 0 else math.inf


def _in_windows(stop: Stop, t: float, vehicle: Vehicle) -> bool:
    if not stop.windows:
        return vehicle.shift.start_s - EPS <= t <= vehicle.shift.end_s + EPS
    return any(w.start_s - EPS <= t <= w.end_s + EPS for w in stop.windows)


def check_route(problem: Problem, route: Route) -> list[str]:
    """Every violation of the route against the problem, as text; empty if feasible."""
    errors: list[str] = []
    vehicle = next(v for v in problem.vehicles if v.id == route.vehicle_id)
    stops = {s.id: s for s in problem.stops}
    if not route.stops:
        return errors
    if route.start_s < vehicle.shift.start_s - EPS:
        errors.append(f"{vehicle.id} starts at {route.start_s} before its shift")
    if route.end_s > vehicle.shift.end_s + EPS:
        errors.append(f"{vehicle.id} ends at {route.end_s} after its shift")
    if vehicle.max_stops is not None and len(route.stops) > vehicle.max_stops:
        errors.append(f"{vehicle.id} makes {len(route.stops)} stops, max {vehicle.max_stops}")

    breaks = sorted((b.start_s, b.end_s) for b in route.breaks)
    for b_start, b_end in breaks:
        if b_start < route.start_s - EPS or b_end > route.end_s + EPS:
            errors.append(f"{vehicle.id}: break [{b_start}, {b_end}] outside the route")
    for (_, end_a), (start_b, _) in itertools.pairwise(breaks):
        if start_b < end_a - EPS:
            errors.append(f"{vehicle.id}: breaks overlap")

    here = vehicle.start_index
    departure = route.start_s
    total_travel = 0.0
    gaps: list[tuple[float, float, float]] = []  # (from, to, travel needed)
    for scheduled in route.stops:
        stop = stops[scheduled.id]
        if stop.vehicles and vehicle.id not in stop.vehicles:
            errors.append(f"{stop.id} served by {vehicle.id}, which may not serve it")
        leg = _travel(problem, here, stop.index)
        total_travel += leg
        gaps.append((departure, scheduled.start_s, leg))
        if scheduled.arrival_s > scheduled.start_s + EPS:
            errors.append(f"{stop.id}: service starts before arrival")
        # The matrix may be asymmetric (one-way streets) and infinite (no way): the leg is
        # always this row's from-here-to-there entry.
        if scheduled.arrival_s < departure + leg - EPS:
            errors.append(
                f"{stop.id}: arrives at {scheduled.arrival_s}, before the {leg:.3f} s drive "
                f"from the last place (left at {departure}) can end"
            )
        if not _in_windows(stop, scheduled.start_s, vehicle):
            errors.append(f"{stop.id}: service starts at {scheduled.start_s}, outside its windows")
        if scheduled.departure_s < scheduled.start_s + stop.service_s - EPS:
            errors.append(f"{stop.id}: leaves before its service is done")
        for b_start, b_end in breaks:
            if b_start < scheduled.departure_s - EPS and b_end > scheduled.start_s + EPS:
                errors.append(f"{stop.id}: a break overlaps the service")
        here = stop.index
        departure = scheduled.departure_s
    leg = _travel(problem, here, vehicle.end_index)
    total_travel += leg
    gaps.append((departure, route.end_s, leg))

    for start, end, leg in gaps:
        inside = sum(
            b_end - b_start
            for b_start, b_end in breaks
            if b_start >= start - EPS and b_end <= end + EPS
        )
        if end - start < leg + inside - EPS:
            errors.append(
                f"{vehicle.id}: {end - start:.3f} s between {start} and {end} is less than "
                f"travel {leg:.3f} s plus breaks {inside} s"
            )
    placed = sum(
        1
        for b_start, b_end in breaks
        if any(b_start >= s - EPS and b_end <= e + EPS for s, e, _ in gaps)
    )
    if placed != len(breaks):
        errors.append(f"{vehicle.id}: a break is not between two visits")

    if vehicle.max_travel_s is not None and total_travel > vehicle.max_travel_s + EPS:
        errors.append(f"{vehicle.id}: travels {total_travel} s, max {vehicle.max_travel_s}")
    for brk in vehicle.breaks:
        taken = any(
            b_start >= brk.window.start_s - EPS
            and b_end <= brk.window.end_s + EPS
            and b_end - b_start >= brk.duration_s - EPS
            for b_start, b_end in breaks
        )
        before = brk.window.start_s + brk.duration_s <= route.start_s + EPS
        after = max(route.end_s, brk.window.start_s) + brk.duration_s <= brk.window.end_s + EPS
        if not (taken or before or after):
            errors.append(f"{vehicle.id}: break in {brk.window} is not taken")
    # What each visit earns made by this vehicle: its own prize if it has one, else the stop's.
    earned = sum(stops[s.id].prizes.get(vehicle.id, stops[s.id].prize) for s in route.stops)
    if abs(route.prize - earned) > EPS:
        errors.append(f"{vehicle.id}: prize does not add up")
    if abs(route.travel_s - total_travel) > 1e-3:
        errors.append(
            f"{vehicle.id}: travel {route.travel_s} but the legs add up to {total_travel}"
        )
    return errors


def _stays_home(problem: Problem, vehicle: Vehicle) -> bool:
    """A vehicle that cannot drive from its start to its end within its shift (in whole seconds,
    as the solver counts) serves nothing: its stops are out of reach."""
    if vehicle.end_index is None:
        return False
    commute = _travel(problem, vehicle.start_index, vehicle.end_index)
    shift = math.floor(vehicle.shift.end_s) - math.ceil(vehicle.shift.start_s)
    return not (math.isfinite(commute) and math.ceil(commute) <= shift)


def servable_alone(problem: Problem, stop: Stop) -> tuple[bool, bool, bool]:
    """Can some allowed vehicle (get there and back, serve it as its only stop ignoring breaks,
    serve it as its only stop having no breaks)?"""
    reachable = servable = surely = False
    for vehicle in problem.vehicles:
        if stop.vehicles and vehicle.id not in stop.vehicles:
            continue
        if _stays_home(problem, vehicle):
            continue
        there = _travel(problem, vehicle.start_index, stop.index)
        back = _travel(problem, stop.index, vehicle.end_index)
        if not (math.isfinite(there) and math.isfinite(back)):
            continue
        reachable = True
        if vehicle.max_stops == 0 or (
            vehicle.max_travel_s is not None and there + back > vehicle.max_travel_s + EPS
        ):
            continue
        arrival = vehicle.shift.start_s + there
        windows = stop.windows or ()
        starts = [max(arrival, w.start_s) for w in windows if max(arrival, w.start_s) <= w.end_s]
        if not windows:
            starts = [arrival]
        if any(t + stop.service_s + back <= vehicle.shift.end_s + EPS for t in starts):
            servable = True
        # The solver rounds shift start, travel, service and windows to whole seconds, never in
        # the plan's favour: with less than ROUNDING_SLACK to spare it may rightly say no.
        spare = [
            min(w_end - t, vehicle.shift.end_s - (t + stop.service_s + back))
            for t, w_end in zip(
                starts,
                [w.end_s for w in windows if max(arrival, w.start_s) <= w.end_s]
                if windows
                else [vehicle.shift.end_s],
                strict=True,
            )
        ]
        # Each leg is rounded up against max_travel_s too (found by hypothesis: 10.5 + 30 s of
        # travel against a 40.5 s limit is 41 > 40 in whole seconds).
        travel_spare = (
            vehicle.max_travel_s - (there + back) if vehicle.max_travel_s is not None else math.inf
        )
        if (
            not vehicle.breaks
            and travel_spare >= ROUNDING_SLACK
            and any(gap >= ROUNDING_SLACK for gap in spare)
        ):
            surely = True
    return reachable, servable, surely


def check_plan(problem: Problem, plan: Plan) -> list[str]:
    """Every violation in the plan, the reasons for left-out stops included."""
    errors: list[str] = []
    if [r.vehicle_id for r in plan.routes] != [v.id for v in problem.vehicles]:
        errors.append("routes are not one per vehicle in vehicle order")
    served = [s.id for r in plan.routes for s in r.stops]
    if len(served) != len(set(served)):
        errors.append("a stop is served twice")
    left = [u.id for u in plan.unassigned]
    if sorted(served + left) != sorted(s.id for s in problem.stops):
        errors.append("served and left-out stops do not partition the stops")
    for route in plan.routes:
        errors.extend(check_route(problem, route))
    by_id = {s.id: s for s in problem.stops}
    for stop in problem.stops:
        if stop.required and stop.id not in served:
            errors.append(f"required stop {stop.id} is not served")
    for item in plan.unassigned:
        reachable, servable, surely = servable_alone(problem, by_id[item.id])
        if item.reason is Reason.UNREACHABLE and reachable:
            errors.append(f"{item.id} is called unreachable but a vehicle can get there and back")
        if item.reason is Reason.OUTSIDE_WINDOWS and (surely or not reachable):
            errors.append(f"{item.id} is called outside_windows, which is not what it is")
        if item.reason in (Reason.NO_TIME, Reason.NOT_WORTH_IT) and not servable:
            errors.append(f"{item.id} is called {item.reason} but cannot be served even alone")
        if not item.detail:
            errors.append(f"{item.id} has no detail")
    return errors


def _surely_fits(problem: Problem, vehicle: Vehicle, sequence: list[Stop]) -> bool:
    """Whether `vehicle` can surely serve `sequence` in order (it has no breaks).

    Earliest-start timing, each leg and service a second longer, each window and the shift a
    second shorter at both ends and `max_travel_s` a second lower: so a sequence that fits here
    fits however the solver rounds to whole seconds (up for travel and service, inwards for
    windows and shifts)."""
    if vehicle.max_stops is not None and len(sequence) > vehicle.max_stops:
        return False
    t = vehicle.shift.start_s + 1
    here = vehicle.start_index
    travelled = 0.0
    for stop in sequence:
        leg = _travel(problem, here, stop.index)
        if not math.isfinite(leg):
            return False
        travelled += leg + 1
        arrival = t + leg + 1
        windows = [(w.start_s + 1, w.end_s - 1) for w in stop.windows] or [
            (vehicle.shift.start_s + 1, vehicle.shift.end_s - 1)
        ]
        starts = [max(arrival, lo) for lo, hi in windows if max(arrival, lo) <= hi]
        if not starts:
            return False
        t = min(starts) + stop.service_s + 1
        here = stop.index
    leg = _travel(problem, here, vehicle.end_index)
    if not math.isfinite(leg):
        return False
    travelled += leg + 1 if vehicle.end_index is not None else 0.0
    if t + leg + 1 > vehicle.shift.end_s - 1:
        return False
    return vehicle.max_travel_s is None or travelled <= vehicle.max_travel_s - 1


def _extra_money(problem: Problem, vehicle: Vehicle, a: int, stop: Stop, b: int | None) -> float:
    """What putting `stop` between places `a` and `b` (None: the open end) adds to the bill."""

    def leg(x: int, y: int | None) -> tuple[float, float]:
        if y is None:
            return 0.0, 0.0
        return float(problem.matrix.durations_s[x, y]), float(problem.matrix.distances_m[x, y])

    (s1, m1), (s2, m2), (s0, m0) = leg(a, stop.index), leg(stop.index, b), leg(a, b)
    costs = problem.costs_of(vehicle)
    return costs.per_hour * (s1 + s2 - s0) / 3600.0 + costs.per_km * (m1 + m2 - m0) / 1000.0


MONEY_SLACK = 1e-3
"""Money a comparison may be off by: the solver states prizes in whole objective units."""


def profitable_insertions(problem: Problem, plan: Plan) -> list[str]:
    """Every left-out stop that fits, surely, somewhere into a planned route of a vehicle
    without breaks (whose timing this checker can do exactly) and earns more than it adds."""
    found: list[str] = []
    by_id = {s.id: s for s in problem.stops}
    for item in plan.unassigned:
        stop = by_id[item.id]
        for vehicle, route in zip(problem.vehicles, plan.routes, strict=True):
            if vehicle.breaks or _stays_home(problem, vehicle):
                continue
            if stop.vehicles and vehicle.id not in stop.vehicles:
                continue
            visits = [by_id[s.id] for s in route.stops]
            places: list[int | None] = [
                vehicle.start_index,
                *(s.index for s in visits),
                vehicle.end_index,
            ]
            for position in range(len(visits) + 1):
                sequence = [*visits[:position], stop, *visits[position:]]
                if not _surely_fits(problem, vehicle, sequence):
                    continue
                a = places[position]
                assert a is not None
                extra = _extra_money(problem, vehicle, a, stop, places[position + 1])
                prize = stop.prize_for(vehicle.id)
                if prize > extra + MONEY_SLACK:
                    found.append(
                        f"{stop.id} ({item.reason}) fits into {vehicle.id}'s route at position "
                        f"{position}, adding {extra:.4f} for a prize of {prize:.4f}"
                    )
    return found
