"""Teams over HTTP (read-only): `TeamRead` and the list parameters."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.core.schemas import ListParams


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime


class TeamListParams(ListParams):
    """Paging and sorting of `GET /teams`."""
