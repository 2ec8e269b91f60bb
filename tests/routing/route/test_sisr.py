"""The compiled ruin-and-recreate search: feasible plans always, the best plan on small days."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from routing import Problem
from routing.route import sisr
from routing.route.integer_problem import UNREACHABLE, IntegerProblem, to_integer_problem
from routing.route.schedule import time_route
from tests.routing.route.test_feasibility import problems


def _covered(p: Problem) -> Problem:
    """`p` as this search covers it: no breaks, each stop's first window (if any)."""
    return replace(
        p,
        vehicles=tuple(replace(v, breaks=()) for v in p.vehicles),
        stops=tuple(replace(s, windows=s.windows[:1]) for s in p.stops),
    )


def _value(d: IntegerProblem, routes: list[list[int]] | tuple[tuple[int, ...], ...]) -> int:
    """What the plan earns less its arcs, in objective units (waiting free)."""
    total = 0
    for vehicle, nodes in enumerate(routes):
        if not nodes:
            continue
        spec = d.vehicles[vehicle]
        cost = d.arc_cost[spec.cost_class]
        path = [spec.start_node, *nodes, spec.end_node]
        total -= sum(int(cost[a, b]) for a, b in itertools.pairwise(path))
        total += sum(d.prize_of(vehicle, n) for n in nodes)
    return total


def _check(d: IntegerProblem, routes: tuple[tuple[int, ...], ...], inactive: set[int]) -> None:
    visited = [n for nodes in routes for n in nodes]
    assert len(visited) == len(set(visited))
    assert not inactive & set(visited)
    for vehicle, nodes in enumerate(routes):
        assert time_route(d, vehicle, nodes) is not None
        assert all(d.may_serve(vehicle, n) for n in nodes)


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 2**31 - 1), st.data())
def test_every_plan_it_returns_is_feasible(p: Problem, seed: int, data: st.DataObject) -> None:
    d = to_integer_problem(_covered(p))
    assert sisr.fits(d)
    inactive = set(data.draw(st.lists(st.integers(0, max(0, d.n_stops - 1)), max_size=2)))
    inactive &= set(range(d.n_stops))
    routes = sisr.search(
        d, deadline=time.monotonic() + 0.02, inactive=frozenset(inactive), seed=seed
    )
    if routes is not None:
        assert len(routes) == len(d.vehicles)
        _check(d, routes, inactive)


@settings(max_examples=40, deadline=None)
@given(problems(), st.integers(0, 2**31 - 1))
def test_on_a_small_day_it_finds_the_best_plan(p: Problem, seed: int) -> None:
    """One vehicle, up to 5 stops: every order of every subset is tried by hand.

    Where some way is missing (a one-way road, an island), a stop worth nothing can be the only
    way to or from one worth much: a search that puts back only the stops that pay never
    finds that pair (the example Hypothesis found: the depot reached from the valuable stop
    only through a stop worth 0). OR-Tools' worker in the same solve can; here it is left out.
    """
    stops = tuple(replace(s, vehicles=(), prizes={}, required=False) for s in p.stops[:5])
    p = _covered(replace(p, vehicles=p.vehicles[:1], stops=stops))
    d = to_integer_problem(p)
    assume(bool((d.travel < UNREACHABLE).all()))
    best = 0
    for size in range(1, d.n_stops + 1):
        for order in itertools.permutations(range(d.n_stops), size):
            if time_route(d, 0, order) is not None:
                best = max(best, _value(d, [list(order)]))
    routes = sisr.search(d, deadline=time.monotonic() + 0.1, seed=seed)
    found = 0 if routes is None else _value(d, routes)
    assert found == best


def test_a_plan_to_start_from_is_kept_or_bettered_and_never_broken() -> None:
    """A start with a visit that breaks its route: that route is dropped, the rest is kept."""
    from tests.routing.route import builders

    p = builders.problem(
        [0, 10, 20, 30],
        [builders.vehicle("a"), builders.vehicle("b")],
        [builders.stop("x", 1, prize=100), builders.stop("y", 2, prize=100)],
    )
    d = to_integer_problem(p)
    routes = sisr.search(d, deadline=time.monotonic() + 0.05, start=[[0, 1], [1]])
    assert routes is not None
    _check(d, routes, set())
    assert sorted(n for nodes in routes for n in nodes) == [0, 1]


@pytest.mark.parametrize("search_s", [0.0, 0.2])
def test_required_stops_are_served_even_where_they_earn_nothing(search_s: float) -> None:
    """Required stops far off the way, worth 0, among many optional ones worth more; also when
    the search has no time at all (a CI run's solve on a busy machine left a pinned stop out:
    the steps offer only the stops near each ruin, and had not come across it)."""
    from tests.routing.route import builders

    positions = [0, *range(1, 21), 500, -500]
    stops = [builders.stop(f"s{k}", k, prize=50, service=10) for k in range(1, 21)]
    stops += [
        builders.stop("far", 21, prize=0, required=True),
        builders.stop("other-way", 22, prize=0, required=True),
    ]
    p = builders.problem(positions, [builders.vehicle("a", shift=(0, 2500))], stops)
    d = to_integer_problem(p)
    routes = sisr.search(d, deadline=time.monotonic() + search_s, seed=3)
    assert routes is not None
    _check(d, routes, set())
    assert {20, 21} <= set(routes[0])
