"""How one imported row changes one account: its fields, its team and territory (kept in step,
within the importer's scope), and its point (CRM coordinates, or a geocode when the address
moved). `app.imports.service` runs the file through this, chunk by chunk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.access import team_scope, territory_scope
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role
from app.imports.parsing import AccountRow, RowError
from app.models import Account, Team, Territory
from app.placement.service import ADDRESS_FIELDS

# Account columns an import can set.
IMPORTED_FIELDS = (
    "name", "street", "city", "postcode", "region", "country", "phone", "value", "tier",
    "cadence_days", "touch_cadence_days", "coverage", "service_minutes", "opening_hours",
    "notes", "active",
)  # fmt: skip
DEFAULTS: dict[str, Any] = {
    "value": 0.0,
    "service_minutes": 30,
    "active": True,
    "coverage": "field",
}


@dataclass
class Refs:
    """The teams and territories the importer may use, by case-folded name."""

    principal: Principal
    default_team: int | None
    teams: dict[str, int] = field(default_factory=dict)
    territories: dict[str, Territory] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, principal: Principal, default_team: int | None) -> Refs:
        teams = session.scalars(select(Team).where(team_scope(principal)))
        territories = session.scalars(select(Territory).where(territory_scope(principal)))
        return cls(
            principal,
            default_team,
            {t.name.casefold(): t.id for t in teams},
            {t.name.casefold(): t for t in territories},
        )


@dataclass(frozen=True)
class Placement:
    """Where a row puts its account: team and territory (None = leave as they are)."""

    team_id: int | None
    territory_id: int | None
    set_team: bool
    set_territory: bool


def resolve(row: AccountRow, refs: Refs, account: Account | None) -> Placement | RowError:
    """The row's team and territory, consistent with each other and within the importer's
    scope. A territory brings its team along; a team change without a territory clears the
    territory (it belonged to the old team)."""
    team_id = account.team_id if account is not None else refs.default_team
    set_team = account is None and team_id is not None
    if "team" in row.present and row.team:
        found = refs.teams.get(row.team.casefold())
        if found is None:
            known = ", ".join(sorted(refs.teams)) or "none"
            return RowError(row.row, "team", row.team, f"unknown team (yours: {known})")
        team_id, set_team = found, True
    territory_id = account.territory_id if account is not None else None
    set_territory = False
    if "territory" in row.present:
        set_territory, territory_id = True, None
        if row.territory:
            territory = refs.territories.get(row.territory.casefold())
            # Foreign and unknown territories get one answer, so names do not leak.
            if territory is None:
                return RowError(row.row, "territory", row.territory, "unknown territory")
            if not ("team" in row.present and row.team):
                team_id, set_team = territory.team_id, True
            elif territory.team_id != team_id:
                return RowError(
                    row.row, "territory", row.territory, "the territory is not in the row's team"
                )
            territory_id = territory.id
    elif account is not None and account.territory_id is not None and team_id != account.team_id:
        set_territory, territory_id = True, None
    principal = refs.principal
    if principal.role is Role.MANAGER and team_id not in principal.team_ids:
        column = "team" if "team" in row.present and row.team else None
        return RowError(row.row, column, row.team, "managers can only import into their teams")
    return Placement(team_id, territory_id, set_team, set_territory)


def apply_row(
    account: Account, row: AccountRow, placement: Placement, *, is_new: bool
) -> tuple[list[str], list[RowError]]:
    """Copy the row onto the account: the fields that changed, and warnings (kept values)."""
    changes: list[str] = []
    warnings: list[RowError] = []
    for name in IMPORTED_FIELDS:
        if name not in row.present and not (is_new and name == "name"):
            continue
        value = getattr(row, name)
        if value is None and name in DEFAULTS:
            value = DEFAULTS[name]
        if getattr(account, name) != value:
            setattr(account, name, value)
            changes.append(name)
    if placement.set_team and account.team_id != placement.team_id:
        account.team_id = placement.team_id
        changes.append("team")
    if placement.set_territory and account.territory_id != placement.territory_id:
        if account.locked and "team" not in changes:
            warnings.append(
                RowError(row.row, "territory", row.territory, "kept: the account is locked")
            )
        else:
            account.territory_id = placement.territory_id
            changes.append("territory")
    return ([] if is_new else changes), warnings


def apply_point(account: Account, row: AccountRow, changes: list[str], *, is_new: bool) -> bool:
    """Use the CRM's coordinates when the row has them; True when the geocoder must place it."""
    address_changed = is_new or bool(ADDRESS_FIELDS.intersection(changes))
    if row.latitude is not None and row.longitude is not None:
        if account.pin_manual and not address_changed:
            return False
        moved = (account.latitude, account.longitude) != (row.latitude, row.longitude)
        if moved or account.geocode_source != "crm" or account.pin_manual:
            if not is_new:
                changes.append("location")
            account.latitude, account.longitude = row.latitude, row.longitude
            account.pin_manual = False
            account.geocode_precision = coordinate_precision(row.latitude, row.longitude)
            account.geocode_source, account.geocode_score = "crm", 1.0
            account.geocoded_at, account.geocode_note = clock.now(), None
        return False
    if not address_changed:
        return account.latitude is None and account.geocoded_at is None
    # The address moved: a pin set for the old address no longer says where the account is.
    account.pin_manual = False
    return True


def coordinate_precision(latitude: float, longitude: float) -> str:
    """How precise given coordinates can be, from their decimals: 4+ decimals (~11 m) are an
    address, 3 (~110 m) a street, 2 (~1.1 km) a postcode, fewer a city."""
    decimals = min(_decimals(latitude), _decimals(longitude))
    if decimals >= 4:
        return "address"
    return {3: "street", 2: "postcode"}.get(decimals, "city")


def _decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".", 1)[1]) if "." in text and "e" not in text else 0
