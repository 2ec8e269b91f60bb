"""Focused descents and grown plans: the parts agree with the whole.

`focus.objective` must be what OR-Tools minimises (the search compares the two), a focus must
only hold stops its vehicles may serve and give back a plan of the whole problem, and a grown
plan must be feasible.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from routing import Problem
from routing.route import focus
from routing.route.integer_problem import to_integer_problem
from routing.route.ortools_model import RoutingSearch, search
from routing.route.ruin import construct, ruin_and_fill
from routing.route.schedule import time_route
from tests.routing.route.test_feasibility import problems


def _waiting_free(p: Problem) -> Problem:
    """`p` with waiting unpriced, the only case `focus` is used for."""
    return replace(
        p,
        costs=replace(p.costs, per_working_hour=0.0),
        vehicles=tuple(
            v if v.costs is None else replace(v, costs=replace(v.costs, per_working_hour=0.0))
            for v in p.vehicles
        ),
    )


@settings(max_examples=40, deadline=None)
@given(problems())
def test_objective_is_what_or_tools_minimises(p: Problem) -> None:
    d = to_integer_problem(_waiting_free(p))
    found = RoutingSearch(d).first(0.2)
    assume(found is not None)  # some generated shifts cannot hold their breaks
    assert found is not None
    assert focus.objective(d, found.nodes()) == found.objective


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 2**32 - 1))
def test_a_focus_descends_to_a_plan_of_the_whole_problem(p: Problem, seed: int) -> None:
    d = to_integer_problem(_waiting_free(p))
    rng = np.random.default_rng(seed)
    before = construct(d, rng, frozenset())
    after = ruin_and_fill(before, rng, d, frozenset())
    part = focus.choose(d, focus.Neighbours(d), before, after, d.prize > 0)
    if part is None:
        assert before == after
        return
    assert set(part.vehicles) >= {
        v for v in range(len(d.vehicles)) if sorted(before[v]) != sorted(after[v])
    }
    for local, node in enumerate(part.stops):
        allowed = part.problem.allowed[local]
        assert allowed is None or allowed, (
            f"stop {node} is in a focus none of whose vehicles may serve it"
        )
    found = RoutingSearch(part.problem).improve(part.routes_in(after), 0.5)
    assert found is not None
    whole = [list(nodes) for nodes in after]
    for route in found.routes:
        whole[part.vehicles[route.vehicle]] = [part.stops[v.node] for v in route.visits]
    visited = [n for nodes in whole for n in nodes]
    assert len(visited) == len(set(visited))
    for vehicle, nodes in enumerate(whole):
        assert time_route(d, vehicle, nodes) is not None
        assert all(d.may_serve(vehicle, n) for n in nodes)
    # A descent never makes its part worse, so the whole plan is no worse than `after`.
    assert focus.objective(d, whole) <= focus.objective(d, after)


@settings(max_examples=60, deadline=None)
@given(problems(), st.integers(0, 2**32 - 1))
def test_grown_plans_are_feasible(p: Problem, seed: int) -> None:
    d = to_integer_problem(p)
    routes = construct(d, np.random.default_rng(seed), frozenset())
    visited = [n for nodes in routes for n in nodes]
    assert len(visited) == len(set(visited))
    for vehicle, nodes in enumerate(routes):
        assert time_route(d, vehicle, nodes) is not None
        assert all(d.may_serve(vehicle, n) for n in nodes)


def test_a_search_that_focuses_answers_its_own_objective() -> None:
    """A 300-stop day (focused steps and whole ones) and its grown start, on a real day."""
    from bench.field_day_peers import peer_day

    d = to_integer_problem(peer_day(1, 300, 2).problem)
    for grown in (False, True):
        found = search(d, time_limit_s=1.0, grown=grown)
        assert found is not None
        assert focus.objective(d, found.nodes()) == found.objective
        for vehicle, nodes in enumerate(found.nodes()):
            assert time_route(d, vehicle, nodes) is not None


@settings(max_examples=40, deadline=None)
@given(problems())
def test_objective_counts_paid_waiting_as_or_tools_does(p: Problem) -> None:
    d = to_integer_problem(p)
    found = RoutingSearch(d).first(0.2)
    assume(found is not None)
    assert found is not None
    spans = [(route.start, route.end) for route in found.routes]
    assert focus.objective(d, found.nodes(), spans) == found.objective
