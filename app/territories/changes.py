"""The record of territory changes: every account that changes territory, by whom and why."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth.security import Principal
from app.models import Account, Territory, TerritoryChange


def record_move(
    session: Session,
    principal: Principal,
    account: Account,
    from_territory_id: int | None,
    *,
    source: str,
    proposal_id: int | None = None,
) -> None:
    """Note that `account` moved from `from_territory_id` to its current territory."""
    if from_territory_id == account.territory_id:
        return
    session.add(
        TerritoryChange(
            # Principals made by code (the demo loader) have no user row.
            user_id=principal.user_id or None,
            team_id=account.team_id,
            account_id=account.id,
            account_name=account.name,
            from_territory_id=from_territory_id,
            to_territory_id=account.territory_id,
            from_rep_id=_rep_of(session, from_territory_id),
            to_rep_id=_rep_of(session, account.territory_id),
            source=source,
            proposal_id=proposal_id,
        )
    )


def _rep_of(session: Session, territory_id: int | None) -> int | None:
    territory = session.get(Territory, territory_id) if territory_id is not None else None
    return territory.rep_id if territory is not None else None
