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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True)
class ValueWeights:
    """The weights of the value model; see the module docstring for the formula."""

    value_share: float = 0.1
    too_recent: float = 0.5
    exponent: float = 1.0
    cap: float = 2.0
    default_cadence_days: int = 28

    def __post_init__(self) -> None:
        for name in ("value_share", "too_recent", "exponent", "cap"):
            amount = getattr(self, name)
            if not math.isfinite(amount) or amount < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {amount!r}")
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
