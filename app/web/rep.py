"""`/rep`: a rep's day on a phone: the route on a map, the stop cards, the call-instead list.

The page only reads: the stored plan (`plans.current_plan`), or, for a working day of today or
later without one, "No plan yet" and a "Plan my day" button. Planning, visits and re-plans are
sent by `static/js/rep.js` to the API (cookie auth), which checks the request's origin; a GET
never writes (browsers, prefetchers and link previews send GETs freely). The map is its own
same-origin page (`/rep/map`) in an iframe, as on the manager page: the page stays small and
the map can be reloaded alone after a visit changes a marker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.accounts.opening_hours import DAYS
from app.auth.principal import Principal
from app.core import clock
from app.core.config import Role, Settings
from app.core.deps import SessionDep, SettingsDep
from app.core.errors import NotFound
from app.core.schemas import RowId, parse_day
from app.core.time_text import long_date
from app.models import Rep
from app.models.people import FIELD
from app.plans import service as plans
from app.plans.schemas import PlanRead
from app.plans.week import week_of
from app.reps.clock import rep_zone, seconds_into, seconds_of
from app.reps.home import home_point
from app.reps.schemas import RepListParams
from app.reps.service import get_rep, list_reps
from app.visits.service import touches_on
from app.web.assets import STATIC_DIR, static_version
from app.web.maps import map_page, route_map
from app.web.page_routes import NO_STORE, PageError, PageUser, PhonePageRoute, page
from app.web.rep_stops import with_stop_changes
from app.web.rep_view import PlanView, plan_view, refresh_from, touched
from app.web.urls import week_url

router = APIRouter(include_in_schema=False, route_class=PhonePageRoute)
# The line of rep-sw.js that the served copy replaces with the static files' fingerprint.
SW_VERSION_LINE = 'const VERSION = "dev";'


@dataclass(frozen=True, slots=True)
class Notice:
    """A day without a route to show: why, and whether it can be planned from the page (a
    working day that has not passed)."""

    text: str
    can_plan: bool = False
    day_over: bool = False
    refresh_from: date | None = None
    """Planning posts the week's refresh from this day (`rep_view.refresh_from`); None: the day
    is planned on its own (a started today, from now)."""


@router.get("/rep")
def rep_page(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    date: Annotated[str | None, Query(description="YYYY-MM-DD; the rep's today")] = None,
    rep_id: Annotated[RowId | None, Query()] = None,
) -> HTMLResponse:
    """A rep's day (their own for a rep; any rep in scope for managers and admins)."""
    day = parse_page_day(date)
    rep = the_rep(session, principal, rep_id)
    if rep is None:
        return _rep_picker(session, settings, principal, day)
    now = clock.now()
    today = plans.rep_today(rep, settings, now)
    day = day or today
    shift_over = seconds_into(today, now, rep_zone(rep, settings)) >= seconds_of(rep.shift_end)
    started = day >= today and plans.started_today(session, rep, settings)
    content = _day_content(session, principal, rep, day, today, shift_over, started)
    return day_page(principal, rep.id, rep.name, day, today, content, team_id=rep.team_id)


def day_page(
    principal: Principal,
    rep_id: int,
    rep_name: str,
    day: date,
    today: date,
    content: PlanView | Notice,
    team_id: int | None = None,
) -> HTMLResponse:
    """The page of a rep's day: its plan, or a notice saying why there is none; a manager
    viewing it gets a link back to the week grid of the rep's team (`team_id`)."""
    managed = principal.rep_id != rep_id
    return page(
        "rep/day.html",
        principal,
        rep_id=rep_id,
        rep_name=rep_name,
        day=day,
        today=today,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        # A manager viewing a rep keeps the rep in the day links; a rep's own page needs none.
        link_rep_id=rep_id if managed else None,
        week_link=(week_url(team_id, week_of(day)[0]) if managed and team_id is not None else None),
        view=content if isinstance(content, PlanView) else None,
        notice=content if isinstance(content, Notice) else None,
    )


@router.get("/rep/map")
def rep_map(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    rep_id: Annotated[RowId, Query()],
    date: Annotated[str, Query(description="YYYY-MM-DD")],
    version: Annotated[RowId | None, Query(description="latest by default")] = None,
) -> HTMLResponse:
    """The route map of a rep's day (a whole HTML page, for the page's iframe)."""
    day = parse_page_day(date)
    if day is None:
        raise PageError(400, "Not a date", "The map needs a date: YYYY-MM-DD.")
    rep = get_rep(session, principal, rep_id)
    plan = plans.current_plan(session, principal, rep_id, day, version)
    point = home_point(rep)
    home = (point.lat, point.lon) if point is not None else None
    m = route_map(
        plan,
        home,
        tiles_url=settings.map_tiles_url,
        tiles_attribution=settings.map_tiles_attribution,
    )
    return HTMLResponse(map_page(m), headers=NO_STORE)


@router.get("/rep/sw.js")
def service_worker() -> Response:
    """The phone page's service worker (`static/js/rep-sw.js`), served under `/rep` so that
    it may control `/rep` and `/rep/map` (a worker's scope cannot reach above its own path
    without the `Service-Worker-Allowed` header, which says exactly that scope). Checked for
    a new version on every load (no-cache). Its version is the static files' fingerprint: the
    worker keeps those files cache-first, so a release that changes one must change the
    worker's bytes, or phones would keep running the old script."""
    return Response(
        _service_worker_source(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/rep", "Cache-Control": "no-cache"},
    )


@cache
def _service_worker_source() -> str:
    source = (STATIC_DIR / "js" / "rep-sw.js").read_text(encoding="utf-8")
    versioned = source.replace(SW_VERSION_LINE, f'const VERSION = "{static_version()}";', 1)
    if versioned == source:
        raise RuntimeError(f"rep-sw.js lost its version line {SW_VERSION_LINE!r}")
    return versioned


def the_rep(session: Session, principal: Principal, rep_id: int | None) -> Rep | None:
    """The rep whose page to show: a rep's own (another rep's id is not found), or the one a
    manager or admin names; None when a manager or admin named none. Inside reps have no day
    on the road: theirs is the queue (`/inside`)."""
    if principal.role is Role.INSIDE:
        raise PageError(
            403,
            "Your page is the queue",
            "Inside reps have no route on the road: the accounts to call for the reps you "
            "support are on your queue, at /inside.",
        )
    if rep_id is not None:
        rep = get_rep(session, principal, rep_id)
        if rep.kind != FIELD:
            raise PageError(
                404,
                "No route",
                f"{rep.name} is an inside rep, with no route on the road: see their queue at "
                f"/inside?rep_id={rep.id}.",
            )
        return rep
    if principal.rep_id is not None:
        return get_rep(session, principal, principal.rep_id)
    if principal.role is Role.REP:
        raise PageError(
            404,
            "No rep record",
            "Your sign-in is not linked to a rep, so there is nothing of yours to show. "
            "An admin can link your user to your rep record.",
        )
    return None


def _rep_picker(
    session: Session, settings: Settings, principal: Principal, day: date | None
) -> HTMLResponse:
    """For a manager or admin who opened `/rep` without a rep: whose day to see."""
    params = RepListParams(limit=settings.max_page_size, sort="name", active=True, kind="field")
    reps = list_reps(session, settings, principal, params).items
    text = (
        "You are not a rep yourself: choose the rep whose day to see."
        if reps
        else "There are no active reps in your teams."
    )
    return page("rep/pick.html", principal, text=text, reps=reps, day=day)


def _day_content(
    session: Session,
    principal: Principal,
    rep: Rep,
    day: date,
    today: date,
    shift_over: bool,
    started: bool,
) -> PlanView | Notice:
    """The plan of the day, or why there is none (and whether the page can plan it: not a
    day gone by, nor today once the shift is over). `started`: the rep's today has begun (a
    later day is then planned with the rest of its week from tomorrow)."""
    plan = _stored_plan(session, principal, rep.id, day)
    if plan is not None:
        own = principal.rep_id == rep.id
        view = plan_view(plan, today=today, shift_over=shift_over, own=own, today_started=started)
        if view.can_touch:
            ids = [call.item.account_id for call in view.calls]
            logged = {
                account_id: touched(t, principal.rep_id)
                for account_id, t in touches_on(session, ids, day).items()
            }
            view = replace(view, touched=logged)
        return with_stop_changes(session, rep, view, today)
    if day < today:
        return Notice(f"No route was planned for {long_date(day)}.")
    if day == today and shift_over:
        return Notice("No route was planned for today.", day_over=True)
    if DAYS[day.weekday()] not in (rep.working_days or []):
        return Notice(f"{long_date(day)} is not one of {rep.name}'s working days.")
    when = "today" if day == today else long_date(day)
    ahead = refresh_from(day, today, today_started=started)
    return Notice(f"No plan yet for {when}.", can_plan=True, refresh_from=ahead)


def _stored_plan(session: Session, principal: Principal, rep_id: int, day: date) -> PlanRead | None:
    try:
        return plans.current_plan(session, principal, rep_id, day)
    except NotFound:
        return None


def parse_page_day(value: str | None) -> date | None:
    """A page's `date` parameter: None when absent, a 400 page when it is not a date."""
    if value is None or value == "":
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise PageError(400, "Not a date", f"{exc}.") from None
