"""The queue over HTTP: who and which day (`QueueParams`), and the ranked page (`Queue`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import Coverage
from app.core.schemas import Day, Page, PageParams, RowId
from app.plans.schemas import LeftOutReason

QueueReason = LeftOutReason | Literal["remote", "between_visits"]
"""Why an account is in the queue: the plan left it out (the planner's reasons), or it is
covered remotely (`remote`) or between visits (`between_visits`, a hybrid account) and due for
a touch."""


class QueueParams(PageParams):
    """Whose queue and which day; the queue is ranked by touch value, paged."""

    rep_id: RowId | None = Field(
        default=None,
        description="an inside rep (the reps they support) or a field rep (theirs); default "
        "the caller's own; managers and admins must say",
    )
    date: Day | None = Field(default=None, description="default: today on that rep's clock")


class QueueRep(BaseModel):
    id: int
    name: str


class QueueItem(BaseModel):
    """An account to call, e-mail or meet by video: what a touch is worth now and why."""

    account_id: int
    name: str
    phone: str | None
    street: str | None
    city: str | None
    postcode: str | None
    value: float = Field(description="the account's value a year")
    touch_value: float = Field(description="what a touch is worth now (the value model)")
    reason: QueueReason
    detail: str = Field(description="the reason in words")
    coverage: Coverage
    cadence_days: int | None
    touch_cadence_days: int | None
    last_visit_date: dt.date | None = Field(description="the last visit in person")
    last_touch_date: dt.date | None = Field(description="the last call, e-mail or video meeting")
    rep_id: int = Field(description="the field rep whose account it is")
    rep_name: str


class Queue(Page[QueueItem]):
    """One page of the queue of `date`, ranked by touch value (highest first)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date": "2025-06-02",
                    "owner": {"id": 9, "name": "Dana Inside"},
                    "reps": [{"id": 7, "name": "Sam Field"}],
                    "items": [
                        {
                            "account_id": 4211,
                            "name": "Randolph Street Hardware",
                            "phone": "+1 312-555-0100",
                            "street": "123 W. Randolph St",
                            "city": "Chicago",
                            "postcode": "60601",
                            "value": 52000.0,
                            "touch_value": 171.12,
                            "reason": "not_worth_it",
                            "detail": "its prize 160 is less than the 212 the detour costs",
                            "coverage": "field",
                            "cadence_days": 28,
                            "touch_cadence_days": None,
                            "last_visit_date": "2025-04-20",
                            "last_touch_date": None,
                            "rep_id": 7,
                            "rep_name": "Sam Field",
                        }
                    ],
                    "total": 1,
                    "limit": 100,
                    "offset": 0,
                }
            ]
        }
    )

    date: dt.date
    owner: QueueRep = Field(description="whose queue: an inside rep, or a field rep's own")
    reps: list[QueueRep] = Field(description="the field reps whose accounts it gathers")
