"""What the phone's account page shows (`templates/rep/account.html`), worked out here: the
week's opening hours with today marked, the cadence in words, the way there, the visits and
the appointments, and whether the account can be added to today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.auth.access import visit_scope
from app.auth.principal import Principal
from app.core.time_text import wall_time
from app.models import Account, Rep, Visit
from app.models.activity import IN_PERSON
from app.visits.schemas import APPOINTMENT_MINUTES
from app.web.rep_view import (
    PRECISE,
    address_text,
    apple_destination,
    apple_to,
    dial,
    google_destination,
    google_to,
    is_us,
    touch_words,
)
from app.web.touch_view import when

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RECENT_VISITS = 10
RECORDED = ("arrived", "done", "skipped")


@dataclass(frozen=True, slots=True)
class HoursRow:
    day: str
    intervals: tuple[str, ...]
    """"08:00-12:00", ...; none on a day it is closed. Each stays on one line on a phone."""
    today: bool


@dataclass(frozen=True, slots=True)
class VisitRow:
    day: date
    who: str
    status: str
    said: str


@dataclass(frozen=True, slots=True)
class AppointmentRow:
    day: date
    time: str
    minutes: int | None
    notes: str


@dataclass(frozen=True, slots=True)
class AccountView:
    account: Account
    address: str
    tel: str
    google: str
    apple: str
    hours: list[HoursRow]
    cadence: str
    overdue: str
    visits: list[VisitRow]
    appointments: list[AppointmentRow]
    book_minutes: int
    min_minutes: int
    max_minutes: int


def account_view(
    session: Session, principal: Principal, account: Account, rep: Rep, today: date, zone: ZoneInfo
) -> AccountView:
    low, high = APPOINTMENT_MINUTES
    google, apple = _navigation(account)
    return AccountView(
        account=account,
        address=address_text(
            account.street, account.city, account.postcode, account.region, account.country
        ),
        tel=dial(account.phone) if account.phone else "",
        google=google,
        apple=apple,
        hours=hours_rows(account.opening_hours, today),
        cadence=cadence_words(account, today),
        overdue=overdue_words(account, today),
        visits=_visits(session, principal, account, zone),
        appointments=_appointments(session, principal, account, today, zone),
        book_minutes=min(max(account.service_minutes, low), high),
        min_minutes=low,
        max_minutes=high,
    )


def hours_rows(hours: dict[str, list[str]] | None, today: date) -> list[HoursRow]:
    """Monday to Sunday, "Closed" on a day without intervals; none when the hours are unknown."""
    if hours is None:
        return []
    return [
        HoursRow(name, tuple(hours.get(key, [])), k == today.weekday())
        for k, (key, name) in enumerate(zip(DAYS, DAY_NAMES, strict=True))
    ]


def cadence_words(account: Account, today: date) -> str:
    """Value, cadence and last visit in one line: "$12,000 a year · every 28 days · last
    visited Mon 2 Feb (30 days ago)"."""
    parts = [f"${account.value:,.0f} a year"]
    if account.cadence_days:
        parts.append(f"visit every {account.cadence_days} days")
    if account.touch_cadence_days:
        parts.append(f"a call, e-mail or video every {account.touch_cadence_days} days")
    last = account.last_visit_date
    parts.append("never visited" if last is None else f"last visited {when(last, today, '')}")
    if account.last_touch_date is not None:
        parts.append(f"last touched {when(account.last_touch_date, today, '')}")
    return " · ".join(parts)


def overdue_words(account: Account, today: date) -> str:
    """ "Overdue by 5 days", "Due in 3 days", "Due today", or "" without a cadence."""
    if not account.cadence_days:
        return ""
    if account.last_visit_date is None:
        return "Due: never visited"
    late = (today - account.last_visit_date).days - account.cadence_days
    if late > 0:
        return f"Overdue by {late} day{'s' if late != 1 else ''}"
    if late == 0:
        return "Due today"
    return f"Due in {-late} day{'s' if late != -1 else ''}"


def _navigation(account: Account) -> tuple[str, str]:
    """Directions links as on the stop cards: to the point when it is precise enough, else to
    the address (the app finds it better than a postcode's centre)."""
    precise = account.geocode_precision is None or account.geocode_precision in PRECISE
    placed = account.latitude is not None and account.longitude is not None
    if placed and (precise or not account.street):
        assert account.latitude is not None
        assert account.longitude is not None
        return (
            google_destination(account.latitude, account.longitude),
            apple_destination(account.latitude, account.longitude),
        )
    if not account.street and not account.city:
        return "", ""
    text = address_text(
        account.street, account.city, account.postcode, account.region, account.country
    )
    country = (
        "" if not account.country or is_us(account.country, account.region) else account.country
    )
    target = ", ".join(p for p in (text, country) if p)
    return google_to(target), apple_to(target)


def _visits(
    session: Session, principal: Principal, account: Account, zone: ZoneInfo
) -> list[VisitRow]:
    query = (
        select(Visit, Rep.name)
        .join(Rep, Rep.id == Visit.rep_id)
        .where(Visit.account_id == account.id, Visit.status.in_(RECORDED), visit_scope(principal))
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(RECENT_VISITS)
    )
    rows = []
    for visit, who in session.execute(query):
        if visit.channel != IN_PERSON:
            said = [touch_words(visit.channel, visit.outcome, visit.next_step), visit.notes or ""]
        elif visit.status == "skipped":
            said = [f"Skipped: {visit.reason or 'no reason given'}", visit.notes or ""]
        elif visit.status == "arrived":
            said = ["On site" + _since(visit.started_at, zone)]
        else:
            said = [visit.outcome or "Done", visit.notes or ""]
            said.append(f"next: {visit.next_step}" if visit.next_step else "")
        rows.append(VisitRow(visit.visit_date, who, visit.status, " · ".join(p for p in said if p)))
    return rows


def _since(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else f" since {wall_time(moment, zone)}"


def _appointments(
    session: Session, principal: Principal, account: Account, today: date, zone: ZoneInfo
) -> list[AppointmentRow]:
    query = (
        select(Visit)
        .where(
            Visit.account_id == account.id,
            Visit.status == "booked",
            Visit.visit_date >= today,
            visit_scope(principal),
        )
        .order_by(Visit.planned_start_at)
    )
    return [
        AppointmentRow(
            visit.visit_date,
            wall_time(visit.planned_start_at, zone) if visit.planned_start_at else "",
            visit.duration_minutes,
            visit.notes or "",
        )
        for visit in session.scalars(query)
    ]
