"""VROOM's plan of a large problem, as a start for the search.

On field days of 300-500 stops, VROOM (a free solver in C++) finds a good plan in 0.1-1.7 s,
and Fieldroute's search descending from it ends above both the search alone and the best peer
(`bench.field_day_peers`, 16 days at 2 s: 1.0034 of the better peer, run in its own process,
where the search alone makes 0.981).
VROOM ranks plans by the sum of job priorities first and cost second, and knows neither prizes
per vehicle nor priced waiting: its plan is only ever a start. The caller keeps what is feasible
of it (`routing.route.solver`), and the search and repair judge everything by Fieldroute's own
objective.

Mapped from the integer problem: the travel matrix (a VROOM profile per cost class, with the
arc costs as its cost matrix), shifts, breaks, windows, service times, stop limits, travel
limits, the vehicles each stop allows (as skills), open ends. Prizes become priorities 1..100
(the most a visit earns with any vehicle); required stops 100.
"""

from __future__ import annotations

import time
from datetime import timedelta
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from routing.route.integer_problem import UNREACHABLE, IntegerProblem
from routing.route.parallel import Routes, solver_context

LEAST_STOPS = 200
"""Below this many stops the search alone is at or above the peers (the TOPTW targets of
60-100 stops: 0.64% from the best known); VROOM's start is for large days."""
MOST_STOP_VEHICLES = 5_000
"""Above this many stops x vehicles VROOM is not asked: its first plans do not heed its time
limit, and they grow with both (given 0.2 s: 300 x 4 and 500 x 2 took 0.2 s, 1,000 x 10 0.9 s,
1,000 x 100 3.7 s). A rep's day or week (300 x 1-5) is well inside."""


def wanted(problem: IntegerProblem) -> bool:
    """Whether VROOM's start is for `problem`: large, but not so large that VROOM runs late,
    and its visits earning the same with every vehicle. Where they do not (a week, each day a
    vehicle with its own prizes), VROOM cannot see which day a visit is worth most on: on 3
    demo reps' weeks (265 accounts x 5 days, 10 s, 2 seeds) its start ended 0.0-2.5% below the
    search alone (`bench.rep_day`'s week, vroom_start on and off)."""
    n_vehicles = len(problem.vehicles)
    return (
        problem.vehicle_prize is None
        and problem.n_stops >= LEAST_STOPS
        and problem.n_stops * n_vehicles <= MOST_STOP_VEHICLES
    )


_LARGEST = (1 << 31) - 1
"""VROOM takes durations, distances and costs as unsigned 32-bit whole numbers and adds them
up in 64 bits: "no way" and every other value are kept below this."""
_COST_SCALE_TOP = 1 << 20
"""The largest finite arc cost, after scaling: fine enough to rank routes, far from overflow."""
_THREADS = 2
_EXPLORATION = 5


_GRACE_S = 0.3
"""Past its budget, how long `routes_apart` waits for VROOM's process (starting it and reading
the problem take some of the budget) before it ends it."""


def routes_apart(problem: IntegerProblem, impossible: set[int], budget_s: float) -> Routes | None:
    """`vroom_routes` in a process of its own, ended if it has not answered within `budget_s`
    (and a grace for starting): VROOM's C++ cannot be stopped from here (its first plans do not
    heed its time limit), and a fault in it ends that process, not the solve. None without an
    answer in time."""
    context = solver_context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_answer, args=(problem, impossible, budget_s, send))
    started = time.monotonic()
    process.start()
    send.close()
    try:
        if receive.poll(max(0.0, budget_s + _GRACE_S - (time.monotonic() - started))):
            routes: Routes | None = receive.recv()
            return routes
        return None
    except (EOFError, OSError):
        return None  # the process died without an answer
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=5)


def _answer(
    problem: IntegerProblem, impossible: set[int], budget_s: float, send: Connection
) -> None:
    send.send(vroom_routes(problem, impossible, budget_s))
    send.close()


def vroom_routes(problem: IntegerProblem, impossible: set[int], budget_s: float) -> Routes | None:
    """VROOM's routes (stop nodes per vehicle, in visit order) within `budget_s` seconds of wall
    clock, or None when there is nothing to give it or VROOM refuses what it was given. Not
    checked against Fieldroute's rules: the caller keeps only the visits that fit."""
    from vroom import _vroom

    try:
        return _routes(problem, impossible, budget_s)
    except (
        _vroom.VroomInputException,
        _vroom.VroomInternalException,
        _vroom.VroomRoutingException,
    ):
        # VROOM checks more than Fieldroute asks (a break it cannot place inside the shift is
        # "inconsistent" to VROOM, a break the day does without to Fieldroute): no start then.
        return None


def _routes(problem: IntegerProblem, impossible: set[int], budget_s: float) -> Routes | None:
    import vroom

    started = time.monotonic()
    jobs = [
        node for node in range(problem.n_stops) if node not in impossible and problem.windows[node]
    ]
    if not jobs or budget_s <= 0:
        return None
    instance = vroom.Input()
    travel = np.minimum(problem.travel, _LARGEST).astype(np.uint32)
    distance = np.where(np.isfinite(problem.distance_m), problem.distance_m, _LARGEST)
    distance = np.minimum(np.rint(distance), _LARGEST).astype(np.uint32)
    for number, cost in enumerate(problem.arc_cost):
        profile = _profile(number)
        instance.set_durations_matrix(profile, travel)
        instance.set_distances_matrix(profile, distance)
        instance.set_costs_matrix(profile, _scaled(cost).astype(np.uint32))

    skill_of: dict[frozenset[int], int] = {}
    for node in jobs:
        allowed = problem.allowed[node]
        if allowed is not None:
            skill_of.setdefault(allowed, len(skill_of))
    for k, spec in enumerate(problem.vehicles):
        if spec.stays_home or spec.max_stops == 0:
            continue
        instance.add_vehicle(
            vroom.Vehicle(
                k,
                start=spec.start_node,
                end=None if spec.open_end else spec.end_node,
                profile=_profile(spec.cost_class),
                skills={skill for allowed, skill in skill_of.items() if k in allowed},
                time_window=vroom.TimeWindow(spec.shift_start, spec.shift_end),
                breaks=[
                    vroom.Break(
                        number,
                        time_windows=[vroom.TimeWindow(brk.start_min, brk.start_max)],
                        service=brk.duration,
                    )
                    for number, brk in enumerate(spec.breaks)
                ],
                **_limits(spec.max_stops, spec.max_travel),
            )
        )
    if not instance.vehicles:
        return None
    top = max((int(problem.prize[n]) for n in jobs if not problem.required[n]), default=1)
    instance.add_job([_job(vroom, problem, node, top, skill_of) for node in jobs])
    left_s = budget_s - (time.monotonic() - started)
    if left_s <= 0:
        return None
    solution = instance.solve(
        exploration_level=_EXPLORATION, nb_threads=_THREADS, timeout=timedelta(seconds=left_s)
    )
    routes: list[tuple[int, ...]] = [() for _ in problem.vehicles]
    for route in solution.to_dict().get("routes", []):
        routes[int(route["vehicle"])] = tuple(
            int(step["id"]) for step in route["steps"] if step["type"] == "job"
        )
    return tuple(routes) if any(routes) else None


def _job(
    vroom: Any, problem: IntegerProblem, node: int, top: int, skill_of: dict[frozenset[int], int]
) -> Any:
    allowed = problem.allowed[node]
    return vroom.Job(
        node,
        location=node,
        default_service=int(problem.service[node]),
        priority=_priority(problem, node, top),
        time_windows=[vroom.TimeWindow(lo, hi) for lo, hi in problem.windows[node]],
        skills=None if allowed is None else {skill_of[allowed]},
    )


def _profile(cost_class: int) -> str:
    return f"class-{cost_class}"


def _scaled(cost: np.ndarray) -> np.ndarray:
    """Arc costs (objective units, UNREACHABLE for no way) in whole numbers VROOM can add up."""
    finite = cost < UNREACHABLE
    top = int(cost[finite].max()) if finite.any() else 0
    factor = min(1.0, _COST_SCALE_TOP / top) if top > 0 else 1.0
    scaled = np.rint(np.where(finite, cost, 0) * factor)
    return np.where(finite, scaled, _LARGEST)


def _priority(problem: IntegerProblem, node: int, top: int) -> int:
    """VROOM's priority (0..100; it serves the largest sum it can, whatever the cost):
    required stops 100, others by prize, at least 1 so that a small prize still counts."""
    if problem.required[node]:
        return 100
    return max(1, min(100, round(100 * int(problem.prize[node]) / max(top, 1))))


def _limits(max_stops: int | None, max_travel: int | None) -> dict[str, int]:
    limits: dict[str, int] = {}
    if max_stops is not None:
        limits["max_tasks"] = max_stops
    if max_travel is not None:
        limits["max_travel_time"] = min(max_travel, _LARGEST)
    return limits
