"""Peer solvers for the TOPTW benchmark: PyVRP and VROOM (pyvroom), each on its own terms.

Both get the instance's exact integer matrix (travel time = distance, scaled), service times,
windows, and m vehicles with shift [depot open, Tmax]. Each returns routes as lists of node
indices (depot excluded); `bench.evaluate` then judges them like any other answer.
These are peers to compare with, never engines Fieldroute calls.
"""

from __future__ import annotations

import time
from datetime import timedelta

import numpy as np

from bench.toptw import Instance

VROOM_MAX_PRIORITY = 100


def pyvrp_prize_factor(instance: Instance, m: int) -> int:
    """Multiplier that makes one unit of profit worth more than any possible travel.

    PyVRP minimises distance cost minus collected prizes. A route's distance is at most its
    duration, which is at most `Tmax - open` (travel time = distance here), so the total
    distance of m routes is below this factor and can never outweigh one unit of profit:
    the objective becomes "maximise profit, then minimise distance".
    """
    return m * (instance.tmax - instance.depot_open) + 1


def solve_pyvrp(instance: Instance, m: int, time_limit_s: float, seed: int = 0) -> list[list[int]]:
    """Prize-collecting VRPTW in PyVRP 0.14 (all clients optional), stopped by `MaxRuntime`.

    The budget covers the whole call: model building time is subtracted before the search
    starts, so PyVRP gets the same wall clock as the other solvers.
    """
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
    from pyvrp.stop import MaxRuntime

    started = time.perf_counter()
    factor = pyvrp_prize_factor(instance, m)
    n_nodes = instance.n_customers + 1
    # Coordinates only matter for PyVRP's plotting; the matrices below carry all travel data.
    locations = [Location(x=float(i), y=0.0) for i in range(n_nodes)]
    clients = [
        Client(
            location=i,
            service_duration=int(instance.service[i]),
            tw_early=int(instance.open[i]),
            tw_late=int(instance.close[i]),
            prize=int(instance.profit[i]) * factor,
            required=False,
        )
        for i in range(1, n_nodes)
    ]
    depot = Depot(location=0, tw_early=instance.depot_open, tw_late=instance.tmax)
    vehicles = VehicleType(
        num_available=m, tw_early=instance.depot_open, tw_late=instance.tmax, unit_distance_cost=1
    )
    matrix = np.ascontiguousarray(instance.durations, dtype=np.int64)
    data = ProblemData(
        locations=locations,
        clients=clients,
        depots=[depot],
        vehicle_types=[vehicles],
        # PyVRP's stubs spell the matrix type `ndarray[int]`, which numpy's own types never match.
        distance_matrices=[matrix],  # type: ignore[list-item]
        duration_matrices=[matrix],  # type: ignore[list-item]
    )
    remaining = max(time_limit_s - (time.perf_counter() - started), 0.0)
    result = solve(data, MaxRuntime(remaining), seed=seed, collect_stats=False, display=False)
    # An infeasible best solution is returned as is: the evaluator will say so.
    return [
        [data.client(a.idx).location for a in route if a.is_client()]
        for route in result.best.routes()
    ]


def vroom_priorities(instance: Instance) -> tuple[list[int], float]:
    """Job priorities (VROOM accepts integers 0..100) and the factor applied to profits.

    Profits that fit are passed unchanged (factor 1.0), so VROOM's first objective, the sum of
    priorities of served jobs, is exactly the TOPTW score. Otherwise they are scaled down and
    rounded, which makes VROOM optimise an approximation; the factor is returned so the
    caller can report it.
    """
    profits = [int(p) for p in instance.profit[1:]]
    top = max(profits, default=0)
    if top <= VROOM_MAX_PRIORITY:
        return profits, 1.0
    factor = VROOM_MAX_PRIORITY / top
    return [round(p * factor) for p in profits], factor


def solve_vroom(
    instance: Instance, m: int, time_limit_s: float, threads: int = 2
) -> list[list[int]]:
    """VROOM via pyvroom: optional jobs with `priority` = profit, exploration level 5.

    VROOM ranks solutions by the sum of priorities first, then the number of jobs served,
    then cost (here: travel time), so it maximises the score directly. `timeout` is VROOM's
    own wall-clock limit; how closely it keeps to it is measured by the caller.
    """
    import vroom

    started = time.perf_counter()
    priorities, _ = vroom_priorities(instance)
    problem = vroom.Input()
    # VROOM reads matrices as uint32; scaled TOPTW times are far below that.
    problem.set_durations_matrix("car", np.asarray(instance.durations, dtype=np.uint32))
    window = vroom.TimeWindow(instance.depot_open, instance.tmax)
    for k in range(m):
        problem.add_vehicle(vroom.Vehicle(k, start=0, end=0, time_window=window))
    problem.add_job(
        [
            vroom.Job(
                i,
                location=i,
                default_service=int(instance.service[i]),
                priority=priorities[i - 1],
                time_windows=[vroom.TimeWindow(int(instance.open[i]), int(instance.close[i]))],
            )
            for i in range(1, instance.n_customers + 1)
        ]
    )
    remaining = max(time_limit_s - (time.perf_counter() - started), 0.001)
    solution = problem.solve(
        exploration_level=5, nb_threads=threads, timeout=timedelta(seconds=remaining)
    )
    return [
        [int(step["id"]) for step in route["steps"] if step["type"] == "job"]
        for route in solution.to_dict()["routes"]
    ]
