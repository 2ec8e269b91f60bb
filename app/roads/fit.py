"""The straight-line estimate fitted to road data: for places outside it and for the rough
figures (territory drive estimates) that a full road matrix would be too slow for.

A seeded sample of places spread over the data's area, snapped to the roads; then the circuity
is the median ratio of road to straight-line distance and the speed is total road distance over
total road time, over the pairs at least a kilometre apart (short hops are all junctions).
"""

from __future__ import annotations

import random

import numpy as np

from app.roads.engine import RoadEngine
from app.roads.travel import BBox
from routing import Estimate, Point, haversine_matrix

SAMPLE_PLACES = 60
_MIN_STRAIGHT_M = 1000.0


def fit_estimate(engine: RoadEngine, area: BBox, region: str, seed: int = 0) -> Estimate | None:
    """The estimate closest to `engine`'s answers over `area`, or None if too few pairs are
    connected to fit one."""
    south, west, north, east = area
    rng = random.Random(seed)  # noqa: S311 (a reproducible sample, not a secret)
    points = [
        Point(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(SAMPLE_PLACES)
    ]
    table = engine.table(points)
    seconds = np.array(table.durations_s, dtype=np.float64)  # None (no way) becomes NaN
    metres = np.array(table.distances_m, dtype=np.float64)
    straight = haversine_matrix(points, circuity=1.0).distances_m
    with np.errstate(invalid="ignore"):
        usable = (seconds > 0) & np.isfinite(metres) & (straight >= _MIN_STRAIGHT_M)
    if usable.sum() < 30:
        return None
    return Estimate(
        circuity=max(1.0, float(np.median(metres[usable] / straight[usable]))),
        speed_kmh=float(metres[usable].sum() / seconds[usable].sum()) * 3.6,
        fitted_to=region,
    )
