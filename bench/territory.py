"""Territory design benchmark: `design_territories` against k-means + greedy balancing.

Run from the repository root: ``python -m bench.territory [--part design|rebalance|demo|
calibrate|all]`` (``all``, the default, skips ``calibrate``, which takes ~2 minutes).

- design: 10,000 accounts x 25 reps (`bench.territory_data`), ~5% locked, a messy history:
  time, max workload deviation, locks kept, mean km from home (workload-weighted, straight
  line), overlap, accounts moved - for Fieldroute and the baseline, and their ratios.
- rebalance: 5% of accounts change (removed, new, new workload); re-solve from the design's
  answer: the share of accounts that move (target < 10%).
- demo: 1,720 accounts x 10 reps (the demo company's size): time and the same figures.
- calibrate: fits the drive-burden constants against `routing.solve` week plans.

Overlap is the share of accounts whose nearest other account belongs to another territory:
~0 for territories that do not interleave, rising towards 1 - 1/reps for random ones. It is
cheap (one nearest-neighbour pass) and, unlike hull overlap, is not fooled by one outlier.
Nothing here is asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # `python bench/territory.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench.territory_baseline import kmeans_greedy
from bench.territory_data import Company, make_company, perturb
from bench.territory_drive import calibrate
from routing import (
    TerritoryAccount,
    TerritoryOptions,
    TerritoryResult,
    design_territories,
    territory_figures,
)
from routing.territories.figures import project_km

TIME_LIMIT_S = 25.0
DESIGN = TerritoryOptions(time_limit_s=TIME_LIMIT_S, move_km=0.0)
"""A fresh design: only locks tie accounts to their current rep, like the baseline."""
REBALANCE = TerritoryOptions(time_limit_s=TIME_LIMIT_S)
"""A rebalance: the default move weight."""


@dataclass(frozen=True)
class Scores:
    seconds: float
    max_deviation: float
    locks_kept: int
    locks: int
    mean_km: float
    overlap: float
    moved: int


def overlap_share(accounts: Sequence[TerritoryAccount], assignment: Mapping[str, str]) -> float:
    """Share of accounts whose nearest other account (straight line) has another rep."""
    lat = np.array([a.point.lat for a in accounts])
    lon = np.array([a.point.lon for a in accounts])
    x, y = project_km(lat, lon)
    owner = np.unique([assignment[a.id] for a in accounts], return_inverse=True)[1]
    nearest = np.empty(len(accounts), dtype=int)
    for start in range(0, len(accounts), 1000):
        stop = min(start + 1000, len(accounts))
        d = (x[start:stop, None] - x[None, :]) ** 2 + (y[start:stop, None] - y[None, :]) ** 2
        d[np.arange(stop - start), np.arange(start, stop)] = np.inf
        nearest[start:stop] = d.argmin(axis=1)
    return float((owner != owner[nearest]).mean())


def score(company: Company, assignment: Mapping[str, str], seconds: float) -> Scores:
    figures = territory_figures(company.reps, company.accounts, assignment)
    work = sum(f.workload_h for f in figures)
    locks = [a for a in company.accounts if a.locked]
    return Scores(
        seconds=seconds,
        max_deviation=max(abs(f.deviation) for f in figures),
        locks_kept=sum(assignment[a.id] == a.current_rep for a in locks),
        locks=len(locks),
        mean_km=sum(f.mean_km_from_home * f.workload_h for f in figures) / work,
        overlap=overlap_share(company.accounts, assignment),
        moved=sum(
            a.current_rep is not None and assignment[a.id] != a.current_rep
            for a in company.accounts
        ),
    )


def _row(name: str, s: Scores) -> str:
    return (
        f"{name:<12} {s.seconds:7.1f} s  max dev {s.max_deviation:6.2%}  locks "
        f"{s.locks_kept}/{s.locks}  km from home {s.mean_km:6.2f}  overlap {s.overlap:6.2%}  "
        f"moved {s.moved}"
    )


def run_ours(company: Company, options: TerritoryOptions) -> tuple[TerritoryResult, Scores]:
    started = time.monotonic()
    result = design_territories(company.reps, company.accounts, options)
    elapsed = time.monotonic() - started
    return result, score(company, dict(result.assignment), elapsed)


def compare(company: Company, label: str, options: TerritoryOptions) -> TerritoryResult:
    """Fieldroute and the baseline on one company; prints both and the ratios."""
    print(f"\n== {label}: {len(company.accounts)} accounts x {len(company.reps)} reps ==")
    before = score(company, {a.id: a.current_rep or "" for a in company.accounts}, 0.0)
    print(_row("current", before))
    result, ours = run_ours(company, options)
    started = time.monotonic()
    base_assignment = kmeans_greedy(company.reps, company.accounts)
    base = score(company, base_assignment, time.monotonic() - started)
    print(_row("fieldroute", ours))
    print(_row("baseline", base))
    objective = result.objective
    gap = f"{objective.total / objective.lower_bound - 1:.2%}" if objective.lower_bound else "n/a"
    print(
        f"fieldroute: status {result.status}, balance met {result.balance.met}, objective "
        f"{objective.total:.0f} h*km (lower bound gap {gap}), {objective.reassigned} reassigned"
    )
    print(
        f"ratios fieldroute/baseline: km from home {ours.mean_km / base.mean_km:.3f}, overlap "
        f"{ours.overlap / max(base.overlap, 1e-12):.3f}, max dev "
        f"{ours.max_deviation / max(base.max_deviation, 1e-12):.3f}, moved "
        f"{ours.moved / max(base.moved, 1):.3f}"
    )
    return result


def rebalance(company: Company, result: TerritoryResult) -> None:
    """5% of accounts change; re-solve from the last answer and count what moves."""
    later, n_new = perturb(company, dict(result.assignment), share=0.05, seed=1)
    print(f"\n== rebalance: 5% changed ({n_new} new accounts), {len(later.accounts)} accounts ==")
    current = {a.id: a.current_rep for a in later.accounts if a.current_rep}
    figures = territory_figures(later.reps, later.accounts, current)
    worst = max(abs(f.deviation) for f in figures)
    print(f"before re-solve: max dev {worst:.2%} (new accounts not yet in any territory)")
    again, scores = run_ours(later, REBALANCE)
    existing = sum(a.current_rep is not None for a in later.accounts)
    print(_row("fieldroute", scores))
    bound = again.objective.lower_bound
    gap = f"{again.objective.total / bound - 1:.2%}" if bound else "n/a"
    print(
        f"moved {again.objective.reassigned} of {existing} existing accounts "
        f"({again.objective.reassigned / existing:.2%}, target < 10%); balance met "
        f"{again.balance.met}, max dev {again.balance.max_workload_deviation:.2%}, "
        f"lower bound gap {gap}"
    )


def calibrate_drive(
    seeds: Sequence[int] = (3, 4, 5), weeks: int = 2, time_limit_s: float = 2.0
) -> None:
    """Fit the drive-burden constants against `routing.solve` week plans; print the error."""
    calibrate(seeds=seeds, weeks=weeks, time_limit_s=time_limit_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Territory design benchmark")
    parser.add_argument(
        "--part", choices=("design", "rebalance", "demo", "calibrate", "all"), default="all"
    )
    args = parser.parse_args(argv)
    if args.part == "calibrate":
        calibrate_drive()
        return 0
    if args.part in ("design", "rebalance", "all"):
        company = make_company(10_000, 25, seed=0)
        result = compare(company, "design", DESIGN)
        if args.part in ("rebalance", "all"):
            rebalance(company, result)
    if args.part in ("demo", "all"):
        compare(make_company(1_720, 10, seed=0), "demo company", DESIGN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
