"""What a visit is worth today: the prize the route solver collects for visiting an account.

    prize = value_share x annual_value x cadence_days / 365 x urgency(days_since / cadence_days)

- `annual_value x cadence / 365` is the value one visit interval looks after (an account worth
  120,000 a year, visited every 30 days: 9,863 per interval);
- `value_share` is the part of it a visit actually earns or protects (a weight to tune:
  against the money per km and per hour of `routing.Costs`, it decides what is worth a drive);
- `urgency` is 0 while the last visit is recent (less than `too_recent` of the cadence ago),
  then grows with the share of the cadence that has passed, `(days / cadence) ** exponent`, up
  to `cap` (an account a year overdue is not worth infinitely much). Never visited counts as
  `cap`.

Appointments are not prizes: they are required stops at their booked time. Closed days and
hours are time windows (`app.accounts.opening_hours.intervals_s`), not part of the value.

**Remote touches** (a call, an e-mail, a video meeting) count toward the visit cadence, by a
share: a call is not a visit. The last touch moves the last visit forward by `touch_share` of
the gap between them (`effective_last_visit`):

    effective_last = last_visit + touch_share x (last_touch - last_visit)

so on the day of the touch the urgency drops by `touch_share` of itself (exactly for exponent 1,
to the day's rounding). Only the latest touch counts, so calls alone never replace visits: an
account called every few days is due for a visit after at most `cadence / (1 - touch_share)`
days (1.43 cadences at 0.3). A touch before the last visit changes nothing. Never visited but
touched: as if last visited `cap` cadences before the touch (the urgency never visited counts
as), so the touch takes the same share off.

**What a touch is worth today** (`touch_prize`, the inside queue's ranking):

- an account with a remote cadence (`touch_cadence_days`, e.g. a call every 14 days): the same
  formula as a visit's, over the remote cadence, since the last contact of any kind (a visit is
  a touch too): `value_share x annual_value x touch_cadence / 365 x urgency(days / touch_cadence)`;
- otherwise: `touch_share x` the visit prize today (over the effective last visit): a call
  earns the share of a visit that it takes off the visit's urgency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True)
class ValueWeights:
    """The weights of the value model; see the module docstring for the formula."""

    value_share: float = 0.1
    too_recent: float = 0.5
    exponent: float = 1.0
    cap: float = 2.0
    default_cadence_days: int = 28
    touch_share: float = 0.3
    """The share of a visit a remote touch counts for (README.md argues the default)."""

    def __post_init__(self) -> None:
        for name in ("value_share", "too_recent", "exponent", "cap", "touch_share"):
            amount = getattr(self, name)
            if not math.isfinite(amount) or amount < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {amount!r}")
        if self.touch_share > 1:
            raise ValueError(
                f"touch_share must be at most 1 (a touch is never more than a visit), "
                f"got {self.touch_share}"
            )
        if self.cap < 1:
            raise ValueError(
                f"cap must be >= 1 (an account due today has urgency 1), got {self.cap}"
            )
        if self.default_cadence_days < 1:
            raise ValueError(f"default_cadence_days must be >= 1, got {self.default_cadence_days}")


def urgency(days_since: int | None, cadence_days: int | None, weights: ValueWeights) -> float:
    """How pressing a visit is: 0 if too recent, 1 when exactly due, up to `weights.cap`.

    `days_since` is whole days since the last done visit (None: never visited).
    """
    if days_since is None:
        return weights.cap
    if days_since < 0:
        raise ValueError(f"days_since must be >= 0, got {days_since}")
    cadence = cadence_days or weights.default_cadence_days
    due_share = days_since / cadence
    if due_share < weights.too_recent:
        return 0.0
    grown: float = due_share**weights.exponent
    return min(weights.cap, grown)


def visit_prize(
    annual_value: float,
    cadence_days: int | None,
    days_since: int | None,
    weights: ValueWeights | None = None,
) -> float:
    """The prize for visiting an account today, in the account value's currency."""
    weights = weights or ValueWeights()
    if not math.isfinite(annual_value) or annual_value < 0:
        raise ValueError(f"annual_value must be a finite number >= 0, got {annual_value!r}")
    cadence = cadence_days or weights.default_cadence_days
    per_interval = annual_value * cadence / DAYS_PER_YEAR
    return weights.value_share * per_interval * urgency(days_since, cadence, weights)


def days_since(last: date | None, day: date) -> int | None:
    """Whole days from `last` to `day` (0 when `last` is later; None when there is no `last`)."""
    return None if last is None else max(0, (day - last).days)


def effective_last_visit(
    last_visit: date | None,
    last_touch: date | None,
    cadence_days: int | None,
    weights: ValueWeights | None = None,
) -> date | None:
    """The last visit as the visit cadence sees it once remote touches count (module docstring):
    `last_visit` moved forward by `touch_share` of the gap to `last_touch`."""
    weights = weights or ValueWeights()
    if last_touch is None or (last_visit is not None and last_touch <= last_visit):
        return last_visit
    if last_visit is None:
        cadence = cadence_days or weights.default_cadence_days
        # Never visited counts as `cap` cadences late: a touch takes its share off that.
        behind = (1 - weights.touch_share) * weights.cap * cadence
        return last_touch - timedelta(days=round(behind))
    gap = (last_touch - last_visit).days
    return last_visit + timedelta(days=round(weights.touch_share * gap))


def touch_prize(
    annual_value: float,
    cadence_days: int | None,
    touch_cadence_days: int | None,
    last_visit: date | None,
    last_touch: date | None,
    day: date,
    weights: ValueWeights | None = None,
) -> float:
    """What a remote touch of the account is worth on `day` (module docstring)."""
    weights = weights or ValueWeights()
    if touch_cadence_days:
        contacts = [d for d in (last_visit, last_touch) if d is not None]
        since = days_since(max(contacts), day) if contacts else None
        return visit_prize(annual_value, touch_cadence_days, since, weights)
    effective = effective_last_visit(last_visit, last_touch, cadence_days, weights)
    prize = visit_prize(annual_value, cadence_days, days_since(effective, day), weights)
    return weights.touch_share * prize
