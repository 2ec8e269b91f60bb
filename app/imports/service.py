"""CRM account imports: upsert by external id, geocode what moved, report row by row.

An import runs as a durable job (`app.imports.task`, on `app.jobs`): the file is stored with the
job, and all its rows are written in ONE transaction, committed with the job's end: good rows
are committed even when other rows are rejected, a crash half-way leaves nothing half-written,
and a retry applies the file once. A dry run does the same work (geocoding included, so the
preview shows how precisely each account would be placed) and rolls back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.auth.access import account_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Settings
from app.imports.parsing import AccountRow, ParsedFile, RowError
from app.imports.upsert import Refs, apply_point, apply_row, resolve
from app.jobs import service as jobs
from app.jobs.dispatch import Dispatcher
from app.jobs.run import this_runner
from app.models import Account, ImportJob
from app.placement.service import place_accounts
from app.teams.service import default_team
from app.territories.changes import record_move

KIND = "import_accounts"
CHUNK_ROWS = 500
MAX_REPORTED_ERRORS = 1000
MAX_PREVIEW_ROWS = 500


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_placed: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    def note(self, row: AccountRow, action: str, changes: Sequence[str]) -> None:
        setattr(self, action, getattr(self, action) + 1)
        if len(self.preview) < MAX_PREVIEW_ROWS:
            self.preview.append(
                {"row": row.row, "external_id": row.external_id, "action": action,
                 "changes": list(changes)}
            )  # fmt: skip


def submit(
    session: Session,
    principal: Principal,
    parsed: ParsedFile,
    data: bytes,
    dispatcher: Dispatcher,
    *,
    filename: str | None,
    dry_run: bool,
    team_id: int | None,
    mapping: dict[str, str] | None,
    key: str | None = None,
) -> tuple[ImportJob, bool]:
    """Store the file and queue its import as a job (`app.imports.task`); with `key`, a repeat
    of the same submission (a double click) is the first one's import. Returns the import and
    whether it is that repeat."""
    params = {"dry_run": dry_run, "team_id": team_id, "mapping": mapping, "filename": filename}
    prior = jobs.existing(session, principal, key, jobs.fingerprint(KIND, params, data))
    if prior is not None:
        return session.scalars(select(ImportJob).where(ImportJob.job_id == prior.id)).one(), True
    job = jobs.create(
        session, principal, kind=KIND, params=params, data=data, total=parsed.total_rows,
        team_id=team_id if team_id is not None else default_team(principal), key=key,
    )  # fmt: skip
    row = start_job(session, principal, parsed, filename=filename, dry_run=dry_run,
                    team_id=team_id, job_id=job.id)  # fmt: skip
    job.links = {"import": f"/api/v1/imports/{row.id}"}
    jobs.dispatch(session, job, dispatcher)
    return row, False


def start_job(
    session: Session,
    principal: Principal,
    parsed: ParsedFile,
    *,
    filename: str | None,
    dry_run: bool,
    team_id: int | None,
    job_id: int | None = None,
) -> ImportJob:
    """The import's row for a parsed file, queued (its job runs it)."""
    job = ImportJob(
        kind="accounts",
        status="queued",
        dry_run=dry_run,
        filename=filename,
        created_by_id=principal.user_id,
        runner=this_runner(),
        team_id=team_id,
        job_id=job_id,
        total_rows=parsed.total_rows,
        mapping=parsed.mapped,
        report={"encoding": parsed.encoding, "encoding_confidence": parsed.encoding_confidence,
                "delimiter": parsed.delimiter, "unmapped_columns": parsed.unmapped,
                "file_warnings": [{"code": w.code, "message": w.message} for w in parsed.warnings]},
    )  # fmt: skip
    session.add(job)
    session.flush()
    return job


def record_outcome(job: ImportJob, parsed: ParsedFile, outcome: Outcome) -> None:
    """The import's counts and row-level report, and its end."""
    errors = parsed.errors + outcome.errors
    job.created, job.updated, job.unchanged = outcome.created, outcome.updated, outcome.unchanged
    job.rejected = len({error.row for error in errors})
    job.not_placed = outcome.not_placed
    job.processed_rows = parsed.total_rows
    job.report = {
        **job.report,
        "errors": [_error_dict(e) for e in sorted(errors, key=lambda e: e.row)][
            :MAX_REPORTED_ERRORS
        ],
        "warnings": [_error_dict(w) for w in outcome.warnings][:MAX_REPORTED_ERRORS],
        "preview": outcome.preview,
    }
    job.status, job.error, job.finished_at = "succeeded", None, clock.now()


def import_rows(
    session: Session,
    settings: Settings,
    parsed: ParsedFile,
    principal: Principal,
    *,
    team_id: int | None,
    advance: Callable[[int], None] = lambda _: None,
) -> Outcome:
    """Upsert the file's good rows into `session` (not committed) and geocode what needs it."""
    outcome = Outcome()
    refs = Refs.load(
        session, principal, team_id if team_id is not None else default_team(principal)
    )
    done = 0
    for chunk in _chunks(parsed.rows, CHUNK_ROWS):
        ids = [row.external_id for row in chunk]
        existing = _existing(session, ids)
        yours = _existing(session, ids, account_scope(principal))
        to_place: list[Account] = []
        moved: list[tuple[Account, int | None]] = []
        for row in chunk:
            account = existing.get(row.external_id)
            if account is not None and row.external_id not in yours:
                outcome.errors.append(
                    RowError(row.row, None, row.external_id, "this id is taken by an account "
                             "you cannot change (external ids are unique company-wide)")
                )  # fmt: skip
                continue
            placement = resolve(row, refs, account)
            if isinstance(placement, RowError):
                outcome.errors.append(placement)
                continue
            is_new = account is None
            if account is None:
                account = Account(external_id=row.external_id, pin_manual=False, locked=False)
                session.add(account)
            territory_before = account.territory_id
            changes, warnings = apply_row(account, row, placement, is_new=is_new)
            if account.territory_id != territory_before:
                moved.append((account, territory_before))
            outcome.warnings.extend(warnings)
            if apply_point(account, row, changes, is_new=is_new):
                to_place.append(account)
            action = "created" if is_new else ("updated" if changes else "unchanged")
            outcome.note(row, action, changes)
        session.flush()
        for account, territory_before in moved:
            record_move(session, principal, account, territory_before, source="import")
        place_accounts(session, settings, to_place)
        outcome.not_placed += sum(1 for account in to_place if account.latitude is None)
        done += len(chunk)
        advance(done + _rows_rejected_before(parsed, done))
    session.flush()
    return outcome


def _existing(
    session: Session, external_ids: Sequence[str], scope: ColumnElement[bool] | None = None
) -> dict[str, Account]:
    query = select(Account).where(Account.external_id.in_(external_ids))
    if scope is not None:
        query = query.where(scope)
    return {
        account.external_id: account for account in session.scalars(query) if account.external_id
    }


def _rows_rejected_before(parsed: ParsedFile, done: int) -> int:
    # Rows the parser rejected are counted as processed along with the good ones.
    return round(len(parsed.errors) * done / max(1, len(parsed.rows)))


def _chunks(rows: Sequence[AccountRow], size: int) -> Iterable[Sequence[AccountRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _error_dict(error: RowError) -> dict[str, Any]:
    return {"row": error.row, "column": error.column, "value": error.value,
            "message": error.message}  # fmt: skip
