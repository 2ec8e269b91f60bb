"""The weekly report over HTTP: which team and weeks (`WeeklyParams`), and per rep and week
the figures a manager compares (`WeeklyReport`). The definitions are in `app.reports.service`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from app.core.schemas import Day

MAX_WEEKS = 26
"""Half a year of weeks: enough to see a trend, and a bounded amount of work per request (the
kilometres are measured per rep and day on the travel model)."""


def _monday(day: dt.date) -> dt.date:
    if day.weekday() != 0:
        monday = day - dt.timedelta(days=day.weekday())
        raise ValueError(
            f"must be a Monday (weeks are ISO weeks); {day} is in the week of {monday}"
        )
    return day


Monday = Annotated[Day, AfterValidator(_monday)]
"""The Monday that names an ISO week, as `YYYY-MM-DD`."""
RepKind = Literal["field", "inside"]


class ChannelCounts(BaseModel):
    """Remote touches done, by channel."""

    call: int
    email: int
    video: int


class CoverageCount(BaseModel):
    accounts: int = Field(description="active accounts of this coverage")
    touched: int = Field(
        description="of those, the accounts with a done visit or touch in the week, by anyone"
    )


class CoverageByChannel(BaseModel):
    """The accounts by how they are looked after (`Account.coverage`), and how many of each
    were met in the week, in person or remotely, by any rep."""

    field: CoverageCount
    hybrid: CoverageCount
    remote: CoverageCount


class WeekFigures(BaseModel):
    """One week's figures; `app.reports.service` defines each."""

    week: dt.date = Field(description="the week's Monday")
    visits: int = Field(description="visits in person done (one per account and day)")
    touches: ChannelCounts
    touches_total: int
    value_covered: float = Field(
        description="the summed annual value of the distinct accounts met (visited or touched)"
    )
    km_driven: float | None = Field(
        description="estimated km driven to the visits done (None: a leg with no road)"
    )
    drive_hours: float | None
    visit_hours: float = Field(description="time at the visits done")
    cost: float | None = Field(
        description="km x cost per km + drive hours x cost per hour + (drive + visit hours) x "
        "cost per working hour"
    )
    cost_per_visit: float | None = Field(description="cost / visits (None without visits)")
    coverage: CoverageByChannel


class RepWeek(WeekFigures):
    rep_id: int
    rep_name: str
    kind: RepKind


class WeeklyReport(BaseModel):
    """Per rep and week (reps by name, each rep's weeks in order), and the totals of the reps
    listed per week."""

    team_id: int
    team_name: str
    start: dt.date = Field(description="the first week's Monday")
    end: dt.date = Field(description="the last week's Monday")
    weeks: list[dt.date]
    as_of: dt.datetime
    travel_model: str | None = Field(description="what measured the km (None: nothing was driven)")
    reps: list[RepWeek]
    totals: list[WeekFigures]
