"""The week rule of planning: an account is visited at most once a week unless its cadence asks
for more.

Weeks run Monday to Sunday. An account visited (done) on one day of a week, or on the stored
plan of another day of that week that is not over, is not planned again on a day of the same
week closer than its `cadence_days` to that day: an account seen every 2 days may come back
on Wednesday after Monday; one seen every 28 days (or with no cadence) comes once a week. The
planner's own week solve visits each account at most once over its days; this rule covers the
days *outside* a solve: done visits, a started today, and days planned on their own.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, RoutePlan, Territory, Visit


def week_of(day: date) -> tuple[date, date]:
    """The Monday and the Sunday of `day`'s week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def same_week(a: date, b: date) -> bool:
    return week_of(a)[0] == week_of(b)[0]


def second_visit_allowed(cadence_days: int | None, first: date, second: date) -> bool:
    """Whether an account with `cadence_days` may be visited on `second` as well as on `first`:
    always across weeks; within a week only when the days are at least a cadence apart."""
    if not same_week(first, second):
        return True
    return cadence_days is not None and abs((second - first).days) >= cadence_days


def allowed_days(
    cadence_days: int | None, days: Iterable[date], elsewhere: Collection[date]
) -> list[date]:
    """The `days` on which an account seen on `elsewhere` may still be planned."""
    return [
        day
        for day in days
        if all(second_visit_allowed(cadence_days, seen, day) for seen in elsewhere)
    ]


def seen_elsewhere(
    session: Session, rep_id: int, days: Collection[date], today: date
) -> dict[int, set[date]]:
    """For the weeks of `days`: the days each of the rep's territory accounts was visited
    (done, by anyone) or is on the rep's latest stored plan of a day that is not over (from
    `today` on), other than the `days` being planned now."""
    if not days:
        return {}
    first = min(week_of(day)[0] for day in days)
    last = max(week_of(day)[1] for day in days)
    seen: dict[int, set[date]] = {}
    own = select(Territory.id).where(Territory.rep_id == rep_id).scalar_subquery()
    territory = select(Account.id).where(Account.territory_id.in_(own)).scalar_subquery()
    done = select(Visit.account_id, Visit.visit_date).where(
        Visit.status == "done",
        Visit.in_person(),
        Visit.visit_date >= first,
        Visit.visit_date <= last,
        Visit.account_id.in_(territory),
    )
    for account_id, day in session.execute(done):
        seen.setdefault(account_id, set()).add(day)
    for day, stops in latest_stops(session, rep_id, max(first, today), last).items():
        if day in days:
            continue
        for stop in stops:
            seen.setdefault(int(str(stop["account_id"])), set()).add(day)
    return seen


def latest_stops(
    session: Session, rep_id: int, first: date, last: date
) -> dict[date, list[Mapping[str, object]]]:
    """The stops of the rep's latest plan of each day from `first` to `last`."""
    if first > last:
        return {}
    query = (
        select(RoutePlan.plan_date, RoutePlan.stops)
        .where(
            RoutePlan.rep_id == rep_id,
            RoutePlan.plan_date >= first,
            RoutePlan.plan_date <= last,
        )
        .order_by(RoutePlan.plan_date, RoutePlan.version)
    )
    return {day: list(stops) for day, stops in session.execute(query)}
