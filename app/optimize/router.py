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


@router.post("/optimize", responses=error_responses(400, 401, 413, 422))
async def optimize(
    body: OptimizeRequest, settings: SettingsDep, request: Request
) -> OptimizeResponse:
    """Plan the best routes for the given vehicles and stops (no stored state)."""
    return await run_cpu_bound(request.app, partial(service.optimize, body, settings))
