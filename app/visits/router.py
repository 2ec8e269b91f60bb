"""`/api/v1/visits` and `/api/v1/appointments`: record, list and correct visits; book and cancel
appointments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, status

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page, RowId
from app.visits import service
from app.visits.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    VisitCreate,
    VisitListParams,
    VisitRead,
    VisitUpdate,
)

router = APIRouter(tags=["visits"])
VisitId = Annotated[RowId, Path()]


@router.get("/visits", summary="List visits", responses=error_responses(401, 422))
def list_visits(
    params: Annotated[VisitListParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Page[VisitRead]:
    """List the visits you may see (a rep: their own), filtered, sorted and paged."""
    return service.list_visits(session, settings, principal, params)


@router.post(
    "/visits",
    summary="Record a visit",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422),
)
def record_visit(
    body: VisitCreate, session: SessionDep, settings: SettingsDep, principal: CurrentPrincipal
) -> VisitRead:
    """Record arrived, done or skipped at an account (closes the day's open visit there)."""
    return service.record_visit(session, settings, principal, body)


@router.patch(
    "/visits/{visit_id}", summary="Correct a visit", responses=error_responses(401, 404, 409, 422)
)
def update_visit(
    visit_id: VisitId, body: VisitUpdate, session: SessionDep, principal: CurrentPrincipal
) -> VisitRead:
    """Correct a visit's outcome, notes or reason, or turn done into skipped and back."""
    return service.update_visit(session, principal, visit_id, body)


@router.post(
    "/appointments",
    summary="Book an appointment",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422),
)
def book_appointment(
    body: AppointmentCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> VisitRead:
    """Book an appointment: a required stop at a set time on the rep's day."""
    return service.book_appointment(session, settings, principal, body)


@router.post(
    "/appointments/{visit_id}/cancel",
    summary="Cancel an appointment",
    responses=error_responses(401, 404, 409, 422),
)
def cancel_appointment(
    visit_id: VisitId,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: Annotated[AppointmentCancel | None, Body()] = None,
) -> VisitRead:
    """Cancel a booked appointment (the body, with a reason, is optional)."""
    return service.cancel_appointment(session, principal, visit_id, body)
