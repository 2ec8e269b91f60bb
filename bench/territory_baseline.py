"""The baseline territory designer: k-means seeded by rep homes, then greedy balancing.

This is what a capable analyst would script without an optimiser: workload-weighted Lloyd
iterations from the homes (cluster k belongs to rep k; locked accounts stay pinned), then
repeatedly move the border account of the most out-of-balance rep to or from a neighbouring
rep - the one whose centre is least farther away - while that rep stays within its bounds,
until every rep is within tolerance or no such move is left.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing import TerritoryAccount, TerritoryRep
from routing.territories.figures import project_km


def kmeans_greedy(
    reps: Sequence[TerritoryRep],
    accounts: Sequence[TerritoryAccount],
    tolerance: float = 0.05,
    iterations: int = 30,
    max_moves: int = 100_000,
) -> dict[str, str]:
    """Assignment (account id -> rep id) from k-means + greedy balancing (numpy only)."""
    lat = np.array([a.point.lat for a in accounts] + [r.home.lat for r in reps])
    lon = np.array([a.point.lon for a in accounts] + [r.home.lon for r in reps])
    x, y = project_km(lat, lon)
    n = len(accounts)
    xy, centres = np.c_[x[:n], y[:n]], np.c_[x[n:], y[n:]]
    work = np.array([a.workload_h for a in accounts])
    index = {r.id: k for k, r in enumerate(reps)}
    pinned = np.array([a.locked for a in accounts])
    pin_to = np.array([index.get(a.current_rep or "", -1) for a in accounts])
    for _ in range(iterations):
        label = _nearest(xy, centres)
        label[pinned] = pin_to[pinned]
        for k in range(len(reps)):
            mine = label == k
            if work[mine].sum() > 0:
                centres[k] = np.average(xy[mine], axis=0, weights=work[mine])
    label = _nearest(xy, centres)
    label[pinned] = pin_to[pinned]
    share = np.array([r.capacity_h for r in reps]) / sum(r.capacity_h for r in reps)
    target = work.sum() * share
    low, high = target * (1 - tolerance), target * (1 + tolerance)
    load = np.bincount(label, weights=work, minlength=len(reps))
    dist = np.hypot(xy[:, None, 0] - centres[None, :, 0], xy[:, None, 1] - centres[None, :, 1])
    neighbours = _neighbours(label, dist, len(reps))
    for _ in range(max_moves):
        excess = np.maximum(load - high, 0) + np.maximum(low - load, 0)
        if not excess.any():
            break
        r = int(np.argmax(excess / target))
        move = _best_move(r, label, load, work, dist, pinned, neighbours, low, high)
        if move is None:
            break
        i, src, dst = move
        label[i] = dst
        load[src] -= work[i]
        load[dst] += work[i]
    return {a.id: reps[int(k)].id for a, k in zip(accounts, label, strict=True)}


def _nearest(xy: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d = (xy[:, None, 0] - centres[None, :, 0]) ** 2 + (xy[:, None, 1] - centres[None, :, 1]) ** 2
    return np.asarray(d.argmin(axis=1))


def _neighbours(label: np.ndarray, dist: np.ndarray, n_reps: int) -> np.ndarray:
    """Reps k, j are neighbours when some account of k has j as its second-nearest centre."""
    second = np.argsort(dist, axis=1)[:, 1]
    adjacent = np.zeros((n_reps, n_reps), dtype=bool)
    adjacent[label, second] = True
    return adjacent | adjacent.T


def _best_move(
    r: int,
    label: np.ndarray,
    load: np.ndarray,
    work: np.ndarray,
    dist: np.ndarray,
    pinned: np.ndarray,
    neighbours: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> tuple[int, int, int] | None:
    """The cheapest border move that helps rep `r` without pushing the other rep out of bounds."""
    free = ~pinned
    if load[r] > high[r]:
        rows = np.flatnonzero((label == r) & free)
        room = neighbours[r] & (load < high)
        ok = room[None, :] & (load[None, :] + work[rows, None] <= high[None, :])
        extra = np.where(ok, dist[rows] - dist[rows, r][:, None], np.inf)
        if extra.size == 0 or not np.isfinite(extra.min()):
            return None
        row, dst = np.unravel_index(int(extra.argmin()), extra.shape)
        return int(rows[row]), r, int(dst)
    rows = np.flatnonzero(neighbours[r][label] & free & (label != r))
    src = label[rows]
    ok = (load[src] - work[rows] >= low[src]) & (load[r] + work[rows] <= high[r])
    extra = np.where(ok, dist[rows, r] - dist[rows, src], np.inf)
    if extra.size == 0 or not np.isfinite(extra.min()):
        return None
    k = int(extra.argmin())
    return int(rows[k]), int(src[k]), r
