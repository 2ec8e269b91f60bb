"""Reading the record of territory changes, within the caller's teams."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.security import Principal
from app.core.config import Settings
from app.core.listing import Sorting, fetch_page
from app.core.schemas import ListParams, Page
from app.models import TerritoryChange, User
from app.territories.schemas import TerritoryChangeRead
from app.territories.service import team_for

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
