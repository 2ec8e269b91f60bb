"""Plan vs actual: what each rep's latest plan asked for, what the recorded visits say, the
team's visit cadence, and today so far.

Kilometres planned are the plan's own (its stored totals, which cover the whole day, a re-plan's
morning included: the same number the phone page and the week grid show). "Driven" is an
estimate on the app's travel model (`roads.service.travel`): there is no GPS track, only the
recorded visits, taken in the order they were recorded, from home and (once the day is over)
back home. The weekly report (`app.reports.service`) measures its km and driving hours with the
same `Meter` along the same `driven_route`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.access import rep_scope, require_role, sees_team
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.errors import NotFound
from app.models import Account, Rep, RoutePlan, Team, Visit
from app.models.people import FIELD
from app.plans.schemas import (
    ActualReport,
    CadenceCompliance,
    DayActual,
    LateVisit,
    NextStop,
    RepActual,
    SkippedVisit,
    TodayProgress,
)
from app.plans.service import strongest
from app.reps.clock import rep_today, rep_zone
from app.reps.home import home_point
from app.roads.service import travel
from routing import Point

LATE_TOLERANCE = timedelta(minutes=15)
"""A done stop begun later than its planned start plus this is late."""
CLOSED = ("done", "skipped")
NO_REASON = "no reason given"


def actual_report(
    session: Session,
    principal: Principal,
    settings: Settings,
    team_id: int,
    start: date,
    days: int,
) -> ActualReport:
    """Plan vs actual of `team_id`'s active reps for `start` .. `start + days - 1`."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    team = session.get(Team, team_id)
    if team is None or not sees_team(principal, team_id):
        raise NotFound(f"no team {team_id}")
    now = clock.now()
    end = start + timedelta(days=days)
    reps = list(
        session.scalars(
            select(Rep)
            .where(
                rep_scope(principal),
                Rep.team_id == team_id,
                Rep.active.is_(True),
                Rep.kind == FIELD,
            )
            .order_by(Rep.name, Rep.id)
        ).unique()
    )
    rep_ids = [rep.id for rep in reps]
    todays = {rep.id: rep_today(rep, settings, now) for rep in reps}
    first = min([start, *todays.values()])
    last = max([end - timedelta(days=1), *todays.values()])
    plans = _latest_plans(session, rep_ids, first, last)
    visits = _visits(session, rep_ids, first, last)
    names, points = _accounts(session, plans, visits)
    meter = Meter(settings)
    rows = []
    for rep in reps:
        home = home_point(rep)
        rep_days = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            rep_days.append(
                _day(
                    day,
                    plans.get((rep.id, day)),
                    visits.get((rep.id, day), []),
                    names,
                    points,
                    home,
                    over=day < todays[rep.id],
                    meter=meter,
                )
            )
        rows.append(RepActual(rep_id=rep.id, rep_name=rep.name, days=rep_days))
    today = [
        _today(rep, todays[rep.id], rep_zone(rep, settings), plans, visits, names, now)
        for rep in reps
    ]
    return ActualReport(
        team_id=team.id,
        team_name=team.name,
        start=start,
        days=days,
        as_of=now,
        time_zone=settings.default_time_zone,
        late_tolerance_minutes=int(LATE_TOLERANCE.total_seconds() // 60),
        travel_model=meter.model,
        reps=rows,
        cadence=cadence(session, settings, team_id),
        today=today,
    )


def cadence(session: Session, settings: Settings, team_id: int) -> CadenceCompliance:
    """The team's active accounts visited within their cadence as of the company's today."""
    today = clock.today(settings.company_zone)
    query = select(Account.last_visit_date, Account.cadence_days).where(
        Account.team_id == team_id, Account.active.is_(True)
    )
    within = overdue = never = 0
    for last_visit, cadence_days in session.execute(query):
        if last_visit is None:
            never += 1
        elif (today - last_visit).days <= (cadence_days or settings.value_default_cadence_days):
            within += 1
        else:
            overdue += 1
    total = within + overdue + never
    return CadenceCompliance(
        as_of=today,
        accounts=total,
        within_cadence=within,
        overdue=overdue,
        never_visited=never,
        share=round(within / total, 3) if total else None,
    )


# --- one day -------------------------------------------------------------------------------


def _day(
    day: date,
    plan: RoutePlan | None,
    visits: list[Visit],
    names: dict[int, str],
    points: dict[int, Point],
    home: Point | None,
    *,
    over: bool,
    meter: Meter,
) -> DayActual:
    stops = [] if plan is None else plan.stops
    planned_ids = {stop["account_id"] for stop in stops}
    states = strongest(visits)
    skipped, late = [], []
    done = 0
    for stop in stops:
        visit = states.get(stop["account_id"])
        if visit is None:
            continue
        if visit.status == "skipped":
            skipped.append(
                SkippedVisit(
                    account_id=visit.account_id,
                    name=names.get(visit.account_id, stop["name"]),
                    reason=visit.reason or NO_REASON,
                )
            )
        elif visit.status == "done":
            done += 1
            began = _began(visit, stop["service_minutes"])
            planned_start = datetime.fromisoformat(stop["start"])
            if began is not None and began > planned_start + LATE_TOLERANCE:
                late.append(
                    LateVisit(
                        account_id=visit.account_id,
                        name=names.get(visit.account_id, stop["name"]),
                        planned_start=planned_start,
                        started_at=began,
                        minutes_late=int((began - planned_start).total_seconds() // 60),
                    )
                )
    unplanned_done = sum(
        1 for a, v in states.items() if v.status == "done" and a not in planned_ids
    )
    route = driven_route(visits, points)
    if plan is not None and stops and meter.model is None:
        meter.model = plan.travel_model
    return DayActual(
        date=day,
        plan_version=None if plan is None else plan.version,
        planned=len(stops),
        done=done,
        skipped=len(skipped),
        open=len(stops) - done - len(skipped),
        unplanned_done=unplanned_done,
        late=len(late),
        skipped_visits=skipped,
        late_visits=late,
        km_planned=round(float(plan.totals["distance_km"]), 1) if plan and stops else None,
        km_driven=meter.km(home, route, back_home=over) if route else None,
    )


def _began(visit: Visit, service_minutes: int) -> datetime | None:
    if visit.started_at is not None:
        return visit.started_at
    if visit.ended_at is not None:
        return visit.ended_at - timedelta(minutes=service_minutes)
    return None


def driven_route(visits: list[Visit], points: dict[int, Point]) -> list[Point]:
    """The places of the day's done visits (planned or not) in the order they were recorded."""
    done = [v for v in strongest(visits).values() if v.status == "done" and v.account_id in points]
    done.sort(key=lambda v: (v.started_at or v.ended_at or v.updated_at, v.id))
    return [points[v.account_id] for v in done]


def _today(
    rep: Rep,
    today: date,
    zone: ZoneInfo,
    plans: dict[tuple[int, date], RoutePlan],
    visits: dict[tuple[int, date], list[Visit]],
    names: dict[int, str],
    now: datetime,
) -> TodayProgress:
    plan = plans.get((rep.id, today))
    day_visits = visits.get((rep.id, today), [])
    states = strongest(day_visits)
    stops = [] if plan is None else plan.stops
    done = skipped = 0
    upcoming: NextStop | None = None
    for stop in stops:
        visit = states.get(stop["account_id"])
        status = None if visit is None else visit.status
        if status == "done":
            done += 1
        elif status == "skipped":
            skipped += 1
        elif upcoming is None:
            upcoming = NextStop(
                account_id=stop["account_id"],
                name=names.get(stop["account_id"], stop["name"]),
                planned_start=datetime.fromisoformat(stop["start"]),
                state="arrived" if status == "arrived" else "planned",
            )
    behind = None
    if upcoming is not None and upcoming.state == "planned":
        late_by = int((now - upcoming.planned_start).total_seconds() // 60)
        behind = late_by if late_by > 0 else None
    updates = [v.updated_at for v in day_visits]
    return TodayProgress(
        rep_id=rep.id,
        rep_name=rep.name,
        date=today,
        time_zone=zone.key,
        planned=len(stops),
        done=done,
        skipped=skipped,
        next_stop=upcoming,
        behind_minutes=behind,
        last_update=max(updates) if updates else None,
    )


# --- reading -------------------------------------------------------------------------------


def _latest_plans(
    session: Session, rep_ids: list[int], first: date, last: date
) -> dict[tuple[int, date], RoutePlan]:
    if not rep_ids:
        return {}
    query = (
        select(RoutePlan)
        .where(
            RoutePlan.rep_id.in_(rep_ids),
            RoutePlan.plan_date >= first,
            RoutePlan.plan_date <= last,
        )
        .order_by(RoutePlan.version)
    )
    return {(row.rep_id, row.plan_date): row for row in session.scalars(query)}


def _visits(
    session: Session, rep_ids: list[int], first: date, last: date
) -> dict[tuple[int, date], list[Visit]]:
    if not rep_ids:
        return {}
    query = select(Visit).where(
        Visit.rep_id.in_(rep_ids),
        Visit.visit_date >= first,
        Visit.visit_date <= last,
        Visit.in_person(),
    )
    grouped: dict[tuple[int, date], list[Visit]] = {}
    for visit in session.scalars(query):
        grouped.setdefault((visit.rep_id, visit.visit_date), []).append(visit)
    return grouped


def _accounts(
    session: Session,
    plans: dict[tuple[int, date], RoutePlan],
    visits: dict[tuple[int, date], list[Visit]],
) -> tuple[dict[int, str], dict[int, Point]]:
    """Accounts' current names (a plan keeps the name it was made with) and places."""
    ids = {stop["account_id"] for plan in plans.values() for stop in plan.stops}
    ids |= {v.account_id for day in visits.values() for v in day}
    names: dict[int, str] = {}
    points: dict[int, Point] = {}
    if not ids:
        return names, points
    query = select(Account.id, Account.name, Account.latitude, Account.longitude).where(
        Account.id.in_(ids)
    )
    for account_id, name, lat, lon in session.execute(query):
        names[account_id] = name
        if lat is not None and lon is not None:
            points[account_id] = Point(lat, lon)
    return names, points


@dataclass(frozen=True, slots=True)
class Drive:
    """A drive along a list of places: metres and seconds on the travel model."""

    metres: float
    seconds: float


class Meter:
    """Kilometres (and driving time) along a list of places on the app's travel model."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.model: str | None = None

    def km(self, home: Point | None, places: list[Point], *, back_home: bool) -> float | None:
        drive = self.drive(home, places, back_home=back_home)
        return None if drive is None else round(drive.metres / 1000, 1)

    def drive(self, home: Point | None, places: list[Point], *, back_home: bool) -> Drive | None:
        """From `home` (when known) through `places`, and back home when `back_home`; None
        when a leg has no way along the roads (a total would be a guess)."""
        route = [*([home] if home is not None else []), *places]
        if back_home and home is not None:
            route.append(home)
        if len(route) < 2:
            return Drive(0.0, 0.0)
        matrix = travel(self._settings).matrix(route)
        self.model = matrix.model
        metres = seconds = 0.0
        for i in range(len(route) - 1):
            step = float(matrix.distances_m[i][i + 1])
            took = float(matrix.durations_s[i][i + 1])
            if not (math.isfinite(step) and math.isfinite(took)) or step < 0 or took < 0:
                return None
            metres += step
            seconds += took
        return Drive(metres, seconds)
