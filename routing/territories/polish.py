"""Straighten territory borders: re-split each pair of neighbouring reps along one line."""

from __future__ import annotations

import time

import numpy as np

from routing.territories.instance import BoolArray, Instance, IntArray


def polish_pairs(inst: Instance, rep_of: IntArray, *, relax: int, deadline: float) -> IntArray:
    """Re-split the accounts of each pair of neighbouring reps along one clean border.

    For reps a and b, their shared movable accounts are sorted by how much cheaper b is than a
    per unit of workload; b takes a prefix, a the rest (the two-rep LP solution, rounded). The
    best prefix that keeps both reps within bounds (`relax` added to the tolerances) replaces
    the current split when it costs less. Bounds are the integer model's, widened by `relax`
    steps, so the answer stays acceptable to CP-SAT. Repeats until no pair improves or
    `deadline` (monotonic clock).
    """
    rep_of = rep_of.copy()
    s = inst.scaled
    lower, upper = s.lower - s.per_relax * relax, s.upper + s.per_relax * relax
    movable = ~inst.locked
    reach = inst.valid & movable[:, None]
    owners = np.broadcast_to(rep_of[:, None], inst.cand.shape)[reach]
    others = inst.cand[reach]
    pairs = np.unique(np.stack([np.minimum(owners, others), np.maximum(owners, others)], 1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for a, b in pairs.tolist():
            if time.monotonic() > deadline:
                break
            improved |= _resplit(inst, rep_of, a, b, lower, upper, movable)
    return rep_of


def _resplit(
    inst: Instance,
    rep_of: IntArray,
    a: int,
    b: int,
    lower: IntArray,
    upper: IntArray,
    movable: BoolArray,
) -> bool:
    at_a = (inst.cand == a) & inst.valid
    at_b = (inst.cand == b) & inst.valid
    members = np.flatnonzero(
        movable & ((rep_of == a) | (rep_of == b)) & at_a.any(axis=1) & at_b.any(axis=1)
    )
    if members.size < 2:
        return False
    cost_a = np.where(at_a[members], inst.cost[members], 0.0).sum(axis=1)
    cost_b = np.where(at_b[members], inst.cost[members], 0.0).sum(axis=1)
    lean = (cost_b - cost_a) / np.maximum(inst.workload[members], 1e-9)
    order = np.argsort(lean, kind="stable")
    picked = members[order]
    now_b = rep_of[picked] == b
    # Upper bounds see shares rounded up, lower bounds rounded down (see `Scaled`).
    ok = np.ones(members.size + 1, dtype=bool)
    for units, limit, above in ((inst.scaled.up, upper, True), (inst.scaled.down, lower, False)):
        q = units[:, picked].astype(np.float64)
        totals = np.stack([np.bincount(rep_of, row, minlength=inst.n_reps) for row in units])
        base_a = totals[:, a] - (q * ~now_b).sum(axis=1)
        base_b = totals[:, b] - (q * now_b).sum(axis=1)
        taken = np.concatenate([np.zeros((q.shape[0], 1)), np.cumsum(q, axis=1)], axis=1)
        load_b = base_b[:, None] + taken
        load_a = base_a[:, None] + q.sum(axis=1)[:, None] - taken
        if above:
            ok &= ((load_a <= limit[:, a, None]) & (load_b <= limit[:, b, None])).all(axis=0)
        else:
            ok &= ((load_a >= limit[:, a, None]) & (load_b >= limit[:, b, None])).all(axis=0)
    if not ok.any():
        return False
    delta = cost_b[order] - cost_a[order]
    split_cost = cost_a.sum() + np.concatenate([[0.0], np.cumsum(delta)])
    best = int(np.where(ok, split_cost, np.inf).argmin())
    now_cost = float(np.where(now_b, cost_b[order], cost_a[order]).sum())
    if split_cost[best] >= now_cost - 1e-9 * max(1.0, abs(now_cost)):
        return False
    rep_of[members[order]] = np.where(np.arange(members.size) < best, b, a)
    return True
