"""Where each vehicle and stop is in the travel matrix, on either input path.

Location path: no `matrix`; every vehicle start (and end, unless open) and every stop has a
`location`, and the server builds a haversine matrix over the distinct points.
Matrix path: `matrix` is given and every vehicle has `start_index` (`end_index` null = open end)
and every stop an `index`. A place that follows the other path is a 422 naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.config import Settings
from app.core.errors import InvalidRequest, PayloadTooLarge
from app.optimize.schemas import Location, MatrixIn, OptimizeRequest
from app.roads.service import travel
from routing import Point, ProblemError, TravelMatrix, explicit_matrix


@dataclass(frozen=True, slots=True)
class Places:
    matrix: TravelMatrix
    vehicle_starts: list[int]
    vehicle_ends: list[int | None]
    stops: list[int]


def resolve_places(request: OptimizeRequest, settings: Settings) -> Places:
    if request.matrix is None:
        return _from_locations(request, settings)
    return _from_matrix(request, request.matrix, settings)


def _vehicle(request: OptimizeRequest, i: int) -> str:
    return f"vehicles[{i}] (vehicle {request.vehicles[i].id!r})"


def _stop(request: OptimizeRequest, i: int) -> str:
    return f"stops[{i}] (stop {request.stops[i].id!r})"


def _from_locations(request: OptimizeRequest, settings: Settings) -> Places:
    points: list[Point] = []
    index_of: dict[tuple[float, float], int] = {}

    def place(location: Location) -> int:
        key = (location.lat, location.lon)
        if key not in index_of:
            index_of[key] = len(points)
            points.append(Point(location.lat, location.lon))
        return index_of[key]

    hint = "without a matrix every place needs a location (or give matrix and indices)"
    starts: list[int] = []
    ends: list[int | None] = []
    for i, vehicle in enumerate(request.vehicles):
        for name in ("start_index", "end_index"):
            if getattr(vehicle, name) is not None:
                raise InvalidRequest(
                    f"{_vehicle(request, i)}: has {name} but the request has no matrix",
                    field=f"vehicles[{i}].{name}",
                )
        if vehicle.start is None:
            raise InvalidRequest(
                f"{_vehicle(request, i)}: start is missing; {hint}", field=f"vehicles[{i}].start"
            )
        starts.append(place(vehicle.start))
        ends.append(None if vehicle.end is None else place(vehicle.end))
    stops: list[int] = []
    for i, stop in enumerate(request.stops):
        if stop.index is not None:
            raise InvalidRequest(
                f"{_stop(request, i)}: has an index but the request has no matrix",
                field=f"stops[{i}].index",
            )
        if stop.location is None:
            raise InvalidRequest(
                f"{_stop(request, i)}: location is missing; {hint}", field=f"stops[{i}].location"
            )
        stops.append(place(stop.location))
    matrix = travel(settings).matrix(points)
    return Places(matrix=matrix, vehicle_starts=starts, vehicle_ends=ends, stops=stops)


def _from_matrix(request: OptimizeRequest, given: MatrixIn, settings: Settings) -> Places:
    size = len(given.durations)
    most = settings.max_stops + 2 * settings.max_vehicles
    if size > most:
        raise PayloadTooLarge(
            f"matrix has {size} rows; this server accepts at most {most}", field="matrix.durations"
        )
    try:
        matrix = explicit_matrix(given.durations, given.distances)
    except ProblemError as error:
        raise InvalidRequest(str(error), field="matrix") from error

    def index(value: int | None, what: str, field: str, hint: str) -> int:
        if value is None:
            raise InvalidRequest(f"{what}: {hint}", field=field)
        if value >= size:
            valid = f"indices 0..{size - 1}" if size else "it is empty"
            raise InvalidRequest(
                f"{what}: {field.rsplit('.', 1)[-1]} {value} is outside the matrix "
                f"({size}x{size}; {valid})",
                field=field,
            )
        return value

    hint = "with a matrix every place needs an index"
    starts: list[int] = []
    ends: list[int | None] = []
    for i, vehicle in enumerate(request.vehicles):
        what = _vehicle(request, i)
        starts.append(
            index(
                vehicle.start_index,
                what,
                f"vehicles[{i}].start_index",
                f"start_index is missing; {hint}",
            )
        )
        if vehicle.end_index is None and vehicle.end is not None:
            raise InvalidRequest(
                f"{what}: end is a location but the request has a matrix; give end_index "
                "(or leave both null for an open end)",
                field=f"vehicles[{i}].end_index",
            )
        if vehicle.end_index is None:
            ends.append(None)
        else:
            ends.append(index(vehicle.end_index, what, f"vehicles[{i}].end_index", hint))
    stops = [
        index(stop.index, _stop(request, i), f"stops[{i}].index", f"index is missing; {hint}")
        for i, stop in enumerate(request.stops)
    ]
    return Places(matrix=matrix, vehicle_starts=starts, vehicle_ends=ends, stops=stops)
