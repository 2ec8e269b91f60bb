"""Who a slot search asks about: the meeting's subject (a stored account, or a prospect placed
on the map but not stored) and the eligible field reps, among the active field reps the caller
may book for (an inside rep: those they support; a field rep: themselves; a manager: their
teams'):
- an account: the rep whose territory holds it (an account in no territory: no one, and the
  answer says so);
- a prospect: the reps whose territory it falls in, taken as being within `PROSPECT_REACH_KM`
  of one of the territory's placed accounts (a territory is a set of accounts, not a drawn
  area); when it falls in none, the `NEAREST_HOMES` reps whose homes are nearest, within
  `HOME_REACH_KM`, each slot saying so; beyond that, no one, and the answer says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.appointments.schemas import (
    ProspectIn,
    SlotReason,
)
from app.auth.access import account_scope, rep_scope
from app.auth.principal import Principal
from app.core.config import Settings
from app.core.errors import InvalidRequest
from app.models import Account, Rep, Territory
from app.models.accounts import name_key
from app.models.people import FIELD
from app.placement.service import place_accounts
from routing import Point, great_circle_m

PROSPECT_REACH_KM = 10.0
"""A prospect falls in a territory when one of its placed accounts is this close (straight line)."""
NEAREST_HOMES = 3
HOME_REACH_KM = 150.0
"""A prospect in no territory goes to the reps with the nearest homes, within this distance."""


@dataclass(slots=True)
class Subject:
    """Who the meeting is with: a stored account, or a prospect placed but not stored."""

    account: Account
    prospect: ProspectIn | None = None

    @property
    def point(self) -> Point:
        assert self.account.latitude is not None
        assert self.account.longitude is not None
        return Point(self.account.latitude, self.account.longitude)


def placed_prospect(session: Session, settings: Settings, prospect: ProspectIn) -> Account:
    """The prospect as an account not stored, on the map: its point, or its address placed."""
    account = Account(
        name=prospect.name,
        street=prospect.street,
        city=prospect.city,
        postcode=prospect.postcode,
        region=prospect.region,
        country=prospect.country,
        phone=prospect.phone,
        active=True,
        value=0.0,
        service_minutes=30,
    )
    if prospect.latitude is not None and prospect.longitude is not None:
        account.latitude, account.longitude = prospect.latitude, prospect.longitude
        account.geocode_precision, account.geocode_source = "manual", "prospect"
        return account
    place_accounts(session, settings, [account])
    if account.latitude is None:
        raise InvalidRequest(
            "prospect: its address could not be placed on the map "
            f"({account.geocode_note}); check it or give latitude and longitude",
            field="prospect",
        )
    return account


SAME_PLACE_KM = 0.1
"""A prospect given by its point is an account of the same name this close."""


def known_prospect(
    session: Session, principal: Principal, prospect: ProspectIn, placed: Account
) -> Account | None:
    """An active account the caller can see that is this prospect already: the same name
    (case and spacing aside) and the same postcode, else the same street, else (a prospect
    given by its point, `placed`) within `SAME_PLACE_KM`. A second booking of the same new
    customer would otherwise store it twice."""
    # By the stored key, not SQL's lower(): SQLite's folds only ASCII ("CAFÉ" stayed "cafÉ")
    # and neither database's collapses inner spacing.
    named = select(Account).where(
        account_scope(principal),
        Account.active.is_(True),
        Account.name_key == name_key(prospect.name),
    )
    for account in session.scalars(named.order_by(Account.id)).unique():
        if prospect.postcode and account.postcode:
            if _folded(prospect.postcode) == _folded(account.postcode):
                return account
        elif prospect.street and account.street:
            if _folded(prospect.street) == _folded(account.street):
                return account
        elif (
            prospect.latitude is not None
            and placed.latitude is not None
            and placed.longitude is not None
            and account.latitude is not None
            and account.longitude is not None
            and great_circle_m(
                Point(placed.latitude, placed.longitude),
                Point(account.latitude, account.longitude),
            )
            <= SAME_PLACE_KM * 1000
        ):
            return account
    return None


def _folded(text: str) -> str:
    return "".join(text.split()).casefold()


def bookable_reps(session: Session, principal: Principal) -> list[Rep]:
    """The active field reps the caller may book appointments for."""
    query = (
        select(Rep)
        .where(rep_scope(principal), Rep.kind == FIELD, Rep.active.is_(True))
        .order_by(Rep.name, Rep.id)
    )
    return list(session.scalars(query).unique())


def eligible(
    session: Session, principal: Principal, subject: Subject, reasons: list[SlotReason]
) -> tuple[list[Rep], dict[int, str]]:
    """The reps to search, a note per rep where they were chosen by a rule worth telling, and
    the reason (added to `reasons`) where there is no one."""
    reps = bookable_reps(session, principal)
    name = subject.account.name
    if subject.prospect is None:
        territory_rep = session.scalar(
            select(Territory.rep_id).where(Territory.id == subject.account.territory_id)
        )
        if territory_rep is None:
            reasons.append(
                SlotReason(
                    reason="no_territory",
                    detail=f"{name} is in no territory: no field rep covers it; "
                    "assign it to a territory first",
                )
            )
            return [], {}
        own = [rep for rep in reps if rep.id == territory_rep]
        if not own:
            reasons.append(
                SlotReason(
                    reason="no_reps",
                    detail=f"the rep of {name}'s territory is inactive or not a field rep "
                    "you can book for",
                )
            )
        return own, {}
    if not reps:
        reasons.append(
            SlotReason(reason="no_reps", detail="there is no active field rep you can book for")
        )
        return [], {}
    point = subject.point
    nearest = _nearest_account_km(session, [rep.id for rep in reps], point)
    inside = [rep for rep in reps if nearest.get(rep.id, float("inf")) <= PROSPECT_REACH_KM]
    if inside:
        return inside, {}
    homes = sorted(
        (great_circle_m(point, Point(rep.home_latitude, rep.home_longitude)) / 1000, rep)
        for rep in reps
        if rep.home_latitude is not None and rep.home_longitude is not None
    )
    close = [(km, rep) for km, rep in homes[:NEAREST_HOMES] if km <= HOME_REACH_KM]
    if not close:
        reasons.append(
            SlotReason(
                reason="outside_territories",
                detail=f"{name} is more than {PROSPECT_REACH_KM:g} km from every territory's "
                f"accounts and more than {HOME_REACH_KM:g} km from every rep's home",
            )
        )
        return [], {}
    notes = {
        rep.id: f"outside every territory: {rep.name}'s home is among the nearest ({km:.0f} km)"
        for km, rep in close
    }
    return [rep for _, rep in close], notes


def _nearest_account_km(session: Session, rep_ids: list[int], point: Point) -> dict[int, float]:
    """Per rep, the straight-line km from `point` to the nearest placed active account of their
    territories."""
    query = (
        select(Territory.rep_id, Account.latitude, Account.longitude)
        .join(Territory, Territory.id == Account.territory_id)
        .where(
            Territory.rep_id.in_(rep_ids),
            Account.active.is_(True),
            Account.latitude.is_not(None),
            Account.longitude.is_not(None),
        )
    )
    nearest: dict[int, float] = {}
    for rep_id, lat, lon in session.execute(query):
        if rep_id is None or lat is None or lon is None:
            continue  # the query's conditions rule these out; the columns are nullable
        km = great_circle_m(point, Point(lat, lon)) / 1000
        if km < nearest.get(rep_id, float("inf")):
            nearest[rep_id] = km
    return nearest
