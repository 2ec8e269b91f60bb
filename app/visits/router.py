"""`/api/v1/visits`, `/api/v1/touches` and `/api/v1/appointments`: record, list and correct
visits; log remote touches; book and cancel appointments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Page, RowId
from app.visits import service
from app.visits.idempotency import KeyHeader, once
from app.visits.schemas import (
    AppointmentCancel,
    AppointmentCreate,
    TouchCreate,
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
    responses=error_responses(401, 403, 404, 409, 422),
)
def record_visit(
    body: VisitCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> VisitRead:
    """Record arrived, done or skipped at an account (closes the day's open visit there).

    With an `Idempotency-Key`, a repeat answers as the first time and records nothing."""
    return once(
        session,
        principal,
        request,
        response,
        idempotency_key,
        body,
        VisitRead,
        lambda: service.record_visit(session, settings, principal, body),
        status.HTTP_201_CREATED,
    )


@router.post(
    "/touches",
    summary="Log a call, e-mail or video meeting",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 422),
)
def record_touch(
    body: TouchCreate,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> VisitRead:
    """Log a remote touch, done: it counts toward the account's cadence by a share of a visit.

    Field reps touch their own accounts, inside reps those of the reps they support (as
    themselves); an account outside yours is a 404. With an `Idempotency-Key`, a repeat
    answers as the first time and logs nothing."""
    return once(
        session,
        principal,
        request,
        response,
        idempotency_key,
        body,
        VisitRead,
        lambda: service.record_touch(session, settings, principal, body),
        status.HTTP_201_CREATED,
    )


@router.patch(
    "/visits/{visit_id}",
    summary="Correct a visit",
    responses=error_responses(401, 403, 404, 409, 422),
)
def update_visit(
    visit_id: VisitId,
    body: VisitUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> VisitRead:
    """Correct a visit's outcome, notes or reason, or turn done into skipped and back.

    With an `Idempotency-Key`, a repeat answers as the first time and changes nothing."""
    return once(
        session,
        principal,
        request,
        response,
        idempotency_key,
        body,
        VisitRead,
        lambda: service.update_visit(session, principal, visit_id, body),
    )


@router.post(
    "/appointments",
    summary="Book an appointment",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422),
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
    responses=error_responses(401, 403, 404, 409, 422),
)
def cancel_appointment(
    visit_id: VisitId,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: Annotated[AppointmentCancel | None, Body()] = None,
) -> VisitRead:
    """Cancel a booked appointment (the body, with a reason, is optional)."""
    return service.cancel_appointment(session, principal, visit_id, body)
