"""A solve that goes on from a given plan (`SolveOptions.start`): never worse than that plan,
and a start that no longer fits is cut back, not refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.field_day_peers import peer_day
from routing import Plan, Problem, SolveOptions, solve
from routing.route import solver
from tests.routing.checker import check_plan


def _routes(plan: Plan) -> dict[str, list[str]]:
    return {route.vehicle_id: [s.id for s in route.stops] for route in plan.routes}


@pytest.fixture(scope="module")
def day() -> Problem:
    return peer_day(1, 300, 2).problem


@pytest.fixture(scope="module")
def earlier(day: Problem) -> Plan:
    return solve(day, SolveOptions(time_limit_s=3.0, seed=1))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_short_solve_from_a_good_plan_keeps_at_least_its_value(
    day: Problem, earlier: Plan, workers: int
) -> None:
    plan = solve(
        day, SolveOptions(time_limit_s=0.5, seed=2, workers=workers, start=_routes(earlier))
    )
    assert check_plan(day, plan) == []
    assert plan.net >= earlier.net - 1e-6 * abs(earlier.net)


def test_a_start_that_no_longer_fits_is_cut_back_to_what_does(day: Problem, earlier: Plan) -> None:
    start = _routes(earlier)
    first, second = day.vehicles[0].id, day.vehicles[1].id
    gone = start[first][0]
    stale = {
        # a stop that left the problem, one served twice, and a rep who is no longer there
        first: [*start[first], "no-such-account", start[second][0]],
        second: start[second],
        "rep-gone": ["acc-0001"],
    }
    smaller = replace(day, stops=tuple(s for s in day.stops if s.id != gone))
    plan = solve(smaller, SolveOptions(time_limit_s=0.5, seed=2, start=stale))
    assert check_plan(smaller, plan) == []
    ids = [s.id for route in plan.routes for s in route.stops]
    assert gone not in ids
    assert len(ids) == len(set(ids))


def test_a_solve_whose_searches_found_nothing_keeps_its_start(
    day: Problem, earlier: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search cut short (started late, starved by a busy machine) returns nothing: the start
    is still a plan, better than rebuilding the day from nothing by repair."""
    monkeypatch.setattr(solver, "run_searches", lambda *args, **kwargs: [])
    plan = solve(day, SolveOptions(time_limit_s=1.0, seed=2, start=_routes(earlier)))
    assert check_plan(day, plan) == []
    kept = _routes(plan)
    for vehicle, stops in _routes(earlier).items():
        # Repair may add a stop the earlier plan left out; every planned visit stays, in order.
        assert [s for s in kept[vehicle] if s in stops] == stops
    assert plan.net >= earlier.net - 1e-6 * abs(earlier.net)
