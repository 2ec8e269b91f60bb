"""Visits and appointments over HTTP: what a rep records on the road (`VisitCreate`), remote
touches (`TouchCreate`: a call, e-mail or video meeting, logged done at once), corrections
(`VisitUpdate`), booking and cancelling appointments, and `VisitRead`.

Times sent without an offset are on the rep's clock; stored and returned times are aware UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.core.schemas import Day, ListParams, Moment, OptionalText, RowId, refuse_null

VisitStatus = Literal["booked", "arrived", "done", "skipped", "cancelled"]
RecordedStatus = Literal["arrived", "done", "skipped"]
CorrectedStatus = Literal["done", "skipped", "cancelled"]
Channel = Literal["visit", "call", "email", "video"]
RemoteChannel = Literal["call", "email", "video"]
APPOINTMENT_MINUTES = (5, 480)
"""Shortest and longest appointment, in minutes."""

Outcome = Annotated[str | None, OptionalText(100)]
Notes = Annotated[str | None, OptionalText(4000, multiline=True)]
Reason = Annotated[str | None, OptionalText(200)]
NextStep = Annotated[str | None, OptionalText(300)]
AppointmentMinutes = Annotated[
    int, Field(ge=APPOINTMENT_MINUTES[0], le=APPOINTMENT_MINUTES[1], description="minutes")
]


class VisitCreate(BaseModel):
    """What happened at an account: arrived, done (outcome, notes) or skipped (reason)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"account_id": 4211, "status": "arrived"},
                {
                    "account_id": 4211,
                    "status": "done",
                    "outcome": "order",
                    "notes": "Wants the autumn catalogue; call back in July.",
                },
                {
                    "account_id": 4212,
                    "status": "skipped",
                    "reason": "closed for inventory",
                    "at": "2025-06-02T14:10:00",
                },
            ]
        },
    )

    account_id: RowId
    status: RecordedStatus
    date: Day | None = Field(
        default=None, description="the visit's day; default: the day of `at` on the rep's clock"
    )
    at: Moment | None = Field(
        default=None, description="when; default now. Without an offset: the rep's local time"
    )
    outcome: Outcome = None
    notes: Notes = None
    next_step: NextStep = Field(default=None, description="what happens next")
    reason: Reason = Field(default=None, validate_default=True, description="why it was skipped")
    rep_id: RowId | None = Field(
        default=None, description="default: the caller's rep; managers and admins must say"
    )

    @field_validator("reason")
    @classmethod
    def _reason_fits_status(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status == "skipped" and value is None:
            raise ValueError("say why the visit was skipped")
        if status not in (None, "skipped") and value is not None:
            raise ValueError("only a skipped visit has a reason")
        return value

    @field_validator("outcome")
    @classmethod
    def _outcome_fits_status(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("status") == "skipped" and value is not None:
            raise ValueError("a skipped visit has no outcome; say why in `reason`")
        return value


class TouchCreate(BaseModel):
    """A remote touch: a call, an e-mail or a video meeting with an account, done. It counts
    toward the account's cadence by a share of a visit (`FIELDROUTE_VALUE_TOUCH_SHARE`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account_id": 4211,
                    "channel": "call",
                    "outcome": "Order taken",
                    "notes": "Reordered the spring range by phone.",
                    "next_step": "Send the price list",
                },
                {"account_id": 4212, "channel": "email", "date": "2025-06-02", "rep_id": 9},
            ]
        },
    )

    account_id: RowId
    channel: RemoteChannel
    date: Day | None = Field(
        default=None, description="the touch's day; default: the day of `at` on the rep's clock"
    )
    at: Moment | None = Field(
        default=None, description="when; default now. Without an offset: the rep's local time"
    )
    outcome: Outcome = None
    notes: Notes = None
    next_step: NextStep = Field(default=None, description="what happens next")
    rep_id: RowId | None = Field(
        default=None,
        description="who made the touch; default: the caller's rep (an inside rep's is "
        "always their own); managers and admins must say",
    )


class VisitUpdate(BaseModel):
    """A correction: only the fields sent change. Moving to done drops the skip reason; moving
    to skipped needs a reason and drops the outcome. A touch is done, or cancelled when it was
    logged by mistake (it then no longer counts toward the account's cadence; done again, it
    does)."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome = None
    notes: Notes = None
    next_step: NextStep = None
    reason: Reason = None
    status: CorrectedStatus | None = None

    _not_null = field_validator("status")(refuse_null)


class AppointmentCreate(BaseModel):
    """An appointment: a required stop at a booked time on the rep's day."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "account_id": 4212,
                    "starts_at": "2025-06-02T10:30:00",
                    "duration_minutes": 45,
                    "notes": "Annual contract review with the owner.",
                },
                {"account_id": 4212, "starts_at": "2025-06-02T15:30:00Z", "rep_id": 7},
            ]
        },
    )

    account_id: RowId
    starts_at: Moment = Field(description="aware, or without an offset on the rep's clock")
    duration_minutes: AppointmentMinutes | None = Field(
        default=None, description="default: the account's service minutes"
    )
    notes: Notes = None
    rep_id: RowId | None = Field(
        default=None, description="default: the caller's rep; managers and admins must say"
    )


class AppointmentCancel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "the customer moved it"}]}
    )

    reason: Reason = None


class VisitRead(BaseModel):
    """A visit or appointment as stored; times in UTC."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 5120,
                    "rep_id": 7,
                    "account_id": 4211,
                    "account_name": "Randolph Street Hardware",
                    "visit_date": "2025-06-02",
                    "status": "done",
                    "planned_start_at": None,
                    "started_at": "2025-06-02T13:24:10Z",
                    "ended_at": "2025-06-02T13:58:10Z",
                    "duration_minutes": 34,
                    "outcome": "order",
                    "notes": "Wants the autumn catalogue; call back in July.",
                    "next_step": "Call back in July",
                    "reason": None,
                    "channel": "visit",
                    "created_at": "2025-06-02T13:24:12Z",
                    "updated_at": "2025-06-02T13:58:11Z",
                }
            ]
        }
    )

    id: int
    rep_id: int
    account_id: int
    account_name: str
    visit_date: dt.date
    status: str
    planned_start_at: dt.datetime | None = Field(description="an appointment's booked time")
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    duration_minutes: int | None = Field(
        description="measured (started to ended) when both are known, else the booked length"
    )
    outcome: str | None
    notes: str | None
    next_step: str | None
    reason: str | None
    channel: Channel = Field(description="visit (in person), or a remote touch: call, email, video")
    created_at: dt.datetime
    updated_at: dt.datetime


class VisitListParams(ListParams):
    """Filters of `GET /visits`; all optional, combined with AND."""

    rep_id: RowId | None = None
    account_id: RowId | None = None
    date_from: Day | None = Field(default=None, description="visit_date on or after")
    date_to: Day | None = Field(default=None, description="visit_date on or before")
    status: list[VisitStatus] | None = Field(default=None, description="repeatable")
    channel: list[Channel] | None = Field(default=None, description="repeatable")
