"""The rep's own changes to a day: add an account, pin or unpin a stop, move a stop."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response, status

from app.auth.dependencies import CurrentPrincipal
from app.core.concurrency import admitted, role_settings, run_in_thread, worker_runner
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import Day, RowId
from app.plans import stop_changes
from app.plans.schemas import PlanRead, StopAdd, StopMove, StopMoveRun, StopPinRead

router = APIRouter(tags=["plans"])


@router.post(
    "/reps/{rep_id}/plans/{day}/stops",
    summary="Add an account to a day",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422, 503),
)
async def add_stop(
    rep_id: RowId,
    day: Day,
    body: StopAdd,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> PlanRead:
    """Put an account of the rep's territory on the day's route and plan the day around it.

    Today: the rest of the day from `latitude`/`longitude` (or the last stop reached), keeping
    what is done. The account stays required on that day through later plans; refused (422,
    nothing stored) when it cannot be fitted: closed, the shift over, no time left."""
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(stop_changes.add_stop, session, principal, rep_id, day, body, capped, run=run)
    async with admitted(request.app, principal.user_id, capped):
        return await run_in_thread(work)


@router.put(
    "/reps/{rep_id}/plans/{day}/stops/{account_id}/pin",
    summary="Pin a stop to its day",
    responses=error_responses(401, 403, 404, 409, 422),
)
def pin_stop(
    rep_id: RowId,
    day: Day,
    account_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> StopPinRead:
    """Keep a not-yet-visited stop of the day's plan on that day through re-plans."""
    return stop_changes.pin_stop(session, principal, rep_id, day, account_id, settings)


@router.delete(
    "/reps/{rep_id}/plans/{day}/stops/{account_id}/pin",
    summary="Unpin a stop",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404, 422),
)
def unpin_stop(
    rep_id: RowId,
    day: Day,
    account_id: RowId,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> Response:
    """Forget that the account was pinned, added or moved to the day."""
    stop_changes.unpin_stop(session, principal, rep_id, day, account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/reps/{rep_id}/plans/{day}/stops/{account_id}/move",
    summary="Move a stop to another day",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 409, 422, 503),
)
async def move_stop(
    rep_id: RowId,
    day: Day,
    account_id: RowId,
    body: StopMove,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> StopMoveRun:
    """Move a not-yet-visited stop to another working day within the look-ahead (7 days).

    It leaves this day and is required on `to_date`; both days are planned again (today: the
    rest of it, from `latitude`/`longitude`). Refused, nothing stored, if it cannot fit there."""
    capped = role_settings(settings, principal.role)
    run = worker_runner(request.app)
    work = partial(
        stop_changes.move_stop, session, principal, rep_id, day, account_id, body, capped, run=run
    )
    async with admitted(request.app, principal.user_id, capped):
        return await run_in_thread(work)
