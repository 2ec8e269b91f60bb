"""Focused descents: the local search after a perturbation, run on the part of the plan it touched.

On a large problem a descent on the whole model spends most of its time trying moves far from
anything that changed: every left-out stop at every position of every route. The perturbation
changed a few visits; the plan around them is where a better plan is likely. So a step builds a
small problem of its own (`sub_problem`): the routes the perturbation touched (and the routes
nearest to it), their visits, and the left-out stops nearest to what changed; descends on that,
and puts the routes back into the whole plan. The objective of a plan is the sum of its parts
(arcs, left-out prizes, and each route's paid waiting), so the whole plan's is computed
(`objective`), not searched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from routing.route.integer_problem import UNREACHABLE, IntArray, IntegerProblem

NEAR_CHANGED = 12
"""Left-out stops taken into a focus per changed stop, nearest first..."""
NEAR_VISIT = 2
"""...and per visit of the focused routes."""
NEIGHBOUR_ROUTES = 1
"""Routes added to those the perturbation touched: the ones serving the visits nearest to it."""


@dataclass(frozen=True, slots=True)
class Focus:
    problem: IntegerProblem
    stops: tuple[int, ...]
    """Per stop of `problem`, its node in the whole problem."""
    vehicles: tuple[int, ...]
    """Per vehicle of `problem`, its number in the whole problem."""

    def routes_in(self, routes: Sequence[Sequence[int]]) -> list[list[int]]:
        """The focused vehicles' routes of a whole plan, in the focus's own nodes."""
        local = {node: k for k, node in enumerate(self.stops)}
        return [[local[node] for node in routes[vehicle]] for vehicle in self.vehicles]


class Neighbours:
    """Per stop, the other stops by round-trip travel time, nearest first (computed once)."""

    def __init__(self, problem: IntegerProblem) -> None:
        n = problem.n_stops
        travel = np.minimum(problem.travel[:n, :n], UNREACHABLE)
        self.order: IntArray = np.argsort(travel + travel.T, axis=1, kind="stable")

    def nearest(self, node: int, among: np.ndarray, count: int) -> IntArray:
        """The `count` stops nearest to `node` for which the boolean mask `among` holds."""
        row = self.order[node]
        picked: IntArray = row[among[row]][:count]
        return picked


def choose(
    problem: IntegerProblem,
    neighbours: Neighbours,
    before: Sequence[Sequence[int]],
    after: Sequence[Sequence[int]],
    eligible: np.ndarray,
) -> Focus | None:
    """The focus of a step that changed plan `before` into `after` (stop nodes per vehicle);
    `eligible` masks the stops worth offering. None when nothing changed."""
    was = {node: v for v, nodes in enumerate(before) for node in nodes}
    now = {node: v for v, nodes in enumerate(after) for node in nodes}
    changed = [n for n in was.keys() | now.keys() if was.get(n) != now.get(n)]
    if not changed:
        return None
    vehicles = {v for n in changed for v in (was.get(n), now.get(n)) if v is not None}
    served = np.zeros(problem.n_stops, dtype=np.bool_)
    served[list(now)] = True
    added: set[int] = set()
    for node in changed:
        for near in neighbours.nearest(node, served, 3):
            vehicle = now[int(near)]
            if vehicle not in vehicles and len(added) < NEIGHBOUR_ROUTES:
                added.add(vehicle)
    chosen = sorted(vehicles | added)
    if not chosen:
        return None
    outside = eligible & ~served
    # A left-out stop that no chosen vehicle may serve is no use to the focus.
    if any(a is not None for a in problem.allowed):
        for left_out in np.flatnonzero(outside):
            allowed = problem.allowed[left_out]
            if allowed is not None and not allowed.intersection(chosen):
                outside[left_out] = False
    stops = [node for v in chosen for node in after[v]]
    candidates: set[int] = set()
    for node in changed:
        candidates.update(int(n) for n in neighbours.nearest(node, outside, NEAR_CHANGED))
    for node in stops:
        candidates.update(int(n) for n in neighbours.nearest(node, outside, NEAR_VISIT))
    stops.extend(sorted(candidates))
    return Focus(
        problem=sub_problem(problem, stops, chosen), stops=tuple(stops), vehicles=tuple(chosen)
    )


def sub_problem(
    problem: IntegerProblem, stops: Sequence[int], vehicles: Sequence[int]
) -> IntegerProblem:
    """`problem` restricted to `stops` (they become stops 0, 1, ... in that order) and
    `vehicles`; the places where those vehicles start and end follow (OR-Tools would have to
    visit any other place)."""
    places = sorted(
        {
            node
            for v in vehicles
            for node in (problem.vehicles[v].start_node, problem.vehicles[v].end_node)
        }
    )
    index = np.array([*stops, *places], dtype=np.int64)
    node_of = {old: len(stops) + k for k, old in enumerate(places)}
    number = {old: new for new, old in enumerate(vehicles)}
    grid = np.ix_(index, index)
    picked = np.array(stops, dtype=np.int64)
    return replace(
        problem,
        n_stops=len(stops),
        matrix_index=problem.matrix_index[index],
        travel=problem.travel[grid],
        distance_m=problem.distance_m[grid],
        service=problem.service[index],
        windows=tuple(problem.windows[node] for node in stops),
        prize=problem.prize[picked],
        required=problem.required[picked],
        allowed=tuple(_renumbered(problem.allowed[node], number) for node in stops),
        vehicles=tuple(
            replace(
                problem.vehicles[v],
                start_node=node_of[problem.vehicles[v].start_node],
                end_node=node_of[problem.vehicles[v].end_node],
            )
            for v in vehicles
        ),
        arc_cost=tuple(cost[grid] for cost in problem.arc_cost),
        vehicle_prize=None
        if problem.vehicle_prize is None
        else problem.vehicle_prize[np.ix_(picked, np.array(vehicles, dtype=np.int64))],
    )


def _renumbered(allowed: frozenset[int] | None, number: dict[int, int]) -> frozenset[int] | None:
    return None if allowed is None else frozenset(number[v] for v in allowed if v in number)


def objective(
    problem: IntegerProblem,
    routes: Sequence[Sequence[int]],
    spans: Sequence[tuple[int, int]] | None = None,
) -> int:
    """What the search minimises: each vehicle's arcs (a stop's shortfall with that vehicle on
    the arc leaving it), the prize of every stop left out and, for a vehicle that pays for
    waiting, its slack (the time from `spans`' start to end of its route, (start, end) per
    vehicle, neither driven nor spent at a visit) at its `idle_cost`."""
    total = int(problem.prize.sum())
    for number, nodes in enumerate(routes):
        if not nodes:
            continue
        spec = problem.vehicles[number]
        path = np.array([spec.start_node, *nodes, spec.end_node], dtype=np.int64)
        cost = np.minimum(problem.arc_cost[spec.cost_class][path[:-1], path[1:]], UNREACHABLE)
        visits = np.array(nodes, dtype=np.int64)
        total += int(cost.sum()) + int(problem.shortfall(number)[visits].sum())
        total -= int(problem.prize[visits].sum())
        if spec.idle_cost:
            if spans is None:
                raise ValueError(f"vehicle {number} pays for waiting: its route's span is needed")
            start, end = spans[number]
            busy = problem.travel[path[:-1], path[1:]].sum() + problem.service[visits].sum()
            total += spec.idle_cost * (end - start - int(busy))
    return total
