"""What the day page needs to pin and move stops: which stops are pinned to the day and the
other days a stop can go to (the rep's working days in the look-ahead)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.models import Rep
from app.plans.pins import REQUIRED, pins_on
from app.plans.stop_changes import LOOK_AHEAD_DAYS
from app.web.rep_view import PlanView


def with_stop_changes(session: Session, rep: Rep, view: PlanView, today: date) -> PlanView:
    """`view` with its pinned stops and the days its stops can move to (none on a day that
    can no longer be changed)."""
    if view.action is None:
        return view
    day = view.plan.date
    days = [today + timedelta(days=k) for k in range(LOOK_AHEAD_DAYS)]
    working = tuple(
        other
        for other in days
        if other != day and DAYS[other.weekday()] in (rep.working_days or [])
    )
    pinned = frozenset(
        account_id
        for account_id, pin in pins_on(session, rep.id, day).items()
        if pin.rule == REQUIRED
    )
    return replace(view, pinned=pinned, move_days=working)
