"""A rep's look-ahead: the days of a week that have not started, planned together.

Days planned one by one each take the best accounts for themselves, so two days of a week
would visit the same accounts. The refresh plans every day of the week that has not started
(from `from_date`, or today, to Sunday) in one solve, in which each account is visited at most
once; the accounts of a started today, those done earlier in the week and those on days outside
the solve are left to those days (the week rule, `app.plans.week`). A started today is never
changed here: only the rep re-plans it (`service.replan`). The answer says, per day, what was
re-planned and why (the old plan's stale reasons), kept or skipped.

The phone page uses it for "Plan my day" on a day not started, for its "Refresh" button, and
on opening a stale day that has not started.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.auth.principal import Principal
from app.core import clock
from app.core.concurrency import Runner, run_here
from app.core.config import Settings
from app.core.errors import InvalidRequest
from app.core.time_text import long_date
from app.models import Rep
from app.plans import basis
from app.plans import service as plans
from app.plans.schemas import (
    LeftDay,
    PlanRequest,
    RefreshedDay,
    RefreshRequest,
    RefreshRun,
)
from app.plans.week import week_of
from app.reps.clock import rep_today
from app.reps.service import route_rep

NO_PLAN = "no plan yet"


def refresh(
    session: Session,
    principal: Principal,
    rep_id: int,
    request: RefreshRequest,
    settings: Settings,
    *,
    run: Runner = run_here,
) -> RefreshRun:
    """Re-plan the days of the rep's week from `request.from_date` (default today) that have
    not started, in one solve; a started today is kept as it is."""
    rep = route_rep(session, principal, rep_id)
    today = rep_today(rep, settings, clock.now())
    start = request.from_date or today
    monday, sunday = week_of(start)
    if sunday < today:
        raise InvalidRequest(
            f"the week of {long_date(start)} is over on {rep.name}'s clock (today is {today})",
            field="from_date",
        )
    skipped: list[LeftDay] = []
    day = start
    while day <= sunday:
        if day < today and _works(rep, day):
            skipped.append(LeftDay(date=day, reason="past", detail=f"{long_date(day)} is over"))
        elif not _works(rep, day):
            detail = f"{long_date(day)} is not one of {rep.name}'s working days"
            skipped.append(LeftDay(date=day, reason="not_worked", detail=detail))
        day += timedelta(days=1)
    first = max(start, today)
    worked = [d for d in _days(first, sunday) if _works(rep, d)]
    result = RefreshRun(
        rep_id=rep.id,
        rep_name=rep.name,
        week_start=monday,
        week_end=sunday,
        refreshed=[],
        kept=[],
        skipped=skipped,
        plans=[],
    )
    if not worked:
        return result
    before = {d: _why(session, rep, d, today) for d in worked}
    count = (sunday - first).days + 1
    planned = plans.plan_rep(
        session,
        principal,
        rep.id,
        PlanRequest(date=first, days=count, time_limit=request.time_limit),
        settings,
        run=run,
        rest_of_range=True,
    )
    for kept in planned.kept:
        detail = (
            f"today is under way: {rep.name}'s plan is kept as it is; re-plan the rest of "
            "today from the phone (Re-plan from here)"
        )
        result.kept.append(LeftDay(date=kept, reason="started", detail=detail))
    for left in planned.skipped:
        result.kept.append(LeftDay(date=left.date, reason="started", detail=left.detail))
    result.refreshed = [
        RefreshedDay(date=plan.date, version=plan.version, reasons=before.get(plan.date, []))
        for plan in planned.plans
    ]
    result.plans = planned.plans
    result.skipped.sort(key=lambda left: left.date)
    return result


def _why(session: Session, rep: Rep, day: date, today: date) -> list[str]:
    row = plans.latest_plan(session, rep.id, day)
    if row is None:
        return [NO_PLAN]
    return basis.stale_reasons(session, row, rep, today)


def _works(rep: Rep, day: date) -> bool:
    return DAYS[day.weekday()] in (rep.working_days or [])


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


__all__ = ["refresh"]
