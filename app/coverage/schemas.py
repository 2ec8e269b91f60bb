"""The coverage model over HTTP: the thresholds asked (`CoverageParams`, `CoverageApply`), the
per-account rows and the team totals (`CoverageModel`), and the record of an apply."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import Coverage
from app.core.schemas import Page, PageParams, RowId
from routing.days.coverage import MAX_RATIO

CoverageSort = Literal["ratio", "-ratio", "value", "-value", "cost", "-cost", "name"]


class Thresholds(BaseModel):
    hybrid: float = Field(
        description="cost a year / value a year above which an account alternates visits and "
        "remote touches"
    )
    remote: float = Field(description="the ratio above which it is looked after remotely")


class CoverageParams(PageParams):
    """Which team, the thresholds of the what-if (default: the value model's), and the page of
    accounts."""

    team_id: RowId | None = Field(default=None, description="default: the caller's first team")
    hybrid: float | None = Field(
        default=None,
        gt=0,
        le=MAX_RATIO,
        allow_inf_nan=False,
        description="default (1 - value_touch_share) x value_share; at most `remote`",
    )
    remote: float | None = Field(
        default=None, gt=0, le=MAX_RATIO, allow_inf_nan=False, description="default value_share"
    )
    changes_only: bool = Field(
        default=False, description="only the accounts whose recommendation is not their coverage"
    )
    sort: CoverageSort = Field(default="-ratio", description="the order of the accounts")


class CoverageApply(BaseModel):
    """Apply the model's recommendation with these thresholds to the team's accounts."""

    model_config = ConfigDict(extra="forbid")

    team_id: RowId | None = None
    hybrid: float | None = Field(default=None, gt=0, le=MAX_RATIO, allow_inf_nan=False)
    remote: float | None = Field(default=None, gt=0, le=MAX_RATIO, allow_inf_nan=False)


class CoverageRow(BaseModel):
    """One account: what a year of field visits costs against its value, and the
    recommendation."""

    account_id: int
    name: str
    rep_id: int
    rep_name: str
    value: float = Field(description="the account's value a year")
    cadence_days: int = Field(description="its visit cadence (the default when it has none)")
    visits_a_year: float = Field(description="at its cadence, all in the field")
    detour_minutes: float = Field(description="the drive a visit adds to its rep's day")
    detour_km: float
    detour_source: Literal["plan", "neighbours"] = Field(
        description="`plan`: its insertion cost in its rep's stored plans; `neighbours`: an "
        "estimate, its share of a route through its two nearest places of its rep"
    )
    cost_per_visit: float = Field(description="the detour and the visit's time, priced")
    field_cost_a_year: float = Field(description="visits a year x cost per visit")
    ratio: float | None = Field(description="field cost a year / value; null: worth nothing")
    coverage: Coverage
    recommended: Coverage


class CoverageTotals(BaseModel):
    """The team's field work and the value at risk under one coverage of its accounts."""

    field: int
    hybrid: int
    remote: int
    visits_a_year: float
    field_hours_a_week: float
    field_cost_a_year: float
    cost_per_visit: float | None
    value_at_risk_a_year: float = Field(
        description="value x value_share x (1 - touch_share) x the share of visits replaced "
        "by touches"
    )


class ChartPoint(BaseModel):
    value: float
    cost: float = Field(description="field cost a year, all visits")
    recommended: Coverage


class CoverageModel(Page[CoverageRow]):
    """A team's coverage what-if: nothing is written."""

    team_id: int
    team: str
    thresholds: Thresholds
    default_thresholds: Thresholds
    before: CoverageTotals = Field(description="with each account's coverage now")
    after: CoverageTotals = Field(description="with the recommendation")
    field_hours_freed_a_week: float
    value_at_risk_added_a_year: float
    accounts_changing: int
    not_modelled: int = Field(
        description="active accounts without a place on the map or a field rep: left out"
    )
    travel: dict[str, str] = Field(description="how the detours were timed, per source")
    chart: list[ChartPoint] = Field(description="a sample of accounts (at most 400) to plot")


class CoverageChangeItem(BaseModel):
    account_id: int
    name: str
    before: Coverage
    after: Coverage
    touch_cadence_before: int | None
    touch_cadence_after: int | None


class CoverageChangeRead(BaseModel):
    """One apply: who, when, the thresholds and each account changed old -> new."""

    id: int
    at: dt.datetime
    user: str | None
    team_id: int | None
    thresholds: Thresholds
    accounts_changed: int
    totals: dict[str, CoverageTotals]
    items: list[CoverageChangeItem]


class CoverageChangeParams(PageParams):
    team_id: RowId | None = None
