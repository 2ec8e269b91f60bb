"""`/api/v1/appointments/slots`: when a field rep can see an account or a new prospect, and
booking the slot chosen (the appointment, and the rep's day planned again with it)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, status

from app.appointments import booking, service
from app.appointments.schemas import BookedSlot, SlotAnswer, SlotBooking, SlotRequest
from app.auth.dependencies import CurrentPrincipal
from app.core.concurrency import admitted, role_settings, run_in_thread, worker_runner
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses

router = APIRouter(tags=["appointments"])


@router.post(
    "/appointments/slots",
    summary="Find appointment slots",
    responses=error_responses(401, 404, 422, 502, 503),
)
async def find_slots(
    body: SlotRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> SlotAnswer:
    """The best times a field rep can see an account (or a new prospect), across the eligible reps.

    Eligible: the rep whose territory holds the account (a prospect: the reps whose territory
    it falls in, else those with the nearest homes), among those you may book for (an inside
    rep: the reps they support). Each slot is the meeting put into that rep's planned day at
    least cost: the drive and working time it adds, and the visits it would push out of a full
    day (value displaced); ranked by both. Where there is no slot, `reasons` says why (closed,
    no room, too far, not working...). Nothing is stored; a slot's `book` is what to post to
    `/api/v1/appointments/slots/book`."""
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(service.search, session, capped, principal, body, run=run)
    async with admitted(request.app, principal.user_id, capped):
        return await run_in_thread(work)


@router.post(
    "/appointments/slots/book",
    summary="Book an appointment slot",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422, 502, 503),
)
async def book_slot(
    body: SlotBooking,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> BookedSlot:
    """Book a slot: the appointment, and the rep's day planned again with it.

    A prospect is stored first, as an account of the rep's territory. The appointment's rules
    hold (the rep's territory, no overlap: 409); a day that cannot be planned with it refuses
    the booking (422) and stores nothing."""
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(booking.book, session, capped, principal, body, run=run)
    async with admitted(request.app, principal.user_id, capped):
        return await run_in_thread(work)
