"""`/api/v1/teams`: the teams you belong to or manage (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page
from app.teams import service
from app.teams.schemas import TeamListParams, TeamRead

router = APIRouter(prefix="/teams", tags=["teams"])


@router.get("", summary="List teams", responses=error_responses(401, 422))
def list_teams(
    params: Annotated[TeamListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[TeamRead]:
    """List the teams you may see: all (admins), yours (managers), your own (reps)."""
    return service.list_teams(session, settings, principal, params)
