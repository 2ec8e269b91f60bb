"""The rep's account on the phone (`/rep/accounts/{id}`) and the accounts near the phone
(`/rep/near`).

Both only read, as `/rep` does: adding to today, booking an appointment and finding what is
near are sent by `static/js/rep-account.js` to the API (cookie auth). A rep sees their own
territory's accounts only (another's is not found); a manager or admin sees them in a rep's
context: the rep they name, or the rep whose territory holds the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.accounts.service import get_account
from app.auth.principal import Principal
from app.core import clock
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import NotFound
from app.core.schemas import RowId
from app.core.time_text import wall_time
from app.models import Account, Rep, Territory, Visit
from app.plans import service as plans
from app.plans.stop_changes import rep_account
from app.reps.clock import rep_zone, seconds_into, seconds_of
from app.reps.home import home_point
from app.reps.service import get_rep
from app.web.account_view import account_view
from app.web.page_routes import PageError, PageUser, PhonePageRoute, page
from app.web.rep import the_rep

router = APIRouter(include_in_schema=False, route_class=PhonePageRoute)


@dataclass(frozen=True, slots=True)
class TodayState:
    """The account and the rep's today: on the route (as stop `number` at `time`), recorded,
    or addable; `why_not` says why it cannot be added when it cannot."""

    number: int | None
    time: str
    recorded: str
    can_add: bool
    why_not: str


@router.get("/rep/accounts/{account_id}")
def account_page(
    account_id: RowId,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    rep_id: Annotated[RowId | None, Query()] = None,
) -> HTMLResponse:
    """One account of a rep's territory: where, when open, what happened, what is booked."""
    rep = _rep_for(session, principal, rep_id, account_id)
    account = rep_account(session, principal, rep, account_id)
    zone = rep_zone(rep, settings)
    now = clock.now()
    today = plans.rep_today(rep, settings, now)
    shift_over = seconds_into(today, now, zone) >= seconds_of(rep.shift_end)
    return page(
        "rep/account.html",
        principal,
        rep_id=rep.id,
        rep_name=rep.name,
        link_rep_id=rep.id if principal.rep_id != rep.id else None,
        today=today,
        view=account_view(session, principal, account, rep, today, zone),
        state=_today_state(session, principal, rep, account, today, shift_over),
    )


@router.get("/rep/near")
def near_page(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    rep_id: Annotated[RowId | None, Query()] = None,
) -> HTMLResponse:
    """The rep's accounts nearest the phone (the list is fetched by the page's script)."""
    rep = the_rep(session, principal, rep_id)
    if rep is None:
        raise PageError(
            404, "Whose accounts?", "Open this page from a rep's day: it lists that rep's accounts."
        )
    home = home_point(rep)
    today = plans.rep_today(rep, settings)
    return page(
        "rep/near.html",
        principal,
        rep_id=rep.id,
        rep_name=rep.name,
        link_rep_id=rep.id if principal.rep_id != rep.id else None,
        today=today,
        home=home,
    )


def _rep_for(session: Session, principal: Principal, rep_id: int | None, account_id: int) -> Rep:
    """The rep in whose context the account is shown: the one named, the caller's own, or
    (a manager or admin naming none) the rep whose territory holds the account."""
    rep = the_rep(session, principal, rep_id)
    if rep is not None:
        return rep
    account = get_account(session, principal, account_id)
    covered = session.scalar(select(Territory.rep_id).where(Territory.id == account.territory_id))
    if covered is None:
        raise NotFound(f"{account.name} is in no rep's territory")
    return get_rep(session, principal, covered)


def _today_state(
    session: Session,
    principal: Principal,
    rep: Rep,
    account: Account,
    today: date,
    shift_over: bool,
) -> TodayState:
    recorded = session.scalar(
        select(Visit.status).where(
            Visit.rep_id == rep.id,
            Visit.account_id == account.id,
            Visit.visit_date == today,
            Visit.status.in_(("arrived", "done", "skipped")),
            Visit.in_person(),
        )
    )
    number, at = None, ""
    try:
        plan = plans.current_plan(session, principal, rep.id, today)
    except NotFound:
        plan = None
    if plan is not None:
        for k, stop in enumerate(plan.stops, start=1):
            if stop.account_id == account.id:
                number, at = k, wall_time(stop.arrival, ZoneInfo(plan.time_zone))
    why_not = ""
    if DAYS[today.weekday()] not in (rep.working_days or []):
        why_not = f"Today is not one of {rep.name}'s working days."
    elif shift_over:
        why_not = "Today's shift is over."
    elif account.latitude is None or account.longitude is None:
        why_not = "It is not on the map (its address could not be placed)."
    elif recorded:
        why_not = "It is already recorded today."
    elif number is not None:
        why_not = "It is on today's route already."
    return TodayState(number, at, recorded or "", not why_not, why_not)
