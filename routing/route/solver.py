"""`solve`: from a `Problem` to a `Plan`.

Steps: restate the problem in whole numbers (`to_integer_problem`); refuse required stops that
cannot be served at all; run one OR-Tools search per worker (different recipes and stop orders,
in parallel processes) and keep the best; insert any profitable stop the search missed; time the
routes; explain every stop left out.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from routing.route.explain import (
    Money,
    alone_verdicts,
    best_insertion,
    check_required,
    explain,
    idle_s,
    routes_idle_s,
    travel_money,
)
from routing.route.integer_problem import IntegerProblem, to_integer_problem
from routing.route.model import (
    Plan,
    Problem,
    Reason,
    RequiredStopError,
    Route,
    ScheduledBreak,
    ScheduledStop,
    SolveOptions,
    Status,
)
from routing.route.ortools_model import RouteTimes, SearchResult
from routing.route.parallel import run_searches
from routing.route.schedule import time_route

_DECODE_RESERVE_S = 0.15
_EXPLAIN_S_PER_STOP_VEHICLE = 1.5e-5
"""Wall-clock time kept back from the search for repair, timing and explanations: a fixed part
and a part per stop and vehicle (explaining 900 left-out stops against 100 routes took 1.1 s)."""


@dataclass(slots=True)
class _Timed:
    nodes: list[int]
    starts: list[int]
    departure: int
    end: int
    breaks: list[tuple[int, int]]


def solve(problem: Problem, options: SolveOptions | None = None) -> Plan:
    """Plan routes that maximise prize collected minus travel cost.

    Parameters
    ----------
    problem
        Vehicles, stops and travel matrix; times in seconds, distances in metres.
    options
        Time limit (s, wall clock, hard), seed and number of parallel workers.

    Returns
    -------
    Plan
        One route per vehicle, in vehicle order, and every stop left out with its reason.

    Raises
    ------
    RequiredStopError
        A required stop cannot be served, alone or together with the other required stops.
    """
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = time.time() + options.time_limit_s
    integer = to_integer_problem(problem)
    verdicts = _with_place_notes(problem, integer, alone_verdicts(integer))
    check_required(problem, verdicts)
    impossible = set(verdicts)
    explain_s = _EXPLAIN_S_PER_STOP_VEHICLE * integer.n_stops * len(integer.vehicles)
    budget = deadline - time.time() - _DECODE_RESERVE_S - explain_s
    results = run_searches(
        integer,
        impossible=impossible,
        budget_s=max(0.05, budget),
        seed=options.seed,
        workers=options.workers,
    )
    money = travel_money(problem, integer)
    timed = _from_search(integer, _best(results))
    _repair(
        integer,
        money,
        timed,
        impossible,
        deadline=started + options.time_limit_s - _DECODE_RESERVE_S / 2 - explain_s,
    )

    served = {node for route in timed for node in route.nodes}
    missing_required = [
        problem.stops[n].id
        for n in range(integer.n_stops)
        if integer.required[n] and n not in served
    ]
    if missing_required:
        names = ", ".join(repr(name) for name in missing_required[:10])
        raise RequiredStopError(
            missing_required[0],
            "no_time",
            f"required stops {names} cannot all be served together within the shifts "
            f"(each fits alone; together they do not, or the search ran out of time)",
        )
    left_out = [n for n in range(integer.n_stops) if n not in served]
    unassigned = explain(problem, integer, money, [r.nodes for r in timed], left_out, verdicts)
    routes = tuple(
        _route(problem, integer, money, vehicle, route) for vehicle, route in enumerate(timed)
    )
    return Plan(
        routes=routes,
        unassigned=unassigned,
        solve_time_s=time.monotonic() - started,
        status=Status.FEASIBLE,
    )


def _with_place_notes(
    problem: Problem, integer: IntegerProblem, verdicts: dict[int, tuple[Reason, str]]
) -> dict[int, tuple[Reason, str]]:
    """Unreachable verdicts that say why, where the matrix knows (a stop far from any road,
    or every allowed vehicle's start or end)."""
    notes = problem.matrix.unreachable
    if not notes:
        return verdicts
    told = dict(verdicts)
    for node, (reason, detail) in verdicts.items():
        if reason is not Reason.UNREACHABLE:
            continue
        stop = problem.stops[node]
        if stop.index in notes:
            told[node] = (reason, notes[stop.index])
            continue
        ends = {
            i
            for v, vehicle in enumerate(problem.vehicles)
            if integer.may_serve(v, node)
            for i in (vehicle.start_index, vehicle.end_index)
            if i is not None and i in notes
        }
        if ends:
            told[node] = (reason, f"{detail}: " + "; ".join(sorted(notes[i] for i in ends)))
    return told


def _best(results: Sequence[SearchResult | None]) -> SearchResult | None:
    found = [r for r in results if r is not None]
    return min(found, key=lambda r: r.objective) if found else None


def _from_search(problem: IntegerProblem, result: SearchResult | None) -> list[_Timed]:
    """The search's routes; all empty if it found nothing in time (repair may still fill them)."""
    by_vehicle: dict[int, RouteTimes] = (
        {} if result is None else {r.vehicle: r for r in result.routes}
    )
    timed = []
    for vehicle, spec in enumerate(problem.vehicles):
        route = by_vehicle.get(vehicle)
        if route is None or not route.visits:
            timed.append(_Timed([], [], spec.shift_start, spec.shift_start, []))
            continue
        timed.append(
            _Timed(
                nodes=[v.node for v in route.visits],
                starts=[v.start for v in route.visits],
                departure=route.start,
                end=route.end,
                breaks=list(route.breaks),
            )
        )
    return timed


def _repair(
    problem: IntegerProblem,
    money: Money,
    timed: list[_Timed],
    impossible: set[int],
    *,
    deadline: float,
) -> None:
    """Insert, best first, every left-out stop whose cheapest feasible insertion pays for itself.

    The search's local optimum usually has none; this makes "left out" mean "not profitable or
    does not fit" even when the time limit cut the search short. Stops at `deadline`
    (monotonic clock).
    """
    served = {node for route in timed for node in route.nodes}
    prize_money = problem.prize.astype(np.float64) * problem.money_per_unit
    candidates = sorted(
        (n for n in range(problem.n_stops) if n not in served and n not in impossible),
        key=lambda n: -prize_money[n],
    )
    idle = routes_idle_s(problem, money, [r.nodes for r in timed])
    for node in candidates:
        if time.monotonic() > deadline:
            return
        insertion = best_insertion(
            problem,
            money,
            [r.nodes for r in timed],
            node,
            below=float(prize_money[node]),
            idle=idle,
        )
        if insertion is None:
            continue
        _, vehicle, position = insertion
        route = timed[vehicle]
        nodes = [*route.nodes[:position], node, *route.nodes[position:]]
        timeline = time_route(
            problem, vehicle, nodes, leave_late=bool(money.idle(problem, vehicle))
        )
        if timeline is None:
            continue
        timed[vehicle] = _Timed(
            nodes=nodes,
            starts=list(timeline.starts),
            departure=timeline.departure,
            end=timeline.end,
            breaks=list(timeline.breaks),
        )
        idle[vehicle] = idle_s(problem, nodes, timeline)


def _route(
    problem: Problem, integer: IntegerProblem, money: Money, vehicle: int, route: _Timed
) -> Route:
    spec = integer.vehicles[vehicle]
    offset = integer.offset_s
    index = integer.matrix_index
    durations, distances = problem.matrix.durations_s, problem.matrix.distances_m
    path = [spec.start_node, *route.nodes, spec.end_node] if route.nodes else []
    travel_s = distance_m = cost = 0.0
    for a, b in itertools.pairwise(path):
        cost += money.of(integer, vehicle, a, b)
        if index[a] >= 0 and index[b] >= 0:
            travel_s += float(durations[index[a], index[b]])
            distance_m += float(distances[index[a], index[b]])
    if route.nodes and money.idle(integer, vehicle):
        # The working time not driven: waiting and breaks, as the search's slack counts them.
        driven = sum(int(integer.travel[a, b]) for a, b in itertools.pairwise(path))
        served = int(integer.service[route.nodes].sum())
        cost += money.idle(integer, vehicle) * (route.end - route.departure - served - driven)
    stops = []
    departure = route.departure
    here = spec.start_node
    for node, start in zip(route.nodes, route.starts, strict=True):
        arrival = departure + int(integer.travel[here, node])
        arrival += sum(d for s, d in route.breaks if s >= departure and s + d <= start)
        arrival = min(arrival, start)
        departure = start + int(integer.service[node])
        stops.append(
            ScheduledStop(
                id=problem.stops[node].id,
                arrival_s=arrival + offset,
                start_s=start + offset,
                departure_s=departure + offset,
            )
        )
        here = node
    return Route(
        vehicle_id=problem.vehicles[vehicle].id,
        stops=tuple(stops),
        breaks=tuple(
            ScheduledBreak(start_s=s + offset, end_s=s + d + offset) for s, d in route.breaks
        ),
        start_s=route.departure + offset,
        end_s=route.end + offset,
        travel_s=travel_s,
        distance_m=distance_m,
        prize=sum(problem.stops[n].prize for n in route.nodes),
        cost=cost,
    )


__all__ = ["solve"]
