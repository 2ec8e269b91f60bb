"""`design_territories`: assign accounts to reps - compact, balanced, few moves, locks kept.

Objective: the sum over accounts of weekly workload x km from the rep's home (optionally
blended with the territory's centre), plus `move_km` x mean workload per account taken from a
rep who stays. Constraints: each rep's workload (and value, account count when asked) within
+-tolerance of their capacity-share target; locked accounts stay; every account assigned.

How (measured on 10,000 accounts x 25 reps on 2 cores, see `bench/territory.py`):
1. Candidates: each account may go to its 6-8 nearest reps and its current rep (all reps when
   there are <= 8); a rep with too little nearby work gets more.
2. Lagrangian prices on the balance constraints (numpy, ~1 s): a lower bound, and a priced
   assignment that is nearly balanced. It, and the current assignment, are repaired (chains
   of moves between neighbouring reps) and their borders straightened; the better is the
   warm start (CP-SAT hint).
3. CP-SAT on the core: the accounts nearest to switching rep at those prices (a fifth of them,
   300 to 2,000) are variables, hinted with the warm start; the rest stay put. When CP-SAT
   proves the core optimal with time to spare, the core doubles. The search stops once within
   `gap` of the lower bound. Measured alternatives (on a first version of the benchmark
   instance): the whole model (57,000 booleans) hinted with a greedy start ended 2.1% above
   the LP bound after 25 s; cells of ~8 accounts grouped by current rep, 2.7%; the priced
   core, 0.2% after 11 s (now 0.1% in 3-5 s).
4. Borders are straightened again (`routing.territories.polish`).
If the requested tolerances cannot be met (locks, large accounts), a first CP-SAT phase, started
from the tightest widening `tighten` reaches, minimises how far they must widen (in steps of
1e-4); the answer keeps that widening and says so in `Balance`.

A locked account whose rep is not in the reps list is an error (`LockedAccountError`): the
optimiser never breaks a lock, and an account cannot stay with a rep who is gone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from routing.territories.cpsat import Outcome, solve_core
from routing.territories.figures import territory_figures
from routing.territories.heuristics import core_order, lagrangian, repair, tighten, violation
from routing.territories.instance import Instance, IntArray, build_instance
from routing.territories.model import (
    Balance,
    Move,
    MoveKind,
    ObjectiveParts,
    TerritoryAccount,
    TerritoryOptions,
    TerritoryRep,
    TerritoryResult,
    TerritoryStatus,
)
from routing.territories.polish import polish_pairs

CORE_ACCOUNTS = 2_000
MIN_CORE_ACCOUNTS = 300
"""CP-SAT first re-decides a fifth of the accounts, 300 to 2,000 of them: on 2 cores, 2,000
border accounts of 10,000 close to ~0.1% of the bound in ~5 s, 300 of 1,720 in ~2 s."""
LAGRANGIAN_ITERATIONS = 2_000
_HEURISTIC_SHARE = 0.15  # of the budget, each for the prices and for the repair
_RELAX_SHARE = 0.4  # of what is left, for finding the tightest tolerance when needed
_RESERVE_S = 0.1
_RESERVE_S_PER_ACCOUNT = 3e-5  # building the result: figures, moves


def design_territories(
    reps: Sequence[TerritoryRep],
    accounts: Sequence[TerritoryAccount],
    options: TerritoryOptions | None = None,
) -> TerritoryResult:
    """Assign every account to a rep, within the time limit.

    Parameters
    ----------
    reps
        The reps who will hold territories. A removed rep is simply absent: their accounts
        must move. A new rep has no accounts: they get a territory carved from neighbours.
    accounts
        Every account, with weekly workload (h), value, current rep and lock.
    options
        Tolerances (relative), move weight (km), time limit (s, wall clock), seed, workers.

    Returns
    -------
    TerritoryResult
        Assignment, moves, per-rep figures, balance (requested vs achieved), objective parts.

    Raises
    ------
    TerritoryError
        Repeated or missing ids, no reps.
    LockedAccountError
        Locked accounts whose rep is not in `reps`.
    """
    options = options or TerritoryOptions()
    started = time.monotonic()
    inst = build_instance(reps, accounts, options)
    if inst.n == 0:
        return _result(
            reps, accounts, options, inst, np.zeros(0, np.int64), True, True, 0.0, started
        )
    stop = started + options.time_limit_s - _RESERVE_S - _RESERVE_S_PER_ACCOUNT * inst.n
    prices = lagrangian(
        inst, iterations=LAGRANGIAN_ITERATIONS, deadline=_share(stop, _HEURISTIC_SHARE)
    )
    rep_of = _warm_start(inst, prices.assignment, stop)
    order = core_order(inst, prices.prices, rep_of)
    relax = inst.needed_relax(rep_of)
    proven = relax == 0 or order.size == 0
    if relax > 0 and order.size:
        rep_of = tighten(inst, rep_of, deadline=_share(stop, _HEURISTIC_SHARE))
        outside = np.asarray((inst.outside(rep_of) > 0).any(axis=0), dtype=bool)
        touching = (outside[inst.cand] & inst.valid).any(axis=1)
        free = _first(inst, order, CORE_ACCOUNTS) | (touching & _mask(inst, order))
        outcome = _solve(inst, free, rep_of, None, _share(stop, _RELAX_SHARE), options)
        if outcome is not None:
            rep_of, relax = outcome.rep_of, outcome.relax
            proven = outcome.optimal and bool(free.sum() == order.size)
    kept_possible = int((inst.current >= 0).sum())
    # The Lagrangian bound is on sum(cost), where keeping an account earns -move_bonus.
    lower_bound = prices.lower_bound + inst.move_bonus * kept_possible
    good_enough = (
        lower_bound + options.gap * abs(lower_bound) - inst.move_bonus * kept_possible
        if relax == 0
        else None
    )
    optimal = order.size == 0
    first_core = min(CORE_ACCOUNTS, max(MIN_CORE_ACCOUNTS, inst.n // 5))
    size = order.size if order.size <= 1.5 * first_core else first_core
    while order.size:
        round_started = time.monotonic()
        free = _first(inst, order, size)
        outcome = _solve(inst, free, rep_of, relax, stop, options, good_enough)
        if outcome is None:
            break
        rep_of = outcome.rep_of
        optimal = outcome.optimal and size >= order.size
        spent = time.monotonic() - round_started
        if not outcome.optimal or size >= order.size or stop - time.monotonic() < 2 * spent:
            break
        size *= 2
    final = polish_pairs(inst, rep_of, relax=relax, deadline=stop + _RESERVE_S / 2)
    optimal = optimal and bool((final == rep_of).all())  # polish never worsens; it may improve
    rep_of = final
    return _result(reps, accounts, options, inst, rep_of, optimal, proven, lower_bound, started)


def _warm_start(inst: Instance, priced: IntArray, stop: float) -> IntArray:
    """The better of two repaired and polished starts: the priced assignment, and the current
    one (the priced rep where there is none) - the latter keeps moves few when the current
    territories are nearly balanced already."""
    starts = [priced]
    if (inst.current >= 0).any():
        starts.append(np.where(inst.current >= 0, inst.current, priced))
    best: tuple[float, float] | None = None
    chosen = priced
    for start in starts:
        repaired = repair(inst, start, deadline=_share(stop, _HEURISTIC_SHARE / len(starts)))
        until = _share(stop, _HEURISTIC_SHARE / (2 * len(starts)))
        repaired = polish_pairs(inst, repaired, relax=inst.needed_relax(repaired), deadline=until)
        key = (violation(inst, repaired), float(inst.costs_of(repaired).sum()))
        if best is None or key < best:
            best, chosen = key, repaired
    return chosen


def _solve(
    inst: Instance,
    free: np.ndarray,
    hint: IntArray,
    relax: int | None,
    deadline: float,
    options: TerritoryOptions,
    good_enough: float | None = None,
) -> Outcome | None:
    return solve_core(
        inst,
        free,
        hint,
        relax=relax,
        deadline=deadline,
        seed=options.seed,
        workers=options.workers,
        good_enough=good_enough,
    )


def _share(stop: float, share: float) -> float:
    now = time.monotonic()
    return now + max(0.0, stop - now) * share


def _mask(inst: Instance, indices: IntArray) -> np.ndarray:
    mask = np.zeros(inst.n, dtype=bool)
    mask[indices] = True
    return mask


def _first(inst: Instance, order: IntArray, size: int) -> np.ndarray:
    return _mask(inst, order[:size])


def _result(
    reps: Sequence[TerritoryRep],
    accounts: Sequence[TerritoryAccount],
    options: TerritoryOptions,
    inst: Instance,
    rep_of: IntArray,
    optimal: bool,
    proven: bool,
    lower_bound: float | None,
    started: float,
) -> TerritoryResult:
    assignment = {a.id: reps[int(r)].id for a, r in zip(accounts, rep_of, strict=True)}
    figures = territory_figures(reps, accounts, assignment, options)
    moves = []
    for account, r, cur in zip(accounts, rep_of.tolist(), inst.current.tolist(), strict=True):
        if r == cur:
            continue
        kind = (
            MoveKind.NEW
            if account.current_rep is None
            else MoveKind.REASSIGNED
            if cur >= 0
            else MoveKind.ORPHANED
        )
        moves.append(Move(account.id, account.current_rep, reps[r].id, kind))
    worst = {
        "workload": max((abs(f.deviation) for f in figures), default=0.0),
        "value": max((abs(f.value_deviation) for f in figures), default=0.0),
        "count": max((abs(f.count_deviation) for f in figures), default=0.0),
    }
    requested = {
        "workload": options.workload_tolerance,
        "value": options.value_tolerance,
        "count": options.count_tolerance,
    }
    met = all(tol is None or worst[name] <= tol + 1e-9 for name, tol in requested.items())
    reassigned = sum(1 for move in moves if move.kind is MoveKind.REASSIGNED)
    weighted_km = float(np.dot(inst.workload, inst.anchor_km[np.arange(inst.n), rep_of]))
    move_cost = reassigned * inst.move_bonus
    return TerritoryResult(
        assignment=assignment,
        moves=tuple(moves),
        reps=figures,
        balance=Balance(
            workload_tolerance=options.workload_tolerance,
            max_workload_deviation=worst["workload"],
            value_tolerance=options.value_tolerance,
            max_value_deviation=worst["value"],
            count_tolerance=options.count_tolerance,
            max_count_deviation=worst["count"],
            met=met,
            tightest_proven=met or proven,
        ),
        objective=ObjectiveParts(
            weighted_km=weighted_km,
            reassigned=reassigned,
            move_cost=move_cost,
            total=weighted_km + move_cost,
            lower_bound=lower_bound if met else None,
        ),
        status=TerritoryStatus.OPTIMAL if optimal else TerritoryStatus.FEASIBLE,
        solve_time_s=time.monotonic() - started,
    )


__all__ = ["design_territories"]
