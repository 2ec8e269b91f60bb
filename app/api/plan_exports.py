"""`/api/v1/reps/{rep_id}/plans/{day}/...`: a day plan as ICS, GPX, CSV or GeoJSON, and its
call-instead list as CSV, as file downloads."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from app import plan_exports
from app.db import SessionDep
from app.errors import error_responses
from app.schemas.common import MAX_ROW_ID
from app.schemas.plans import PlanRead
from app.security import CurrentPrincipal
from app.services import plans

router = APIRouter(tags=["plans"])
RepId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Version = Annotated[
    int | None, Query(ge=1, le=MAX_ROW_ID, description="A plan version; default: the latest")
]

ICS = "text/calendar; charset=utf-8"
GPX = "application/gpx+xml"
CSV = "text/csv; charset=utf-8"
GEOJSON = "application/geo+json"


def _responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    # The default would document a JSON body; these answer a file.
    responses = error_responses(401, 404, 422)
    responses[200] = {"content": {media_type.split(";")[0]: {}}, "description": "The file"}
    return responses


def _download(plan: PlanRead, body: str, media_type: str, suffix: str) -> Response:
    filename = f"fieldroute-{plan.rep_id}-{plan.date.isoformat()}-v{plan.version}{suffix}"
    return Response(
        content=body.encode("utf-8"),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/reps/{rep_id}/plans/{day}/export.ics", response_class=Response, responses=_responses(ICS)
)
def export_ics(
    rep_id: RepId,
    day: date,
    session: SessionDep,
    principal: CurrentPrincipal,
    version: Version = None,
) -> Response:
    """The day plan as an iCalendar file: one event per stop, times in UTC."""
    plan = plans.current_plan(session, principal, rep_id, day, version)
    return _download(plan, plan_exports.plan_ics(plan), ICS, ".ics")


@router.get(
    "/reps/{rep_id}/plans/{day}/export.gpx", response_class=Response, responses=_responses(GPX)
)
def export_gpx(
    rep_id: RepId,
    day: date,
    session: SessionDep,
    principal: CurrentPrincipal,
    version: Version = None,
) -> Response:
    """The day plan as GPX 1.1: waypoints for start, stops and end, and the route through them."""
    plan = plans.current_plan(session, principal, rep_id, day, version)
    return _download(plan, plan_exports.plan_gpx(plan), GPX, ".gpx")


@router.get(
    "/reps/{rep_id}/plans/{day}/export.csv", response_class=Response, responses=_responses(CSV)
)
def export_csv(
    rep_id: RepId,
    day: date,
    session: SessionDep,
    principal: CurrentPrincipal,
    version: Version = None,
) -> Response:
    """The day plan's stops as CSV, in route order, times on the rep's clock."""
    plan = plans.current_plan(session, principal, rep_id, day, version)
    return _download(plan, plan_exports.plan_csv(plan), CSV, ".csv")


@router.get(
    "/reps/{rep_id}/plans/{day}/export.geojson",
    response_class=Response,
    responses=_responses(GEOJSON),
)
def export_geojson(
    rep_id: RepId,
    day: date,
    session: SessionDep,
    principal: CurrentPrincipal,
    version: Version = None,
) -> Response:
    """The day plan as a GeoJSON FeatureCollection: the route line and a point per stop."""
    plan = plans.current_plan(session, principal, rep_id, day, version)
    body = json.dumps(plan_exports.plan_geojson(plan), ensure_ascii=False)
    return _download(plan, body, GEOJSON, ".geojson")


@router.get(
    "/reps/{rep_id}/plans/{day}/call-instead.csv",
    response_class=Response,
    responses=_responses(CSV),
)
def export_call_instead(
    rep_id: RepId,
    day: date,
    session: SessionDep,
    principal: CurrentPrincipal,
    version: Version = None,
) -> Response:
    """The accounts to call or e-mail instead of visiting that day, as CSV, most valuable first."""
    plan = plans.current_plan(session, principal, rep_id, day, version)
    return _download(plan, plan_exports.call_instead_csv(plan), CSV, "-call-instead.csv")
