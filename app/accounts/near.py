"""Accounts near the rep: their territory's placed accounts, nearest first from a point, by
straight-line (great-circle) distance: a list to choose from, not a drive time."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.service import NO_RELATIONS
from app.auth.access import account_scope
from app.auth.principal import Principal
from app.core.config import Settings
from app.models import Account, Territory
from app.reps.clock import rep_today
from app.reps.service import get_rep
from routing import Point, great_circle_m

NEAR_LIMIT = (1, 100)
"""Fewest and most accounts one answer lists."""


class NearAccount(BaseModel):
    """One account of the rep's territory and how far it is, in a straight line."""

    account_id: int
    name: str
    street: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country: str | None
    phone: str | None
    latitude: float
    longitude: float
    distance_km: float = Field(description="straight-line (great-circle) distance")
    value: float
    cadence_days: int | None
    last_visit_date: date | None
    overdue_days: int | None = Field(description="days past its cadence; None when not overdue")


class NearAccounts(BaseModel):
    latitude: float
    longitude: float
    distance: Literal["straight_line"] = "straight_line"
    items: list[NearAccount]


def near_accounts(
    session: Session,
    settings: Settings,
    principal: Principal,
    rep_id: int,
    latitude: float,
    longitude: float,
    limit: int,
) -> NearAccounts:
    """The `limit` active, placed accounts of rep `rep_id`'s territories nearest the point."""
    rep = get_rep(session, principal, rep_id)
    today = rep_today(rep, settings)
    own = select(Territory.id).where(Territory.rep_id == rep.id).scalar_subquery()
    query = select(Account).where(
        Account.territory_id.in_(own),
        account_scope(principal),
        Account.active.is_(True),
        Account.latitude.is_not(None),
        Account.longitude.is_not(None),
    )
    here = Point(latitude, longitude)
    found = []
    for account in session.scalars(query.options(*NO_RELATIONS)):
        assert account.latitude is not None
        assert account.longitude is not None
        distance = great_circle_m(here, Point(account.latitude, account.longitude)) / 1000
        found.append((distance, account.id, account))
    found.sort(key=lambda item: (item[0], item[1]))
    return NearAccounts(
        latitude=latitude,
        longitude=longitude,
        items=[_item(account, distance, today) for distance, _, account in found[:limit]],
    )


def _item(account: Account, distance_km: float, today: date) -> NearAccount:
    assert account.latitude is not None
    assert account.longitude is not None
    overdue = None
    if account.cadence_days and account.last_visit_date is not None:
        late = (today - account.last_visit_date).days - account.cadence_days
        overdue = late if late > 0 else None
    return NearAccount(
        account_id=account.id,
        name=account.name,
        street=account.street,
        city=account.city,
        region=account.region,
        postcode=account.postcode,
        country=account.country,
        phone=account.phone,
        latitude=account.latitude,
        longitude=account.longitude,
        distance_km=round(distance_km, 2),
        value=account.value,
        cadence_days=account.cadence_days,
        last_visit_date=account.last_visit_date,
        overdue_days=overdue,
    )
