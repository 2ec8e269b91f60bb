"""Fieldroute's optimisation core: plain data in, plain results out, no web or database imports."""

from routing.matrix import explicit_matrix, haversine_matrix
from routing.model import (
    Break,
    Costs,
    Plan,
    Point,
    Problem,
    ProblemError,
    Reason,
    RequiredStopError,
    Route,
    ScheduledBreak,
    ScheduledStop,
    SolveOptions,
    Status,
    Stop,
    TimeWindow,
    TravelMatrix,
    Unassigned,
    Vehicle,
)
from routing.solver import solve

__all__ = [
    "Break",
    "Costs",
    "Plan",
    "Point",
    "Problem",
    "ProblemError",
    "Reason",
    "RequiredStopError",
    "Route",
    "ScheduledBreak",
    "ScheduledStop",
    "SolveOptions",
    "Status",
    "Stop",
    "TimeWindow",
    "TravelMatrix",
    "Unassigned",
    "Vehicle",
    "explicit_matrix",
    "haversine_matrix",
    "solve",
]
