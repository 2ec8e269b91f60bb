"""Appointment slots over HTTP: the question (`SlotRequest`: an account or a new prospect, a
meeting's length, a date range), the answer (`SlotAnswer`: slots best first, and the reasons
where there are none), and booking one (`SlotBooking` -> `BookedSlot`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from app.core.schemas import Day, Latitude, Longitude, Moment, Name, OptionalText, RowId
from app.models.limits import TEXT_MAX
from app.plans.schemas import PlanRead
from app.visits.schemas import AppointmentMinutes, Notes, VisitRead

OnDay = date
"""`date` under another name, for a field called `date` that may be null."""
MAX_RANGE_DAYS = 31
"""The longest date range one search covers."""
DEFAULT_RANGE_DAYS = 10

SlotReasonCode = Literal[
    "closed",
    "too_late",
    "unreachable",
    "too_far",
    "no_room",
    "appointments_clash",
    "not_working",
    "no_home",
    "no_territory",
    "no_reps",
    "outside_territories",
]


def _address(length: str) -> object:
    return OptionalText(TEXT_MAX[length])


def one_subject(prospect: ProspectIn | None, info: ValidationInfo) -> ProspectIn | None:
    """Either an account or a prospect (a field validator of `prospect`, so the error names a
    field; `account_id` comes first and is validated by then)."""
    if (info.data.get("account_id") is None) == (prospect is None):
        raise ValueError("give either account_id or prospect, not both or neither")
    return prospect


class ProspectIn(BaseModel):
    """A new prospect: a name and an address to place, or a point."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Lakeview Bakery",
                    "street": "3201 N Broadway",
                    "city": "Chicago",
                    "postcode": "60657",
                    "country": "US",
                },
                {"name": "Lakeview Bakery", "latitude": 41.94, "longitude": -87.64},
            ]
        },
    )

    name: Name
    street: Annotated[str | None, _address("street")] = None
    city: Annotated[str | None, _address("city")] = None
    postcode: Annotated[str | None, _address("postcode")] = None
    region: Annotated[str | None, _address("region")] = None
    country: Annotated[str | None, _address("country")] = None
    phone: Annotated[str | None, _address("phone")] = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None

    @model_validator(mode="after")
    def _placeable(self) -> Self:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together: give both or neither")
        if self.latitude is None and not (self.street or self.city or self.postcode):
            raise ValueError("give the prospect's address (street, city or postcode) or a point")
        return self


class SlotRequest(BaseModel):
    """When can a field rep see this account (or new prospect)?"""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"account_id": 4212, "duration_minutes": 45},
                {
                    "prospect": {"name": "Lakeview Bakery", "latitude": 41.94, "longitude": -87.64},
                    "duration_minutes": 60,
                    "date_from": "2025-06-02",
                    "date_to": "2025-06-13",
                },
            ]
        },
    )

    account_id: RowId | None = Field(default=None, description="an account you may see")
    prospect: ProspectIn | None = Field(
        default=None,
        description="a new prospect instead of an account (not stored until booked)",
        validate_default=True,
    )
    duration_minutes: AppointmentMinutes = 60
    date_from: Day | None = Field(default=None, description="default: today")
    date_to: Day | None = Field(
        default=None, description=f"default: {DEFAULT_RANGE_DAYS} days from date_from"
    )
    limit: int = Field(default=10, ge=1, le=50, description="slots to return at most")

    _one_subject = field_validator("prospect")(one_subject)


class SlotBooking(BaseModel):
    """A slot to book: what a slot's `book` says, as it came (notes may be added)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rep_id": 7,
                    "account_id": 4212,
                    "starts_at": "2025-06-03T10:15:00-05:00",
                    "duration_minutes": 45,
                }
            ]
        },
    )

    rep_id: RowId
    account_id: RowId | None = None
    prospect: ProspectIn | None = Field(
        default=None,
        description="stored as an account of the rep's territory when booked",
        validate_default=True,
    )
    starts_at: Moment = Field(description="aware, or without an offset on the rep's clock")
    duration_minutes: AppointmentMinutes
    notes: Notes = None

    _one_subject = field_validator("prospect")(one_subject)


class SlotRep(BaseModel):
    id: int
    name: str


class DisplacedVisit(BaseModel):
    """A planned visit the slot pushes out of its day, and what it would have earned."""

    account_id: int
    name: str
    value: float = Field(description="what the visit would have earned that day")


class Slot(BaseModel):
    """A time a field rep can see the account, and what it does to that rep's day."""

    rep_id: int
    rep_name: str
    date: date
    start: datetime = Field(description="on the rep's clock, with its offset")
    end: datetime
    time_zone: str
    start_text: str = Field(description="the start as a person reads it")
    added_drive_minutes: float
    added_km: float
    added_cost: float = Field(description="travel and working time money the slot adds")
    displaced: list[DisplacedVisit]
    displaced_value: float
    score: float = Field(description="added cost + value displaced: lower is better")
    note: str
    book: SlotBooking = Field(description="POST this to /api/v1/appointments/slots/book")


class SlotReason(BaseModel):
    """Why a rep, a day, or the whole search has no slot."""

    reason: SlotReasonCode
    detail: str
    rep_id: int | None = None
    rep_name: str | None = None
    date: OnDay | None = None


class SlotSubject(BaseModel):
    """Who the meeting is with."""

    account_id: int | None = Field(description="null for a prospect not stored yet")
    name: str
    latitude: float
    longitude: float
    prospect: bool


class SlotAnswer(BaseModel):
    """The best slots first (by score), and why reps or days have none."""

    subject: SlotSubject
    duration_minutes: int
    date_from: date
    date_to: date
    reps: list[SlotRep] = Field(description="the field reps searched")
    slots: list[Slot]
    reasons: list[SlotReason]
    search_time_s: float


class BookedSlot(BaseModel):
    """The appointment booked, and the rep's day planned again with it."""

    appointment: VisitRead
    account_created: bool = Field(description="a prospect stored as a new account")
    plan: PlanRead = Field(description="the rep's day planned again with the appointment")
