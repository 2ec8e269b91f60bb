"""`GET /api/v1/roads`: which travel model plans are made with, for integrators and support."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.jobs.dependencies import DispatcherDep
from app.jobs.schemas import JobRead
from app.roads import service, task
from app.roads.schemas import RoadBuildRequest, TravelModelOut

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


@router.post(
    "/roads/builds",
    summary="Build road data (a job)",
    status_code=202,
    responses=error_responses(401, 403, 409, 422, 503),
)
def build_roads(
    body: RoadBuildRequest,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    dispatcher: DispatcherDep,
) -> JobRead:
    """Build OSRM road data from an extract in the data directory's `extracts/` (admins).

    The build runs as a background job (poll its `Location`; progress counts OSRM's three
    steps); the region's data in use is swapped for the new build only when it is complete."""
    job = task.submit(session, principal, settings, dispatcher, extract=body.extract,
                      region=body.region)  # fmt: skip
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobRead.of(job)
