"""What the inside page shows of the queue, worked out for its template
(`templates/inside/queue.html`): the cards, with why each account is there, and the way
through the pages. The "log a call, e-mail or video" form it shares with the phone page's
call-instead list is `rep_view.TouchForm` (`templates/partials/touch.html`, sent by
`static/js/touches.js`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.time_text import short_date
from app.queue.schemas import Queue, QueueItem
from app.web.rep_view import LEFT_OUT_WORDS, Touched, address_text, dial

REASON_WORDS = LEFT_OUT_WORDS | {
    "remote": "Covered remotely",
    "between_visits": "Due for a touch between visits",
}
QUEUE_PAGE = 50
"""Accounts per page of the inside page's queue."""


@dataclass(frozen=True, slots=True)
class QueueCard:
    """One account of the queue as its card shows it."""

    item: QueueItem
    tel: str
    address: str
    reason: str
    last_visit: str
    last_touch: str


@dataclass(frozen=True, slots=True)
class QueueView:
    """The page of the queue: its cards, whose and which day, and the way to the next page."""

    queue: Queue
    cards: list[QueueCard]
    can_touch: bool
    """The queue's day is today: touches are logged now, so only today's list takes them."""
    previous_offset: int | None
    next_offset: int | None


@dataclass(frozen=True, slots=True)
class LoggedTouch:
    """A touch the queue's owner logged today, under "Logged today"."""

    account_id: int
    account_name: str
    touched: Touched


def queue_view(queue: Queue, today: date) -> QueueView:
    shown = queue.offset + len(queue.items)
    return QueueView(
        queue=queue,
        cards=[queue_card(item, today) for item in queue.items],
        can_touch=queue.date == today,
        previous_offset=max(0, queue.offset - queue.limit) if queue.offset > 0 else None,
        next_offset=shown if shown < queue.total else None,
    )


def queue_card(item: QueueItem, today: date) -> QueueCard:
    reason = REASON_WORDS.get(item.reason, item.reason)
    return QueueCard(
        item=item,
        tel=dial(item.phone) if item.phone else "",
        address=address_text(item.street, item.city, item.postcode, None),
        reason=f"{reason} ({item.detail})" if item.detail else reason,
        last_visit=when(item.last_visit_date, today, "never visited"),
        last_touch=when(item.last_touch_date, today, "never"),
    )


def when(day: date | None, today: date, never: str) -> str:
    """ "Mon 2 Feb (30 days ago)", or `never`."""
    if day is None:
        return never
    ago = (today - day).days
    words = "today" if ago == 0 else "1 day ago" if ago == 1 else f"{ago} days ago"
    return f"{short_date(day)} ({words})"
