"""The weekly report: per rep and ISO week (Monday to Sunday of the visits' own dates, which are
on each rep's clock), what was done and what it cost, and the totals of the reps listed.

The figures, precisely:

- **visits**: visits in person with status `done`, one per account and day (two done rows for
  the same account on a day are one visit, as in plan vs actual).
- **touches**: remote touches (`channel` call, email, video) with status `done`, by channel;
  every logged touch counts (three calls to one account are three touches).
- **value_covered**: the sum of the annual `value` of the distinct accounts the rep met in the
  week, in person or remotely; an account met twice counts once. It is the value as the account
  stands now (the app keeps no history of values). The team's total counts an account met by
  two of the listed reps (a field rep's visit and an inside rep's call) once.
- **km_driven**: the same estimate as plan vs actual's "km driven" (`app.plans.actual`): per
  day, from home through the places of the day's done visits in the order they were recorded,
  and back home once the day is over on the rep's clock, on the app's travel model. Not the
  plans' kilometres: a week's report is about what was done. None when a leg has no way along
  the roads (a total would be a guess).
- **drive_hours**: the travel model's time along the same legs; **visit_hours**: the time at
  each done visit (`ended_at - started_at` when both were recorded, else the account's
  `service_minutes`). Waiting and lunch are not known without a track, so they are not counted.
- **cost**: the rep's rates as the planner prices a day (`app.plans.inputs.rep_costs`):
  `km_driven x per_km + drive_hours x per_hour + (drive_hours + visit_hours) x per_working_hour`.
  Without a `cost_per_working_hour` of their own, a rep's `cost_per_hour` is the working-hour
  rate and driving has no rate of its own (per_hour 0). Remote touches are not priced: there is
  no record of how long a call took.
- **cost_per_visit**: cost / visits; None without a visit in person.
- **coverage**: the rep's active accounts (those of the territories they cover, as they stand
  now) by `coverage` (field, hybrid, remote), and how many of each had a done visit or touch in
  the week, by anyone (a supporting inside rep's call covers a field rep's remote account).
  Inside reps cover no territory, so their counts are 0.

Who sees what (`app.auth.access`): admins any team, managers their teams (another team is a
404, as if it did not exist); a field rep the team of their own rep record, with only their
own row; an inside rep their own row and those of the field reps they support in that team.
The totals are those of the reps listed, so nobody sees figures of reps outside their scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth.access import rep_scope, team_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Settings
from app.core.errors import InvalidRequest, NotFound
from app.models import Account, Rep, Team, Territory, Visit
from app.models.activity import IN_PERSON
from app.models.people import FIELD
from app.plans.actual import Meter, driven_route
from app.plans.exports import CellValue, csv_text
from app.plans.inputs import rep_costs
from app.plans.service import strongest
from app.reports.schemas import (
    MAX_WEEKS,
    ChannelCounts,
    CoverageByChannel,
    CoverageCount,
    RepWeek,
    WeekFigures,
    WeeklyReport,
)
from app.reps.clock import rep_today
from app.reps.home import home_point
from routing import Point

WEEK = timedelta(days=7)
REMOTE_CHANNELS = ("call", "email", "video")
COVERAGES = ("field", "hybrid", "remote")
DONE = "done"

CSV_COLUMNS: tuple[str, ...] = (
    "week",
    "rep_id",
    "rep_name",
    "kind",
    "visits",
    "calls",
    "emails",
    "videos",
    "touches",
    "value_covered",
    "km_driven",
    "drive_hours",
    "visit_hours",
    "cost",
    "cost_per_visit",
    "field_accounts",
    "field_touched",
    "hybrid_accounts",
    "hybrid_touched",
    "remote_accounts",
    "remote_touched",
)
_CSV_NUMERIC = frozenset(CSV_COLUMNS) - {"week", "rep_name", "kind"}


def weekly_report(
    session: Session,
    principal: Principal,
    settings: Settings,
    team_id: int,
    start: date,
    end: date,
) -> WeeklyReport:
    """Per rep of `team_id` in the caller's scope and per week from the Monday `start` to the
    Monday `end` (both included): the module docstring's figures, and their totals."""
    weeks = _weeks(start, end)
    team = session.scalar(select(Team).where(Team.id == team_id, team_scope(principal)))
    if team is None:
        raise NotFound(f"no team {team_id}")
    last = end + WEEK - timedelta(days=1)
    reps = _reps(session, principal, team_id, start, last)
    rep_ids = [rep.id for rep in reps]
    contacts = _contacts(session, rep_ids, start, last)
    accounts = _accounts(session, {v.account_id for v in contacts})
    held = _held_accounts(session, rep_ids)
    touched = _touched(session, rep_ids, start, last)
    now = clock.now()
    meter = Meter(settings)

    by_rep_day: dict[tuple[int, date], list[Visit]] = {}
    for contact in contacts:
        by_rep_day.setdefault((contact.rep_id, contact.visit_date), []).append(contact)
    tallies: dict[tuple[int, date], _Tally] = {}
    for rep in reps:
        today = rep_today(rep, settings, now)
        home = home_point(rep)
        for monday in weeks:
            tally = _Tally(monday)
            for offset in range(7):
                day = monday + timedelta(days=offset)
                day_contacts = by_rep_day.get((rep.id, day), [])
                tally.add_day(day_contacts, accounts, meter, home, over=day < today)
            tally.add_coverage(held.get(rep.id, {}), touched.get(monday, set()))
            tallies[(rep.id, monday)] = tally

    rows = [
        RepWeek(
            rep_id=rep.id,
            rep_name=rep.name,
            kind="field" if rep.kind == FIELD else "inside",
            **tallies[(rep.id, monday)].figures(rep, accounts).model_dump(),
        )
        for rep in reps
        for monday in weeks
    ]
    totals = [_total(monday, reps, tallies, accounts) for monday in weeks]
    return WeeklyReport(
        team_id=team.id,
        team_name=team.name,
        start=start,
        end=end,
        weeks=weeks,
        as_of=now,
        travel_model=meter.model,
        reps=rows,
        totals=totals,
    )


def weekly_csv(report: WeeklyReport) -> str:
    """The report's rows as CSV, one per rep and week (the totals are left to the sheet)."""
    return csv_text(CSV_COLUMNS, (_csv_row(row) for row in report.reps), numeric=_CSV_NUMERIC)


def csv_filename(report: WeeklyReport) -> str:
    return f"fieldroute-weekly-team{report.team_id}-{report.start}-{report.end}.csv"


def _csv_row(row: RepWeek) -> dict[str, CellValue]:
    cells: dict[str, CellValue] = {
        "week": row.week.isoformat(),
        "rep_id": row.rep_id,
        "rep_name": row.rep_name,
        "kind": row.kind,
        "visits": row.visits,
        "calls": row.touches.call,
        "emails": row.touches.email,
        "videos": row.touches.video,
        "touches": row.touches_total,
        "value_covered": row.value_covered,
        "km_driven": row.km_driven,
        "drive_hours": row.drive_hours,
        "visit_hours": row.visit_hours,
        "cost": row.cost,
        "cost_per_visit": row.cost_per_visit,
    }
    for name in COVERAGES:
        count: CoverageCount = getattr(row.coverage, name)
        cells[f"{name}_accounts"] = count.accounts
        cells[f"{name}_touched"] = count.touched
    return cells


def _weeks(start: date, end: date) -> list[date]:
    if end < start:
        raise InvalidRequest(
            f"to ({end}) is before from ({start}): give the last week's Monday", field="query.to"
        )
    count = (end - start).days // 7 + 1
    if count > MAX_WEEKS:
        raise InvalidRequest(
            f"{count} weeks from {start} to {end}; at most {MAX_WEEKS} at a time", field="query.to"
        )
    return [start + i * WEEK for i in range(count)]


# --- one rep's week ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Account:
    value: float
    point: Point | None
    service_minutes: int


@dataclass(slots=True)
class _Tally:
    """A rep's week as it is added up, unrounded."""

    monday: date
    visits: int = 0
    touches: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REMOTE_CHANNELS, 0))
    met: set[int] = field(default_factory=set)
    metres: float | None = 0.0
    drive_seconds: float | None = 0.0
    visit_seconds: float = 0.0
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add_day(
        self,
        contacts: list[Visit],
        accounts: dict[int, _Account],
        meter: Meter,
        home: Point | None,
        *,
        over: bool,
    ) -> None:
        in_person = [c for c in contacts if c.channel == IN_PERSON]
        for contact in contacts:
            self.met.add(contact.account_id)
            if contact.channel in self.touches:
                self.touches[contact.channel] += 1
        done = list(strongest(in_person).values())
        self.visits += len(done)
        for visit in done:
            self.visit_seconds += _visit_seconds(visit, accounts.get(visit.account_id))
        points = {a: info.point for a, info in accounts.items() if info.point is not None}
        route = driven_route(done, points)
        if not route:
            return
        drive = meter.drive(home, route, back_home=over)
        if drive is None or self.metres is None or self.drive_seconds is None:
            self.metres = self.drive_seconds = None
        else:
            self.metres += drive.metres
            self.drive_seconds += drive.seconds

    def add_coverage(self, held: dict[int, str], touched: set[int]) -> None:
        for name in COVERAGES:
            mine = [a for a, coverage in held.items() if coverage == name]
            self.coverage[name] = (len(mine), sum(1 for a in mine if a in touched))

    def cost(self, rep: Rep) -> float | None:
        if self.metres is None or self.drive_seconds is None:
            return None
        rates = rep_costs(rep)
        drive_h = self.drive_seconds / 3600
        work_h = drive_h + self.visit_seconds / 3600
        return (
            self.metres / 1000 * rates.per_km
            + drive_h * rates.per_hour
            + work_h * rates.per_working_hour
        )

    def figures(self, rep: Rep, accounts: dict[int, _Account]) -> WeekFigures:
        return _figures(
            self.monday,
            visits=self.visits,
            touches=self.touches,
            value=sum(accounts[a].value for a in self.met if a in accounts),
            metres=self.metres,
            drive_seconds=self.drive_seconds,
            visit_seconds=self.visit_seconds,
            cost=self.cost(rep),
            coverage=self.coverage,
        )


def _visit_seconds(visit: Visit, account: _Account | None) -> float:
    if visit.started_at is not None and visit.ended_at is not None:
        took = (visit.ended_at - visit.started_at).total_seconds()
        if took > 0:
            return took
    return 60.0 * (account.service_minutes if account is not None else 0)


def _total(
    monday: date,
    reps: list[Rep],
    tallies: dict[tuple[int, date], _Tally],
    accounts: dict[int, _Account],
) -> WeekFigures:
    week = [tallies[(rep.id, monday)] for rep in reps]
    costs = [t.cost(rep) for rep, t in zip(reps, week, strict=True)]
    metres = [t.metres for t in week]
    seconds = [t.drive_seconds for t in week]
    met = set().union(*(t.met for t in week))
    return _figures(
        monday,
        visits=sum(t.visits for t in week),
        touches={c: sum(t.touches[c] for t in week) for c in REMOTE_CHANNELS},
        value=sum(accounts[a].value for a in met if a in accounts),
        metres=None if None in metres else sum(m for m in metres if m is not None),
        drive_seconds=None if None in seconds else sum(s for s in seconds if s is not None),
        visit_seconds=sum(t.visit_seconds for t in week),
        cost=None if None in costs else sum(c for c in costs if c is not None),
        coverage={
            name: (
                sum(t.coverage[name][0] for t in week),
                sum(t.coverage[name][1] for t in week),
            )
            for name in COVERAGES
        },
    )


def _figures(
    monday: date,
    *,
    visits: int,
    touches: dict[str, int],
    value: float,
    metres: float | None,
    drive_seconds: float | None,
    visit_seconds: float,
    cost: float | None,
    coverage: dict[str, tuple[int, int]],
) -> WeekFigures:
    return WeekFigures(
        week=monday,
        visits=visits,
        touches=ChannelCounts(**touches),
        touches_total=sum(touches.values()),
        value_covered=round(value, 2),
        km_driven=None if metres is None else round(metres / 1000, 1),
        drive_hours=None if drive_seconds is None else round(drive_seconds / 3600, 2),
        visit_hours=round(visit_seconds / 3600, 2),
        cost=None if cost is None else round(cost, 2),
        cost_per_visit=None if cost is None or not visits else round(cost / visits, 2),
        coverage=CoverageByChannel(
            **{
                name: CoverageCount(accounts=held, touched=met)
                for name, (held, met) in coverage.items()
            }
        ),
    )


# --- reading -------------------------------------------------------------------------------


def _reps(
    session: Session, principal: Principal, team_id: int, first: date, last: date
) -> list[Rep]:
    """The team's reps in the caller's scope: the active ones, and those no longer active who
    did something in the weeks (a report of the past keeps who worked then)."""
    worked = select(Visit.rep_id).where(
        Visit.visit_date >= first, Visit.visit_date <= last, Visit.status == DONE
    )
    query = (
        select(Rep)
        .where(
            rep_scope(principal),
            Rep.team_id == team_id,
            or_(Rep.active.is_(True), Rep.id.in_(worked.scalar_subquery())),
        )
        .order_by(Rep.name, Rep.id)
    )
    return list(session.scalars(query).unique())


def _contacts(session: Session, rep_ids: list[int], first: date, last: date) -> list[Visit]:
    """The reps' done visits and touches of the days."""
    if not rep_ids:
        return []
    query = select(Visit).where(
        Visit.rep_id.in_(rep_ids),
        Visit.visit_date >= first,
        Visit.visit_date <= last,
        Visit.status == DONE,
    )
    return list(session.scalars(query))


def _accounts(session: Session, ids: set[int]) -> dict[int, _Account]:
    if not ids:
        return {}
    query = select(
        Account.id, Account.value, Account.latitude, Account.longitude, Account.service_minutes
    ).where(Account.id.in_(ids))
    return {
        account_id: _Account(
            value=float(value or 0.0),
            point=Point(lat, lon) if lat is not None and lon is not None else None,
            service_minutes=minutes,
        )
        for account_id, value, lat, lon, minutes in session.execute(query)
    }


def _held_accounts(session: Session, rep_ids: list[int]) -> dict[int, dict[int, str]]:
    """Per rep, their territories' active accounts and each one's coverage."""
    if not rep_ids:
        return {}
    query = (
        select(Territory.rep_id, Account.id, Account.coverage)
        .join(Territory, Account.territory_id == Territory.id)
        .where(Territory.rep_id.in_(rep_ids), Account.active.is_(True))
    )
    held: dict[int, dict[int, str]] = {}
    for rep_id, account_id, coverage in session.execute(query):
        if rep_id is not None:  # never: the query asks for the reps' territories
            held.setdefault(rep_id, {})[account_id] = coverage
    return held


def _touched(session: Session, rep_ids: list[int], first: date, last: date) -> dict[date, set[int]]:
    """Per week (its Monday), the reps' territories' accounts with a done visit or touch that
    week, by anyone."""
    if not rep_ids:
        return {}
    query = (
        select(Visit.account_id, Visit.visit_date)
        .join(Account, Visit.account_id == Account.id)
        .join(Territory, Account.territory_id == Territory.id)
        .where(
            Territory.rep_id.in_(rep_ids),
            Visit.visit_date >= first,
            Visit.visit_date <= last,
            Visit.status == DONE,
        )
        .distinct()
    )
    touched: dict[date, set[int]] = {}
    for account_id, day in session.execute(query):
        monday = day - timedelta(days=day.weekday())
        touched.setdefault(monday, set()).add(account_id)
    return touched


def default_weeks(settings: Settings, weeks: int, last: date | None = None) -> tuple[date, date]:
    """`weeks` weeks ending with the week of `last` (default: the company's today)."""
    day = last or clock.today(settings.company_zone)
    end = day - timedelta(days=day.weekday())
    return end - (weeks - 1) * WEEK, end
