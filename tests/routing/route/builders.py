"""Tiny hand-checkable problems: places on a line, travel time = distance (1 m per second)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing import Costs, Problem, Stop, TimeWindow, TravelMatrix, Vehicle


def line_matrix(positions: Sequence[float]) -> TravelMatrix:
    x = np.asarray(positions, dtype=np.float64)
    distance = np.abs(x[:, None] - x[None, :])
    return TravelMatrix(durations_s=distance.copy(), distances_m=distance)


def vehicle(
    vid: str = "rep",
    *,
    start: int = 0,
    end: int | None = 0,
    shift: tuple[float, float] = (0, 1000),
    **kwargs: object,
) -> Vehicle:
    return Vehicle(
        id=vid,
        start_index=start,
        end_index=end,
        shift=TimeWindow(*shift),
        **kwargs,  # type: ignore[arg-type]
    )


def stop(
    sid: str,
    index: int,
    *,
    prize: float = 100.0,
    service: float = 0.0,
    windows: Sequence[tuple[float, float]] = (),
    **kwargs: object,
) -> Stop:
    return Stop(
        id=sid,
        index=index,
        service_s=service,
        windows=tuple(TimeWindow(a, b) for a, b in windows),
        prize=prize,
        **kwargs,  # type: ignore[arg-type]
    )


def problem(
    positions: Sequence[float],
    vehicles: Sequence[Vehicle],
    stops: Sequence[Stop],
    costs: Costs | None = None,
    matrix: TravelMatrix | None = None,
) -> Problem:
    return Problem(
        vehicles=tuple(vehicles),
        stops=tuple(stops),
        matrix=matrix if matrix is not None else line_matrix(positions),
        costs=costs or Costs(),
    )
