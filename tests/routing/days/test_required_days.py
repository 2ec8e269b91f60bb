"""Candidates required on a day (pinned, moved or added by the rep) and days a candidate is
excluded from (moved away): `Candidate.required_day` and `Candidate.excluded_days`."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from routing import ProblemError, RequiredStopError, TimeWindow, plan_rep_days
from tests.routing.days.test_planner import (
    COSTS,
    FAST,
    MON,
    TUE,
    WED,
    H,
    account,
    check_days,
    near,
    visits,
    workday,
)


def test_a_required_candidate_is_visited_on_its_day_even_when_worth_nothing() -> None:
    # Visited yesterday: worth nothing, so never planned, unless required.
    recent = account("recent", near(2, 0), last_visit=MON - timedelta(days=1))
    others = [account("a", near(1, 1)), account("b", near(-1, 2))]
    days = [workday(MON), workday(TUE)]
    free = plan_rep_days(days, [recent, *others], costs=COSTS, options=FAST)
    assert "recent" not in visits(free)

    pinned = replace(recent, required_day=TUE)
    plan = plan_rep_days(days, [pinned, *others], costs=COSTS, options=FAST)
    assert visits(plan)["recent"] == [TUE]
    assert check_days(days, [pinned, *others], [], plan) == []


def test_a_required_candidate_goes_on_its_day_not_the_cheapest_one() -> None:
    candidates = [account(f"c{k}", near(k, 1)) for k in range(3)]
    required = [replace(c, required_day=WED) for c in candidates]
    days = [workday(MON), workday(TUE), workday(WED)]
    plan = plan_rep_days(days, required, costs=COSTS, options=FAST)
    assert visits(plan) == {c.id: [WED] for c in candidates}


def test_an_excluded_day_is_never_used() -> None:
    only_monday = account("a", near(1, 0), hours={MON: (TimeWindow(8 * H, 17 * H),)})
    moved = replace(account("b", near(2, 0)), excluded_days=frozenset({MON}))
    days = [workday(MON), workday(TUE)]
    plan = plan_rep_days(
        days, [replace(only_monday, excluded_days=frozenset({MON})), moved], costs=COSTS
    )
    seen = visits(plan)
    assert "a" not in seen
    assert seen["b"] == [TUE]
    # Its only open day is excluded: closed on the day left (Monday is not said).
    [left] = [item for item in plan.left_out if item.id == "a"]
    assert (left.reason, left.detail) == (
        "closed",
        "closed on Tue 1 Dec during the shift 08:00-17:00",
    )


def test_a_required_candidate_closed_on_its_day_is_refused_by_name() -> None:
    closed = account("acme", near(1, 0), hours={MON: (TimeWindow(8 * H, 17 * H),)})
    with pytest.raises(RequiredStopError, match="'acme' is required on Tue 1 Dec but is closed"):
        plan_rep_days(
            [workday(MON), workday(TUE)],
            [replace(closed, required_day=TUE)],
            costs=COSTS,
            options=FAST,
        )


def test_required_candidates_that_cannot_all_fit_are_refused_naming_them() -> None:
    # Three 4-hour visits on one 9-hour day.
    long = [
        replace(account(f"long{k}", near(k, 0), service_s=4 * H), required_day=MON)
        for k in range(3)
    ]
    with pytest.raises(RequiredStopError) as caught:
        plan_rep_days([workday(MON)], long, costs=COSTS, options=FAST)
    assert caught.value.stop_id.startswith("long")
    assert "long" in str(caught.value)


def test_a_required_day_outside_the_workdays_or_excluded_is_malformed() -> None:
    with pytest.raises(ProblemError, match="'a': required on 2026-12-02, which is not a workday"):
        plan_rep_days(
            [workday(MON)], [replace(account("a", near(1, 0)), required_day=WED)], costs=COSTS
        )
    with pytest.raises(ProblemError, match="a day it is excluded from"):
        replace(account("a", near(1, 0)), required_day=MON, excluded_days=frozenset({MON}))
