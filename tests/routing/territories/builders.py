"""Tiny territory instances on one parallel (lat 52): 0.01 degree of longitude is ~0.69 km."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product

from routing import Point, TerritoryAccount, TerritoryOptions, TerritoryRep

LAT = 52.0
FAST = TerritoryOptions(time_limit_s=5.0, workers=1)


def rep(rid: str, lon: float, capacity_h: float = 40.0) -> TerritoryRep:
    return TerritoryRep(id=rid, home=Point(LAT, lon), capacity_h=capacity_h)


def account(
    aid: str,
    lon: float,
    workload_h: float = 1.0,
    *,
    current: str | None = None,
    locked: bool = False,
    value: float = 0.0,
    lat: float = LAT,
) -> TerritoryAccount:
    return TerritoryAccount(
        id=aid,
        point=Point(lat, lon),
        workload_h=workload_h,
        value=value,
        current_rep=current,
        locked=locked,
    )


def max_deviation(
    reps: Sequence[TerritoryRep],
    accounts: Sequence[TerritoryAccount],
    assignment: Mapping[str, str],
) -> float:
    """Largest |workload - target| / target, computed here independently of the solver."""
    total = sum(a.workload_h for a in accounts)
    capacity = sum(r.capacity_h for r in reps)
    worst = 0.0
    for r in reps:
        target = total * r.capacity_h / capacity
        load = sum(a.workload_h for a in accounts if assignment[a.id] == r.id)
        worst = max(worst, abs(load - target) / target if target > 0 else 0.0)
    return worst


def brute_force_tightest(
    reps: Sequence[TerritoryRep], accounts: Sequence[TerritoryAccount]
) -> float:
    """The smallest achievable max deviation over every assignment that keeps the locks."""
    choices = [
        [a.current_rep] if a.locked and a.current_rep else [r.id for r in reps] for a in accounts
    ]
    best = float("inf")
    for combo in product(*choices):
        assignment = {a.id: str(rid) for a, rid in zip(accounts, combo, strict=True)}
        best = min(best, max_deviation(reps, accounts, assignment))
    return best
