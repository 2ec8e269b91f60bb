"""`/api/v1/teams`: the teams you belong to or manage (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.db import SessionDep
from app.deps import SettingsDep
from app.errors import error_responses
from app.schemas.common import Page
from app.schemas.teams import TeamListParams, TeamRead
from app.security import CurrentPrincipal
from app.services import teams as service

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
