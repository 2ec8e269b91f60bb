"""The ILS perturbation keeps every route feasible and never serves a stop twice."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing import Problem
from routing.route.integer_problem import to_integer_problem
from routing.route.ruin import forcing_chances, ruin_and_fill
from routing.route.schedule import time_route
from tests.routing.route import builders
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


def test_the_stops_forced_in_are_mostly_those_that_earn_most_for_their_detour() -> None:
    """Places on a line; one rep, home at 0, visits 10 and 20; the other stays home at 1,000.
    Of the stops left out, one that earns much next to the route is drawn far more often than
    the same prize far away or a small prize next door, and one that only the far rep may
    serve, next to the route, (all but) never."""
    p = builders.problem(
        [0, 10, 20, 30, 500, 25, 28, 1000],
        [builders.vehicle("rep"), builders.vehicle("other", start=7, end=7)],
        [
            builders.stop("a", 1),
            builders.stop("b", 2),
            builders.stop("near", 3, prize=100),
            builders.stop("far", 4, prize=100),
            builders.stop("small", 5, prize=1),
            builders.stop("not-mine", 6, prize=100, vehicles=("other",)),
        ],
    )
    chances = forcing_chances(to_integer_problem(p), [[0, 1], []], [2, 3, 4, 5])
    assert chances.sum() == pytest.approx(1.0)
    near, far, small, not_mine = chances
    assert near > 100 * far
    assert near > 100 * small
    assert near > 1000 * not_mine
