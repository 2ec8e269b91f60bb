"""VROOM's plan as the start of a large day (`routing.route.vroom_start`): given Fieldroute's
rules faithfully, every visit it plans fits them, and a solve that starts from it is feasible."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from bench.realistic_day import make_day
from routing import Break, Problem, SolveOptions, TimeWindow, solve
from routing.route.integer_problem import to_integer_problem
from routing.route.solver import _feasible
from routing.route.vroom_start import LEAST_STOPS, routes_apart, wanted
from tests.routing.checker import check_plan
from tests.routing.route.test_time_limit import largest_problem


def _constrained(seed: int, n_stops: int, n_reps: int) -> Problem:
    """A realistic day (opening hours, split days, lunch) where a third of the accounts may be
    visited by the first rep only, the second rep's day ends wherever it ends and the third
    makes 5 visits at most."""
    day = make_day(seed, n_stops, n_reps)
    reps = list(day.vehicles)
    reps[1] = replace(reps[1], end_index=None)
    reps[2] = replace(reps[2], max_stops=5)
    stops = tuple(
        replace(stop, vehicles=(reps[0].id,)) if k % 3 == 0 else stop
        for k, stop in enumerate(day.stops)
    )
    return replace(day, vehicles=tuple(reps), stops=stops)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_visit_vroom_plans_fits_fieldroute_s_rules(seed: int) -> None:
    problem = _constrained(seed, LEAST_STOPS + 50, 3)
    integer = to_integer_problem(problem)
    routes = routes_apart(integer, set(), budget_s=5.0)
    assert routes is not None
    assert len(routes) == 3
    kept = _feasible(integer, set(), routes)
    assert kept == routes  # nothing dropped: shifts, windows, lunch, limits all carried over
    assert len(routes[2]) <= 5
    served_by_others = {node for route in routes[1:] for node in route}
    assert not any(node % 3 == 0 for node in served_by_others)


def test_stops_already_known_impossible_are_not_given_to_vroom() -> None:
    integer = to_integer_problem(make_day(3, LEAST_STOPS, 2))
    impossible = set(range(0, integer.n_stops, 2))
    routes = routes_apart(integer, impossible, budget_s=5.0)
    assert routes is not None
    assert not impossible & {node for route in routes for node in route}


def test_a_large_day_solved_from_vroom_s_start_is_feasible() -> None:
    problem = _constrained(4, LEAST_STOPS + 100, 3)
    plan = solve(problem, SolveOptions(time_limit_s=2.0, seed=1, workers=2))
    assert check_plan(problem, plan) == []
    assert sum(len(route.stops) for route in plan.routes) > 0
    assert len(plan.routes[2].stops) <= 5


def test_a_week_whose_visits_earn_by_day_is_left_to_the_search() -> None:
    day = make_day(5, LEAST_STOPS, 2)
    assert wanted(to_integer_problem(day))
    first = day.vehicles[0].id
    week = replace(day, stops=tuple(replace(s, prizes={first: 2 * s.prize}) for s in day.stops))
    assert not wanted(to_integer_problem(week))
    assert not wanted(to_integer_problem(make_day(5, LEAST_STOPS - 1, 2)))


def test_a_rep_whose_break_vroom_refuses_gets_no_start_and_still_a_plan() -> None:
    # Lunch after the shift's end: a break the day does without to Fieldroute, an
    # "inconsistent break" VROOM refuses the whole input for.
    day = make_day(6, LEAST_STOPS + 20, 2)
    first = day.vehicles[0]
    late = Break(
        window=TimeWindow(first.shift.end_s + 3600, first.shift.end_s + 7200), duration_s=1800
    )
    day = replace(day, vehicles=(replace(first, breaks=(late,)), *day.vehicles[1:]))
    assert routes_apart(to_integer_problem(day), set(), budget_s=5.0) is None
    plan = solve(day, SolveOptions(time_limit_s=1.0, seed=1))
    assert check_plan(day, plan) == []
    assert sum(len(route.stops) for route in plan.routes) > 0


def test_vroom_past_its_time_is_ended_and_gives_no_start() -> None:
    # 1,000 stops x 100 reps: VROOM's first plans alone take 3.7 s on an idle machine.
    integer = to_integer_problem(largest_problem(1))
    started = time.monotonic()
    assert routes_apart(integer, set(), budget_s=0.2) is None
    assert time.monotonic() - started < 3.0
