"""`/api/v1/imports`: upload a CRM export (CSV), poll the job, read the row-level report."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Response, UploadFile

from app.auth.access import require_role
from app.auth.dependencies import CurrentPrincipal
from app.core.config import Role
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import InvalidRequest, PayloadTooLarge
from app.core.http_errors import error_responses
from app.core.schemas import RowId
from app.imports import jobs as import_jobs
from app.imports.parsing import CsvFormatError, read_accounts_csv
from app.imports.schemas import ImportJobRead, ImportJobSummary
from app.imports.service import submit
from app.jobs.dependencies import DispatcherDep
from app.visits.idempotency import REPLAYED_HEADER, KeyHeader

router = APIRouter(prefix="/imports", tags=["imports"])


@router.post(
    "/accounts",
    summary="Import accounts from a CSV file",
    status_code=202,
    responses=error_responses(401, 403, 404, 409, 413, 422, 503),
)
def import_accounts(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: CurrentPrincipal,
    dispatcher: DispatcherDep,
    file: UploadFile,
    dry_run: Annotated[bool, Form(description="preview what each row would do")] = False,
    mapping: Annotated[
        str | None,
        Form(
            description="JSON: account field -> column header, for columns not recognised, "
            'e.g. `{"external_id": "Customer No", "name": "Company", "value": "Revenue"}`'
        ),
    ] = None,
    team_id: Annotated[RowId | None, Form()] = None,
    key: KeyHeader = None,
) -> ImportJobRead:
    """Import accounts from a CRM export; poll the returned job for counts and rejected rows.

    The file is CSV (`,` `;` or tab) in UTF-8 (with or without BOM), UTF-16 or UTF-32 with a
    BOM, or a Windows or Mac code page, which is guessed: `encoding` and `encoding_confidence`
    say which and how sure, and `file_warnings` says when it is only a guess. Columns are
    recognised by their CRM names (Salesforce, HubSpot, Dynamics, Pipedrive, Zoho, generic)
    unless `mapping` (JSON: `{"external_id": "Customer No", ...}`) says otherwise;
    `file_warnings` also says when no column gives the account value. Rows are upserted by
    external id; `dry_run=true` previews without writing. The file is stored and imported by a
    background job (`job_id`, at `/api/v1/jobs/{job_id}`); the same `Idempotency-Key` again
    (a double click) answers with the first submission's import.
    """
    require_role(principal, Role.ADMIN, Role.MANAGER)
    # A plain `def`: FastAPI runs it in a worker thread, so parsing a big file does not hold up
    # the event loop.
    data = file.file.read(settings.max_import_bytes + 1)
    if len(data) > settings.max_import_bytes:
        raise PayloadTooLarge(
            f"file: larger than {settings.max_import_bytes // (1024 * 1024)} MiB; split it",
            field="file",
        )
    explicit = _mapping(mapping)
    try:
        parsed = read_accounts_csv(data, mapping=explicit, max_rows=settings.max_import_rows)
    except CsvFormatError as exc:
        raise InvalidRequest(f"file: {exc}", field="file") from exc
    import_jobs.check_team_choice(session, principal, team_id)
    job, replayed = submit(
        session, principal, parsed, data, dispatcher, filename=_filename(file.filename),
        dry_run=dry_run, team_id=team_id, mapping=explicit, key=key,
    )  # fmt: skip
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return ImportJobRead.of(job)


@router.get("", summary="List import jobs", responses=error_responses(401, 403))
def list_imports(session: SessionDep, principal: CurrentPrincipal) -> list[ImportJobSummary]:
    """The latest import jobs (yours; all of them for admins), newest first."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    return [ImportJobSummary.of(job) for job in import_jobs.latest(session, principal)]


@router.get(
    "/{job_id}",
    summary="Read an import job and its report",
    responses=error_responses(401, 403, 404),
)
def get_import(job_id: RowId, session: SessionDep, principal: CurrentPrincipal) -> ImportJobRead:
    """One import job: status, counts, and the rejected rows with row, column and reason."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    return ImportJobRead.of(import_jobs.get(session, principal, job_id))


def _filename(name: str | None) -> str | None:
    """The upload's name as shown back: printable, and short enough for its column."""
    if not name:
        return None
    printable = "".join(ch for ch in name if ch.isprintable())
    return printable.encode("utf-8", "replace").decode("utf-8")[:255] or None


def _mapping(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRequest(f"mapping: not JSON ({exc.msg})", field="mapping") from exc
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidRequest(
            'mapping: a JSON object of field -> column header, e.g. {"external_id": "Cust No"}',
            field="mapping",
        )
    return value
