"""The solver on tiny instances whose best plan can be worked out by hand.

Places lie on a line; travel time equals distance (1 m per second), so every number below can
be checked with pencil and paper. Every plan also goes through the independent checker.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from routing import (
    Break,
    Costs,
    Plan,
    Problem,
    Reason,
    RequiredStopError,
    SolveOptions,
    TimeWindow,
    explicit_matrix,
    solve,
)
from routing.route.integer_problem import IntegerProblem, to_integer_problem
from routing.route.schedule import time_route
from routing.route.solver import _place_required, _Timed
from tests.routing.checker import check_plan
from tests.routing.route.builders import problem, stop, vehicle

FAST = SolveOptions(time_limit_s=0.5)


def solved(p: Problem, options: SolveOptions = FAST) -> Plan:
    plan = solve(p, options)
    assert check_plan(p, plan) == []
    return plan


def served(plan: Plan) -> list[list[str]]:
    return [[s.id for s in route.stops] for route in plan.routes]


def reasons(plan: Plan) -> dict[str, Reason]:
    return {u.id: u.reason for u in plan.unassigned}


def test_one_window_waits_for_the_opening_and_leaves_as_late_as_it_can() -> None:
    p = problem([0, 10], [vehicle()], [stop("a", 1, service=5, windows=[(20, 30)])])
    plan = solved(p)
    route = plan.routes[0]
    assert served(plan) == [["a"]]
    a = route.stops[0]
    assert (a.arrival_s, a.start_s, a.departure_s) == (20, 20, 25)
    assert (route.start_s, route.end_s) == (10, 35)
    assert route.travel_s == 20
    assert plan.unassigned == ()


def test_two_windows_serve_in_the_second_when_the_first_has_closed() -> None:
    p = problem([0, 10], [vehicle()], [stop("a", 1, service=5, windows=[(0, 5), (50, 60)])])
    plan = solved(p)
    assert plan.routes[0].stops[0].start_s == 50


def test_two_windows_serve_in_the_first_when_it_is_open() -> None:
    p = problem([0, 10], [vehicle()], [stop("a", 1, service=5, windows=[(10, 15), (50, 60)])])
    plan = solved(p)
    assert plan.routes[0].stops[0].start_s in range(10, 16)


def test_break_is_taken_inside_its_window_and_never_during_a_visit() -> None:
    lunch = Break(window=TimeWindow(20, 45), duration_s=10)
    p = problem(
        [0, 10, 20],
        [vehicle(breaks=(lunch,), shift=(0, 200))],
        [
            stop("a", 1, service=15, windows=[(10, 10)]),
            stop("b", 2, service=10, windows=[(30, 60)]),
        ],
    )
    plan = solved(p)
    route = plan.routes[0]
    assert served(plan) == [["a", "b"]]
    assert len(route.breaks) == 1
    brk = route.breaks[0]
    assert brk.end_s - brk.start_s == 10
    assert brk.start_s >= 20
    assert brk.end_s <= 45
    # a is served 10-25, so the break fits only between a and b.
    assert brk.start_s >= 25
    assert route.stops[1].start_s >= brk.end_s


def test_break_outside_the_day_is_not_taken() -> None:
    evening = Break(window=TimeWindow(500, 600), duration_s=30)
    p = problem([0, 10], [vehicle(breaks=(evening,), shift=(0, 700))], [stop("a", 1, service=5)])
    plan = solved(p)
    assert served(plan) == [["a"]]
    assert plan.routes[0].breaks == ()


def test_required_stop_that_no_vehicle_can_reach_in_time_is_an_error_naming_it() -> None:
    p = problem(
        [0, 10, 20],
        [vehicle(shift=(0, 100))],
        [stop("early", 1), stop("appointment", 2, windows=[(200, 300)], required=True)],
    )
    with pytest.raises(RequiredStopError) as caught:
        solve(p, FAST)
    assert caught.value.stop_id == "appointment"
    assert caught.value.reason == "outside_windows"
    assert "appointment" in str(caught.value)


def test_required_stops_that_fit_alone_but_not_together_are_an_error() -> None:
    p = problem(
        [0, 50, -50],
        [vehicle(shift=(0, 120))],
        [
            stop("east", 1, windows=[(50, 60)], required=True),
            stop("west", 2, windows=[(50, 60)], required=True),
        ],
    )
    with pytest.raises(RequiredStopError) as caught:
        solve(p, FAST)
    # One vehicle, two stops that no order of the two fits: the error names both.
    assert caught.value.reason == "clash"
    assert {caught.value.stop_id, _other(caught.value.stop_id)} == {"east", "west"}
    said = f"{caught.value.stop_id!r} and {_other(caught.value.stop_id)!r} cannot both be served"
    assert said in str(caught.value)


def _other(name: str) -> str:
    return "west" if name == "east" else "east"


def test_required_stops_that_another_vehicle_may_serve_are_not_called_a_clash() -> None:
    # The same two stops, with a second vehicle allowed to serve either, whose short shift
    # serves neither: the error does not claim more than it knows.
    p = problem(
        [0, 50, -50],
        [vehicle("long", shift=(0, 120)), vehicle("short", shift=(0, 40))],
        [
            stop("east", 1, windows=[(50, 60)], required=True),
            stop("west", 2, windows=[(50, 60)], required=True),
        ],
    )
    _refused_without_a_clash(p)


def _refused_without_a_clash(p: Problem) -> None:
    """Refused in the wording that allows the search ran out of time, not as a clash."""
    with pytest.raises(RequiredStopError) as caught:
        solve(p, FAST)
    assert caught.value.reason == "no_time"
    assert "cannot all be served together" in str(caught.value)


def test_required_stops_on_a_day_of_one_stop_are_not_called_a_clash() -> None:
    # Far apart in time, so only the day's limit of one stop keeps them apart.
    p = problem(
        [0, 50, -50],
        [vehicle(shift=(0, 1000), max_stops=1)],
        [
            stop("east", 1, windows=[(50, 60)], required=True),
            stop("west", 2, windows=[(300, 310)], required=True),
        ],
    )
    _refused_without_a_clash(p)


def test_required_stop_is_served_even_when_it_earns_nothing() -> None:
    p = problem(
        [0, 40],
        [vehicle()],
        [stop("meeting", 1, prize=0, required=True)],
        costs=Costs(per_hour=3600, per_km=1000),
    )
    plan = solved(p)
    assert served(plan) == [["meeting"]]


def test_open_end_finishes_at_the_last_visit() -> None:
    p = problem(
        [0, 10, 20], [vehicle(end=None)], [stop("a", 1, service=5), stop("b", 2, service=5)]
    )
    plan = solved(p)
    route = plan.routes[0]
    assert served(plan) == [["a", "b"]]
    assert route.end_s == route.stops[-1].departure_s
    assert route.travel_s == 20
    assert route.distance_m == 20


def test_explicit_asymmetric_matrix_orders_the_stops_the_cheap_way_round() -> None:
    durations = [[0, 1, 100], [100, 0, 1], [1, 100, 0]]
    matrix = explicit_matrix(durations, durations)
    p = problem([], [vehicle()], [stop("a", 1), stop("b", 2)], matrix=matrix)
    plan = solved(p)
    assert served(plan) == [["a", "b"]]
    assert plan.routes[0].travel_s == 3


def test_unreachable_stop_is_listed_as_unreachable() -> None:
    matrix = explicit_matrix([[0, 5, None], [5, 0, None], [None, None, 0]])
    p = problem([], [vehicle()], [stop("a", 1), stop("island", 2)], matrix=matrix)
    plan = solved(p)
    assert served(plan) == [["a"]]
    assert reasons(plan) == {"island": Reason.UNREACHABLE}


def test_window_that_closes_before_anyone_can_arrive_is_outside_windows() -> None:
    p = problem([0, 100], [vehicle(shift=(0, 1000))], [stop("a", 1, windows=[(0, 50)])])
    plan = solved(p)
    assert reasons(plan) == {"a": Reason.OUTSIDE_WINDOWS}
    assert "closes" in plan.unassigned[0].detail


def test_visit_that_costs_more_than_it_earns_is_not_worth_it() -> None:
    # 2 x 10 km at 1 money/km = 20 money of travel for a visit worth 5.4321 (a value weighted by
    # how overdue the account is: said to the cent).
    p = problem(
        [0, 10_000],
        [vehicle(shift=(0, 100_000))],
        [stop("small", 1, prize=5.4321)],
        costs=Costs(per_km=1.0),
    )
    plan = solved(p)
    assert served(plan) == [[]]
    assert reasons(plan) == {"small": Reason.NOT_WORTH_IT}
    assert plan.unassigned[0].detail == (
        "a visit earns 5.43; even as the only stop the detour costs 20.00"
    )
    assert plan.net == 0


def test_profitable_visit_that_does_not_fit_the_day_is_no_time() -> None:
    p = problem(
        [0, 40, -40],
        [vehicle(shift=(0, 100))],
        [stop("big", 1, prize=100, service=10), stop("smaller", 2, prize=60, service=10)],
    )
    plan = solved(p)
    assert served(plan) == [["big"]]
    assert reasons(plan) == {"smaller": Reason.NO_TIME}


def test_max_stops_limits_the_day() -> None:
    p = problem(
        [0, 1, 2, 3],
        [vehicle(max_stops=2)],
        [stop("a", 1, prize=10), stop("b", 2, prize=30), stop("c", 3, prize=20)],
    )
    plan = solved(p)
    assert sorted(served(plan)[0]) == ["b", "c"]
    assert reasons(plan) == {"a": Reason.NO_TIME}


def test_max_travel_time_limits_the_day() -> None:
    p = problem(
        [0, 10, -30],
        [vehicle(max_travel_s=25)],
        [stop("near", 1, prize=10), stop("far", 2, prize=50)],
    )
    plan = solved(p)
    assert served(plan) == [["near"]]
    assert reasons(plan) == {"far": Reason.OUTSIDE_WINDOWS}


def test_stop_restricted_to_one_vehicle_is_served_by_that_vehicle() -> None:
    p = problem(
        [0, 100, 1, 99],
        [vehicle("west", start=0, end=0), vehicle("east", start=1, end=1)],
        [stop("w", 2, vehicles=("east",)), stop("e", 3)],
    )
    plan = solved(p)
    assert served(plan) == [[], ["w", "e"]] or served(plan) == [[], ["e", "w"]]


def test_several_vehicles_share_the_work_by_where_they_live() -> None:
    p = problem(
        [0, 100, 2, 3, 98, 97],
        [
            vehicle("west", start=0, end=0, shift=(0, 50)),
            vehicle("east", start=1, end=1, shift=(0, 50)),
        ],
        [stop("w1", 2), stop("w2", 3), stop("e1", 4), stop("e2", 5)],
    )
    plan = solved(p)
    west, east = (sorted(r) for r in served(plan))
    assert (west, east) == (["w1", "w2"], ["e1", "e2"])


def test_fractional_times_are_rounded_so_the_plan_holds_in_the_callers_numbers() -> None:
    durations = np.array([[0.0, 10.4, 10.4], [10.4, 0.0, 0.3], [10.4, 0.3, 0.0]])
    matrix = explicit_matrix(durations.tolist(), durations.tolist())
    p = problem(
        [],
        [vehicle(shift=(0, 40.2))],
        [
            stop("a", 1, service=2.2, windows=[(11.0, 11.5)]),
            stop("b", 2, service=1.1, windows=[(13.2, 20.0)]),
        ],
        matrix=matrix,
    )
    plan = solved(p)
    assert served(plan) == [["a", "b"]]
    a, b = plan.routes[0].stops
    # Rounded up: leave a at 11 + ceil(2.2) = 14, reach b at 14 + ceil(0.3) = 15.
    assert (a.start_s, b.start_s) == (11, 15)
    assert plan.routes[0].end_s <= 40.2


def test_zero_costs_maximise_prize_and_break_ties_by_travel() -> None:
    p = problem([0, -5, 5], [vehicle()], [stop("a", 1), stop("b", 2)])
    plan = solved(p)
    assert sorted(served(plan)[0]) == ["a", "b"]
    assert plan.routes[0].travel_s == 20
    assert plan.cost == 0


def test_net_is_prize_minus_travel_cost() -> None:
    p = problem(
        [0, 1000],
        [vehicle(shift=(0, 10_000))],
        [stop("a", 1, prize=50)],
        costs=Costs(per_km=2, per_hour=36),
    )
    plan = solved(p)
    # 2 km at 2/km + 2000 s at 36/h = 4 + 20.
    assert math.isclose(plan.cost, 24.0)
    assert math.isclose(plan.net, 26.0)


def test_per_vehicle_costs_send_the_cheaper_vehicle() -> None:
    p = problem(
        [0, 10],
        [
            vehicle("dear", costs=Costs(per_km=100)),
            vehicle("cheap", costs=Costs(per_km=1)),
        ],
        [stop("a", 1, prize=10)],
    )
    plan = solved(p)
    assert served(plan) == [[], ["a"]]


def test_same_seed_gives_the_same_plan() -> None:
    positions = [0, 3, 7, -4, 12, -9, 5, 1]
    p = problem(
        positions,
        [vehicle(shift=(0, 40))],
        [stop(f"s{i}", i, prize=10 + i, service=2) for i in range(1, len(positions))],
    )
    first = solve(p, SolveOptions(time_limit_s=5, seed=3))
    second = solve(p, SolveOptions(time_limit_s=5, seed=3))
    assert served(first) == served(second)
    assert first.solve_time_s < 5  # ended on its own, so the answer does not depend on timing


def test_empty_problem_gives_empty_routes() -> None:
    p = problem([0], [vehicle(), vehicle("other")], [])
    plan = solved(p)
    assert served(plan) == [[], []]
    assert plan.prize == 0


@pytest.mark.alone
def test_two_workers_give_a_feasible_plan_within_the_limit() -> None:
    positions = list(range(0, 60, 3))
    p = problem(
        positions,
        [vehicle(shift=(0, 60)), vehicle("b", shift=(0, 60))],
        [stop(f"s{i}", i, prize=i, service=3) for i in range(1, len(positions))],
    )
    plan = solved(p, SolveOptions(time_limit_s=1.5, workers=2))
    assert plan.solve_time_s <= 1.5 + 0.5
    assert plan.prize > 0


@pytest.mark.alone
def test_a_tiny_time_limit_still_gives_a_plan() -> None:
    p = problem([0, 5, 10], [vehicle()], [stop("a", 1), stop("b", 2)])
    plan = solved(p, SolveOptions(time_limit_s=0.01))
    assert plan.solve_time_s < 0.5


def test_vehicle_that_cannot_reach_its_end_within_its_shift_stays_home() -> None:
    p = problem(
        [0, 500, 5],
        [vehicle("stuck", start=0, end=1, shift=(0, 100)), vehicle("ok", start=0, end=0)],
        [stop("a", 2)],
    )
    plan = solved(p)
    assert served(plan) == [[], ["a"]]


def _full_days(prizes: list[list[float]]) -> tuple[IntegerProblem, list[_Timed]]:
    """One rep per list of prizes, each day full with visits of those prizes (four 200 s visits
    10 m out fill a 1,000 s shift), and one required stop, left out (as by a search cut short)."""
    reps = [vehicle(f"rep-{k}") for k in range(len(prizes))]
    stops = [
        stop(f"r{k}-{j}", 1, prize=prize, service=200.0)
        for k, day in enumerate(prizes)
        for j, prize in enumerate(day)
    ]
    stops.append(stop("pinned", 1, service=200.0, required=True))
    integer = to_integer_problem(problem([0.0, 10.0], reps, stops))
    timed = []
    first = 0
    for k, day in enumerate(prizes):
        nodes = list(range(first, first + len(day)))
        first += len(day)
        timeline = time_route(integer, k, nodes)
        assert timeline is not None
        timed.append(_Timed(nodes, list(timeline.starts), timeline.departure, timeline.end, []))
    return integer, timed


def test_a_required_stop_left_out_takes_the_place_of_the_least_valuable_visit() -> None:
    integer, timed = _full_days([[30.0, 10.0, 40.0, 20.0]])
    pinned = integer.n_stops - 1
    assert _place_required(integer, timed, deadline=math.inf)
    (day,) = timed
    assert sorted(day.nodes) == [0, 2, 3, pinned]  # the 10 went
    assert time_route(integer, 0, day.nodes) is not None


@pytest.mark.parametrize("deadline", [math.inf, -math.inf], ids=["in-time", "past-deadline"])
def test_a_required_stop_goes_to_the_day_where_it_costs_least(deadline: float) -> None:
    """Past the deadline the least valuable day that takes it does: here the same one."""
    integer, timed = _full_days([[50.0] * 4, [5.0, 1.0, 2.0, 3.0], [40.0] * 4])
    pinned = integer.n_stops - 1
    assert _place_required(integer, timed, deadline=deadline)
    assert [len(day.nodes) for day in timed] == [4, 4, 4]
    assert pinned in timed[1].nodes
    assert 5 not in timed[1].nodes  # rep-1's 1 went


def test_nothing_changes_when_no_required_stop_is_left_out() -> None:
    integer, timed = _full_days([[30.0, 10.0, 40.0]])
    timed[0] = _Timed([*timed[0].nodes, integer.n_stops - 1], [], 0, 0, [])
    assert not _place_required(integer, timed, deadline=math.inf)
