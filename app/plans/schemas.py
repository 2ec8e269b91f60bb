"""A rep's day over HTTP: plan requests, the stored plan with its stops and call-instead list.

Times in a plan are aware datetimes on the rep's clock (`time_zone`), so a phone shows them as
they are and an ICS export carries the offset.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import Latitude, Longitude, RowId

PlanKind = Literal["day", "week", "replan"]
VisitState = Literal["planned", "booked", "arrived", "done", "skipped", "cancelled"]
StopKind = Literal["visit", "appointment"]
LeftOutReason = Literal[
    "not_worth_it",
    "no_time",
    "outside_windows",
    "unreachable",
    "closed",
    "not_on_map",
    "planned_another_day",
]
"""Why an account that is worth something today is not on the route: the solver's four
(`routing.Reason`), `closed` (not open during the rep's shift that day), `not_on_map` (no
coordinates to drive to) and `planned_another_day` (a week plan visits it on another day)."""

MAX_TIME_LIMIT_S = 60.0

Day = date
"""`date` under another name: models below have a field called `date`, which would shadow it."""


class PlanRequest(BaseModel):
    """Plan one rep's day, or their week from `date` on (one solve, each working day a route)."""

    model_config = ConfigDict(extra="forbid")

    date: Day | None = Field(default=None, description="The day; default: today on the rep's clock")
    days: Annotated[int, Field(ge=1, le=7)] = Field(
        default=1,
        description="1 for a day; up to 7 for the days from `date` on (working days only)",
    )
    time_limit: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None, description="Seconds of search; default 2 for a day, 10 for a week"
    )


class BatchPlanRequest(PlanRequest):
    """Plan every active rep in the caller's scope (or of one team) for a day or a week."""

    team_id: RowId | None = None


class ReplanRequest(BaseModel):
    """Re-plan the rest of today from where the rep is now, keeping done and skipped stops."""

    model_config = ConfigDict(extra="forbid")

    latitude: Latitude | None = None
    longitude: Longitude | None = None
    at: datetime | None = Field(
        default=None, description="Now, by default; an aware time or the rep's local time"
    )
    time_limit: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)] | None = None


class PlanPlace(BaseModel):
    latitude: float
    longitude: float
    at: datetime


class PlanStop(BaseModel):
    """One stop of the route, in order, with what the rep needs on site."""

    seq: int
    account_id: int
    kind: StopKind
    name: str
    street: str | None
    city: str | None
    postcode: str | None
    phone: str | None
    latitude: float
    longitude: float
    arrival: datetime
    start: datetime
    departure: datetime
    service_minutes: int
    opening_hours: str = Field(
        description="The account's hours that day, e.g. 08:00-12:00, 13:00-17:00"
    )
    prize: float
    value: float
    state: VisitState = "planned"
    visit_id: int | None = None
    outcome: str | None = None
    notes: str | None = None
    reason: str | None = None


class PlanBreak(BaseModel):
    start: datetime
    end: datetime


class CallInstead(BaseModel):
    """An account worth contact today that the route does not visit: call or e-mail it."""

    account_id: int
    name: str
    phone: str | None
    city: str | None
    value: float
    prize: float
    reason: LeftOutReason
    detail: str
    last_visit_date: Day | None
    overdue_days: int | None


class PlanTotals(BaseModel):
    stops: int
    distance_km: float
    travel_minutes: float
    prize: float
    cost: float
    net: float
    solve_time_s: float


class PlanRead(BaseModel):
    """One version of a rep's plan for a day."""

    id: int
    rep_id: int
    rep_name: str
    date: Day
    version: int
    kind: PlanKind
    time_zone: str
    created_at: datetime
    frozen: bool = Field(description="The day has started: a week re-plan leaves it as it is")
    start: PlanPlace
    end: PlanPlace | None
    stops: list[PlanStop]
    breaks: list[PlanBreak]
    call_instead: list[CallInstead]
    totals: PlanTotals


class PlanSummary(BaseModel):
    """A plan without its stops, for the manager's week grid."""

    id: int
    rep_id: int
    rep_name: str
    date: Day
    version: int
    kind: PlanKind
    created_at: datetime
    start: datetime
    end: datetime | None
    done: int
    skipped: int
    call_instead: int
    totals: PlanTotals


class PlanRun(BaseModel):
    """What a plan request produced: one plan per planned day, and the days it left alone."""

    rep_id: int
    plans: list[PlanRead]
    kept: list[Day] = Field(description="Days already started, kept frozen as they were")


class BatchRun(BaseModel):
    runs: list[PlanRun]
    failed: list[BatchFailure]
    wall_time_s: float


class BatchFailure(BaseModel):
    rep_id: int
    rep_name: str
    status: int
    detail: str


BatchRun.model_rebuild()
