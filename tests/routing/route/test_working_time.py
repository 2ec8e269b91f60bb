"""Working time costs (issue 15): `Costs.per_working_hour` prices the day from leaving to coming
back, waiting and breaks included, time at visits not.

Hand-checkable instances: times in seconds, money per hour chosen so that one second costs
0.01 (36 an hour). Every plan also goes through the independent checker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from routing import (
    Break,
    Costs,
    Plan,
    Problem,
    ProblemError,
    Reason,
    SolveOptions,
    TimeWindow,
    TravelMatrix,
    solve,
)
from routing.route.integer_problem import to_integer_problem
from routing.route.schedule import time_route
from tests.routing.checker import check_plan
from tests.routing.route.builders import problem, stop, vehicle

FAST = SolveOptions(time_limit_s=1.0)
DRIVING = Costs(per_hour=36)
PRICED = Costs(per_hour=36, per_working_hour=36)


def solved(p: Problem) -> Plan:
    plan = solve(p, FAST)
    assert check_plan(p, plan) == []
    return plan


def matrix(seconds: Sequence[Sequence[float]]) -> TravelMatrix:
    durations = np.array(seconds, dtype=np.float64)
    return TravelMatrix(durations_s=durations, distances_m=np.zeros_like(durations))


def near_work(costs: Costs) -> Problem:
    """Home (0); X (1), booked at 00:10; W (2), open 02:00-02:10; N (3), 5 min from W.

    Visits of 30 min. Doing W straight after X means arriving at 00:50 and waiting 70 min, then
    N: 2,400 s of driving. N before W fills the wait for 300 s more driving (X to N is long)."""
    seconds = [[0, 600, 900, 900], [600, 0, 600, 900], [900, 600, 0, 300], [900, 900, 300, 0]]
    return problem(
        [],
        [vehicle(shift=(0, 20_000))],
        [
            stop("x", 1, prize=1000, service=1800, windows=[(600, 600)]),
            stop("w", 2, prize=1000, service=1800, windows=[(7200, 7800)]),
            stop("n", 3, prize=1000, service=1800),
        ],
        costs=costs,
        matrix=matrix(seconds),
    )


def test_with_waiting_free_the_rep_waits_70_minutes_for_the_window() -> None:
    plan = solved(near_work(DRIVING))
    route = plan.routes[0]
    assert [s.id for s in route.stops] == ["x", "w", "n"]
    assert route.stops[1].waiting_s == 4200
    # The old cost: 2,400 s of driving at 36 an hour, nothing for the wait.
    assert math.isclose(route.cost, 24.0)


def test_priced_working_time_does_the_near_visit_during_the_wait() -> None:
    plan = solved(near_work(PRICED))
    route = plan.routes[0]
    assert [s.id for s in route.stops] == ["x", "n", "w"]
    assert route.waiting_s == 1800
    assert (route.start_s, route.end_s) == (0, 9900)
    # 2,700 s of driving at 36 an hour, and the day (9,900 s) less its visits (5,400 s) at 36
    # an hour: what the search optimised is what the route reports.
    assert math.isclose(route.cost, 27.0 + 45.0)
    assert math.isclose(plan.net, 3000 - 72.0)


def late_window(costs: Costs, late_prize: float = 100.0) -> Problem:
    """A (1) opens 00:10-01:00, B (2) only at 05:33; 10 min between any two places."""
    return problem(
        [],
        [vehicle(shift=(0, 30_000))],
        [
            stop("a", 1, prize=300, service=1800, windows=[(600, 3600)]),
            stop("b", 2, prize=late_prize, service=1800, windows=[(20_000, 20_600)]),
        ],
        costs=costs,
        matrix=matrix([[0, 600, 600], [600, 0, 600], [600, 600, 0]]),
    )


def test_with_waiting_free_the_day_waits_hours_for_a_visit_that_barely_pays() -> None:
    plan = solved(late_window(DRIVING))
    assert [s.id for s in plan.routes[0].stops] == ["a", "b"]


def test_priced_working_time_ends_the_day_when_nothing_more_pays() -> None:
    off = solved(late_window(DRIVING))
    plan = solved(late_window(PRICED))
    route = plan.routes[0]
    assert [s.id for s in route.stops] == ["a"]
    assert route.end_s < off.routes[0].end_s
    assert route.end_s <= 3600 + 1800 + 600
    (left,) = plan.unassigned
    assert left.reason is Reason.NOT_WORTH_IT
    # After a, leaving as late as a's window allows (a at 01:00), b's 600 s detour at 72 an hour
    # and the 14,000 s wait for its window at 36 an hour: 12 + 140.
    assert "152.00" in left.detail, left.detail


def test_priced_working_time_keeps_a_late_visit_that_pays_for_its_wait() -> None:
    plan = solved(late_window(PRICED, late_prize=200))
    route = plan.routes[0]
    assert [s.id for s in route.stops] == ["a", "b"]
    # It leaves late enough to serve a at the end of its window: the wait is 4 h, not 4.7 h.
    assert route.start_s == 3000
    assert math.isclose(route.cost, 1800 * 0.01 + (22_400 - 3000 - 3600) * 0.01)


def lunch_day(afternoon_prize: float) -> Problem:
    """08:00-17:00 as 0-32,400 s; lunch 30 min between 12:00 and 14:00. A morning visit (1)
    until 11:00 at the latest, an afternoon one (2) from 14:30; 10 min between places."""
    lunch = Break(window=TimeWindow(14_400, 21_600), duration_s=1800)
    return problem(
        [],
        [vehicle(shift=(0, 32_400), breaks=(lunch,))],
        [
            stop("morning", 1, prize=1000, service=3600, windows=[(600, 10_800)]),
            stop("afternoon", 2, prize=afternoon_prize, service=1800, windows=[(23_400, 27_000)]),
        ],
        costs=PRICED,
        matrix=matrix([[0, 600, 600], [600, 0, 600], [600, 600, 0]]),
    )


def test_priced_day_goes_on_after_lunch_when_the_afternoon_pays_its_time_and_lunch() -> None:
    plan = solved(lunch_day(afternoon_prize=150))
    route = plan.routes[0]
    assert [s.id for s in route.stops] == ["morning", "afternoon"]
    assert len(route.breaks) == 1
    # Morning 10,800-14,400 (leaving at 10,200); then 9,000 s to the afternoon visit: 600 s of
    # driving, the 1,800 s lunch and 6,600 s of waiting, all working time.
    assert route.start_s == 10_200
    assert math.isclose(route.cost, 1800 * 0.02 + (25_800 - 10_200 - 5400 - 1800) * 0.01)


def test_a_priced_day_pays_for_the_lunch_it_takes() -> None:
    """Documented trade-off: a day that goes past the lunch window takes lunch, and lunch is
    working time (the rep is out). The afternoon visit's driving and waiting cost 78 here
    (600 s at 72 an hour, 6,600 s at 36); with the lunch it takes, 96. At 90 it is left out and
    the day ends before lunch, which it then needs not take."""
    plan = solved(lunch_day(afternoon_prize=90))
    route = plan.routes[0]
    assert [s.id for s in route.stops] == ["morning"]
    assert route.breaks == ()
    assert route.end_s <= 14_400
    assert math.isclose(route.cost, 1200 * 0.02)


def test_waiting_still_costs_nothing_by_default() -> None:
    assert Costs().per_working_hour == 0
    integer = to_integer_problem(near_work(DRIVING))
    assert [v.idle_cost for v in integer.vehicles] == [0]


def test_working_hour_rate_must_be_a_number_at_least_zero() -> None:
    with pytest.raises(ProblemError, match="per_working_hour must be >= 0"):
        Costs(per_working_hour=-1)
    with pytest.raises(ProblemError, match="per_working_hour must be a finite number"):
        Costs(per_working_hour=math.inf)


def test_a_small_rate_is_kept_to_a_twentieth_of_a_percent() -> None:
    integer = to_integer_problem(near_work(Costs(per_working_hour=0.5)))
    (spec,) = integer.vehicles
    rate = spec.idle_cost * integer.money_per_unit * 3600
    assert abs(rate - 0.5) <= 0.5 * 5e-4


def test_leaving_late_moves_the_day_start_into_a_later_wait() -> None:
    integer = to_integer_problem(late_window(PRICED))
    early = time_route(integer, 0, [0, 1])
    late = time_route(integer, 0, [0, 1], leave_late=True)
    assert early is not None
    assert late is not None
    assert (early.departure, early.end) == (0, 22_400)
    assert (late.departure, late.end) == (3000, 22_400)
    assert late.starts == (3600, 20_000)


def test_same_seed_gives_the_same_priced_plan() -> None:
    positions = [0, 3, 7, -4, 12, -9, 5, 1]
    p = problem(
        positions,
        [vehicle(shift=(0, 60))],
        [
            stop(f"s{i}", i, prize=10 + i, service=2, windows=[(0, 10)] if i % 3 else [(30, 40)])
            for i in range(1, len(positions))
        ],
        costs=Costs(per_hour=3600, per_working_hour=1800),
    )
    first = solve(p, SolveOptions(time_limit_s=5, seed=3))
    second = solve(p, SolveOptions(time_limit_s=5, seed=3))
    assert [s.id for s in first.routes[0].stops] == [s.id for s in second.routes[0].stops]
    assert first.solve_time_s < 5
