"""Validation of the plain data classes, the travel matrices and the integer conversion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from routing import (
    Break,
    Point,
    ProblemError,
    SolveOptions,
    Stop,
    TimeWindow,
    explicit_matrix,
    great_circle_m,
    haversine_matrix,
)
from routing.route.integer_problem import UNREACHABLE, to_integer_problem
from tests.routing.route.builders import problem, stop, vehicle


def test_haversine_matches_a_known_distance() -> None:
    # One degree of latitude on the mean-radius sphere is 111.195 km; along the equator too.
    matrix = haversine_matrix([Point(0, 0), Point(1, 0), Point(0, 1)], circuity=1.0, speed_kmh=60)
    assert matrix.distances_m[0, 1] == pytest.approx(111_195, rel=1e-4)
    assert matrix.distances_m[0, 2] == pytest.approx(111_195, rel=1e-4)
    assert matrix.durations_s[0, 1] == pytest.approx(matrix.distances_m[0, 1] / (60 / 3.6))
    assert matrix.distances_m[0, 0] == 0


def test_haversine_applies_circuity_and_is_symmetric() -> None:
    points = [Point(40.0 + k * 0.1, -3.0 - k * 0.05) for k in range(5)]
    straight = haversine_matrix(points, circuity=1.0)
    road = haversine_matrix(points, circuity=1.3)
    np.testing.assert_allclose(road.distances_m, 1.3 * straight.distances_m)
    np.testing.assert_allclose(road.distances_m, road.distances_m.T)


def test_one_pair_great_circle_is_the_matrix_at_circuity_one() -> None:
    points = [Point(41.88, -87.63), Point(42.05, -87.68), Point(-33.87, 151.21), Point(0, 0)]
    matrix = haversine_matrix(points, circuity=1.0)
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            assert great_circle_m(a, b) == pytest.approx(matrix.distances_m[i, j], abs=1e-6)
    assert great_circle_m(Point(0, 0), Point(1, 0)) == pytest.approx(111_195, rel=1e-4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"circuity": 0.9}, "circuity"), ({"speed_kmh": 0}, "speed")],
)
def test_haversine_refuses_nonsense(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ProblemError, match=message):
        haversine_matrix([Point(0, 0)], **kwargs)


def test_explicit_matrix_marks_missing_and_negative_entries_as_no_way() -> None:
    matrix = explicit_matrix([[0, None], [-1, 0]])
    assert math.isinf(matrix.durations_s[0, 1])
    assert math.isinf(matrix.durations_s[1, 0])


def test_explicit_matrix_names_the_ragged_row() -> None:
    with pytest.raises(ProblemError, match="row 1 has 1 entries"):
        explicit_matrix([[0, 1], [1]])


def test_point_is_checked() -> None:
    with pytest.raises(ProblemError, match="lat"):
        Point(91, 0)


def test_window_must_not_end_before_it_starts() -> None:
    with pytest.raises(ProblemError, match="ends before it starts"):
        TimeWindow(10, 5)


def test_touching_windows_are_merged() -> None:
    s = Stop(id="a", index=0, windows=(TimeWindow(50, 60), TimeWindow(8, 12), TimeWindow(12, 14)))
    assert s.windows == (TimeWindow(8, 14), TimeWindow(50, 60))


def test_break_must_fit_its_window() -> None:
    with pytest.raises(ProblemError, match="does not fit"):
        Break(TimeWindow(0, 10), 20)


def test_stop_and_vehicle_errors_name_them() -> None:
    with pytest.raises(ProblemError, match=r"stop 'x'.*prize"):
        stop("x", 1, prize=-1)
    with pytest.raises(ProblemError, match=r"vehicle 'v'.*max_stops"):
        vehicle("v", max_stops=-1)


def test_problem_checks_ids_and_indices() -> None:
    with pytest.raises(ProblemError, match="used twice"):
        problem([0, 1], [vehicle(), vehicle()], [])
    with pytest.raises(ProblemError, match="outside the matrix"):
        problem([0, 1], [vehicle()], [stop("a", 5)])
    with pytest.raises(ProblemError, match="unknown vehicle"):
        problem([0, 1], [vehicle()], [stop("a", 1, vehicles=("ghost",))])


def test_solve_options_are_checked() -> None:
    with pytest.raises(ProblemError, match="time_limit"):
        SolveOptions(time_limit_s=0)
    with pytest.raises(ProblemError, match="workers"):
        SolveOptions(workers=0)


def test_integer_problem_rounds_travel_and_service_up_and_windows_inwards() -> None:
    p = problem(
        [0.0, 10.2],
        [vehicle(shift=(0.5, 99.5))],
        [stop("a", 1, service=4.1, windows=[(20.5, 30.7)])],
    )
    d = to_integer_problem(p)
    assert d.offset_s == 0
    assert d.travel[0, 1] == 11  # stop 0 is node 0, the depot is node 1
    assert d.service[0] == 5
    assert d.windows[0] == ((21, 30),)
    assert (d.vehicles[0].shift_start, d.vehicles[0].shift_end) == (1, 99)


def test_integer_problem_treats_a_missing_distance_as_no_way() -> None:
    matrix = explicit_matrix([[0, 5], [5, 0]], [[0, None], [5, 0]])
    p = problem([], [vehicle()], [stop("a", 1)], matrix=matrix)
    d = to_integer_problem(p)
    assert d.travel[1, 0] == UNREACHABLE  # depot (node 1) to the stop (node 0)


def test_zero_costs_make_one_unit_of_prize_outweigh_all_travel() -> None:
    p = problem(
        [0, 10, 20], [vehicle(shift=(0, 500))], [stop("a", 1, prize=1), stop("b", 2, prize=3)]
    )
    d = to_integer_problem(p)
    assert int(d.prize.min()) > 500  # more than the longest possible day of travel
