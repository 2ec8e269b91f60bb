"""Import jobs as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.imports.parsing import CERTAIN
from app.jobs import progress
from app.models import ImportJob

MAX_UNMAPPED_SHOWN = 100


class RowErrorRead(BaseModel):
    """A rejected row: the file line it starts on, the column as headed in the file, why."""

    row: int
    column: str | None
    value: str | None
    message: str


class FileWarningRead(BaseModel):
    """About the file as a whole: read it before trusting the result."""

    code: Literal["encoding_guessed", "no_value_column"] = Field(
        description="encoding_guessed: not UTF-8, and the code page is a guess; "
        "no_value_column: no column gives the account value, so new accounts are worth 0"
    )
    message: str


class PreviewRow(BaseModel):
    row: int
    external_id: str
    action: Literal["created", "updated", "unchanged"]
    changes: list[str] = Field(description="fields an update changes")


class ImportJobSummary(BaseModel):
    """A job's status and counts (the list); `ImportJobRead` adds the row-level report."""

    id: int
    kind: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    job_id: int | None = Field(
        description="the background job running the import (GET /api/v1/jobs/{job_id}; "
        "cancel it there); none for imports made before jobs"
    )
    dry_run: bool
    filename: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    total_rows: int
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    not_placed: int = Field(description="accounts stored without a point: see placed=false")
    encoding: str | None = Field(description="Python codec the file was read with")
    encoding_confidence: float | None = Field(
        description=f"1.0 for UTF-8 and byte-order marks; below {CERTAIN} the encoding is a "
        "guess and file_warnings says so"
    )
    delimiter: str | None
    mapping: dict[str, str] = Field(description="account field -> column header in the file")
    unmapped_columns: list[str] = Field(description="headers not imported (first 100)")
    error: str | None = Field(description="why the whole job failed, if it did")
    file_warnings: list[FileWarningRead] = Field(
        description="about the whole file: an encoding guessed without certainty, no value column"
    )

    @classmethod
    def fields_of(cls, job: ImportJob) -> dict[str, Any]:
        """An import's job (`job.job`) says where it is until it has succeeded."""
        report: dict[str, Any] = job.report or {}
        status, started_at, finished_at = job.status, job.started_at, job.finished_at
        error, processed_rows = job.error, job.processed_rows
        if job.job is not None and job.status != "succeeded":
            runner = job.job
            status, started_at, finished_at = runner.state, runner.started_at, runner.finished_at
            error = runner.error
            live = progress.of(runner.id) if runner.state == "running" else None
            processed_rows = live[0] if live is not None else runner.progress_done
        return {
            "id": job.id,
            "kind": job.kind,
            "status": status,
            "job_id": job.job_id,
            "dry_run": job.dry_run,
            "filename": job.filename,
            "created_at": job.created_at,
            "started_at": started_at,
            "finished_at": finished_at,
            "total_rows": job.total_rows,
            "processed_rows": processed_rows,
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "not_placed": job.not_placed,
            "encoding": report.get("encoding"),
            "encoding_confidence": report.get("encoding_confidence"),
            "delimiter": report.get("delimiter"),
            "mapping": job.mapping or {},
            "unmapped_columns": report.get("unmapped_columns", [])[:MAX_UNMAPPED_SHOWN],
            "error": error,
            "file_warnings": [FileWarningRead(**w) for w in report.get("file_warnings", [])],
        }

    @classmethod
    def of(cls, job: ImportJob) -> ImportJobSummary:
        return cls(**cls.fields_of(job))


class ImportJobRead(ImportJobSummary):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 57,
                    "kind": "accounts",
                    "status": "succeeded",
                    "job_id": 131,
                    "dry_run": False,
                    "filename": "salesforce-accounts-2025-05.csv",
                    "created_at": "2025-05-30T08:02:11Z",
                    "started_at": "2025-05-30T08:02:11Z",
                    "finished_at": "2025-05-30T08:02:19Z",
                    "total_rows": 3,
                    "processed_rows": 3,
                    "created": 1,
                    "updated": 1,
                    "unchanged": 0,
                    "rejected": 1,
                    "not_placed": 0,
                    "encoding": "utf-8",
                    "encoding_confidence": 1.0,
                    "delimiter": ",",
                    "mapping": {
                        "external_id": "Account ID",
                        "name": "Account Name",
                        "street": "Billing Street",
                        "city": "Billing City",
                        "postcode": "Billing Zip/Postal Code",
                        "value": "Annual Revenue",
                    },
                    "unmapped_columns": ["Owner Alias"],
                    "error": None,
                    "errors": [
                        {
                            "row": 4,
                            "column": "Annual Revenue",
                            "value": "lots",
                            "message": "not a number (examples: 1200, 1,234.50, 1.234,50, "
                            "$900, 12k)",
                        }
                    ],
                    "warnings": [],
                    "file_warnings": [],
                    "preview": [
                        {
                            "row": 2,
                            "external_id": "0015g00000AbCdE",
                            "action": "created",
                            "changes": [],
                        },
                        {
                            "row": 3,
                            "external_id": "0015g00000AbCdF",
                            "action": "updated",
                            "changes": ["phone", "value"],
                        },
                    ],
                }
            ]
        }
    )

    errors: list[RowErrorRead] = Field(description="rejected rows (first 1,000)")
    warnings: list[RowErrorRead] = Field(description="rows imported with a value kept as it was")
    preview: list[PreviewRow] = Field(description="what each row did (or would do), first 500")

    @classmethod
    def of(cls, job: ImportJob) -> ImportJobRead:
        report: dict[str, Any] = job.report or {}
        return cls(
            **cls.fields_of(job),
            errors=[RowErrorRead(**e) for e in report.get("errors", [])],
            warnings=[RowErrorRead(**w) for w in report.get("warnings", [])],
            preview=[PreviewRow(**p) for p in report.get("preview", [])],
        )
