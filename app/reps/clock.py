"""A rep's clock: their time zone, their today, and seconds since local midnight.

Plans, shifts and appointments are on the rep's wall clock; the database stores aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core import clock
from app.core.config import Settings
from app.models import Rep


def rep_zone(rep: Rep, settings: Settings) -> ZoneInfo:
    """The rep's time zone (their own, else the company's default)."""
    return ZoneInfo(rep.time_zone or settings.default_time_zone)


def rep_today(rep: Rep, settings: Settings, now: datetime | None = None) -> date:
    """Today on the rep's clock (`now`: a moment already read from the app's clock)."""
    return (now or clock.now()).astimezone(rep_zone(rep, settings)).date()


def local_moment(day: date, seconds: float, zone: ZoneInfo) -> datetime:
    """`seconds` after local midnight of `day`, as an aware datetime (wall-clock arithmetic)."""
    return datetime.combine(day, time(), tzinfo=zone) + timedelta(seconds=seconds)


def seconds_into(day: date, moment: datetime, zone: ZoneInfo) -> float:
    """Wall-clock seconds from local midnight of `day` to `moment` (naive = already local)."""
    local = moment if moment.tzinfo is None else moment.astimezone(zone).replace(tzinfo=None)
    return (local - datetime.combine(day, time())).total_seconds()


def seconds_of(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
