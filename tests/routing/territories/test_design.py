"""Territory design on instances small enough to check by hand.

Reps and accounts lie on one parallel (see `territory_builders`); every account weighs 1 h a
week unless said otherwise, so targets and deviations can be worked out on paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pytest

from routing import (
    LockedAccountError,
    MoveKind,
    TerritoryAccount,
    TerritoryError,
    TerritoryOptions,
    TerritoryRep,
    TerritoryStatus,
    design_territories,
    territory_figures,
)
from tests.routing.territories.builders import (
    FAST,
    account,
    brute_force_tightest,
    max_deviation,
    rep,
)

TWO_REPS = [rep("A", 5.0), rep("B", 5.5)]


def owned(assignment: Mapping[str, str], rep_id: str) -> set[str]:
    return {aid for aid, rid in assignment.items() if rid == rep_id}


def test_two_reps_split_along_the_obvious_line() -> None:
    accounts = [account(f"a{k}", 5.0 + 0.01 * k) for k in range(5)]
    accounts += [account(f"b{k}", 5.5 - 0.01 * k) for k in range(5)]
    result = design_territories(TWO_REPS, accounts, FAST)
    assert owned(result.assignment, "A") == {f"a{k}" for k in range(5)}
    assert owned(result.assignment, "B") == {f"b{k}" for k in range(5)}
    assert result.balance.met
    assert result.balance.max_workload_deviation == pytest.approx(0.0)
    assert result.status is TerritoryStatus.OPTIMAL
    assert {m.kind for m in result.moves} == {MoveKind.NEW}
    assert result.objective.reassigned == 0
    lower_bound = result.objective.lower_bound
    assert lower_bound is not None
    assert lower_bound <= result.objective.total + 1e-6


def test_a_lock_holds_even_when_it_costs_compactness() -> None:
    # x sits next to A but is locked to B; B then has its 5 h, so y (next to B) must go to A.
    accounts = [account(f"a{k}", 5.0 + 0.01 * k, current="A") for k in range(4)]
    accounts += [account(f"b{k}", 5.5 - 0.01 * k, current="B") for k in range(4)]
    accounts += [account("x", 5.01, current="B", locked=True), account("y", 5.49)]
    result = design_territories(TWO_REPS, accounts, FAST)
    assert result.assignment["x"] == "B"
    assert result.assignment["y"] == "A"
    assert result.balance.met
    assert "x" not in {m.account_id for m in result.moves}


def test_a_new_rep_gets_a_territory_carved_from_both_neighbours() -> None:
    reps = [rep("A", 5.0), rep("B", 5.6), rep("C", 5.3)]
    lons = [5.0 + 0.05 * k for k in range(12)]
    accounts = [account(f"p{k}", lon, current="A" if k < 6 else "B") for k, lon in enumerate(lons)]
    result = design_territories(reps, accounts, FAST)
    assert owned(result.assignment, "C") == {"p4", "p5", "p6", "p7"}
    assert owned(result.assignment, "A") == {"p0", "p1", "p2", "p3"}
    assert result.objective.reassigned == 4  # two from each neighbour: the fewest possible
    assert {m.from_rep for m in result.moves} == {"A", "B"}
    assert all(f.accounts == 4 for f in result.reps)


def test_a_removed_reps_accounts_all_move() -> None:
    accounts = [account(f"a{k}", 5.0 + 0.01 * k, current="A") for k in range(3)]
    accounts += [account(f"b{k}", 5.5 - 0.01 * k, current="B") for k in range(3)]
    accounts += [account(f"c{k}", 5.25 + 0.01 * k, current="C") for k in range(4)]
    result = design_territories(TWO_REPS, accounts, FAST)
    orphans = {m.account_id for m in result.moves if m.kind is MoveKind.ORPHANED}
    assert orphans == {f"c{k}" for k in range(4)}
    assert {m.from_rep for m in result.moves} == {"C"}
    assert set(result.assignment.values()) == {"A", "B"}
    assert result.balance.met
    assert result.objective.reassigned == 0  # moves from a removed rep cost nothing


def test_a_locked_account_of_a_removed_rep_is_an_error_naming_it() -> None:
    accounts = [account("a", 5.0, current="A"), account("gone-1", 5.2, current="C", locked=True)]
    with pytest.raises(LockedAccountError, match="gone-1") as caught:
        design_territories(TWO_REPS, accounts, FAST)
    assert caught.value.account_ids == ("gone-1",)


def balanced_current(swap_border: bool) -> list[TerritoryAccount]:
    accounts = [account(f"a{k}", 5.0 + 0.05 * k, current="A") for k in range(5)]
    accounts += [account(f"b{k}", 5.5 - 0.05 * k, current="B") for k in range(5)]
    if swap_border:  # a4 (5.20) and b4 (5.30) moved 0.06 degree across the middle
        accounts[4] = account("a4", 5.26, current="A")
        accounts[9] = account("b4", 5.24, current="B")
    return accounts


def test_an_already_balanced_compact_assignment_moves_nothing() -> None:
    result = design_territories(TWO_REPS, balanced_current(swap_border=False), FAST)
    assert result.moves == ()
    assert result.balance.met


def test_a_small_gain_is_not_worth_a_move_but_is_without_a_move_weight() -> None:
    # Swapping a4 and b4 would save 2 x 0.02 degrees (~2.7 km x 1 h), less than 2 x 10 km.
    accounts = balanced_current(swap_border=True)
    assert design_territories(TWO_REPS, accounts, FAST).moves == ()
    free = design_territories(TWO_REPS, accounts, replace(FAST, move_km=0.0))
    assert {m.account_id for m in free.moves} == {"a4", "b4"}


def test_an_infeasible_tolerance_answers_with_the_tightest_one() -> None:
    # 3 + 2 + 2 hours for two reps (target 3.5): the best split is off by 0.5 / 3.5.
    accounts = [account("big", 5.1, 3.0), account("s1", 5.2, 2.0), account("s2", 5.3, 2.0)]
    result = design_territories(TWO_REPS, accounts, FAST)
    best = brute_force_tightest(TWO_REPS, accounts)
    assert best == pytest.approx(0.5 / 3.5)
    assert not result.balance.met
    assert result.balance.tightest_proven
    assert result.balance.max_workload_deviation == pytest.approx(best, abs=2e-4)
    assert result.objective.lower_bound is None


def test_locks_that_overload_a_rep_give_the_tightest_tolerance_with_those_locks() -> None:
    reps = [rep("A", 5.0), rep("B", 5.3), rep("C", 5.6)]
    accounts = [account(f"l{k}", 5.0 + 0.01 * k, 1.5, current="A", locked=True) for k in range(3)]
    accounts += [account(f"f{k}", 5.0 + 0.07 * k, 1.0, current="B") for k in range(9)]
    result = design_territories(reps, accounts, FAST)
    best = brute_force_tightest(reps, accounts)
    assert best > 0.05
    assert not result.balance.met
    assert result.balance.tightest_proven
    assert result.balance.max_workload_deviation == pytest.approx(best, abs=2e-4)
    assert all(result.assignment[f"l{k}"] == "A" for k in range(3))


def test_value_tolerance_mixes_big_and_small_accounts() -> None:
    accounts = [account(f"a{k}", 5.0 + 0.01 * k, value=100.0) for k in range(4)]
    accounts += [account(f"b{k}", 5.5 - 0.01 * k, value=10.0) for k in range(4)]
    plain = design_territories(TWO_REPS, accounts, FAST)
    assert plain.balance.max_value_deviation > 0.5  # proximity alone: 400 against 40
    result = design_territories(TWO_REPS, accounts, replace(FAST, value_tolerance=0.2))
    assert result.balance.met
    assert result.balance.max_value_deviation <= 0.2
    assert result.balance.max_workload_deviation <= 0.05
    assert all(abs(f.value - 220.0) <= 44.0 for f in result.reps)


def test_count_tolerance_balances_the_number_of_accounts() -> None:
    accounts = [account(f"a{k}", 5.0 + 0.01 * k, 2.0) for k in range(2)]
    accounts += [account(f"b{k}", 5.5 - 0.01 * k, 1.0) for k in range(4)]
    result = design_territories(TWO_REPS, accounts, replace(FAST, count_tolerance=0.0))
    assert [f.accounts for f in result.reps] == [3, 3]
    assert [f.workload_h for f in result.reps] == [4.0, 4.0]
    assert result.balance.met


def test_capacity_sets_the_target_share() -> None:
    reps = [rep("A", 5.0, capacity_h=20.0), rep("B", 5.5, capacity_h=40.0)]
    accounts = [account(f"p{k}", 5.0 + 0.05 * k) for k in range(9)]
    result = design_territories(reps, accounts, FAST)
    assert [f.target_h for f in result.reps] == pytest.approx([3.0, 6.0])
    assert [f.workload_h for f in result.reps] == pytest.approx([3.0, 6.0])
    assert owned(result.assignment, "A") == {"p0", "p1", "p2"}


def test_a_rep_in_a_corner_still_reaches_its_target_among_many_reps() -> None:
    # 12 reps: each account may go to its 6-8 nearest reps only; the far rep 'Z' is nobody's
    # nearest, so it needs the coverage rule to get candidates at all.
    reps = [rep(f"R{k}", 5.0 + 0.1 * k) for k in range(11)] + [rep("Z", 7.0)]
    accounts = [account(f"p{k}", 5.0 + 0.01 * k) for k in range(120)]
    result = design_territories(reps, accounts, FAST)
    assert result.balance.met
    assert max_deviation(reps, accounts, dict(result.assignment)) <= 0.05 + 1e-9
    assert {f.rep_id: f.accounts for f in result.reps}["Z"] == 10


def test_same_seed_same_answer_with_one_worker() -> None:
    reps = [rep(f"R{k}", 5.0 + 0.15 * k) for k in range(5)]
    accounts = [
        account(f"p{k}", 5.0 + (k * 37 % 61) / 100, 0.5 + (k % 4) * 0.25, lat=52 + (k % 7) / 100)
        for k in range(80)
    ]
    first = design_territories(reps, accounts, FAST)
    second = design_territories(reps, accounts, FAST)
    assert first.assignment == second.assignment
    assert first.moves == second.moves


@pytest.mark.alone
def test_the_time_limit_holds_when_the_search_could_go_on() -> None:
    reps = [rep(f"R{k}", 5.0 + 0.05 * k, capacity_h=32.0 + 8 * (k % 2)) for k in range(12)]
    accounts = [
        account(f"p{k}", 5.0 + (k * 37 % 601) / 1000, 0.2 + (k % 7) * 0.15, lat=52 + (k % 13) / 200)
        for k in range(800)
    ]
    options = TerritoryOptions(time_limit_s=1.0, gap=0.0, workers=2)
    result = design_territories(reps, accounts, options)
    assert result.solve_time_s <= 1.5  # the limit, plus slack for a busy machine
    assert result.balance.met


def test_figures_of_the_result_match_figures_of_its_assignment() -> None:
    accounts = balanced_current(swap_border=True)
    result = design_territories(TWO_REPS, accounts, replace(FAST, move_km=0.0))
    again = territory_figures(TWO_REPS, accounts, result.assignment, FAST)
    assert again == result.reps
    before = territory_figures(
        TWO_REPS, accounts, {a.id: "A" if a.id[0] == "a" else "B" for a in accounts}
    )
    assert [f.accounts for f in before] == [5, 5]
    assert before[0].mean_km_from_home > result.reps[0].mean_km_from_home


def test_centre_share_measures_distance_to_the_current_territory_centre() -> None:
    accounts = [account("a0", 5.0, current="A"), account("a1", 5.1, current="A")]
    accounts += [account("b0", 5.4, current="B"), account("b1", 5.5, current="B")]
    result = design_territories(TWO_REPS, accounts, replace(FAST, centre_share=1.0))
    home = design_territories(TWO_REPS, accounts, FAST)
    assert result.assignment == home.assignment
    # Each account is 0.05 degree of longitude (~3.4 km) from its territory's centre.
    assert result.objective.weighted_km == pytest.approx(4 * 3.44, rel=0.01)
    assert home.objective.weighted_km == pytest.approx(2 * 6.88, rel=0.01)


def test_no_accounts_is_an_empty_answer() -> None:
    result = design_territories(TWO_REPS, [], FAST)
    assert result.assignment == {}
    assert result.moves == ()
    assert [f.accounts for f in result.reps] == [0, 0]


@pytest.mark.parametrize(
    ("reps", "accounts", "message"),
    [
        ([rep("A", 5.0), rep("A", 5.1)], [], "rep id 'A' is used twice"),
        (TWO_REPS, [account("x", 5.0), account("x", 5.1)], "account id 'x' is used twice"),
        ([], [account("x", 5.0)], "at least one rep"),
    ],
)
def test_malformed_input_is_refused_by_name(
    reps: list[TerritoryRep], accounts: list[TerritoryAccount], message: str
) -> None:
    with pytest.raises(TerritoryError, match=message):
        design_territories(reps, accounts, FAST)


def test_fields_validate_themselves() -> None:
    with pytest.raises(TerritoryError, match="account 'x': workload_h must be >= 0"):
        account("x", 5.0, -1.0)
    with pytest.raises(TerritoryError, match="account 'x': locked, but it has no current rep"):
        account("x", 5.0, locked=True)
    with pytest.raises(TerritoryError, match="rep 'A': capacity_h must be > 0"):
        rep("A", 5.0, capacity_h=0.0)
    with pytest.raises(TerritoryError, match="centre_share"):
        TerritoryOptions(centre_share=1.5)
    with pytest.raises(TerritoryError, match="unknown rep 'Q'"):
        territory_figures(TWO_REPS, [account("x", 5.0)], {"x": "Q"})
