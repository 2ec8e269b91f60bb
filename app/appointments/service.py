"""Appointment slots, the hand-off (issue 16): when can a field rep see an account or a new
prospect. Who is searched: `app.appointments.eligible`; each rep's days: `app.appointments.days`
(today's slots start `NOTICE` from now at the earliest); the search itself is
`routing.days.slots`, run in the solver pool. Booking a slot: `app.appointments.booking`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.accounts.service import get_account
from app.appointments.days import appointments_by_day, day_stops, latest_plans, meeting_hours
from app.appointments.eligible import Subject, eligible, known_prospect, placed_prospect
from app.appointments.schemas import (
    DEFAULT_RANGE_DAYS,
    MAX_RANGE_DAYS,
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
from app.auth.principal import Principal
from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Settings
from app.core.errors import AppError, InvalidRequest
from app.core.time_text import short_date, time_of_day
from app.models import Rep
from app.plans.inputs import rep_costs, working_days
from app.plans.inputs import workday as rep_workday
from app.plans.pins import day_rules
from app.reps.clock import local_moment, rep_today, rep_zone, seconds_into
from app.roads.service import travel
from routing.days.slots import (
    Meeting,
    SlotDay,
    SlotJob,
    SlotSearch,
    search_jobs,
)
from routing.days.slots import Slot as FoundSlot

NOTICE = timedelta(minutes=60)
"""Today's slots start at least this long from now: time to call the customer back and drive."""
PER_DAY = 3
"""Slots kept per rep and day, at distinct starts."""
MEETING_ID = "meeting"


@dataclass(slots=True)
class _RepDays:
    """One rep's part of the search: the days sent, and what the answer needs to word it."""

    rep: Rep
    zone: ZoneInfo
    job: SlotJob
    notes: dict[date, str]
    names: dict[str, str] = field(default_factory=dict)
    rep_note: str | None = None


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
    reps, rep_notes = eligible(session, principal, subject, reasons)
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
) -> Subject:
    if body.prospect is not None:
        placed = placed_prospect(session, settings, body.prospect)
        # Already an account (booked before): its slots, booked on it, not a second account.
        known = known_prospect(session, principal, body.prospect, placed)
        if known is not None and known.latitude is not None and known.longitude is not None:
            return Subject(known)
        return Subject(placed, body.prospect)
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
    return Subject(account)


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


def _rep_days(
    session: Session,
    settings: Settings,
    rep: Rep,
    subject: Subject,
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
    plans_by_day = latest_plans(session, rep.id, days)
    appointments = appointments_by_day(session, rep.id, days)
    required = day_rules(session, rep.id, days).required
    names: dict[str, str] = {}
    notes: dict[date, str] = {}
    slot_days = []
    for spec in workdays:
        day = spec.day
        stops, note = day_stops(
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
        hours=meeting_hours(account, days),
    )
    job = SlotJob(
        days=tuple(slot_days),
        meeting=meeting,
        costs=rep_costs(rep),
        travel=travel(settings),
        per_day=PER_DAY,
    )
    return _RepDays(rep=rep, zone=zone, job=job, notes=notes, names=names)


def _slot_out(part: _RepDays, subject: Subject, body: SlotRequest, found: FoundSlot) -> SlotOut:
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
    if found.appointments_only:
        notes.append(
            "the day's plan no longer fits as it stands: the time is fitted among its "
            "appointments, and its visits will be planned again around it"
        )
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


def _booked_prospect(subject: Subject) -> ProspectIn | None:
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
