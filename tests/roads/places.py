"""Places on the two extracts' roads, for the road tests (seeded: the same every run)."""

from __future__ import annotations

import random
from pathlib import Path

from app.core.config import Settings
from app.roads.service import travel
from routing import Point

# Inside the road data of each extract, away from its edges (south, west, north, east).
BALTIMORE = (39.265, -76.600, 39.300, -76.535)
LIECHTENSTEIN = (47.06, 9.49, 47.24, 9.60)
BALTIMORE_HOME = Point(39.2904, -76.5800)
BALTIMORE_WATER = Point(39.2500, -76.5900)
"""In the Patapsco, 1.4 km from the nearest road."""


def spread(area: tuple[float, float, float, float], count: int, seed: int = 7) -> list[Point]:
    south, west, north, east = area
    rng = random.Random(seed)
    return [Point(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(count)]


def on_roads(
    data_dir: Path, region: str, count: int, seed: int = 7, within_m: float = 150.0
) -> list[Point]:
    """`count` seeded places of `region` no farther than `within_m` from a road (asked of the
    engine itself: the places it would refuse with that snapping limit are dropped)."""
    area = BALTIMORE if region == "baltimore" else LIECHTENSTEIN
    picky = travel(Settings(data_dir=data_dir, roads_region=region, roads_snap_m=within_m))
    found: list[Point] = []
    attempt = 0
    while len(found) < count:
        drawn = spread(area, 4 * count, seed + attempt)
        refused = picky.matrix(drawn).unreachable
        found += [p for k, p in enumerate(drawn) if k not in refused]
        attempt += 1
    return found[:count]
