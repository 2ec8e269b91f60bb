"""CRM account imports: upsert by external id, geocode what moved, report row by row.

All rows of a file are written in ONE transaction: good rows are committed even when other rows
are rejected, but a crash half-way leaves nothing half-written. A dry run does the same work
(geocoding included, so the preview shows how precisely each account would be placed) and rolls
back. Progress is kept in memory while the job runs (`progress_of`): on SQLite a second session
could not commit while the import holds the write lock. The job row says running, then the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Role, Settings
from app.db import SessionFactory
from app.imports import AccountRow, ParsedFile, RowError
from app.models import Account, ImportJob, Team, Territory, utcnow
from app.security import Principal
from app.services.placement import place_accounts

CHUNK_ROWS = 500
MAX_REPORTED_ERRORS = 1000
MAX_PREVIEW_ROWS = 500

# Account columns an import can set, and which of them make up the address.
IMPORTED_FIELDS = (
    "name", "street", "city", "postcode", "region", "country", "phone", "value", "tier",
    "cadence_days", "service_minutes", "opening_hours", "notes", "active",
)  # fmt: skip
ADDRESS_FIELDS = frozenset({"street", "city", "postcode", "region", "country"})
DEFAULTS: dict[str, Any] = {"value": 0.0, "service_minutes": 30, "active": True}

Progress = Callable[[int, int], None]
"""Called with (rows processed, rows in the file) as chunks finish."""

_running: dict[int, int] = {}
_running_lock = threading.Lock()


def progress_of(job_id: int) -> int | None:
    """Rows processed so far by a job running in this process (None when it is not)."""
    with _running_lock:
        return _running.get(job_id)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_placed: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    def note(self, row: AccountRow, action: str, changes: Sequence[str]) -> None:
        setattr(self, action, getattr(self, action) + 1)
        if len(self.preview) < MAX_PREVIEW_ROWS:
            self.preview.append(
                {"row": row.row, "external_id": row.external_id, "action": action,
                 "changes": list(changes)}
            )  # fmt: skip


def start_job(
    session: Session,
    principal: Principal,
    parsed: ParsedFile,
    *,
    filename: str | None,
    dry_run: bool,
    team_id: int | None,
) -> ImportJob:
    """Record a queued job for a parsed file (the caller runs it with `run_job`)."""
    job = ImportJob(
        kind="accounts",
        status="queued",
        dry_run=dry_run,
        filename=filename,
        created_by_id=principal.user_id,
        team_id=team_id,
        total_rows=parsed.total_rows,
        mapping=parsed.mapped,
        report={"encoding": parsed.encoding, "delimiter": parsed.delimiter,
                "unmapped_columns": parsed.unmapped},
    )  # fmt: skip
    session.add(job)
    session.flush()
    return job


def run_job(
    factory: SessionFactory,
    settings: Settings,
    job_id: int,
    parsed: ParsedFile,
    principal: Principal,
    progress: Progress | None = None,
) -> None:
    """Run a queued job to the end; its row says how it went (never raises for bad data)."""
    with factory() as status_session:
        job = status_session.get_one(ImportJob, job_id)
        job.status, job.started_at = "running", utcnow()
        status_session.commit()

        def advance(done: int) -> None:
            with _running_lock:
                _running[job_id] = done
            if progress is not None:
                progress(done, parsed.total_rows)

        try:
            with factory() as work:
                outcome = import_rows(
                    work, settings, parsed, principal, team_id=job.team_id, advance=advance
                )
                if job.dry_run:
                    work.rollback()
                else:
                    work.commit()
        except Exception as exc:
            _forget(job_id)
            status_session.rollback()
            job.status, job.finished_at = "failed", utcnow()
            job.error = f"the import stopped and nothing was written: {type(exc).__name__}"
            status_session.commit()
            raise
        errors = parsed.errors + outcome.errors
        job.created, job.updated, job.unchanged = (
            outcome.created,
            outcome.updated,
            outcome.unchanged,
        )
        job.rejected = len({error.row for error in errors})
        job.not_placed = outcome.not_placed
        job.processed_rows = parsed.total_rows
        job.report = {
            **job.report,
            "errors": [_error_dict(e) for e in sorted(errors, key=lambda e: e.row)][
                :MAX_REPORTED_ERRORS
            ],
            "preview": outcome.preview,
        }
        job.status, job.finished_at = "succeeded", utcnow()
        status_session.commit()
        _forget(job_id)


def _forget(job_id: int) -> None:
    with _running_lock:
        _running.pop(job_id, None)


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
    teams = {t.name.casefold(): t.id for t in session.scalars(select(Team))}
    territories = {t.name.casefold(): t for t in session.scalars(select(Territory))}
    default_team = _default_team(principal, team_id)
    done = 0
    for chunk in _chunks(parsed.rows, CHUNK_ROWS):
        existing = _existing(session, [row.external_id for row in chunk])
        to_place: list[Account] = []
        for row in chunk:
            resolved = _resolve_refs(row, principal, teams, territories, default_team)
            if isinstance(resolved, RowError):
                outcome.errors.append(resolved)
                continue
            account = existing.get(row.external_id)
            if account is not None and not _in_scope(principal, account):
                outcome.errors.append(
                    RowError(row.row, None, row.external_id,
                             "an account with this id exists in a team you do not manage")
                )  # fmt: skip
                continue
            is_new = account is None
            if account is None:
                account = Account(external_id=row.external_id, pin_manual=False, locked=False)
                session.add(account)
            changes = _apply_row(account, row, resolved, is_new=is_new)
            needs_place = _apply_point(account, row, changes, is_new=is_new)
            if needs_place:
                to_place.append(account)
            action = "created" if is_new else ("updated" if changes else "unchanged")
            outcome.note(row, action, changes)
        session.flush()
        place_accounts(session, settings, to_place)
        outcome.not_placed += sum(1 for account in to_place if account.latitude is None)
        done += len(chunk)
        advance(done + _rows_rejected_before(parsed, done))
    session.flush()
    return outcome


@dataclass(frozen=True)
class _Refs:
    team_id: int | None
    territory_id: int | None
    set_team: bool
    set_territory: bool


def _default_team(principal: Principal, team_id: int | None) -> int | None:
    if team_id is not None:
        return team_id
    if principal.role is Role.MANAGER and len(principal.team_ids) == 1:
        return next(iter(principal.team_ids))
    return None


def _resolve_refs(
    row: AccountRow,
    principal: Principal,
    teams: dict[str, int],
    territories: dict[str, Territory],
    default_team: int | None,
) -> _Refs | RowError:
    team_id = default_team
    set_team = default_team is not None
    if "team" in row.present and row.team:
        found = teams.get(row.team.casefold())
        if found is None:
            known = ", ".join(sorted(teams)) or "none yet"
            return RowError(row.row, "team", row.team, f"unknown team (known: {known})")
        team_id, set_team = found, True
    if principal.role is Role.MANAGER and (team_id is None or team_id not in principal.team_ids):
        return RowError(row.row, "team", row.team, "managers can only import into their own teams")
    territory_id = None
    set_territory = "territory" in row.present
    if set_territory and row.territory:
        territory = territories.get(row.territory.casefold())
        if territory is None:
            return RowError(row.row, "territory", row.territory, "unknown territory")
        if team_id is not None and territory.team_id not in (None, team_id):
            return RowError(
                row.row, "territory", row.territory, "the territory belongs to another team"
            )
        territory_id = territory.id
    return _Refs(team_id, territory_id, set_team, set_territory)


def _in_scope(principal: Principal, account: Account) -> bool:
    if principal.role is Role.ADMIN:
        return True
    return principal.role is Role.MANAGER and account.team_id in principal.team_ids


def _apply_row(account: Account, row: AccountRow, refs: _Refs, *, is_new: bool) -> list[str]:
    """Copy the row's present fields onto the account; the names of the fields that changed."""
    changes: list[str] = []
    for name in IMPORTED_FIELDS:
        if name not in row.present and not (is_new and name == "name"):
            continue
        value = getattr(row, name)
        if value is None and name in DEFAULTS:
            value = DEFAULTS[name]
        if getattr(account, name) != value:
            setattr(account, name, value)
            changes.append(name)
    if refs.set_team and account.team_id != refs.team_id:
        account.team_id = refs.team_id
        changes.append("team")
    if refs.set_territory and account.territory_id != refs.territory_id and not account.locked:
        account.territory_id = refs.territory_id
        changes.append("territory")
    return [] if is_new else changes


def _apply_point(account: Account, row: AccountRow, changes: list[str], *, is_new: bool) -> bool:
    """Use the CRM's coordinates when the row has them; True when the geocoder must place it."""
    address_changed = is_new or bool(ADDRESS_FIELDS.intersection(changes))
    if row.latitude is not None and row.longitude is not None:
        if account.pin_manual and not address_changed:
            return False
        moved = (account.latitude, account.longitude) != (row.latitude, row.longitude)
        if moved or account.geocode_source != "crm" or account.pin_manual:
            if not is_new:
                changes.append("location")
            account.latitude, account.longitude = row.latitude, row.longitude
            account.pin_manual = False
            account.geocode_precision, account.geocode_source = "address", "crm"
            account.geocode_score, account.geocoded_at, account.geocode_note = 1.0, utcnow(), None
        return False
    if not address_changed:
        return account.latitude is None and account.geocoded_at is None
    # The address moved: a pin set for the old address no longer says where the account is.
    account.pin_manual = False
    return True


def _existing(session: Session, external_ids: Sequence[str]) -> dict[str, Account]:
    rows = session.scalars(select(Account).where(Account.external_id.in_(external_ids)))
    return {account.external_id: account for account in rows if account.external_id}


def _rows_rejected_before(parsed: ParsedFile, done: int) -> int:
    # Rows the parser rejected are counted as processed along with the good ones.
    return round(len(parsed.errors) * done / max(1, len(parsed.rows)))


def _chunks(rows: Sequence[AccountRow], size: int) -> Iterable[Sequence[AccountRow]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _error_dict(error: RowError) -> dict[str, Any]:
    return {"row": error.row, "column": error.column, "value": error.value,
            "message": error.message}  # fmt: skip
