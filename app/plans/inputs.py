"""From the database to the planner's plain inputs: a rep's workdays, candidate accounts and
appointments on the rep's own clock (`routing.days.planner`).

Everything here reads; nothing writes. The result (`PlanJob`) is plain, picklable data, so a
batch can solve many reps' jobs in other processes (`app.plans.solve`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS, intervals_s
from app.core.config import Settings
from app.core.errors import InvalidRequest
from app.models import Account, Rep, Territory, Visit
from app.models.accounts import HYBRID, REMOTE
from app.plans.pins import day_rules
from app.plans.solve import PlanJob
from app.plans.week import allowed_days, latest_stops
from app.reps.clock import local_moment, rep_zone, seconds_into, seconds_of
from app.reps.home import required_home
from app.roads.service import travel
from app.visits.service import service_minutes_estimates
from routing import (
    Break,
    Costs,
    Point,
    ProblemError,
    TimeWindow,
    ValueWeights,
    days_since,
    effective_last_visit,
    visit_prize,
)
from routing.days.planner import Appointment, Candidate, Workday


def workday(
    rep: Rep, day: date, start: Point | None = None, from_s: float | None = None
) -> Workday:
    """`day` of `rep`: from home (or `start`) back home, their shift (from `from_s` on, for a
    re-plan) and lunch break (kept while it still fits)."""
    home = required_home(rep)
    shift_start, shift_end = seconds_of(rep.shift_start), seconds_of(rep.shift_end)
    begin = shift_start if from_s is None else max(shift_start, from_s)
    if begin >= shift_end:
        raise InvalidRequest(
            f"the shift of {rep.name} on {day} ends at {rep.shift_end:%H:%M}: nothing is left "
            "to plan",
            field="at",
        )
    lunch: Break | None = None
    if rep.lunch_start is not None and rep.lunch_end is not None and rep.lunch_minutes > 0:
        window_start = max(seconds_of(rep.lunch_start), begin)
        window_end = seconds_of(rep.lunch_end)
        if window_end - window_start >= rep.lunch_minutes * 60:
            lunch = Break(TimeWindow(window_start, window_end), rep.lunch_minutes * 60)
    return Workday(
        day=day,
        start=start or home,
        end=home,
        shift=TimeWindow(begin, shift_end),
        lunch=lunch,
        max_stops=rep.max_visits_per_day,
    )


def working_days(rep: Rep, first: date, count: int) -> list[date]:
    """The rep's working days among the `count` days from `first` on."""
    days = [first + timedelta(days=i) for i in range(count)]
    return [day for day in days if DAYS[day.weekday()] in rep.working_days]


def territory_accounts(session: Session, rep_id: int) -> list[Account]:
    """The active accounts of the territories `rep_id` covers."""
    own = select(Territory.id).where(Territory.rep_id == rep_id).scalar_subquery()
    query = (
        select(Account)
        .where(Account.territory_id.in_(own), Account.active.is_(True))
        .order_by(Account.id)
    )
    return list(session.scalars(query).unique())


def booked(session: Session, rep_id: int, days: Collection[date]) -> list[Visit]:
    """The rep's appointments (booked, not cancelled) on `days`."""
    if not days:
        return []
    query = (
        select(Visit)
        .where(Visit.rep_id == rep_id, Visit.status == "booked", Visit.visit_date.in_(days))
        .order_by(Visit.planned_start_at)
    )
    return list(session.scalars(query))


ALL_DAY = (TimeWindow(0, 24 * 3600),)


def candidate(
    account: Account,
    days: Sequence[date],
    service_minutes: int,
    only_on: Collection[date] | None = None,
    *,
    weights: ValueWeights,
) -> Candidate:
    """`account` as the planner's candidate over `days`; `only_on`: the days it may be planned
    (the week rule, `app.plans.week`), closed on the others. Its last visit is the one remote
    touches moved (`routing.effective_last_visit`)."""
    assert account.latitude is not None
    assert account.longitude is not None
    hours = None
    if account.opening_hours is not None or only_on is not None:
        hours = {
            day: (
                ()
                if only_on is not None and day not in only_on
                else ALL_DAY
                if account.opening_hours is None
                else tuple(
                    TimeWindow(a, b) for a, b in intervals_s(account.opening_hours, day.weekday())
                )
            )
            for day in days
        }
    return Candidate(
        id=str(account.id),
        point=Point(account.latitude, account.longitude),
        service_s=service_minutes * 60,
        annual_value=account.value,
        cadence_days=visit_cadence(account, weights),
        last_visit=last_visit(account, weights),
        hours=hours,
    )


def appointment(visit: Visit, account: Account, zone: ZoneInfo) -> Appointment:
    where = f"appointment {visit.id} at {account.name!r}"
    if account.latitude is None or account.longitude is None:
        raise InvalidRequest(
            f"{where} cannot be routed: the account is not on the map; place it first",
            field="appointments",
        )
    if visit.planned_start_at is None:
        raise InvalidRequest(f"{where} has no booked time", field="appointments")
    return Appointment(
        id=f"appointment-{visit.id}",
        account=str(account.id),
        point=Point(account.latitude, account.longitude),
        day=visit.visit_date,
        start_s=seconds_into(visit.visit_date, visit.planned_start_at, zone),
        duration_s=(visit.duration_minutes or account.service_minutes) * 60,
    )


def build_job(
    session: Session,
    rep: Rep,
    workdays: list[Workday],
    *,
    kind: str,
    settings: Settings,
    time_limit_s: float,
    exclude: Collection[int] = (),
    elsewhere: Mapping[int, Collection[date]] | None = None,
    appointments_from_s: float | None = None,
) -> tuple[PlanJob, dict[int, Account]]:
    """The planning problem of `rep` over `workdays`, and the accounts it names by id.

    `exclude`: accounts not to plan (visited or planned already). `elsewhere`: the days of
    these weeks each account is visited or planned outside this job; it is planned only on
    the days the week rule allows (`app.plans.week`), and not at all when none is left.
    `appointments_from_s`: on a re-plan, appointments that began before this time of the
    first day are left out.
    """
    zone = rep_zone(rep, settings)
    days = [w.day for w in workdays]
    weights = settings.value_weights
    seen = elsewhere or {}
    # The rep's own decisions (pinned, added, moved) hold through every plan of these days, and
    # win over the week rule: a stop the rep put on a day stays there.
    rules = day_rules(session, rep.id, days)
    # Accounts covered remotely are the queue's (`app.queue`), never drive candidates, unless
    # the rep put one on a day; an appointment booked at one still is a stop (added below).
    territory = [
        a
        for a in territory_accounts(session, rep.id)
        if a.coverage != REMOTE or a.id in rules.required
    ]
    only_on = {
        a.id: allowed_days(a.cadence_days, days, seen[a.id])
        for a in territory
        if a.id in seen and a.id not in rules.required
    }
    accounts = {a.id: a for a in territory if a.id not in exclude and only_on.get(a.id, days)}
    appointment_visits = booked(session, rep.id, days)
    by_id = dict(accounts)
    for visit in appointment_visits:
        if visit.account_id not in by_id:
            found = session.get(Account, visit.account_id)
            if found is not None:
                by_id[found.id] = found
    estimates = service_minutes_estimates(session, list(accounts))
    candidates: list[Candidate] = []
    unplaced: dict[int, float] = {}
    for account in accounts.values():
        if account.latitude is None or account.longitude is None:
            prize = _prize(account, days[0], weights)
            if prize > 0:
                unplaced[account.id] = prize
            continue
        allowed = only_on.get(account.id)
        planned = candidate(
            account,
            days,
            estimates.get(account.id, account.service_minutes),
            None if allowed is None or len(allowed) == len(days) else allowed,
            weights=weights,
        )
        candidates.append(rules.apply(planned))
    appointments = []
    appointment_names = {}
    for visit in appointment_visits:
        booked_for = by_id.get(visit.account_id)
        if booked_for is None:
            continue
        booked_at = appointment(visit, booked_for, zone)
        if (
            appointments_from_s is not None
            and booked_at.day == days[0]
            and booked_at.start_s < appointments_from_s
        ):
            continue
        appointments.append(booked_at)
        at = local_moment(booked_at.day, booked_at.start_s, zone)
        appointment_names[booked_at.id] = (
            f"the {at:%H:%M} appointment at {booked_for.name} on {at:%a %d %b}"
        )
    job = PlanJob(
        rep_id=rep.id,
        time_zone=zone.key,
        kind=kind,
        workdays=workdays,
        candidates=candidates,
        appointments=appointments,
        costs=rep_costs(rep),
        weights=weights,
        time_limit_s=time_limit_s,
        unplaced=unplaced,
        travel=travel(settings),
        names={str(c.id): by_id[int(c.id)].name for c in candidates if c.required_day},
        appointment_names=appointment_names,
        previous={
            day: [str(stop["account_id"]) for stop in stops]
            for day, stops in latest_stops(session, rep.id, days[0], days[-1]).items()
            if day in days
        },
    )
    return job, by_id


def rep_costs(rep: Rep) -> Costs:
    """What the rep's driving and working time cost (README, "What a day costs").

    Without a `cost_per_working_hour` of their own, the rep's `cost_per_hour` is what an hour
    of their working day costs, waiting and lunch included: driving costs what it always did,
    and waiting for an opening now costs the same.
    """
    if rep.cost_per_working_hour is None:
        return Costs(per_km=rep.cost_per_km, per_working_hour=rep.cost_per_hour)
    return Costs(
        per_hour=rep.cost_per_hour,
        per_km=rep.cost_per_km,
        per_working_hour=rep.cost_per_working_hour,
    )


def visit_cadence(account: Account, weights: ValueWeights) -> int | None:
    """The days between visits in person the planner prices: a hybrid account alternates
    visits and remote touches (README, "Coverage: field, hybrid or remote"), so it is due for
    a visit every other cadence: twice its cadence (or the default's)."""
    if account.coverage != HYBRID:
        return account.cadence_days
    return 2 * (account.cadence_days or weights.default_cadence_days)


def last_visit(account: Account, weights: ValueWeights) -> date | None:
    """The account's last visit as its cadence sees it: moved forward by its last touch."""
    return effective_last_visit(
        account.last_visit_date, account.last_touch_date, account.cadence_days, weights
    )


def _prize(account: Account, day: date, weights: ValueWeights) -> float:
    since = days_since(last_visit(account, weights), day)
    try:
        return visit_prize(account.value, visit_cadence(account, weights), since, weights)
    except (ValueError, ProblemError):
        return 0.0
