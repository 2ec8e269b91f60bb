"""The stateless optimisation contract (`POST /api/v1/optimize`), as in ARCHITECTURE.md.

Field names are the contract: fields may be added, never renamed. Times are seconds on one clock
chosen by the caller (>= 0), distances metres, money in the caller's currency.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from routing import Reason, Status

MAX_SECONDS = 1e10
"""Upper bound on any time or duration: keeps the solver's integer arithmetic far from overflow."""
MAX_MONEY = 1e9
MAX_ID_LENGTH = 256

Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS, allow_inf_nan=False)]
Money = Annotated[float, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
Id = Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH)]
MatrixIndex = Annotated[int, Field(ge=0)]
MatrixEntry = Annotated[float | None, Field(ge=-MAX_SECONDS, le=MAX_SECONDS, allow_inf_nan=False)]


def _ordered(window: tuple[float, float]) -> tuple[float, float]:
    if window[1] < window[0]:
        raise ValueError(f"window [{window[0]:g}, {window[1]:g}] ends before it starts")
    return window


Window = Annotated[tuple[Seconds, Seconds], AfterValidator(_ordered)]


class _Input(BaseModel):
    # Unknown keys are refused so that a typo ("window", "time_limt") is an error, not a default.
    model_config = ConfigDict(extra="forbid")


class Location(_Input):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


class BreakIn(_Input):
    window: Window = Field(description="[earliest start, latest end] of the break, s")
    duration: Seconds = Field(description="s; placed by the solver where it costs least")


class CostsIn(_Input):
    per_hour: Money = Field(default=0.0, description="money per hour of travel")
    per_km: Money = Field(default=0.0, description="money per km travelled")
    per_working_hour: Money = Field(
        default=0.0,
        description="money per hour of the working day, from leaving the start to arriving at "
        "the end: driving (on top of per_hour), waiting for a window and breaks; time at stops "
        "is not charged. 0: waiting is free. Route and summary costs include it",
    )


class VehicleIn(_Input):
    id: Id
    start: Location | None = None
    end: Location | None = Field(default=None, description="null: open end (location path)")
    start_index: MatrixIndex | None = None
    end_index: MatrixIndex | None = Field(default=None, description="null: open end (matrix path)")
    shift: Window = Field(description="[start, end] of the working day, s")
    breaks: list[BreakIn] = Field(default_factory=list)
    max_stops: int | None = Field(default=None, ge=0)
    max_travel_time: Seconds | None = None
    costs: CostsIn | None = Field(default=None, description="overrides the request's costs")


class StopIn(_Input):
    id: Id
    location: Location | None = None
    index: MatrixIndex | None = None
    service: Seconds = 0.0
    windows: list[Window] = Field(
        default_factory=list, description="service starts inside one; empty: any time in the shift"
    )
    prize: Money = Field(default=0.0, description="what a visit is worth")
    required: bool = Field(default=False, description="must be served, or the request is a 422")
    vehicles: list[Id] = Field(
        default_factory=list, description="ids of the vehicles allowed to serve it; empty: any"
    )


class MatrixIn(_Input):
    durations: list[list[MatrixEntry]] = Field(description="s, row = from; null or < 0: no way")
    distances: list[list[MatrixEntry]] | None = Field(
        default=None, description="m, same shape; omitted: zero"
    )


class OptionsIn(_Input):
    time_limit: float = Field(
        default=5.0,
        gt=0,
        allow_inf_nan=False,
        description="s for the whole answer (travel, search, explanations), answered within "
        "it + 0.5 s; the search keeps at least 0.25 s (or the limit, if shorter) even when "
        "the travel matrix took the rest; capped by the server's maximum (see "
        "summary.time_limit)",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="same seed, same answer")
    start: dict[Id, list[Id]] | None = Field(
        default=None,
        description="a plan to go on from, e.g. the previous answer: stop ids in visit order "
        "per vehicle id. Every id must be in the request and a stop may appear once; visits "
        "that no longer fit (windows, shift, limits) are dropped from it in order. The answer "
        "is never worse than what is left of it",
    )


_EXAMPLE: dict[str, Any] = {
    "vehicles": [
        {
            "id": "rep-7",
            "start": {"lat": 52.37, "lon": 4.89},
            "end": {"lat": 52.37, "lon": 4.89},
            "shift": [28800, 61200],
            "breaks": [{"window": [43200, 48600], "duration": 2700}],
        }
    ],
    "stops": [
        {
            "id": "acc-42",
            "location": {"lat": 52.38, "lon": 4.9},
            "service": 1800,
            "windows": [[32400, 43200]],
            "prize": 120.0,
        },
        {"id": "acc-43", "location": {"lat": 52.35, "lon": 4.92}, "service": 1200, "prize": 80.0},
    ],
    "costs": {"per_hour": 40.0, "per_km": 0.5},
    "options": {"time_limit": 2, "seed": 0},
}
_MATRIX_EXAMPLE: dict[str, Any] = {
    "vehicles": [{"id": "van-1", "start_index": 0, "end_index": 0, "shift": [0, 28800]}],
    "stops": [
        {"id": "depot-order-17", "index": 1, "service": 600, "prize": 50.0, "required": True},
        {"id": "depot-order-18", "index": 2, "service": 900, "prize": 30.0},
    ],
    "matrix": {
        "durations": [[0, 900, 1200], [900, 0, 600], [1200, 600, 0]],
        "distances": [[0, 12000, 15000], [12000, 0, 8000], [15000, 8000, 0]],
    },
    "costs": {"per_hour": 30.0},
}


class OptimizeRequest(_Input):
    """Either every place has a location, or `matrix` is given and every place has an index."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE, _MATRIX_EXAMPLE]})

    vehicles: list[VehicleIn] = Field(min_length=1)
    stops: list[StopIn] = Field(default_factory=list)
    matrix: MatrixIn | None = None
    costs: CostsIn = Field(default_factory=CostsIn)
    options: OptionsIn = Field(default_factory=OptionsIn)


class ScheduledStopOut(BaseModel):
    id: str
    arrival: int = Field(description="s")
    start: int = Field(description="start of service, s")
    departure: int = Field(description="s")
    waiting: int = Field(description="start - arrival, s")


class BreakOut(BaseModel):
    start: int
    end: int


class RouteOut(BaseModel):
    vehicle: str
    stops: list[ScheduledStopOut]
    breaks: list[BreakOut]
    start_time: int
    end_time: int
    travel_time: float = Field(description="s")
    distance: float = Field(description="m")
    prize: float
    cost: float = Field(
        description="travel money (per_hour, per_km) and working time money (per_working_hour "
        "x the hours from start_time to end_time less the service times)"
    )


class UnassignedOut(BaseModel):
    id: str
    reason: Reason
    detail: str


class SummaryOut(BaseModel):
    prize: float
    cost: float
    net: float = Field(description="prize - cost")
    solve_time: float = Field(description="s")
    status: Status
    time_limit: float = Field(description="the time limit used, s, after the server's cap")
    travel_model: str = Field(
        description="what timed the travel: osrm (embedded road data), osrm-server, valhalla, "
        "graphhopper, estimate (straight line; no road data) or matrix (the request's own)"
    )
    travel_detail: str = Field(description="the travel model in words: engine, data, version")


class OptimizeResponse(BaseModel):
    """A route per vehicle, the stops left out and why, and the totals. The example answers
    the first request example: both stops fit, and the day ends before the break is due."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "routes": [
                        {
                            "vehicle": "rep-7",
                            "stops": [
                                {
                                    "id": "acc-42",
                                    "arrival": 32400,
                                    "start": 32400,
                                    "departure": 34200,
                                    "waiting": 0,
                                },
                                {
                                    "id": "acc-43",
                                    "arrival": 34538,
                                    "start": 34538,
                                    "departure": 35738,
                                    "waiting": 0,
                                },
                            ],
                            "breaks": [],
                            "start_time": 32278,
                            "end_time": 36021,
                            "travel_time": 741.3,
                            "distance": 10296.5,
                            "prize": 200.0,
                            "cost": 13.39,
                        }
                    ],
                    "unassigned": [],
                    "summary": {
                        "prize": 200.0,
                        "cost": 13.39,
                        "net": 186.61,
                        "solve_time": 0.52,
                        "status": "feasible",
                        "time_limit": 2.0,
                        "travel_model": "osrm",
                        "travel_detail": "road times from OSRM (embedded) on OpenStreetMap "
                        "data of baltimore (baltimore.osm.pbf, data version 1, built 2026-12-02)",
                    },
                }
            ]
        }
    )

    routes: list[RouteOut] = Field(description="one per vehicle, in request order")
    unassigned: list[UnassignedOut]
    summary: SummaryOut
