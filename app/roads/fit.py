"""The straight-line estimate fitted to road data: for places outside it and for the rough
figures (territory drive estimates) that a full road matrix would be too slow for.

A seeded sample of places spread over the data's area, snapped to the roads; then the circuity
is the median ratio of road to straight-line distance and the speed is total road distance over
total road time, over the pairs at least a kilometre apart (short hops are all junctions).
"""

from __future__ import annotations

import math
import random
import statistics

from app.roads.engine import RoadEngine
from app.roads.travel import BBox, straight_m
from routing import Estimate, Point

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
    ratios: list[float] = []
    road_m = road_s = 0.0
    for i, a in enumerate(points):
        for j, b in enumerate(points):
            seconds, metres = table.durations_s[i][j], table.distances_m[i][j]
            if i == j or seconds is None or metres is None or seconds <= 0:
                continue
            straight = straight_m(a, b)
            if straight < _MIN_STRAIGHT_M or not math.isfinite(metres):
                continue
            ratios.append(metres / straight)
            road_m += metres
            road_s += seconds
    if len(ratios) < 30 or road_s <= 0:
        return None
    return Estimate(
        circuity=max(1.0, statistics.median(ratios)),
        speed_kmh=road_m / road_s * 3.6,
        fitted_to=region,
    )
