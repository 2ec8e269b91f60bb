"""A rep's days as the slot search takes them: the latest stored plan of each day as it stands
(its visits in route order at their planned times, the stops the rep required there never
displaced) with the appointments booked now at their times (one booked since the plan was made
is fitted in at its time, a cancelled one is gone); a day without a plan is its appointments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import intervals_s
from app.models import Account, RoutePlan, Visit
from app.plans.inputs import booked
from app.reps.clock import seconds_into
from routing import Point, TimeWindow
from routing.days.slots import RouteStop


def meeting_hours(
    account: Account, days: Sequence[date]
) -> dict[date, tuple[TimeWindow, ...]] | None:
    if account.opening_hours is None:
        return None
    return {
        day: tuple(TimeWindow(a, b) for a, b in intervals_s(account.opening_hours, day.weekday()))
        for day in days
    }


def latest_plans(session: Session, rep_id: int, days: Sequence[date]) -> dict[date, RoutePlan]:
    query = (
        select(RoutePlan)
        .where(RoutePlan.rep_id == rep_id, RoutePlan.plan_date.in_(list(days)))
        .order_by(RoutePlan.plan_date, RoutePlan.version)
    )
    return {row.plan_date: row for row in session.scalars(query)}


def appointments_by_day(
    session: Session, rep_id: int, days: Sequence[date]
) -> dict[date, list[Visit]]:
    by_day: dict[date, list[Visit]] = {}
    for visit in booked(session, rep_id, days):
        by_day.setdefault(visit.visit_date, []).append(visit)
    return by_day


def day_stops(
    session: Session,
    plan: RoutePlan | None,
    appointments: list[Visit],
    required: Mapping[int, date],
    day: date,
    zone: ZoneInfo,
    names: dict[str, str],
) -> tuple[list[RouteStop], str | None]:
    """The day's stops in time order and a note when the day is not its stored plan as it
    stands: the plan's visits at their planned times and the appointments booked now at
    theirs (one booked since the plan was made is fitted in at its time, a cancelled one is
    gone)."""
    stored = [s for s in plan.stops if s["kind"] != "appointment"] if plan else []
    accounts = _accounts(
        session, {v.account_id for v in appointments} | {int(s["account_id"]) for s in stored}
    )
    timed: list[tuple[float, RouteStop]] = []
    for visit in appointments:
        place = accounts.get(visit.account_id)
        if place is None or place.latitude is None or place.longitude is None:
            continue  # the plans refuse such a day already; nothing to work around here
        fixed = _fixed_stop(visit, place, day, zone)
        names[fixed.id] = place.name
        timed.append((fixed.at_s or 0.0, fixed))
    for stop in stored:
        account_id = int(stop["account_id"])
        place = accounts.get(account_id)
        if place is None or place.latitude is None or place.longitude is None:
            continue
        names[str(account_id)] = place.name
        planned_at = seconds_into(day, datetime.fromisoformat(stop["start"]), zone)
        timed.append(
            (
                planned_at,
                RouteStop(
                    id=str(account_id),
                    point=Point(place.latitude, place.longitude),
                    service_s=float(stop["service_minutes"]) * 60,
                    windows=_windows(place, day),
                    required=required.get(account_id) == day,
                    prize=float(stop.get("prize") or 0.0),
                ),
            )
        )
    timed.sort(key=lambda pair: pair[0])
    note = None
    if plan is None:
        note = (
            "no plan of the day yet: checked against its appointments; its visits will be "
            "planned around the meeting"
        )
    else:
        planned = {
            (int(s["account_id"]), _utc(datetime.fromisoformat(s["start"])))
            for s in plan.stops
            if s["kind"] == "appointment"
        }
        if any(
            (v.account_id, _utc(v.planned_start_at)) not in planned
            for v in appointments
            if v.planned_start_at is not None
        ):
            note = "an appointment was booked since the day was planned: it is counted at its time"
    return [stop for _, stop in timed], note


def _utc(moment: datetime) -> datetime:
    """An aware moment in UTC (SQLite hands stored moments back without their zone: UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _fixed_stop(visit: Visit, account: Account, day: date, zone: ZoneInfo) -> RouteStop:
    assert visit.planned_start_at is not None  # booked() returns appointments
    assert account.latitude is not None
    assert account.longitude is not None
    return RouteStop(
        id=f"appointment-{visit.id}",
        point=Point(account.latitude, account.longitude),
        service_s=float((visit.duration_minutes or account.service_minutes) * 60),
        at_s=seconds_into(day, visit.planned_start_at, zone),
    )


def _windows(account: Account, day: date) -> tuple[TimeWindow, ...]:
    if account.opening_hours is None:
        return ()
    return tuple(TimeWindow(a, b) for a, b in intervals_s(account.opening_hours, day.weekday()))


def _accounts(session: Session, ids: set[int]) -> dict[int, Account]:
    if not ids:
        return {}
    query = select(Account).where(Account.id.in_(sorted(ids)))
    return {account.id: account for account in session.scalars(query).unique()}
