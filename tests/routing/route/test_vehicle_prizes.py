"""Stops whose visit earns a different prize with each vehicle (a week's days, issue 15).

Same line world as `test_solver`: travel time equals distance; "mon" and "thu" are two vehicles
alike in everything but what a visit earns with them, so only the prizes can decide.
"""

from __future__ import annotations

import math

import pytest

from routing import (
    Costs,
    Plan,
    Problem,
    ProblemError,
    Reason,
    SolveOptions,
    explicit_matrix,
    solve,
)
from routing.route.integer_problem import to_integer_problem
from tests.routing.checker import check_plan
from tests.routing.route.builders import problem, stop, vehicle

FAST = SolveOptions(time_limit_s=0.5)
WEEK = [vehicle("mon"), vehicle("thu")]


def solved(p: Problem) -> Plan:
    plan = solve(p, FAST)
    assert check_plan(p, plan) == []
    return plan


def day_of(plan: Plan) -> dict[str, str]:
    return {s.id: route.vehicle_id for route in plan.routes for s in route.stops}


def test_a_stop_worth_more_on_thursday_is_visited_thursday_when_both_fit() -> None:
    # "thu" comes second: the plan cannot land there by the order of the vehicles.
    p = problem([0, 10], WEEK, [stop("a", 1, prize=0, prizes={"mon": 10, "thu": 50})])
    plan = solved(p)
    assert day_of(plan) == {"a": "thu"}
    mon, thu = plan.routes
    assert (mon.prize, thu.prize) == (0, 50)
    assert plan.prize == 50


def test_the_same_stop_worth_more_on_monday_is_visited_monday() -> None:
    p = problem([0, 10], WEEK, [stop("a", 1, prize=0, prizes={"mon": 50, "thu": 10})])
    assert day_of(solved(p)) == {"a": "mon"}


def test_with_room_for_one_visit_a_day_the_pair_that_earns_most_wins() -> None:
    # Both are worth more on Thursday, but a gains 40 by waiting and b only 10: a on Thursday
    # and b on Monday earn 50 + 30 = 80, the other way round 10 + 40 = 50.
    week = [vehicle("mon", max_stops=1), vehicle("thu", max_stops=1)]
    p = problem(
        [0, 10, 11],
        week,
        [
            stop("a", 1, prize=0, prizes={"mon": 10, "thu": 50}),
            stop("b", 2, prize=0, prizes={"mon": 30, "thu": 40}),
        ],
    )
    plan = solved(p)
    assert day_of(plan) == {"a": "thu", "b": "mon"}
    assert plan.prize == 80


def test_a_vehicle_not_listed_earns_the_stops_own_prize() -> None:
    p = problem([0, 10], WEEK, [stop("a", 1, prize=70, prizes={"mon": 20})])
    plan = solved(p)
    assert day_of(plan) == {"a": "thu"}
    assert plan.routes[1].prize == 70


def test_net_counts_the_prize_of_the_vehicle_that_makes_the_visit() -> None:
    # 2 km at 2/km = 4 of travel; the visit earns 50 on Thursday (30 on Monday): net 46.
    p = problem(
        [0, 1000],
        [vehicle("mon", shift=(0, 10_000)), vehicle("thu", shift=(0, 10_000))],
        [stop("a", 1, prize=0, prizes={"mon": 30, "thu": 50})],
        costs=Costs(per_km=2),
    )
    plan = solved(p)
    assert day_of(plan) == {"a": "thu"}
    assert math.isclose(plan.cost, 4.0)
    assert math.isclose(plan.net, 46.0)


def test_a_stop_worth_a_drive_on_one_day_only_is_visited_that_day() -> None:
    # 20 km of travel at 1/km: only Thursday's 30 pays for it.
    p = problem(
        [0, 10_000],
        [vehicle("mon", shift=(0, 100_000)), vehicle("thu", shift=(0, 100_000))],
        [stop("a", 1, prize=0, prizes={"mon": 5, "thu": 30})],
        costs=Costs(per_km=1.0),
    )
    plan = solved(p)
    assert day_of(plan) == {"a": "thu"}
    assert math.isclose(plan.net, 10.0)


def test_a_stop_worth_no_drive_on_any_day_names_its_best_day() -> None:
    p = problem(
        [0, 10_000],
        [vehicle("mon", shift=(0, 100_000)), vehicle("thu", shift=(0, 100_000))],
        [stop("small", 1, prize=0, prizes={"mon": 5, "thu": 8})],
        costs=Costs(per_km=1.0),
    )
    plan = solved(p)
    [left] = plan.unassigned
    assert left.reason is Reason.NOT_WORTH_IT
    assert left.detail == (
        "a visit earns 8 in thu's day, its best; even as the only stop the detour costs 20.00"
    )


def test_a_stop_that_fits_a_day_but_does_not_pay_there_says_what_it_earns_there() -> None:
    # A caller's matrix (1 money per metre): s is 5 from home but 100 from a, so alone it costs
    # 10 and next to a 95. "thu" would pay 60 but makes no visits: on Monday s earns 50, enough
    # for a lone trip, not for the 95 next to a, which is worth more (100 for 20).
    grid = [[0.0, 10.0, 5.0], [10.0, 0.0, 100.0], [5.0, 100.0, 0.0]]
    p = problem(
        [],
        [vehicle("mon"), vehicle("thu", max_stops=0)],
        [stop("a", 1, prize=100), stop("s", 2, prize=0, prizes={"mon": 50, "thu": 60})],
        costs=Costs(per_km=1000.0),
        matrix=explicit_matrix(grid, grid),
    )
    plan = solved(p)
    assert day_of(plan) == {"a": "mon"}
    [left] = plan.unassigned
    assert left.reason is Reason.NOT_WORTH_IT
    assert left.detail == (
        "fits into mon's day, but the detour costs 95.00, more than the 50 a visit earns there"
    )


def test_objective_units_keep_every_vehicles_prize() -> None:
    p = problem([0, 10], WEEK, [stop("a", 1, prize=1, prizes={"mon": 10, "thu": 50})])
    d = to_integer_problem(p)
    units = 1.0 / d.money_per_unit
    assert d.prize[0] == round(50 * units)
    assert [d.prize_of(v, 0) for v in range(2)] == [round(10 * units), round(50 * units)]
    assert list(d.shortfall(0)[:1]) == [round(40 * units)]
    assert list(d.shortfall(1)[:1]) == [0]


def test_the_loss_for_leaving_a_stop_out_is_its_best_allowed_prize() -> None:
    # 90 with "thu", which may not serve it: leaving it out loses Monday's 20 only.
    p = problem(
        [0, 10],
        [vehicle("mon"), vehicle("thu"), vehicle("fri")],
        [stop("a", 1, prize=20, vehicles=("mon", "fri"), prizes={"fri": 5})],
    )
    d = to_integer_problem(p)
    assert d.prize[0] == round(20 / d.money_per_unit)


@pytest.mark.parametrize(
    ("prizes", "vehicles", "message"),
    [
        ({"mon": -1.0}, (), r"stop 'a': prize for vehicle 'mon' must be >= 0"),
        ({"mon": math.inf}, (), r"stop 'a': prize for vehicle 'mon' must be a finite number"),
        ({"mon": math.nan}, (), r"stop 'a': prize for vehicle 'mon' must be a finite number"),
        ({"thu": 5.0}, ("mon",), r"stop 'a': a prize for vehicle 'thu', which may not serve it"),
    ],
)
def test_bad_per_vehicle_prizes_are_refused_by_name(
    prizes: dict[str, float], vehicles: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ProblemError, match=message):
        stop("a", 1, prizes=prizes, vehicles=vehicles)


def test_a_prize_for_an_unknown_vehicle_is_refused_by_name() -> None:
    with pytest.raises(ProblemError, match=r"stop 'a': unknown vehicle 'sun' in prizes"):
        problem([0, 10], WEEK, [stop("a", 1, prizes={"sun": 5.0})])


def test_the_stop_keeps_its_own_copy_of_the_prizes() -> None:
    given = {"mon": 5.0}
    a = stop("a", 1, prize=1, prizes=given)
    given["mon"] = 500.0
    assert a.prize_for("mon") == 5.0
    assert a.prize_for("thu") == 1.0
