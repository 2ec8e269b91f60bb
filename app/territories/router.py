"""`/api/v1/territories`: each rep's territory in figures, rebalance proposals (preview, apply,
discard) and the record of changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page, RowId
from app.jobs.dependencies import DispatcherDep
from app.jobs.schemas import JobRead
from app.territories import changes as territory_changes
from app.territories import proposals as territory_proposals
from app.territories import service as territories
from app.territories import task as territory_task
from app.territories.schemas import (
    ChangeListParams,
    ProposalCreate,
    ProposalRead,
    ProposalSummary,
    TerritoryChangeRead,
    TerritoryOverview,
)
from app.visits.idempotency import REPLAYED_HEADER, KeyHeader

router = APIRouter(prefix="/territories", tags=["territories"])


@router.get(
    "", summary="Territories of a team in figures", responses=error_responses(401, 403, 404, 422)
)
def overview(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    team_id: Annotated[RowId | None, Query()] = None,
) -> TerritoryOverview:
    """A team's territories: per rep accounts, value, workload against target, drive estimate."""
    return territories.overview(session, settings, principal, team_id)


@router.post(
    "/proposals",
    summary="Propose a territory rebalance (a job)",
    status_code=202,
    responses=error_responses(401, 403, 404, 409, 422, 503),
)
def create_proposal(
    body: ProposalCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    dispatcher: DispatcherDep,
    key: KeyHeader = None,
) -> JobRead:
    """Compute a rebalance of a team's territories as a job that stores it as a proposal.

    The job's `links.proposal` is the proposal to review once it has succeeded.
    Balanced on workload (and value, if asked) within the tolerance, compact around each rep's
    home, moving as few accounts as `move_weight` asks, never moving locked accounts. When no
    assignment meets the tolerance, the tightest achievable one is proposed and `balance.met`
    is false. Nothing moves until the proposal is applied.

    The answer is the job (`Location`: `/api/v1/jobs/{id}`; progress counts seconds of
    `time_limit_s`); the request is checked first (404 for a team out of scope, 422 naming the
    field). The same `Idempotency-Key` again, or the same team and parameters while that job
    has not ended, answers with that job (`Idempotent-Replayed: true`).
    """
    job, replayed = territory_task.submit(session, principal, body, dispatcher, key=key)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobRead.of(job)


@router.get(
    "/proposals", summary="List rebalance proposals", responses=error_responses(401, 403, 404, 422)
)
def list_proposals(
    session: SessionDep,
    principal: CurrentPrincipal,
    team_id: Annotated[RowId | None, Query()] = None,
) -> list[ProposalSummary]:
    """A team's latest proposals, newest first."""
    return territory_proposals.list_proposals(session, principal, team_id)


@router.get(
    "/proposals/{proposal_id}",
    summary="Read a rebalance proposal",
    responses=error_responses(401, 403, 404, 422),
)
def get_proposal(
    proposal_id: RowId, session: SessionDep, principal: CurrentPrincipal
) -> ProposalRead:
    """One proposal: per-rep figures before and after, the moves, the balance reached."""
    return territory_proposals.get_proposal(session, principal, proposal_id)


@router.post(
    "/proposals/{proposal_id}/apply",
    summary="Apply a rebalance proposal",
    responses=error_responses(401, 403, 404, 409, 422),
)
def apply_proposal(
    proposal_id: RowId, session: SessionDep, principal: CurrentPrincipal
) -> ProposalRead:
    """Move the accounts as proposed; 409 if the territories changed since it was computed."""
    return territory_proposals.apply_proposal(session, principal, proposal_id)


@router.post(
    "/proposals/{proposal_id}/discard",
    summary="Discard a rebalance proposal",
    responses=error_responses(401, 403, 404, 409, 422),
)
def discard_proposal(
    proposal_id: RowId, session: SessionDep, principal: CurrentPrincipal
) -> ProposalRead:
    """Drop a proposal without moving anything."""
    return territory_proposals.discard_proposal(session, principal, proposal_id)


@router.get(
    "/changes", summary="List territory changes", responses=error_responses(401, 403, 404, 422)
)
def list_changes(
    params: Annotated[ChangeListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[TerritoryChangeRead]:
    """Every account that changed territory in a team, newest first: who, when, why."""
    return territory_changes.list_changes(session, settings, principal, params.team_id, params)
