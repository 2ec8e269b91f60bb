"""Plain data for the route optimiser: what goes in (a `Problem`) and what comes out (a `Plan`).

All times are seconds on one clock chosen by the caller (e.g. seconds since midnight), all
distances metres, all money in the caller's currency. Every place is an index into the
problem's travel matrix; `routing.route.matrix` builds that matrix from coordinates when the caller
has none.

Each class validates itself on construction and raises `ProblemError` (a `ValueError`) with a
message that names the field and the stop or vehicle, so that callers can show it as is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray


class ProblemError(ValueError):
    """The input is malformed: a field is missing, negative, out of range or inconsistent."""


class RequiredStopError(ValueError):
    """A stop marked `required` cannot be served by any vehicle; the message says why."""

    def __init__(self, stop_id: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.stop_id = stop_id
        self.reason = reason

    def __reduce__(self) -> tuple[type[RequiredStopError], tuple[str, str, str]]:
        # Solves run in worker processes: the error must cross back whole.
        return (RequiredStopError, (self.stop_id, self.reason, str(self)))


def _finite(value: float, what: str) -> None:
    if not math.isfinite(value):
        raise ProblemError(f"{what} must be a finite number, got {value!r}")


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 coordinate, latitude first."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        _finite(self.lat, "lat")
        _finite(self.lon, "lon")
        if not -90.0 <= self.lat <= 90.0:
            raise ProblemError(f"lat must be within [-90, 90], got {self.lat}")
        if not -180.0 <= self.lon <= 180.0:
            raise ProblemError(f"lon must be within [-180, 180], got {self.lon}")


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A closed interval of seconds, `start_s <= end_s`."""

    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        _finite(self.start_s, "window start")
        _finite(self.end_s, "window end")
        if self.end_s < self.start_s:
            raise ProblemError(f"window [{self.start_s}, {self.end_s}] ends before it starts")


@dataclass(frozen=True, slots=True)
class Costs:
    """Money per hour of travel, per kilometre travelled and per hour of the working day.

    `per_working_hour` prices the vehicle's day from leaving its start to arriving at its end:
    driving, waiting for a window and breaks alike (an hour of driving costs `per_hour +
    per_working_hour`). Time at a visit is not charged: the stop's prize is what that time
    earns, so what a visit costs is what it adds to the rest of the day, its detour and any
    waiting it brings. With it, waiting is no longer free and a day ends once the next visit
    does not pay for the time it takes. 0 (the default) leaves waiting free.
    """

    per_hour: float = 0.0
    per_km: float = 0.0
    per_working_hour: float = 0.0

    def __post_init__(self) -> None:
        for name in ("per_hour", "per_km", "per_working_hour"):
            value = getattr(self, name)
            _finite(value, name)
            if value < 0:
                raise ProblemError(f"{name} must be >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class Break:
    """A break of `duration_s` that must lie entirely inside `window` (e.g. a lunch break).

    The solver chooses when: between two visits, while travelling or waiting, never during a
    service. A route that ends before the window, or starts after it, needs no break.
    """

    window: TimeWindow
    duration_s: float

    def __post_init__(self) -> None:
        _finite(self.duration_s, "break duration")
        if self.duration_s < 0:
            raise ProblemError(f"break duration must be >= 0, got {self.duration_s}")
        if self.duration_s > self.window.end_s - self.window.start_s:
            raise ProblemError(
                f"break of {self.duration_s} s does not fit its window "
                f"[{self.window.start_s}, {self.window.end_s}]"
            )


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One rep-day: where it starts and ends (matrix indices), its shift and its limits.

    `end_index` None is an open end: the route ends at its last stop.
    `costs` None uses the problem's costs.
    """

    id: str
    start_index: int
    end_index: int | None
    shift: TimeWindow
    breaks: tuple[Break, ...] = ()
    max_stops: int | None = None
    max_travel_s: float | None = None
    costs: Costs | None = None

    def __post_init__(self) -> None:
        where = f"vehicle {self.id!r}"
        if self.max_stops is not None and self.max_stops < 0:
            raise ProblemError(f"{where}: max_stops must be >= 0, got {self.max_stops}")
        if self.max_travel_s is not None:
            _finite(self.max_travel_s, f"{where}: max_travel_time")
            if self.max_travel_s < 0:
                raise ProblemError(f"{where}: max_travel_time must be >= 0")


@dataclass(frozen=True, slots=True)
class Stop:
    """An account to visit: matrix index, service time, opening windows, and what a visit earns.

    `windows` empty means any time within the vehicle's shift; service must *start* inside one
    of the windows (overlapping windows are merged). A `required` stop must be served (an appointment) or the solve fails with
    `RequiredStopError`. `vehicles` restricts which vehicle ids may serve it (empty: any).
    `prizes` gives what a visit earns when made by a given vehicle id (e.g. a week's days: the
    value of a visit grows while it waits); `prize` is what it earns with any other vehicle.
    """

    id: str
    index: int
    service_s: float = 0.0
    windows: tuple[TimeWindow, ...] = ()
    prize: float = 0.0
    required: bool = False
    vehicles: tuple[str, ...] = ()
    prizes: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"stop {self.id!r}"
        _finite(self.service_s, f"{where}: service")
        if self.service_s < 0:
            raise ProblemError(f"{where}: service must be >= 0, got {self.service_s}")
        _finite(self.prize, f"{where}: prize")
        if self.prize < 0:
            raise ProblemError(f"{where}: prize must be >= 0, got {self.prize}")
        for vehicle_id, prize in self.prizes.items():
            _finite(prize, f"{where}: prize for vehicle {vehicle_id!r}")
            if prize < 0:
                raise ProblemError(
                    f"{where}: prize for vehicle {vehicle_id!r} must be >= 0, got {prize}"
                )
            if self.vehicles and vehicle_id not in self.vehicles:
                raise ProblemError(
                    f"{where}: a prize for vehicle {vehicle_id!r}, which may not serve it"
                )
        # A copy: the caller's dict may change later, the stop may not.
        object.__setattr__(self, "prizes", dict(self.prizes))
        # Overlapping or touching windows (8-12 and 12-14) are one window (8-14).
        merged: list[TimeWindow] = []
        for window in sorted(self.windows, key=lambda w: w.start_s):
            if merged and window.start_s <= merged[-1].end_s:
                last = merged.pop()
                window = TimeWindow(last.start_s, max(last.end_s, window.end_s))
            merged.append(window)
        object.__setattr__(self, "windows", tuple(merged))

    def prize_for(self, vehicle_id: str) -> float:
        """What a visit earns when `vehicle_id` makes it."""
        return self.prizes.get(vehicle_id, self.prize)


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Travel durations (s) and distances (m) between matrix indices, row = from.

    A negative or non-finite duration means there is no way from one place to the other.
    `model` names the travel model that made it ("matrix": the caller's own numbers) and
    `model_detail` says it in words; `unreachable` gives, per index that no route may use, why
    (e.g. "1.8 km from the nearest road"), for the explanation of a left-out stop.
    """

    durations_s: NDArray[np.float64]
    distances_m: NDArray[np.float64]
    model: str = "matrix"
    model_detail: str = "travel times given by the caller"
    unreachable: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        d, m = self.durations_s, self.distances_m
        if d.ndim != 2 or d.shape[0] != d.shape[1]:
            raise ProblemError(f"matrix.durations must be square, got shape {d.shape}")
        if m.shape != d.shape:
            raise ProblemError(
                f"matrix.distances has shape {m.shape}, durations {d.shape}; they must match"
            )

    @property
    def size(self) -> int:
        return int(self.durations_s.shape[0])


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Search settings.

    `time_limit_s` is a hard wall-clock budget for the whole solve (search, repair, timing and
    explanations); the best plan found by then is returned, and left-out stops not explained by
    then say so (`Reason.NOT_EXPLAINED`). `workers` > 1 runs differently seeded searches in parallel processes and keeps the
    best. With the same seed, the same problem and a search that ends before its time limit,
    the answer is the same.
    """

    time_limit_s: float = 5.0
    seed: int = 0
    workers: int = 1
    start: Mapping[str, Sequence[str]] | None = None
    """A plan to go on from, e.g. the day's previous version: stop ids per vehicle id, in visit
    order. What no longer fits is dropped from it (stops gone, impossible or served twice,
    visits that would break the route); the first worker descends from the rest, the others
    search afresh, and the best plan wins, so the answer is never worse than that start."""
    vroom_start: bool = True
    """Without `start`, a large problem (`routing.route.vroom_start.wanted`: 200 stops or
    more, at most 5,000 stops x vehicles, prizes the same with every vehicle) starts from
    VROOM's plan, made in part of the search's time (`solver.VROOM_SHARE`)."""

    def __post_init__(self) -> None:
        _finite(self.time_limit_s, "time_limit")
        if self.time_limit_s <= 0:
            raise ProblemError(f"time_limit must be > 0, got {self.time_limit_s}")
        if self.workers < 1:
            raise ProblemError(f"workers must be >= 1, got {self.workers}")


@dataclass(frozen=True, slots=True)
class Problem:
    """Vehicles, stops, default costs and the travel matrix they index into."""

    vehicles: tuple[Vehicle, ...]
    stops: tuple[Stop, ...]
    matrix: TravelMatrix
    costs: Costs = field(default_factory=Costs)

    def __post_init__(self) -> None:
        if not self.vehicles:
            raise ProblemError("at least one vehicle is needed")
        size = self.matrix.size
        seen: set[str] = set()
        for vehicle in self.vehicles:
            if vehicle.id in seen:
                raise ProblemError(f"vehicle id {vehicle.id!r} is used twice")
            seen.add(vehicle.id)
            for name in ("start_index", "end_index"):
                value = getattr(vehicle, name)
                if value is not None and not 0 <= value < size:
                    raise ProblemError(
                        f"vehicle {vehicle.id!r}: {name} {value} is outside the matrix (size {size})"
                    )
        seen_vehicles = seen
        seen = set()
        for stop in self.stops:
            if stop.id in seen:
                raise ProblemError(f"stop id {stop.id!r} is used twice")
            seen.add(stop.id)
            if not 0 <= stop.index < size:
                raise ProblemError(
                    f"stop {stop.id!r}: index {stop.index} is outside the matrix (size {size})"
                )
            unknown = [v for v in stop.vehicles if v not in seen_vehicles]
            if unknown:
                raise ProblemError(f"stop {stop.id!r}: unknown vehicle {unknown[0]!r} in vehicles")
            unknown = [v for v in stop.prizes if v not in seen_vehicles]
            if unknown:
                raise ProblemError(f"stop {stop.id!r}: unknown vehicle {unknown[0]!r} in prizes")

    def costs_of(self, vehicle: Vehicle) -> Costs:
        return vehicle.costs if vehicle.costs is not None else self.costs


class Reason(StrEnum):
    """Why a stop is not in the plan."""

    NOT_WORTH_IT = "not_worth_it"
    """It could be visited, but the detour costs more than the visit earns."""
    NO_TIME = "no_time"
    """It is worth a visit on its own, but the day is full of better visits."""
    OUTSIDE_WINDOWS = "outside_windows"
    """No vehicle can serve it within its opening windows and shift, even as its only stop."""
    UNREACHABLE = "unreachable"
    """No vehicle can travel there and back at all."""
    NOT_EXPLAINED = "not_explained"
    """The time limit ran out before the stop was checked: no reason is claimed (the most
    valuable left-out stops are checked first)."""


class Status(StrEnum):
    FEASIBLE = "feasible"
    """The best plan the search found within its limits; every route keeps every constraint."""


@dataclass(frozen=True, slots=True)
class ScheduledStop:
    id: str
    arrival_s: int
    start_s: int
    departure_s: int

    @property
    def waiting_s(self) -> int:
        return self.start_s - self.arrival_s


@dataclass(frozen=True, slots=True)
class ScheduledBreak:
    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class Route:
    """One vehicle's day. Empty routes (`stops == ()`) are returned too, in vehicle order.

    `prize` is what its visits earn made by this vehicle (`Stop.prize_for`). `cost` is the
    travel money plus, with `Costs.per_working_hour`, the working time money: the hours from
    `start_s` to `end_s` less those spent at visits.
    """

    vehicle_id: str
    stops: tuple[ScheduledStop, ...]
    breaks: tuple[ScheduledBreak, ...]
    start_s: int
    end_s: int
    travel_s: float
    distance_m: float
    prize: float
    cost: float

    @property
    def waiting_s(self) -> int:
        """Seconds spent waiting for windows to open (breaks not included)."""
        return sum(stop.waiting_s for stop in self.stops)


@dataclass(frozen=True, slots=True)
class Unassigned:
    id: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Plan:
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    solve_time_s: float
    status: Status

    @property
    def prize(self) -> float:
        return sum(route.prize for route in self.routes)

    @property
    def cost(self) -> float:
        return sum(route.cost for route in self.routes)

    @property
    def net(self) -> float:
        return self.prize - self.cost
