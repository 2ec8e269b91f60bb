"""Per-rep figures, distances, areas and the drive-burden estimate, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from routing import Point, TerritoryOptions, haversine_matrix, territory_figures
from routing.territories.figures import (
    DRIVE_LINEHAUL,
    DRIVE_LOCAL_K,
    hull_area_km2,
    km_between,
    project_km,
    weekly_drive_km,
)
from tests.routing.territories.builders import account, rep


def test_km_between_agrees_with_the_haversine_matrix_in_chunks() -> None:
    origins = [Point(52.0 + k / 700, 5.0 + k / 300) for k in range(700)]  # several chunks
    targets = [Point(52.1, 5.1), Point(51.9, 5.4)]
    km = km_between(origins, targets)
    full = haversine_matrix([*targets, *origins], circuity=1.0).distances_m / 1000.0
    assert km.shape == (700, 2)
    assert np.allclose(km, full[2:, :2])


def test_hull_area_of_a_square_with_inner_points() -> None:
    x = np.array([0.0, 10.0, 10.0, 0.0, 5.0, 2.0])
    y = np.array([0.0, 0.0, 10.0, 10.0, 5.0, 7.0])
    assert hull_area_km2(x, y) == pytest.approx(100.0)
    assert hull_area_km2(x[:2], y[:2]) == 0.0


def test_projection_keeps_kilometres_near_the_reference_latitude() -> None:
    x, y = project_km(np.array([52.0, 52.0, 52.1]), np.array([5.0, 5.1, 5.0]))
    straight = km_between([Point(52.0, 5.0)], [Point(52.0, 5.1), Point(52.1, 5.0)])[0]
    assert math.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(straight[0], rel=1e-3)
    assert math.hypot(x[2] - x[0], y[2] - y[0]) == pytest.approx(straight[1], rel=1e-3)


def test_weekly_drive_is_a_daily_round_trip_plus_a_tour_through_the_area() -> None:
    assert weekly_drive_km(0.0, 100.0, 10.0) == 0.0
    # 2 visits: two days out and back 10 km, plus k * sqrt(2 * 50), all x circuity 1.3.
    expected = 1.3 * (DRIVE_LINEHAUL * 2 * 10.0 * 2 + DRIVE_LOCAL_K * math.sqrt(2 * 50.0))
    assert weekly_drive_km(2.0, 50.0, 10.0) == pytest.approx(expected)
    many = weekly_drive_km(30.0, 400.0, 10.0, days_per_week=5)
    assert many > weekly_drive_km(30.0, 100.0, 10.0, days_per_week=5)
    assert many > weekly_drive_km(30.0, 400.0, 5.0, days_per_week=5)


def test_figures_count_what_each_rep_holds_and_leave_unassigned_accounts_out() -> None:
    reps = [rep("A", 5.0, capacity_h=30.0), rep("B", 5.5, capacity_h=10.0)]
    accounts = [
        account("a", 5.0, 2.0, value=100.0),
        account("b", 5.1, 1.0, value=50.0),
        account("new", 5.4, 1.0),
    ]
    figures = territory_figures(reps, accounts, {"a": "A", "b": "A"})
    a, b = figures
    assert (a.accounts, a.workload_h, a.value) == (2, 3.0, 150.0)
    assert a.target_h == pytest.approx(3.0)  # 4 h in all, A has 3/4 of the capacity
    assert a.deviation == pytest.approx(0.0)
    assert (b.accounts, b.workload_h, b.target_h, b.deviation) == (0, 0.0, 1.0, -1.0)
    assert b.drive_km == 0.0
    km_b = km_between([accounts[1].point], [reps[0].home])[0, 0]
    assert a.mean_km_from_home == pytest.approx(km_b / 3.0)  # a is at home, b weighs 1 of 3 h
    assert a.drive_h == pytest.approx(a.drive_km / TerritoryOptions().speed_kmh)
