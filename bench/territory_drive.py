"""Calibrates the drive-burden estimate of `routing.territories.figures` against real plans.

For sampled territories (demo-sized companies of 1,720 accounts x 10 reps, designed by
`design_territories`), one week of visits is drawn (each account with probability = its visits
per week) and planned by `routing.solve` as 5 day routes from the rep's home (08:00-18:00,
service times from the generator, costs 1 per km so the plan minimises distance, prizes high
enough that every visit is made). The plan's km are then fitted, least squares without an
intercept, to

    km / circuity = a * (2 * r * days) + k * sqrt(n * A)

(n visits drawn, A the territory's convex-hull area in km2, r the mean straight-line km from
home to the visits, days = min(5, n)). Printed: a, k, and the estimate's error - in-sample,
on the other half of the territories (fit on one half), and for the estimate as
`territory_figures` uses it (expected weekly visits instead of the drawn ones).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from bench.territory_data import Company, make_company
from routing import (
    Costs,
    Point,
    Problem,
    SolveOptions,
    Stop,
    TerritoryOptions,
    TimeWindow,
    Vehicle,
    design_territories,
    haversine_matrix,
    solve,
    territory_figures,
)
from routing.route.matrix import DEFAULT_CIRCUITY
from routing.territories.figures import hull_area_km2, km_between, project_km

DAYS = 5
SHIFT = TimeWindow(8 * 3600.0, 18 * 3600.0)


def plan_week_km(
    home: Point, visits: Sequence[tuple[Point, float]], time_limit_s: float
) -> tuple[float, int]:
    """Road km of `routing.solve`'s week plan for (point, service h) visits; visits made."""
    matrix = haversine_matrix([home, *(p for p, _ in visits)])
    problem = Problem(
        vehicles=tuple(
            Vehicle(id=f"day-{d}", start_index=0, end_index=0, shift=SHIFT) for d in range(DAYS)
        ),
        stops=tuple(
            Stop(id=f"v{k}", index=k + 1, service_s=service * 3600.0, prize=1e5)
            for k, (_, service) in enumerate(visits)
        ),
        matrix=matrix,
        costs=Costs(per_km=1.0),
    )
    plan = solve(problem, SolveOptions(time_limit_s=time_limit_s))
    made = sum(len(route.stops) for route in plan.routes)
    return sum(route.distance_m for route in plan.routes) / 1000.0, made


def _samples(
    company: Company, weeks: int, seed: int, time_limit_s: float
) -> list[dict[str, float]]:
    result = design_territories(company.reps, company.accounts, TerritoryOptions(move_km=0.0))
    figures = territory_figures(company.reps, company.accounts, result.assignment)
    rng = np.random.default_rng(seed)
    rows = []
    for rep, fig in zip(company.reps, figures, strict=True):
        mine = [a for a in company.accounts if result.assignment[a.id] == rep.id]
        x, y = project_km(
            np.array([a.point.lat for a in mine]), np.array([a.point.lon for a in mine])
        )
        area = hull_area_km2(x, y)
        for _ in range(weeks):
            drawn = [a for a in mine if rng.random() < a.visits_per_week]
            km, made = plan_week_km(
                rep.home, [(a.point, company.service_h[a.id]) for a in drawn], time_limit_s
            )
            r = float(km_between([a.point for a in drawn], [rep.home])[:, 0].mean())
            rows.append(
                {
                    "km": km,
                    "n": float(len(drawn)),
                    "made": float(made),
                    "area": area,
                    "r": r,
                    "figures_km": fig.drive_km,
                }
            )
    return rows


def calibrate(seeds: Sequence[int] = (3, 4, 5), weeks: int = 2, time_limit_s: float = 2.0) -> None:
    rows = []
    for seed in seeds:
        rows += _samples(make_company(1_720, 10, seed=seed), weeks, seed, time_limit_s)
    km = np.array([row["km"] for row in rows]) / DEFAULT_CIRCUITY
    days = np.minimum(DAYS, np.array([row["n"] for row in rows]))
    features = np.c_[
        [2 * row["r"] * d for row, d in zip(rows, days, strict=True)],
        [math.sqrt(row["n"] * row["area"]) for row in rows],
    ]
    (a, k), *_ = np.linalg.lstsq(features, km, rcond=None)
    err = features @ np.array([a, k]) / km - 1
    half = np.arange(len(rows)) % 2 == 0
    (a_half, k_half), *_ = np.linalg.lstsq(features[half], km[half], rcond=None)
    held_out = features[~half] @ np.array([a_half, k_half]) / km[~half] - 1
    as_used = np.array([row["figures_km"] for row in rows]) / (km * DEFAULT_CIRCUITY) - 1
    dropped = sum(row["n"] - row["made"] for row in rows)
    print(f"{len(rows)} week plans, {dropped:.0f} visits not made (shift too short)")
    print(f"fit: a (line-haul) = {a:.3f}, k (BHH) = {k:.3f}")
    for name, e in (("in-sample", err), ("held-out half", held_out), ("as used", as_used)):
        print(
            f"{name:>14}: mean |error| {np.mean(np.abs(e)):.1%}, max |error| "
            f"{np.max(np.abs(e)):.1%}, mean error {np.mean(e):+.1%}"
        )
