"""Per-rep figures for any assignment of accounts to reps, and the geometry they need.

The same function gives the "before" numbers of the current assignment and the "after" numbers
of a solve, so a preview compares like with like. Distances are straight-line kilometres from
`routing.route.matrix.haversine_matrix` (circuity 1); the drive-burden estimate converts them to
road km with the options' circuity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from routing.route.matrix import EARTH_RADIUS_M, haversine_matrix
from routing.route.model import Point
from routing.territories.model import (
    RepFigures,
    TerritoryAccount,
    TerritoryError,
    TerritoryOptions,
    TerritoryRep,
)

FloatArray = NDArray[np.float64]

DRIVE_LINEHAUL = 0.975
DRIVE_LOCAL_K = 0.393
"""Weekly drive estimate (straight-line km, then x circuity):
``DRIVE_LINEHAUL * 2 * r * days + DRIVE_LOCAL_K * sqrt(n * A)``, with n weekly visits, A the
territory's convex-hull area (km2), r the visit-weighted mean km from home and days =
min(days_per_week, ceil(n)): a drive out and back each day plus a Beardwood-Halton-Hammersley
tour through the visits (Daganzo's formula). Fitted by `bench.territory.calibrate_drive`
against 60 `routing.solve` week plans (5 day routes from home, 08:00-18:00) on territories of
three demo-sized companies (1,720 accounts x 10 reps, ~30 visits a week each): as used here
(expected visits), mean |error| 15%, bias +6%, worst 86% (territories of a few dense towns,
whose hull is mostly empty); refits on other samples move the constants by ~0.05. An
estimate for comparing territories, not a route plan."""

_CHUNK_CELLS = 400_000  # entries per haversine_matrix call: keeps memory flat for 10k accounts


def km_between(origins: Sequence[Point], targets: Sequence[Point]) -> FloatArray:
    """Straight-line km from each origin (rows) to each target (columns).

    Calls `haversine_matrix` on chunks of origins together with all targets, so memory stays
    small for many origins and few targets (accounts x reps).
    """
    out = np.zeros((len(origins), len(targets)), dtype=np.float64)
    if not origins or not targets:
        return out
    chunk = max(32, int(math.sqrt(_CHUNK_CELLS)) - len(targets))
    for start in range(0, len(origins), chunk):
        part = origins[start : start + chunk]
        metres = haversine_matrix([*targets, *part], circuity=1.0).distances_m
        out[start : start + len(part)] = metres[len(targets) :, : len(targets)] / 1000.0
    return out


def project_km(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Local equirectangular projection (km, around the mean latitude): for areas and
    neighbours within a sales region, where its error is well under 1%."""
    ref = math.radians(float(np.mean(lat))) if lat.size else 0.0
    r_km = EARTH_RADIUS_M / 1000.0
    return np.radians(lon) * r_km * math.cos(ref), np.radians(lat) * r_km


def hull_area_km2(x: FloatArray, y: FloatArray) -> float:
    """Area (km2) of the convex hull of projected points (monotone chain, then shoelace)."""
    pts = sorted(set(zip(x.tolist(), y.tolist(), strict=True)))
    if len(pts) < 3:
        return 0.0

    def half(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        chain: list[tuple[float, float]] = []
        for p in points:
            while len(chain) >= 2:
                (ax, ay), (bx, by) = chain[-2], chain[-1]
                if (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) > 0:
                    break
                chain.pop()
            chain.append(p)
        return chain

    hull = half(pts)[:-1] + half(pts[::-1])[:-1]
    hx = np.array([p[0] for p in hull])
    hy = np.array([p[1] for p in hull])
    return float(abs(np.dot(hx, np.roll(hy, -1)) - np.dot(hy, np.roll(hx, -1))) / 2.0)


def weekly_drive_km(
    visits: float,
    area_km2: float,
    mean_km_from_home: float,
    *,
    days_per_week: int = 5,
    circuity: float = 1.3,
) -> float:
    """Estimated road km per week to make `visits` visits spread over `area_km2`.

    `mean_km_from_home` is the visit-weighted straight-line mean. See `DRIVE_LOCAL_K`.
    """
    if visits <= 0:
        return 0.0
    days = min(days_per_week, math.ceil(visits))
    straight = DRIVE_LINEHAUL * 2.0 * mean_km_from_home * days
    straight += DRIVE_LOCAL_K * math.sqrt(visits * area_km2)
    return circuity * straight


def territory_figures(
    reps: Sequence[TerritoryRep],
    accounts: Sequence[TerritoryAccount],
    assignment: Mapping[str, str],
    options: TerritoryOptions | None = None,
) -> tuple[RepFigures, ...]:
    """Each rep's figures (in `reps` order) for `assignment` (account id -> rep id).

    Targets share the workload of *all* `accounts` by capacity, so accounts missing from
    `assignment` (e.g. new ones) lower nobody's load but still count in the targets. Raises
    `TerritoryError` for an assignment naming an unknown account or rep.
    """
    options = options or TerritoryOptions()
    rep_index = {rep.id: k for k, rep in enumerate(reps)}
    account_ids = {account.id for account in accounts}
    for account_id, rep_id in assignment.items():
        if account_id not in account_ids:
            raise TerritoryError(f"assignment names unknown account {account_id!r}")
        if rep_id not in rep_index:
            raise TerritoryError(f"account {account_id!r} is assigned to unknown rep {rep_id!r}")
    owner = np.array([rep_index.get(assignment.get(a.id, ""), -1) for a in accounts], dtype=int)
    work = np.array([a.workload_h for a in accounts], dtype=np.float64)
    value = np.array([a.value for a in accounts], dtype=np.float64)
    visits = np.array([a.visits_per_week for a in accounts], dtype=np.float64)
    lat = np.array([a.point.lat for a in accounts], dtype=np.float64)
    lon = np.array([a.point.lon for a in accounts], dtype=np.float64)
    x, y = project_km(lat, lon)
    share = np.array([rep.capacity_h for rep in reps]) / sum(rep.capacity_h for rep in reps)
    km_home = km_between([a.point for a in accounts], [rep.home for rep in reps])
    figures = []
    for k, rep in enumerate(reps):
        mine = owner == k
        load = float(work[mine].sum())
        target = float(work.sum() * share[k])
        n_visits = float(visits[mine].sum())
        km = km_home[mine, k]
        area = hull_area_km2(x[mine], y[mine])
        mean_visit_km = float(np.dot(visits[mine], km) / n_visits) if n_visits > 0 else 0.0
        drive_km = weekly_drive_km(
            n_visits,
            area,
            mean_visit_km,
            days_per_week=options.days_per_week,
            circuity=options.circuity,
        )
        figures.append(
            RepFigures(
                rep_id=rep.id,
                accounts=int(mine.sum()),
                value=float(value[mine].sum()),
                workload_h=load,
                target_h=target,
                deviation=_relative(load, target),
                value_deviation=_relative(float(value[mine].sum()), value.sum() * share[k]),
                count_deviation=_relative(float(mine.sum()), len(accounts) * share[k]),
                visits_per_week=n_visits,
                area_km2=area,
                drive_km=drive_km,
                drive_h=drive_km / options.speed_kmh,
                mean_km_from_home=float(np.dot(work[mine], km) / load) if load > 0 else 0.0,
            )
        )
    return tuple(figures)


def _relative(amount: float, target: float) -> float:
    """(amount - target) / target; 0 when there is nothing to share (target 0)."""
    return (amount - target) / target if target > 0 else 0.0
