"""The rep's own changes to a day, from the phone: add an account to a day, pin a stop to its
day, move a stop to another working day. Each is stored as a rule (`app.plans.pins`) that every
later plan of the day keeps, and the days it touches are planned again at once, so the rep sees
the route it makes (or a refusal in words, and nothing stored, when it cannot be kept).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.accounts.service import get_account
from app.auth.principal import Principal
from app.core.concurrency import Runner, run_here
from app.core.config import Settings
from app.core.errors import Conflict, InvalidRequest, NotFound
from app.models import Account, Rep, Territory, Visit
from app.plans import service as plans
from app.plans.pins import FORBIDDEN, REQUIRED, drop_rule, set_rule
from app.plans.schemas import (
    PlanRead,
    PlanRequest,
    ReplanRequest,
    StopAdd,
    StopMove,
    StopMoveRun,
    StopPinRead,
)
from app.reps.service import route_rep

LOOK_AHEAD_DAYS = 7
"""How far ahead a stop may be moved or pinned: today and the six days after it."""
FINISHED = ("arrived", "done", "skipped")


def add_stop(
    session: Session,
    principal: Principal,
    rep_id: int,
    day: date,
    body: StopAdd,
    settings: Settings,
    *,
    run: Runner = run_here,
) -> PlanRead:
    """Put an account on the rep's `day` and plan the day around it (today: the rest of it,
    from where the rep is). Refused, with nothing stored, when it cannot be fitted."""
    rep = route_rep(session, principal, rep_id)
    account = rep_account(session, principal, rep, body.account_id)
    today = plans.rep_today(rep, settings)
    check_day(rep, day, today, "date")
    if account.latitude is None or account.longitude is None:
        raise InvalidRequest(
            f"account_id: {account.name} is not on the map (its address could not be placed), "
            "so no route can reach it",
            field="account_id",
        )
    if _recorded(session, rep.id, account.id, day):
        raise Conflict(f"{account.name} is already recorded on {day:%A %d %b}")
    set_rule(
        session,
        rep_id=rep.id,
        account_id=account.id,
        day=day,
        rule=REQUIRED,
        source="add",
        user_id=principal.user_id,
    )
    plan = _plan_day(session, principal, rep, day, today, body, settings, run)
    if not any(stop.account_id == account.id for stop in plan.stops):
        raise InvalidRequest(
            f"account_id: {account.name} could not be put on the route of {day:%A %d %b}",
            field="account_id",
        )
    return plan


def pin_stop(
    session: Session,
    principal: Principal,
    rep_id: int,
    day: date,
    account_id: int,
    settings: Settings,
) -> StopPinRead:
    """Keep a stop of the day's plan on that day through every later plan and re-plan."""
    rep = route_rep(session, principal, rep_id)
    account = rep_account(session, principal, rep, account_id)
    today = plans.rep_today(rep, settings)
    check_day(rep, day, today, "date")
    _open_stop(session, principal, rep, account, day)
    pin = set_rule(
        session,
        rep_id=rep.id,
        account_id=account.id,
        day=day,
        rule=REQUIRED,
        source="pin",
        user_id=principal.user_id,
    )
    return StopPinRead(
        rep_id=rep.id,
        account_id=account.id,
        date=day,
        rule=pin.rule,  # type: ignore[arg-type]
        source=pin.source,  # type: ignore[arg-type]
    )


def unpin_stop(
    session: Session, principal: Principal, rep_id: int, day: date, account_id: int
) -> None:
    """Forget the account's rule on the day (pinned, added or moved there): planning is free
    again to keep it or not."""
    rep = route_rep(session, principal, rep_id)
    account = rep_account(session, principal, rep, account_id)
    if not drop_rule(session, rep.id, account.id, day):
        raise NotFound(f"{account.name} is not pinned on {day}")


def move_stop(
    session: Session,
    principal: Principal,
    rep_id: int,
    day: date,
    account_id: int,
    body: StopMove,
    settings: Settings,
    *,
    run: Runner = run_here,
) -> StopMoveRun:
    """Move a stop from `day` to `body.to_date`: off the one, required on the other; both
    days are planned again (today: the rest of it, from where the rep is)."""
    rep = route_rep(session, principal, rep_id)
    account = rep_account(session, principal, rep, account_id)
    today = plans.rep_today(rep, settings)
    check_day(rep, day, today, "date")
    target = body.to_date
    if target == day:
        raise InvalidRequest(f"to_date: the stop is on {day} already", field="to_date")
    check_day(rep, target, today, "to_date")
    _open_stop(session, principal, rep, account, day)
    for on, rule in ((day, FORBIDDEN), (target, REQUIRED)):
        set_rule(
            session,
            rep_id=rep.id,
            account_id=account.id,
            day=on,
            rule=rule,
            source="move",
            user_id=principal.user_id,
        )
    # The day it joins first: if it cannot be kept there, nothing else is planned (or stored).
    to_plan = _plan_day(session, principal, rep, target, today, body, settings, run)
    from_plan = _plan_day(session, principal, rep, day, today, body, settings, run)
    return StopMoveRun(from_plan=from_plan, to_plan=to_plan)


def rep_account(session: Session, principal: Principal, rep: Rep, account_id: int) -> Account:
    """The account, if the caller may see it and it is in one of the rep's territories (404
    otherwise: a rep never learns of another territory's account)."""
    account = get_account(session, principal, account_id)
    covered = session.scalar(select(Territory.rep_id).where(Territory.id == account.territory_id))
    if covered != rep.id or not account.active:
        raise NotFound(f"no account {account_id} in {rep.name}'s territory")
    return account


def check_day(rep: Rep, day: date, today: date, field: str) -> None:
    """`day` is one of the rep's working days from today to the end of the look-ahead."""
    last = today + timedelta(days=LOOK_AHEAD_DAYS - 1)
    if day < today:
        raise InvalidRequest(f"{field}: {day} is over (today is {today})", field=field)
    if day > last:
        raise InvalidRequest(
            f"{field}: {day} is beyond the look-ahead (today to {last})", field=field
        )
    if DAYS[day.weekday()] not in (rep.working_days or []):
        raise InvalidRequest(
            f"{field}: {day:%A %d %b} is not one of {rep.name}'s working days", field=field
        )


def _open_stop(
    session: Session, principal: Principal, rep: Rep, account: Account, day: date
) -> None:
    """The account is a stop of the day's plan that has not been visited or skipped yet."""
    plan = plans.current_plan(session, principal, rep.id, day)
    stop = next((s for s in plan.stops if s.account_id == account.id), None)
    if stop is None:
        raise InvalidRequest(
            f"account_id: {account.name} is not on the plan of {day:%A %d %b}; add it instead",
            field="account_id",
        )
    if stop.state in FINISHED or _recorded(session, rep.id, account.id, day):
        raise Conflict(f"{account.name} is already recorded on {day:%A %d %b}")


def _recorded(session: Session, rep_id: int, account_id: int, day: date) -> bool:
    query = select(Visit.id).where(
        Visit.rep_id == rep_id,
        Visit.account_id == account_id,
        Visit.visit_date == day,
        Visit.status.in_(FINISHED),
        Visit.in_person(),
    )
    return session.scalars(query.limit(1)).first() is not None


def _plan_day(
    session: Session,
    principal: Principal,
    rep: Rep,
    day: date,
    today: date,
    position: StopAdd | StopMove,
    settings: Settings,
    run: Runner,
) -> PlanRead:
    """Plan `day` again: today's rest from where the rep is, a later day from the start."""
    if day == today:
        request = ReplanRequest(latitude=position.latitude, longitude=position.longitude)
        return plans.replan(session, principal, rep.id, day, request, settings, run=run)
    made = plans.plan_rep(
        session, principal, rep.id, PlanRequest(date=day, days=1), settings, run=run
    )
    return made.plans[0]
