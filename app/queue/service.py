"""The queue: accounts to call, e-mail or meet by video, ranked by what a touch is worth now.

A field rep's queue is over their own accounts; an inside rep's gathers those of the field reps
they support (`inside_support`). It holds:

- the accounts the stored plans of the day left out (the call-instead lists), with the plan's
  reason: not worth the drive, no time, closed, not on the map...;
- the accounts of those reps' territories covered remotely (`coverage` "remote"), or between
  visits ("hybrid" with a remote cadence), that are due for a touch: as long since the last
  contact (a visit or a touch) as their remote cadence (else their visit cadence) asks.

Not in it: the day's route stops, accounts touched or visited that day, inactive accounts, and
accounts no longer in those reps' territories. Each is priced by `routing.touch_prize` on the
day (the value model: README, "What a visit is worth") and the queue is ranked by it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from app.auth.access import supported_reps
from app.auth.principal import Principal
from app.core.config import Settings
from app.core.errors import InvalidRequest
from app.core.listing import page_of
from app.models import Account, Rep, RoutePlan, Territory, Visit
from app.models.people import FIELD
from app.queue.schemas import Queue, QueueItem, QueueParams, QueueRep
from app.reps.clock import rep_today
from app.reps.service import get_rep
from routing import ValueWeights, days_since, touch_prize, urgency

SKIPPED_REASONS = frozenset({"planned_another_day"})
"""Left-out reasons that are no call to make: the week's plan visits the account another day."""
_COLUMNS = (
    Account.id,
    Account.name,
    Account.phone,
    Account.street,
    Account.city,
    Account.postcode,
    Account.value,
    Account.coverage,
    Account.cadence_days,
    Account.touch_cadence_days,
    Account.last_visit_date,
    Account.last_touch_date,
    Territory.rep_id,
)


@dataclass(frozen=True, slots=True)
class Why:
    reason: str
    detail: str


def read_queue(
    session: Session, settings: Settings, principal: Principal, params: QueueParams
) -> Queue:
    """The page of the queue `params` asks for (whose: `params.rep_id`, else the caller's)."""
    owner = queue_owner(session, principal, params.rep_id)
    reps = field_reps(session, owner)
    day = params.date or rep_today(owner, settings)
    items = ranked(session, settings.value_weights, reps, day)
    return Queue(
        items=page_of(items, params, settings.max_page_size),
        total=len(items),
        limit=params.limit,
        offset=params.offset,
        date=day,
        owner=QueueRep(id=owner.id, name=owner.name),
        reps=[QueueRep(id=rep.id, name=rep.name) for rep in reps],
    )


def queue_owner(session: Session, principal: Principal, rep_id: int | None) -> Rep:
    """The rep whose queue it is: the one named (404 outside the caller's scope), else the
    caller's own rep (managers and admins must name one: 422)."""
    if rep_id is None:
        if principal.rep_id is None:
            raise InvalidRequest(
                "rep_id: say whose queue: an inside rep's, or a field rep's", field="rep_id"
            )
        rep_id = principal.rep_id
    return get_rep(session, principal, rep_id)


def field_reps(session: Session, owner: Rep) -> list[Rep]:
    """The field reps whose accounts the owner's queue gathers: the owner, or the active ones
    an inside owner supports."""
    if owner.kind == FIELD:
        return [owner]
    query = (
        select(Rep)
        .where(
            Rep.id.in_(supported_reps(owner.id).scalar_subquery()),
            Rep.active.is_(True),
            Rep.kind == FIELD,
        )
        .order_by(Rep.name, Rep.id)
    )
    return list(session.scalars(query).unique())


def ranked(
    session: Session, weights: ValueWeights, reps: Sequence[Rep], day: date
) -> list[QueueItem]:
    """Every account in the queue of `reps` on `day`, highest touch value first."""
    if not reps:
        return []
    names = {rep.id: rep.name for rep in reps}
    left_out, stops = _plans(session, list(names), day)
    territories = select(Territory.id).where(Territory.rep_id.in_(list(names)))
    contacted = set(
        session.scalars(
            select(Visit.account_id).where(
                Visit.visit_date == day,
                Visit.status == "done",
                Visit.account_id.in_(
                    select(Account.id)
                    .where(Account.territory_id.in_(territories.scalar_subquery()))
                    .scalar_subquery()
                ),
            )
        )
    )
    query = (
        select(*_COLUMNS)
        .join(Territory, Territory.id == Account.territory_id)
        .where(Territory.rep_id.in_(list(names)), Account.active.is_(True))
    )
    scored: list[tuple[float, QueueItem]] = []
    for row in session.execute(query).mappings():
        account_id = row["id"]
        if account_id in stops or account_id in contacted:
            continue
        why = left_out.get(account_id) or _due_remotely(row, day, weights)
        if why is None:
            continue
        worth = touch_prize(
            row["value"],
            row["cadence_days"],
            row["touch_cadence_days"],
            row["last_visit_date"],
            row["last_touch_date"],
            day,
            weights,
        )
        scored.append((worth, _item(row, why, worth, names)))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].value, pair[1].account_id))
    return [item for _, item in scored]


def _plans(session: Session, rep_ids: list[int], day: date) -> tuple[dict[int, Why], set[int]]:
    """From the latest stored plan of `day` of each rep: the accounts left out (why) and the
    accounts on the route."""
    query = (
        select(RoutePlan.rep_id, RoutePlan.stops, RoutePlan.left_out)
        .where(RoutePlan.rep_id.in_(rep_ids), RoutePlan.plan_date == day)
        .order_by(RoutePlan.version)
    )
    latest: dict[int, tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]] = {}
    for rep_id, stops, left in session.execute(query):
        latest[rep_id] = (stops, left)
    left_out: dict[int, Why] = {}
    on_route: set[int] = set()
    for stops, left in latest.values():
        on_route |= {int(stop["account_id"]) for stop in stops}
        for item in left:
            if item["reason"] not in SKIPPED_REASONS:
                left_out.setdefault(int(item["account_id"]), Why(item["reason"], item["detail"]))
    return left_out, on_route


def _due_remotely(row: RowMapping, day: date, weights: ValueWeights) -> Why | None:
    """Why a remote or hybrid account is due for a touch on `day`, or None when it is not."""
    coverage, touch_cadence = row["coverage"], row["touch_cadence_days"]
    if coverage == "field" or (coverage == "hybrid" and not touch_cadence):
        return None
    cadence = touch_cadence or row["cadence_days"] or weights.default_cadence_days
    contacts = [d for d in (row["last_visit_date"], row["last_touch_date"]) if d is not None]
    since = days_since(max(contacts), day) if contacts else None
    if urgency(since, cadence, weights) < 1:
        return None
    last = "never contacted" if since is None else f"last contact {since} days ago"
    return Why(
        "remote" if coverage == "remote" else "between_visits",
        f"a touch every {cadence} days, {last}",
    )


def _item(row: RowMapping, why: Why, worth: float, names: Mapping[int, str]) -> QueueItem:
    return QueueItem(
        account_id=row["id"],
        name=row["name"],
        phone=row["phone"],
        street=row["street"],
        city=row["city"],
        postcode=row["postcode"],
        value=row["value"],
        touch_value=round(worth, 2),
        reason=why.reason,  # type: ignore[arg-type]
        detail=why.detail,
        coverage=row["coverage"],
        cadence_days=row["cadence_days"],
        touch_cadence_days=row["touch_cadence_days"],
        last_visit_date=row["last_visit_date"],
        last_touch_date=row["last_touch_date"],
        rep_id=row["rep_id"],
        rep_name=names[row["rep_id"]],
    )
