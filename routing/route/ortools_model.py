"""The one module that talks to OR-Tools: builds the routing model from a `IntegerProblem`,
searches it, and reads the routes back as whole-number schedules.

Model: arc cost = money per km and per hour of travel (in objective units); each optional stop is
a disjunction whose penalty is its prize (the most any vehicle earns there), and a vehicle that
earns less pays the difference on the arc leaving the stop; a time dimension (transit = service
at the origin + travel) carries windows, shifts and breaks, and its slack (waiting and breaks)
costs the vehicle's working time rate; optional dimensions count stops and travel time.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.route import focus
from routing.route.integer_problem import UNREACHABLE, IntegerProblem
from routing.route.ruin import construct, ruin_and_fill
from routing.route.schedule import time_route

_FIRST = routing_enums_pb2.FirstSolutionStrategy
_META = routing_enums_pb2.LocalSearchMetaheuristic

FIRST_SHARE = 0.2
"""Share of the budget for the tabu search from the first plan; iterated local search follows."""
INSERTION_S_PER_UNIT = 6e-7
"""Seconds that cheapest insertion takes per stop squared per vehicle (measured here: 11 s for
1,000 stops and 20 vehicles, roughly). When that is well over its share, or when it runs out
of time all the same, the plan is grown instead."""
GROW_SHARE = 0.8
"""Share of what is left for growing a plan when cheapest insertion would take too long."""
STEP_LIMIT_S = 0.5
"""Time limit of one descent after a perturbation (it usually ends far sooner)."""
STALL_STEPS_PER_STOP = 20
"""The search ends early after this many steps per stop (at least 200) without a better plan:
small problems are answered at once, large ones always use their time limit."""
FREE_SHARE = 0.5
"""With working time priced, the share of the budget searched without pricing waiting first
(see `search`)."""
ACCEPT = 0.03
"""A perturbed plan is kept if it loses at most this share of the best plan's prize, a
tolerance that shrinks to zero as the time runs out (record-to-record travel)."""
CONSTRUCTIONS = 20
"""Greedy plans grown (`routing.route.ruin.construct`) by a search that starts from the best
of them: the second recipe, which parallel workers alternate with cheapest insertion."""
FOCUS_FROM_STOPS = 80
"""Problems with at least this many stops on offer descend on the part of the plan that a
perturbation touched (`routing.route.focus`)..."""
WHOLE_EVERY = 8
"""...and on the whole plan every this many steps, for the moves between distant parts."""


@dataclass(frozen=True, slots=True)
class VisitTimes:
    node: int
    start: int
    """Start of service (or, for start and end nodes, departure and arrival)."""


@dataclass(frozen=True, slots=True)
class RouteTimes:
    vehicle: int
    visits: tuple[VisitTimes, ...]
    """Stops only, in order."""
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...]
    """(start, duration) of each break taken between the route's start and end."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    objective: int
    routes: tuple[RouteTimes, ...]

    def nodes(self) -> list[list[int]]:
        return [[visit.node for visit in route.visits] for route in self.routes]


def result_of(problem: IntegerProblem, routes: Sequence[Sequence[int]]) -> SearchResult | None:
    """Feasible `routes` (stop nodes per vehicle) timed as the search times its plans (leaving
    as late as the day allows) and valued by its objective; None if one does not fit after
    all."""
    timed = []
    for vehicle, nodes in enumerate(routes):
        timeline = time_route(problem, vehicle, nodes, leave_late=True)
        if timeline is None:
            return None
        visits = tuple(
            VisitTimes(node, at) for node, at in zip(nodes, timeline.starts, strict=True)
        )
        timed.append(RouteTimes(vehicle, visits, timeline.departure, timeline.end, timeline.breaks))
    spans = [(route.start, route.end) for route in timed]
    return SearchResult(objective=focus.objective(problem, routes, spans), routes=tuple(timed))


def _as_rows(matrix: np.ndarray) -> list[list[int]]:
    rows: list[list[int]] = np.minimum(matrix, UNREACHABLE).astype(np.int64).tolist()
    return rows


def _arc_rows(cost: np.ndarray, shortfall: np.ndarray, perm: np.ndarray) -> list[list[int]]:
    """Arc costs in `perm` order, each arc leaving a node dearer by that node's shortfall."""
    dearer = np.minimum(cost, UNREACHABLE) + shortfall[:, None]
    np.fill_diagonal(dearer, 0)
    rows: list[list[int]] = dearer[np.ix_(perm, perm)].astype(np.int64).tolist()
    return rows


def _parameters(time_limit_s: float, *, first: bool, grow: bool = False) -> Any:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    params.first_solution_strategy = (
        _FIRST.ALL_UNPERFORMED if grow else _FIRST.LOCAL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        _META.TABU_SEARCH if first and not grow else _META.GREEDY_DESCENT
    )
    return params


class RoutingSearch:
    """The OR-Tools model of one problem, built once and searched many times."""

    def __init__(
        self,
        problem: IntegerProblem,
        *,
        order: np.ndarray | None = None,
        inactive: frozenset[int] = frozenset(),
    ) -> None:
        self.problem = problem
        n_stops = problem.n_stops
        n_nodes = problem.n_nodes
        perm = np.arange(n_nodes) if order is None else order
        self.perm = perm
        travel = problem.travel[np.ix_(perm, perm)]
        service = problem.service[perm]
        vehicles = problem.vehicles
        inverse = np.empty_like(perm)
        inverse[perm] = np.arange(n_nodes)
        self.inverse = inverse

        manager = pywrapcp.RoutingIndexManager(
            n_nodes,
            len(vehicles),
            [int(inverse[v.start_node]) for v in vehicles],
            [int(inverse[v.end_node]) for v in vehicles],
        )
        routing = pywrapcp.RoutingModel(manager)
        self.manager, self.routing = manager, routing

        # One arc matrix per travel cost class and per-vehicle prizes: serving a stop then nets
        # what the visit earns with that vehicle (a week's vehicles are its 5-7 days).
        cost_callbacks: dict[tuple[int, bytes], int] = {}
        for number, vehicle in enumerate(vehicles):
            shortfall = problem.shortfall(number)
            key = (vehicle.cost_class, shortfall.tobytes())
            if key not in cost_callbacks:
                cost = problem.arc_cost[vehicle.cost_class]
                cost_callbacks[key] = routing.RegisterTransitMatrix(
                    _arc_rows(cost, shortfall, perm)
                )
            routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[key], number)

        time_callback = routing.RegisterTransitMatrix(_as_rows(service[:, None] + travel))
        routing.AddDimension(time_callback, problem.horizon, problem.horizon, False, "time")
        time_dim = routing.GetDimensionOrDie("time")
        self.time_dim = time_dim

        for node in range(n_stops):
            original = int(perm[node])
            index = manager.NodeToIndex(node)
            windows = problem.windows[original]
            cumul = time_dim.CumulVar(index)
            if windows:
                cumul.SetRange(windows[0][0], windows[-1][1])
                for (_, end), (start, _) in itertools.pairwise(windows):
                    if start - 1 >= end + 1:
                        cumul.RemoveInterval(end + 1, start - 1)
            routing.AddDisjunction([index], int(problem.prize[original]))
            allowed = problem.allowed[original]
            if allowed is not None:
                # SetAllowedVehiclesForIndex's Python binding rejects every list (absl::Span).
                routing.VehicleVar(index).RemoveValues(
                    [v for v in range(len(vehicles)) if v not in allowed]
                )
            if not windows or original in inactive:
                routing.ActiveVar(index).SetValue(0)

        solver = routing.solver()
        visit_transits = [int(service[manager.IndexToNode(i)]) for i in range(routing.Size())]
        self.break_names: dict[str, tuple[int, int]] = {}
        for number, vehicle in enumerate(vehicles):
            start, end = routing.Start(number), routing.End(number)
            time_dim.CumulVar(start).SetRange(vehicle.shift_start, vehicle.shift_end)
            time_dim.CumulVar(end).SetRange(vehicle.shift_start, vehicle.shift_end)
            if vehicle.breaks:
                intervals = []
                for k, brk in enumerate(vehicle.breaks):
                    name = f"break-{number}-{k}"
                    self.break_names[name] = (number, k)
                    intervals.append(
                        solver.FixedDurationIntervalVar(
                            brk.start_min, brk.start_max, brk.duration, False, name
                        )
                    )
                time_dim.SetBreakIntervalsOfVehicle(intervals, number, visit_transits)
        for number, vehicle in enumerate(vehicles):
            # Slack is the route's time neither driven nor served: waiting and breaks. Driving
            # is priced in the arc costs, so together they price the whole working day but the
            # visits; a visit's own time is paid by its prize and changes no choice.
            if vehicle.idle_cost:
                time_dim.SetSlackCostCoefficientForVehicle(vehicle.idle_cost, number)
        for number in range(len(vehicles)):
            routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(number)))
        for number in range(len(vehicles)):
            routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(number)))

        if any(v.max_stops is not None for v in vehicles):
            ones = [1 if node < n_stops else 0 for node in range(n_nodes)]
            count = routing.RegisterUnaryTransitVector(ones)
            caps = [n_stops if v.max_stops is None else v.max_stops for v in vehicles]
            routing.AddDimensionWithVehicleCapacity(count, 0, caps, True, "stops")
        if any(v.max_travel is not None for v in vehicles):
            travel_callback = routing.RegisterTransitMatrix(_as_rows(travel))
            caps = [problem.horizon if v.max_travel is None else v.max_travel for v in vehicles]
            routing.AddDimensionWithVehicleCapacity(travel_callback, 0, caps, True, "travel")
        routing.CloseModelWithParameters(_parameters(1.0, first=True))

    def first(self, time_limit_s: float) -> SearchResult | None:
        """A first plan (cheapest insertion), improved by tabu search until the time limit."""
        solution = self.routing.SolveWithParameters(_parameters(time_limit_s, first=True))
        return self._read(solution)

    def grow(self, time_limit_s: float) -> SearchResult | None:
        """A plan grown from nothing by local search: slower to converge than cheapest
        insertion, but it has a plan at any moment, so it suits budgets too short for that."""
        solution = self.routing.SolveWithParameters(
            _parameters(time_limit_s, first=True, grow=True)
        )
        return self._read(solution)

    def improve(self, routes: list[list[int]], time_limit_s: float) -> SearchResult | None:
        """Local search from `routes` (stop nodes per vehicle) to a local optimum."""
        as_indices = [
            [self.manager.NodeToIndex(int(self.inverse[node])) for node in nodes]
            for nodes in routes
        ]
        params = _parameters(time_limit_s, first=False)
        # RoutesToAssignment only sets the successors; ReadAssignmentFromRoutes would also run
        # a search under the model's spent limits and fails at random after a timed-out solve.
        start = self.routing.solver().Assignment()
        if not self.routing.RoutesToAssignment(as_indices, True, True, start):
            return None
        return self._read(self.routing.SolveFromAssignmentWithParameters(start, params))

    def _read(self, solution: Any) -> SearchResult | None:
        if solution is None:
            return None
        routing, manager, time_dim = self.routing, self.manager, self.time_dim
        breaks_of: dict[int, list[tuple[int, int]]] = {}
        intervals = solution.IntervalVarContainer()
        for k in range(intervals.Size()):
            element = intervals.Element(k)
            where = self.break_names.get(element.Var().Name())
            if where is not None and element.PerformedValue():
                breaks_of.setdefault(where[0], []).append(
                    (element.StartValue(), element.DurationValue())
                )
        routes = []
        for number in range(len(self.problem.vehicles)):
            index = routing.Start(number)
            start_time = solution.Value(time_dim.CumulVar(index))
            visits = []
            index = solution.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                node = int(self.perm[manager.IndexToNode(index)])
                visits.append(VisitTimes(node=node, start=solution.Value(time_dim.CumulVar(index))))
                index = solution.Value(routing.NextVar(index))
            end_time = solution.Value(time_dim.CumulVar(index))
            taken = tuple(
                sorted(
                    (s, d)
                    for s, d in breaks_of.get(number, [])
                    if visits and s >= start_time and s + d <= end_time
                )
            )
            routes.append(
                RouteTimes(
                    vehicle=number,
                    visits=tuple(visits),
                    start=start_time,
                    end=end_time,
                    breaks=taken,
                )
            )
        return SearchResult(objective=int(solution.ObjectiveValue()), routes=tuple(routes))


def search(
    problem: IntegerProblem,
    *,
    time_limit_s: float,
    order: np.ndarray | None = None,
    inactive: frozenset[int] = frozenset(),
    seed: int = 0,
    grown: bool = False,
    start: list[list[int]] | None = None,
) -> SearchResult | None:
    """Search for `time_limit_s` seconds of wall clock; None if no plan was found in time.

    Tabu search from a cheapest-insertion plan, then iterated local search until the time
    limit: ruin a few visits and fill the gap (`routing.route.ruin`), descend to a local optimum,
    keep the result by record-to-record acceptance. `grown`: start from the best of a few greedy
    plans grown route by route instead (a different first plan for another worker: which start
    does better differs from problem to problem). `start` (stop nodes per vehicle, a feasible
    plan) is descended from instead of either. `order` permutes the stops as OR-Tools sees
    them and `seed` drives the perturbations; `inactive` stops are known to be impossible.

    Where waiting costs money (a vehicle's `idle_cost`), the first `FREE_SHARE` of the time
    searches the problem with waiting free and the rest goes on from its best plan with waiting
    priced: OR-Tools times a route with breaks and a slack cost by solving a small CP-SAT model
    per move, 3-4 times slower than its propagation, too slow to get from a first plan to a
    good one in time (bench.working_time).
    """
    if not any(v.idle_cost for v in problem.vehicles):
        return _search(problem, time_limit_s, order, inactive, seed, grown, start)
    deadline = time.monotonic() + time_limit_s
    free = _waiting_free(problem)
    first = _search(free, time_limit_s * FREE_SHARE, order, inactive, seed, grown, start)
    return _search(
        problem,
        max(0.05, deadline - time.monotonic()),
        order,
        inactive,
        seed,
        grown,
        start if first is None else first.nodes(),
    )


def _waiting_free(problem: IntegerProblem) -> IntegerProblem:
    return replace(problem, vehicles=tuple(replace(v, idle_cost=0) for v in problem.vehicles))


def _search(
    problem: IntegerProblem,
    time_limit_s: float,
    order: np.ndarray | None,
    inactive: frozenset[int],
    seed: int,
    grown: bool,
    start: list[list[int]] | None = None,
) -> SearchResult | None:
    """`search` of one model, from `start` (stop nodes per vehicle) when given."""
    deadline = time.monotonic() + time_limit_s
    model = RoutingSearch(problem, order=order, inactive=inactive)
    share = (deadline - time.monotonic()) * FIRST_SHARE
    insertion_s = INSERTION_S_PER_UNIT * problem.n_stops**2 * len(problem.vehicles)
    rng = np.random.default_rng(seed)
    best = None if start is None else model.improve(start, max(0.05, deadline - time.monotonic()))
    if best is None and grown:
        best = _constructed(problem, model, rng, inactive, time.monotonic() + share, deadline)
    if best is None:
        best = model.first(max(0.05, share)) if insertion_s < 3 * share else None
    if best is None:
        # Cheapest insertion would not (or did not) finish in its share: grow a plan.
        best = model.grow(max(0.05, (deadline - time.monotonic()) * GROW_SHARE))
    if best is None:
        return None
    offered = [n for n in range(problem.n_stops) if n not in inactive]
    total_prize = int(problem.prize[offered].sum())
    current = best
    stalled = 0
    neighbours = focus.Neighbours(problem) if len(offered) >= FOCUS_FROM_STOPS else None
    eligible = np.zeros(problem.n_stops, dtype=np.bool_)
    eligible[offered] = True
    eligible &= problem.prize > 0
    step = 0
    while (remaining := deadline - time.monotonic()) > 0.01:
        stalled += 1
        step += 1
        if stalled > max(200, STALL_STEPS_PER_STOP * len(offered)):
            break
        perturbed = ruin_and_fill(current.nodes(), rng, problem, inactive)
        limit = min(remaining, STEP_LIMIT_S)
        if neighbours is not None and step % WHOLE_EVERY:
            candidate = _focused(problem, neighbours, current, perturbed, eligible, limit)
        else:
            candidate = model.improve(perturbed, limit)
        if candidate is None:
            continue
        collected = max(1, total_prize - best.objective)
        tolerance = ACCEPT * collected * max(0.0, deadline - time.monotonic()) / time_limit_s
        if (
            candidate.objective <= current.objective
            or candidate.objective <= best.objective + tolerance
        ):
            current = candidate
            if candidate.objective < best.objective:
                best, stalled = candidate, 0
    return best


def _focused(
    problem: IntegerProblem,
    neighbours: focus.Neighbours,
    current: SearchResult,
    perturbed: list[list[int]],
    eligible: np.ndarray,
    time_limit_s: float,
) -> SearchResult | None:
    """A descent from `perturbed` on the part of it that differs from `current`."""
    part = focus.choose(problem, neighbours, current.nodes(), perturbed, eligible)
    if part is None:
        return None
    found = RoutingSearch(part.problem).improve(part.routes_in(perturbed), time_limit_s)
    if found is None:
        return None
    routes = list(current.routes)
    for route in found.routes:
        number = part.vehicles[route.vehicle]
        visits = tuple(replace(v, node=part.stops[v.node]) for v in route.visits)
        routes[number] = replace(route, vehicle=number, visits=visits)
    nodes = [[visit.node for visit in route.visits] for route in routes]
    spans = [(route.start, route.end) for route in routes]
    return SearchResult(objective=focus.objective(problem, nodes, spans), routes=tuple(routes))


def _constructed(
    problem: IntegerProblem,
    model: RoutingSearch,
    rng: np.random.Generator,
    inactive: frozenset[int],
    until: float,
    deadline: float,
) -> SearchResult | None:
    """The best of up to `CONSTRUCTIONS` greedy plans grown until `until`, descended by
    `deadline` at the latest."""
    plans: list[tuple[int, list[list[int]]]] = []
    # Ranked with waiting free: the plans have no times yet.
    free = _waiting_free(problem)
    while len(plans) < CONSTRUCTIONS and (not plans or time.monotonic() < until):
        routes = construct(problem, rng, inactive)
        plans.append((focus.objective(free, routes), routes))
    _, routes = min(plans, key=lambda item: item[0])
    return model.improve(routes, max(0.05, deadline - time.monotonic()))
