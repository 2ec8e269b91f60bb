"""Pinned re-plans, as a rep's "add to today": each day of `field_day_peers` planned, then two of
its left-out accounts pinned (required) and the day planned again from that plan.

Run from the repository root: ``python -m bench.pinned_replan [--seeds 1-4] [--limit 2]``.

Per day: the first plan's net value (the floor the re-plan starts from, measured in the same
run), the re-plan's net counted with the same prizes, their ratio (what the pins cost), whether
both pins were served, and the re-plan's wall time. The pins are drawn with a fixed seed from the
accounts the first plan left out; a day whose two pins cannot be served together answers
`RequiredStopError` and is printed as such. Nothing is asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

import numpy as np

from bench.field_day_peers import Day, _ranges, _routes_of, judge, peer_day
from routing import Plan, RequiredStopError, SolveOptions, solve

SIZES = ((300, 1), (300, 2), (300, 4), (500, 2))
PINS = 2


def pinned(day: Day, first: Plan, draw: int) -> tuple[Day, set[int]]:
    """`day` with `PINS` of the accounts `first` left out required (drawn with seed `draw`)."""
    served = {stop.id for route in first.routes for stop in route.stops}
    stops = day.problem.stops
    left_out = [k for k, stop in enumerate(stops) if stop.id not in served]
    rng = np.random.default_rng(draw)
    pins = {int(k) for k in rng.choice(left_out, size=PINS, replace=False)}
    required = tuple(replace(s, required=True) if k in pins else s for k, s in enumerate(stops))
    return replace(day, problem=replace(day.problem, stops=required)), pins


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-4", help="days of each size")
    parser.add_argument("--limit", type=float, default=2.0, help="seconds per solve")
    args = parser.parse_args(argv)
    options = SolveOptions(time_limit_s=args.limit, seed=0, workers=2)
    warm = peer_day(0, 30, 1)
    solve(warm.problem, options)  # imports and the worker pool, untimed
    print("instance       first net | re-plan net  ratio  pins  wall")
    ratios: list[float] = []
    for n_stops, n_reps in SIZES:
        for seed in _ranges(args.seeds):
            name = f"{n_stops}x{n_reps} s{seed}"
            day = peer_day(seed, n_stops, n_reps)
            first = solve(day.problem, options)
            _, floor, _ = judge(day, _routes_of(day.problem, first))
            day_pinned, pins = pinned(day, first, seed * 1000 + n_stops + n_reps)
            start = {route.vehicle_id: [s.id for s in route.stops] for route in first.routes}
            started = time.perf_counter()
            try:
                plan = solve(day_pinned.problem, replace(options, start=start))
            except RequiredStopError as error:
                print(f"{name:<14} {floor:9.1f} | refused: {error}")
                continue
            wall = time.perf_counter() - started
            ok, net, _ = judge(day_pinned, _routes_of(day_pinned.problem, plan))
            served = {stop.id for route in plan.routes for stop in route.stops}
            kept = sum(day.problem.stops[k].id in served for k in pins)
            ratio = net / floor if ok and floor > 0 else 0.0
            ratios.append(ratio)
            flag = "" if ok else " INFEASIBLE"
            print(
                f"{name:<14} {floor:9.1f} | {net:11.1f} {ratio:6.4f}  {kept}/{PINS}  {wall:4.2f}s{flag}"
            )
    if ratios:
        print(f"re-plan / first plan: mean {sum(ratios) / len(ratios):.4f} over {len(ratios)} days")
    return 0


if __name__ == "__main__":
    sys.exit(main())
