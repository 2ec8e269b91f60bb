"""Synthetic but realistic territory instances: accounts clustered in towns, reps living in
towns, skewed values, visit cadences from weekly to twice a year, and a messy history.

- Region: a square of 50 km x sqrt(reps) per side around central Germany (~2,500 km2 per rep).
- Towns: n/50 of them, sizes Pareto (shape 1.16, the 80/20 rule), each a Gaussian blob whose
  spread grows with its size; 8% of accounts are rural (uniform over the region).
- Reps: hired to cover equal shares of the workload (recursive bisection), living in the
  town nearest their share's centre; one in five works 32 h, the rest 40 h.
- Cadence: every 1, 2, 4, 8, 13 or 26 weeks, skewed so a rep has ~32 visits a week; service
  0.5-1.5 h per visit plus 0.4 h expected travel; value Pareto (shape 1.5), larger for
  accounts visited more often.
- History: each account with its nearest rep, 15% with the 2nd or 3rd nearest (territories
  drawn long ago); ~5% locked, the valuable ones more likely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from routing import Point, TerritoryAccount, TerritoryRep

CENTRE = Point(51.0, 10.0)
KM_PER_DEG_LAT = 111.32
CADENCE_WEEKS = np.array([1.0, 2.0, 4.0, 8.0, 13.0, 26.0])
TRAVEL_H_PER_VISIT = 0.4
VISITS_PER_REP_WEEK = 32.0


@dataclass(frozen=True)
class Company:
    reps: list[TerritoryRep]
    accounts: list[TerritoryAccount]
    service_h: dict[str, float]  # per visit, for week plans in the drive calibration


def _to_point(x_km: float, y_km: float) -> Point:
    lat = CENTRE.lat + y_km / KM_PER_DEG_LAT
    lon = CENTRE.lon + x_km / (KM_PER_DEG_LAT * math.cos(math.radians(CENTRE.lat)))
    return Point(lat, lon)


def _cadence_probabilities(mean_visits: float) -> np.ndarray:
    """p_j proportional to (1/weeks_j)^beta, beta found by bisection for the mean visit rate."""
    rate = 1.0 / CADENCE_WEEKS
    low, high = -8.0, 8.0
    for _ in range(60):
        beta = (low + high) / 2
        p = rate**beta / (rate**beta).sum()
        low, high = (beta, high) if float(p @ rate) < mean_visits else (low, beta)
    return np.asarray(p, dtype=np.float64)


def _homes(
    rng: np.random.Generator, xy: np.ndarray, work: np.ndarray, town_xy: np.ndarray, n_reps: int
) -> np.ndarray:
    """Reps were hired to cover equal business: cut the region into `n_reps` parts of equal
    workload (recursive bisection along the longer side); each rep lives in the town nearest
    to their part's workload centre, +-2 km."""
    centres: list[np.ndarray] = []

    def cut(idx: np.ndarray, parts: int) -> None:
        if parts == 1:
            centres.append(np.average(xy[idx], axis=0, weights=work[idx]))
            return
        axis = int(np.ptp(xy[idx], axis=0).argmax())
        idx = idx[np.argsort(xy[idx, axis], kind="stable")]
        left = parts // 2
        share = np.cumsum(work[idx]) / work[idx].sum()
        split = int(np.searchsorted(share, left / parts)) + 1
        cut(idx[:split], left)
        cut(idx[split:], parts - left)

    cut(np.arange(len(xy)), n_reps)
    town = ((np.array(centres)[:, None, :] - town_xy[None]) ** 2).sum(-1).argmin(axis=1)
    return np.asarray(town_xy[town] + rng.normal(size=(n_reps, 2)) * 2.0)


def make_company(n_accounts: int, n_reps: int, seed: int = 0) -> Company:
    """A company of `n_accounts` accounts and `n_reps` reps with a messy current assignment."""
    rng = np.random.default_rng(seed)
    side = 50.0 * math.sqrt(n_reps)
    n_towns = max(15, n_accounts // 50)
    size = rng.pareto(1.16, n_towns) + 1.0
    town_xy = rng.uniform(-side / 2, side / 2, (n_towns, 2))
    spread = 1.0 + 0.8 * np.sqrt(size)
    town = rng.choice(n_towns, n_accounts, p=size / size.sum())
    xy = town_xy[town] + rng.normal(size=(n_accounts, 2)) * spread[town, None]
    rural = rng.random(n_accounts) < 0.08
    xy[rural] = rng.uniform(-side / 2, side / 2, (int(rural.sum()), 2))
    xy = np.clip(xy, -side / 2, side / 2)

    p = _cadence_probabilities(VISITS_PER_REP_WEEK * n_reps / n_accounts)
    weeks = CADENCE_WEEKS[rng.choice(len(CADENCE_WEEKS), n_accounts, p=p)]
    service = rng.integers(2, 7, n_accounts) * 0.25
    work = (service + TRAVEL_H_PER_VISIT) / weeks
    home_xy = _homes(rng, xy, work, town_xy, n_reps)
    reps = [
        TerritoryRep(
            id=f"rep-{k:02d}",
            home=_to_point(*home_xy[k]),
            capacity_h=32.0 if rng.random() < 0.2 else 40.0,
        )
        for k in range(n_reps)
    ]

    value = np.round((rng.pareto(1.5, n_accounts) + 1.0) * 800.0 / np.sqrt(weeks), 2)
    km = np.hypot(xy[:, None, 0] - home_xy[None, :, 0], xy[:, None, 1] - home_xy[None, :, 1])
    order = np.argsort(km, axis=1)
    current = order[:, 0].copy()
    messy = rng.random(n_accounts) < 0.15
    current[messy] = order[messy, rng.integers(1, 3, int(messy.sum()))]
    lock_p = 0.05 * value / value.mean()
    locked = rng.random(n_accounts) < np.minimum(lock_p, 0.9)
    accounts = [
        TerritoryAccount(
            id=f"acc-{i:05d}",
            point=_to_point(*xy[i]),
            workload_h=float(work[i]),
            value=float(value[i]),
            current_rep=reps[int(current[i])].id,
            locked=bool(locked[i]),
            visits_per_week=float(1.0 / weeks[i]),
        )
        for i in range(n_accounts)
    ]
    service_h = {a.id: float(service[i]) for i, a in enumerate(accounts)}
    return Company(reps=reps, accounts=accounts, service_h=service_h)


def perturb(
    company: Company, assignment: dict[str, str], share: float, seed: int
) -> tuple[Company, int]:
    """The company a while later: `share` of accounts changed - a third removed, a third new
    (near existing accounts, no rep yet), a third with new workload (x0.5-x2). Current reps
    come from `assignment`. Returns the new company and how many accounts were new."""
    rng = np.random.default_rng(seed)
    accounts = [replace(a, current_rep=assignment[a.id]) for a in company.accounts]
    n_change = round(share * len(accounts))
    picked = rng.choice(len(accounts), n_change, replace=False)
    removed = {int(i) for i in picked[: n_change // 3] if not accounts[int(i)].locked}
    reworked = picked[n_change // 3 : 2 * n_change // 3]
    for i in reworked.tolist():
        factor = float(rng.uniform(0.5, 2.0))
        accounts[i] = replace(accounts[i], workload_h=accounts[i].workload_h * factor)
    service_h = dict(company.service_h)
    n_new = n_change - 2 * (n_change // 3)
    for j, i in enumerate(rng.choice(len(accounts), n_new).tolist()):
        near = accounts[i].point
        jitter = rng.normal(size=2) * 0.01
        new = replace(
            accounts[i],
            id=f"new-{j:05d}",
            point=Point(near.lat + jitter[0], near.lon + jitter[1]),
            current_rep=None,
            locked=False,
        )
        accounts.append(new)
        service_h[new.id] = company.service_h[accounts[i].id]
    kept = [a for k, a in enumerate(accounts) if k not in removed]
    return Company(reps=company.reps, accounts=kept, service_h=service_h), n_new
