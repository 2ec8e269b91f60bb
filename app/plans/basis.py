"""What a stored plan was based on, and why it is stale now.

A plan is a solve over what the database said when it was made. `record` keeps, with each
stored plan (`RoutePlan.basis`), enough of that to tell later, in words, what has changed
since: the rep's shift, home and working days; the accounts on the plan (point, opening
hours); the accounts of the rep's territory; the rep's appointments that day; and the last
visit recorded then. `stale_reasons` compares it with the database now, in a few queries (not
one per stop), and also names accounts another day of the same week now plans too (the week
rule, `app.plans.week`).

Plans stored before the basis was kept (`basis` None) are read as not stale: there is nothing
to compare them with, and calling every old plan stale would make the page refresh them all.
A day that is over is never stale either: it is history.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.core.time_text import short_date, wall_time
from app.models import Account, Rep, RoutePlan, Territory, Visit
from app.plans.week import latest_stops, second_visit_allowed, week_of

VERSION = 1
"""The shape of the stored basis; a basis of another version is read as no basis."""
MAX_NAMED = 3
"""Reasons name at most this many accounts of one kind, then count the rest."""


@dataclass(frozen=True, slots=True)
class Common:
    """The parts of a basis every day of one planning run shares (read once per run)."""

    rep: dict[str, Any]
    territory: list[int]
    visit_mark: int


def common(session: Session, rep: Rep) -> Common:
    return Common(
        rep=rep_print(rep),
        territory=sorted(_territory(session, rep.id)),
        visit_mark=int(session.scalar(select(func.max(Visit.id))) or 0),
    )


def record(
    session: Session,
    shared: Common,
    rep_id: int,
    day: date,
    stops: Iterable[Mapping[str, Any]],
    accounts: Mapping[int, Account],
) -> dict[str, Any]:
    """The basis of the rep's plan of `day` with `stops` (`accounts`: the rows they name)."""
    printed = {}
    for stop in stops:
        account = accounts.get(int(stop["account_id"]))
        if account is not None:
            printed[str(account.id)] = account_print(account)
    appointments = {
        str(visit.id): {"account_id": visit.account_id, "start": _iso(visit.planned_start_at)}
        for visit in session.scalars(
            select(Visit).where(
                Visit.rep_id == rep_id, Visit.visit_date == day, Visit.status == "booked"
            )
        )
    }
    return {
        "version": VERSION,
        "rep": shared.rep,
        "territory": shared.territory,
        "visit_mark": shared.visit_mark,
        "accounts": printed,
        "appointments": appointments,
    }


def rep_print(rep: Rep) -> dict[str, Any]:
    home = None
    if rep.home_latitude is not None and rep.home_longitude is not None:
        home = [round(rep.home_latitude, 5), round(rep.home_longitude, 5)]
    lunch = None
    if rep.lunch_start is not None and rep.lunch_end is not None:
        lunch = f"{rep.lunch_start:%H:%M}-{rep.lunch_end:%H:%M}/{rep.lunch_minutes}"
    return {
        "home": home,
        "shift": f"{rep.shift_start:%H:%M}-{rep.shift_end:%H:%M}",
        "lunch": lunch,
        "days": list(rep.working_days or []),
        "max_stops": rep.max_visits_per_day,
    }


def account_print(account: Account) -> dict[str, Any]:
    point = None
    if account.latitude is not None and account.longitude is not None:
        point = [round(account.latitude, 5), round(account.longitude, 5)]
    return {"point": point, "hours": _digest(account.opening_hours)}


# --- why a plan is stale -------------------------------------------------------------------


def stale_reasons(session: Session, row: RoutePlan, rep: Rep, today: date) -> list[str]:
    """Why `row` (the rep's plan of a day) no longer matches the database, in words; [] when
    it does, when it has no basis, or when its day is over."""
    basis = row.basis
    if not basis or basis.get("version") != VERSION or row.plan_date < today:
        return []
    day = row.plan_date
    zone = ZoneInfo(row.time_zone)
    stop_ids = {int(stop["account_id"]) for stop in row.stops}
    names = {int(stop["account_id"]): str(stop["name"]) for stop in row.stops}
    reasons = _rep_reasons(basis["rep"], rep, day)
    own = set(_territory_ids(session, rep.id))
    current = {
        account.id: account
        for account in session.scalars(select(Account).where(Account.id.in_(stop_ids)))
    }
    for account_id in sorted(stop_ids):
        names[account_id] = getattr(current.get(account_id), "name", names[account_id])
    reasons += _account_reasons(row, basis, current, own, names)
    reasons += _joined(session, basis, own)
    reasons += _visited(session, row, basis, current, names)
    reasons += _appointment_reasons(session, row, basis, zone)
    reasons += _planned_twice(session, row, current, names, today)
    return reasons


def _rep_reasons(then: Mapping[str, Any], rep: Rep, day: date) -> list[str]:
    now = rep_print(rep)
    reasons = []
    if DAYS[day.weekday()] not in now["days"]:
        reasons.append(f"{day:%A} is no longer one of {rep.name}'s working days")
    elif now["days"] != then.get("days"):
        reasons.append(f"{rep.name}'s working days changed")
    if now["shift"] != then.get("shift"):
        reasons.append(f"the shift changed to {now['shift']}")
    if now["lunch"] != then.get("lunch"):
        reasons.append("the lunch break changed")
    if now["home"] != then.get("home"):
        reasons.append("the home (start and end of the day) moved")
    if now["max_stops"] != then.get("max_stops"):
        reasons.append("the most visits a day changed")
    return reasons


def _account_reasons(
    row: RoutePlan,
    basis: Mapping[str, Any],
    current: Mapping[int, Account],
    own: set[int],
    names: Mapping[int, str],
) -> list[str]:
    printed: Mapping[str, Any] = basis.get("accounts", {})
    reasons = []
    for stop in row.stops:
        account_id = int(stop["account_id"])
        name = names[account_id]
        account = current.get(account_id)
        if account is None or not account.active:
            reasons.append(f"{name} is no longer an active account")
            continue
        if stop["kind"] == "visit" and account.territory_id not in own:
            reasons.append(f"{name} left the territory")
            continue
        then = printed.get(str(account_id))
        if then is None:
            continue
        now = account_print(account)
        if now["point"] != then["point"]:
            reasons.append(f"{name} moved (its address or point changed)")
        if now["hours"] != then["hours"]:
            reasons.append(f"{name}'s opening hours changed")
    return reasons


def _joined(session: Session, basis: Mapping[str, Any], own: set[int]) -> list[str]:
    then = set(basis.get("territory", []))
    query = (
        select(Account.id, Account.name)
        .where(Account.territory_id.in_(own), Account.active.is_(True))
        .order_by(Account.name)
    )
    joined = [name for account_id, name in session.execute(query) if account_id not in then]
    if not joined:
        return []
    if len(joined) == 1:
        return [f"{joined[0]} joined the territory"]
    return [f"{_listed(joined)} joined the territory"]


def _visited(
    session: Session,
    row: RoutePlan,
    basis: Mapping[str, Any],
    current: Mapping[int, Account],
    names: Mapping[int, str],
) -> list[str]:
    """Stops whose account was visited (done) on another day since the plan was made."""
    if not row.stops:
        return []
    query = (
        select(Visit.account_id, Visit.visit_date)
        .where(
            Visit.account_id.in_(names),
            Visit.status == "done",
            Visit.in_person(),
            Visit.visit_date != row.plan_date,
            or_(Visit.id > int(basis.get("visit_mark", 0)), Visit.updated_at > row.created_at),
        )
        .order_by(Visit.visit_date)
    )
    reasons: dict[int, str] = {}
    for account_id, day in session.execute(query):
        cadence = getattr(current.get(account_id), "cadence_days", None)
        if account_id in reasons or second_visit_allowed(cadence, day, row.plan_date):
            continue
        reasons[account_id] = f"{names[account_id]} was visited on {_day_word(day, row.plan_date)}"
    return list(reasons.values())


def _appointment_reasons(
    session: Session, row: RoutePlan, basis: Mapping[str, Any], zone: ZoneInfo
) -> list[str]:
    then: Mapping[str, Mapping[str, Any]] = basis.get("appointments", {})
    booked = select(Visit.id).where(
        Visit.rep_id == row.rep_id, Visit.visit_date == row.plan_date, Visit.status == "booked"
    )
    ids = {int(i) for i in then} | set(session.scalars(booked))
    if not ids:
        return []
    query = (
        select(Visit, Account.name)
        .join(Account, Account.id == Visit.account_id)
        .where(Visit.id.in_(ids))
        .order_by(Visit.planned_start_at, Visit.id)
    )
    reasons = []
    for visit, name in session.execute(query):
        was = then.get(str(visit.id))
        at = "" if visit.planned_start_at is None else wall_time(visit.planned_start_at, zone)
        if was is None:
            if visit.status == "booked" and visit.visit_date == row.plan_date:
                reasons.append(f"an appointment at {name} was booked for {at}")
        elif visit.status == "cancelled":
            reasons.append(f"the appointment at {name} was cancelled")
        elif visit.visit_date != row.plan_date:
            reasons.append(
                f"the appointment at {name} moved to {_day_word(visit.visit_date, row.plan_date)}"
            )
        elif visit.status == "booked" and _iso(visit.planned_start_at) != was.get("start"):
            reasons.append(f"the appointment at {name} moved to {at}")
    return reasons


def _planned_twice(
    session: Session,
    row: RoutePlan,
    current: Mapping[int, Account],
    names: Mapping[int, str],
    today: date,
) -> list[str]:
    """Visits another day of the week (not over) also plans, against the week rule. Only this
    plan's visits count: an appointment is booked, not planned, so the day with the visit is
    the one to change."""
    visits = {int(stop["account_id"]) for stop in row.stops if stop["kind"] == "visit"}
    monday, sunday = week_of(row.plan_date)
    reasons: dict[int, str] = {}
    for day, stops in latest_stops(session, row.rep_id, max(monday, today), sunday).items():
        if day == row.plan_date:
            continue
        for stop in stops:
            account_id = int(str(stop["account_id"]))
            if account_id not in visits or account_id in reasons:
                continue
            cadence = getattr(current.get(account_id), "cadence_days", None)
            if not second_visit_allowed(cadence, day, row.plan_date):
                reasons[account_id] = (
                    f"{names[account_id]} is also planned on {_day_word(day, row.plan_date)}"
                )
    return list(reasons.values())


# --- helpers -------------------------------------------------------------------------------


def _territory(session: Session, rep_id: int) -> list[int]:
    own = select(Territory.id).where(Territory.rep_id == rep_id).scalar_subquery()
    query = select(Account.id).where(Account.territory_id.in_(own), Account.active.is_(True))
    return list(session.scalars(query))


def _territory_ids(session: Session, rep_id: int) -> list[int]:
    return list(session.scalars(select(Territory.id).where(Territory.rep_id == rep_id)))


def _digest(value: Any) -> str | None:
    if value is None:
        return None
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _iso(moment: datetime | None) -> str | None:
    # One form for one instant: a row just written may still hold its local offset.
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _day_word(day: date, plan_day: date) -> str:
    """ "Wednesday" within the plan's week, "Wed 25 Feb" further away."""
    return f"{day:%A}" if week_of(day) == week_of(plan_day) else short_date(day)


def _listed(names: list[str]) -> str:
    shown = names[:MAX_NAMED]
    rest = len(names) - len(shown)
    text = ", ".join(shown)
    return f"{text} and {rest} more" if rest else text


__all__ = ["Common", "common", "record", "stale_reasons"]
