"""Territories, rebalance proposals and the change record, as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.schemas import ListParams, RowId


class LatLon(BaseModel):
    lat: float
    lon: float


class Figures(BaseModel):
    """One rep's territory in numbers (per week where it says so)."""

    accounts: int
    value: float
    workload_hours: float = Field(description="visits x (time on site + driving per visit)")
    target_hours: float = Field(description="the rep's share of the team's workload")
    deviation: float = Field(description="(workload - target) / target")
    drive_km_week: float = Field(description="estimated driving to serve the territory")
    drive_hours_week: float
    mean_km_from_home: float = Field(description="workload-weighted")


class RepTerritory(Figures):
    rep_id: int
    rep: str
    territory_id: int | None
    territory: str | None
    home: LatLon | None
    color: str


class MapAccount(BaseModel):
    id: int
    name: str
    lat: float
    lon: float
    value: float
    territory_id: int | None
    rep_id: int | None
    locked: bool


class TerritoryOverview(BaseModel):
    team_id: int
    team: str
    reps: list[RepTerritory]
    unassigned_accounts: int = Field(description="placed, active accounts no rep covers")
    accounts: list[MapAccount] = Field(description="placed, active accounts of the team")


class ProposalCreate(BaseModel):
    """What to balance and how hard to hold on to today's territories."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"team_id": 3, "workload_tolerance": 0.05},
                {
                    "team_id": 3,
                    "workload_tolerance": 0.1,
                    "value_tolerance": 0.15,
                    "move_weight": 5,
                },
                {"team_id": 3, "remove_rep_ids": [9], "time_limit_s": 20},
            ]
        },
    )

    team_id: RowId | None = Field(
        default=None, description="required unless the caller manages exactly one team"
    )
    workload_tolerance: float = Field(default=0.05, gt=0, le=1)
    value_tolerance: float | None = Field(default=None, gt=0, le=1)
    move_weight: float = Field(
        default=1.0, ge=0, le=1000, description="how much keeping accounts where they are matters"
    )
    remove_rep_ids: list[RowId] = Field(
        default_factory=list, max_length=100, description="reps whose accounts are shared out"
    )
    time_limit_s: float = Field(default=10.0, gt=0, le=60)


class Overload(BaseModel):
    """The rep a proposal leaves furthest over the hours they work a week."""

    rep_id: int
    rep: str
    workload_hours: float
    capacity_hours: float = Field(description="working days x (shift - lunch)")
    over: float = Field(description="(workload - capacity) / capacity; 0.26 = 26% over")


class Balance(BaseModel):
    requested_tolerance: float
    achieved_tolerance: float = Field(
        description="the largest deviation of a rep's workload from their share of the team's"
    )
    met: bool = Field(
        description="every rep within requested_tolerance of their share, and none further "
        "than that over the hours they work a week (see overload)"
    )
    max_deviation_before: float
    overload: Overload | None = Field(
        default=None,
        description="the rep furthest over their weekly hours, when that is more than "
        "requested_tolerance (then met is false): shares can balance while everyone is "
        "overworked, e.g. after removing a rep",
    )


class RepChange(BaseModel):
    rep_id: int
    rep: str
    color: str
    before: Figures | None = Field(description="null for a rep removed from the proposal")
    after: Figures | None


class Move(BaseModel):
    account_id: int
    account: str
    lat: float
    lon: float
    from_rep_id: int | None
    to_rep_id: int
    value: float
    workload_hours: float


class SolverInfo(BaseModel):
    status: str
    seconds: float


def _figures(accounts: int, value: float, hours: float, km: float) -> dict[str, Any]:
    return {
        "accounts": accounts,
        "value": value,
        "workload_hours": hours,
        "target_hours": 30.0,
        "deviation": round((hours - 30.0) / 30.0, 3),
        "drive_km_week": km,
        "drive_hours_week": round(km / 50, 2),
        "mean_km_from_home": round(km / 25, 1),
    }


_PROPOSAL_EXAMPLE: dict[str, Any] = {
    "id": 41,
    "team_id": 3,
    "status": "proposed",
    "created_at": "2025-05-30T09:40:12Z",
    "created_by": "Dana Manager",
    "moved_accounts": 1,
    "total_accounts": 212,
    "balance": {
        "requested_tolerance": 0.05,
        "achieved_tolerance": 0.033,
        "met": True,
        "max_deviation_before": 0.1,
    },
    "params": {
        "team_id": 3,
        "workload_tolerance": 0.05,
        "value_tolerance": None,
        "move_weight": 1.0,
        "remove_rep_ids": [],
        "time_limit_s": 10.0,
    },
    "reps": [
        {
            "rep_id": 7,
            "rep": "Jo Ruiz",
            "color": "#ff7f0e",
            "before": _figures(110, 1_480_000.0, 33.0, 610.0),
            "after": _figures(109, 1_462_000.0, 31.0, 598.0),
        },
        {
            "rep_id": 8,
            "rep": "Ana Wu",
            "color": "#2ca02c",
            "before": _figures(102, 1_395_000.0, 27.0, 540.0),
            "after": _figures(103, 1_413_000.0, 29.0, 549.0),
        },
    ],
    "moves": [
        {
            "account_id": 4388,
            "account": "Lakeview Tool Supply",
            "lat": 41.9398,
            "lon": -87.6536,
            "from_rep_id": 7,
            "to_rep_id": 8,
            "value": 18000.0,
            "workload_hours": 2.0,
        }
    ],
    "solver": {"status": "OPTIMAL", "seconds": 1.84},
}


class ProposalSummary(BaseModel):
    id: int
    team_id: int
    status: Literal["proposed", "applied", "discarded"]
    created_at: datetime
    created_by: str | None
    moved_accounts: int
    total_accounts: int
    balance: Balance


class ProposalRead(ProposalSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [_PROPOSAL_EXAMPLE]})

    params: ProposalCreate
    reps: list[RepChange]
    moves: list[Move]
    solver: SolverInfo


class ChangeListParams(ListParams):
    team_id: RowId | None = None


class TerritoryChangeRead(BaseModel):
    id: int
    at: datetime
    user: str | None
    account_id: int | None = Field(description="null once the account is deleted")
    account: str
    from_rep_id: int | None
    to_rep_id: int | None
    source: Literal["proposal", "manual", "import"]
    proposal_id: int | None
