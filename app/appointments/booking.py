"""Booking a slot: the appointment (`visits.service.book_appointment`, whose rules hold: the
rep's territory, no overlap) and the rep's day planned again with it (today, once started: the
rest of it). A prospect is stored first, as an account of that rep's territory, unless it is an
account the caller can see already (409, naming it). A day that cannot be planned with the
appointment refuses the booking (422), nothing stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.appointments.eligible import bookable_reps, known_prospect, placed_prospect
from app.appointments.schemas import (
    BookedSlot,
    ProspectIn,
    SlotBooking,
)
from app.auth.principal import Principal
from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Role, Settings
from app.core.db import hold_for_transaction
from app.core.errors import AppError, Conflict, InvalidRequest, NotFound
from app.models import Rep, Territory
from app.models.accounts import name_key
from app.plans import service as plans
from app.plans.schemas import PlanRead, PlanRequest, ReplanRequest
from app.reps.clock import rep_today
from app.visits import service as visits
from app.visits.schemas import AppointmentCreate

PROSPECT_NOTE = "a prospect, booked by {who}"
SAME_PROSPECT_LOCK_CLASS = 1601
"""The first key of the advisory lock a prospect's booking takes on its name (PostgreSQL)."""


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
    account = placed_prospect(session, settings, prospect)
    _hold_prospect_name(session, prospect.name)
    known = known_prospect(session, principal, prospect, account)
    if known is not None:
        where = ", ".join(p for p in (known.street, known.postcode, known.city) if p)
        raise Conflict(
            f"prospect: {known.name} is already account {known.id}"
            f"{f' ({where})' if where else ''}: find a time for it by its name instead",
            field="prospect",
        )
    account.team_id = territory.team_id
    account.territory_id = territory.id
    account.notes = PROSPECT_NOTE.format(who=principal.name)
    if prospect.latitude is not None and prospect.longitude is not None:
        account.pin_manual = True
        account.geocoded_at = clock.now()
    session.add(account)
    session.flush()
    return account.id


def _hold_prospect_name(session: Session, name: str) -> None:
    """Until this transaction ends, no other booking of a prospect of this name gets past this
    point (on SQLite no other write at all): of two sent at once, the later one finds the
    account the first stored and is refused, rather than both finding none and storing it
    twice."""
    digest = hashlib.blake2b(name_key(name).encode(), digest_size=4).digest()
    hold_for_transaction(
        session, SAME_PROSPECT_LOCK_CLASS, int.from_bytes(digest, signed=True), looks_first=True
    )


def _plan_again(
    session: Session,
    settings: Settings,
    principal: Principal,
    rep: Rep,
    day: date,
    run: Runner,
) -> PlanRead:
    """The rep's day planned again with the new appointment (today, once started: the rest of
    it). An inside rep may book but plans no routes: the day is planned for them, the booking's
    scope having been checked. A day that cannot be planned with the
    appointment refuses the booking (422, nothing stored)."""
    planner = principal
    if principal.role is not Role.ADMIN and principal.role is not Role.MANAGER:
        # The plan's author stays the caller (`created_by`); the role only opens the planner's
        # door, for the one rep `_bookable_rep` found theirs.
        planner = replace(principal, role=Role.ADMIN, team_ids=frozenset())
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
