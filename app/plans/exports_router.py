"""`/api/v1/reps/{rep_id}/plans/{day}/...`: a day plan as ICS, GPX, CSV or GeoJSON, and its
call-instead list as CSV, as file downloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy.orm import Session

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep
from app.core.http_errors import error_responses
from app.core.schemas import Day, RowId
from app.plans import exports as plan_exports
from app.plans import service as plans
from app.plans.schemas import PlanRead

router = APIRouter(tags=["plans"])
RepId = Annotated[RowId, Path()]
Version = Annotated[RowId | None, Query(description="A plan version; default: the latest")]

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


@dataclass(frozen=True, slots=True)
class _Export:
    name: str
    media_type: str
    suffix: str
    render: Callable[[PlanRead, Session], str]
    summary: str
    description: str


def _of_plan(render: Callable[[PlanRead], str]) -> Callable[[PlanRead, Session], str]:
    """A format that needs nothing but the plan."""
    return lambda plan, _session: render(plan)


def _ics(plan: PlanRead, session: Session) -> str:
    # Earlier versions' stops that this one dropped come as cancelled events.
    return plan_exports.plan_ics(plan, earlier=plans.earlier_stops(session, plan))


def _geojson(plan: PlanRead) -> str:
    return json.dumps(plan_exports.plan_geojson(plan), ensure_ascii=False)


EXPORTS = (
    _Export("export.ics", ICS, ".ics", _ics, "Day plan as iCalendar (ICS)",
            "The day plan as an iCalendar file: one event per stop, times in UTC. An event "
            "keeps its UID from version to version of the day (with a higher SEQUENCE), and "
            "stops an earlier version planned and this one does not come as cancelled events, "
            "so importing a re-planned day updates a calendar instead of adding copies."),
    _Export("export.gpx", GPX, ".gpx", _of_plan(plan_exports.plan_gpx), "Day plan as GPX",
            "The day plan as GPX 1.1: waypoints for start, stops and end, and the route "
            "through them."),
    _Export("export.csv", CSV, ".csv", _of_plan(plan_exports.plan_csv), "Day plan as CSV",
            "The day plan's stops as CSV, in route order, times on the rep's clock."),
    _Export("export.geojson", GEOJSON, ".geojson", _of_plan(_geojson), "Day plan as GeoJSON",
            "The day plan as a GeoJSON FeatureCollection: the route line and a point per stop."),
    _Export("call-instead.csv", CSV, "-call-instead.csv", _of_plan(plan_exports.call_instead_csv),
            "Call-instead list as CSV",
            "The accounts to call or e-mail instead of visiting that day, as CSV, most "
            "valuable first."),
)  # fmt: skip


def _add_route(export: _Export) -> None:
    def download(
        rep_id: RepId,
        day: Day,
        session: SessionDep,
        principal: CurrentPrincipal,
        version: Version = None,
    ) -> Response:
        plan = plans.current_plan(session, principal, rep_id, day, version)
        return _download(plan, export.render(plan, session), export.media_type, export.suffix)

    router.add_api_route(
        f"/reps/{{rep_id}}/plans/{{day}}/{export.name}",
        download,
        methods=["GET"],
        name=f"plan_{export.name.replace('.', '_').replace('-', '_')}",
        summary=export.summary,
        description=export.description,
        response_class=Response,
        responses=_responses(export.media_type),
    )


for _export in EXPORTS:
    _add_route(_export)
