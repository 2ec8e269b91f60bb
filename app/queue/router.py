"""`/api/v1/queue`: the accounts to call, e-mail or meet by video, ranked by touch value."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.queue import service
from app.queue.schemas import Queue, QueueParams

router = APIRouter(tags=["queue"])


@router.get("/queue", summary="The queue of touches", responses=error_responses(401, 404, 422))
def read_queue(
    params: Annotated[QueueParams, Query()],
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
) -> Queue:
    """Accounts to call, e-mail or meet by video on a day, ranked by what a touch is worth.

    An inside rep's queue gathers the call-instead lists of the day's plans of the field reps
    they support and their accounts covered remotely that are due; a field rep's, their own.
    Each says why it is there. Accounts on the day's route, or touched or visited that day,
    are not."""
    return service.read_queue(session, settings, principal, params)
