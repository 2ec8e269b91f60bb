"""Teams: the scoped list, the rules for putting accounts and reps into a team, and the lock
that changes to a whole team take."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.auth.access import check_team, team_scope
from app.auth.principal import Principal
from app.core.config import Role, Settings
from app.core.errors import InvalidRequest
from app.core.listing import Sorting, fetch_page
from app.core.schemas import Page
from app.models import Team
from app.teams.schemas import TeamListParams, TeamRead

SORTING = Sorting(
    fields={"name": Team.name, "created_at": Team.created_at, "id": Team.id},
    default="name",
    tiebreak=Team.id,
)


def list_teams(
    session: Session, settings: Settings, principal: Principal, params: TeamListParams
) -> Page[TeamRead]:
    """The teams the caller belongs to or manages (all of them for admins)."""
    rows, total = fetch_page(
        session,
        Team,
        [team_scope(principal)],
        params,
        sorting=SORTING,
        max_page_size=settings.max_page_size,
    )
    items = [TeamRead.model_validate(team) for team in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


def default_team(principal: Principal) -> int | None:
    """Where a manager's new account or rep goes when no team is named: their only team."""
    if principal.role is Role.MANAGER and len(principal.team_ids) == 1:
        return next(iter(principal.team_ids))
    return None


def check_team_use(session: Session, principal: Principal, team_id: int | None) -> None:
    """Something may go into `team_id`: a manager's own team (403 otherwise; 422 when they
    manage several and named none), any existing team (or none) for an admin (422 naming it)."""
    if principal.role is Role.MANAGER and team_id is None and len(principal.team_ids) > 1:
        raise InvalidRequest("team_id: name one of the teams you manage", field="team_id")
    check_team(principal, team_id)
    if team_id is not None and session.get(Team, team_id) is None:
        raise InvalidRequest(f"team_id: no team {team_id}", field="team_id")


def hold_team(session: Session, team_id: int) -> None:
    """Hold the team until the session's transaction ends: a second change to the whole team
    (a coverage apply, a territory proposal applied) waits here, then reads what the first one
    wrote rather than the state before it. A write rather than SELECT ... FOR UPDATE, which
    SQLite ignores: there the write takes the database's one writer lock, and the reads that
    follow see every earlier writer's commit."""
    session.execute(
        update(Team)
        .where(Team.id == team_id)
        .values(id=Team.id)
        .execution_options(synchronize_session=False)
    )
