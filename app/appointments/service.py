"""Appointment slots, the hand-off (issue 16): when can a field rep see an account or a new
prospect, and booking the time chosen.

Who is searched (the eligible field reps), among the active field reps the caller may book
for (an inside rep: those they support; a field rep: themselves; a manager: their teams'):
- an account: the rep whose territory holds it (an account in no territory: no one, and the
  answer says so);
- a prospect (not stored until booked): the reps whose territory it falls in, taken as being
  within `PROSPECT_REACH_KM` of one of the territory's placed accounts (a territory is a set of
  accounts, not a drawn area); when it falls in none, the `NEAREST_HOMES` reps whose homes are
  nearest, within `HOME_REACH_KM`, each slot saying so; beyond that, no one, and the answer
  says why.

Each rep's days are the working days of the range from their today on: the latest stored plan
of the day as it stands (its visits in route order, its appointments at their times, the stops
the rep required there never displaced), or, on a day without one (or whose plan no longer
holds every appointment booked), its appointments alone, and the slot says so. Today's slots
start `NOTICE` from now at the earliest. The search itself is `routing.days.slots`, run in the
solver pool.

Booking a slot books the appointment (`visits.service.book_appointment`, whose rules hold: the
rep's territory, no overlap) and plans the rep's day again with it (today: the rest of it).
A prospect is stored first, as an account of that rep's territory.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.near import _km
from app.accounts.opening_hours import intervals_s
from app.accounts.service import get_account
from app.appointments.schemas import (
    DEFAULT_RANGE_DAYS,
    MAX_RANGE_DAYS,
    BookedSlot,
    DisplacedVisit,
    ProspectIn,
    SlotAnswer,
    SlotBooking,
    SlotReason,
    SlotRep,
    SlotRequest,
    SlotSubject,
)
from app.appointments.schemas import Slot as SlotOut
from app.auth.access import rep_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Role, Settings
from app.core.errors import AppError, InvalidRequest, NotFound
from app.core.time_text import short_date, time_of_day
from app.models import Account, Rep, RoutePlan, Territory, Visit
from app.models.people import FIELD
from app.placement.service import place_accounts
from app.plans import service as plans
from app.plans.inputs import booked, rep_costs, working_days
from app.plans.inputs import workday as rep_workday
from app.plans.pins import day_rules
from app.plans.schemas import PlanRead, PlanRequest, ReplanRequest
from app.reps.clock import local_moment, rep_today, rep_zone, seconds_into
from app.roads.service import travel
from app.visits import service as visits
from app.visits.schemas import AppointmentCreate
from routing import Point, TimeWindow
from routing.days.slots import (
    Meeting,
    RouteStop,
    SlotDay,
    SlotJob,
    SlotSearch,
    search_jobs,
)
from routing.days.slots import Slot as FoundSlot

NOTICE = timedelta(minutes=60)
"""Today's slots start at least this long from now: time to call the customer back and drive."""
PROSPECT_REACH_KM = 10.0
"""A prospect falls in a territory when one of its placed accounts is this close (straight line)."""
NEAREST_HOMES = 3
HOME_REACH_KM = 150.0
"""A prospect in no territory goes to the reps with the nearest homes, within this distance."""
PER_DAY = 3
"""Slots kept per rep and day, at distinct starts."""
MEETING_ID = "meeting"
PROSPECT_NOTE = "a prospect, booked by {who}"


@dataclass(slots=True)
class _Subject:
    """Who the meeting is with: a stored account, or a prospect placed but not stored."""

    account: Account
    prospect: ProspectIn | None = None

    @property
    def point(self) -> Point:
        assert self.account.latitude is not None
        assert self.account.longitude is not None
        return Point(self.account.latitude, self.account.longitude)


@dataclass(slots=True)
class _RepDays:
    """One rep's part of the search: the days sent, and what the answer needs to word it."""

    rep: Rep
    zone: ZoneInfo
    job: SlotJob
    notes: dict[date, str]
    names: dict[str, str] = field(default_factory=dict)
    rep_note: str | None = None


# --- searching -----------------------------------------------------------------------------


def search(
    session: Session,
    settings: Settings,
    principal: Principal,
    body: SlotRequest,
    *,
    run: Runner = run_here,
) -> SlotAnswer:
    """The best slots for the meeting across the eligible field reps, and why there are none
    where there are none; the search goes through `run` (the web passes its solver pool)."""
    started = time.monotonic()
    subject = _subject(session, settings, principal, body)
    first, last = _range(settings, body)
    reasons: list[SlotReason] = []
    reps, rep_notes = _eligible(session, principal, subject, reasons)
    parts: list[_RepDays] = []
    for rep in reps:
        part = _rep_days(session, settings, rep, subject, body, first, last, reasons)
        if part is not None:
            part.rep_note = rep_notes.get(rep.id)
            parts.append(part)
    results = run(search_jobs, [part.job for part in parts]) if parts else []
    slots: list[tuple[float, SlotOut]] = []
    for part, found in zip(parts, results, strict=True):
        slots += [(s.score, _slot_out(part, subject, body, s)) for s in found.slots]
        reasons += _verdicts(part, found)
    slots.sort(key=lambda pair: (pair[0], pair[1].start, pair[1].rep_id))
    return SlotAnswer(
        subject=SlotSubject(
            account_id=None if subject.prospect else subject.account.id,
            name=subject.account.name,
            latitude=subject.point.lat,
            longitude=subject.point.lon,
            prospect=subject.prospect is not None,
        ),
        duration_minutes=body.duration_minutes,
        date_from=first,
        date_to=last,
        reps=[SlotRep(id=rep.id, name=rep.name) for rep in reps],
        slots=[slot for _, slot in slots[: body.limit]],
        reasons=reasons,
        search_time_s=round(time.monotonic() - started, 3),
    )


def _subject(
    session: Session, settings: Settings, principal: Principal, body: SlotRequest
) -> _Subject:
    if body.prospect is not None:
        return _Subject(_placed_prospect(session, settings, body.prospect), body.prospect)
    assert body.account_id is not None
    account = get_account(session, principal, body.account_id)
    if not account.active:
        raise InvalidRequest(
            f"account_id: {account.name} is inactive; make it active to book a visit",
            field="account_id",
        )
    if account.latitude is None or account.longitude is None:
        raise InvalidRequest(
            f"account_id: {account.name} has no location (its address could not be placed): "
            "no route can reach it; fix its address or move its pin first",
            field="account_id",
        )
    return _Subject(account)


def _placed_prospect(session: Session, settings: Settings, prospect: ProspectIn) -> Account:
    """The prospect as an account not stored, on the map: its point, or its address placed."""
    account = Account(
        name=prospect.name,
        street=prospect.street,
        city=prospect.city,
        postcode=prospect.postcode,
        region=prospect.region,
        country=prospect.country,
        phone=prospect.phone,
        active=True,
        value=0.0,
        service_minutes=30,
    )
    if prospect.latitude is not None and prospect.longitude is not None:
        account.latitude, account.longitude = prospect.latitude, prospect.longitude
        account.geocode_precision, account.geocode_source = "manual", "prospect"
        return account
    place_accounts(session, settings, [account])
    if account.latitude is None:
        raise InvalidRequest(
            "prospect: its address could not be placed on the map "
            f"({account.geocode_note}); check it or give latitude and longitude",
            field="prospect",
        )
    return account


def _range(settings: Settings, body: SlotRequest) -> tuple[date, date]:
    today = clock.today(settings.company_zone)
    first = body.date_from or today
    last = body.date_to or first + timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if last < first:
        raise InvalidRequest(f"date_to: {last} is before date_from {first}", field="date_to")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidRequest(
            f"date_to: a search covers at most {MAX_RANGE_DAYS} days "
            f"({first} to {last} is {(last - first).days + 1})",
            field="date_to",
        )
    # A day or so either side of the company's today: reps' zones differ.
    if last < today - timedelta(days=1):
        raise InvalidRequest(
            f"date_to: {last} is over (today is {today}); search from today on", field="date_to"
        )
    return first, last


def bookable_reps(session: Session, principal: Principal) -> list[Rep]:
    """The active field reps the caller may book appointments for."""
    query = (
        select(Rep)
        .where(rep_scope(principal), Rep.kind == FIELD, Rep.active.is_(True))
        .order_by(Rep.name, Rep.id)
    )
    return list(session.scalars(query).unique())


def _eligible(
    session: Session, principal: Principal, subject: _Subject, reasons: list[SlotReason]
) -> tuple[list[Rep], dict[int, str]]:
    """The reps to search, a note per rep where they were chosen by a rule worth telling, and
    the reason (added to `reasons`) where there is no one."""
    reps = bookable_reps(session, principal)
    name = subject.account.name
    if subject.prospect is None:
        territory_rep = session.scalar(
            select(Territory.rep_id).where(Territory.id == subject.account.territory_id)
        )
        if territory_rep is None:
            reasons.append(
                SlotReason(
                    reason="no_territory",
                    detail=f"{name} is in no territory: no field rep covers it; "
                    "assign it to a territory first",
                )
            )
            return [], {}
        own = [rep for rep in reps if rep.id == territory_rep]
        if not own:
            reasons.append(
                SlotReason(
                    reason="no_reps",
                    detail=f"the rep of {name}'s territory is inactive or not a field rep "
                    "you can book for",
                )
            )
        return own, {}
    if not reps:
        reasons.append(
            SlotReason(reason="no_reps", detail="there is no active field rep you can book for")
        )
        return [], {}
    point = subject.point
    nearest = _nearest_account_km(session, [rep.id for rep in reps], point)
    inside = [rep for rep in reps if nearest.get(rep.id, float("inf")) <= PROSPECT_REACH_KM]
    if inside:
        return inside, {}
    homes = sorted(
        (_km(point.lat, point.lon, rep.home_latitude, rep.home_longitude), rep)
        for rep in reps
        if rep.home_latitude is not None and rep.home_longitude is not None
    )
    close = [(km, rep) for km, rep in homes[:NEAREST_HOMES] if km <= HOME_REACH_KM]
    if not close:
        reasons.append(
            SlotReason(
                reason="outside_territories",
                detail=f"{name} is more than {PROSPECT_REACH_KM:g} km from every territory's "
                f"accounts and more than {HOME_REACH_KM:g} km from every rep's home",
            )
        )
        return [], {}
    notes = {
        rep.id: f"outside every territory: {rep.name}'s home is among the nearest ({km:.0f} km)"
        for km, rep in close
    }
    return [rep for _, rep in close], notes


def _nearest_account_km(session: Session, rep_ids: list[int], point: Point) -> dict[int, float]:
    """Per rep, the straight-line km from `point` to the nearest placed active account of their
    territories."""
    query = (
        select(Territory.rep_id, Account.latitude, Account.longitude)
        .join(Territory, Territory.id == Account.territory_id)
        .where(
            Territory.rep_id.in_(rep_ids),
            Account.active.is_(True),
            Account.latitude.is_not(None),
            Account.longitude.is_not(None),
        )
    )
    nearest: dict[int, float] = {}
    for rep_id, lat, lon in session.execute(query):
        if rep_id is None or lat is None or lon is None:
            continue  # the query's conditions rule these out; the columns are nullable
        km = _km(point.lat, point.lon, lat, lon)
        if km < nearest.get(rep_id, float("inf")):
            nearest[rep_id] = km
    return nearest


def _rep_days(
    session: Session,
    settings: Settings,
    rep: Rep,
    subject: _Subject,
    body: SlotRequest,
    first: date,
    last: date,
    reasons: list[SlotReason],
) -> _RepDays | None:
    """The rep's days of the range as the slot search takes them, or None (with a reason)."""
    zone = rep_zone(rep, settings)
    now = clock.now()
    today = rep_today(rep, settings, now)
    start = max(first, today)
    days = working_days(rep, start, (last - start).days + 1) if start <= last else []
    if not days:
        reasons.append(
            SlotReason(
                reason="not_working",
                detail=f"{rep.name} works on none of the days from {short_date(start)} to "
                f"{short_date(last)}",
                rep_id=rep.id,
                rep_name=rep.name,
            )
        )
        return None
    try:
        workdays = [rep_workday(rep, day) for day in days]
    except AppError as exc:
        reasons.append(
            SlotReason(reason="no_home", detail=exc.detail, rep_id=rep.id, rep_name=rep.name)
        )
        return None
    account = subject.account
    plans_by_day = _latest_plans(session, rep.id, days)
    appointments = _appointments(session, rep.id, days)
    required = day_rules(session, rep.id, days).required
    names: dict[str, str] = {}
    notes: dict[date, str] = {}
    slot_days = []
    for spec in workdays:
        day = spec.day
        stops, note = _day_stops(
            session, plans_by_day.get(day), appointments.get(day, []), required, day, zone, names
        )
        if note:
            notes[day] = note
        earliest = None
        if day == today:
            earliest = seconds_into(day, now + NOTICE, zone)
        slot_days.append(SlotDay(spec, tuple(stops), earliest))
    meeting = Meeting(
        id=MEETING_ID if account.id is None else str(account.id),
        point=subject.point,
        duration_s=body.duration_minutes * 60,
        hours=_hours(account, days),
    )
    job = SlotJob(
        days=tuple(slot_days),
        meeting=meeting,
        costs=rep_costs(rep),
        travel=travel(settings),
        per_day=PER_DAY,
    )
    return _RepDays(rep=rep, zone=zone, job=job, notes=notes, names=names)


def _hours(account: Account, days: Sequence[date]) -> dict[date, tuple[TimeWindow, ...]] | None:
    if account.opening_hours is None:
        return None
    return {
        day: tuple(TimeWindow(a, b) for a, b in intervals_s(account.opening_hours, day.weekday()))
        for day in days
    }


def _latest_plans(session: Session, rep_id: int, days: Sequence[date]) -> dict[date, RoutePlan]:
    query = (
        select(RoutePlan)
        .where(RoutePlan.rep_id == rep_id, RoutePlan.plan_date.in_(list(days)))
        .order_by(RoutePlan.plan_date, RoutePlan.version)
    )
    return {row.plan_date: row for row in session.scalars(query)}


def _appointments(session: Session, rep_id: int, days: Sequence[date]) -> dict[date, list[Visit]]:
    by_day: dict[date, list[Visit]] = {}
    for visit in booked(session, rep_id, days):
        by_day.setdefault(visit.visit_date, []).append(visit)
    return by_day


def _day_stops(
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


def _slot_out(part: _RepDays, subject: _Subject, body: SlotRequest, found: FoundSlot) -> SlotOut:
    rep, zone = part.rep, part.zone
    start = local_moment(found.day, found.start_s, zone)
    end = start + timedelta(minutes=body.duration_minutes)
    displaced = [
        DisplacedVisit(
            account_id=int(k),
            name=part.names.get(k, f"account {k}"),
            value=_prize_of(part, found.day, k),
        )
        for k in found.displaced
    ]
    notes = [text for text in (part.rep_note, part.notes.get(found.day)) if text]
    if found.replaces:
        notes.append("replaces the visit planned that day")
    if displaced:
        names = ", ".join(d.name for d in displaced)
        notes.append(f"the day is full: {names} would move out of it")
    book = SlotBooking(
        rep_id=rep.id,
        account_id=None if subject.prospect else subject.account.id,
        prospect=_booked_prospect(subject),
        starts_at=start,
        duration_minutes=body.duration_minutes,
    )
    return SlotOut(
        rep_id=rep.id,
        rep_name=rep.name,
        date=found.day,
        start=start,
        end=end,
        time_zone=zone.key,
        start_text=f"{short_date(found.day)} {time_of_day(int(found.start_s))} ({zone.key})",
        added_drive_minutes=round(found.added_travel_s / 60, 1),
        added_km=round(found.added_distance_m / 1000, 1),
        added_cost=found.added_cost,
        displaced=displaced,
        displaced_value=found.displaced_value,
        score=round(found.score, 2),
        note="; ".join(notes) or "fits the day as planned",
        book=book,
    )


def _prize_of(part: _RepDays, day: date, stop_id: str) -> float:
    for slot_day in part.job.days:
        if slot_day.day == day:
            for stop in slot_day.stops:
                if stop.id == stop_id:
                    return stop.prize
    return 0.0


def _booked_prospect(subject: _Subject) -> ProspectIn | None:
    """The prospect as the booking takes it: with the point the search placed it at, so the
    booking does not geocode again (and lands where the slot was computed)."""
    if subject.prospect is None:
        return None
    return subject.prospect.model_copy(
        update={"latitude": subject.point.lat, "longitude": subject.point.lon}
    )


def _verdicts(part: _RepDays, found: SlotSearch) -> list[SlotReason]:
    return [
        SlotReason(
            reason=verdict.reason,  # type: ignore[arg-type]
            detail=verdict.detail,
            rep_id=part.rep.id,
            rep_name=part.rep.name,
            date=verdict.day,
        )
        for verdict in found.verdicts
    ]


# --- booking -------------------------------------------------------------------------------


def book(
    session: Session,
    settings: Settings,
    principal: Principal,
    body: SlotBooking,
    *,
    run: Runner = run_here,
) -> BookedSlot:
    """Book the slot (a prospect is stored first, in the rep's territory) and plan the rep's
    day again with it; refused, with nothing stored, when the day cannot keep it."""
    rep = _bookable_rep(session, principal, body.rep_id)
    created = body.prospect is not None
    account_id = (
        _store_prospect(session, settings, principal, rep, body.prospect)
        if body.prospect is not None
        else body.account_id
    )
    assert account_id is not None
    appointment = visits.book_appointment(
        session,
        settings,
        principal,
        AppointmentCreate(
            account_id=account_id,
            starts_at=body.starts_at,
            duration_minutes=body.duration_minutes,
            notes=body.notes,
            rep_id=rep.id,
        ),
    )
    plan = _plan_again(session, settings, principal, rep, appointment.visit_date, run)
    return BookedSlot(appointment=appointment, account_created=created, plan=plan)


def _bookable_rep(session: Session, principal: Principal, rep_id: int) -> Rep:
    for rep in bookable_reps(session, principal):
        if rep.id == rep_id:
            return rep
    raise NotFound(f"no active field rep {rep_id} you can book for")


def _store_prospect(
    session: Session, settings: Settings, principal: Principal, rep: Rep, prospect: ProspectIn
) -> int:
    """The prospect as a new account of the rep's first territory (422 when they have none)."""
    territory = session.scalars(
        select(Territory).where(Territory.rep_id == rep.id).order_by(Territory.id).limit(1)
    ).first()
    if territory is None:
        raise InvalidRequest(
            f"rep_id: {rep.name} has no territory to hold a new prospect", field="rep_id"
        )
    account = _placed_prospect(session, settings, prospect)
    account.team_id = territory.team_id
    account.territory_id = territory.id
    account.notes = PROSPECT_NOTE.format(who=principal.name)
    if prospect.latitude is not None and prospect.longitude is not None:
        account.pin_manual = True
        account.geocoded_at = clock.now()
    session.add(account)
    session.flush()
    return account.id


def _plan_again(
    session: Session,
    settings: Settings,
    principal: Principal,
    rep: Rep,
    day: date,
    run: Runner,
) -> PlanRead:
    """The rep's day planned again with the new appointment (today, once started: the rest of
    it). An inside rep may book but plans no routes: the day is planned as the rep's manager
    would, the booking's scope having been checked. A day that cannot be planned with the
    appointment refuses the booking (422, nothing stored)."""
    planner = principal
    if principal.role not in (Role.ADMIN, Role.MANAGER):
        planner = replace(principal, role=Role.MANAGER, team_ids=frozenset({rep.team_id or 0}))
    try:
        if day == rep_today(rep, settings) and plans.started_today(session, rep, settings):
            return plans.replan(session, planner, rep.id, day, ReplanRequest(), settings, run=run)
        made = plans.plan_rep(
            session, planner, rep.id, PlanRequest(date=day, days=1), settings, run=run
        )
    except AppError as exc:
        raise InvalidRequest(
            f"starts_at: {rep.name}'s day cannot be planned with this appointment: {exc.detail}",
            field="starts_at",
        ) from exc
    return made.plans[0]
