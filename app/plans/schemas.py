"""A rep's day over HTTP: plan requests, the stored plan with its stops and call-instead list.

Times in a plan are aware datetimes on the rep's clock (`time_zone`), so a phone shows them as
they are and an ICS export carries the offset.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.schemas import Day as SentDay
from app.core.schemas import Latitude, Longitude, Moment, RowId, check_pair
from app.jobs.schemas import JobState

PlanKind = Literal["day", "week", "replan"]
VisitState = Literal["planned", "booked", "arrived", "done", "skipped", "cancelled"]
StopKind = Literal["visit", "appointment"]
LeftOutReason = Literal[
    "not_worth_it",
    "no_time",
    "outside_windows",
    "unreachable",
    "not_explained",
    "closed",
    "not_on_map",
    "planned_another_day",
]
"""Why an account that is worth something today is not on the route: the solver's five
(`routing.Reason`; `not_explained`: the time limit ran out before it was checked), `closed` (not open during the rep's shift that day), `not_on_map` (no
coordinates to drive to) and `planned_another_day` (a week plan visits it on another day)."""

MAX_TIME_LIMIT_S = 60.0

Day = date
"""`date` under another name: models below have a field called `date`, which would shadow it."""


class PlanRequest(BaseModel):
    """Plan one rep's day, or their week from `date` on (one solve, each working day a route)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"date": "2025-06-02", "time_limit": 2}, {"date": "2025-06-02", "days": 5}]
        },
    )

    date: SentDay | None = Field(
        default=None, description="The day; default: today on the rep's clock"
    )
    days: Annotated[int, Field(ge=1, le=7)] = Field(
        default=1,
        description="1 for a day; up to 7 for the days from `date` on (working days only)",
    )
    time_limit: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None, description="Seconds of search; default 2 for a day, 10 for a week"
    )


class BatchPlanRequest(PlanRequest):
    """Plan every active rep in the caller's scope (or of one team) for a day or a week."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"date": "2025-06-02", "team_id": 3}, {"date": "2025-06-02", "days": 5}]
        }
    )

    team_id: RowId | None = None


class ReplanRequest(BaseModel):
    """Re-plan the rest of today from where the rep is now, keeping done and skipped stops."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"latitude": 41.8917, "longitude": -87.6251, "at": "2025-06-02T13:05:00-05:00"},
                {"at": "2025-06-02T13:05:00"},
            ]
        },
    )

    latitude: Latitude | None = None
    longitude: Longitude | None = None
    at: Moment | None = Field(
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
    region: str | None = Field(None, description="State or region, e.g. MD")
    country: str | None = None
    precision: str | None = Field(
        None,
        description="How exactly the point locates the account: address, street, postcode, "
        "city or manual (none in plans made before it was stored)",
    )
    started_at: datetime | None = Field(None, description="When the visit began, as recorded")
    ended_at: datetime | None = Field(None, description="When the visit ended, as recorded")


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
    cost: float = Field(
        description="driving (per km and hour) and, where the rep's working time is priced, "
        "the hours from leaving home to coming back less the time at visits"
    )
    net: float
    solve_time_s: float
    waiting_minutes: float = Field(
        0.0,
        description="minutes spent waiting for accounts to open, lunch not included (0 in plans "
        "made before it was stored)",
    )


def _at(clock: str) -> str:
    return f"2025-06-02T{clock}-05:00"


_STOP_EXAMPLE: dict[str, Any] = {
    "seq": 1,
    "account_id": 101,
    "kind": "visit",
    "name": "Randolph Street Hardware",
    "street": "123 W. Randolph St",
    "city": "Chicago",
    "postcode": "60601",
    "phone": "+1 312-555-0100",
    "latitude": 41.8847,
    "longitude": -87.6321,
    "arrival": _at("08:24:10"),
    "start": _at("08:24:10"),
    "departure": _at("08:54:10"),
    "service_minutes": 30,
    "opening_hours": "08:00-12:00, 13:00-17:00",
    "prize": 46.03,
    "value": 52000.0,
    "state": "done",
    "visit_id": 5120,
    "outcome": "order",
    "notes": None,
    "reason": None,
}
_APPOINTMENT_EXAMPLE: dict[str, Any] = {
    **_STOP_EXAMPLE,
    "seq": 2,
    "account_id": 102,
    "kind": "appointment",
    "name": "Grand Avenue Garden Center",
    "street": "55 E. Grand Ave",
    "postcode": "60611",
    "phone": None,
    "latitude": 41.8917,
    "longitude": -87.6251,
    "arrival": _at("10:12:40"),
    "start": _at("10:30:00"),
    "departure": _at("11:15:00"),
    "service_minutes": 45,
    "opening_hours": "hours not known",
    "prize": 30.68,
    "value": 24000.0,
    "state": "booked",
    "visit_id": 5098,
    "outcome": None,
}
_PLAN_EXAMPLE: dict[str, Any] = {
    "id": 812,
    "rep_id": 7,
    "rep_name": "Jo Ruiz",
    "date": "2025-06-02",
    "version": 1,
    "kind": "day",
    "time_zone": "America/Chicago",
    "created_at": "2025-05-30T21:14:03Z",
    "frozen": False,
    "stale": False,
    "stale_reasons": [],
    "start": {"latitude": 41.8781, "longitude": -87.6298, "at": _at("08:15:00")},
    "end": {"latitude": 41.8781, "longitude": -87.6298, "at": _at("11:31:05")},
    "stops": [_STOP_EXAMPLE, _APPOINTMENT_EXAMPLE],
    "breaks": [],
    "call_instead": [
        {
            "account_id": 201,
            "name": "Evanston Paint & Supply",
            "phone": "+1 847-555-0188",
            "city": "Evanston",
            "value": 18000.0,
            "prize": 12.4,
            "reason": "not_worth_it",
            "detail": "the drive costs more than the visit is worth",
            "last_visit_date": "2025-04-01",
            "overdue_days": 34,
        }
    ],
    "totals": {
        "stops": 2,
        "distance_km": 8.67,
        "travel_minutes": 24.4,
        "prize": 76.71,
        "cost": 11.28,
        "net": 65.43,
        "solve_time_s": 0.878,
    },
    "travel_model": "estimate",
    "travel_detail": "straight-line distance x 1.30 at 50 km/h (an estimate: no road data is "
    "set up)",
    "geometry": None,
}
_PLAN_RUN_EXAMPLE: dict[str, Any] = {
    "rep_id": 7,
    "rep_name": "Jo Ruiz",
    "plans": [_PLAN_EXAMPLE],
    "planned": ["2025-06-02"],
    "kept": [],
    "skipped": [],
}


class PlanRead(BaseModel):
    """One version of a rep's plan for a day."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PLAN_EXAMPLE]})

    id: int
    rep_id: int
    rep_name: str
    date: Day
    version: int
    kind: PlanKind
    time_zone: str
    created_at: datetime
    frozen: bool = Field(description="The day has started: a week re-plan leaves it as it is")
    stale: bool = Field(
        default=False,
        description="Something the plan was based on has changed since it was made (see "
        "stale_reasons); POST /api/v1/reps/{rep_id}/plans/refresh re-plans the days not "
        "started, a started today is re-planned with .../replan. Always false for a day that "
        "is over and for plans made before plans kept their basis",
    )
    stale_reasons: list[str] = Field(
        default_factory=list,
        description="Why, in words: e.g. 'Acme Corp was visited on Wednesday', 'the appointment "
        "at Acme Corp was cancelled', 'Acme Corp is also planned on Friday'",
    )
    start: PlanPlace
    end: PlanPlace | None
    stops: list[PlanStop]
    breaks: list[PlanBreak]
    call_instead: list[CallInstead]
    totals: PlanTotals
    travel_model: str = Field(
        description="what timed the travel: osrm (embedded road data), osrm-server, valhalla, "
        "graphhopper or estimate (straight line: no road data covers the rep's places)"
    )
    travel_detail: str = Field(description="the travel model in words: engine, data, version")
    geometry: list[list[float]] | None = Field(
        default=None,
        description="the drive along the roads, start -> stops -> end, as [latitude, longitude] "
        "pairs (simplified: at most 2,000 points, 5 decimals); null when the plan was made "
        "without roads (travel_model estimate) or the engine could not draw it: a map then "
        "draws straight lines between the stops",
    )


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
    travel_model: str = Field(description="as on the plan: osrm, estimate, ...")


SkipReason = Literal["past", "started"]


class SkippedDay(BaseModel):
    """A working day of the asked range that a batch left unplanned, and why."""

    date: Day
    reason: SkipReason = Field(
        description="past: the day is over on the rep's clock; started: today's shift has begun "
        "and the rep has no plan for it (the rep re-plans the rest of today from the phone)"
    )
    detail: str


class PlanRun(BaseModel):
    """What a plan request produced: one plan per planned day, and the days it left alone."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PLAN_RUN_EXAMPLE]})

    rep_id: int
    rep_name: str = ""
    plans: list[PlanRead]
    planned: list[Day] = Field(default_factory=list, description="The days planned, in order")
    kept: list[Day] = Field(description="Days already started, kept frozen as they were")
    skipped: list[SkippedDay] = Field(
        default_factory=list,
        description="Working days of the range a batch did not plan: over, or started without "
        "a plan (a batch of a started week plans the rest of it)",
    )


class BatchRun(BaseModel):
    """The plans of every rep that could be planned, and why the others could not."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": 41,
                    "state": "succeeded",
                    "runs": [_PLAN_RUN_EXAMPLE],
                    "failed": [
                        {
                            "rep_id": 9,
                            "rep_name": "Sam Lee",
                            "status": 422,
                            "detail": "Sam Lee has no home location to start from; "
                            "set their home address or coordinates first",
                        }
                    ],
                    "wall_time_s": 2.41,
                }
            ]
        }
    )

    job_id: int | None = Field(
        default=None, description="the batch's job (GET /api/v1/jobs/{job_id}: its progress)"
    )
    state: JobState | None = Field(
        default=None,
        description="the batch job's state: while queued or running, the lists hold the reps "
        "done so far",
    )
    runs: list[PlanRun]
    failed: list[BatchFailure] = Field(
        description="reps not planned, by name, with why: refused (status 4xx, the reason in "
        "words), not planned because the batch was cancelled (409) or their task failed (500)"
    )
    wall_time_s: float


class BatchFailure(BaseModel):
    rep_id: int
    rep_name: str
    status: int
    detail: str


BatchRun.model_rebuild()


# --- plan vs actual ------------------------------------------------------------------------


class SkippedVisit(BaseModel):
    account_id: int
    name: str
    reason: str = Field(description="as the rep gave it; 'no reason given' when none")


class LateVisit(BaseModel):
    account_id: int
    name: str
    planned_start: datetime
    started_at: datetime = Field(
        description="recorded arrival; the end less the planned service time when only the end "
        "was recorded"
    )
    minutes_late: int


class DayActual(BaseModel):
    """One rep's day: what the latest plan asked for and what the recorded visits say."""

    date: Day
    plan_version: int | None = Field(description="the latest plan of the day; null: no plan")
    planned: int = Field(description="stops on the latest plan")
    done: int = Field(description="planned stops recorded done")
    skipped: int = Field(description="planned stops recorded skipped")
    open: int = Field(
        description="planned stops not done or skipped: still to come today or later, missed on "
        "a day that is over"
    )
    unplanned_done: int = Field(description="visits done that day to accounts not on the plan")
    late: int = Field(description="done stops begun later than planned start + tolerance")
    skipped_visits: list[SkippedVisit]
    late_visits: list[LateVisit]
    km_planned: float | None = Field(
        description="the latest plan's own kilometres for the whole day (its totals: start -> "
        "stops -> end, a re-plan's morning included), on the model that planned it"
    )
    km_driven: float | None = Field(
        description="an estimate: home -> the recorded visits in the order they were recorded "
        "-> home (once the day is over), on the travel model; there is no GPS track"
    )


class RepActual(BaseModel):
    rep_id: int
    rep_name: str
    days: list[DayActual]


class CadenceCompliance(BaseModel):
    """The team's active accounts against their visit cadence, as of today."""

    as_of: Day
    accounts: int
    within_cadence: int = Field(description="last visit no longer ago than the cadence")
    overdue: int = Field(description="visited, but longer ago than the cadence")
    never_visited: int
    share: float | None = Field(description="within_cadence / accounts; null without accounts")


class NextStop(BaseModel):
    account_id: int
    name: str
    planned_start: datetime
    state: VisitState


class TodayProgress(BaseModel):
    """A rep's today so far, for the live view."""

    rep_id: int
    rep_name: str
    date: Day = Field(description="today on the rep's clock")
    time_zone: str = Field(description="the rep's clock (IANA name), to show the times on")
    planned: int
    done: int
    skipped: int
    next_stop: NextStop | None = Field(description="the first stop not done or skipped")
    behind_minutes: int | None = Field(
        description="how far the next stop's planned start is behind now (null: not behind)"
    )
    last_update: datetime | None = Field(description="the last visit recorded today")


class ActualReport(BaseModel):
    """Plan vs actual for a team's reps over a range, the team's cadence, and today so far."""

    team_id: int
    team_name: str
    start: Day
    days: int
    as_of: datetime
    time_zone: str = Field(description="the company's clock (IANA name), to show as_of on")
    late_tolerance_minutes: int
    travel_model: str | None = Field(
        description="what measured km planned and driven (osrm, estimate, ...); null when no "
        "day had anything to measure"
    )
    reps: list[RepActual]
    cadence: CadenceCompliance
    today: list[TodayProgress]


# --- the look-ahead: refreshing the rest of a week -----------------------------------------


class RefreshRequest(BaseModel):
    """Re-plan the days of a rep's week that have not started, together (one solve)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}, {"from_date": "2025-06-04", "time_limit": 5}]},
    )

    from_date: SentDay | None = Field(
        default=None,
        description="Re-plan from this day (or from today, if later) to the end of its week "
        "(Monday to Sunday); default: today on the rep's clock",
    )
    time_limit: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)] | None = Field(
        default=None, description="Seconds of search; default 2 for one day, 10 for more"
    )


RefreshSkip = Literal["past", "started", "not_worked"]


class RefreshedDay(BaseModel):
    """A day the refresh re-planned, and what had changed (why its plan was stale)."""

    date: Day
    version: int
    reasons: list[str] = Field(
        description="Why the old plan was stale; ['no plan yet'] for a day without one; "
        "[] for a day that was still right and is re-planned with the others"
    )


class LeftDay(BaseModel):
    """A day of the asked range the refresh did not re-plan."""

    date: Day
    reason: RefreshSkip = Field(
        description="past: the day is over; started: today is under way and kept as it is "
        "(the rep re-plans it with .../replan); not_worked: not one of the rep's working days"
    )
    detail: str


class RefreshRun(BaseModel):
    """What a refresh did to each day from `from_date` to the end of the week."""

    rep_id: int
    rep_name: str
    week_start: Day = Field(description="The Monday of the week refreshed")
    week_end: Day = Field(description="Its Sunday")
    refreshed: list[RefreshedDay]
    kept: list[LeftDay] = Field(description="Started days, left unchanged")
    skipped: list[LeftDay] = Field(description="Days over or not worked")
    plans: list[PlanRead] = Field(description="The new plans, one per refreshed day")


# --- the rep's own changes to a day: add an account, pin a stop, move a stop ---


class _Position(BaseModel):
    """Where the rep is (both or neither), for a re-plan of today from there."""

    latitude: Latitude | None = Field(default=None, description="where the rep is now")
    longitude: Longitude | None = Field(default=None, description="where the rep is now")

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        check_pair(self, "latitude", "longitude", sent=self.model_fields_set)
        return self


class StopAdd(_Position):
    """An account to put on the day's route: the rest of the day is planned around it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"account_id": 4211, "latitude": 39.2904, "longitude": -76.6122}]
        },
    )

    account_id: RowId


class StopMove(_Position):
    """Where a stop goes: another working day of the rep within the look-ahead."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"to_date": "2026-03-06"}]}
    )

    to_date: SentDay


class StopPinRead(BaseModel):
    """An account's rule on a rep's day: kept on it (`required`) or off it (`forbidden`)."""

    rep_id: int
    account_id: int
    date: date
    rule: Literal["required", "forbidden"]
    source: Literal["pin", "add", "move"]


class StopMoveRun(BaseModel):
    """Both days after a move: the day the stop left and the day it joined, planned again."""

    from_plan: PlanRead
    to_plan: PlanRead
