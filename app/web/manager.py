"""`/manager`: a team's territories on a map, each rep's figures, and rebalancing.

The page reads through the same services as the territory API; asking for, applying and
discarding a proposal happen in `static/js/manager.js` against that API (cookie auth). The map
is its own same-origin page (`/manager/map`) in an iframe, so the page stays small, the map can
be reloaded alone (with a proposal's moves drawn on it) and tests can open it directly.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.deps import SessionDep, SettingsDep
from app.core.schemas import Day, RowId
from app.coverage import service as coverage
from app.coverage.schemas import CoverageParams
from app.plans import actual
from app.plans import service as plans
from app.plans.week import week_of
from app.reps import service as reps
from app.teams.schemas import TeamListParams, TeamRead
from app.teams.service import list_teams
from app.territories import proposals as territory_proposals
from app.territories import service as territories
from app.web.maps import map_page, territory_map
from app.web.page_routes import NO_STORE, PageError, PageRoute, PageUser, page

router = APIRouter(include_in_schema=False, route_class=PageRoute)

WARN_DEVIATION = 0.10
"""Workloads further than this from target are highlighted in the reps' table."""
WEEK = 7
COVERAGE_ROWS = 50
"""The accounts that would change, listed on the coverage page (the API pages through all)."""


@router.get("/manager")
def manager_page(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId | None, Query()] = None,
) -> HTMLResponse:
    """The manager page for one team (the first one, by name, unless `team_id` says)."""
    _require_manager(principal)
    teams = _teams(session, settings, principal)
    team = _pick_team(teams, team_id)
    overview = territories.overview(session, settings, principal, team.id)
    return page(
        "manager/territories.html",
        principal,
        teams=teams,
        team=team,
        reps=overview.reps,
        unassigned_accounts=overview.unassigned_accounts,
        max_time=max(1, int(settings.max_time_limit_s)),
        warn_deviation=WARN_DEVIATION,
    )


@router.get("/manager/plans")
def week_of_plans(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId | None, Query()] = None,
    start: Annotated[Day | None, Query()] = None,
) -> HTMLResponse:
    """Every rep's plan for a week (Monday of this week unless `start`), rep x day."""
    _require_manager(principal)
    teams = _teams(session, settings, principal)
    team = _pick_team(teams, team_id)
    today = clock.today(settings.company_zone)
    first = start or week_of(today)[0]
    summaries = plans.week_summaries(session, principal, first, WEEK, team_id=team.id)
    working = plans.team_working_weekdays(session, principal, team.id)
    return page(
        "manager/plans.html",
        principal,
        teams=teams,
        team=team,
        start=first,
        previous=first - timedelta(days=WEEK),
        following=first + timedelta(days=WEEK),
        dates=[first + timedelta(days=i) for i in range(WEEK)],
        reps=reps.active_team_reps(session, principal, team.id),
        by_cell={(plan.rep_id, plan.date): plan for plan in summaries},
        action=_plan_action(first, today, working),
    )


@router.get("/manager/map")
def manager_map(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId, Query()],
    proposal_id: Annotated[RowId | None, Query()] = None,
) -> HTMLResponse:
    """The team's territory map (a whole HTML page), with a proposal's moves when given."""
    _require_manager(principal)
    overview = territories.overview(session, settings, principal, team_id)
    proposal = None
    if proposal_id is not None:
        proposal = territory_proposals.get_proposal(session, principal, proposal_id)
        if proposal.team_id != team_id:
            raise PageError(404, "Not found", f"proposal {proposal_id} is not for this team")
    m = territory_map(
        overview,
        proposal,
        tiles_url=settings.map_tiles_url,
        tiles_attribution=settings.map_tiles_attribution,
    )
    return HTMLResponse(map_page(m), headers=NO_STORE)


@router.get("/manager/coverage")
def coverage_what_if(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId | None, Query()] = None,
) -> HTMLResponse:
    """The coverage what-if: sliders for the thresholds, the team totals, a chart and the
    accounts that would change (static/js/manager-coverage.js asks the API as they move), and
    the apply."""
    _require_manager(principal)
    teams = _teams(session, settings, principal)
    team = _pick_team(teams, team_id)
    params = CoverageParams(team_id=team.id, changes_only=True, limit=COVERAGE_ROWS)
    model = coverage.what_if(session, settings, principal, params)
    return page(
        "manager/coverage.html",
        principal,
        teams=teams,
        team=team,
        model=model,
        chart=[point.model_dump(mode="json") for point in model.chart],
        rows=COVERAGE_ROWS,
    )


def _require_manager(principal: Principal) -> None:
    if principal.role not in (Role.MANAGER, Role.ADMIN):
        raise PageError(
            403,
            "Managers only",
            f"The manager page is for managers and admins; you are signed in as a "
            f"{principal.role.value}.",
        )


def _teams(session: Session, settings: Settings, principal: Principal) -> list[TeamRead]:
    params = TeamListParams(limit=settings.max_page_size, sort="name")
    return list_teams(session, settings, principal, params).items


def _pick_team(teams: list[TeamRead], team_id: int | None) -> TeamRead:
    if not teams:
        raise PageError(404, "No teams", "You manage no team yet; an admin can add you to one.")
    if team_id is None:
        return teams[0]
    for team in teams:
        if team.id == team_id:
            return team
    raise PageError(404, "Not found", f"No team {team_id} among the teams you can see.")


@router.get("/manager/actual")
def plan_vs_actual(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId | None, Query()] = None,
    start: Annotated[Day | None, Query()] = None,
) -> HTMLResponse:
    """Plan vs actual for a week (Monday of this week unless `start`) and today, live."""
    _require_manager(principal)
    teams = _teams(session, settings, principal)
    team = _pick_team(teams, team_id)
    today = clock.today(settings.company_zone)
    first = start or week_of(today)[0]
    report = actual.actual_report(session, principal, settings, team.id, first, WEEK)
    return page(
        "manager/actual.html",
        principal,
        teams=teams,
        team=team,
        start=first,
        previous=first - timedelta(days=WEEK),
        following=first + timedelta(days=WEEK),
        dates=[first + timedelta(days=i) for i in range(WEEK)],
        report=report,
        today=today,
    )


def _plan_action(first: date, today: date, working: set[int]) -> tuple[str, date] | None:
    """The week button's words and first day: the whole week ahead, the rest of a started week
    (its working days from today), or None once the week is over."""
    last = first + timedelta(days=WEEK - 1)
    if today <= first:
        return "Plan this week", first
    ahead = [
        today + timedelta(days=i)
        for i in range((last - today).days + 1)
        if (today + timedelta(days=i)).weekday() in working
    ]
    if not ahead:
        return None
    span = ahead[0].strftime("%a")
    if len(ahead) > 1:
        span += "-" + ahead[-1].strftime("%a")
    return f"Plan the rest of this week ({span})", today
