"""`/inside`: an inside rep's queue (the accounts to call, e-mail or meet by video for the field
reps they support, ranked by what a touch is worth), on a phone or a desk.

The page only reads (`app.queue.service`); each card's "log a call, e-mail or video" form is
sent by `static/js/touches.js` to the touches API (cookie auth, same-origin) and the card
updates in place. A field rep sees their own queue here too; a manager or admin names whose
(an inside rep, or a field rep) or picks from the inside reps of their teams.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core.config import Settings
from app.core.deps import SessionDep, SettingsDep
from app.core.schemas import MAX_OFFSET, RowId
from app.queue.schemas import QueueParams
from app.queue.service import queue_owner, read_queue
from app.reps.clock import rep_today
from app.reps.schemas import RepListParams
from app.reps.service import list_reps
from app.visits.schemas import VisitListParams
from app.visits.service import list_visits
from app.web.page_routes import PageUser, PhonePageRoute, page
from app.web.rep import parse_page_day
from app.web.rep_view import TOUCH_FORM, touched
from app.web.touch_view import QUEUE_PAGE, LoggedTouch, queue_view

router = APIRouter(include_in_schema=False, route_class=PhonePageRoute)


@router.get("/inside")
def inside_page(
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    rep_id: Annotated[RowId | None, Query()] = None,
    date: Annotated[str | None, Query(description="YYYY-MM-DD; today on the rep's clock")] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    """The queue of an inside rep (their own; any in scope for managers and admins)."""
    day = parse_page_day(date)
    if rep_id is None and principal.rep_id is None:
        which = RepListParams(limit=settings.max_page_size, sort="name", active=True, kind="inside")
        reps = list_reps(session, settings, principal, which).items
        text = (
            "Choose the inside rep whose queue to see."
            if reps
            else "There are no active inside reps in your teams."
        )
        return page("inside/pick.html", principal, text=text, reps=reps)
    owner = queue_owner(session, principal, rep_id)
    today = rep_today(owner, settings)
    params = QueueParams(rep_id=owner.id, date=day, limit=QUEUE_PAGE, offset=offset)
    queue = read_queue(session, settings, principal, params)
    view = queue_view(queue, today)
    return page(
        "inside/queue.html",
        principal,
        view=view,
        logged=_logged_today(session, settings, principal, owner.id, today)
        if view.can_touch
        else [],
        form=TOUCH_FORM,
        today=today,
        previous=queue.date - timedelta(days=1),
        following=queue.date + timedelta(days=1),
        # A manager viewing someone's queue keeps them in the links; an inside rep needs none.
        link_rep_id=owner.id if principal.rep_id != owner.id else None,
    )


def _logged_today(
    session: Session, settings: Settings, principal: Principal, owner_id: int, today: date
) -> list[LoggedTouch]:
    """The touches `owner_id` logged today, the latest first: a touch logged on the wrong card
    is undone from here after a reload too, when its account has left the queue."""
    which = VisitListParams(
        rep_id=owner_id,
        date_from=today,
        date_to=today,
        status=["done"],
        channel=["call", "email", "video"],
        sort="-created_at",
        limit=settings.max_page_size,
    )
    return [
        LoggedTouch(
            account_id=t.account_id,
            account_name=t.account_name,
            touched=touched(t, principal.rep_id),
        )
        for t in list_visits(session, settings, principal, which).items
    ]
