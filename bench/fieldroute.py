"""Fieldroute's own solver (`routing.solve`) on a TOPTW instance, through its public API only."""

from __future__ import annotations

import numpy as np

from bench.toptw import Instance


def solve_fieldroute(
    instance: Instance,
    m: int,
    time_limit_s: float,
    seed: int = 0,
    workers: int = 2,
    vroom_start: bool = True,
) -> list[list[int]]:
    """Maximise collected profit with `m` vehicles; routes as node indices (depot excluded).

    The scaled integer times go in as seconds, so nothing is rounded on the way in. Distance
    equals travel time; with both costs zero Fieldroute maximises prize and uses travel only
    to break ties, which is the TOPTW objective.
    """
    from routing import (
        Costs,
        Problem,
        SolveOptions,
        Stop,
        TimeWindow,
        TravelMatrix,
        Vehicle,
        solve,
    )

    times = np.asarray(instance.durations, dtype=float)
    matrix = TravelMatrix(durations_s=times, distances_m=times.copy())
    shift = TimeWindow(float(instance.depot_open), float(instance.tmax))
    vehicles = tuple(Vehicle(id=f"v{k}", start_index=0, end_index=0, shift=shift) for k in range(m))
    stops = tuple(
        Stop(
            id=str(i),
            index=i,
            service_s=float(instance.service[i]),
            windows=(TimeWindow(float(instance.open[i]), float(instance.close[i])),),
            prize=float(instance.profit[i]),
        )
        for i in range(1, instance.n_customers + 1)
    )
    problem = Problem(vehicles=vehicles, stops=stops, matrix=matrix, costs=Costs(0.0, 0.0))
    options = SolveOptions(
        time_limit_s=time_limit_s, seed=seed, workers=workers, vroom_start=vroom_start
    )
    plan = solve(problem, options)
    return [[int(stop.id) for stop in route.stops] for route in plan.routes]
