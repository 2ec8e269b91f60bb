"""Why a stop is not in the plan, told honestly.

In order of precedence, for the vehicles allowed to serve the stop:
- `unreachable`: no vehicle can travel there and back at all;
- `outside_windows`: no vehicle could serve it within its windows and shift even as its only
  stop (or its limits, e.g. `max_travel_time`, rule even that out);
- `not_worth_it`: the visit earns less than the cheapest feasible detour, alone or within
  the planned day (with a working time rate, the detour's money includes the waiting it adds);
- `no_time`: it would pay for itself, but the day has no room left for it next to better visits;
- `not_explained`: the time limit ran out before it was checked (the most valuable are first).
"""

from __future__ import annotations

import math
import time
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


LEAST_CHECKED = 16
"""Stops checked alone, and left-out stops explained, whatever the deadline: a few
milliseconds, so that a small request on a machine too busy to keep its deadline still says
why (a day of a handful of stops, all unreachable, said "not explained in time")."""

Verdicts = Mapping[int, tuple[Reason, str]]
"""Per stop node that cannot be served even alone: the reason and its detail."""


def alone_verdicts(
    problem: IntegerProblem, *, deadline: float = math.inf, least: int = LEAST_CHECKED
) -> dict[int, tuple[Reason, str]]:
    """`alone_verdict` of every stop that has one, required stops first.

    Required stops and the first `least` are always checked; the others until
    `deadline` (`time.monotonic()`). A stop
    not checked is no harm: one that cannot be served is never planned, and `explain` checks it
    alone if it is left out.
    """
    order = sorted(range(problem.n_stops), key=lambda node: not problem.required[node])
    found = {}
    for checked, node in enumerate(order):
        if not problem.required[node] and checked >= least and time.monotonic() > deadline:
            break
        verdict = alone_verdict(problem, node)
        if verdict is not None:
            found[node] = verdict
    return found


def with_place_notes(
    problem: Problem, integer: IntegerProblem, verdicts: Verdicts
) -> dict[int, tuple[Reason, str]]:
    """Unreachable verdicts that say why, where the matrix knows (a stop far from any road,
    or every allowed vehicle's start or end)."""
    notes = problem.matrix.unreachable
    if not notes:
        return dict(verdicts)
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


def route_idle_s(problem: IntegerProblem, money: Money, vehicle: int, nodes: Sequence[int]) -> int:
    """`idle_s` of `vehicle`'s route through `nodes` as `time_route` times it (0 where idle
    time costs nothing)."""
    if not money.idle(problem, vehicle):
        return 0
    timeline = time_route(problem, vehicle, nodes, leave_late=True)
    return 0 if timeline is None else idle_s(problem, nodes, timeline)


def routes_idle_s(
    problem: IntegerProblem, money: Money, routes: Sequence[Sequence[int]]
) -> list[int]:
    """`route_idle_s` of each route."""
    return [route_idle_s(problem, money, vehicle, nodes) for vehicle, nodes in enumerate(routes)]


MAX_TIMED_POSITIONS = 40
"""Insertion positions timed per stop, cheapest first; the rest are assumed not to fit."""


class Insertions:
    """The cheapest feasible place for a stop in a set of routes, as those routes grow.

    Every arc of every route (start, stops, end) is kept in flat arrays with its vehicle,
    position and cost class, so that the extra money of putting a stop on each arc is a few
    array operations whatever the number of routes (an array per route per stop made
    explaining 1,000 left-out stops against 100 routes take 1.5 s).
    """

    def __init__(
        self, problem: IntegerProblem, money: Money, routes: Sequence[Sequence[int]]
    ) -> None:
        self.problem = problem
        self.money = money
        self.routes = [list(nodes) for nodes in routes]
        self._class_of = np.array([spec.cost_class for spec in problem.vehicles], dtype=np.int64)
        self._paths = [self._path(vehicle) for vehicle in range(len(self.routes))]
        self._rates = np.array([money.idle(problem, v) for v in range(len(self.routes))])
        self._idle = np.array(routes_idle_s(problem, money, self.routes), dtype=np.float64)
        self._join()

    def _path(self, vehicle: int) -> np.ndarray:
        spec = self.problem.vehicles[vehicle]
        return np.array([spec.start_node, *self.routes[vehicle], spec.end_node], dtype=np.int64)

    def _join(self) -> None:
        counts = np.array([len(path) - 1 for path in self._paths], dtype=np.int64)
        self._tail = np.concatenate([path[:-1] for path in self._paths])
        self._head = np.concatenate([path[1:] for path in self._paths])
        self._vehicle = np.repeat(np.arange(len(counts)), counts)
        self._position = np.arange(len(self._tail)) - np.repeat(np.cumsum(counts) - counts, counts)
        arc_class = self._class_of[self._vehicle]
        self._by_class = [
            (matrix, arcs)
            for c, matrix in enumerate(self.money.per_class)
            if len(arcs := np.flatnonzero(arc_class == c))
        ]
        self._base = np.empty(len(self._tail))
        for matrix, arcs in self._by_class:
            self._base[arcs] = matrix[self._tail[arcs], self._head[arcs]]

    def best(
        self, stop: int, *, below: float = math.inf, prizes: np.ndarray | None = None
    ) -> tuple[float, int, int] | None:
        """Cheapest feasible (extra money, vehicle, position) to add `stop`, or None.

        Positions are ranked by their extra travel money (minus the vehicle's prize, with
        `prizes`: per vehicle, the money a visit earns made by it; `below` then bounds that
        difference); only the `MAX_TIMED_POSITIONS` cheapest are timed, so the cost stays
        bounded on large plans. Where waiting costs money (`Money.idle_per_s`), a position's
        extra money also counts the waiting and breaks it adds to, or takes from, its route,
        both routes timed by `time_route` leaving as late as it finds the day allows: close to
        the search's own schedule, which may still wait less.
        """
        extra = np.empty(len(self._tail))
        for matrix, arcs in self._by_class:
            extra[arcs] = matrix[self._tail[arcs], stop] + matrix[stop, self._head[arcs]]
        with np.errstate(invalid="ignore"):  # inf - inf where there is no way: never chosen
            extra -= self._base
        allowed = self.problem.allowed[stop]
        arcs = (
            np.arange(len(extra))
            if allowed is None
            else np.flatnonzero(np.isin(self._vehicle, sorted(allowed)))
        )
        rank = extra if prizes is None else extra - prizes[self._vehicle]
        # Filling a wait can make a position cheaper than its travel: by at most its route's
        # idle time at its rate, the bound used to rank and to stop.
        bonus = float(np.max(self._rates * self._idle, initial=0.0))
        order = arcs[np.argsort(rank[arcs], kind="stable")]
        order = order[rank[order] - bonus < below][:MAX_TIMED_POSITIONS]
        best: tuple[float, int, int] | None = None
        best_rank = math.inf
        for k in order:
            if rank[k] - bonus >= best_rank:
                break
            vehicle, position = int(self._vehicle[k]), int(self._position[k])
            nodes = self.routes[vehicle]
            candidate = [*nodes[:position], stop, *nodes[position:]]
            rate = float(self._rates[vehicle])
            timeline = time_route(self.problem, vehicle, candidate, leave_late=bool(rate))
            if timeline is None:
                continue
            total = float(extra[k])
            if rate:
                added = idle_s(self.problem, candidate, timeline) - self._idle[vehicle]
                total += rate * float(added)
            ranked = total - (0.0 if prizes is None else float(prizes[vehicle]))
            if ranked < best_rank:
                best, best_rank = (total, vehicle, position), ranked
        return best if best_rank < below else None

    def insert(self, stop: int, vehicle: int, position: int) -> None:
        """Put `stop` into `vehicle`'s route before its `position`-th stop."""
        self.routes[vehicle].insert(position, stop)
        self._paths[vehicle] = self._path(vehicle)
        self._idle[vehicle] = route_idle_s(self.problem, self.money, vehicle, self.routes[vehicle])
        self._join()


def best_insertion(
    problem: IntegerProblem,
    money: Money,
    routes: Sequence[Sequence[int]],
    stop: int,
    *,
    below: float = math.inf,
    prizes: np.ndarray | None = None,
) -> tuple[float, int, int] | None:
    """Cheapest feasible (extra money, vehicle, position) to add `stop` to `routes`, or None
    (`Insertions.best`, for a single question)."""
    return Insertions(problem, money, routes).best(stop, below=below, prizes=prizes)


def _alone_costs(problem: IntegerProblem, money: Money) -> np.ndarray:
    """Per vehicle and stop node, the detour money of serving the stop as its only stop."""
    starts = np.array([spec.start_node for spec in problem.vehicles], dtype=np.int64)
    ends = np.array([spec.end_node for spec in problem.vehicles], dtype=np.int64)
    classes = np.array([spec.cost_class for spec in problem.vehicles], dtype=np.int64)
    stops = problem.n_stops
    costs = np.empty((len(problem.vehicles), stops))
    for c, matrix in enumerate(money.per_class):
        rows = np.flatnonzero(classes == c)
        with np.errstate(invalid="ignore"):  # inf - inf for a vehicle that stays home
            costs[rows] = (
                matrix[starts[rows], :stops]
                + matrix[:stops, ends[rows]].T
                - matrix[starts[rows], ends[rows]][:, None]
            )
    return costs


def _best_alone(
    problem: IntegerProblem,
    money: Money,
    alone_costs: np.ndarray,
    stop: int,
    prizes: np.ndarray,
) -> tuple[float, int] | None:
    """(detour money, vehicle) of the lone visit to `stop` that nets most, `prizes` being what
    a visit earns per vehicle; None if no vehicle can serve it alone. Where waiting costs
    money, the detour includes any waiting or break that lone day needs.

    Lone visits are ranked first and timed in that order, so only a few vehicles are timed."""
    allowed = problem.allowed[stop]
    vehicles = np.arange(len(problem.vehicles)) if allowed is None else np.array(sorted(allowed))
    detours = alone_costs[vehicles, stop]
    nets = detours - prizes[vehicles]
    best: tuple[float, int] | None = None
    best_net = math.inf
    for k in np.argsort(nets, kind="stable"):
        # Waiting only adds money: no later vehicle can beat the best found.
        if nets[k] >= best_net:
            break
        vehicle = int(vehicles[k])
        if not _alone(problem, vehicle, stop)[1]:
            continue
        cost = float(detours[k])
        rate = money.idle(problem, vehicle)
        if rate:
            timeline = time_route(problem, vehicle, [stop], leave_late=True)
            assert timeline is not None  # _alone said it fits
            cost += rate * idle_s(problem, [stop], timeline)
        if cost - prizes[vehicle] < best_net:
            best, best_net = (cost, vehicle), cost - float(prizes[vehicle])
    return best


NOT_EXPLAINED_DETAIL = "not explained in time: the time limit ran out before this stop was checked"


def explain(
    problem: Problem,
    integer: IntegerProblem,
    money: Money,
    routes: Sequence[Sequence[int]],
    left_out: Sequence[int],
    verdicts: Verdicts,
    *,
    deadline: float = math.inf,
    least: int = LEAST_CHECKED,
) -> tuple[Unassigned, ...]:
    """A reason and a one-line detail for every stop node in `left_out`, in that order.

    Stops are checked most valuable first until `deadline` (`time.monotonic()`), the first
    `least` whatever the time; each takes a few milliseconds at most. Those not reached
    by then are `Reason.NOT_EXPLAINED`, unless `verdicts` already knows why (which costs
    nothing).
    """
    insertions = Insertions(integer, money, routes)
    alone_costs = _alone_costs(integer, money)
    answers: dict[int, Unassigned] = {}
    for rank, node in enumerate(sorted(left_out, key=lambda n: -problem.stops[n].prize)):
        stop = problem.stops[node]
        verdict = verdicts.get(node)
        if verdict is None and rank >= least and time.monotonic() > deadline:
            answers[node] = Unassigned(
                id=stop.id, reason=Reason.NOT_EXPLAINED, detail=NOT_EXPLAINED_DETAIL
            )
            continue
        if verdict is None:
            # The cheap test first: a stop not worth even its own trip needs no insertion
            # search (on a 300-account week, most left-out stops end here).
            # What a visit earns per vehicle; where that differs, each test weighs a vehicle's
            # detour against its own prize, and the detail names the vehicle.
            prizes = np.array([stop.prize_for(v.id) for v in problem.vehicles])
            best_alone = _best_alone(integer, money, alone_costs, node, prizes)
            if best_alone is not None:
                answers[node] = _priced(problem, integer, insertions, node, best_alone, prizes)
                continue
            # No vehicle serves it even alone: it was not checked before the search, whose
            # share of the time for that ran out. (`alone_verdict` has a verdict for it.)
            found = alone_verdict(integer, node) or (Reason.OUTSIDE_WINDOWS, "")
            verdict = with_place_notes(problem, integer, {node: found})[node]
        reason, detail = verdict
        answers[node] = Unassigned(id=stop.id, reason=reason, detail=detail)
    return tuple(answers[node] for node in left_out)


def _amount(money: float) -> str:
    """Money in a sentence: a whole amount as it is, any other to the cent (a value weighted by
    how overdue an account is reads 24.55, not 24.5479)."""
    return f"{money:.0f}" if money == round(money) else f"{money:.2f}"


def _priced(
    problem: Problem,
    integer: IntegerProblem,
    insertions: Insertions,
    node: int,
    best_alone: tuple[float, int],
    prizes: np.ndarray,
) -> Unassigned:
    """Why a stop that some vehicle could serve alone is left out: its price or the room."""
    stop = problem.stops[node]
    alone, alone_vehicle = best_alone
    allowed = [v for v in range(len(prizes)) if integer.may_serve(v, node)]
    varies = len({float(prizes[v]) for v in allowed}) > 1
    earns = float(prizes[alone_vehicle])
    if earns < alone:
        where = f" in {problem.vehicles[alone_vehicle].id}'s day, its best" if varies else ""
        return Unassigned(
            id=stop.id,
            reason=Reason.NOT_WORTH_IT,
            detail=(
                f"a visit earns {_amount(earns)}{where}; even as the only stop the detour "
                f"costs {alone:.2f}"
            ),
        )
    insertion = insertions.best(node, prizes=prizes if varies else None)
    if insertion is not None and insertion[0] >= prizes[insertion[1]]:
        vehicle_id = problem.vehicles[insertion[1]].id
        # "more than" would be untrue where a visit earns nothing and the detour is free.
        than = "more than" if insertion[0] > prizes[insertion[1]] else "as much as"
        return Unassigned(
            id=stop.id,
            reason=Reason.NOT_WORTH_IT,
            detail=(
                f"fits into {vehicle_id}'s day, but the detour costs "
                f"{insertion[0]:.2f}, {than} the {_amount(prizes[insertion[1]])} a visit "
                f"earns{' there' if varies else ''}"
            ),
        )
    return Unassigned(
        id=stop.id,
        reason=Reason.NO_TIME,
        detail="worth a visit, but the planned days are full of more valuable visits",
    )
