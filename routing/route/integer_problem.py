"""The problem in whole numbers, as the search sees it.

OR-Tools works in integers. Travel and service times are rounded *up* and window openings up,
window closings and shift ends *down*, so that every schedule that is feasible here is feasible
in the caller's own numbers. Money is scaled to integer objective units. Working time money (`Costs.per_working_hour`)
is split in two: per second of driving it is added to the arc costs, per second of waiting or
break it is the vehicle's `idle_cost`, charged on the time dimension's slack; together they
price the day from leaving to returning, less the time at visits.

Nodes: stop k is node k; then one node per distinct place where a vehicle starts or ends;
then, if any vehicle has an open end, one "anywhere" node that is free to reach.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np
from numpy.typing import NDArray

from routing.route.model import Costs, Problem, ProblemError

IntArray = NDArray[np.int64]

UNREACHABLE = 1 << 40
"""Travel time (s) standing for "no way there": larger than any horizon, far from overflow."""

_MAX_OBJECTIVE = 1 << 45
"""Cap on the total prize in objective units, leaving room below 2**63 for required stops."""


_MAX_UNITS = 1e12
"""Cap on objective units per unit of money (prizes of a billionth still count)."""

_IDLE_COST_UNITS = 1000
"""Objective units per second of waiting wanted at the least working time rate, so that
rounding the rate to whole units per second is off by 0.05% at most..."""
_MAX_IDLE_UNITS = 1e8
"""...unless that would take more than this many units per unit of money (a rate of a few
hundredths an hour is then rounded more coarsely)."""


def required_penalty(n_required: int) -> int:
    """Objective units lost for leaving out one required stop: more than any plan can earn,
    yet all of them together stay below 2**62."""
    return max(1 << 47, (1 << 61) // max(1, n_required))


@dataclass(frozen=True, slots=True)
class BreakSpec:
    start_min: int
    start_max: int
    duration: int


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    start_node: int
    end_node: int
    open_end: bool
    shift_start: int
    shift_end: int
    breaks: tuple[BreakSpec, ...]
    max_stops: int | None
    max_travel: int | None
    cost_class: int
    stays_home: bool = False
    """It cannot drive from its start to its end within its shift, so it serves nothing."""
    idle_cost: int = 0
    """Objective units per second of the day neither driven nor spent at a visit (waiting,
    breaks): `Costs.per_working_hour` in units per second."""


@dataclass(frozen=True, slots=True)
class IntegerProblem:
    """Integer times relative to `offset_s`; `arc_cost[c]` is cost class c's matrix."""

    offset_s: int
    horizon: int
    n_stops: int
    matrix_index: IntArray
    """Per node, its index in the caller's matrix; -1 for the open-end node."""
    travel: IntArray
    """Node-to-node travel time, rounded up; UNREACHABLE where there is no way."""
    distance_m: NDArray[np.float64]
    service: IntArray
    windows: tuple[tuple[tuple[int, int], ...], ...]
    """Per stop, the windows (start of service) that survive rounding and the horizon."""
    prize: IntArray
    """Per stop, the most a visit earns with any vehicle allowed to serve it (the loss for
    leaving it out); a required stop's is `required_penalty`."""
    required: NDArray[np.bool_]
    allowed: tuple[frozenset[int] | None, ...]
    """Per stop, the vehicles allowed to serve it; None: any."""
    vehicles: tuple[VehicleSpec, ...]
    arc_cost: tuple[IntArray, ...]
    money_per_unit: float
    """One objective unit in the caller's money."""
    vehicle_prize: IntArray | None = None
    """Per stop and vehicle (rows, columns), what a visit earns made by that vehicle, when some
    stop's visits earn different amounts with different vehicles; None: `prize` with any."""

    @property
    def n_nodes(self) -> int:
        return int(self.travel.shape[0])

    def prize_of(self, vehicle: int, stop: int) -> int:
        """What a visit to `stop` earns made by `vehicle`, in objective units (a required
        stop's penalty, whoever makes it)."""
        if self.vehicle_prize is None or self.required[stop]:
            return int(self.prize[stop])
        return int(self.vehicle_prize[stop, vehicle])

    def earnings(self, stop: int) -> IntArray:
        """Per vehicle, `prize_of` that vehicle and `stop`."""
        if self.vehicle_prize is None or self.required[stop]:
            return np.full(len(self.vehicles), self.prize[stop], dtype=np.int64)
        row: IntArray = self.vehicle_prize[stop]
        return row

    def shortfall(self, vehicle: int) -> IntArray:
        """Per node, what a visit made by `vehicle` earns less than the stop's `prize` (zero for
        start and end nodes): the search's extra cost of `vehicle` serving it."""
        lost = np.zeros(self.n_nodes, dtype=np.int64)
        if self.vehicle_prize is not None:
            lost[: self.n_stops] = np.where(
                self.required, 0, self.prize - self.vehicle_prize[:, vehicle]
            )
        return lost

    def may_serve(self, vehicle: int, stop: int) -> bool:
        allowed = self.allowed[stop]
        return allowed is None or vehicle in allowed


def _ceil_int(value: float) -> int:
    return math.ceil(value)


def _money_unit(problem: Problem, tie_break_units: int, least_working_rate: float) -> float:
    """Objective units per unit of money.

    With zero travel costs, travel seconds break ties between plans of equal prize: one step of
    prize (the prizes' greatest common divisor, for whole prizes) must then outweigh every
    second any vehicle can drive, hence the scale. A working time rate (money per hour, the
    least one above 0) must come out as `_IDLE_COST_UNITS` whole units per second. The total
    prize is kept below `_MAX_OBJECTIVE` units so that sums cannot overflow.
    """
    floor = 1000.0
    if least_working_rate > 0:
        floor = max(floor, min(_MAX_IDLE_UNITS, _IDLE_COST_UNITS * 3600.0 / least_working_rate))
    optional = [s for s in problem.stops if not s.required]
    prizes = [p for s in optional for p in (s.prize, *s.prizes.values()) if p > 0]
    if not prizes:
        return floor
    if all(float(p).is_integer() for p in prizes):
        step = float(reduce(math.gcd, (int(p) for p in prizes)))
    else:
        step = min(prizes) * 1e-3
    units = max(floor, (tie_break_units + 1) / step) if step > 0 else floor
    most = sum(max([s.prize, *s.prizes.values()]) for s in optional)
    return max(1e-9, min(units, _MAX_UNITS, _MAX_OBJECTIVE / most))


def _idle_cost(costs: Costs, units: float) -> int:
    """`costs.per_working_hour` in objective units per second; at least 1 when it is not 0."""
    if costs.per_working_hour <= 0:
        return 0
    return max(1, round(costs.per_working_hour / 3600.0 * units))


def _drivable(problem: Problem, start: int, end: int, seconds: int) -> bool:
    duration = float(problem.matrix.durations_s[start, end])
    distance = float(problem.matrix.distances_m[start, end])
    usable = math.isfinite(duration) and duration >= 0 and math.isfinite(distance) and distance >= 0
    return usable and math.ceil(duration) <= seconds


def to_integer_problem(problem: Problem) -> IntegerProblem:
    """`problem` in whole numbers: times in seconds after `offset_s` (the earliest shift start),
    money in objective units of `money_per_unit`; see the module docstring for the rounding."""
    stops, vehicles = problem.stops, problem.vehicles
    offset = math.floor(min(v.shift.start_s for v in vehicles))
    shifts = [
        (_ceil_int(v.shift.start_s) - offset, math.floor(v.shift.end_s) - offset) for v in vehicles
    ]
    horizon = max(end for _, end in shifts)

    # A vehicle that cannot even drive from its start to its end within its shift stays home:
    # it serves nothing and its empty route ends where it starts.
    stays_home = [
        v.end_index is not None
        and not _drivable(problem, v.start_index, v.end_index, shifts[k][1] - shifts[k][0])
        for k, v in enumerate(vehicles)
    ]
    # One node per place where a vehicle starts or ends: OR-Tools must visit every other node.
    places: dict[int, int] = {}
    for k, v in enumerate(vehicles):
        for index in (v.start_index, None if stays_home[k] else v.end_index):
            if index is not None and index not in places:
                places[index] = len(stops) + len(places)
    open_node = len(stops) + len(places)
    has_open = any(v.end_index is None for v in vehicles) or any(stays_home)
    n_nodes = open_node + (1 if has_open else 0)

    matrix_index = np.array([s.index for s in stops] + list(places), dtype=np.int64)
    durations = problem.matrix.durations_s[np.ix_(matrix_index, matrix_index)]
    distances = problem.matrix.distances_m[np.ix_(matrix_index, matrix_index)]
    no_way = ~np.isfinite(durations) | (durations < 0) | ~np.isfinite(distances) | (distances < 0)
    travel = np.full((n_nodes, n_nodes), UNREACHABLE, dtype=np.int64)
    inner = np.ceil(np.where(no_way, 0.0, durations)).astype(np.int64)
    inner[no_way] = UNREACHABLE
    travel[:open_node, :open_node] = inner
    distance = np.full((n_nodes, n_nodes), np.inf)
    distance[:open_node, :open_node] = np.where(no_way, np.inf, distances)
    seconds = np.full((n_nodes, n_nodes), np.inf)
    seconds[:open_node, :open_node] = np.where(no_way, np.inf, durations)
    if has_open:
        travel[:, open_node] = 0
        distance[:, open_node] = 0.0
        seconds[:, open_node] = 0.0
    np.fill_diagonal(travel, 0)

    service = np.zeros(n_nodes, dtype=np.int64)
    service[: len(stops)] = [_ceil_int(s.service_s) for s in stops]

    windows: list[tuple[tuple[int, int], ...]] = []
    for stop in stops:
        kept = []
        for w in stop.windows or ():
            lo = max(0, _ceil_int(w.start_s) - offset)
            hi = min(horizon, math.floor(w.end_s) - offset)
            if lo <= hi:
                kept.append((lo, hi))
        if not stop.windows:
            kept.append((0, horizon))
        windows.append(tuple(sorted(kept)))

    vehicle_ids = {v.id: k for k, v in enumerate(vehicles)}
    allowed = tuple(
        frozenset(vehicle_ids[name] for name in s.vehicles) if s.vehicles else None for s in stops
    )

    cost_classes: dict[Costs, int] = {}
    for v in vehicles:
        cost_classes.setdefault(problem.costs_of(v), len(cost_classes))
    zero_cost = [
        c.per_hour == 0 and c.per_km == 0 and c.per_working_hour == 0 for c in cost_classes
    ]
    tie_break_units = sum(
        end - start
        for (start, end), v in zip(shifts, vehicles, strict=True)
        if zero_cost[cost_classes[problem.costs_of(v)]]
    )
    rates = [c.per_working_hour for c in cost_classes if c.per_working_hour > 0]
    units = _money_unit(problem, tie_break_units, min(rates, default=0.0))

    finite = np.isfinite(seconds)
    arc_cost = []
    for costs, number in cost_classes.items():
        money = np.where(
            finite,
            costs.per_km * np.where(finite, distance, 0.0) / 1000.0
            + (costs.per_hour + costs.per_working_hour) * np.where(finite, seconds, 0.0) / 3600.0,
            0.0,
        )
        cost = np.rint(money * units).astype(np.int64)
        if zero_cost[number]:
            cost = np.minimum(travel, UNREACHABLE)
        cost[~finite] = UNREACHABLE
        np.fill_diagonal(cost, 0)
        arc_cost.append(cost)

    specs = []
    for k, v in enumerate(vehicles):
        start, end = shifts[k]
        if end < start:
            raise ProblemError(
                f"vehicle {v.id!r}: shift [{v.shift.start_s}, {v.shift.end_s}] holds no whole second"
            )
        breaks = []
        for number, brk in enumerate(v.breaks):
            duration = _ceil_int(brk.duration_s)
            lo = _ceil_int(brk.window.start_s) - offset
            hi = math.floor(brk.window.end_s) - offset - duration
            if hi < lo:
                raise ProblemError(
                    f"vehicle {v.id!r}: break {number} does not fit its window in whole seconds"
                )
            breaks.append(BreakSpec(start_min=lo, start_max=hi, duration=duration))
        specs.append(
            VehicleSpec(
                start_node=places[v.start_index],
                end_node=open_node if v.end_index is None or stays_home[k] else places[v.end_index],
                open_end=v.end_index is None or stays_home[k],
                shift_start=start,
                shift_end=end,
                breaks=tuple(sorted(breaks, key=lambda b: b.start_min)),
                max_stops=0 if stays_home[k] else v.max_stops,
                stays_home=stays_home[k],
                max_travel=None if v.max_travel_s is None else math.floor(v.max_travel_s),
                cost_class=cost_classes[problem.costs_of(v)],
                idle_cost=_idle_cost(problem.costs_of(v), units),
            )
        )

    penalty = required_penalty(sum(s.required for s in stops))
    vehicle_prize = None
    if any(s.prizes for s in stops):
        vehicle_prize = np.array(
            [[round(s.prize_for(v.id) * units) for v in vehicles] for s in stops], dtype=np.int64
        ).reshape(len(stops), len(vehicles))
    most = [
        round(s.prize * units) if vehicle_prize is None else _most(vehicle_prize[k], allowed[k])
        for k, s in enumerate(stops)
    ]
    prize = np.array(
        [penalty if s.required else p for s, p in zip(stops, most, strict=True)], dtype=np.int64
    )
    return IntegerProblem(
        offset_s=offset,
        horizon=horizon,
        n_stops=len(stops),
        matrix_index=np.concatenate([matrix_index, np.full(n_nodes - open_node, -1)]),
        travel=travel,
        distance_m=distance,
        service=service,
        windows=tuple(windows),
        prize=prize,
        required=np.array([s.required for s in stops], dtype=np.bool_),
        allowed=allowed,
        vehicles=tuple(specs),
        arc_cost=tuple(arc_cost),
        money_per_unit=1.0 / units,
        vehicle_prize=vehicle_prize,
    )


def _most(prizes: IntArray, allowed: frozenset[int] | None) -> int:
    """The most a visit earns with a vehicle allowed to make it."""
    return int(prizes.max() if allowed is None else max(int(prizes[v]) for v in allowed))
