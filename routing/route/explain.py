"""Why a stop is not in the plan, told honestly.

In order of precedence, for the vehicles allowed to serve the stop:
- `unreachable`: no vehicle can travel there and back at all;
- `outside_windows`: no vehicle could serve it within its windows and shift even as its only
  stop (or its limits, e.g. `max_travel_time`, rule even that out);
- `not_worth_it`: the visit earns less than the cheapest feasible detour, alone or within
  the planned day;
- `no_time`: it would pay for itself, but the day has no room left for it next to better visits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from routing.route.integer_problem import UNREACHABLE, IntegerProblem
from routing.route.model import Problem, Reason, RequiredStopError, Unassigned
from routing.route.schedule import time_route


@dataclass(frozen=True, slots=True)
class Money:
    """Real travel money per vehicle cost class, node to node (caller's numbers)."""

    per_class: tuple[np.ndarray, ...]

    def of(self, problem: IntegerProblem, vehicle: int, a: int, b: int) -> float:
        return float(self.per_class[problem.vehicles[vehicle].cost_class][a, b])


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
    for vehicle, spec in zip(problem.vehicles, integer.vehicles, strict=True):
        if spec.cost_class not in classes:
            costs = problem.costs_of(vehicle)
            with np.errstate(invalid="ignore"):
                classes[spec.cost_class] = (
                    costs.per_hour * seconds / 3600.0 + costs.per_km * metres / 1000.0
                )
    return Money(per_class=tuple(classes[k] for k in range(len(classes))))


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


def best_insertion(
    problem: IntegerProblem,
    money: Money,
    routes: Sequence[Sequence[int]],
    stop: int,
    *,
    below: float = float("inf"),
    prizes: np.ndarray | None = None,
) -> tuple[float, int, int] | None:
    """Cheapest feasible (extra money, vehicle, position) to add `stop`, or None.

    Only positions whose extra money is below `below` are considered, and of those only the
    `MAX_TIMED_POSITIONS` cheapest are timed, so the cost stays bounded on large plans. With
    `prizes` (per vehicle, the money a visit earns made by it) positions are ranked by extra
    money minus the vehicle's prize instead, and `below` bounds that difference.
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
    rank = extra if prizes is None else extra - prizes[vehicle_of]
    order = np.argsort(rank, kind="stable")
    order = order[rank[order] < below][:MAX_TIMED_POSITIONS]
    for k in order:
        vehicle, position = int(vehicle_of[k]), int(position_of[k])
        nodes = routes[vehicle]
        candidate = [*nodes[:position], stop, *nodes[position:]]
        if time_route(problem, vehicle, candidate) is not None:
            return float(extra[k]), vehicle, position
    return None


def _best_alone(
    problem: IntegerProblem, money: Money, stop: int, prizes: np.ndarray
) -> tuple[float, int]:
    """(detour money, vehicle) of the lone visit to `stop` that nets most, `prizes` being what
    a visit earns per vehicle (some vehicle can serve it alone).

    Lone visits are ranked first and timed in that order, so only a few vehicles are timed."""
    detours = [
        (
            money.of(problem, v, spec.start_node, stop)
            + money.of(problem, v, stop, spec.end_node)
            - money.of(problem, v, spec.start_node, spec.end_node),
            v,
        )
        for v, spec in enumerate(problem.vehicles)
        if problem.may_serve(v, stop)
    ]
    detours.sort(key=lambda item: (item[0] - prizes[item[1]], item))
    return next((cost, v) for cost, v in detours if _alone(problem, v, stop)[1])


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
    for node in left_out:
        stop = problem.stops[node]
        verdict = verdicts.get(node)
        if verdict is not None:
            reason, detail = verdict
            answers.append(Unassigned(id=stop.id, reason=reason, detail=detail))
            continue
        # What a visit earns per vehicle; where that differs, each test weighs a vehicle's
        # detour against its own prize, and the detail names the vehicle.
        prizes = np.array([stop.prize_for(v.id) for v in problem.vehicles])
        allowed = [v for v in range(len(prizes)) if integer.may_serve(v, node)]
        varies = len({float(prizes[v]) for v in allowed}) > 1
        # The cheap test first: a stop not worth even its own trip needs no insertion search
        # (on a 300-account week, most left-out stops end here).
        alone, alone_vehicle = _best_alone(integer, money, node, prizes)
        earns = float(prizes[alone_vehicle])
        insertion = (
            None
            if earns < alone
            else best_insertion(integer, money, routes, node, prizes=prizes if varies else None)
        )
        if earns < alone:
            where = f" in {problem.vehicles[alone_vehicle].id}'s day, its best" if varies else ""
            answers.append(
                Unassigned(
                    id=stop.id,
                    reason=Reason.NOT_WORTH_IT,
                    detail=(
                        f"a visit earns {earns:g}{where}; even as the only stop the detour "
                        f"costs {alone:.2f}"
                    ),
                )
            )
        elif insertion is not None and insertion[0] >= prizes[insertion[1]]:
            vehicle_id = problem.vehicles[insertion[1]].id
            answers.append(
                Unassigned(
                    id=stop.id,
                    reason=Reason.NOT_WORTH_IT,
                    detail=(
                        f"fits into {vehicle_id}'s day, but the detour costs "
                        f"{insertion[0]:.2f}, more than the {prizes[insertion[1]]:g} a visit "
                        f"earns{' there' if varies else ''}"
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
