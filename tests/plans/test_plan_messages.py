"""Refusals name the rep, not their internal id (the manager and the rep read them)."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.core.errors import InvalidRequest
from app.models import Rep
from app.plans.inputs import workday


def test_a_day_whose_shift_is_over_names_the_rep() -> None:
    rep = Rep(
        id=41,
        name="Dana Cruz",
        email="dana@example.com",
        home_latitude=39.29,
        home_longitude=-76.61,
        shift_start=time(8, 0),
        shift_end=time(17, 0),
        lunch_start=None,
        lunch_end=None,
        lunch_minutes=0,
    )
    with pytest.raises(InvalidRequest) as refused:
        workday(rep, date(2026, 3, 4), from_s=17 * 3600)
    assert refused.value.detail == (
        "the shift of Dana Cruz on 2026-03-04 ends at 17:00: nothing is left to plan"
    )
    assert "41" not in refused.value.detail
