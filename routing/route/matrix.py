"""Travel matrices: the default haversine model, and checks on matrices that callers give.

The haversine model multiplies the great-circle distance by a circuity factor (roads are not
straight; ~1.3 is typical for mixed urban and rural driving) and divides by an average speed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from routing.route.model import Point, ProblemError, TravelMatrix

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_CIRCUITY = 1.3
DEFAULT_SPEED_KMH = 50.0


def great_circle_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two points (one pair of `haversine_matrix`'s
    distances at circuity 1)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def haversine_matrix(
    points: Sequence[Point],
    *,
    circuity: float = DEFAULT_CIRCUITY,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> TravelMatrix:
    """Road-distance estimates (m) and durations (s) between all pairs of `points`.

    Distance is the great-circle distance times `circuity`; duration is that distance at
    `speed_kmh`. Vectorised: about 30 ms for 2,000 points.
    """
    if circuity < 1.0:
        raise ProblemError(f"circuity must be >= 1, got {circuity}")
    if speed_kmh <= 0:
        raise ProblemError(f"speed must be > 0, got {speed_kmh}")
    if not points:
        empty = np.zeros((0, 0), dtype=np.float64)
        return TravelMatrix(durations_s=empty, distances_m=empty.copy(), model="estimate")
    lat = np.radians(np.fromiter((p.lat for p in points), dtype=np.float64, count=len(points)))
    lon = np.radians(np.fromiter((p.lon for p in points), dtype=np.float64, count=len(points)))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = (
        np.sin(dlat / 2.0) ** 2
        + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2.0) ** 2
    )
    distances = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) * circuity
    durations = distances / (speed_kmh / 3.6)
    return TravelMatrix(
        durations_s=durations,
        distances_m=distances,
        model="estimate",
        model_detail=f"straight-line distance x {circuity:.2f} at {speed_kmh:.0f} km/h",
    )


def explicit_matrix(
    durations_s: Sequence[Sequence[float | None]],
    distances_m: Sequence[Sequence[float | None]] | None = None,
) -> TravelMatrix:
    """A matrix the caller gives. `None` (JSON null) or a negative entry means "no way there".

    Without distances, distances are taken as zero (only time costs money).
    """
    durations = _as_square(durations_s, "durations")
    if distances_m is None:
        distances = np.zeros_like(durations)
    else:
        distances = _as_square(distances_m, "distances")
        if distances.shape != durations.shape:
            raise ProblemError(
                f"matrix.distances is {distances.shape[0]}x{distances.shape[1]} but "
                f"matrix.durations is {durations.shape[0]}x{durations.shape[1]}"
            )
    no_way = ~np.isfinite(durations) | (durations < 0)
    durations[no_way] = np.inf
    distances[no_way | ~np.isfinite(distances) | (distances < 0)] = np.inf
    return TravelMatrix(durations_s=durations, distances_m=distances)


def _as_square(rows: Sequence[Sequence[float | None]], name: str) -> np.ndarray:
    size = len(rows)
    for number, row in enumerate(rows):
        if len(row) != size:
            raise ProblemError(
                f"matrix.{name} row {number} has {len(row)} entries; a {size}x{size} matrix needs {size}"
            )
    array = np.array(
        [[np.nan if value is None else value for value in row] for row in rows], dtype=np.float64
    ).reshape(size, size)
    return array
