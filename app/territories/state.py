"""A team's territories as they stand: reps, accounts, who covers what, each account's weekly
workload, each rep's weekly capacity, and a fingerprint that changes when any of it does."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Account, Rep, Territory
from app.models.people import FIELD
from app.reps.clock import seconds_of
from routing.route.matrix import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH

TRAVEL_MINUTES_PER_VISIT = 20.0
"""Expected driving per visit inside a territory at the default estimate (straight-line km x
`DEFAULT_CIRCUITY` at `DEFAULT_SPEED_KMH`), added to the service time in workloads."""


@dataclass(frozen=True)
class TeamState:
    team_id: int
    reps: list[Rep]
    territory_of_rep: dict[int, Territory]
    accounts: list[Account]
    # The active rep covering each account (None: nobody, or a rep who is no longer active).
    rep_of_account: dict[int, int | None]
    # Accounts whose territory belongs to an inactive rep: they must move.
    orphaned: frozenset[int]
    fingerprint: str


def load(session: Session, team_id: int) -> TeamState:
    """The team's active reps and its active, placed accounts, with who covers each."""
    reps = list(
        session.scalars(
            select(Rep)
            .where(Rep.team_id == team_id, Rep.active.is_(True), Rep.kind == FIELD)
            .order_by(Rep.id)
        )
    )
    territories = list(session.scalars(select(Territory).where(Territory.team_id == team_id)))
    territory_of_rep = {t.rep_id: t for t in sorted(territories, key=lambda t: t.id) if t.rep_id}
    rep_of_territory = {t.id: t.rep_id for t in territories}
    accounts = list(
        session.scalars(
            select(Account)
            .where(
                Account.team_id == team_id,
                Account.active.is_(True),
                Account.latitude.is_not(None),
                Account.longitude.is_not(None),
            )
            .order_by(Account.id)
        )
    )
    active = {rep.id for rep in reps}
    owner = {
        a.id: rep_of_territory.get(a.territory_id) if a.territory_id else None for a in accounts
    }
    rep_of_account = {a: r if r in active else None for a, r in owner.items()}
    orphaned = frozenset(a for a, r in owner.items() if r is not None and r not in active)
    fingerprint = _fingerprint(reps, territories, accounts)
    return TeamState(
        team_id, reps, territory_of_rep, accounts, rep_of_account, orphaned, fingerprint
    )


def _fingerprint(reps: list[Rep], territories: list[Territory], accounts: list[Account]) -> str:
    """Changes whenever anything a proposal was computed from does: who covers which territory,
    an account's territory, lock, place, cadence or visit length, a rep's home or hours."""
    digest = hashlib.sha256()
    for rep in reps:
        digest.update(
            f"r{rep.id}:{rep.home_latitude}:{rep.home_longitude}:{capacity_hours(rep)};".encode()
        )
    for territory in sorted(territories, key=lambda t: t.id):
        digest.update(f"t{territory.id}:{territory.rep_id};".encode())
    for a in accounts:
        digest.update(
            f"a{a.id}:{a.territory_id}:{int(a.locked)}:{a.latitude}:{a.longitude}:"
            f"{a.cadence_days}:{a.service_minutes};".encode()
        )
    return digest.hexdigest()


def visits_per_week(account: Account, default_cadence_days: int) -> float:
    """How often the account is visited; `default_cadence_days` (the setting the planner
    values visits with) for accounts without a cadence of their own."""
    return 7.0 / (account.cadence_days or default_cadence_days)


def drive_minutes_per_visit(circuity: float, speed_kmh: float) -> float:
    """The expected drive per visit timed by another estimate (e.g. one fitted to the roads):
    the straight-line distance that `TRAVEL_MINUTES_PER_VISIT` takes at the defaults (12.8 km),
    at `circuity` and `speed_kmh`. The defaults give `TRAVEL_MINUTES_PER_VISIT` back."""
    straight_km = TRAVEL_MINUTES_PER_VISIT / 60.0 * DEFAULT_SPEED_KMH / DEFAULT_CIRCUITY
    return straight_km * circuity / speed_kmh * 60.0


def workload_hours(
    account: Account,
    default_cadence_days: int,
    drive_minutes: float = TRAVEL_MINUTES_PER_VISIT,
) -> float:
    """Hours a week the account takes: visits a week x (time on site + `drive_minutes`, the
    driving per visit)."""
    minutes = account.service_minutes + drive_minutes
    return visits_per_week(account, default_cadence_days) * minutes / 60.0


def capacity_hours(rep: Rep) -> float:
    """Hours a week the rep can work: working days x (shift - lunch)."""
    shift = _hours_between(rep.shift_start, rep.shift_end) - rep.lunch_minutes / 60.0
    return max(0.0, shift) * len(rep.working_days or [])


def _hours_between(start: time, end: time) -> float:
    return (seconds_of(end) - seconds_of(start)) / 3600
