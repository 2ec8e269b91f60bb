"""Why a stop is not in the plan, told honestly.

In order of precedence, for the vehicles allowed to serve the stop:
- `unreachable`: no vehicle can travel there and back at all;
- `outside_windows`: no vehicle could serve it within its windows and shift even as its only
  stop (or its limits, e.g. `max_travel_time`, rule even that out);
- `not_worth_it`: the visit earns less than the cheapest feasible detour, alone or within
  the planned day (with a working time rate, the detour's money includes the waiting it adds);
- `no_time`: it would pay for itself, but the day has no room left for it next to better visits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from routing.route.integer_problem import UNREACHABLE, IntegerProblem
from routing.route.model import Problem, Reason, RequiredStopError, Unassigned
from routing.route.schedule import Timeline, time_route


@dataclass(frozen=True, slots=True)
class Money:
    """Real travel money per vehicle cost class, node to node (caller's numbers; the working
    time rate included per second of driving), and the money of a second of waiting or break
    per cost class (`Costs.per_working_hour` / 3600)."""

    per_class: tuple[np.ndarray, ...]
    idle_per_s: tuple[float, ...]

    def of(self, problem: IntegerProblem, vehicle: int, a: int, b: int) -> float:
        return float(self.per_class[problem.vehicles[vehicle].cost_class][a, b])

    def idle(self, problem: IntegerProblem, vehicle: int) -> float:
        """Money per second of waiting or break of `vehicle`."""
        return self.idle_per_s[problem.vehicles[vehicle].cost_class]


def idle_s(problem: IntegerProblem, nodes: Sequence[int], timeline: Timeline) -> int:
    """Seconds of `timeline` (the schedule of stop `nodes`) neither driven nor spent at a visit:
    waiting and breaks, what OR-Tools sees as the time dimension's slack."""
    if not nodes:
        return 0
    service = int(problem.service[list(nodes)].sum())
    return timeline.end - timeline.departure - service - timeline.travel


def travel_money(problem: Problem, integer: IntegerProblem) -> Money:
    """Money matrices over nodes, from the caller's own durations and distances."""
    index = integer.matrix_index
    real = index >= 0
    n = integer.n_nodes
    seconds = np.zeros((n, n))
    metres = np.zeros((n, n))
    sub = np.ix_(index[real], index[real])
    inner = np.ix_(np.flatnonzero(real), np.flatnonzero(real))
    seconds[inner] = problem.matrix.durations_s[sub]
    metres[inner] = problem.matrix.distances_m[sub]
    classes: dict[int, np.ndarray] = {}
    idle: dict[int, float] = {}
    for vehicle, spec in zip(problem.vehicles, integer.vehicles, strict=True):
        if spec.cost_class not in classes:
            costs = problem.costs_of(vehicle)
            per_hour = costs.per_hour + costs.per_working_hour
            with np.errstate(invalid="ignore"):
                classes[spec.cost_class] = (
                    per_hour * seconds / 3600.0 + costs.per_km * metres / 1000.0
                )
            idle[spec.cost_class] = costs.per_working_hour / 3600.0
    return Money(
        per_class=tuple(classes[k] for k in range(len(classes))),
        idle_per_s=tuple(idle[k] for k in range(len(idle))),
    )


def _alone(problem: IntegerProblem, vehicle: int, stop: int) -> tuple[bool, bool]:
    """(reachable there and back, servable as the only stop)."""
    spec = problem.vehicles[vehicle]
    if spec.stays_home:
        return False, False
    there = problem.travel[spec.start_node, stop] < UNREACHABLE
    back = problem.travel[stop, spec.end_node] < UNREACHABLE
    if not (there and back):
        return False, False
    return True, time_route(problem, vehicle, [stop]) is not None


def _clock(seconds: int, offset: int) -> str:
    return f"{seconds + offset} s"


def _window_detail(problem: IntegerProblem, vehicles: Sequence[int], stop: int) -> str:
    earliest = min(
        problem.vehicles[v].shift_start + int(problem.travel[problem.vehicles[v].start_node, stop])
        for v in vehicles
    )
    windows = problem.windows[stop]
    if not windows:
        return "its opening windows fall outside every allowed vehicle's shift"
    last_close = windows[-1][1]
    if earliest > last_close:
        return (
            f"its last window closes at {_clock(last_close, problem.offset_s)}, before the "
            f"earliest possible arrival at {_clock(earliest, problem.offset_s)}"
        )
    return (
        "no allowed vehicle can serve it within its windows and still finish its shift "
        "(or keep within its travel and stop limits)"
    )


def alone_verdict(problem: IntegerProblem, stop: int) -> tuple[Reason, str] | None:
    """The reason a stop cannot be served even on its own, or None if some vehicle can."""
    vehicles = [v for v in range(len(problem.vehicles)) if problem.may_serve(v, stop)]
    if not vehicles:
        return Reason.UNREACHABLE, "no vehicle is allowed to serve it"
    verdicts = []
    for vehicle in vehicles:
        verdicts.append(_alone(problem, vehicle, stop))
        if verdicts[-1][1]:
            return None  # one vehicle that can serve it is enough
    if not any(reachable for reachable, _ in verdicts):
        return (
            Reason.UNREACHABLE,
            "no allowed vehicle can travel there and back (or even drive its own day)",
        )
    if not any(servable for _, servable in verdicts):
        reachable = [v for v, (ok, _) in zip(vehicles, verdicts, strict=True) if ok]
        return Reason.OUTSIDE_WINDOWS, _window_detail(problem, reachable, stop)
    return None


Verdicts = Mapping[int, tuple[Reason, str]]
"""Per stop node that cannot be served even alone: the reason and its detail."""


def alone_verdicts(problem: IntegerProblem) -> dict[int, tuple[Reason, str]]:
    """`alone_verdict` of every stop that has one."""
    found = {node: alone_verdict(problem, node) for node in range(problem.n_stops)}
    return {node: verdict for node, verdict in found.items() if verdict is not None}


def check_required(problem: Problem, verdicts: Verdicts) -> None:
    """Raise `RequiredStopError` for the first required stop that no vehicle can serve alone."""
    for node, stop in enumerate(problem.stops):
        if not stop.required:
            continue
        verdict = verdicts.get(node)
        if verdict is not None:
            reason, detail = verdict
            raise RequiredStopError(
                stop.id, str(reason), f"required stop {stop.id!r} cannot be served: {detail}"
            )


MAX_TIMED_POSITIONS = 40
"""Insertion positions timed per stop, cheapest first; the rest are assumed not to fit."""


def routes_idle_s(
    problem: IntegerProblem, money: Money, routes: Sequence[Sequence[int]]
) -> list[int]:
    """`idle_s` of each route as `time_route` times it (0 where idle time costs nothing)."""
    found = []
    for vehicle, nodes in enumerate(routes):
        rate = money.idle(problem, vehicle)
        timeline = time_route(problem, vehicle, nodes, leave_late=True) if rate else None
        found.append(0 if timeline is None else idle_s(problem, nodes, timeline))
    return found


def best_insertion(
    problem: IntegerProblem,
    money: Money,
    routes: Sequence[Sequence[int]],
    stop: int,
    *,
    below: float = float("inf"),
    idle: Sequence[int] | None = None,
) -> tuple[float, int, int] | None:
    """Cheapest feasible (extra money, vehicle, position) to add `stop`, or None.

    Positions are ranked by their extra travel money; only the `MAX_TIMED_POSITIONS` cheapest
    are timed, so the cost stays bounded on large plans. Where waiting costs money
    (`Money.idle_per_s`), a position's extra money also counts the waiting and breaks it adds
    to, or takes from, its route (`idle`: each route's idle seconds, from `routes_idle_s`;
    computed here if not given), both routes timed by `time_route` leaving as late as it
    finds the day allows: close to the search's own schedule, which may still wait less. Only
    an insertion whose extra money is below `below` is returned.
    """
    extras: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    for vehicle, nodes in enumerate(routes):
        if not problem.may_serve(vehicle, stop):
            continue
        spec = problem.vehicles[vehicle]
        path = np.array([spec.start_node, *nodes, spec.end_node])
        matrix = money.per_class[spec.cost_class]
        with np.errstate(invalid="ignore"):  # inf - inf where there is no way: never chosen
            extras.append(
                matrix[path[:-1], stop] + matrix[stop, path[1:]] - matrix[path[:-1], path[1:]]
            )
        owners.append((vehicle, len(nodes) + 1))
    if not extras:
        return None
    extra = np.concatenate(extras)
    vehicle_of = np.concatenate([np.full(n, v) for v, n in owners])
    position_of = np.concatenate([np.arange(n) for _, n in owners])
    rates = {v: money.idle(problem, v) for v, _ in owners}
    if idle is None and any(rates.values()):
        idle = routes_idle_s(problem, money, routes)
    # Filling a wait can make a position cheaper than its travel: by at most the route's idle
    # time at its rate, the bound used to rank and to stop.
    bonus = max((rates[v] * idle[v] for v in rates), default=0.0) if idle is not None else 0.0
    order = np.argsort(extra, kind="stable")
    order = order[extra[order] - bonus < below][:MAX_TIMED_POSITIONS]
    best: tuple[float, int, int] | None = None
    for k in order:
        if best is not None and extra[k] - bonus >= best[0]:
            break
        vehicle, position = int(vehicle_of[k]), int(position_of[k])
        nodes = routes[vehicle]
        candidate = [*nodes[:position], stop, *nodes[position:]]
        timeline = time_route(problem, vehicle, candidate, leave_late=bool(rates[vehicle]))
        if timeline is None:
            continue
        total = float(extra[k])
        if rates[vehicle] and idle is not None:
            total += rates[vehicle] * (idle_s(problem, candidate, timeline) - idle[vehicle])
        if best is None or total < best[0]:
            best = (total, vehicle, position)
    return best if best is not None and best[0] < below else None


def _cheapest_alone(problem: IntegerProblem, money: Money, stop: int) -> float:
    """The least detour money of serving `stop` as a vehicle's only stop (some vehicle can),
    with the money of any waiting or break that day needs where waiting costs money.

    Detours are ranked first and timed in that order, so only a few vehicles are timed."""
    detours = sorted(
        (
            money.of(problem, v, spec.start_node, stop)
            + money.of(problem, v, stop, spec.end_node)
            - money.of(problem, v, spec.start_node, spec.end_node),
            v,
        )
        for v, spec in enumerate(problem.vehicles)
        if problem.may_serve(v, stop)
    )
    best: float | None = None
    for cost, v in detours:
        if best is not None and cost >= best:
            break
        if not _alone(problem, v, stop)[1]:
            continue
        rate = money.idle(problem, v)
        if rate:
            timeline = time_route(problem, v, [stop], leave_late=True)
            assert timeline is not None  # _alone said it fits
            cost += rate * idle_s(problem, [stop], timeline)
        best = cost if best is None else min(best, cost)
    assert best is not None, "alone_verdicts said some vehicle can serve it"
    return best


def explain(
    problem: Problem,
    integer: IntegerProblem,
    money: Money,
    routes: Sequence[Sequence[int]],
    left_out: Sequence[int],
    verdicts: Verdicts,
) -> tuple[Unassigned, ...]:
    """A reason and a one-line detail for every stop node in `left_out`."""
    answers = []
    idle = routes_idle_s(integer, money, routes)
    for node in left_out:
        stop = problem.stops[node]
        verdict = verdicts.get(node)
        if verdict is not None:
            reason, detail = verdict
            answers.append(Unassigned(id=stop.id, reason=reason, detail=detail))
            continue
        # The cheap test first: a stop not worth even its own trip needs no insertion search
        # (on a 300-account week, most left-out stops end here).
        cheapest_alone = _cheapest_alone(integer, money, node)
        insertion = (
            None
            if stop.prize < cheapest_alone
            else best_insertion(integer, money, routes, node, idle=idle)
        )
        if stop.prize < cheapest_alone:
            answers.append(
                Unassigned(
                    id=stop.id,
                    reason=Reason.NOT_WORTH_IT,
                    detail=(
                        f"a visit earns {stop.prize:g}; even as the only stop the detour "
                        f"costs {cheapest_alone:.2f}"
                    ),
                )
            )
        elif insertion is not None and insertion[0] >= stop.prize:
            vehicle_id = problem.vehicles[insertion[1]].id
            answers.append(
                Unassigned(
                    id=stop.id,
                    reason=Reason.NOT_WORTH_IT,
                    detail=(
                        f"fits into {vehicle_id}'s day, but the detour costs "
                        f"{insertion[0]:.2f}, more than the {stop.prize:g} a visit earns"
                    ),
                )
            )
        else:
            answers.append(
                Unassigned(
                    id=stop.id,
                    reason=Reason.NO_TIME,
                    detail="worth a visit, but the planned days are full of more valuable visits",
                )
            )
    return tuple(answers)
