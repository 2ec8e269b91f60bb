"""Fast numpy heuristics around the CP-SAT model: prices, a repaired warm start, the core.

1. `lagrangian`: price each rep's workload (and value, count) so that every account going to
   its cheapest priced candidate gives balanced territories - a weighted Voronoi diagram. The
   prices give a lower bound (the Lagrangian dual) and show which accounts sit on a border.
2. `repair`: push accounts along the cheapest chain of neighbouring reps, from an overloaded
   rep to one with room (or the reverse), until every rep is within its bounds or stuck.
3. `core_order`: accounts ranked by how close they are to switching rep at these prices; CP-SAT
   decides those and keeps the rest where the warm start put them.
4. `tighten`: when the bounds cannot be met, the least widening `repair` reaches.
(`routing.territories.polish` straightens the borders of the final answer.)
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from routing.territories.instance import RELAX_STEP, BoolArray, FloatArray, Instance, IntArray

_STEP_DECAY = 50.0
_EPS_PER_HOP = 1e-6  # prefers short chains among equally cheap ones


@dataclass(frozen=True, slots=True)
class Prices:
    prices: FloatArray  # (M, R) cost per unit of each measure
    lower_bound: float  # on sum(cost) over candidate assignments within the requested bounds
    assignment: IntArray  # the most balanced priced assignment seen (cheapest among ties)


def violation(inst: Instance, rep_of: IntArray, relax: int = 0) -> float:
    """Sum over measures and reps of the relative distance outside the bounds (0 = within),
    judged by the integer model so that 0 here means CP-SAT accepts the assignment (with
    tolerances widened by `relax` steps)."""
    return float(inst.outside(rep_of, relax).sum())


def lagrangian(inst: Instance, *, iterations: int, deadline: float) -> Prices:
    """Subgradient ascent on the Lagrangian dual of the balance constraints.

    Step sizes start at the median km from an account to its nearest candidate anchor (in
    cost per unit of each measure) and shrink as 1 / (1 + k / 50). Stops after `iterations`
    or at `deadline` (monotonic clock). At 10,000 accounts an iteration takes ~0.5 ms.
    """
    n_measures, n_reps = inst.target.shape
    lower, upper = inst.bounds()
    anchor = np.take_along_axis(inst.anchor_km, inst.cand, axis=1)
    nearest_km = np.where(inst.valid, anchor, np.inf).min(axis=1)
    scale_km = max(1.0, float(np.median(nearest_km))) if inst.n else 1.0
    mean_work = max(float(inst.workload.mean()), 1e-12)
    unit = scale_km * mean_work / np.maximum(inst.q.mean(axis=1), 1e-12)
    prices = np.zeros((n_measures, n_reps))
    best_bound, best_prices = -np.inf, prices.copy()
    best_key, best_rep_of = (np.inf, np.inf), inst.cand[:, 0].copy()
    rows = np.arange(inst.n)
    for k in range(iterations):
        reduced = _reduced(inst, prices)
        pick = reduced.argmin(axis=1)
        rep_of = inst.cand[rows, pick]
        loads = inst.loads(rep_of)
        bound = float(reduced[rows, pick].sum())
        bound -= float((np.maximum(prices, 0) * upper - np.maximum(-prices, 0) * lower).sum())
        if bound > best_bound:
            best_bound, best_prices = bound, prices.copy()
        key = (violation(inst, rep_of), float(inst.cost[rows, pick].sum()))
        if key < best_key:
            best_key, best_rep_of = key, rep_of
        slope = np.where(
            prices > 0,
            loads - upper,
            np.where(prices < 0, loads - lower, np.clip(0.0, loads - upper, loads - lower)),
        )
        if not slope.any() or time.monotonic() > deadline:
            break
        step = unit / (1.0 + k / _STEP_DECAY)
        prices = prices + step[:, None] * slope / np.maximum(inst.target, 1e-12)
    return Prices(prices=best_prices, lower_bound=best_bound, assignment=best_rep_of)


def _reduced(inst: Instance, prices: FloatArray) -> FloatArray:
    reduced = inst.cost.copy()
    for m in range(prices.shape[0]):
        reduced += prices[m][inst.cand] * inst.q[m][:, None]
    return reduced


def core_order(inst: Instance, prices: FloatArray, rep_of: IntArray) -> IntArray:
    """Movable accounts, most undecided first: those not with their cheapest priced rep, then
    by the gap (per hour of workload) between their two cheapest priced candidates."""
    movable = ~inst.locked & (inst.valid.sum(axis=1) >= 2)
    reduced = _reduced(inst, prices)
    cheapest = inst.cand[np.arange(inst.n), reduced.argmin(axis=1)]
    ranked = np.sort(reduced, axis=1)
    gap = (ranked[:, 1] - ranked[:, 0]) if ranked.shape[1] > 1 else np.zeros(inst.n)
    gap = gap / np.maximum(inst.workload, 0.1 * max(float(inst.workload.mean()), 1e-12))
    undecided = cheapest != rep_of
    order = np.lexsort((gap, ~undecided))
    return np.asarray(order[movable[order]], dtype=np.int64)


def repair(inst: Instance, rep_of: IntArray, *, deadline: float, relax: int = 0) -> IntArray:
    """Push workload along chains of neighbouring reps while that lowers `violation`.

    The rep furthest outside its bounds sends (or receives) enough to reach the middle of its
    band, through the cheapest chain of reps to one with room (or to spare), cheapest accounts
    per unit first; failing that, one account per link. Stops when all are within bounds
    (tolerances widened by `relax` steps), no chain helps, or at `deadline` (monotonic clock).
    """
    rep_of = rep_of.copy()
    stuck: set[tuple[int, int]] = set()
    current_v = violation(inst, rep_of, relax)
    while current_v > 0 and time.monotonic() < deadline:
        loads = inst.loads(rep_of)
        outside = inst.outside(rep_of, relax)
        todo = [
            (int(m), int(r))
            for m, r in zip(*np.nonzero(outside > 0), strict=True)
            if (m, r) not in stuck
        ]
        if not todo:
            break
        m, s = max(todo, key=lambda mr: outside[mr])
        better = _push(inst, rep_of, m, s, loads, current_v, relax)
        if better is None:
            stuck.add((m, s))
            continue
        rep_of, current_v = better
        stuck.clear()
    return rep_of


def _push(
    inst: Instance,
    rep_of: IntArray,
    m: int,
    s: int,
    loads: FloatArray,
    current_v: float,
    relax: int,
) -> tuple[IntArray, float] | None:
    """Try the three cheapest chains for rep `s` in measure `m`; the first that helps wins."""
    n_reps = inst.n_reps
    here = (inst.cand == rep_of[:, None]) & inst.valid
    base = np.where(here, inst.cost, 0.0).sum(axis=1)
    movable = inst.valid & ~here & ~inst.locked[:, None] & (inst.q[m] > 0)[:, None]
    per_unit = (inst.cost - base[:, None]) / np.maximum(inst.q[m], 1e-12)[:, None]
    per_unit = np.where(movable, per_unit, np.inf)
    link = np.full(n_reps * n_reps, np.inf)
    keys = rep_of[:, None] * n_reps + inst.cand
    np.minimum.at(link, keys[movable], np.maximum(per_unit[movable], 0) + _EPS_PER_HOP)
    links = link.reshape(n_reps, n_reps)
    overloaded = loads[m, s] > inst.target[m, s]
    dist, pred = _dijkstra(links if overloaded else links.T, s)
    if overloaded:
        ends = np.flatnonzero(np.isfinite(dist) & (loads[m] < inst.target[m]))
    else:
        ends = np.flatnonzero(np.isfinite(dist) & (loads[m] > inst.target[m]))
    lower, upper = inst.bounds(relax * RELAX_STEP)
    target = inst.target[m]
    for end in ends[np.argsort(dist[ends], kind="stable")][:3].tolist():
        chain = [end]
        while chain[-1] != s:
            chain.append(int(pred[chain[-1]]))
        chain = chain[::-1] if overloaded else chain  # flow runs s -> end, or end -> s
        if overloaded:  # to the middle of the band, or just inside it
            amounts = [
                min(loads[m, s] - (target[s] + upper[m, s]) / 2, upper[m, end] - loads[m, end]),
                loads[m, s] - upper[m, s],
            ]
        else:
            amounts = [
                min((target[s] + lower[m, s]) / 2 - loads[m, s], loads[m, end] - lower[m, end]),
                lower[m, s] - loads[m, s],
            ]
        for amount in amounts:
            trial = _flow(inst, rep_of, chain, per_unit, m, amount, (upper - lower)[m] / 4)
            if trial is None:
                break
            trial_v = violation(inst, trial, relax)
            if trial_v < current_v - 1e-12:
                return trial, trial_v
    return None


def _flow(
    inst: Instance,
    rep_of: IntArray,
    chain: list[int],
    per_unit: FloatArray,
    m: int,
    amount: float,
    slack: FloatArray,
) -> IntArray | None:
    """Move about `amount` of measure `m` over the first link of `chain`, and on along each
    next link about what the last one brought, cheapest per unit first, overshooting by at
    most the receiver's `slack` (the smallest account when none fits). None when a link has
    no account to move."""
    trial = rep_of.copy()
    moved: BoolArray = np.zeros(inst.n, dtype=bool)
    for p, q in itertools.pairwise(chain):
        price = np.where((inst.cand == q) & inst.valid, per_unit, np.inf).min(axis=1)
        price[(trial != p) | moved] = np.inf
        options = np.flatnonzero(np.isfinite(price))
        if options.size == 0:
            return None
        sizes = inst.q[m, options]
        fits = sizes <= amount + slack[q]
        options = options[fits] if fits.any() else options[[int(sizes.argmin())]]
        got = 0.0
        for account in options[np.argsort(price[options], kind="stable")].tolist():
            size = float(inst.q[m, account])
            if got + size > amount + slack[q]:
                continue
            trial[account] = q
            moved[account] = True
            got += size
            if got >= amount:
                break
        if got == 0.0:  # only an account that overshoots: move the smallest
            account = int(options[0])
            trial[account] = q
            moved[account] = True
            got = float(inst.q[m, account])
        amount = got
    return trial


def _dijkstra(weights: FloatArray, source: int) -> tuple[FloatArray, IntArray]:
    """Shortest paths on a small dense graph with non-negative weights (inf = no link)."""
    size = weights.shape[0]
    dist = np.full(size, np.inf)
    dist[source] = 0.0
    pred = np.full(size, -1, dtype=np.int64)
    done = np.zeros(size, dtype=bool)
    for _ in range(size):
        u = int(np.where(done, np.inf, dist).argmin())
        if not np.isfinite(dist[u]) or done[u]:
            break
        done[u] = True
        alt = dist[u] + weights[u]
        better = (alt < dist) & ~done
        dist[better] = alt[better]
        pred[better] = u
    return dist, pred


def tighten(inst: Instance, rep_of: IntArray, *, deadline: float) -> IntArray:
    """When `rep_of` needs its tolerances widened, bisect for the smallest widening that
    `repair` reaches from it (by `deadline`); gives the CP-SAT search a tight start."""
    best = rep_of
    low, high = 0, inst.needed_relax(rep_of)
    while low < high and time.monotonic() < deadline:
        middle = (low + high) // 2
        trial = repair(inst, best, deadline=deadline, relax=middle)
        if violation(inst, trial, middle) > 0:
            low = middle + 1
        else:
            best, high = trial, inst.needed_relax(trial)
    return best
