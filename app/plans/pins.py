"""What is required or forbidden on a rep's day: the one place planning reads the rep's own
decisions (`StopPin` rows: a stop pinned, an account added to the day, a stop moved between
days), and the place they are written.

`build_job` applies `day_rules` to every candidate, so a day plan, a week plan and a re-plan of
today all keep what the rep decided, however often the day is planned again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import StopPin
from routing.days.planner import Candidate

REQUIRED = "required"
FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class DayRules:
    """Per account: the day it must be visited on (the first such day of the job; the planner
    visits an account once per job) and the days it must not be."""

    required: dict[int, date]
    forbidden: dict[int, frozenset[date]]

    def apply(self, candidate: Candidate) -> Candidate:
        account_id = int(candidate.id)
        forbidden = self.forbidden.get(account_id, frozenset())
        required = self.required.get(account_id)
        if required is None and not forbidden:
            return candidate
        return replace(candidate, required_day=required, excluded_days=forbidden)

    def required_on(self, day: date) -> set[int]:
        return {account_id for account_id, on in self.required.items() if on == day}


def day_rules(session: Session, rep_id: int, days: Collection[date]) -> DayRules:
    """What is required and forbidden on rep `rep_id`'s `days`."""
    if not days:
        return DayRules({}, {})
    query = (
        select(StopPin)
        .where(StopPin.rep_id == rep_id, StopPin.plan_date.in_(list(days)))
        .order_by(StopPin.plan_date, StopPin.id)
    )
    required: dict[int, date] = {}
    forbidden: dict[int, set[date]] = {}
    for pin in session.scalars(query):
        if pin.rule == REQUIRED:
            required.setdefault(pin.account_id, pin.plan_date)
        else:
            forbidden.setdefault(pin.account_id, set()).add(pin.plan_date)
    return DayRules(required, {a: frozenset(d) for a, d in forbidden.items()})


def pins_on(session: Session, rep_id: int, day: date) -> dict[int, StopPin]:
    """The rules of rep `rep_id`'s `day`, by account."""
    query = select(StopPin).where(StopPin.rep_id == rep_id, StopPin.plan_date == day)
    return {pin.account_id: pin for pin in session.scalars(query)}


def set_rule(
    session: Session,
    *,
    rep_id: int,
    account_id: int,
    day: date,
    rule: str,
    source: str,
    user_id: int | None,
) -> StopPin:
    """Keep `account_id` on (`REQUIRED`) or off (`FORBIDDEN`) the day, replacing its rule there."""
    held = session.scalars(
        select(StopPin).where(
            StopPin.rep_id == rep_id, StopPin.account_id == account_id, StopPin.plan_date == day
        )
    ).first()
    if held is None:
        held = StopPin(rep_id=rep_id, account_id=account_id, plan_date=day)
        session.add(held)
    held.rule, held.source, held.created_by = rule, source, user_id
    session.flush()
    return held


def drop_rule(session: Session, rep_id: int, account_id: int, day: date) -> bool:
    """Forget the account's rule on the day; whether there was one."""
    result = session.execute(
        delete(StopPin).where(
            StopPin.rep_id == rep_id, StopPin.account_id == account_id, StopPin.plan_date == day
        )
    )
    session.flush()
    return bool(getattr(result, "rowcount", 0))
