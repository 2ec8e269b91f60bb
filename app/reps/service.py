"""Reps: the scoped list, reads and writes, their working day, placing their home, and which
field reps an inside rep supports."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import time
from typing import Any, NoReturn

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, raiseload

from app.auth.access import IN_THE_FIELD, rep_scope, require_role
from app.auth.principal import Principal
from app.core.config import Role, Settings
from app.core.errors import Conflict, InvalidRequest, NotFound
from app.core.listing import Sorting, fetch_page, text_matches
from app.core.schemas import Page
from app.core.time_text import time_of_day
from app.models import Rep, Team, inside_support
from app.models.people import FIELD, INSIDE
from app.placement import service as placement
from app.reps.schemas import RepCreate, RepListParams, RepRead, RepUpdate, SupportsUpdate
from app.teams import service as teams

HOME_ADDRESS_FIELDS = tuple(f"home_{field}" for field in placement.ADDRESS_FIELDS)
SCHEDULE_FIELDS = ("shift_start", "shift_end", "lunch_start", "lunch_end", "lunch_minutes")
SORTING = Sorting(
    fields={
        "name": Rep.name,
        "email": Rep.email,
        "team": select(Team.name).where(Team.id == Rep.team_id).scalar_subquery(),
        "created_at": Rep.created_at,
        "id": Rep.id,
    },
    default="name",
    tiebreak=Rep.id,
)
NO_RELATIONS = (raiseload("*"),)


def list_reps(
    session: Session, settings: Settings, principal: Principal, params: RepListParams
) -> Page[RepRead]:
    """The page of the caller's reps (a rep sees only themselves) that `params` asks for."""
    where = [rep_scope(principal)]
    if params.team_id is not None:
        where.append(Rep.team_id == params.team_id)
    if params.q is not None:
        where.append(text_matches(session, params.q, (Rep.name, Rep.email)))
    if params.active is not None:
        where.append(Rep.active.is_(params.active))
    if params.kind is not None:
        where.append(Rep.kind == params.kind)
    rows, total = fetch_page(
        session,
        Rep,
        where,
        params,
        sorting=SORTING,
        max_page_size=settings.max_page_size,
        options=NO_RELATIONS,
    )
    supported = supports(session, [rep.id for rep in rows if rep.kind == INSIDE])
    items = [to_read(rep, supported.get(rep.id, [])) for rep in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


def to_read(rep: Rep, supported: list[int]) -> RepRead:
    return RepRead.model_validate(rep).model_copy(update={"supports": supported})


def supports(session: Session, inside_rep_ids: Collection[int]) -> dict[int, list[int]]:
    """Per inside rep, the ids of the field reps they support, in id order."""
    if not inside_rep_ids:
        return {}
    query = (
        select(inside_support.c.inside_rep_id, inside_support.c.field_rep_id)
        .where(inside_support.c.inside_rep_id.in_(list(inside_rep_ids)))
        .order_by(inside_support.c.field_rep_id)
    )
    found: dict[int, list[int]] = {}
    for inside_rep_id, field_rep_id in session.execute(query):
        found.setdefault(inside_rep_id, []).append(field_rep_id)
    return found


def set_supports(
    session: Session, principal: Principal, rep_id: int, body: SupportsUpdate
) -> RepRead:
    """Replace the field reps an inside rep supports (admins; managers within their teams:
    the inside rep and every field rep must be theirs)."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    rep = get_rep(session, principal, rep_id)
    if rep.kind != INSIDE:
        raise InvalidRequest(
            f"rep_id: {rep.name} is a field rep; only inside reps support others", field="rep_id"
        )
    wanted = sorted(set(body.field_rep_ids))
    found = {
        other.id: other
        for other in session.scalars(
            select(Rep).where(Rep.id.in_(wanted), rep_scope(principal)).options(*NO_RELATIONS)
        )
    }
    for position, field_rep_id in enumerate(body.field_rep_ids):
        where = f"field_rep_ids.{position}"
        other = found.get(field_rep_id)
        if other is None:
            raise InvalidRequest(f"{where}: no rep {field_rep_id}", field=where)
        if other.kind != FIELD:
            raise InvalidRequest(
                f"{where}: {other.name} is an inside rep; inside reps support field reps",
                field=where,
            )
    # Rows of this inside rep only: one transaction, so readers see the old list or the new.
    session.execute(delete(inside_support).where(inside_support.c.inside_rep_id == rep.id))
    if wanted:
        session.execute(
            insert(inside_support),
            [{"inside_rep_id": rep.id, "field_rep_id": other} for other in wanted],
        )
    session.flush()
    return to_read(rep, wanted)


def active_team_reps(session: Session, principal: Principal, team_id: int) -> list[tuple[int, str]]:
    """The active reps of a team that the caller may see, by name: `(id, name)` each, all of
    them (a grid's rows, unlike `list_reps`'s pages)."""
    query = (
        select(Rep.id, Rep.name)
        .where(
            rep_scope(principal), Rep.team_id == team_id, Rep.active.is_(True), Rep.kind == FIELD
        )
        .order_by(Rep.name, Rep.id)
    )
    return [(rep_id, name) for rep_id, name in session.execute(query)]


def get_rep(session: Session, principal: Principal, rep_id: int) -> Rep:
    """The rep, if the caller may see them; 404 otherwise."""
    query = select(Rep).where(Rep.id == rep_id, rep_scope(principal)).options(*NO_RELATIONS)
    rep = session.scalars(query).first()
    if rep is None:
        raise NotFound(f"no rep {rep_id}")
    return rep


def route_rep(session: Session, principal: Principal, rep_id: int) -> Rep:
    """The rep whose route the caller plans or changes: not for an inside rep's user (403),
    one they may see (404), a field rep (422: inside reps have no route)."""
    require_role(principal, *IN_THE_FIELD)
    rep = get_rep(session, principal, rep_id)
    check_field(rep)
    return rep


def check_field(rep: Rep, field: str = "rep_id") -> None:
    """422 unless `rep` works in the field: inside reps have no territory, route or visits."""
    if rep.kind != FIELD:
        raise InvalidRequest(
            f"{field}: {rep.name} is an inside rep: only field reps have routes, visits in "
            "person and appointments",
            field=field,
        )


def read_rep(session: Session, principal: Principal, rep_id: int) -> RepRead:
    rep = get_rep(session, principal, rep_id)
    return to_read(rep, supports(session, [rep.id]).get(rep.id, []))


def create_rep(
    session: Session, settings: Settings, principal: Principal, body: RepCreate
) -> RepRead:
    """Store a new rep and place their home: at the point given, else by its address."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    team_id = body.team_id or teams.default_team(principal)
    teams.check_team_use(session, principal, team_id)
    check_schedule(body.model_dump(include=set(SCHEDULE_FIELDS)))
    _check_email(session, body.email)
    rep = Rep(**body.model_dump(exclude={"team_id"}), team_id=team_id)
    session.add(rep)
    _place_home(session, settings, rep, moved=body.home_latitude is not None)
    session.flush()
    return to_read(rep, [])


def update_rep(
    session: Session, settings: Settings, principal: Principal, rep_id: int, body: RepUpdate
) -> RepRead:
    """Change the fields sent; new home coordinates win, a new home address is geocoded."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    rep = get_rep(session, principal, rep_id)
    changes = body.model_dump(exclude_unset=True)
    if "team_id" in changes and changes["team_id"] != rep.team_id:
        teams.check_team_use(session, principal, changes["team_id"])
    check_schedule({field: changes.get(field, getattr(rep, field)) for field in SCHEDULE_FIELDS})
    if changes.get("email", rep.email) != rep.email:
        _check_email(session, changes["email"])
    home_moved = "home_latitude" in changes
    address_changed = any(
        field in changes and changes[field] != getattr(rep, field) for field in HOME_ADDRESS_FIELDS
    )
    for field, value in changes.items():
        setattr(rep, field, value)
    if home_moved or address_changed:
        _place_home(session, settings, rep, moved=rep.home_latitude is not None and home_moved)
    session.flush()
    return to_read(rep, supports(session, [rep.id]).get(rep.id, []))


def delete_rep(session: Session, principal: Principal, rep_id: int) -> None:
    """Delete the rep with their visits and plans; their territories and user stay, unlinked."""
    require_role(principal, Role.ADMIN, Role.MANAGER)
    session.delete(get_rep(session, principal, rep_id))
    session.flush()


def check_schedule(day: Mapping[str, Any]) -> None:
    """The shift has a positive length; the lunch window, when there is one, lies inside it
    and is long enough for the lunch (422 naming the field otherwise)."""
    start: time = day["shift_start"]
    end: time = day["shift_end"]
    lunch_start: time | None = day["lunch_start"]
    lunch_end: time | None = day["lunch_end"]
    lunch_minutes: int = day["lunch_minutes"]
    if start >= end:
        _refuse("shift_end", f"the shift must end after it starts ({time_of_day(start)})")
    if lunch_minutes > _minutes(start, end):
        _refuse("lunch_minutes", f"{lunch_minutes} min of lunch do not fit in the shift")
    if (lunch_start is None) != (lunch_end is None):
        _refuse("lunch_end", "lunch_start and lunch_end go together: give both or neither")
    if lunch_start is None or lunch_end is None:
        return
    if not start <= lunch_start < lunch_end <= end:
        _refuse(
            "lunch_start",
            f"the lunch window {time_of_day(lunch_start)}-{time_of_day(lunch_end)} must lie inside the shift "
            f"{time_of_day(start)}-{time_of_day(end)}",
        )
    if lunch_minutes > _minutes(lunch_start, lunch_end):
        _refuse(
            "lunch_minutes",
            f"{lunch_minutes} min of lunch do not fit in the window "
            f"{time_of_day(lunch_start)}-{time_of_day(lunch_end)}",
        )


def _refuse(field: str, message: str) -> NoReturn:
    raise InvalidRequest(f"{field}: {message}", field=field)


def _minutes(start: time, end: time) -> float:
    seconds = (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60
    return (seconds + end.second - start.second) / 60


def _place_home(session: Session, settings: Settings, rep: Rep, *, moved: bool) -> None:
    if moved:
        rep.home_precision, rep.home_source = "manual", "user"
        return
    rep.home_latitude = rep.home_longitude = None
    rep.home_precision = rep.home_source = None
    placement.place_rep_home(session, settings, rep)


def _check_email(session: Session, email: str) -> None:
    if session.scalar(select(Rep.id).where(Rep.email == email)) is not None:
        raise Conflict(f"email: {email!r} is already used by another rep", field="email")
