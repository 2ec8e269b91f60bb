"""A rep's days: what a visit is worth (`value`) and one solve over a day or a week (`planner`).

`plan_rep_days` turns workdays, accounts worth a visit and booked appointments into one route
per workday, each on its own day's clock (seconds since local midnight); prizes are in the
accounts' currency, per `visit_prize`.
"""

from routing.days.planner import (
    Appointment,
    Candidate,
    DayRoute,
    DaysPlan,
    LeftOut,
    Workday,
    plan_rep_days,
)
from routing.days.value import ValueWeights, urgency, visit_prize

__all__ = [
    "Appointment",
    "Candidate",
    "DayRoute",
    "DaysPlan",
    "LeftOut",
    "ValueWeights",
    "Workday",
    "plan_rep_days",
    "urgency",
    "visit_prize",
]
