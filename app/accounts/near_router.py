"""`GET /api/v1/reps/{rep_id}/accounts/near`: the rep's territory accounts nearest a point."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.accounts.near import NEAR_LIMIT, NearAccounts, near_accounts
from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Latitude, Longitude, RowId

router = APIRouter(tags=["accounts"])


@router.get(
    "/reps/{rep_id}/accounts/near",
    summary="A rep's accounts nearest a point",
    responses=error_responses(401, 404, 422),
)
def accounts_near(
    rep_id: RowId,
    latitude: Annotated[Latitude, Query()],
    longitude: Annotated[Longitude, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=NEAR_LIMIT[0], le=NEAR_LIMIT[1])] = 20,
) -> NearAccounts:
    """The rep's territory accounts nearest a point, nearest first.

    Active accounts on the map, by straight-line distance from the point (the phone's
    position), with their value and how overdue they are."""
    return near_accounts(session, settings, principal, rep_id, latitude, longitude, limit)
