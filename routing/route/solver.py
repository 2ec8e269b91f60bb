"""`solve`: from a `Problem` to a `Plan`.

Steps: restate the problem in whole numbers (`to_integer_problem`); refuse required stops that
cannot be served at all; run one search per worker (OR-Tools' with different recipes and stop
orders, or the compiled `sisr`, in parallel processes) and keep the best; insert any profitable
stop the search missed; time the routes; explain every stop left out.

The time limit holds for all of it: one deadline, and each step is given its part of what is
left (the search less a reserve for what follows; explanations degrade to "not explained in
time" rather than overrun).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from routing.route import vroom_start
from routing.route.explain import (
    Insertions,
    Money,
    alone_verdicts,
    check_required,
    explain,
    travel_money,
    with_place_notes,
)
from routing.route.integer_problem import IntegerProblem, to_integer_problem
from routing.route.model import (
    Plan,
    Problem,
    RequiredStopError,
    Route,
    ScheduledBreak,
    ScheduledStop,
    SolveOptions,
    Status,
)
from routing.route.ortools_model import RouteTimes, SearchResult, result_of
from routing.route.parallel import run_searches
from routing.route.schedule import time_route

VROOM_SHARE = 0.7
"""Of the search's time, the most VROOM's plan of a large problem may take (it often ends
sooner: 0.1-1.7 s on 300-500 stops); the search descends from it in the rest. On 16 field days
at 2 s (`bench.field_day_peers`), of the better peer: 0.35: 0.999, 0.5: 1.001, 0.7: 1.005
(twice), 0.85: 1.005 (300x4 days need VROOM's 1.3-1.75 s); 0.7 leaves the search more of a
larger day."""
_DECODE_RESERVE_S = 0.25
"""Wall-clock time kept back from the search for collecting its results (a worker's is waited
for `parallel.RESULT_GRACE_S` past its deadline), building the routes and the plan, and for
repair and explanations with `_explain_s`."""
_EXPLAIN_S_PER_STOP = 3e-4
_EXPLAIN_S_PER_STOP_VEHICLE = 2e-6
"""Explaining (or repairing) left-out stops, per stop and per stop and vehicle: 265 stops of a
week against 5 routes took 0.07-0.16 s, 1,000 stops of a day against 100 routes 0.12-0.23 s
(1.1 s before `Insertions`), on a machine busy with other work."""
_TAIL_SHARE = 0.25
"""The most of the time limit kept back from the search: on short limits for large problems,
explanations degrade (`Reason.NOT_EXPLAINED`) rather than the search getting next to nothing."""
_ALONE_SHARE = 0.25
"""The most of the time limit for checking each stop alone before the search (required stops
are always checked; a left-out stop not checked is checked when it is explained)."""
_FINAL_S = 0.05
"""Kept after the explanations for building the routes and the plan."""
_REPAIR_LEAST_S = 0.2
"""The least time repair gets when the search came back without a plan, past the deadline if
need be: this much wall clock and this much of its thread's processor time. A solve process
starved by a busy machine (solves run niced) gets a few milliseconds of processor in 0.2 s of
wall clock, too few to insert anything, and the day came back empty; a day planned a little
later is worth more than an empty one. On an idle machine both end together, within the
promised limit + 0.5 s."""
_REPAIR_LEAST_CPU_S = 0.02
"""The least processor time repair always gets, past the deadline if need be: on a machine
busy with other work the deadline can pass before repair starts, and a 2-stop day at 0.5 s came
back in CI with one stop that a search cut short had not reached and repair never tried."""
_LEAST_S = 0.25
"""The least a solve gives itself (or the time limit, if shorter), even when the caller's own
work (a travel matrix loaded cold, a request's way to the solver process) took the whole limit:
an answer a quarter second late, within the promised limit + 0.5 s, is worth more than a
plan that leaves every stop out."""


@dataclass(slots=True)
class _Timed:
    nodes: list[int]
    starts: list[int]
    departure: int
    end: int
    breaks: list[tuple[int, int]]


def solve(
    problem: Problem, options: SolveOptions | None = None, *, deadline: float | None = None
) -> Plan:
    """Plan routes that maximise prize collected minus travel cost.

    Parameters
    ----------
    problem
        Vehicles, stops and travel matrix; times in seconds, distances in metres.
    options
        Time limit (s, wall clock, hard, for the whole solve), seed and number of parallel
        workers.
    deadline
        When the answer is due, on the `time.monotonic()` clock (shared by the processes of one
        machine); default: the time limit from now. A caller that did work of its own for the
        same answer (a travel matrix) passes the time limit from when it started.

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
    due = started + options.time_limit_s if deadline is None else deadline
    due = max(due, started + min(_LEAST_S, options.time_limit_s))
    limit_s = max(0.0, due - started)
    integer = to_integer_problem(problem)
    verdicts = with_place_notes(
        problem, integer, alone_verdicts(integer, deadline=started + _ALONE_SHARE * limit_s)
    )
    check_required(problem, verdicts)
    impossible = set(verdicts)
    money = travel_money(problem, integer)
    n_vehicles = len(integer.vehicles)
    reserve_s = min(
        _DECODE_RESERVE_S + _explain_s(integer.n_stops, n_vehicles), _TAIL_SHARE * limit_s
    )
    budget_s = max(0.0, due - reserve_s - time.monotonic())
    if options.start is not None:
        start = _start(problem, integer, impossible, options.start)
    elif options.vroom_start and vroom_start.wanted(integer):
        found = vroom_start.routes_apart(integer, impossible, VROOM_SHARE * budget_s)
        start = None if found is None else _feasible(integer, impossible, found)
    else:
        start = None
    results = run_searches(
        integer,
        impossible=impossible,
        budget_s=max(0.0, due - reserve_s - time.monotonic()),
        seed=options.seed,
        workers=options.workers,
        start=start,
    )
    # The start is a plan too: kept when no search improved on it in time (a worker that
    # started late, a machine busy with other work), so a solve is never worse than its start.
    best = _best([*results, None if start is None else result_of(integer, start)])
    timed = _from_search(integer, best)
    # Repair may use the time left but what explaining the stops still left out is expected to
    # take, and at least half of it.
    explained_by = due - _FINAL_S
    n_left = integer.n_stops - sum(len(route.nodes) for route in timed)
    explain_s = _explain_s(n_left, n_vehicles)
    repair_by = explained_by - min(explain_s, max(0.0, explained_by - time.monotonic()) / 2)
    least_cpu_s = _REPAIR_LEAST_CPU_S
    if best is None:
        # The search found no plan in its time (a machine busy with other work starves the
        # niced search processes): a greedy plan, a little late, rather than an empty day.
        repair_by = max(repair_by, time.monotonic() + _REPAIR_LEAST_S)
        least_cpu_s = _REPAIR_LEAST_S
    _repair(integer, money, timed, impossible, deadline=repair_by, least_cpu_s=least_cpu_s)
    if _place_required(integer, timed, deadline=repair_by):
        # Visits taken out for a required stop may fit elsewhere, or back where they were.
        _repair(integer, money, timed, impossible, deadline=repair_by, least_cpu_s=least_cpu_s)

    served = {node for route in timed for node in route.nodes}
    missing = [n for n in range(integer.n_stops) if integer.required[n] and n not in served]
    if missing:
        raise _not_kept(problem, integer, timed, missing)
    left_out = [n for n in range(integer.n_stops) if n not in served]
    unassigned = explain(
        problem,
        integer,
        money,
        [r.nodes for r in timed],
        left_out,
        verdicts,
        deadline=explained_by,
    )
    routes = tuple(
        _route(problem, integer, money, vehicle, route) for vehicle, route in enumerate(timed)
    )
    return Plan(
        routes=routes,
        unassigned=unassigned,
        solve_time_s=time.monotonic() - started,
        status=Status.FEASIBLE,
    )


def _not_kept(
    problem: Problem, integer: IntegerProblem, timed: list[_Timed], missing: list[int]
) -> RequiredStopError:
    """The error for required stops left out (each fits alone), naming what the first clashes
    with where that is certain: on each vehicle that may serve it, a required stop that only
    that vehicle may serve and that no order of the two lets one vehicle serve both."""
    node = missing[0]
    stop_id = problem.stops[node].id
    # Where it fits alone, on a day that takes two stops: elsewhere a pair fails for that alone.
    vehicles = [
        v
        for v in range(len(integer.vehicles))
        if integer.may_serve(v, node)
        and _fitted(integer, v, [], node) is not None
        and (integer.vehicles[v].max_stops or 2) >= 2
    ]
    blockers = []
    for vehicle in vehicles:
        blocker = next(
            (
                other
                for other in timed[vehicle].nodes
                if integer.required[other]
                and sum(integer.may_serve(v, other) for v in range(len(integer.vehicles))) == 1
                and _fitted(integer, vehicle, [other], node) is None
            ),
            None,
        )
        if blocker is None:
            break
        blockers.append(blocker)
    also = [problem.stops[n].id for n in missing[1:11]]
    more = f"; also left out: {', '.join(map(repr, also))}" if also else ""
    if vehicles and len(blockers) == len(vehicles):
        names = " or ".join(repr(problem.stops[n].id) for n in blockers)
        said = (
            f"required stops {stop_id!r} and {names} cannot both be served"
            if len(blockers) == 1
            else f"required stop {stop_id!r} cannot be served with {names}"
        )
        return RequiredStopError(
            stop_id,
            "clash",
            f"{said}: their times and the drive between them (and any break) do not fit one "
            f"route{more}",
        )
    names = ", ".join(repr(problem.stops[n].id) for n in missing[:10])
    return RequiredStopError(
        stop_id,
        "no_time",
        f"required stops {names} cannot all be served together within the shifts "
        f"(each fits alone; together they do not, or the search ran out of time)",
    )


def _start(
    problem: Problem,
    integer: IntegerProblem,
    impossible: set[int],
    start: Mapping[str, Sequence[str]],
) -> tuple[tuple[int, ...], ...] | None:
    """`SolveOptions.start` in stop nodes, each route kept feasible (`_feasible`)."""
    number = {stop.id: k for k, stop in enumerate(problem.stops)}
    routes = tuple(
        tuple(number[stop_id] for stop_id in start.get(spec.id, ()) if stop_id in number)
        for spec in problem.vehicles
    )
    return _feasible(integer, impossible, routes)


def _feasible(
    integer: IntegerProblem, impossible: set[int], routes: Sequence[Sequence[int]]
) -> tuple[tuple[int, ...], ...] | None:
    """`routes` (stop nodes per vehicle) with the visits that do not fit dropped, in order:
    impossible stops, stops served twice or by a vehicle they do not allow, visits that would
    break the route; None if nothing is left."""
    used: set[int] = set()
    kept = []
    for vehicle, route in enumerate(routes):
        nodes: list[int] = []
        for node in route:
            if (
                node in impossible
                or node in used
                or not integer.may_serve(vehicle, node)
                or time_route(integer, vehicle, [*nodes, node]) is None
            ):
                continue
            nodes.append(node)
            used.add(node)
        kept.append(tuple(nodes))
    return tuple(kept) if used else None


def _explain_s(n_stops: int, n_vehicles: int) -> float:
    return n_stops * (_EXPLAIN_S_PER_STOP + _EXPLAIN_S_PER_STOP_VEHICLE * n_vehicles)


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
    least_cpu_s: float = 0.0,
) -> None:
    """Insert, best first, every left-out stop whose cheapest feasible insertion pays for itself.

    The search's local optimum usually has none; this makes "left out" mean "not profitable or
    does not fit" even when the time limit cut the search short. Passes repeat while one
    inserts something (a stop put in may make room, cheaply, for one passed over before).
    Stops at `deadline` (monotonic clock), but for required stops, and not before it has used
    `least_cpu_s` of its thread's processor time.
    """
    cpu_from = time.thread_time()
    served = {node for route in timed for node in route.nodes}
    prize_money = problem.prize.astype(np.float64) * problem.money_per_unit
    candidates = sorted(
        (n for n in range(problem.n_stops) if n not in served and n not in impossible),
        key=lambda n: -prize_money[n],
    )
    insertions = Insertions(problem, money, [route.nodes for route in timed])
    inserted = True
    while inserted:
        inserted = False
        for node in list(candidates):
            if (
                time.monotonic() > deadline
                and not problem.required[node]
                and time.thread_time() - cpu_from >= least_cpu_s
            ):
                # Required stops come first (their prize outweighs any day) and are tried past
                # the deadline: a few cheap insertions, where a search cut short by a busy
                # machine would otherwise refuse a pinned visit or an appointment.
                return
            # Ranked by what it nets: a visit may earn more with one vehicle (day) than another.
            earns = problem.earnings(node).astype(np.float64) * problem.money_per_unit
            insertion = insertions.best(node, below=0.0, prizes=earns)
            if insertion is None:
                continue
            _, vehicle, position = insertion
            route = timed[vehicle]
            nodes = [*route.nodes[:position], node, *route.nodes[position:]]
            repaired = _timed(problem, vehicle, nodes)
            if repaired is None:
                continue
            timed[vehicle] = repaired
            insertions.insert(node, vehicle, position)
            candidates.remove(node)
            inserted = True


def _place_required(problem: IntegerProblem, timed: list[_Timed], *, deadline: float) -> bool:
    """Put each required stop that the search and repair left out into the route where that
    takes out the least prize: its optional visits are taken out, the least valuable first,
    until the stop fits. Whether anything changed.

    The search leaves one out only when it ran out of time: on a machine busy with other work a
    rep's "add to today" came back "cannot be kept" (a CI run), its day, full of the previous
    plan's visits, having no room left that repair could insert it into. Routes are tried the
    least valuable first; past `deadline` (monotonic clock) the first that takes the stop does.
    """
    served = {node for route in timed for node in route.nodes}
    missing = [n for n in range(problem.n_stops) if problem.required[n] and n not in served]
    changed = False
    for node in missing:
        best: tuple[int, int, _Timed] | None = None
        worth = {
            vehicle: sum(
                problem.prize_of(vehicle, n)
                for n in timed[vehicle].nodes
                if not problem.required[n]
            )
            for vehicle in range(len(problem.vehicles))
            if problem.may_serve(vehicle, node)
        }
        for vehicle in sorted(worth, key=worth.__getitem__):
            if best is not None and time.monotonic() > deadline:
                break
            kept = list(timed[vehicle].nodes)
            optional = sorted(
                (n for n in kept if not problem.required[n]),
                key=lambda n: problem.prize_of(vehicle, n),
            )
            lost = 0
            fitted = _fitted(problem, vehicle, kept, node)
            while fitted is None and optional:
                out = optional.pop(0)
                kept.remove(out)
                lost += problem.prize_of(vehicle, out)
                fitted = _fitted(problem, vehicle, kept, node)
            if fitted is not None and (best is None or lost < best[0]):
                best = (lost, vehicle, fitted)
        if best is not None:
            timed[best[1]] = best[2]
            changed = True
    return changed


def _fitted(problem: IntegerProblem, vehicle: int, nodes: list[int], node: int) -> _Timed | None:
    """`nodes` with `node` put where the day ends soonest, timed; None where it fits nowhere."""
    best: _Timed | None = None
    for position in range(len(nodes) + 1):
        tried = _timed(problem, vehicle, [*nodes[:position], node, *nodes[position:]])
        if tried is not None and (best is None or tried.end < best.end):
            best = tried
    return best


def _timed(problem: IntegerProblem, vehicle: int, nodes: list[int]) -> _Timed | None:
    """`nodes` timed for `vehicle`; None where that is infeasible. It leaves as late as the day
    allows, as the search's plans do (its finalizer): a day that repair changed must not start
    early only to wait at a window."""
    timeline = time_route(problem, vehicle, nodes, leave_late=True)
    if timeline is None:
        return None
    return _Timed(
        nodes=nodes,
        starts=list(timeline.starts),
        departure=timeline.departure,
        end=timeline.end,
        breaks=list(timeline.breaks),
    )


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
        prize=sum(problem.stops[n].prize_for(problem.vehicles[vehicle].id) for n in route.nodes),
        cost=cost,
    )


__all__ = ["solve"]
