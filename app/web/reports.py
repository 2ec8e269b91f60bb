"""`/manager/reports`: a team's weeks as charts (visits and touches per rep, value covered, cost
per visit, coverage by channel) drawn on the server as SVG, the same figures as tables, and the
CSV download (`/api/v1/reports/weekly.csv`). No script draws anything: the page's only script
submits the team picker."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from app.core import clock
from app.core.deps import SessionDep, SettingsDep
from app.core.schemas import Day, RowId
from app.plans.week import week_of
from app.reports.schemas import MAX_WEEKS
from app.reports.service import weekly_report
from app.web.manager import _pick_team, _require_manager, _teams
from app.web.page_routes import PageRoute, PageUser, page
from app.web.report_view import money, report_view, week_label

router = APIRouter(include_in_schema=False, route_class=PageRoute)

SHOWN_WEEKS = 8
"""Two months by default: a trend, and narrow enough for a phone's charts."""


@router.get("/manager/reports")
def reports_page(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId | None, Query()] = None,
    first: Annotated[Day | None, Query(alias="from")] = None,
    to: Annotated[Day | None, Query()] = None,
    start: Annotated[Day | None, Query(description="from the other pages: a week shown")] = None,
) -> HTMLResponse:
    """The weekly report of a team: `SHOWN_WEEKS` weeks to this week's (or `start`'s) unless
    `from` and `to` say; any day stands for its week."""
    _require_manager(principal)
    teams = _teams(session, settings, principal)
    team = _pick_team(teams, team_id)
    last = _monday(to or start or clock.today(settings.company_zone))
    begin = _monday(first) if first else last - timedelta(weeks=SHOWN_WEEKS - 1)
    report = weekly_report(session, principal, settings, team.id, begin, last)
    span = timedelta(weeks=len(report.weeks))
    return page(
        "manager/reports.html",
        principal,
        teams=teams,
        team=team,
        report=report,
        view=report_view(report),
        week_label=week_label,
        money=money,
        max_weeks=MAX_WEEKS,
        earlier=(begin - span, last - span),
        later=(begin + span, last + span),
    )


def _monday(day: date) -> date:
    return week_of(day)[0]
