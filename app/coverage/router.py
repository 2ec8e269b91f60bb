"""`/api/v1/coverage`: a team's coverage model (the what-if), applying it, and the record of
applies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page
from app.coverage import service
from app.coverage.schemas import (
    CoverageApply,
    CoverageChangeParams,
    CoverageChangeRead,
    CoverageModel,
    CoverageParams,
)

router = APIRouter(prefix="/coverage", tags=["coverage"])


@router.get("", summary="A team's coverage model", responses=error_responses(401, 403, 404, 422))
def what_if(
    params: Annotated[CoverageParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> CoverageModel:
    """Per account: a year of field visits priced against its value, and field, hybrid or remote.

    With the thresholds asked (cost a year / value a year; default the value model's): above
    `remote` an account is looked after remotely, above `hybrid` it alternates visits and
    touches. The team totals compare each account's coverage now (`before`) with the
    recommendation (`after`): field hours a week, value at risk a year, cost per visit. Nothing
    is written; managers and admins of the team only."""
    return service.what_if(session, settings, principal, params)


@router.post(
    "/apply",
    summary="Apply the coverage model",
    status_code=201,
    responses=error_responses(401, 403, 404, 422),
)
def apply(
    body: CoverageApply, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> CoverageChangeRead:
    """Set every account of the team to its recommendation with these thresholds, recorded.

    The record says who, when, the thresholds, the totals expected and each account changed
    (coverage and remote cadence, old -> new). From then on the planner leaves remote accounts
    to the queue and plans hybrid ones at twice their cadence."""
    return service.apply(session, settings, principal, body)


@router.get(
    "/changes",
    summary="List coverage changes",
    responses=error_responses(401, 403, 404, 422),
)
def list_changes(
    params: Annotated[CoverageChangeParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[CoverageChangeRead]:
    """Every apply of the coverage model to a team, newest first: who, when, what changed."""
    items, total = service.list_changes(session, settings, principal, params)
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
