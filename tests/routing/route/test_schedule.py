"""`time_route` accepts the days OR-Tools plans: its "does not fit" drives explanations,
greedy plans and repairs, so a day it wrongly refuses is a visit wrongly left out."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings

from routing import Break, Problem, TimeWindow
from routing.route.integer_problem import to_integer_problem
from routing.route.ortools_model import RoutingSearch
from routing.route.schedule import time_route
from tests.routing.route.builders import problem, stop, vehicle
from tests.routing.route.test_feasibility import problems


def test_a_break_that_fits_only_before_the_first_visit_is_found() -> None:
    # Lunch (13 s, to end by 16) cannot wait for a gap between the two visits (the first must
    # start by 13 and the second takes 12 s): taken at home first, both visits fit by 26.
    lunch = Break(window=TimeWindow(0, 16), duration_s=13)
    p = problem(
        [0, 1],
        [vehicle(start=1, end=0, shift=(0, 26), breaks=(lunch,))],
        [stop("early", 1, windows=[(1, 13)]), stop("long", 1, service=12)],
    )
    d = to_integer_problem(p)
    timeline = time_route(d, 0, [0, 1])
    assert timeline is not None
    assert (timeline.starts, timeline.end, timeline.breaks) == ((13, 13), 26, ((0, 13),))
    # Where waiting costs, the day starts when lunch is over instead: lunch before the day.
    late = time_route(d, 0, [0, 1], leave_late=True)
    assert late is not None
    assert (late.departure, late.starts, late.end, late.breaks) == (13, (13, 13), 26, ())


def test_a_break_the_greedy_would_postpone_is_taken_where_it_still_fits() -> None:
    # Waiting for a window at 19 anyway, the break (10 s, start by 19) fits in the first gap
    # at a cost of 3 s; postponed, it would push the long second leg past the shift's end.
    brk = Break(window=TimeWindow(1, 29), duration_s=10)
    p = problem(
        [0, 12, 53],
        [vehicle(start=1, end=2, shift=(0, 82), breaks=(brk,))],
        [stop("window", 0, windows=[(19, 22)]), stop("far", 1, service=1)],
    )
    d = to_integer_problem(p)
    timeline = time_route(d, 0, [0, 1])
    assert timeline is not None
    assert (timeline.starts, timeline.breaks) == ((22, 34), ((1, 10),))
    assert timeline.end == 34 + 1 + 41


def test_a_break_that_must_start_before_the_day_is_had_by_starting_once_it_could_end() -> None:
    # The break (2 s in 0-2) must start at 0, before the shift (from 1): no gap can hold it.
    # Leaving at 2, when it could be over, the day has had it (as in OR-Tools' model).
    brk = Break(window=TimeWindow(0, 2), duration_s=2)
    rep = vehicle(start=0, end=0, shift=(1, 10), breaks=(brk,))
    p = problem([0, 1], [rep], [stop("x", 1, windows=[(0, 9)])])
    d = to_integer_problem(p)
    timeline = time_route(d, 0, [0])
    assert timeline is not None
    at = d.offset_s  # the problem's times count from here
    assert (at + timeline.departure, at + timeline.starts[0], timeline.breaks) == (2, 3, ())


def test_a_day_too_long_for_its_shift_still_does_not_fit() -> None:
    lunch = Break(window=TimeWindow(0, 16), duration_s=13)
    p = problem(
        [0, 1],
        [vehicle(start=1, end=0, shift=(0, 25), breaks=(lunch,))],
        [stop("early", 1, windows=[(1, 13)]), stop("long", 1, service=12)],
    )
    assert time_route(to_integer_problem(p), 0, [0, 1]) is None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_route_or_tools_finds_is_one_time_route_can_time(p: Problem) -> None:
    d = to_integer_problem(p)
    found = RoutingSearch(d).first(0.2)
    assume(found is not None)  # some generated shifts cannot hold their breaks
    assert found is not None
    for vehicle_number, nodes in enumerate(found.nodes()):
        assert time_route(d, vehicle_number, nodes) is not None, (
            f"vehicle {vehicle_number} cannot be timed through {nodes}"
        )
