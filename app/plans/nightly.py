"""The nightly plan: every active rep's look-ahead planned at night on their own clock.

A tick (Celery beat every `nightly_tick_s`, or cron calling `python -m app.cli plan-nightly`)
finds the active reps whose local time has passed `nightly_plan_time` and who have no nightly
run for that local date, and queues one `nightly_plan` job per rep (`app.plans.nightly_task`).
The `nightly_run` row of (rep, local date) is the guard: it is written with the job, and its
unique key makes a second beat, a retried tick or a cron line beside beat find the rep done.

The job refreshes the rep's week from that date (`app.plans.lookahead.refresh`: the days not
started, planned together; the phone's "Refresh" does the same, so the night and the phone
agree); when no working day of that week is left after the date (the rep's last working day,
or a weekend), it refreshes the week of the rep's next working day too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.db import SessionFactory
from app.jobs import service as jobs
from app.jobs.dispatch import Dispatcher
from app.models import Job, NightlyRun, Rep
from app.models.people import FIELD
from app.plans.week import week_of
from app.reps.clock import rep_zone
from app.reps.home import home_point

KIND = "nightly_plan"
NIGHTLY = Principal(user_id=0, name="the nightly plan", role=Role.ADMIN)
"""Who plans at night: no user (plans and jobs record no creator), every rep in scope."""


@dataclass
class Due:
    rep: Rep
    local_date: date


@dataclass
class TickReport:
    """What a tick did: jobs queued (rep name -> job id) and reps refused (name -> why)."""

    queued: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def due(session: Session, settings: Settings, now: datetime) -> list[Due]:
    """Active reps whose local time has passed the nightly hour, with no run for that date."""
    candidates: list[Due] = []
    field_reps = select(Rep).where(Rep.active.is_(True), Rep.kind == FIELD).order_by(Rep.id)
    for rep in session.scalars(field_reps):
        local = now.astimezone(rep_zone(rep, settings))
        if local.time() >= settings.nightly_plan_time:
            candidates.append(Due(rep, local.date()))
    dates = {candidate.local_date for candidate in candidates}
    rows = session.execute(
        select(NightlyRun.rep_id, NightlyRun.local_date).where(NightlyRun.local_date.in_(dates))
    )
    done = {(rep_id, local_date) for rep_id, local_date in rows}
    return [c for c in candidates if (c.rep.id, c.local_date) not in done]


def tick(session: Session, settings: Settings, dispatcher: Dispatcher) -> TickReport:
    """Queue the nightly plan of every rep due now (flushed; the caller commits)."""
    report = TickReport()
    for item in due(session, settings, clock.now()):
        rep = item.rep
        refused = None if home_point(rep) is not None else (
            f"{rep.name} has no home location to start from; set their home first"
        )  # fmt: skip
        try:
            with session.begin_nested():
                job = None
                if refused is None:
                    job = Job(
                        kind=KIND,
                        state="queued",
                        team_id=rep.team_id,
                        params={"rep_id": rep.id, "local_date": item.local_date.isoformat()},
                        progress_total=1,
                        links={"rep": f"/api/v1/reps/{rep.id}"},
                    )
                    session.add(job)
                    session.flush()
                session.add(
                    NightlyRun(
                        rep_id=rep.id,
                        local_date=item.local_date,
                        state="refused" if job is None else "queued",
                        job_id=None if job is None else job.id,
                        detail=refused,
                    )
                )
                session.flush()
        except IntegrityError:
            continue  # another tick got there first: its run is the one
        if job is None:
            report.refused[rep.name] = refused or ""
            continue
        jobs.dispatch(session, job, dispatcher)
        report.queued[rep.name] = job.id
    return report


def run_tick(factory: SessionFactory, settings: Settings, dispatcher: Dispatcher) -> TickReport:
    """One tick in its own transaction (the workers are told before it commits, as a request
    does: a broker that is down leaves nothing queued, and the next tick tries again)."""
    with factory() as session:
        report = tick(session, settings, dispatcher)
        session.commit()
    return report


def nights_days(rep: Rep, local_date: date) -> list[date]:
    """The first days of the weeks a night refreshes: `local_date`'s week from that day, and
    the week of the rep's next working day when that week has none left after `local_date`."""
    starts = [local_date]
    _, sunday = week_of(local_date)
    following = [local_date + timedelta(days=n) for n in range(1, 8)]
    worked = [day for day in following if DAYS[day.weekday()] in (rep.working_days or [])]
    if worked and worked[0] > sunday:
        starts.append(worked[0])
    return starts
