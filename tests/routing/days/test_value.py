"""The value model: what a visit is worth, by hand and as properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.days.value import ValueWeights, urgency, visit_prize

WEIGHTS = ValueWeights()


def test_a_visit_exactly_due_earns_the_share_of_one_interval() -> None:
    # 120,000 a year, every 30 days: 9,863.01 per interval; 10% of it when exactly due.
    assert visit_prize(120_000, 30, 30) == pytest.approx(986.30, abs=0.01)


def test_too_recent_earns_nothing_then_urgency_grows_to_the_cap() -> None:
    assert urgency(14, 30, WEIGHTS) == 0.0
    assert urgency(15, 30, WEIGHTS) == pytest.approx(0.5)
    assert urgency(45, 30, WEIGHTS) == pytest.approx(1.5)
    assert urgency(300, 30, WEIGHTS) == WEIGHTS.cap
    assert urgency(None, 30, WEIGHTS) == WEIGHTS.cap


def test_missing_cadence_uses_the_default() -> None:
    assert urgency(28, None, WEIGHTS) == pytest.approx(1.0)
    assert visit_prize(36_500, None, 28) == pytest.approx(0.1 * 36_500 * 28 / 365)


def test_weights_are_checked() -> None:
    with pytest.raises(ValueError, match="cap"):
        ValueWeights(cap=0.5)
    with pytest.raises(ValueError, match="value_share"):
        ValueWeights(value_share=math.nan)
    with pytest.raises(ValueError, match="days_since"):
        urgency(-1, 30, WEIGHTS)
    with pytest.raises(ValueError, match="annual_value"):
        visit_prize(-5, 30, 30)


days = st.one_of(st.none(), st.integers(0, 3000))
cadences = st.one_of(st.none(), st.integers(1, 400))


@given(days, days, cadences)
def test_urgency_never_falls_as_time_passes(
    a: int | None, b: int | None, cadence: int | None
) -> None:
    # None (never visited) counts as the longest wait of all.
    order = sorted([a, b], key=lambda d: math.inf if d is None else d)
    assert urgency(order[0], cadence, WEIGHTS) <= urgency(order[1], cadence, WEIGHTS)


@given(st.floats(0, 1e9), cadences, days)
def test_prize_is_bounded_and_linear_in_value(
    value: float, cadence: int | None, since: int | None
) -> None:
    prize = visit_prize(value, cadence, since)
    per_interval = value * (cadence or WEIGHTS.default_cadence_days) / 365
    assert 0 <= prize <= WEIGHTS.value_share * per_interval * WEIGHTS.cap + 1e-6
    assert visit_prize(2 * value, cadence, since) == pytest.approx(2 * prize)
