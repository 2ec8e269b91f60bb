"""`/api/v1/reports/weekly` (JSON) and `/api/v1/reports/weekly.csv`: per rep and week, visits,
remote touches, value covered, km driven, cost per visit and coverage by channel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from app.auth.dependencies import CurrentPrincipal
from app.core.deps import SessionDep, SettingsDep
from app.core.http_errors import error_responses
from app.core.schemas import RowId
from app.reports import service
from app.reports.schemas import Monday, WeeklyReport

router = APIRouter(tags=["reports"])

CSV = "text/csv; charset=utf-8"
From = Annotated[Monday, Query(alias="from", description="the first week's Monday")]
To = Annotated[
    Monday,
    Query(description="the last week's Monday (at most 26 weeks from `from`, included)"),
]


def _csv_responses() -> dict[int | str, dict[str, Any]]:
    # The default would document a JSON body; this answers a file.
    responses = error_responses(401, 404, 422, 502, 503)
    responses[200] = {"content": {"text/csv": {}}, "description": "The file"}
    return responses


@router.get(
    "/reports/weekly",
    summary="Weekly figures per rep (visits, touches, value, cost)",
    responses=error_responses(401, 404, 422, 502, 503),
)
def weekly(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    team_id: RowId,
    start: From,
    to: To,
) -> WeeklyReport:
    """Per rep and ISO week of a team, and the totals of the reps listed per week.

    Visits in person done, remote touches by channel, the annual value of the accounts met,
    km driven (the plan vs actual estimate from the recorded visits), cost (km x cost per km +
    drive hours x cost per hour + drive and visit hours x cost per working hour) per visit, and
    the rep's accounts by coverage with how many of each were met that week. Managers and
    admins see their teams' reps; a field rep sees their own row, an inside rep theirs and
    the reps they support."""
    return service.weekly_report(session, principal, settings, team_id, start, to)


@router.get(
    "/reports/weekly.csv",
    summary="Weekly figures per rep as CSV",
    response_class=Response,
    responses=_csv_responses(),
)
def weekly_csv(
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    team_id: RowId,
    start: From,
    to: To,
) -> Response:
    """The weekly report as CSV: one row per rep and week, the JSON answer's figures.

    Text cells that a spreadsheet would read as a formula are defused (a leading
    apostrophe)."""
    report = service.weekly_report(session, principal, settings, team_id, start, to)
    return Response(
        content=service.weekly_csv(report).encode("utf-8"),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{service.csv_filename(report)}"'},
    )
