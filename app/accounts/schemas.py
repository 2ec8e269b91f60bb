"""Accounts over HTTP: `AccountCreate`, `AccountUpdate` (a partial patch), `AccountRead` and the
list filters. Bounds follow the columns, so bad input is a 422 naming the field, never a
database error."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.accounts.opening_hours import OpeningHours, parse_opening_hours, validate_opening_hours
from app.core import clock
from app.core.schemas import (
    Day,
    Latitude,
    ListParams,
    Longitude,
    Name,
    OptionalText,
    RowId,
    SearchText,
    Text,
    check_pair,
    refuse_null,
)
from app.geocoding import Precision
from app.models.limits import CADENCE_DAYS, MAX_VALUE, SERVICE_MINUTES, TEXT_MAX


def _opening_hours(value: Any) -> Any:
    """Text ("Mo-Fr 08:00-17:00") or the canonical object, stored in canonical form."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_opening_hours(value)
    return validate_opening_hours(value)


OpeningHoursIn = Annotated[
    OpeningHours | None,
    BeforeValidator(_opening_hours),
    Field(
        description='{"mo": ["08:00-12:00", "13:00-17:00"], ...} or text such as '
        '"Mo-Fr 08:00-17:00"; null = unknown (open all day)'
    ),
]
Value = Annotated[float, Field(ge=0, le=MAX_VALUE, allow_inf_nan=False)]
CadenceDays = Annotated[
    int, Field(ge=CADENCE_DAYS[0], le=CADENCE_DAYS[1], description="days between visits")
]
TouchCadenceDays = Annotated[
    int,
    Field(
        ge=CADENCE_DAYS[0],
        le=CADENCE_DAYS[1],
        description="days between remote touches (call, e-mail, video); null: none of its own",
    ),
]
Coverage = Literal["field", "hybrid", "remote"]
"""How the account is looked after (`app.models.accounts.COVERAGES`)."""
ServiceMinutes = Annotated[
    int, Field(ge=SERVICE_MINUTES[0], le=SERVICE_MINUTES[1], description="minutes on site")
]


def _not_in_future(value: date) -> date:
    # A future last visit would make the account neither overdue nor due. The latest date
    # anywhere: a rep east of the server may already be on the next day.
    if value > clock.latest_today():
        raise ValueError("a last visit or touch cannot be in the future")
    return value


PastDate = Annotated[date, AfterValidator(_not_in_future)]


class _AccountFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street: Annotated[str | None, OptionalText(TEXT_MAX["street"])] = None
    city: Annotated[str | None, OptionalText(TEXT_MAX["city"])] = None
    postcode: Annotated[str | None, OptionalText(TEXT_MAX["postcode"])] = None
    region: Annotated[str | None, OptionalText(TEXT_MAX["region"])] = None
    country: Annotated[str | None, OptionalText(TEXT_MAX["country"])] = None
    phone: Annotated[str | None, OptionalText(TEXT_MAX["phone"])] = None
    tier: Annotated[str | None, OptionalText(TEXT_MAX["tier"])] = None
    cadence_days: CadenceDays | None = None
    touch_cadence_days: TouchCadenceDays | None = None
    opening_hours: OpeningHoursIn = None
    notes: Annotated[str | None, OptionalText(TEXT_MAX["notes"], multiline=True)] = None
    territory_id: RowId | None = None
    last_visit_date: PastDate | None = None
    last_touch_date: PastDate | None = Field(
        default=None, description="the last call, e-mail or video meeting"
    )


class AccountCreate(_AccountFields):
    """A new account. Without latitude/longitude it is geocoded from its address at once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Randolph Street Hardware",
                    "external_id": "CRM-004211",
                    "street": "123 W. Randolph St",
                    "city": "Chicago",
                    "postcode": "60601",
                    "region": "IL",
                    "country": "US",
                    "phone": "+1 312-555-0100",
                    "value": 52000,
                    "tier": "A",
                    "cadence_days": 28,
                    "opening_hours": "Mo-Fr 08:00-12:00, 13:00-17:00",
                    "territory_id": 12,
                    "last_visit_date": "2025-05-06",
                },
                {
                    "name": "Grand Avenue Garden Center",
                    "latitude": 41.8917,
                    "longitude": -87.6251,
                    "value": 24000,
                    "service_minutes": 45,
                    "opening_hours": {"mo": ["09:00-18:00"], "sa": ["09:00-13:00"]},
                    "team_id": 3,
                },
            ]
        }
    )

    name: Name
    external_id: Annotated[str | None, OptionalText(TEXT_MAX["external_id"])] = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    value: Value = 0.0
    service_minutes: ServiceMinutes = 30
    coverage: Coverage = Field(
        default="field", description="field (visited), hybrid (and touched between) or remote"
    )
    team_id: RowId | None = Field(
        default=None, description="required unless a manager has one team or a territory is given"
    )
    locked: bool = False
    active: bool = True

    @model_validator(mode="after")
    def _pin(self) -> Self:
        check_pair(self, "latitude", "longitude", sent={"latitude", "longitude"})
        return self


NOT_NULL_ON_UPDATE = ("name", "value", "service_minutes", "coverage", "locked", "active")


class AccountUpdate(_AccountFields):
    """A partial change: only the fields sent are changed. Moving the pin takes latitude and
    longitude together (both null drops a manual pin and geocodes the address again)."""

    name: Name | None = None
    external_id: Annotated[str | None, OptionalText(TEXT_MAX["external_id"])] = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    value: Value | None = None
    service_minutes: ServiceMinutes | None = None
    coverage: Coverage | None = None
    team_id: RowId | None = None
    locked: bool | None = None
    active: bool | None = None

    _not_null = field_validator(*NOT_NULL_ON_UPDATE)(refuse_null)

    @model_validator(mode="after")
    def _pin(self) -> Self:
        check_pair(self, "latitude", "longitude", sent=self.model_fields_set)
        return self


class AccountRead(BaseModel):
    """An account as stored, with where it stands against its visit cadence on `as_of`."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 4211,
                    "external_id": "CRM-004211",
                    "name": "Randolph Street Hardware",
                    "street": "123 W. Randolph St",
                    "city": "Chicago",
                    "postcode": "60601",
                    "region": "IL",
                    "country": "US",
                    "phone": "+1 312-555-0100",
                    "latitude": 41.8847,
                    "longitude": -87.6321,
                    "geocode_precision": "address",
                    "geocode_source": "osm-index",
                    "geocode_score": 0.97,
                    "geocoded_at": "2025-05-30T09:12:44Z",
                    "geocode_note": None,
                    "pin_manual": False,
                    "value": 52000.0,
                    "tier": "A",
                    "cadence_days": 28,
                    "touch_cadence_days": 14,
                    "coverage": "hybrid",
                    "service_minutes": 30,
                    "opening_hours": {
                        day: ["08:00-12:00", "13:00-17:00"]
                        for day in ("mo", "tu", "we", "th", "fr")
                    },
                    "notes": None,
                    "team_id": 3,
                    "territory_id": 12,
                    "locked": False,
                    "active": True,
                    "last_visit_date": "2025-05-06",
                    "last_touch_date": "2025-05-20",
                    "created_at": "2025-05-30T09:12:44Z",
                    "updated_at": "2025-05-30T09:12:44Z",
                    "next_due_date": "2025-06-03",
                    "overdue": False,
                    "overdue_days": -4,
                }
            ]
        },
    )

    id: int
    external_id: str | None
    name: str
    street: str | None
    city: str | None
    postcode: str | None
    region: str | None
    country: str | None
    phone: str | None
    latitude: float | None
    longitude: float | None
    geocode_precision: str | None
    geocode_source: str | None
    geocode_score: float | None
    geocoded_at: datetime | None
    geocode_note: str | None = Field(description="why the account is not on the map")
    pin_manual: bool
    value: float
    tier: str | None
    cadence_days: int | None
    touch_cadence_days: int | None
    coverage: Coverage
    service_minutes: int
    opening_hours: dict[str, list[str]] | None
    notes: str | None
    team_id: int | None
    territory_id: int | None
    locked: bool
    active: bool
    last_visit_date: date | None = Field(description="the last visit in person")
    last_touch_date: date | None = Field(description="the last call, e-mail or video meeting")
    created_at: datetime
    updated_at: datetime
    next_due_date: date | None = Field(
        description="last visit + cadence; null if either is unknown"
    )
    overdue: bool = Field(
        description="active, with a cadence, and never visited or due before as_of"
    )
    overdue_days: int | None = Field(
        description="days past next_due_date on as_of (negative: due in that many days)"
    )


class AccountListParams(ListParams):
    """Filters of `GET /accounts`; all optional, combined with AND."""

    territory_id: RowId | None = None
    team_id: RowId | None = None
    tier: list[Annotated[Text, Field(max_length=8)]] | None = Field(
        default=None, description="repeatable: tier=A&tier=B"
    )
    overdue: bool | None = Field(default=None, description="overdue on as_of (or not)")
    as_of: Day | None = Field(default=None, description="the day for overdue; default today")
    q: SearchText = Field(
        default=None,
        description="case-insensitive text in name, external_id, city, postcode or street",
    )
    placed: bool | None = Field(default=None, description="has a point on the map (or not)")
    precision: list[Precision] | None = Field(default=None, description="repeatable")
    active: bool | None = None
    coverage: list[Coverage] | None = Field(default=None, description="repeatable")
