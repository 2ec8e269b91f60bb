"""`POST /api/v1/optimize`: stateless route optimisation."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request

from app.auth.dependencies import CurrentPrincipal
from app.core.concurrency import admitted, role_settings, solve_in_worker
from app.core.deps import SettingsDep
from app.core.http_errors import error_responses
from app.optimize import service
from app.optimize.schemas import OptimizeRequest, OptimizeResponse

router = APIRouter(tags=["optimize"])


@router.post(
    "/optimize",
    summary="Optimize routes (stateless)",
    responses=error_responses(400, 401, 413, 422, 502, 503),
)
async def optimize(
    body: OptimizeRequest, settings: SettingsDep, request: Request, principal: CurrentPrincipal
) -> OptimizeResponse:
    """Plan the best routes for the given vehicles and stops (no stored state).

    Times are seconds on a clock of your choosing, distances metres. Either every place has a
    `location` (travel then comes from the server's road engine, or from a straight-line
    estimate where no road data is set up: `summary.travel_model` says which) or `matrix` gives
    the durations and every place an `index`. Stops not worth their detour, that do not fit or
    that no road reaches come back in `unassigned` with a reason; a `required` stop that cannot
    be served is a 422 naming it. A road engine that fails is a 502, one that does not answer a
    503: never a silent straight-line plan.

    `options.time_limit` is capped by role (`summary.time_limit` says what was used). Each user
    has one solve running at a time; a further one waits its turn, and beyond that the answer
    is 429 (yours) or 503 (the server's queue is full), with `Retry-After`.
    """
    capped = role_settings(settings, principal.role)
    async with admitted(request.app, principal.user_id, capped):
        admitted_at = time.monotonic()
        return await solve_in_worker(request.app, service.optimize, body, capped, admitted_at)
