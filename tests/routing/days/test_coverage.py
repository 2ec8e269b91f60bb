"""The coverage model (issue 16): the cost of a year of visits against the value, the
recommendation per thresholds and the team totals, by hand and as properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing import ProblemError, ValueWeights
from routing.days.coverage import (
    FIELD,
    HYBRID,
    REMOTE,
    CoverageAccounts,
    CoverageReps,
    Thresholds,
    coverage_model,
    neighbour_detours,
    route_insertions,
)
from routing.route.matrix import haversine_matrix
from routing.route.model import Point

WEIGHTS = ValueWeights()
REPS = CoverageReps(
    per_hour=np.array([0.0, 10.0]),
    per_km=np.array([0.5, 1.0]),
    per_working_hour=np.array([40.0, 30.0]),
)


def accounts(
    value: list[float],
    cadence: list[float],
    detour_s: list[float],
    detour_m: list[float],
    rep: list[int] | None = None,
    coverage: list[int] | None = None,
    service_s: list[float] | None = None,
) -> CoverageAccounts:
    n = len(value)
    return CoverageAccounts(
        value=np.array(value, dtype=np.float64),
        cadence_days=np.array(cadence, dtype=np.float64),
        service_s=np.array(service_s or [1800.0] * n, dtype=np.float64),
        detour_s=np.array(detour_s, dtype=np.float64),
        detour_m=np.array(detour_m, dtype=np.float64),
        rep=np.array(rep or [0] * n, dtype=np.int64),
        coverage=np.array(coverage or [FIELD] * n, dtype=np.int64),
    )


def test_the_cost_of_a_visit_and_the_recommendation_by_hand() -> None:
    # Rep 0: 40 per working hour, 0.5 per km, no extra per driving hour. A 30 min detour of
    # 20 km and a 30 min visit: 0.5 h x 40 + 20 x 0.5 + 0.5 h x 40 = 50 a visit.
    # Every 36.5 days: 10 visits a year, 500 a year.
    found = coverage_model(
        accounts([50_000.0, 6_000.0, 4_000.0], [36.5] * 3, [1800.0] * 3, [20_000.0] * 3),
        REPS,
        Thresholds(hybrid=0.07, remote=0.10),
        WEIGHTS,
    )
    assert found.cost_per_visit == pytest.approx([50.0] * 3)
    assert found.visits_a_year == pytest.approx([10.0] * 3)
    # 500 / 50,000 = 0.01 (field); 500 / 6,000 = 0.083 (hybrid); 500 / 4,000 = 0.125 (remote).
    assert found.ratio == pytest.approx([0.01, 500 / 6000, 0.125])
    assert found.recommended.tolist() == [FIELD, HYBRID, REMOTE]
    before, after = found.before, found.after
    assert before.accounts == (3, 0, 0)
    assert after.accounts == (1, 1, 1)
    assert before.visits_a_year == pytest.approx(30.0)
    assert after.visits_a_year == pytest.approx(15.0)
    # An hour a visit: 30 h a year before, 15 after, a week is 7/365 of a year.
    assert before.field_hours_a_week == pytest.approx(30 * 7 / 365)
    assert after.field_hours_a_week == pytest.approx(15 * 7 / 365)
    assert before.cost_per_visit == pytest.approx(50.0)
    # At risk: value x 0.1 x 0.7, half of it for the hybrid one, all of it for the remote one.
    assert before.value_at_risk_a_year == 0.0
    assert after.value_at_risk_a_year == pytest.approx(6_000 * 0.07 / 2 + 4_000 * 0.07)


def test_driving_hours_cost_both_rates_and_the_service_only_the_working_one() -> None:
    # Rep 1: 10 per driving hour on top of 30 per working hour, 1 per km.
    found = coverage_model(
        accounts([1e6], [365.0], [3600.0], [50_000.0], rep=[1], service_s=[1800.0]),
        REPS,
        Thresholds(0.07, 0.1),
        WEIGHTS,
    )
    assert found.cost_per_visit == pytest.approx([1 * 40 + 50 * 1.0 + 0.5 * 30])
    assert found.hours_per_visit == pytest.approx([1.5])


def test_an_account_worth_nothing_is_remote_and_a_current_hybrid_makes_half_the_visits() -> None:
    found = coverage_model(
        accounts(
            [0.0, 80_000.0], [28.0, 28.0], [600.0] * 2, [5000.0] * 2, coverage=[FIELD, HYBRID]
        ),
        REPS,
        Thresholds(0.07, 0.1),
        WEIGHTS,
    )
    assert math.isinf(found.ratio[0])
    assert found.recommended[0] == REMOTE
    assert found.before.visits_a_year == pytest.approx(365 / 28 * 1.5)
    assert found.before.value_at_risk_a_year == pytest.approx(80_000 * 0.07 / 2)


@pytest.mark.parametrize(
    ("hybrid", "remote", "words"),
    [
        (-0.1, 0.1, "hybrid must be a ratio > 0"),
        (0.0, 0.1, "cost is above every value"),
        (0.05, float("nan"), "remote must be a ratio > 0"),
        (0.2, 0.1, "hybrid (0.2) must not be above remote (0.1)"),
        (0.1, 5000.0, "remote must be at most 1000"),
    ],
)
def test_thresholds_that_make_no_sense_are_refused(
    hybrid: float, remote: float, words: str
) -> None:
    with pytest.raises(ProblemError, match=None) as raised:
        Thresholds(hybrid, remote)
    assert words in str(raised.value)


def test_the_default_thresholds_come_from_the_value_weights() -> None:
    found = Thresholds.default(WEIGHTS)
    assert (found.hybrid, found.remote) == pytest.approx((0.07, 0.1))
    other = Thresholds.default(ValueWeights(value_share=0.2, touch_share=0.5))
    assert (other.hybrid, other.remote) == pytest.approx((0.1, 0.2))


def test_a_route_insertion_is_what_the_stop_adds_to_the_route() -> None:
    # Start, two stops on the way, end: on a line of longitude; neither adds anything.
    line = [Point(41.0 + i / 100, -87.0) for i in range(4)]
    _, metres = route_insertions(haversine_matrix(line, circuity=1.0))
    assert metres == pytest.approx([0.0, 0.0], abs=1e-6)
    # The second stop 1 km off the way: it adds its two legs less the straight one.
    off = [*line[:2], Point(41.02, -87.012), line[3]]
    matrix = haversine_matrix(off, circuity=1.0, speed_kmh=36.0)
    seconds, metres = route_insertions(matrix)
    d = matrix.distances_m
    assert metres[1] == pytest.approx(d[1, 2] + d[2, 3] - d[1, 3])
    assert metres[0] == pytest.approx(d[0, 1] + d[1, 2] - d[0, 2])
    assert 700 < metres[1] < 800  # two legs of 1.49 km for 2.22 km straight on
    assert seconds == pytest.approx(metres / 10.0)  # 36 km/h is 10 m/s
    assert route_insertions(haversine_matrix(line[:2]))[0].shape == (0,)


def test_a_lone_account_costs_the_round_trip_from_home_and_one_in_a_row_its_spacing() -> None:
    lat = np.array([41.1, 41.5, 41.501, 41.502])
    lon = np.array([-87.0, -87.0, -87.0, -87.0])
    # Rep 0 has the first account alone; rep 1 three in a row, 0.001 degree (111 m) apart,
    # their home 0.5 degree south.
    seconds, metres = neighbour_detours(
        lat,
        lon,
        np.array([0, 1, 1, 1]),
        np.array([41.0, 41.0]),
        np.array([-87.0, -87.0]),
        circuity=1.0,
        speed_kmh=36.0,
    )
    degree = math.pi / 180 * 6_371_008.8
    assert metres[0] == pytest.approx(2 * 0.1 * degree, rel=1e-9)
    # Each in the row: half of the way from one neighbour and on to the other. The middle one
    # has both 111 m away; the ends their neighbour 111 m away and the next 222 m.
    assert metres[2] == pytest.approx(0.001 * degree, rel=1e-6)
    assert metres[1] == pytest.approx(0.0015 * degree, rel=1e-6)
    assert metres[3] == pytest.approx(0.0015 * degree, rel=1e-6)
    assert seconds == pytest.approx(metres / 10.0)
    # Circuity stretches the way, speed times it.
    slow, longer = neighbour_detours(
        lat, lon, np.array([0, 1, 1, 1]), np.array([41.0, 41.0]), np.array([-87.0, -87.0]),
        circuity=1.3, speed_kmh=18.0,
    )  # fmt: skip
    assert longer == pytest.approx(metres * 1.3)
    assert slow == pytest.approx(longer / 5.0)
    # A day's route visits one of rep 1's three accounts: the way stretches by sqrt(3); rep 0's
    # lone account visited daily keeps its round trip (never shrunk).
    _, sparse = neighbour_detours(
        lat, lon, np.array([0, 1, 1, 1]), np.array([41.0, 41.0]), np.array([-87.0, -87.0]),
        circuity=1.0, stops_a_day=np.array([5.0, 1.0]),
    )  # fmt: skip
    assert sparse[0] == pytest.approx(metres[0])
    assert sparse[1:] == pytest.approx(metres[1:] * math.sqrt(3))


field_values = st.lists(st.floats(0.0, 1e6), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    values=field_values,
    low=st.floats(0.001, 1.0),
    gap=st.floats(0.0, 1.0),
    raise_by=st.floats(0.0, 1.0),
    data=st.data(),
)
def test_properties(
    values: list[float], low: float, gap: float, raise_by: float, data: st.DataObject
) -> None:
    n = len(values)
    made = accounts(
        values,
        data.draw(st.lists(st.floats(1.0, 365.0), min_size=n, max_size=n)),
        data.draw(st.lists(st.floats(0.0, 7200.0), min_size=n, max_size=n)),
        data.draw(st.lists(st.floats(0.0, 100_000.0), min_size=n, max_size=n)),
        rep=data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
    )
    loose = Thresholds(low, low + gap)
    strict = Thresholds(low + raise_by, low + gap + raise_by)
    a = coverage_model(made, REPS, loose, WEIGHTS)
    b = coverage_model(made, REPS, strict, WEIGHTS)
    # Higher thresholds never move an account further from the field.
    assert np.all(b.recommended <= a.recommended)
    # The recommendation follows the ratio: never remote at or below the remote threshold.
    assert np.all((a.recommended == REMOTE) == (a.ratio > loose.remote))
    # From all-field, the recommendation frees hours and puts value at risk, never the reverse.
    assert a.after.field_hours_a_week <= a.before.field_hours_a_week + 1e-9
    assert a.after.value_at_risk_a_year >= a.before.value_at_risk_a_year
    assert sum(a.after.accounts) == n
    # What the less strict thresholds free is at least what the stricter ones free.
    assert a.after.field_hours_a_week <= b.after.field_hours_a_week + 1e-9
    same = coverage_model(made, REPS, Thresholds(low, low), WEIGHTS)
    assert HYBRID not in same.recommended.tolist()


def test_ten_thousand_accounts_each_get_a_finite_detour() -> None:
    rng = np.random.default_rng(7)
    n, reps = 10_000, 25
    rep = rng.integers(0, reps, n)
    lat = 41.8 + rng.normal(0, 0.3, n)
    lon = -87.7 + rng.normal(0, 0.3, n)
    seconds, metres = neighbour_detours(
        lat, lon, rep, 41.8 + rng.normal(0, 0.3, reps), -87.7 + rng.normal(0, 0.3, reps)
    )
    assert seconds.shape == (n,)
    assert np.all(seconds >= 0)
    assert np.all(np.isfinite(metres))
