"""The import as a job (kind `import_accounts`): the stored file parsed again and imported in
the job's transaction, so a retry after a crash starts from a clean slate and the file is
applied once. The import's own row (`ImportJob`) gets the counts and the row-level report."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import principal_for
from app.core import clock
from app.imports.parsing import CsvFormatError, read_accounts_csv
from app.imports.service import KIND, import_rows, record_outcome
from app.jobs.kinds import JobFailed, JobKind, JobOutcome, JobWork, register
from app.models import ImportJob, Job, User


def _run(work: JobWork) -> JobOutcome:
    job, session, params = work.job, work.session, work.job.params
    import_id = session.scalar(select(ImportJob.id).where(ImportJob.job_id == job.id))
    if import_id is None or work.input is None:
        raise JobFailed("the import's file is no longer stored")
    user = session.get(User, job.created_by_id) if job.created_by_id is not None else None
    if user is None or not user.active:
        raise JobFailed("the user who started the import is no longer active")
    try:
        parsed = read_accounts_csv(
            work.input, mapping=params.get("mapping"), max_rows=work.settings.max_import_rows
        )
    except CsvFormatError as exc:
        raise JobFailed(f"file: {exc}") from exc
    total = parsed.total_rows
    work.progress(0, total)
    outcome = import_rows(
        session,
        work.settings,
        parsed,
        principal_for(user),
        team_id=params.get("team_id"),
        advance=lambda done: work.progress(done, total),
    )

    def record(into: Session) -> None:
        row = into.get_one(ImportJob, import_id)
        record_outcome(row, parsed, outcome)
        row.started_at = row.job.started_at if row.job is not None else None

    return JobOutcome(record=record, discard_writes=bool(params.get("dry_run")))


def _on_end(session: Session, job: Job) -> None:
    """A failed or cancelled import job: its import says so too."""
    row = session.scalar(select(ImportJob).where(ImportJob.job_id == job.id))
    if row is not None:
        row.status, row.error = job.state, job.error
        row.started_at, row.finished_at = job.started_at, job.finished_at or clock.now()


IMPORT_ACCOUNTS = register(JobKind(KIND, _run, _on_end))
