"""Remote touches in the value model: how a call moves the last visit, and what a touch is
worth today (issue 16), by hand and as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.days.value import (
    ValueWeights,
    days_since,
    effective_last_visit,
    touch_prize,
    urgency,
    visit_prize,
)

WEIGHTS = ValueWeights()
DAY = date(2030, 3, 4)
shares = st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.9, 1.0])
cadences = st.integers(1, 120)
gaps = st.integers(0, 400)


def test_a_call_moves_the_last_visit_by_the_share_of_the_gap() -> None:
    # Visited 1 Jan, called 31 Jan: 30 days, 0.3 of them is 9.
    assert effective_last_visit(date(2030, 1, 1), date(2030, 1, 31), 60) == date(2030, 1, 10)
    # A call before the last visit, or none: the visit stands.
    assert effective_last_visit(date(2030, 1, 31), date(2030, 1, 1), 60) == date(2030, 1, 31)
    assert effective_last_visit(date(2030, 1, 1), None, 60) == date(2030, 1, 1)
    assert effective_last_visit(None, None, 60) is None


def test_never_visited_but_called_counts_as_cap_cadences_late_less_the_share() -> None:
    # Cap 2 x 30 days = 60 days late; the call takes 0.3 of it off: 42 days before the call.
    called = date(2030, 1, 31)
    effective = effective_last_visit(None, called, 30)
    assert effective == called - timedelta(days=42)
    assert urgency(days_since(effective, called), 30, WEIGHTS) == pytest.approx(1.4)


def test_a_touch_with_a_remote_cadence_is_priced_like_a_visit_over_that_cadence() -> None:
    # 36,500 a year, a call every 14 days, last spoken to 14 days ago: exactly due.
    prize = touch_prize(36_500, 60, 14, date(2030, 2, 1), DAY - timedelta(days=14), DAY)
    assert prize == pytest.approx(0.1 * 36_500 * 14 / 365)
    # A visit is a contact too: visited 3 days ago, no call is due yet.
    assert touch_prize(36_500, 60, 14, DAY - timedelta(days=3), None, DAY) == 0.0


def test_without_a_remote_cadence_a_touch_earns_the_share_of_the_visit_prize() -> None:
    last = DAY - timedelta(days=60)
    assert touch_prize(36_500, 60, None, last, None, DAY) == pytest.approx(
        0.3 * visit_prize(36_500, 60, 60)
    )


def test_the_share_is_checked() -> None:
    with pytest.raises(ValueError, match="touch_share"):
        ValueWeights(touch_share=1.5)
    with pytest.raises(ValueError, match="touch_share"):
        ValueWeights(touch_share=-0.1)


@given(shares, cadences, st.integers(1, 200))
def test_on_the_touch_day_the_urgency_drops_by_the_share(
    share: float, cadence: int, gap: int
) -> None:
    """Exactly for exponent 1, to half a day's rounding (no cap, nothing too recent)."""
    weights = ValueWeights(touch_share=share, too_recent=0.0, cap=1000.0)
    visited = DAY - timedelta(days=gap)
    before = urgency(days_since(visited, DAY), cadence, weights)
    effective = effective_last_visit(visited, DAY, cadence, weights)
    after = urgency(days_since(effective, DAY), cadence, weights)
    assert after == pytest.approx((1 - share) * before, abs=0.5 / cadence + 1e-9)


@given(shares, cadences, gaps, gaps)
def test_a_touch_never_raises_a_visit_prize_and_lands_between_visit_and_touch(
    share: float, cadence: int, visit_gap: int, touch_gap: int
) -> None:
    weights = ValueWeights(touch_share=share)
    visited = DAY - timedelta(days=visit_gap)
    touched = DAY - timedelta(days=touch_gap)
    effective = effective_last_visit(visited, touched, cadence, weights)
    assert effective is not None
    assert visited <= effective <= max(visited, touched)
    with_touch = visit_prize(1000.0, cadence, days_since(effective, DAY), weights)
    without = visit_prize(1000.0, cadence, days_since(visited, DAY), weights)
    assert with_touch <= without + 1e-9


@given(st.sampled_from([0.1, 0.3, 0.5]), cadences, st.integers(1, 1000))
def test_calls_alone_never_replace_visits(share: float, cadence: int, since_visit: int) -> None:
    """Called yesterday, however often before: the visit's wait still grows with time, by
    (1 - share) of it, so an account only ever called comes due for a visit."""
    weights = ValueWeights(touch_share=share)
    visited = DAY - timedelta(days=since_visit)
    effective = effective_last_visit(visited, DAY - timedelta(days=1), cadence, weights)
    waited = days_since(effective, DAY)
    assert waited is not None
    assert waited >= (1 - share) * since_visit - 0.5


@given(st.floats(0, 1e7), st.one_of(st.none(), cadences), st.one_of(st.none(), cadences), gaps)
def test_a_touch_today_is_worth_less_than_before_it(
    value: float, cadence: int | None, touch_cadence: int | None, visit_gap: int
) -> None:
    visited = DAY - timedelta(days=visit_gap)
    before = touch_prize(value, cadence, touch_cadence, visited, None, DAY)
    after = touch_prize(value, cadence, touch_cadence, visited, DAY, DAY)
    assert 0 <= after <= before + 1e-9
    if touch_cadence:
        assert after == 0.0, "just touched: too recent for the remote cadence"
