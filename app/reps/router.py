"""`/api/v1/reps`: list, read, create, change and delete reps; set whom an inside rep supports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page, RowId
from app.reps import service
from app.reps.schemas import RepCreate, RepListParams, RepRead, RepUpdate, SupportsUpdate

router = APIRouter(prefix="/reps", tags=["reps"])
RepId = Annotated[RowId, Path()]


@router.get("", summary="List reps", responses=error_responses(401, 422))
def list_reps(
    params: Annotated[RepListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[RepRead]:
    """List the reps you may see (a rep: only themselves), filtered, sorted and paged."""
    return service.list_reps(session, settings, principal, params)


@router.post(
    "",
    summary="Create a rep",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 409, 422),
)
def create_rep(
    body: RepCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
) -> RepRead:
    """Create a rep and place their home on the map (admins; managers in their teams)."""
    rep = service.create_rep(session, settings, principal, body)
    response.headers["Location"] = str(request.url_for("read_rep", rep_id=rep.id))
    return rep


@router.get("/{rep_id}", summary="Read a rep", responses=error_responses(401, 404, 422))
def read_rep(rep_id: RepId, session: SessionDep, principal: CurrentPrincipal) -> RepRead:
    """One rep: home, working days, shift and lunch, costs and time zone."""
    return service.read_rep(session, principal, rep_id)


@router.patch(
    "/{rep_id}", summary="Change a rep", responses=error_responses(401, 403, 404, 409, 422)
)
def update_rep(
    rep_id: RepId,
    body: RepUpdate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> RepRead:
    """Change some fields of a rep (admins; managers in their teams)."""
    return service.update_rep(session, settings, principal, rep_id, body)


@router.delete(
    "/{rep_id}",
    summary="Delete a rep",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
def delete_rep(rep_id: RepId, session: SessionDep, principal: CurrentPrincipal) -> None:
    """Delete a rep with their visits and plans (admins and managers)."""
    service.delete_rep(session, principal, rep_id)


@router.put(
    "/{rep_id}/supports",
    summary="Set the field reps an inside rep supports",
    responses=error_responses(401, 403, 404, 422),
)
def set_supports(
    rep_id: RepId, body: SupportsUpdate, session: SessionDep, principal: CurrentPrincipal
) -> RepRead:
    """Replace the field reps an inside rep supports (admins; managers within their teams).

    Their call-instead lists and accounts covered remotely make the inside rep's queue."""
    return service.set_supports(session, principal, rep_id, body)
