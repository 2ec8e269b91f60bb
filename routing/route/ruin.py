"""The perturbation of the iterated local search: ruin part of a plan, then fill the gap.

Removing a string of consecutive visits (or the visits nearest a random one) and forcing other
left-out stops into the gap moves the search to a new region of plans; the local search that
follows may take the removed stops back if they are worth more. Pure Python, no OR-Tools.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing.route.integer_problem import IntegerProblem
from routing.route.schedule import time_route

MAX_RUIN = 15
"""At most this many visits are removed at once..."""
RUIN_SHARE = 0.25
"""...and at most this share of the plan's visits (plus two)."""
FILL_FACTOR = 3
"""Left-out stops tried for the gap, per removed visit, nearest first."""
FORCE_SHARE = 0.8
"""Share of perturbations that force left-out stops in, ejecting visits to make room."""
MAX_FORCED = 3
FORCE_POWER = 2
"""Which left-out stops are forced in: drawn with a chance that grows with the square of what
each earns per second its insertion adds. Drawn uniformly, most tries were stops that could
never pay, and a rep's 2 s day (150 accounts, 8 visits at most) stayed at 0.989 of its 30 s
value; drawn by this, 4 demo reps' days x 3 seeds reached the 20 s plan in 12 of 12 runs
(uniformly: 8; to the power 1: 11; weighted on half the draws: 10), and the search alone on 16
field days rose from 0.984 to 0.995 of the better peer (`bench.field_day_peers`). The TOPTW
targets (62 runs, 10 s) were not helped: mean gap 0.57% against 0.49% uniformly (half: 0.54%)."""
MAX_EJECTED = 4
GROW_TRIES = 30
"""Insertions tried for feasibility per step of growing a route, best gain first."""
FORCE_POSITIONS = 8
"""Cheapest positions tried for a forced stop."""


def ruin_and_fill(
    routes: Sequence[Sequence[int]],
    rng: np.random.Generator,
    problem: IntegerProblem,
    inactive: frozenset[int],
) -> list[list[int]]:
    """A perturbed copy of `routes` (stop nodes per vehicle); every route stays feasible."""
    result = [list(nodes) for nodes in routes]
    visited = [node for nodes in result for node in nodes]
    if not visited:
        return result
    if rng.random() < FORCE_SHARE:
        served = set(visited)
        outside = [
            n
            for n in range(problem.n_stops)
            if n not in served and n not in inactive and problem.prize[n] > 0
        ]
        if outside:
            count = min(len(outside), int(rng.integers(1, 1 + MAX_FORCED)))
            chances = forcing_chances(problem, result, outside)
            for k in rng.choice(len(outside), size=count, replace=False, p=chances):
                _force_in(problem, result, outside[int(k)], rng)
            return result
    limit = min(MAX_RUIN, int(len(visited) * RUIN_SHARE) + 2)
    size = int(rng.integers(1, max(2, limit)))
    travel = problem.travel
    if rng.random() < 0.5:
        chosen = [nodes for nodes in result if nodes]
        nodes = chosen[int(rng.integers(len(chosen)))]
        first = int(rng.integers(len(nodes)))
        removed = set(nodes[first : first + size])
    else:
        seed = visited[int(rng.integers(len(visited)))]
        removed = set(sorted(visited, key=lambda n: int(travel[seed, n]))[:size])
    ruined = [[n for n in nodes if n not in removed] for nodes in result]
    # Without the triangle inequality (a caller's matrix) a shorter route can be infeasible:
    # such a route keeps its visits.
    result = [
        short if len(short) == len(whole) or time_route(problem, vehicle, short) else whole
        for vehicle, (short, whole) in enumerate(zip(ruined, result, strict=True))
    ]
    removed = {n for n in removed if not any(n in nodes for nodes in result)}
    if not removed:
        return result

    served = set(visited)
    anchor = next(iter(removed))
    outside = [
        n
        for n in range(problem.n_stops)
        if n not in served and n not in inactive and problem.prize[n] > 0
    ]
    outside.sort(key=lambda n: int(travel[anchor, n] + travel[n, anchor]))
    for node in outside[: FILL_FACTOR * size]:
        _insert_cheapest(problem, result, node)
    return result


def forcing_chances(
    problem: IntegerProblem, routes: Sequence[Sequence[int]], outside: Sequence[int]
) -> np.ndarray:
    """The chance of each of `outside` (left-out stops) to be forced in: the most it earns per
    second that its cheapest insertion adds (the detour and the visit) with any vehicle that may
    serve it, to the power `FORCE_POWER`."""
    nodes = np.asarray(outside, dtype=np.int64)
    travel = problem.travel
    rate = np.zeros(len(nodes))
    # Which vehicles may serve each stop, set once per call, not per vehicle (a hot path).
    serves = np.ones((len(routes), len(nodes)), dtype=np.bool_)
    for k, node in enumerate(outside):
        allowed = problem.allowed[node]
        if allowed is not None:
            serves[:, k] = False
            serves[sorted(allowed), k] = True
    for vehicle, route in enumerate(routes):
        spec = problem.vehicles[vehicle]
        path = np.array([spec.start_node, *route, spec.end_node], dtype=np.int64)
        before, after = path[:-1], path[1:]
        detour = (
            travel[np.ix_(before, nodes)]
            + travel[np.ix_(nodes, after)].T
            - travel[before, after][:, None]
        ).min(axis=0)
        earns = problem.prize[nodes] - problem.shortfall(vehicle)[nodes]
        here = earns / (1.0 + np.maximum(detour, 0) + problem.service[nodes])
        rate = np.maximum(rate, np.where(serves[vehicle], here, 0.0))
    weights = np.maximum(rate, 0.0) ** FORCE_POWER + 1e-12
    chances: np.ndarray = weights / weights.sum()
    return chances


def _positions(
    problem: IntegerProblem, routes: Sequence[Sequence[int]], node: int
) -> list[tuple[int, int, int]]:
    """Every (extra travel time, vehicle, position) to insert `node` at, cheapest first."""
    travel = problem.travel
    positions: list[tuple[int, int, int]] = []
    for vehicle, nodes in enumerate(routes):
        if not problem.may_serve(vehicle, node):
            continue
        spec = problem.vehicles[vehicle]
        path = [spec.start_node, *nodes, spec.end_node]
        for position in range(len(nodes) + 1):
            a, b = path[position], path[position + 1]
            extra = int(travel[a, node] + travel[node, b] - travel[a, b])
            positions.append((extra, vehicle, position))
    positions.sort()
    return positions


def _insert_cheapest(problem: IntegerProblem, routes: list[list[int]], node: int) -> None:
    """Insert `node` where it adds the least travel time, if it fits anywhere."""
    for _, vehicle, position in _positions(problem, routes, node):
        nodes = routes[vehicle]
        if time_route(problem, vehicle, [*nodes[:position], node, *nodes[position:]]):
            nodes.insert(position, node)
            return


def _force_in(
    problem: IntegerProblem, routes: list[list[int]], node: int, rng: np.random.Generator
) -> None:
    """Put `node` into the plan, ejecting the fewest visits around one of its cheapest positions.

    The local search that follows cannot simply undo this (dropping `node` loses its prize), so
    the plan's structure changes; it keeps `node` only if that pays.
    """
    for _, vehicle, position in _positions(problem, routes, node)[:FORCE_POSITIONS]:
        nodes = routes[vehicle]
        before, after = nodes[:position], nodes[position:]
        for _ in range(MAX_EJECTED + 1):
            if time_route(problem, vehicle, [*before, node, *after]) is not None:
                routes[vehicle] = [*before, node, *after]
                return
            if not before and not after:
                break
            if after and (not before or rng.random() < 0.5):
                after = after[1:]
            else:
                before = before[:-1]


def construct(
    problem: IntegerProblem, rng: np.random.Generator, inactive: frozenset[int]
) -> list[list[int]]:
    """A plan grown route by route (`grow_route`), the vehicles in random order."""
    routes: list[list[int]] = [[] for _ in problem.vehicles]
    for vehicle in rng.permutation(len(routes)):
        grow_route(problem, routes, int(vehicle), rng, inactive)
    return routes


def grow_route(
    problem: IntegerProblem,
    routes: list[list[int]],
    vehicle: int,
    rng: np.random.Generator,
    inactive: frozenset[int],
) -> None:
    """Replace `vehicle`'s route by one grown greedily from a seed: a left-out stop drawn by
    prize squared, then at each step the insertion that nets the most (prize less added arc
    cost) among those that keep the route feasible."""
    spec = problem.vehicles[vehicle]
    if spec.stays_home:
        return
    served = {node for nodes in routes for node in nodes}
    free = np.array(
        [
            n
            for n in range(problem.n_stops)
            if (n not in served or n in routes[vehicle])
            and n not in inactive
            and problem.may_serve(vehicle, n)
            and problem.prize_of(vehicle, n) > 0
        ],
        dtype=np.int64,
    )
    if not len(free):
        return
    earns = np.array([problem.prize_of(vehicle, int(n)) for n in free], dtype=np.float64)
    outside = np.array([int(n) not in served for n in free])
    if not outside.any():
        return
    weights = np.where(outside, earns, 0.0) ** 2
    seed = int(free[rng.choice(len(free), p=weights / weights.sum())])
    if time_route(problem, vehicle, [seed]) is None:
        return
    nodes = [seed]
    cost = problem.arc_cost[spec.cost_class]
    while True:
        path = np.array([spec.start_node, *nodes, spec.end_node], dtype=np.int64)
        left = ~np.isin(free, nodes)
        candidates, gains = free[left], earns[left]
        if not len(candidates):
            break
        added = (
            cost[np.ix_(path[:-1], candidates)]
            + cost[np.ix_(candidates, path[1:])].T
            - cost[path[:-1], path[1:]][:, None]
        )
        net = gains[None, :] - added
        order = np.argsort(-net, axis=None)[:GROW_TRIES]
        for flat in order:
            position, k = divmod(int(flat), len(candidates))
            if net[position, k] <= 0:
                order = order[:0]
                break
            trial = [*nodes[:position], int(candidates[k]), *nodes[position:]]
            if time_route(problem, vehicle, trial) is not None:
                nodes = trial
                break
        else:
            break
        if not len(order):
            break
    routes[vehicle] = nodes
