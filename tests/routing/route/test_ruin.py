"""The ILS perturbation keeps every route feasible and never serves a stop twice."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from routing import Problem
from routing.route.integer_problem import to_integer_problem
from routing.route.ruin import ruin_and_fill
from routing.route.schedule import time_route
from tests.routing.route.test_feasibility import problems


@settings(max_examples=80, deadline=None)
@given(problems(), st.integers(0, 2**32 - 1))
def test_ruin_and_fill_keeps_routes_feasible(p: Problem, seed: int) -> None:
    d = to_integer_problem(p)
    rng = np.random.default_rng(seed)
    # Start from a feasible plan built by the same insertion the perturbation uses.
    routes: list[list[int]] = [[] for _ in d.vehicles]
    for node in range(d.n_stops):
        candidate = [list(r) for r in routes]
        for vehicle in range(len(d.vehicles)):
            if d.may_serve(vehicle, node) and time_route(d, vehicle, [*routes[vehicle], node]):
                candidate[vehicle].append(node)
                break
        routes = candidate
    for _ in range(5):
        routes = ruin_and_fill(routes, rng, d, frozenset())
        visited = [n for r in routes for n in r]
        assert len(visited) == len(set(visited))
        for vehicle, nodes in enumerate(routes):
            assert time_route(d, vehicle, nodes) is not None
            assert all(d.may_serve(vehicle, n) for n in nodes)
