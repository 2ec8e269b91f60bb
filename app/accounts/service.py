"""Accounts: the scoped list with its filters, reads, writes, and placing them on the map.

A point typed in or a pin moved by hand wins over the geocoder until the address changes; an
address change without a new pin clears the manual pin and geocodes again.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.orm import Session, raiseload

from app.accounts.schemas import AccountCreate, AccountListParams, AccountRead, AccountUpdate
from app.auth.access import account_scope, require_role, territory_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.errors import Conflict, Forbidden, InvalidRequest, NotFound
from app.core.listing import Sorting, date_plus_days, fetch_rows, text_matches
from app.core.schemas import Page
from app.models import Account, Territory
from app.placement import service as placement
from app.teams import service as teams
from app.territories.changes import record_move

REP_EDITABLE = frozenset({"latitude", "longitude", "notes", "phone"})
INSIDE_EDITABLE = frozenset({"notes", "phone"})
"""What an inside rep learns on the phone; the pin is for whoever stands at the door."""
NEXT_DUE_DATE = date_plus_days(Account.last_visit_date, Account.cadence_days)
SORTING = Sorting(
    fields={
        "name": Account.name,
        "external_id": Account.external_id,
        "value": Account.value,
        "tier": Account.tier,
        "city": Account.city,
        "postcode": Account.postcode,
        "cadence_days": Account.cadence_days,
        "touch_cadence_days": Account.touch_cadence_days,
        "last_visit_date": Account.last_visit_date,
        "last_touch_date": Account.last_touch_date,
        "next_due_date": NEXT_DUE_DATE,
        "geocode_precision": Account.geocode_precision,
        "created_at": Account.created_at,
        "updated_at": Account.updated_at,
        "id": Account.id,
    },
    default="name",
    tiebreak=Account.id,
)
SEARCHED = (Account.name, Account.external_id, Account.city, Account.postcode, Account.street)
# Reads need no related rows; raising keeps a lazy load from ever turning a page into N+1.
NO_RELATIONS = (raiseload("*"),)
_STORED_FIELDS = tuple(
    name
    for name in AccountRead.model_fields
    if name not in {"next_due_date", "overdue", "overdue_days"}
)
# A page of 1,000 is read as plain rows: building ORM objects would cost more than the query.
_STORED_COLUMNS = tuple(Account.__table__.c[name] for name in _STORED_FIELDS)


def overdue_condition(as_of: date) -> ColumnElement[bool]:
    """Active, with a cadence, and never visited or last visited more than a cadence before."""
    return and_(
        Account.active.is_(True),
        Account.cadence_days.is_not(None),
        # NEXT_DUE_DATE is a column expression, not the constant ruff takes it for.
        or_(Account.last_visit_date.is_(None), NEXT_DUE_DATE < as_of),  # noqa: SIM300
    )


def to_read(account: Account, as_of: date) -> AccountRead:
    """The API view of `account`, with its cadence position on `as_of`."""
    return _read({name: getattr(account, name) for name in _STORED_FIELDS}, as_of)


def _read(data: dict[str, Any], as_of: date) -> AccountRead:
    last, cadence, active = data["last_visit_date"], data["cadence_days"], data["active"]
    due = _due(last, cadence)
    data["next_due_date"] = due
    data["overdue"] = (
        active and cadence is not None and (last is None or (due is not None and due < as_of))
    )
    data["overdue_days"] = (as_of - due).days if due is not None and active else None
    return AccountRead.model_validate(data)


def _due(last: date | None, cadence: int | None) -> date | None:
    if last is None or cadence is None:
        return None
    try:
        return last + timedelta(days=cadence)
    except OverflowError:  # past year 9999: never due in any calendar we can show
        return None


def list_accounts(
    session: Session, settings: Settings, principal: Principal, params: AccountListParams
) -> Page[AccountRead]:
    """The page of the caller's accounts that `params` asks for."""
    as_of = params.as_of or clock.today(settings.company_zone)
    where = [account_scope(principal), *_filters(session, params, as_of)]
    rows, total = fetch_rows(
        session,
        Account,
        _STORED_COLUMNS,
        where,
        params,
        sorting=SORTING,
        max_page_size=settings.max_page_size,
    )
    items = [_read(dict(row), as_of) for row in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


def _filters(session: Session, params: AccountListParams, as_of: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if params.territory_id is not None:
        where.append(Account.territory_id == params.territory_id)
    if params.team_id is not None:
        where.append(Account.team_id == params.team_id)
    if params.tier:
        where.append(Account.tier.in_(params.tier))
    if params.overdue is not None:
        overdue = overdue_condition(as_of)
        where.append(overdue if params.overdue else not_(overdue))
    if params.q is not None:
        where.append(text_matches(session, params.q, SEARCHED))
    if params.placed is not None:
        placed = and_(Account.latitude.is_not(None), Account.longitude.is_not(None))
        where.append(placed if params.placed else not_(placed))
    if params.precision:
        where.append(Account.geocode_precision.in_([p.value for p in params.precision]))
    if params.active is not None:
        where.append(Account.active.is_(params.active))
    if params.coverage:
        where.append(Account.coverage.in_(params.coverage))
    return where


def get_account(session: Session, principal: Principal, account_id: int) -> Account:
    """The account, if the caller may see it; 404 otherwise (ids of others do not leak)."""
    query = select(Account).where(Account.id == account_id, account_scope(principal))
    account = session.scalars(query.options(*NO_RELATIONS)).first()
    if account is None:
        raise NotFound(f"no account {account_id}")
    return account


def read_account(
    session: Session,
    settings: Settings,
    principal: Principal,
    account_id: int,
    as_of: date | None = None,
) -> AccountRead:
    account = get_account(session, principal, account_id)
    return to_read(account, as_of or clock.today(settings.company_zone))


def create_account(
    session: Session, settings: Settings, principal: Principal, body: AccountCreate
) -> AccountRead:
    """Store a new account and place it: at the point given, else by geocoding its address."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    territory_team = _territory_team(session, principal, body.territory_id)
    team_id = body.team_id or territory_team or teams.default_team(principal)
    teams.check_team_use(session, principal, team_id)
    _check_consistent(body.territory_id, territory_team, team_id)
    _check_external_id(session, body.external_id)
    values = body.model_dump(exclude={"latitude", "longitude", "territory_id", "team_id"})
    account = Account(**values, territory_id=body.territory_id, team_id=team_id)
    session.add(account)
    if body.latitude is not None and body.longitude is not None:
        placement.pin_account(account, body.latitude, body.longitude, source="user")
    else:
        placement.place_accounts(session, settings, [account])
    session.flush()
    record_move(session, principal, account, None, source="manual")
    return to_read(account, clock.today(settings.company_zone))


def update_account(
    session: Session,
    settings: Settings,
    principal: Principal,
    account_id: int,
    body: AccountUpdate,
) -> AccountRead:
    """Change the fields sent; move the pin, or geocode again when the address changed."""
    changes = body.model_dump(exclude_unset=True)
    if principal.role is Role.REP:
        refused = sorted(set(changes) - REP_EDITABLE)
        if refused:
            raise Forbidden(
                f"{', '.join(refused)}: reps may change only latitude, longitude, notes and phone",
                field=refused[0],
            )
    if principal.role is Role.INSIDE:
        refused = sorted(set(changes) - INSIDE_EDITABLE)
        if refused:
            raise Forbidden(
                f"{', '.join(refused)}: inside reps may change only notes and phone",
                field=refused[0],
            )
    account = get_account(session, principal, account_id)
    pin_moved = "latitude" in changes
    latitude, longitude = changes.pop("latitude", None), changes.pop("longitude", None)
    if "territory_id" in changes or "team_id" in changes:
        changes["team_id"] = _moved_team(session, principal, account, changes)
    if changes.get("external_id", account.external_id) != account.external_id:
        _check_external_id(session, changes["external_id"])
    address_changed = any(
        field in changes and changes[field] != getattr(account, field)
        for field in placement.ADDRESS_FIELDS
    )
    territory_before = account.territory_id
    for field, value in changes.items():
        setattr(account, field, value)
    record_move(session, principal, account, territory_before, source="manual")
    if pin_moved and latitude is not None and longitude is not None:
        placement.pin_account(account, latitude, longitude, source="pin")
    elif pin_moved or address_changed:
        account.pin_manual = False
        placement.place_accounts(session, settings, [account])
    session.flush()
    return to_read(account, clock.today(settings.company_zone))


def geocode_account(
    session: Session, settings: Settings, principal: Principal, account_id: int
) -> AccountRead:
    """Geocode the account's address now, dropping a manual pin."""
    account = get_account(session, principal, account_id)
    account.pin_manual = False
    placement.place_accounts(session, settings, [account], retry_misses=True)
    session.flush()
    return to_read(account, clock.today(settings.company_zone))


def delete_account(session: Session, principal: Principal, account_id: int) -> None:
    """Delete the account (its visits go with it)."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    session.delete(get_account(session, principal, account_id))
    session.flush()


def _territory_team(session: Session, principal: Principal, territory_id: int | None) -> int | None:
    """The team of a territory the caller may use (422 naming territory_id otherwise)."""
    if territory_id is None:
        return None
    row = session.execute(
        select(Territory.team_id).where(Territory.id == territory_id, territory_scope(principal))
    ).first()
    if row is None:
        raise InvalidRequest(f"territory_id: no territory {territory_id}", field="territory_id")
    team_id: int | None = row.team_id
    return team_id


def _moved_team(
    session: Session, principal: Principal, account: Account, changes: dict[str, Any]
) -> int | None:
    """The account's team after a change of team or territory (a new territory brings its
    team along unless a team is sent too); managers keep accounts in their teams."""
    territory_id = changes.get("territory_id", account.territory_id)
    if "territory_id" in changes:
        territory_team = _territory_team(session, principal, territory_id)
    elif territory_id is not None:
        # The account's current territory, whoever may see it, only to keep the two in step.
        territory_team = session.scalar(
            select(Territory.team_id).where(Territory.id == territory_id)
        )
    else:
        territory_team = None
    if "team_id" in changes:
        team_id: int | None = changes["team_id"]
    else:
        team_id = territory_team if territory_team is not None else account.team_id
    if team_id != account.team_id:
        teams.check_team_use(session, principal, team_id)
    _check_consistent(territory_id, territory_team, team_id)
    return team_id


def _check_consistent(
    territory_id: int | None, territory_team: int | None, team_id: int | None
) -> None:
    if territory_team is not None and territory_team != team_id:
        raise InvalidRequest(
            f"territory_id: territory {territory_id} belongs to team {territory_team}, "
            f"not to team {team_id}",
            field="territory_id",
        )


def _check_external_id(session: Session, external_id: str | None) -> None:
    if external_id is None:
        return
    taken = session.scalar(select(Account.id).where(Account.external_id == external_id))
    if taken is not None:
        raise Conflict(
            f"external_id: {external_id!r} is already used by another account",
            field="external_id",
        )
