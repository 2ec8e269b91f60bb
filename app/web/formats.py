"""How the pages write numbers (the templates' filters); dates, times and durations are written
the app's one way (`app.core.time_text`)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.core.time_text import local, short_date


def fmt(value: float, spec: str) -> str:
    """`value` with a format spec: `{{ km|fmt(",.1f") }}` is `f"{km:,.1f}"`."""
    return format(value, spec)


def compact(value: float) -> str:
    """`13_463_200` -> `13.5M`, `850_000` -> `850k`, `999` -> `999`: short enough for a table."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.{0 if abs(scaled) >= 100 else 1}f}{suffix}"
    return f"{value:.0f}"


def made_at(created_at: datetime, day: date, zone: ZoneInfo) -> str:
    """When a plan of `day` was made: the time alone on the day itself, else date and time."""
    moment = local(created_at, zone)
    return (
        moment.strftime("%H:%M")
        if moment.date() == day
        else f"{short_date(moment.date())} {moment:%H:%M}"
    )
