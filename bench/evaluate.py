"""One independent evaluator for TOPTW answers, used for every solver alike.

It sees only the order of visits. Times are recomputed here from the instance's integer
matrix with earliest-start scheduling (leave the depot at its opening time, wait when early),
so a solver's own reported times are never trusted. Earliest start is optimal for checking:
starting any later can only make later windows and the return harder to meet.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import NamedTuple

from bench.toptw import Instance


class Evaluation(NamedTuple):
    """`(feasible, score, violations)`; the score counts distinct visited nodes even when infeasible."""

    feasible: bool
    score: int
    violations: list[str]


def _as_node(value: object) -> int | None:
    # operator.index accepts int and numpy integers but refuses floats, which must not be
    # silently truncated into a different node.
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def route_times(instance: Instance, route: Sequence[int]) -> tuple[list[int], int]:
    """Earliest service start at each node of `route`, and the arrival time back at the depot."""
    starts, t, here = [], instance.depot_open, 0
    for node in route:
        t = max(t + int(instance.durations[here, node]), int(instance.open[node]))
        starts.append(t)
        t += int(instance.service[node])
        here = node
    return starts, t + int(instance.durations[here, 0])


def evaluate(instance: Instance, m: int, routes: Sequence[Sequence[int]]) -> Evaluation:
    """Check `routes` (node indices, depot excluded) against `instance` with `m` vehicles.

    Feasible means: at most `m` non-empty routes, only customer nodes 1..N, each at most once,
    every service start within [open, close] and every route back at the depot by Tmax.
    """
    violations: list[str] = []
    used = [[_as_node(v) for v in r] for r in routes if len(r) > 0]
    if len(used) > m:
        violations.append(f"{len(used)} non-empty routes, only {m} vehicles")
    seen: set[int] = set()
    score = 0
    n = instance.n_customers
    for k, route in enumerate(used):
        if any(v is None or not 1 <= v <= n for v in route):
            violations.append(f"route {k}: {routes_repr(route)} has nodes outside 1..{n}")
            continue
        nodes = [v for v in route if v is not None]
        for node in nodes:
            if node in seen:
                violations.append(f"route {k}: node {node} visited more than once")
            else:
                score += int(instance.profit[node])
            seen.add(node)
        starts, back = route_times(instance, nodes)
        for node, start in zip(nodes, starts, strict=True):
            if start > instance.close[node]:
                violations.append(
                    f"route {k}: node {node} starts at {start} > close {instance.close[node]}"
                )
        if back > instance.tmax:
            violations.append(f"route {k}: back at depot at {back} > Tmax {instance.tmax}")
    return Evaluation(feasible=not violations, score=score, violations=violations)


def routes_repr(route: Sequence[object]) -> str:
    return "[" + " ".join(str(v) for v in route) + "]"
