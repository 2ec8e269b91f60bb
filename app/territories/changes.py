"""The record of territory changes: every account that changes territory, by whom and why;
written as moves happen, read within the caller's teams."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core.config import Settings
from app.core.listing import Sorting, fetch_page
from app.core.schemas import ListParams, Page
from app.models import Account, Territory, TerritoryChange, User
from app.territories.schemas import TerritoryChangeRead
from app.territories.service import team_for


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


SORTING = Sorting(fields={"at": TerritoryChange.at}, default="-at", tiebreak=TerritoryChange.id)


def list_changes(
    session: Session,
    settings: Settings,
    principal: Principal,
    team_id: int | None,
    params: ListParams,
) -> Page[TerritoryChangeRead]:
    team = team_for(session, principal, team_id)
    rows, total = fetch_page(
        session,
        TerritoryChange,
        [TerritoryChange.team_id == team.id],
        params,
        sorting=SORTING,
        max_page_size=settings.max_page_size,
    )
    users = dict(
        session.execute(
            select(User.id, User.name).where(User.id.in_({r.user_id for r in rows} - {None}))
        ).all()
    )
    items = [
        TerritoryChangeRead(
            id=r.id,
            at=r.at,
            user=users.get(r.user_id) if r.user_id else None,
            account_id=r.account_id,
            account=r.account_name or "",
            from_rep_id=r.from_rep_id,
            to_rep_id=r.to_rep_id,
            source=r.source,  # type: ignore[arg-type]
            proposal_id=r.proposal_id,
        )
        for r in rows
    ]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)
