"""The rep's own changes to a day over HTTP: add an account, pin a stop, move a stop."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.schemas import Day, Latitude, Longitude, RowId, check_pair
from app.plans.schemas import PlanRead


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

    to_date: Day


class StopPinRead(BaseModel):
    """An account's rule on a rep's day: kept on it (`required`) or off it (`forbidden`)."""

    rep_id: int
    account_id: int
    date: dt.date
    rule: Literal["required", "forbidden"]
    source: Literal["pin", "add", "move"]


class StopMoveRun(BaseModel):
    """Both days after a move: the day the stop left and the day it joined, planned again."""

    from_plan: PlanRead
    to_plan: PlanRead
