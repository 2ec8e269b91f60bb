"""The route solver: stops, vehicles and a travel matrix in, one timed route per vehicle out.

`solve` turns a `Problem` into whole numbers (`integer_problem`), searches with OR-Tools in
several processes (`ortools_model`, `ruin`, `parallel`), times each route (`schedule`) and says
why each left-out stop was left out (`explain`). Seconds, metres and the caller's money.
"""

from routing.route.matrix import explicit_matrix, great_circle_m, haversine_matrix
from routing.route.model import (
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
from routing.route.solver import solve
from routing.route.travel import Estimate, Travel, TravelError

__all__ = [
    "Break",
    "Costs",
    "Estimate",
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
    "Travel",
    "TravelError",
    "TravelMatrix",
    "Unassigned",
    "Vehicle",
    "explicit_matrix",
    "great_circle_m",
    "haversine_matrix",
    "solve",
]
