"""Territory design as arrays: candidate reps per account, costs, and the balanced measures.

Each account may go only to its candidate reps: its nearest few (by anchor distance), its
current rep, and - where a rep would otherwise have too little nearby work to reach its target -
extra accounts nearest that rep. Rows are padded to the longest list (`valid` marks real ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.route.model import Point
from routing.territories.figures import km_between
from routing.territories.model import (
    LockedAccountError,
    TerritoryAccount,
    TerritoryError,
    TerritoryOptions,
    TerritoryRep,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

ALL_REPS_UP_TO = 8
BASE_CANDIDATES = 6
MAX_CANDIDATES = 8
WIDEN_WITHIN = 1.25
"""Reps 7 and 8 are candidates too when no farther than 1.25 x the 6th nearest."""
COVERAGE = 1.5
"""Each rep gets candidate accounts worth at least 1.5 x their upper workload bound."""
MEASURE_UNITS = 1e8
"""Integer units per measure total. Larger is finer but CP-SAT 9.15 then errs: with totals of
1e10 units it reported a wrong optimum on a 5-account instance; 1e8 is exact there."""
COST_UNITS = 1e6
RELAX_STEP = 1e-4
"""A relaxation widens every tolerance in steps of 1e-4 (0.01 percentage points)."""


@dataclass(frozen=True, slots=True)
class Scaled:
    """The integer model. Each measure's total is `MEASURE_UNITS`; an account's share is
    rounded *up* where it counts against an upper bound and *down* against a lower one, and
    bounds are rounded inwards, so an assignment accepted here keeps the real (float) bounds.
    `per_relax` is what one relax step adds to each bound; costs are scaled to <= 1e6."""

    up: IntArray  # (M, n)
    down: IntArray  # (M, n)
    target: FloatArray  # (M, R)
    upper: IntArray  # (M, R)
    lower: IntArray  # (M, R)
    per_relax: IntArray  # (M, R)
    cost: IntArray  # (n, K)
    cost_factor: float  # integer cost units per unit of `Instance.cost`


@dataclass(frozen=True, slots=True)
class Instance:
    """`cand[i, k]` is a rep index where `valid[i, k]`; `cost[i, k]` is workload x anchor km,
    minus `move_bonus` for the current rep (inf where not valid). Measures are rows of `q`
    (workload first, then value and count when balanced) with targets and bounds per rep."""

    cand: IntArray
    valid: BoolArray
    cost: FloatArray
    anchor_km: FloatArray  # (n, R) km from each account to each rep's anchor
    current: IntArray  # rep index, -1 for none or a removed rep
    locked: BoolArray
    workload: FloatArray
    move_bonus: float
    q: FloatArray  # (M, n)
    target: FloatArray  # (M, R)
    tolerance: FloatArray  # (M,)
    measures: tuple[str, ...]
    scaled: Scaled

    @property
    def n(self) -> int:
        return int(self.cand.shape[0])

    @property
    def n_reps(self) -> int:
        return int(self.target.shape[1])

    def bounds(self, relax: float = 0.0) -> tuple[FloatArray, FloatArray]:
        """Lower and upper bounds (M, R) at the requested tolerances plus `relax`."""
        spread = (self.tolerance + relax)[:, None] * self.target
        return self.target - spread, self.target + spread

    def loads(self, rep_of: IntArray) -> FloatArray:
        """(M, R) totals of each measure per rep for an assignment (rep index per account)."""
        return np.stack([np.bincount(rep_of, weights=row, minlength=self.n_reps) for row in self.q])

    def costs_of(self, rep_of: IntArray) -> FloatArray:
        """Per-account cost of an assignment that uses only candidate reps."""
        hit = (self.cand == rep_of[:, None]) & self.valid
        return np.asarray(np.where(hit, self.cost, 0.0).sum(axis=1), dtype=np.float64)

    def outside(self, rep_of: IntArray, relax: int = 0) -> FloatArray:
        """(M, R) how far each rep is outside its bounds in the integer model, relative to
        its target (0 = within), with every tolerance widened by `relax` steps."""
        s = self.scaled
        high = s.upper + s.per_relax * relax
        low = s.lower - s.per_relax * relax
        over = np.maximum(self._units(rep_of, s.up) - high, 0.0)
        under = np.maximum(low - self._units(rep_of, s.down), 0.0)
        return np.asarray((over + under) / np.maximum(s.target, 1.0), dtype=np.float64)

    def needed_relax(self, rep_of: IntArray) -> int:
        """The fewest relax steps under which the integer model accepts `rep_of`."""
        s = self.scaled
        over = self._units(rep_of, s.up) - s.upper
        under = s.lower - self._units(rep_of, s.down)
        steps = np.ceil(np.maximum(over, under) / s.per_relax)
        return int(np.maximum(steps, 0).max(initial=0))

    def _units(self, rep_of: IntArray, per_account: IntArray) -> FloatArray:
        return np.stack(
            [np.bincount(rep_of, weights=row, minlength=self.n_reps) for row in per_account]
        )


def build_instance(
    reps: Sequence[TerritoryRep], accounts: Sequence[TerritoryAccount], options: TerritoryOptions
) -> Instance:
    """Validate ids and locks, compute anchor distances, candidates, costs and targets."""
    if not reps:
        raise TerritoryError("at least one rep is needed")
    rep_index = _unique_index([r.id for r in reps], "rep")
    _unique_index([a.id for a in accounts], "account")
    orphans = tuple(a.id for a in accounts if a.locked and a.current_rep not in rep_index)
    if orphans:
        listed = ", ".join(repr(a) for a in orphans[:10])
        raise LockedAccountError(
            orphans,
            f"{len(orphans)} locked account(s) belong to a rep who is not in the reps list: "
            f"{listed}; unlock them or keep their rep",
        )
    current = np.array([rep_index.get(a.current_rep or "", -1) for a in accounts], dtype=np.int64)
    locked = np.array([a.locked for a in accounts], dtype=bool)
    work = np.array([a.workload_h for a in accounts], dtype=np.float64)
    points = [a.point for a in accounts]
    anchor = km_between(points, [r.home for r in reps])
    if options.centre_share > 0:
        centres = _current_centres(reps, accounts, current, work)
        anchor = (1 - options.centre_share) * anchor + options.centre_share * km_between(
            points, centres
        )
    share = np.array([r.capacity_h for r in reps]) / sum(r.capacity_h for r in reps)
    names, rows, tolerances = ["workload"], [work], [options.workload_tolerance]
    extra = (
        ("value", np.array([a.value for a in accounts], dtype=np.float64), options.value_tolerance),
        ("count", np.ones(len(accounts)), options.count_tolerance),
    )
    for name, row, tol in extra:
        if tol is not None and row.sum() > 0:
            names.append(name)
            rows.append(row)
            tolerances.append(tol)
    q = np.stack(rows) if accounts else np.zeros((len(rows), 0))
    target = q.sum(axis=1)[:, None] * share[None, :]
    tolerance = np.array(tolerances, dtype=np.float64)
    mask = _candidates(anchor, current, locked, work, target[0] * (1 + tolerance[0]), options)
    cand, valid = _pack(mask)
    mean_work = float(work.mean()) if accounts and work.mean() > 0 else 1.0
    move_bonus = options.move_km * mean_work
    rows_idx = np.arange(len(accounts))[:, None]
    cost = work[:, None] * anchor[rows_idx, cand]
    cost = cost - move_bonus * (cand == current[:, None])
    cost = np.where(valid, cost, np.inf)
    return Instance(
        cand=cand,
        valid=valid,
        cost=cost,
        anchor_km=anchor,
        current=current,
        locked=locked,
        workload=work,
        move_bonus=move_bonus,
        q=q,
        target=target,
        tolerance=tolerance,
        measures=tuple(names),
        scaled=_scale(q, target, tolerance, np.where(valid, cost, 0.0)),
    )


def _scale(q: FloatArray, target: FloatArray, tolerance: FloatArray, cost: FloatArray) -> Scaled:
    totals = q.sum(axis=1)
    safe = np.where(totals > 0, totals, 1.0)  # a measure that is all zero stays all zero
    factor = np.where(totals > 0, MEASURE_UNITS / safe, 0.0)[:, None]
    units = _snap(q * factor)
    aim = target * factor
    spread = tolerance[:, None] * aim
    cost_factor = COST_UNITS / max(float(np.abs(cost).max()) if cost.size else 0.0, 1e-12)
    return Scaled(
        up=np.ceil(units).astype(np.int64),
        down=np.floor(units).astype(np.int64),
        target=aim,
        upper=np.floor(_snap(aim + spread)).astype(np.int64),
        lower=np.ceil(_snap(aim - spread)).astype(np.int64),
        per_relax=np.maximum(np.floor(aim * RELAX_STEP), 1).astype(np.int64),
        cost=np.round(cost * cost_factor).astype(np.int64),
        cost_factor=cost_factor,
    )


def _snap(values: FloatArray) -> FloatArray:
    """Values within 1e-6 of an integer become that integer (float noise, not rounding)."""
    near = np.round(values)
    return np.asarray(np.where(np.abs(values - near) < 1e-6, near, values), dtype=np.float64)


def _unique_index(ids: list[str], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for k, item in enumerate(ids):
        if item in index:
            raise TerritoryError(f"{what} id {item!r} is used twice")
        index[item] = k
    return index


def _current_centres(
    reps: Sequence[TerritoryRep],
    accounts: Sequence[TerritoryAccount],
    current: IntArray,
    work: FloatArray,
) -> list[Point]:
    """Workload-weighted mean position of each rep's current accounts (home if none)."""
    lat = np.array([a.point.lat for a in accounts])
    lon = np.array([a.point.lon for a in accounts])
    centres = []
    for k, rep in enumerate(reps):
        mine = current == k
        weight = work[mine] + 1e-9  # accounts without workload still place the centre
        if not mine.any():
            centres.append(rep.home)
            continue
        centres.append(
            Point(
                float(np.average(lat[mine], weights=weight)),
                float(np.average(lon[mine], weights=weight)),
            )
        )
    return centres


def _candidates(
    anchor: FloatArray,
    current: IntArray,
    locked: BoolArray,
    work: FloatArray,
    upper: FloatArray,
    options: TerritoryOptions,
) -> BoolArray:
    """(n, R) mask of allowed reps; a locked account's only candidate is its current rep."""
    n, n_reps = anchor.shape
    limit = options.candidates
    if (limit is None and n_reps <= ALL_REPS_UP_TO) or (limit is not None and limit >= n_reps):
        mask = np.ones((n, n_reps), dtype=bool)
    else:
        base = min(limit or BASE_CANDIDATES, n_reps)
        order = np.argsort(anchor, axis=1, kind="stable")
        ranked = np.take_along_axis(anchor, order, axis=1)
        keep = np.zeros((n, n_reps), dtype=bool)
        keep[:, :base] = True
        if limit is None:
            wide = min(MAX_CANDIDATES, n_reps)
            reach = WIDEN_WITHIN * ranked[:, base - 1 : base]
            keep[:, base:wide] = ranked[:, base:wide] <= reach
        mask = np.zeros((n, n_reps), dtype=bool)
        np.put_along_axis(mask, order, keep, axis=1)
        _cover(mask, anchor, locked, work, upper)
    has = current >= 0
    mask[np.flatnonzero(has), current[has]] = True
    mask[locked] = False
    mask[np.flatnonzero(locked), current[locked]] = True
    return mask


def _cover(
    mask: BoolArray, anchor: FloatArray, locked: BoolArray, work: FloatArray, upper: FloatArray
) -> None:
    """Give each rep enough candidate workload to reach its target (a new rep in a corner)."""
    free = ~locked
    for r in range(mask.shape[1]):
        need = min(float(work[free].sum()), COVERAGE * float(upper[r]))
        have = float(work[mask[:, r] & free].sum())
        if have >= need:
            continue
        extra = np.flatnonzero(free & ~mask[:, r])
        extra = extra[np.argsort(anchor[extra, r], kind="stable")]
        upto = int(np.searchsorted(np.cumsum(work[extra]), need - have)) + 1
        mask[extra[:upto], r] = True


def _pack(mask: BoolArray) -> tuple[IntArray, BoolArray]:
    """Dense mask -> padded (n, K) rep indices in rep order, K = longest row."""
    width = max(1, int(mask.sum(axis=1).max())) if mask.size else 1
    order = np.argsort(~mask, axis=1, kind="stable")[:, :width]
    valid = np.take_along_axis(mask, order, axis=1)
    return np.where(valid, order, 0).astype(np.int64), valid
