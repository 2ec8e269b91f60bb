"""Times and dates as people read them: one way to write a clock time, a date or a duration,
shared by the API's messages, the exports and the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` on `zone`'s wall clock (a naive `moment` is taken as UTC, as stored)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def wall_time(moment: datetime, zone: ZoneInfo) -> str:
    """`moment` on `zone`'s clock as 24-hour HH:MM."""
    return f"{local(moment, zone):%H:%M}"


def wall_stamp(moment: datetime, zone: ZoneInfo) -> str:
    """`moment` on `zone`'s clock with its date and the zone's name, for messages."""
    return f"{local(moment, zone):%Y-%m-%d %H:%M} ({zone.key})"


def time_of_day(at: time | int) -> str:
    """A time of day (or seconds after midnight) as 24-hour HH:MM."""
    if isinstance(at, time):
        return f"{at:%H:%M}"
    return f"{at // 3600:02d}:{at % 3600 // 60:02d}"


def short_date(day: date) -> str:
    """`Tue 3 Mar`."""
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: date) -> str:
    """`Tuesday 3 March 2026`."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def duration(minutes: float) -> str:
    """`112` -> `1 h 52 min`; `40` -> `40 min`."""
    total = round(minutes)
    hours, rest = divmod(total, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"
