"""Visits and appointments: what reps record on the road, remote touches (a call, e-mail or
video meeting: a done `Visit` with its `channel`), corrections, booking and cancelling, and the
measured visit lengths the planner learns service times from.

A rep acts for their own rep record only; managers and admins act for a rep they name; an
inside rep logs touches as themselves, on the accounts of the field reps they support, and
books appointments for those reps, but records no visits in person (403). The account must be one the caller may see
(404) and one of that rep's territory (for an inside rep: of a rep they support; 422). Each
write locks the rep row, so a double tap or two bookings at once cannot both pass the checks
(PostgreSQL; SQLite has one writer anyway).

An account keeps its last visit in person (`last_visit_date`) and its last touch
(`last_touch_date`) here, as visits and touches are recorded and corrected.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, raiseload

from app.auth.access import (
    IN_THE_FIELD,
    account_scope,
    check_own_rep,
    rep_scope,
    require_role,
    supported_reps,
    visit_scope,
)
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.errors import Conflict, InvalidRequest, NotFound
from app.core.listing import Sorting, fetch_rows
from app.core.schemas import Page
from app.core.time_text import wall_stamp
from app.models import Account, Rep, Territory, Visit
from app.models.activity import IN_PERSON
from app.models.people import INSIDE
from app.reps.clock import rep_today, rep_zone
from app.reps.service import check_field
from app.visits.schemas import (
    APPOINTMENT_MINUTES,
    AppointmentCancel,
    AppointmentCreate,
    TouchCreate,
    VisitCreate,
    VisitListParams,
    VisitRead,
    VisitUpdate,
)

OPEN = ("booked", "arrived")
"""A visit still going on (or to come): the next arrived, done or skip of that day closes it."""
CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the server's clock a phone's `at` may be."""
ESTIMATE_VISITS = 5
ESTIMATE_MIN_VISITS = 3
ESTIMATE_MINUTES = (5, 480)
# SQLite allows 999 parameters per statement in older builds.
ID_CHUNK = 500
NO_RELATIONS = (raiseload("*"),)

ACCOUNT_NAME = (
    select(Account.name).where(Account.id == Visit.account_id).scalar_subquery().label("name")
)
_READ_COLUMNS = (*Visit.__table__.c, ACCOUNT_NAME)
SORTING = Sorting(
    fields={
        "visit_date": Visit.visit_date,
        "status": Visit.status,
        "planned_start_at": Visit.planned_start_at,
        "started_at": Visit.started_at,
        "ended_at": Visit.ended_at,
        "created_at": Visit.created_at,
        "updated_at": Visit.updated_at,
        "id": Visit.id,
    },
    default="-visit_date,started_at",
    tiebreak=Visit.id,
)


def to_read(visit: Visit, account_name: str) -> VisitRead:
    data = {column.key: getattr(visit, column.key) for column in Visit.__table__.c}
    return _read({**data, "name": account_name})


def _read(row: Mapping[Any, Any]) -> VisitRead:
    data = dict(row)
    started, ended = data["started_at"], data["ended_at"]
    if started is not None and ended is not None:
        data["duration_minutes"] = round((ended - started).total_seconds() / 60)
    data["account_name"] = data.pop("name")
    return VisitRead.model_validate(data)


def list_visits(
    session: Session, settings: Settings, principal: Principal, params: VisitListParams
) -> Page[VisitRead]:
    """The page of the caller's visits that `params` asks for."""
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise InvalidRequest(
            f"date_to: {params.date_to} is before date_from {params.date_from}", field="date_to"
        )
    where = [visit_scope(principal)]
    if params.rep_id is not None:
        where.append(Visit.rep_id == params.rep_id)
    if params.account_id is not None:
        where.append(Visit.account_id == params.account_id)
    if params.date_from is not None:
        where.append(Visit.visit_date >= params.date_from)
    if params.date_to is not None:
        where.append(Visit.visit_date <= params.date_to)
    if params.status:
        where.append(Visit.status.in_(params.status))
    if params.channel:
        where.append(Visit.channel.in_(params.channel))
    rows, total = fetch_rows(
        session,
        Visit,
        _READ_COLUMNS,
        where,
        params,
        sorting=SORTING,
        max_page_size=settings.max_page_size,
    )
    items = [_read(row) for row in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


def record_visit(
    session: Session, settings: Settings, principal: Principal, body: VisitCreate
) -> VisitRead:
    """Arrived, done or skipped: closes the open visit of (rep, account, day) or starts one."""
    require_role(principal, *IN_THE_FIELD)
    rep = _acting_rep(session, principal, body.rep_id)
    check_field(rep)
    account = _rep_account(session, principal, body.account_id, rep)
    zone = rep_zone(rep, settings)
    at, day = _when(rep, settings, body.at, body.date)
    visit = _visit_to_record(session, rep.id, account.id, day, body.status)
    if visit is None:
        visit = Visit(rep_id=rep.id, account_id=account.id, visit_date=day, channel=IN_PERSON)
        session.add(visit)
    if body.status == "arrived":
        visit.started_at = at
    elif body.status == "done":
        if visit.started_at is not None and at < visit.started_at:
            raise InvalidRequest(
                f"at: the visit cannot end ({wall_stamp(at, zone)}) before it started "
                f"({wall_stamp(visit.started_at, zone)})",
                field="at",
            )
        visit.ended_at = at
        _note_done(account, visit)
    else:
        visit.reason = body.reason
    visit.status = body.status
    for field in ("outcome", "notes", "next_step"):
        value = getattr(body, field)
        if value is not None:
            setattr(visit, field, value)
    session.flush()
    return to_read(visit, account.name)


def record_touch(
    session: Session, settings: Settings, principal: Principal, body: TouchCreate
) -> VisitRead:
    """A call, e-mail or video meeting, done: a new touch each time (two calls a day are two)."""
    if body.rep_id is not None:
        check_own_rep(principal, body.rep_id, "log touches")
    rep = _acting_rep(session, principal, body.rep_id)
    account = _touch_account(session, principal, body.account_id, rep)
    at, day = _when(rep, settings, body.at, body.date)
    visit = Visit(
        rep_id=rep.id,
        account_id=account.id,
        visit_date=day,
        status="done",
        channel=body.channel,
        ended_at=at,
        outcome=body.outcome,
        notes=body.notes,
        next_step=body.next_step,
    )
    session.add(visit)
    _note_done(account, visit)
    session.flush()
    return to_read(visit, account.name)


def _when(
    rep: Rep, settings: Settings, moment: datetime | None, day: date | None
) -> tuple[datetime, date]:
    """When a visit or touch happened (default now) and its day on the rep's clock; neither
    may be in the future."""
    zone = rep_zone(rep, settings)
    now = clock.now()
    at = _aware(moment, zone, "at") if moment is not None else now
    if at > now + CLOCK_SKEW:
        raise InvalidRequest(f"at: {wall_stamp(at, zone)} is in the future", field="at")
    day = day or at.astimezone(zone).date()
    today = rep_today(rep, settings, now)
    if day > today:
        raise InvalidRequest(
            f"date: {day} is after today ({today}) on the rep's clock ({zone.key})", field="date"
        )
    return at, day


def update_visit(
    session: Session, principal: Principal, visit_id: int, body: VisitUpdate
) -> VisitRead:
    """Correct a visit: its outcome, notes, next step, reason, or done <-> skipped; a touch's
    outcome, notes and next step, or done <-> cancelled (logged by mistake)."""
    visit = _get_visit(session, principal, visit_id, lock=True)
    check_own_rep(principal, visit.rep_id, "correct visits and touches", field="visit_id")
    changes = body.model_dump(exclude_unset=True)
    status = changes.get("status", visit.status)
    in_person = visit.channel == IN_PERSON
    if not in_person and status not in ("done", "cancelled"):
        raise InvalidRequest(
            f"status: visit {visit.id} is a {visit.channel} (a touch): it is done, or "
            "cancelled if it was logged by mistake; correct its outcome, notes or next step",
            field="status",
        )
    if in_person and status == "cancelled" and visit.status != "cancelled":
        raise InvalidRequest(
            f"status: visit {visit.id} is a visit in person: mark it skipped with a reason "
            "(appointments are cancelled with POST /appointments/{id}/cancel)",
            field="status",
        )
    if status != visit.status and in_person and visit.status not in ("arrived", "done", "skipped"):
        raise Conflict(
            f"status: visit {visit.id} is {visit.status}; record it with POST /visits "
            "(or cancel the appointment) instead",
            field="status",
        )
    if changes.get("reason") is not None and status not in ("skipped", "cancelled"):
        raise InvalidRequest(
            "reason: only a skipped visit or a cancelled appointment or touch has a reason",
            field="reason",
        )
    if changes.get("outcome") is not None and status == "skipped":
        raise InvalidRequest("outcome: a skipped visit has no outcome", field="outcome")
    if status == "skipped" and changes.get("reason", visit.reason) is None:
        raise InvalidRequest("reason: say why the visit was skipped", field="reason")
    was_done = visit.status == "done"
    if status != visit.status:
        # The other status's text no longer describes the visit.
        visit.reason = None if status == "done" else visit.reason
        visit.outcome = None if status == "skipped" else visit.outcome
    for field, value in changes.items():
        setattr(visit, field, value)
    account = session.get(Account, visit.account_id, options=NO_RELATIONS)
    assert account is not None  # the foreign key cascades
    if status == "done" and not was_done:
        _note_done(account, visit)
    elif was_done and status != "done":
        session.flush()
        _recount_last_contact(session, account, visit)
    session.flush()
    return to_read(visit, account.name)


def book_appointment(
    session: Session, settings: Settings, principal: Principal, body: AppointmentCreate
) -> VisitRead:
    """Book a time at an account: a booked visit the planner keeps as a required stop. An
    inside rep books for the field reps they support (the hand-off: `app.appointments`)."""
    require_role(principal, *IN_THE_FIELD, Role.INSIDE)
    rep = _acting_rep(session, principal, body.rep_id)
    check_field(rep)
    account = _rep_account(session, principal, body.account_id, rep)
    zone = rep_zone(rep, settings)
    starts_at = _aware(body.starts_at, zone, "starts_at")
    local_day = starts_at.astimezone(zone).date()
    today = rep_today(rep, settings)
    if local_day < today:
        raise InvalidRequest(
            f"starts_at: {wall_stamp(starts_at, zone)} is before today ({today}) on the rep's clock",
            field="starts_at",
        )
    low, high = APPOINTMENT_MINUTES
    minutes = body.duration_minutes or min(max(account.service_minutes, low), high)
    ends_at = starts_at + timedelta(minutes=minutes)
    _check_free(session, rep.id, starts_at, ends_at, zone)
    visit = Visit(
        rep_id=rep.id,
        account_id=account.id,
        visit_date=local_day,
        status="booked",
        channel=IN_PERSON,
        planned_start_at=starts_at,
        duration_minutes=minutes,
        notes=body.notes,
    )
    session.add(visit)
    session.flush()
    return to_read(visit, account.name)


def cancel_appointment(
    session: Session, principal: Principal, visit_id: int, body: AppointmentCancel | None
) -> VisitRead:
    """Call off a booked appointment."""
    require_role(principal, *IN_THE_FIELD)
    visit = _get_visit(session, principal, visit_id, lock=True)
    if visit.planned_start_at is None:
        raise NotFound(f"no appointment {visit_id}")
    if visit.status != "booked":
        raise Conflict(
            f"appointment {visit_id} is {visit.status}; only a booked appointment can be cancelled"
        )
    visit.status = "cancelled"
    if body is not None and body.reason is not None:
        visit.reason = body.reason
    session.flush()
    name = session.scalar(select(Account.name).where(Account.id == visit.account_id))
    return to_read(visit, name or "")


def touches_on(session: Session, account_ids: Collection[int], day: date) -> dict[int, Visit]:
    """The latest touch (call, e-mail, video) of each of `account_ids` on `day`, by anyone: the
    caller checked that the accounts are theirs to see."""
    ids = sorted(set(account_ids))
    latest: dict[int, Visit] = {}
    for start in range(0, len(ids), ID_CHUNK):
        query = (
            select(Visit)
            .where(
                Visit.account_id.in_(ids[start : start + ID_CHUNK]),
                Visit.visit_date == day,
                Visit.status == "done",
                ~Visit.in_person(),
            )
            .order_by(Visit.id)
        )
        latest |= {visit.account_id: visit for visit in session.scalars(query)}
    return latest


def service_minutes_estimates(session: Session, account_ids: Collection[int]) -> dict[int, int]:
    """Per account, the median measured length (minutes) of its last `ESTIMATE_VISITS` done
    visits with both a start and an end, when it has at least `ESTIMATE_MIN_VISITS` of them;
    clipped to `ESTIMATE_MINUTES`. Accounts without enough measurements are left out."""
    ids = sorted(set(account_ids))
    lengths: dict[int, list[float]] = {}
    for start in range(0, len(ids), ID_CHUNK):
        query = _last_measured(ids[start : start + ID_CHUNK])
        for account_id, started, ended in session.execute(query):
            lengths.setdefault(account_id, []).append((ended - started).total_seconds() / 60)
    low, high = ESTIMATE_MINUTES
    return {
        account_id: min(max(round(statistics.median(minutes)), low), high)
        for account_id, minutes in lengths.items()
        if len(minutes) >= ESTIMATE_MIN_VISITS
    }


def _last_measured(account_ids: list[int]) -> Select[int, datetime, datetime]:
    newest = func.row_number().over(
        partition_by=Visit.account_id,
        order_by=(Visit.visit_date.desc(), Visit.ended_at.desc(), Visit.id.desc()),
    )
    measured = (
        select(Visit.account_id, Visit.started_at, Visit.ended_at, newest.label("newest"))
        .where(
            Visit.account_id.in_(account_ids),
            Visit.status == "done",
            Visit.in_person(),
            Visit.started_at.is_not(None),
            Visit.ended_at.is_not(None),
        )
        .subquery()
    )
    return select(measured.c.account_id, measured.c.started_at, measured.c.ended_at).where(
        measured.c.newest <= ESTIMATE_VISITS
    )


def _acting_rep(session: Session, principal: Principal, rep_id: int | None) -> Rep:
    """The rep the caller records for, locked for this transaction; 404 outside their scope."""
    rep_id = rep_id if rep_id is not None else principal.rep_id
    if rep_id is None:
        raise InvalidRequest(
            "rep_id: say which rep this is for (only a rep's own user can leave it out)",
            field="rep_id",
        )
    query = select(Rep).where(Rep.id == rep_id, rep_scope(principal))
    rep = session.scalars(query.options(*NO_RELATIONS).with_for_update()).first()
    if rep is None:
        raise NotFound(f"no rep {rep_id}")
    return rep


def _rep_account(session: Session, principal: Principal, account_id: int, rep: Rep) -> Account:
    """The account, if the caller may see it (404) and it is in the rep's territory (422)."""
    query = (
        select(Account, Territory.rep_id)
        .outerjoin(Territory, Territory.id == Account.territory_id)
        .where(Account.id == account_id, account_scope(principal))
        .options(*NO_RELATIONS)
    )
    row = session.execute(query).first()
    if row is None:
        raise NotFound(f"no account {account_id}")
    account, territory_rep = row
    if territory_rep != rep.id:
        raise InvalidRequest(
            f"account_id: {account.name} is not in {rep.name}'s territory",
            field="account_id",
        )
    assert isinstance(account, Account)
    return account


def _touch_account(session: Session, principal: Principal, account_id: int, rep: Rep) -> Account:
    """The account, if the caller may see it (404) and `rep` may touch it (422): a field rep
    the accounts of their territory, an inside rep those of the reps they support."""
    if rep.kind != INSIDE:
        return _rep_account(session, principal, account_id, rep)
    query = (
        select(Account, Territory.rep_id)
        .outerjoin(Territory, Territory.id == Account.territory_id)
        .where(Account.id == account_id, account_scope(principal))
        .options(*NO_RELATIONS)
    )
    row = session.execute(query).first()
    if row is None:
        raise NotFound(f"no account {account_id}")
    account, territory_rep = row
    supported = set(session.scalars(supported_reps(rep.id)))
    if territory_rep is None or territory_rep not in supported:
        raise InvalidRequest(
            f"account_id: {account.name} is not in the territory of a rep {rep.name} supports",
            field="account_id",
        )
    assert isinstance(account, Account)
    return account


def _get_visit(session: Session, principal: Principal, visit_id: int, *, lock: bool) -> Visit:
    query = select(Visit).where(Visit.id == visit_id, visit_scope(principal))
    visit = session.scalars(query.with_for_update() if lock else query).first()
    if visit is None:
        raise NotFound(f"no visit {visit_id}")
    return visit


def _visit_to_record(
    session: Session, rep_id: int, account_id: int, day: date, status: str
) -> Visit | None:
    """The visit a new status lands on: the day's newest open one; else a fresh one (None),
    except that a day whose newest visit is done takes no second done or skip (409), and a
    second skip updates the first."""
    query = (
        select(Visit)
        .where(
            Visit.rep_id == rep_id,
            Visit.account_id == account_id,
            Visit.visit_date == day,
            Visit.in_person(),
        )
        .order_by(Visit.created_at.desc(), Visit.id.desc())
    )
    visits = list(session.scalars(query))
    for visit in visits:
        if visit.status in OPEN:
            return visit
    newest = next((v for v in visits if v.status != "cancelled"), None)
    if newest is None or status == "arrived":
        return None
    if newest.status == "done":
        raise Conflict(
            f"status: visit {newest.id} of account {account_id} on {day} is already done; "
            f"correct it with PATCH /api/v1/visits/{newest.id}",
            field="status",
        )
    return newest if newest.status == status == "skipped" else None


def _check_free(
    session: Session, rep_id: int, starts_at: datetime, ends_at: datetime, zone: ZoneInfo
) -> None:
    """409 when another booked appointment of the rep overlaps [starts_at, ends_at)."""
    longest = timedelta(minutes=APPOINTMENT_MINUTES[1])
    query = (
        select(Visit, Account.name)
        .join(Account, Account.id == Visit.account_id)
        .where(
            Visit.rep_id == rep_id,
            Visit.status == "booked",
            Visit.planned_start_at > starts_at - longest,
            Visit.planned_start_at < ends_at,
        )
        .order_by(Visit.planned_start_at)
        .options(*NO_RELATIONS)
    )
    for other, name in session.execute(query):
        assert other.planned_start_at is not None  # the query compared it
        other_end = other.planned_start_at + timedelta(minutes=other.duration_minutes or 0)
        if other_end > starts_at:
            raise Conflict(
                f"starts_at: overlaps appointment {other.id} at {name!r}, "
                f"{wall_stamp(other.planned_start_at, zone)} to {wall_stamp(other_end, zone)}",
                field="starts_at",
            )


def _note_done(account: Account, visit: Visit) -> None:
    """A done visit moves the account's last visit, a done touch its last touch."""
    day = visit.visit_date
    if visit.channel == IN_PERSON:
        if account.last_visit_date is None or account.last_visit_date < day:
            account.last_visit_date = day
    elif account.last_touch_date is None or account.last_touch_date < day:
        account.last_touch_date = day


def _recount_last_contact(session: Session, account: Account, undone: Visit) -> None:
    """After a done visit or touch is corrected away: if it gave the account its last visit
    (or last touch) date, the newest remaining done one of its kind does (None if none)."""
    in_person = undone.channel == IN_PERSON
    last = account.last_visit_date if in_person else account.last_touch_date
    if last != undone.visit_date:
        return  # a later one, or an import, set it: still true
    kind = Visit.in_person() if in_person else ~Visit.in_person()
    newest = session.scalar(
        select(func.max(Visit.visit_date)).where(
            Visit.account_id == account.id, Visit.status == "done", kind
        )
    )
    if in_person:
        account.last_visit_date = newest
    else:
        account.last_touch_date = newest


def _aware(moment: datetime, zone: ZoneInfo, field: str) -> datetime:
    """`moment` in UTC; a naive one is on the rep's clock (a time the clocks skip is a 422)."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    aware = moment.replace(tzinfo=zone).astimezone(UTC)
    if aware.astimezone(zone).replace(tzinfo=None) != moment:
        raise InvalidRequest(
            f"{field}: {moment:%Y-%m-%d %H:%M} does not exist in {zone.key} "
            "(the clocks go forward then)",
            field=field,
        )
    return aware
