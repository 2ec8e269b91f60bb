"""From the database to the coverage model's arrays (`routing.days.coverage`): a team's
accounts with a field rep and a place on the map, their reps' cost rates, and each account's
detour, from its rep's stored plans where it was planned, else estimated from its nearest
places.

Everything here reads; nothing writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.models import Account, Rep, RoutePlan, Territory
from app.models.people import FIELD
from app.plans.inputs import rep_costs
from app.reps.home import home_point
from app.roads.service import travel
from app.visits.service import service_minutes_estimates
from routing import Point
from routing.days.coverage import (
    NEIGHBOURS,
    PLAN,
    CoverageAccounts,
    CoverageReps,
    codes,
    neighbour_detours,
    route_insertions,
)

PLANS_BACK = timedelta(weeks=8)
PLANS_AHEAD = timedelta(weeks=2)
"""The stored plans that make a rep's typical route: the latest version of each day from
eight weeks back to two weeks ahead."""
DEFAULT_STOPS_A_DAY = 8
"""Stops on a day's route for a rep with no stored plans and no `max_visits_per_day`."""


@dataclass(frozen=True, slots=True)
class AccountFacts:
    id: int
    name: str
    rep_id: int
    value: float
    cadence_days: int
    coverage: str
    touch_cadence_days: int | None


@dataclass(frozen=True, slots=True)
class TeamCoverage:
    """A team's accounts as the model takes them, and what the rows say about each."""

    facts: list[AccountFacts]
    accounts: CoverageAccounts
    reps: CoverageReps
    rep_names: dict[int, str]
    source: np.ndarray[Any, np.dtype[np.int64]]
    not_modelled: int
    travel: dict[str, str]


def team_coverage(session: Session, settings: Settings, team_id: int, today: date) -> TeamCoverage:
    """The coverage model's inputs for the active accounts of `team_id`'s active field reps."""
    weights = settings.value_weights
    query = (
        select(
            Account.id,
            Account.name,
            Account.value,
            Account.cadence_days,
            Account.service_minutes,
            Account.coverage,
            Account.touch_cadence_days,
            Account.latitude,
            Account.longitude,
            Territory.rep_id,
        )
        .join(Territory, Territory.id == Account.territory_id)
        .join(Rep, Rep.id == Territory.rep_id)
        .where(
            Account.team_id == team_id,
            Account.active.is_(True),
            Account.latitude.is_not(None),
            Account.longitude.is_not(None),
            Rep.active.is_(True),
            Rep.kind == FIELD,
        )
        .order_by(Account.id)
    )
    rows = session.execute(query).all()
    active = session.scalar(
        select(func.count(Account.id)).where(Account.team_id == team_id, Account.active.is_(True))
    )
    rep_ids = sorted({row.rep_id for row in rows})
    reps = {rep.id: rep for rep in session.scalars(select(Rep).where(Rep.id.in_(rep_ids)))}
    index = {rep_id: i for i, rep_id in enumerate(rep_ids)}
    measured = service_minutes_estimates(session, [row.id for row in rows])
    lat = np.array([row.latitude for row in rows], dtype=np.float64)
    lon = np.array([row.longitude for row in rows], dtype=np.float64)
    rep = np.array([index[row.rep_id] for row in rows], dtype=np.int64)
    plan = _planned_detours(session, settings, rep_ids, today)
    # The estimated way is driven at the plans' own speed (their road times, where the app has
    # roads), else at the straight-line estimate's.
    speed = plan.speed_kmh or settings.default_speed_kmh
    stops_a_day = np.array(
        [
            plan.stops_a_day.get(rep_id) or reps[rep_id].max_visits_per_day or DEFAULT_STOPS_A_DAY
            for rep_id in rep_ids
        ],
        dtype=np.float64,
    )
    home_lat, home_lon = _homes(reps, rep_ids, lat, lon, rep)
    guess_s, guess_m = neighbour_detours(
        lat,
        lon,
        rep,
        home_lat,
        home_lon,
        circuity=settings.default_circuity,
        speed_kmh=speed,
        stops_a_day=stops_a_day,
    )
    detour_s, detour_m = guess_s.copy(), guess_m.copy()
    source = np.full(len(rows), NEIGHBOURS, dtype=np.int64)
    for i, row in enumerate(rows):
        found = plan.detours.get(row.id)
        if found is not None:
            detour_s[i], detour_m[i] = found
            source[i] = PLAN
    costs = [rep_costs(reps[rep_id]) for rep_id in rep_ids]
    facts = [
        AccountFacts(
            id=row.id,
            name=row.name,
            rep_id=row.rep_id,
            value=row.value,
            cadence_days=row.cadence_days or weights.default_cadence_days,
            coverage=row.coverage,
            touch_cadence_days=row.touch_cadence_days,
        )
        for row in rows
    ]
    return TeamCoverage(
        facts=facts,
        accounts=CoverageAccounts(
            value=np.array([f.value for f in facts], dtype=np.float64),
            cadence_days=np.array([f.cadence_days for f in facts], dtype=np.float64),
            service_s=np.array(
                [60.0 * measured.get(row.id, row.service_minutes) for row in rows],
                dtype=np.float64,
            ),
            detour_s=detour_s,
            detour_m=detour_m,
            rep=rep,
            coverage=codes([f.coverage for f in facts]),
        ),
        reps=CoverageReps(
            per_hour=np.array([c.per_hour for c in costs], dtype=np.float64),
            per_km=np.array([c.per_km for c in costs], dtype=np.float64),
            per_working_hour=np.array([c.per_working_hour for c in costs], dtype=np.float64),
        ),
        rep_names={rep_id: reps[rep_id].name for rep_id in rep_ids},
        source=source,
        not_modelled=int(active or 0) - len(rows),
        travel={
            "plan": plan.detail or "no stored plans in these weeks",
            "neighbours": (
                f"straight-line distance x {settings.default_circuity:.2f} between the nearest "
                "places, stretched for the accounts a day's route leaves out, at "
                + (
                    f"the stored plans' speed, {speed:.0f} km/h"
                    if plan.speed_kmh
                    else f"{speed:.0f} km/h (the estimate's speed)"
                )
            ),
        },
    )


def _homes(
    reps: dict[int, Rep],
    rep_ids: list[int],
    lat: np.ndarray[Any, np.dtype[np.float64]],
    lon: np.ndarray[Any, np.dtype[np.float64]],
    rep: np.ndarray[Any, np.dtype[np.int64]],
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Each rep's home; a rep not placed yet counts from the middle of their accounts."""
    home_lat = np.zeros(len(rep_ids), dtype=np.float64)
    home_lon = np.zeros(len(rep_ids), dtype=np.float64)
    for i, rep_id in enumerate(rep_ids):
        home = home_point(reps[rep_id])
        if home is None:
            home = Point(float(lat[rep == i].mean()), float(lon[rep == i].mean()))
        home_lat[i], home_lon[i] = home.lat, home.lon
    return home_lat, home_lon


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What the reps' stored plans of these weeks say."""

    detours: dict[int, tuple[float, float]]
    """Per account planned: its mean insertion cost there (seconds, metres)."""
    stops_a_day: dict[int, float]
    """Per rep with plans: the mean number of stops of a plan."""
    speed_kmh: float | None
    """The speed of the insertions (their metres over their seconds); None without any."""
    detail: str | None
    """The travel model that timed them, in words."""


def _planned_detours(
    session: Session, settings: Settings, rep_ids: list[int], today: date
) -> PlanFacts:
    """The stored plans of these weeks as the model reads them (`PlanFacts`), on the app's
    travel model."""
    if not rep_ids:
        return PlanFacts({}, {}, None, None)
    query = (
        select(RoutePlan.rep_id, RoutePlan.plan_date, RoutePlan.stops, RoutePlan.totals)
        .where(
            RoutePlan.rep_id.in_(rep_ids),
            RoutePlan.plan_date >= today - PLANS_BACK,
            RoutePlan.plan_date <= today + PLANS_AHEAD,
        )
        .order_by(RoutePlan.version)
    )
    latest: dict[tuple[int, date], tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    for rep_id, day, stops, totals in session.execute(query):
        latest[(rep_id, day)] = (stops, totals)
    model = travel(settings)
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    per_rep: dict[int, list[int]] = defaultdict(list)
    detail = None
    for (rep_id, _), (stops, totals) in latest.items():
        start, end = totals.get("start"), totals.get("end")
        if not stops or start is None:
            continue
        per_rep[rep_id].append(len(stops))
        points = [Point(start["latitude"], start["longitude"])]
        points += [Point(stop["latitude"], stop["longitude"]) for stop in stops]
        # An open end (no way home planned) adds nothing after the last stop: end there.
        points.append(Point(end["latitude"], end["longitude"]) if end else points[-1])
        matrix = model.matrix(points)
        detail = detail or matrix.model_detail
        seconds, metres = route_insertions(matrix)
        for stop, s, m in zip(stops, seconds, metres, strict=True):
            found = sums[int(stop["account_id"])]
            found[0] += float(s)
            found[1] += float(m)
            found[2] += 1
    seconds_total = sum(s for s, _, _ in sums.values())
    metres_total = sum(m for _, m, _ in sums.values())
    return PlanFacts(
        detours={account: (s / n, m / n) for account, (s, m, n) in sums.items()},
        stops_a_day={rep_id: sum(n) / len(n) for rep_id, n in per_rep.items()},
        speed_kmh=metres_total / seconds_total * 3.6 if seconds_total > 0 else None,
        detail=detail,
    )
