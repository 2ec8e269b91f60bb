"""A re-planned day's totals over the whole day, not just the rest of it.

A mid-day re-plan solves from where the rep is; its route knows nothing of the morning. The
stored version must still say what the day is (the page's summary, the manager's grid and plan
vs actual read the same numbers), so the morning is added: the drive from the day's start
through the stops already behind the rep to where the rest begins, on the same travel model,
with their prize. The start place stays the re-plan's (where the rest of the day begins, as
the road line and the map draw it). With working time priced (`Costs.per_working_hour`), the
morning's hours are too: from the day's planned start to the start of the rest, less the time
at the stops behind the rep.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
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
    cost += _morning_hours(rest, behind, day_start) * costs.per_working_hour
    totals = dict(rest)
    totals["stops"] = int(rest["stops"]) + len(behind)
    totals["distance_km"] = round(float(rest["distance_km"]) + km, 2)
    totals["travel_minutes"] = round(float(rest["travel_minutes"]) + minutes, 1)
    totals["prize"] = round(float(rest["prize"]) + prize, 2)
    totals["cost"] = round(float(rest["cost"]) + cost, 2)
    totals["net"] = round(totals["prize"] - totals["cost"], 2)
    return totals


def _morning_hours(
    rest: Mapping[str, Any],
    behind: Sequence[Mapping[str, Any]],
    day_start: Mapping[str, Any] | None,
) -> float:
    """Working hours before the rest of the day, visits excepted; 0 when a plan made before
    the day's start was stored does not say when it began."""
    began = None if day_start is None else day_start.get("at")
    resumed = rest.get("start", {}).get("at")
    if began is None or resumed is None:
        return 0.0
    span_s = (_moment(resumed) - _moment(began)).total_seconds()
    visits_s = sum(float(s.get("service_minutes", 0)) * 60 for s in behind)
    return max(0.0, span_s - visits_s) / 3600


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


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
