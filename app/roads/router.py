"""`GET /api/v1/roads`: which travel model plans are made with, for integrators and support."""

from __future__ import annotations

from fastapi import APIRouter

from app.core.deps import SettingsDep
from app.core.http_errors import error_responses
from app.roads import service
from app.roads.schemas import TravelModelOut

router = APIRouter(tags=["roads"])


@router.get(
    "/roads",
    response_model=TravelModelOut,
    summary="The travel model in use",
    responses=error_responses(401),
)
def travel_model(settings: SettingsDep) -> TravelModelOut:
    """The travel model that times plans and `/optimize` now.

    Road data (region, version, when built) or the straight-line estimate, and the estimate
    fitted to the roads that answers for places outside them."""
    return service.describe(settings)
