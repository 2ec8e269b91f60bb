"""`POST /api/v1/optimize`: stateless route optimisation."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request

from app.core.concurrency import run_cpu_bound
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
    body: OptimizeRequest, settings: SettingsDep, request: Request
) -> OptimizeResponse:
    """Plan the best routes for the given vehicles and stops (no stored state).

    Times are seconds on a clock of your choosing, distances metres. Either every place has a
    `location` (travel then comes from the server's road engine, or from a straight-line
    estimate where no road data is set up: `summary.travel_model` says which) or `matrix` gives
    the durations and every place an `index`. Stops not worth their detour, that do not fit or
    that no road reaches come back in `unassigned` with a reason; a `required` stop that cannot
    be served is a 422 naming it. A road engine that fails is a 502, one that does not answer a
    503: never a silent straight-line plan.
    """
    return await run_cpu_bound(request.app, partial(service.optimize, body, settings))
