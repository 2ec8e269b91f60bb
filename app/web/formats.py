"""How the pages write numbers, dates, times and durations (the templates' filters)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


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


def duration(minutes: float) -> str:
    """`112` -> `1 h 52 min`; `40` -> `40 min`."""
    total = round(minutes)
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` on the clock of `zone` (a naive `moment` is taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def hhmm(moment: datetime, zone: ZoneInfo) -> str:
    """`moment` on the clock of `zone`, as 24-hour HH:MM."""
    return local(moment, zone).strftime("%H:%M")


def made_at(created_at: datetime, day: date, zone: ZoneInfo) -> str:
    """When a plan of `day` was made: the time alone on the day itself, else date and time."""
    moment = local(created_at, zone)
    return (
        moment.strftime("%H:%M")
        if moment.date() == day
        else f"{short_date(moment.date())} {moment:%H:%M}"
    )
