"""Stateless optimisation: request -> `routing.Problem` -> `routing.solve` -> response."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.core.config import Settings
from app.core.errors import InvalidRequest, PayloadTooLarge
from app.optimize.matrix_indices import Places, resolve_places
from app.optimize.schemas import (
    BreakOut,
    CostsIn,
    OptimizeRequest,
    OptimizeResponse,
    RouteOut,
    ScheduledStopOut,
    StopIn,
    SummaryOut,
    UnassignedOut,
    VehicleIn,
)
from routing import (
    Break,
    Costs,
    Plan,
    Problem,
    ProblemError,
    SolveOptions,
    Stop,
    TimeWindow,
    TravelMatrix,
    Vehicle,
    solve,
)

ANSWER_S = 0.05
ANSWER_S_PER_STOP = 2e-4
"""Kept from the time limit for the answer's way back (built, sent to the web process, checked
and written as JSON: 0.09 s measured for 1,000 stops), twice over for a busy machine."""
DISPATCH_SHARE = 0.5
"""The most of the time limit that the request's way to a solver process counts for: all of it
as a rule (0.1-0.2 s for 1,000 stops, 0.4-1.6 s on a machine busy with other work), not a
solver process still starting up (a wait in line, not part of the solve)."""


def optimize(
    request: OptimizeRequest, settings: Settings, admitted_at: float | None = None
) -> OptimizeResponse:
    """Solve `request` within the server's limits. CPU-bound: call it off the event loop.

    The time limit holds for the whole answer: the request's way to this process since
    `admitted_at` (`time.monotonic()`, a clock all processes of a machine share; default now),
    up to `DISPATCH_SHARE` of the limit, the travel matrix, the solve and the way back.

    Raises `PayloadTooLarge`, `InvalidRequest`, `routing.ProblemError` or
    `routing.RequiredStopError` for input that cannot be solved, `routing.TravelError` when the
    road engine cannot answer.
    """
    now = time.monotonic()
    check_size(request, settings)
    check_unique_ids(request)
    time_limit_s = min(request.options.time_limit, settings.max_time_limit_s)
    started = max(now if admitted_at is None else admitted_at, now - DISPATCH_SHARE * time_limit_s)
    problem = to_problem(request, settings)
    options = SolveOptions(
        time_limit_s=time_limit_s,
        seed=request.options.seed,
        workers=settings.solver_workers,
        start=request.options.start,
    )
    answer_s = ANSWER_S + ANSWER_S_PER_STOP * len(request.stops)
    plan = solve(problem, options, deadline=started + time_limit_s - answer_s)
    return to_response(plan, time_limit_s=time_limit_s, matrix=problem.matrix)


def check_size(request: OptimizeRequest, settings: Settings) -> None:
    if len(request.stops) > settings.max_stops:
        raise PayloadTooLarge(
            f"{len(request.stops)} stops; this server accepts at most {settings.max_stops} "
            "per request",
            field="stops",
        )
    if len(request.vehicles) > settings.max_vehicles:
        raise PayloadTooLarge(
            f"{len(request.vehicles)} vehicles; this server accepts at most "
            f"{settings.max_vehicles} per request",
            field="vehicles",
        )


def check_unique_ids(request: OptimizeRequest) -> None:
    _check_unique("vehicle", [v.id for v in request.vehicles])
    _check_unique("stop", [s.id for s in request.stops])
    if request.options.start is not None:
        _check_start(request, request.options.start)


def _check_start(request: OptimizeRequest, start: dict[str, list[str]]) -> None:
    """Every id of `options.start` names a vehicle or stop of the request, each stop once."""
    vehicles = {v.id for v in request.vehicles}
    stops = {s.id for s in request.stops}
    placed: dict[str, str] = {}
    for vehicle_id, stop_ids in start.items():
        where = f"options.start[{vehicle_id!r}]"
        if vehicle_id not in vehicles:
            raise InvalidRequest(f"{where}: no vehicle has id {vehicle_id!r}", field=where)
        for k, stop_id in enumerate(stop_ids):
            if stop_id not in stops:
                raise InvalidRequest(
                    f"{where}[{k}]: no stop has id {stop_id!r}", field=f"{where}[{k}]"
                )
            if stop_id in placed:
                raise InvalidRequest(
                    f"{where}[{k}]: stop {stop_id!r} is already in the start "
                    f"(options.start[{placed[stop_id]!r}])",
                    field=f"{where}[{k}]",
                )
            placed[stop_id] = vehicle_id


def _check_unique(kind: str, ids: Sequence[str]) -> None:
    first: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in first:
            raise InvalidRequest(
                f"{kind}s[{i}]: {kind} id {item_id!r} is used twice (first at {kind}s[{first[item_id]}])",
                field=f"{kind}s[{i}].id",
            )
        first[item_id] = i


def to_problem(request: OptimizeRequest, settings: Settings) -> Problem:
    places = resolve_places(request, settings)
    vehicles: list[Vehicle] = []
    for i, vehicle in enumerate(request.vehicles):
        with _naming(f"vehicles[{i}]", "vehicle", vehicle.id):
            vehicles.append(_vehicle(vehicle, i, places))
    stops: list[Stop] = []
    for i, stop in enumerate(request.stops):
        with _naming(f"stops[{i}]", "stop", stop.id):
            stops.append(_stop(stop, places.stops[i]))
    return Problem(
        vehicles=tuple(vehicles),
        stops=tuple(stops),
        matrix=places.matrix,
        costs=_costs(request.costs),
    )


@contextmanager
def _naming(field: str, kind: str, item_id: str) -> Iterator[None]:
    """Reword a model error raised inside to name the field and the stop or vehicle."""
    try:
        yield
    except ProblemError as error:
        message = str(error).removeprefix(f"{kind} {item_id!r}: ")
        raise InvalidRequest(f"{field} ({kind} {item_id!r}): {message}", field=field) from error


def _window(window: Sequence[float]) -> TimeWindow:
    return TimeWindow(start_s=window[0], end_s=window[1])


def _costs(costs: CostsIn) -> Costs:
    return Costs(
        per_hour=costs.per_hour, per_km=costs.per_km, per_working_hour=costs.per_working_hour
    )


def _vehicle(vehicle: VehicleIn, i: int, places: Places) -> Vehicle:
    return Vehicle(
        id=vehicle.id,
        start_index=places.vehicle_starts[i],
        end_index=places.vehicle_ends[i],
        shift=_window(vehicle.shift),
        breaks=tuple(
            Break(window=_window(b.window), duration_s=b.duration) for b in vehicle.breaks
        ),
        max_stops=vehicle.max_stops,
        max_travel_s=vehicle.max_travel_time,
        costs=None if vehicle.costs is None else _costs(vehicle.costs),
    )


def _stop(stop: StopIn, index: int) -> Stop:
    return Stop(
        id=stop.id,
        index=index,
        service_s=stop.service,
        windows=tuple(_window(w) for w in stop.windows),
        prize=stop.prize,
        required=stop.required,
        vehicles=tuple(stop.vehicles),
    )


def to_response(plan: Plan, *, time_limit_s: float, matrix: TravelMatrix) -> OptimizeResponse:
    routes = [
        RouteOut(
            vehicle=route.vehicle_id,
            stops=[
                ScheduledStopOut(
                    id=s.id,
                    arrival=s.arrival_s,
                    start=s.start_s,
                    departure=s.departure_s,
                    waiting=s.waiting_s,
                )
                for s in route.stops
            ],
            breaks=[BreakOut(start=b.start_s, end=b.end_s) for b in route.breaks],
            start_time=route.start_s,
            end_time=route.end_s,
            travel_time=route.travel_s,
            distance=route.distance_m,
            prize=route.prize,
            cost=route.cost,
        )
        for route in plan.routes
    ]
    unassigned = [UnassignedOut(id=u.id, reason=u.reason, detail=u.detail) for u in plan.unassigned]
    summary = SummaryOut(
        prize=plan.prize,
        cost=plan.cost,
        net=plan.net,
        solve_time=plan.solve_time_s,
        status=plan.status,
        time_limit=time_limit_s,
        travel_model=matrix.model,
        travel_detail=matrix.model_detail,
    )
    return OptimizeResponse(routes=routes, unassigned=unassigned, summary=summary)
