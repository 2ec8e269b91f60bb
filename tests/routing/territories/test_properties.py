"""Properties of `design_territories` on random small instances (hypothesis).

Every account is assigned exactly once, to a known rep; locks hold; the reported figures,
moves and balance agree with the assignment (recomputed here, independently); the balance
is called met only when it is; and the tolerance reported when it cannot be met is the
tightest one, checked against brute force over every assignment.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing import (
    Point,
    TerritoryAccount,
    TerritoryOptions,
    TerritoryRep,
    TerritoryResult,
    design_territories,
)
from routing.territories.figures import km_between
from tests.routing.territories.builders import FAST, brute_force_tightest, max_deviation

REP_IDS = ("A", "B", "C", "D")


@st.composite
def instances(
    draw: st.DrawFn, max_accounts: int = 12
) -> tuple[list[TerritoryRep], list[TerritoryAccount], TerritoryOptions]:
    n_reps = draw(st.integers(1, 4))
    reps = [
        TerritoryRep(
            id=REP_IDS[k],
            home=Point(52.0 + draw(st.floats(0, 0.2)), 5.0 + draw(st.floats(0, 0.3))),
            capacity_h=draw(st.sampled_from([20.0, 32.0, 40.0])),
        )
        for k in range(n_reps)
    ]
    owners = [None, "gone", *REP_IDS[:n_reps]]
    accounts = []
    for i in range(draw(st.integers(0, max_accounts))):
        current = draw(st.sampled_from(owners))
        accounts.append(
            TerritoryAccount(
                id=f"acc{i}",
                point=Point(52.0 + draw(st.floats(0, 0.2)), 5.0 + draw(st.floats(0, 0.3))),
                workload_h=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 3.0])),
                value=draw(st.sampled_from([0.0, 10.0, 100.0, 1000.0])),
                current_rep=current,
                locked=current in REP_IDS and draw(st.booleans()),
            )
        )
    options = TerritoryOptions(
        workload_tolerance=draw(st.sampled_from([0.0, 0.05, 0.2])),
        value_tolerance=draw(st.sampled_from([None, 0.3])),
        count_tolerance=draw(st.sampled_from([None, 0.25])),
        move_km=draw(st.sampled_from([0.0, 10.0])),
        time_limit_s=FAST.time_limit_s,
        workers=1,
    )
    return reps, accounts, options


def _relative(amount: float, target: float) -> float:
    return (amount - target) / target if target > 0 else 0.0


def check_consistent(
    reps: list[TerritoryRep], accounts: list[TerritoryAccount], result: TerritoryResult
) -> None:
    rep_ids = [r.id for r in reps]
    assert sorted(result.assignment) == sorted(a.id for a in accounts)
    assert set(result.assignment.values()) <= set(rep_ids)
    for a in accounts:
        if a.locked:
            assert result.assignment[a.id] == a.current_rep
    moved = {a.id for a in accounts if result.assignment[a.id] != a.current_rep}
    assert {m.account_id for m in result.moves} == moved
    total_work = sum(a.workload_h for a in accounts)
    total_value = sum(a.value for a in accounts)
    capacity = sum(r.capacity_h for r in reps)
    home_km = km_between([a.point for a in accounts], [r.home for r in reps])
    weighted_km = 0.0
    assert [f.rep_id for f in result.reps] == rep_ids
    for k, (r, figures) in enumerate(zip(reps, result.reps, strict=True)):
        mine = [(i, a) for i, a in enumerate(accounts) if result.assignment[a.id] == r.id]
        share = r.capacity_h / capacity
        load = sum(a.workload_h for _, a in mine)
        assert figures.accounts == len(mine)
        assert math.isclose(figures.workload_h, load, abs_tol=1e-9)
        assert math.isclose(figures.value, sum(a.value for _, a in mine), abs_tol=1e-6)
        assert math.isclose(figures.target_h, total_work * share, abs_tol=1e-9)
        assert math.isclose(figures.deviation, _relative(load, total_work * share), abs_tol=1e-9)
        assert math.isclose(
            figures.value_deviation,
            _relative(figures.value, total_value * share),
            abs_tol=1e-9,
        )
        weighted_km += sum(a.workload_h * home_km[i, k] for i, a in mine)
    assert math.isclose(result.objective.weighted_km, weighted_km, rel_tol=1e-9, abs_tol=1e-9)
    worst = max_deviation(reps, accounts, dict(result.assignment)) if accounts else 0.0
    assert math.isclose(result.balance.max_workload_deviation, worst, abs_tol=1e-9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_answer_is_complete_keeps_locks_and_reports_its_own_numbers(
    instance: tuple[list[TerritoryRep], list[TerritoryAccount], TerritoryOptions],
) -> None:
    reps, accounts, options = instance
    result = design_territories(reps, accounts, options)
    check_consistent(reps, accounts, result)
    balance = result.balance
    if balance.met:
        assert balance.max_workload_deviation <= options.workload_tolerance + 1e-9
        if options.value_tolerance is not None:
            assert balance.max_value_deviation <= options.value_tolerance + 1e-9
        if options.count_tolerance is not None:
            assert balance.max_count_deviation <= options.count_tolerance + 1e-9
        bound = result.objective.lower_bound
        assert bound is not None
        assert bound <= result.objective.total + 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_accounts=6))
def test_the_tolerance_reached_is_the_tightest_possible(
    instance: tuple[list[TerritoryRep], list[TerritoryAccount], TerritoryOptions],
) -> None:
    reps, accounts, options = instance
    options = TerritoryOptions(
        workload_tolerance=options.workload_tolerance, time_limit_s=5.0, workers=1
    )
    result = design_territories(reps, accounts, options)
    best = brute_force_tightest(reps, accounts) if accounts else 0.0
    achieved = result.balance.max_workload_deviation
    assert achieved >= best - 1e-9
    if best <= options.workload_tolerance - 1e-3:
        assert result.balance.met  # a feasible assignment exists, so it must be found
    if not result.balance.met:
        assert result.balance.tightest_proven
        assert achieved <= best + 2e-4  # the relaxation moves in steps of 1e-4
