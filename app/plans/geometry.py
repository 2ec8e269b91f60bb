"""A day's drive along the roads, for the maps and exports: fetched when a plan is stored,
simplified, kept on the plan (`RoutePlan.geometry`).

A plan timed on roads gets the engine's geometry start -> stops -> end; a plan on the estimate
gets none (its maps draw straight lines and say so). The engine failing at this point costs the
line, never the plan: the plan's times are already road times.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from app.roads.service import road_route
from routing import Point, Travel, TravelError

logger = logging.getLogger(__name__)

ROAD_FREE_MODELS = frozenset({"estimate", "matrix"})
"""Travel models with no roads to draw."""
MAX_POINTS = 2_000
DECIMALS = 5
"""About a metre: finer than a map line needs, and it keeps a stored plan short."""
MIN_TOLERANCE_DEG = 1e-5
"""About a metre: a point closer than this to the line it lies on adds nothing to a map."""


def day_geometry(
    travel: Travel, travel_model: str, points: Sequence[Point]
) -> list[list[float]] | None:
    """The road line through `points` as [lat, lon] pairs, simplified to at most `MAX_POINTS`;
    None without roads, with fewer than two points, or when the engine cannot draw it."""
    if travel_model in ROAD_FREE_MODELS or len(points) < 2:
        return None
    try:
        drive = road_route(travel, points)
    except TravelError as exc:
        logger.warning("no road geometry for a plan of %d points: %s", len(points), exc)
        return None
    if drive is None or len(drive.geometry) < 2:
        return None
    return simplify(drive.geometry, MAX_POINTS)


def simplify(line: Sequence[tuple[float, float]], max_points: int) -> list[list[float]]:
    """`line` rounded to `DECIMALS`, repeated points dropped, and thinned by Douglas-Peucker:
    points less than about a metre off the line go, and more go (the least significant first)
    until at most `max_points` are left. The first and last points always stay."""
    rounded: list[list[float]] = []
    for lat, lon in line:
        point = [round(lat, DECIMALS), round(lon, DECIMALS)]
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if len(rounded) <= 2:
        return rounded
    weight = significance(rounded)
    tolerance = MIN_TOLERANCE_DEG
    limit = max(2, max_points)
    if int(np.count_nonzero(weight > tolerance)) > limit:
        tolerance = float(np.sort(weight)[::-1][limit])
    return [point for point, w in zip(rounded, weight, strict=True) if w > tolerance]


def significance(line: Sequence[Sequence[float]]) -> NDArray[np.float64]:
    """Per point, the largest Douglas-Peucker tolerance (degrees of latitude, longitude scaled
    by the cosine of the latitude) at which it stays; the ends stay at any tolerance. Keeping
    the points above a tolerance is Douglas-Peucker at that tolerance."""
    points = np.asarray(line, dtype=np.float64)
    x = points[:, 1] * math.cos(math.radians(float(points[0, 0])))
    y = points[:, 0]
    weight = np.zeros(len(points))
    weight[0] = weight[-1] = np.inf
    spans = [(0, len(points) - 1, np.inf)]
    while spans:
        first, last, ceiling = spans.pop()
        if last - first < 2:
            continue
        gaps = _off_segment(x[first + 1 : last], y[first + 1 : last], x, y, first, last)
        at = first + 1 + int(np.argmax(gaps))
        # A point never outlives the point that split its span.
        weight[at] = min(float(gaps[at - first - 1]), ceiling)
        spans.append((first, at, weight[at]))
        spans.append((at, last, weight[at]))
    return weight


def _off_segment(
    px: NDArray[np.float64],
    py: NDArray[np.float64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    first: int,
    last: int,
) -> NDArray[np.float64]:
    ax, ay, bx, by = x[first], y[first], x[last], y[last]
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        t = np.zeros_like(px)
    else:
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / length, 0.0, 1.0)
    return np.asarray(np.hypot(px - ax - t * dx, py - ay - t * dy), dtype=np.float64)
