"""Reps over HTTP: `RepCreate`, `RepUpdate` (a partial patch), `RepRead` and the list filters.

Field-level bounds live here; rules across fields (the lunch window inside the shift) are checked
by the service on the stored values merged with the change, so a patch cannot break them either.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.accounts.opening_hours import DAYS
from app.core.schemas import (
    MINUTES_PER_DAY,
    Email,
    Latitude,
    ListParams,
    LocalTime,
    Longitude,
    Name,
    OptionalText,
    RowId,
    SearchText,
    check_pair,
    refuse_null,
)
from app.models.limits import TEXT_MAX

RepKind = Literal["field", "inside"]
MAX_COST = 1e6
MAX_SUPPORTED = 500
"""Field reps one inside rep may support: far more than anyone can call for."""
DEFAULT_WORKING_DAYS = ("mo", "tu", "we", "th", "fr")


def _working_days(days: list[str]) -> list[str]:
    keys = [day.strip().lower() for day in days]
    unknown = sorted({day for day in keys if day not in DAYS})
    if unknown:
        raise ValueError(f"unknown day {', '.join(map(repr, unknown))}; use {', '.join(DAYS)}")
    return [day for day in DAYS if day in keys]


WorkingDays = Annotated[
    list[str],
    Field(min_length=1, max_length=7, description="day keys mo..su; at least one"),
    AfterValidator(_working_days),
]
ClockTime = LocalTime
Cost = Annotated[float, Field(ge=0, le=MAX_COST, allow_inf_nan=False)]
WorkingHourCost = Annotated[
    float | None,
    Field(
        ge=0,
        le=MAX_COST,
        allow_inf_nan=False,
        description="money per hour of the working day, from leaving home to coming back: "
        "driving, waiting for an opening and lunch alike (time at visits is paid by their "
        "value); driving costs this plus cost_per_hour. null (the default): cost_per_hour is "
        "counted for every working hour instead of only while driving, so an hour of waiting "
        "costs what an hour of driving does. 0: waiting is free, as before",
    ),
]
LunchMinutes = Annotated[int, Field(ge=0, le=MINUTES_PER_DAY)]
MaxVisits = Annotated[int, Field(ge=1, le=1000)]


def _time_zone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name.strip()).key
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}; use an IANA name such as America/Chicago"
        ) from exc


TimeZone = Annotated[
    str | None,
    Field(max_length=64, description="IANA time zone; null: the server's default"),
    AfterValidator(_time_zone),
]


class _RepFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    home_street: Annotated[str | None, OptionalText(TEXT_MAX["street"])] = None
    home_city: Annotated[str | None, OptionalText(TEXT_MAX["city"])] = None
    home_postcode: Annotated[str | None, OptionalText(TEXT_MAX["postcode"])] = None
    home_region: Annotated[str | None, OptionalText(TEXT_MAX["region"])] = None
    home_country: Annotated[str | None, OptionalText(TEXT_MAX["country"])] = None
    home_latitude: Latitude | None = None
    home_longitude: Longitude | None = None
    max_visits_per_day: MaxVisits | None = None
    time_zone: TimeZone = None


class RepCreate(_RepFields):
    """A new rep. Without home_latitude/home_longitude the home address is geocoded at once."""

    name: Name
    email: Email
    team_id: RowId | None = Field(default=None, description="required unless a manager has one")
    working_days: WorkingDays = Field(default_factory=lambda: list(DEFAULT_WORKING_DAYS))
    shift_start: ClockTime = time(8, 0)
    shift_end: ClockTime = time(17, 0)
    lunch_start: ClockTime | None = time(11, 30)
    lunch_end: ClockTime | None = time(14, 0)
    lunch_minutes: LunchMinutes = 30
    cost_per_km: Cost = 0.5
    cost_per_hour: Cost = 40.0
    cost_per_working_hour: WorkingHourCost = None
    active: bool = True
    kind: RepKind = Field(
        default="field",
        description="field (territory, routes, visits) or inside (phone, e-mail, video for the "
        "field reps they support); set once, at creation",
    )

    @model_validator(mode="after")
    def _home(self) -> Self:
        check_pair(
            self, "home_latitude", "home_longitude", sent={"home_latitude", "home_longitude"}
        )
        return self


NOT_NULL_ON_UPDATE = (
    "name",
    "email",
    "working_days",
    "shift_start",
    "shift_end",
    "lunch_minutes",
    "cost_per_km",
    "cost_per_hour",
    "active",
)


class RepUpdate(_RepFields):
    """A partial change: only the fields sent are changed. New home coordinates go together
    (both null geocodes the home address again)."""

    name: Name | None = None
    email: Email | None = None
    team_id: RowId | None = None
    working_days: WorkingDays | None = None
    shift_start: ClockTime | None = None
    shift_end: ClockTime | None = None
    lunch_start: ClockTime | None = None
    lunch_end: ClockTime | None = None
    lunch_minutes: LunchMinutes | None = None
    cost_per_km: Cost | None = None
    cost_per_hour: Cost | None = None
    cost_per_working_hour: WorkingHourCost = None
    active: bool | None = None

    _not_null = field_validator(*NOT_NULL_ON_UPDATE)(refuse_null)

    @model_validator(mode="after")
    def _home(self) -> Self:
        check_pair(self, "home_latitude", "home_longitude", sent=self.model_fields_set)
        return self


class RepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    team_id: int | None
    home_street: str | None
    home_city: str | None
    home_postcode: str | None
    home_region: str | None
    home_country: str | None
    home_latitude: float | None
    home_longitude: float | None
    home_precision: str | None
    home_source: str | None
    working_days: list[str]
    shift_start: LocalTime
    shift_end: LocalTime
    lunch_start: LocalTime | None
    lunch_end: LocalTime | None
    lunch_minutes: int
    cost_per_km: float
    cost_per_hour: float
    cost_per_working_hour: float | None
    max_visits_per_day: int | None
    time_zone: str | None
    active: bool
    kind: RepKind
    supports: list[int] = Field(
        default_factory=list,
        description="an inside rep: the ids of the field reps they support (empty for others)",
    )
    created_at: datetime
    updated_at: datetime


class RepListParams(ListParams):
    """Filters of `GET /reps`; all optional, combined with AND."""

    team_id: RowId | None = None
    q: SearchText = Field(default=None, description="text in name or email")
    active: bool | None = None
    kind: RepKind | None = None


class SupportsUpdate(BaseModel):
    """The field reps an inside rep supports, all of them (the list replaces the one stored)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"field_rep_ids": [7, 8]}]}
    )

    field_rep_ids: list[RowId] = Field(max_length=MAX_SUPPORTED)
