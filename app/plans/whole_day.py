"""A re-planned day's totals over the whole day, not just the rest of it.

A mid-day re-plan solves from where the rep is; its route knows nothing of the morning. The
stored version must still say what the day is (the page's summary, the manager's grid and plan
vs actual read the same numbers), so the morning is added: the drive from the day's start
through the stops already behind the rep to where the rest begins, on the same travel model,
with their prize. The start place stays the re-plan's (where the rest of the day begins, as
the road line and the map draw it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from routing import Costs, Point, Travel


def whole_day_totals(
    rest: Mapping[str, Any],
    behind: Sequence[Mapping[str, Any]],
    day_start: Mapping[str, Any] | None,
    rest_start: Point,
    travel: Travel,
    costs: Costs,
) -> dict[str, Any]:
    """`rest` (the re-plan's totals) with the morning added: `behind`, the stops kept from the
    earlier version, driven from `day_start` (that version's start place) to `rest_start`."""
    if not behind:
        return dict(rest)
    origin = (
        rest_start if day_start is None else Point(day_start["latitude"], day_start["longitude"])
    )
    places = [origin, *(Point(s["latitude"], s["longitude"]) for s in behind), rest_start]
    metres, seconds = _legs(places, travel)
    km, minutes = metres / 1000, seconds / 60
    prize = sum(float(s.get("prize", 0.0)) for s in behind)
    cost = km * costs.per_km + minutes / 60 * costs.per_hour
    totals = dict(rest)
    totals["stops"] = int(rest["stops"]) + len(behind)
    totals["distance_km"] = round(float(rest["distance_km"]) + km, 2)
    totals["travel_minutes"] = round(float(rest["travel_minutes"]) + minutes, 1)
    totals["prize"] = round(float(rest["prize"]) + prize, 2)
    totals["cost"] = round(float(rest["cost"]) + cost, 2)
    totals["net"] = round(totals["prize"] - totals["cost"], 2)
    return totals


def _legs(places: Sequence[Point], travel: Travel) -> tuple[float, float]:
    """Metres and seconds along `places` in order; a leg with no way counts as nothing (the
    rep got there, so the model's gap is not theirs to pay)."""
    matrix = travel.matrix(list(places))
    metres = seconds = 0.0
    for i in range(len(places) - 1):
        step_m = float(matrix.distances_m[i][i + 1])
        step_s = float(matrix.durations_s[i][i + 1])
        if math.isfinite(step_m) and step_m > 0:
            metres += step_m
        if math.isfinite(step_s) and step_s > 0:
            seconds += step_s
    return metres, seconds
