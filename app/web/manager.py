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

from app.config import Role, Settings
from app.core import clock
from app.db import SessionDep
from app.deps import SettingsDep
from app.maps import territory_map
from app.schemas.common import RowId
from app.schemas.teams import TeamListParams, TeamRead
from app.security import Principal
from app.services import plans, reps, territories, territory_proposals
from app.services.teams import list_teams
from app.web import manager_html as html
from app.web import plans_html
from app.web.page_kit import NO_STORE, PageError, PageRoute, PageUser, who

router = APIRouter(include_in_schema=False, route_class=PageRoute)


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
    body = html.manager_body(
        team_id=team.id,
        team=team.name,
        reps=overview.reps,
        unassigned_accounts=overview.unassigned_accounts,
        max_time_limit_s=settings.max_time_limit_s,
    )
    content = html.page(
        f"Territories · {team.name}", who(principal), body, html.team_picker(teams, team.id)
    )
    return HTMLResponse(content, headers=NO_STORE)


@router.get("/manager/plans")
def week_of_plans(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    team_id: Annotated[RowId | None, Query()] = None,
    start: Annotated[date | None, Query()] = None,
) -> HTMLResponse:
    """Every rep's plan for a week (Monday of this week unless `start`), rep x day."""
    _require_manager(principal)
    teams = _teams(session, settings, principal)
    team = _pick_team(teams, team_id)
    today = clock.today(settings.company_zone)
    first = start or today - timedelta(days=today.weekday())
    team_reps = reps.active_team_reps(session, principal, team.id)
    summaries = plans.week_summaries(session, principal, first, 7, team_id=team.id)
    body = plans_html.week_body(
        team_id=team.id,
        team=team.name,
        start=first,
        days=7,
        reps=team_reps,
        plans=summaries,
    )
    content = html.page(
        f"Plans · {team.name}",
        who(principal),
        body,
        html.team_picker(teams, team.id, action="/manager/plans"),
    )
    return HTMLResponse(content, headers=NO_STORE)


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
    return HTMLResponse(m.get_root().render(), headers=NO_STORE)


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
