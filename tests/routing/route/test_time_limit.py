"""The time limit holds for the whole solve (issue 15): explanations are budgeted and degrade to
`not_explained` rather than overrun; stops not checked alone before the search are checked when
they are explained; the largest problem the API accepts answers in time, two at once too.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from routing import (
    Break,
    Costs,
    Plan,
    Point,
    Problem,
    Reason,
    SolveOptions,
    Stop,
    TimeWindow,
    Vehicle,
    explicit_matrix,
    haversine_matrix,
    solve,
)
from routing.route.explain import (
    LEAST_CHECKED,
    NOT_EXPLAINED_DETAIL,
    alone_verdicts,
    explain,
    travel_money,
)
from routing.route.integer_problem import to_integer_problem
from routing.route.parallel import warm_up
from routing.route.solver import _LEAST_S, _REPAIR_LEAST_S, _repair, _Timed
from tests.routing.checker import check_plan
from tests.routing.route.builders import problem, stop, vehicle

pytestmark = pytest.mark.alone

SLACK_S = 0.5
"""What the issue allows past the time limit (a shared machine's noise, not the plan's work)."""


def _costly() -> Problem:
    """Five stops 10 km out, each worth less than the 20 km round trip, and an island."""
    grid: list[list[float | None]] = [
        [0, *[10_000] * 5, None],
        *([10_000, *[0] * 5, None] for _ in range(5)),
        [None] * 6 + [0],
    ]
    matrix = explicit_matrix(grid, grid)
    stops = [stop(f"s{k}", 1 + k, prize=float(10 + k)) for k in range(5)]
    return problem(
        [],
        [vehicle(shift=(0, 100_000))],
        [*stops, stop("island", 6, prize=50.0)],
        costs=Costs(per_km=1.0),
        matrix=matrix,
    )


def _explained(
    p: Problem,
    *,
    deadline: float,
    clock: object = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
    least: int = 0,
) -> dict[str, Reason]:
    """Every stop of `p` left out of empty routes, explained by `deadline` (on `clock`, if given:
    it then stands in for the explanations' clock once the verdicts are in), the first `least`
    whatever the time (none by default: these tests are about what the deadline cuts)."""
    integer = to_integer_problem(p)
    verdicts = alone_verdicts(integer)
    money = travel_money(p, integer)
    left_out = list(range(integer.n_stops))
    routes: list[list[int]] = [[] for _ in p.vehicles]
    if monkeypatch is not None:
        monkeypatch.setattr("routing.route.explain.time", clock)
    answers = explain(p, integer, money, routes, left_out, verdicts, deadline=deadline, least=least)
    assert [a.id for a in answers] == [s.id for s in p.stops]  # in the order asked
    for answer in answers:
        if answer.reason is Reason.NOT_EXPLAINED:
            assert answer.detail == NOT_EXPLAINED_DETAIL
    return {a.id: a.reason for a in answers}


def test_explanations_past_their_deadline_say_not_explained_and_known_verdicts_stay() -> None:
    gone = _explained(_costly(), deadline=time.monotonic() - 1.0)
    assert gone == {
        **{f"s{k}": Reason.NOT_EXPLAINED for k in range(5)},
        "island": Reason.UNREACHABLE,
    }
    in_time = _explained(_costly(), deadline=math.inf)
    assert in_time == {
        **{f"s{k}": Reason.NOT_WORTH_IT for k in range(5)},
        "island": Reason.UNREACHABLE,
    }


def test_the_first_few_stops_are_explained_whatever_the_deadline() -> None:
    """A small day on a machine too busy to keep the deadline still says why (CI under load
    answered "not explained in time" for two stops no road reaches)."""
    late = _explained(_costly(), deadline=time.monotonic() - 1.0, least=LEAST_CHECKED)
    assert late == _explained(_costly(), deadline=math.inf)
    matrix = explicit_matrix([[0, None, 5], [None, 0, None], [5, None, 0]])
    p = problem([], [vehicle()], [stop("far", 1), stop("near", 2)], matrix=matrix)
    assert set(alone_verdicts(to_integer_problem(p), deadline=time.monotonic() - 1.0)) == {0}


class _Ticking:
    """A monotonic clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def test_the_most_valuable_left_out_stops_are_explained_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Read before each stop that needs work: at 1, 2 and 3 s in time, at 4 s too late.
    reasons = _explained(_costly(), deadline=3.0, clock=_Ticking(), monkeypatch=monkeypatch)
    assert reasons == {
        "s4": Reason.NOT_WORTH_IT,
        "s3": Reason.NOT_WORTH_IT,
        "s2": Reason.NOT_WORTH_IT,
        "s1": Reason.NOT_EXPLAINED,
        "s0": Reason.NOT_EXPLAINED,
        "island": Reason.UNREACHABLE,
    }


def test_past_its_deadline_only_required_stops_are_checked_alone() -> None:
    matrix = explicit_matrix([[0, None, 5], [None, 0, None], [5, None, 0]])
    p = problem([], [vehicle()], [stop("far", 1), stop("near", 2, required=True)], matrix=matrix)
    integer = to_integer_problem(p)
    assert alone_verdicts(integer, deadline=time.monotonic() - 1.0, least=0) == {}  # "near" fine
    assert set(alone_verdicts(integer)) == {0}
    # Left out without a verdict, "far" is found unreachable when it is explained.
    money = travel_money(p, integer)
    [answer] = explain(p, integer, money, [[1]], [0], {}, deadline=math.inf)
    assert (answer.id, answer.reason) == ("far", Reason.UNREACHABLE)


def test_a_solve_whose_deadline_has_passed_still_plans_within_its_least_time() -> None:
    """The caller's own work (a cold travel matrix) took the whole limit: the solve still takes
    its least time, a quarter second, and no more, and plans what pays in it."""
    p = _costly()
    started = time.monotonic()
    plan = solve(p, SolveOptions(time_limit_s=5.0), deadline=started - 1.0)
    assert time.monotonic() - started < _LEAST_S + SLACK_S
    assert check_plan(p, plan) == []
    # Alone no stop pays for the 20 km round trip; the five together do (60 for 20).
    assert [len(r.stops) for r in plan.routes] == [5]
    assert [u.id for u in plan.unassigned] == ["island"]


def test_repair_in_a_starved_solve_process_still_makes_a_day() -> None:
    """A solve process starved by a busy machine (solves run niced) reaches repair with its
    deadline passed and nothing from the search: repair still takes its least processor time
    and plans a day, where the wall clock alone would let it insert nothing."""
    p = largest_problem(3, n_stops=60, n_vehicles=2)
    integer = to_integer_problem(p)
    money = travel_money(p, integer)

    def repaired(least_cpu_s: float) -> int:
        timed = [_Timed([], [], v.shift_start, v.shift_start, []) for v in integer.vehicles]
        _repair(
            integer, money, timed, set(), deadline=time.monotonic() - 1.0, least_cpu_s=least_cpu_s
        )
        return sum(len(route.nodes) for route in timed)

    assert repaired(0.0) == 0
    assert repaired(_REPAIR_LEAST_S) > 0


def largest_problem(seed: int, n_stops: int = 1000, n_vehicles: int = 100) -> Problem:
    """The API's largest request: reps with lunch over a 60 km region, accounts with one or two
    opening windows and 20-60 min visits."""
    rng = np.random.default_rng(seed)
    lat = 52.37 + rng.uniform(-0.4, 0.4, n_vehicles + n_stops)
    lon = 4.90 + rng.uniform(-0.6, 0.6, n_vehicles + n_stops)
    matrix = haversine_matrix([Point(a, b) for a, b in zip(lat, lon, strict=True)])
    h = 3600.0
    lunch = Break(TimeWindow(12 * h, 14 * h), 45 * 60.0)
    vehicles = tuple(
        Vehicle(
            id=f"rep-{k}",
            start_index=k,
            end_index=k,
            shift=TimeWindow(8 * h, 18 * h),
            breaks=(lunch,),
        )
        for k in range(n_vehicles)
    )
    split = (TimeWindow(8 * h, 12 * h), TimeWindow(13.5 * h, 18 * h))
    stops = tuple(
        Stop(
            id=f"acc-{k}",
            index=n_vehicles + k,
            service_s=float(rng.integers(4, 13) * 300),
            windows=split if k % 4 == 0 else (TimeWindow(9 * h, 17 * h),),
            prize=float(np.round(rng.lognormal(math.log(80.0), 0.9))),
        )
        for k in range(n_stops)
    )
    return Problem(vehicles=vehicles, stops=stops, matrix=matrix, costs=Costs(40.0, 0.5))


def _timed_solve(p: Problem, limit_s: float) -> tuple[Plan, float]:
    started = time.monotonic()
    plan = solve(p, SolveOptions(time_limit_s=limit_s, workers=2))
    return plan, time.monotonic() - started


@pytest.mark.slow
def test_the_largest_problem_answers_within_its_limit_alone_and_two_at_once() -> None:
    """1,000 stops and 100 vehicles at a 2 s limit, alone and two at once from threads of one
    process (whose search pool then grows to hold both solves' searches). 2 s: the problem's
    set-up (0.3-0.7 s here, on a machine busy with other work) leaves the rest some time."""
    problems = [largest_problem(1), largest_problem(2)]
    limit_s = 2.0
    warm_up(2)  # this process's search pool starts: not a solve's time
    plan, wall = _timed_solve(problems[0], limit_s)
    assert wall <= limit_s + SLACK_S
    assert len(plan.routes) == 100
    assert sum(len(r.stops) for r in plan.routes) + len(plan.unassigned) == 1000
    with ThreadPoolExecutor(2) as threads:
        pair = list(threads.map(lambda p: _timed_solve(p, limit_s), problems))
    for plan, wall in pair:
        assert wall <= limit_s + SLACK_S
        assert sum(len(r.stops) for r in plan.routes) + len(plan.unassigned) == 1000
