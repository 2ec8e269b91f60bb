"""A re-plan's whole-day totals with working time priced (issue 15): the morning's hours count."""

from __future__ import annotations

import pytest

from app.plans.whole_day import whole_day_totals
from routing import Costs, Estimate, Point

HOME = {"latitude": 41.88, "longitude": -87.63, "at": "2030-06-04T08:00:00-05:00"}
DONE = {"latitude": 41.90, "longitude": -87.65, "prize": 50.0, "service_minutes": 30}
HERE = Point(41.92, -87.66)
REST = {
    "stops": 2,
    "distance_km": 5.0,
    "travel_minutes": 10.0,
    "prize": 100.0,
    "cost": 20.0,
    "net": 80.0,
    "start": {"latitude": HERE.lat, "longitude": HERE.lon, "at": "2030-06-04T12:00:00-05:00"},
}


def _morning_drive(costs: Costs) -> float:
    """What the morning's driving costs per km and per hour of driving (km and minutes as the
    totals round them: 0.05 of slack)."""
    driven = whole_day_totals(REST, [DONE], HOME, HERE, Estimate(), Costs(per_km=1.0))
    km = driven["distance_km"] - REST["distance_km"]
    minutes = driven["travel_minutes"] - REST["travel_minutes"]
    return float(km * costs.per_km + minutes / 60 * costs.per_hour)


def test_the_mornings_working_hours_are_priced() -> None:
    costs = Costs(per_km=0.5, per_working_hour=40.0)
    totals = whole_day_totals(REST, [DONE], HOME, HERE, Estimate(), costs)
    # 08:00 to 12:00 less the 30 min visit: 3.5 working hours at 40.
    assert totals["cost"] == pytest.approx(20.0 + _morning_drive(costs) + 3.5 * 40.0, abs=0.05)
    assert totals["net"] == pytest.approx(totals["prize"] - totals["cost"], abs=0.01)
    assert totals["stops"] == 3


def test_without_working_time_only_the_mornings_driving_is_priced() -> None:
    costs = Costs(per_hour=40.0, per_km=0.5)
    totals = whole_day_totals(REST, [DONE], HOME, HERE, Estimate(), costs)
    assert totals["cost"] == pytest.approx(20.0 + _morning_drive(costs), abs=0.05)


def test_a_day_start_without_a_time_prices_the_mornings_driving_only() -> None:
    costs = Costs(per_km=0.5, per_working_hour=40.0)
    start = {key: value for key, value in HOME.items() if key != "at"}
    totals = whole_day_totals(REST, [DONE], start, HERE, Estimate(), costs)
    assert totals["cost"] == pytest.approx(20.0 + _morning_drive(costs), abs=0.05)
