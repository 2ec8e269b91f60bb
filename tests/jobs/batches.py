"""What the batch job tests share: a team of many small reps, a batch submitted and read, a
rep whose writes are held (its row locked: a plan's insert waits for it), plan counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.models import Account, PlanBatchRep, Rep, RoutePlan, Territory
from tests.seed import World

MANY = 20
"""Reps added to the North team (which has 2): small ones, two accounts each."""
FAR_MONDAY = date(2100, 1, 4)
"""A workers' batch plans a day far ahead: workers live by the machine's clock, not the tests'."""
QUICK = 0.1


def add_reps(session: Session, world: World, count: int = MANY) -> list[int]:
    team_id = world.team_ids["North"]
    ids = []
    for number in range(count):
        rep = Rep(name=f"Batch Rep {number:02d}", email=f"batch-{number}@example.com",
                  team_id=team_id, home_latitude=41.8 + number * 0.001, home_longitude=-87.7,
                  time_zone="America/Chicago")  # fmt: skip
        session.add(rep)
        session.flush()
        territory = Territory(name=f"T batch {number}", team_id=team_id, rep_id=rep.id)
        session.add(territory)
        session.flush()
        for k in (1, 2):
            session.add(Account(external_id=f"batch-{number}-{k}", name=f"Shop {number}-{k}",
                                latitude=41.8 + number * 0.001 + 0.01 * k, longitude=-87.7,
                                value=1000.0 * k, cadence_days=28, team_id=team_id,
                                territory_id=territory.id))  # fmt: skip
        ids.append(rep.id)
    session.commit()
    return ids


def submit(client: TestClient, world: World, who: str = "manager_north", **extra: Any) -> Any:
    body = {"date": FAR_MONDAY.isoformat(), "time_limit": QUICK,
            "team_id": world.team_ids["North"]} | extra  # fmt: skip
    return client.post("/api/v1/plans/batch", json=body, headers=world.headers(who))


def plans_per_rep_day(session: Session, job_id: int) -> dict[tuple[int, date], int]:
    session.expire_all()
    query = (
        select(RoutePlan.rep_id, RoutePlan.plan_date, func.count())
        .where(RoutePlan.job_id == job_id)
        .group_by(RoutePlan.rep_id, RoutePlan.plan_date)
    )
    return {(rep_id, day): count for rep_id, day, count in session.execute(query)}


def rep_job(session: Session, batch_id: int, rep_id: int) -> int:
    session.expire_all()
    query = select(PlanBatchRep.job_id).where(
        PlanBatchRep.batch_id == batch_id, PlanBatchRep.rep_id == rep_id
    )
    return session.scalars(query).one()


@contextmanager
def holding_rep(engine: Engine, rep_id: int) -> Iterator[None]:
    """A plan of the rep for FAR_MONDAY, version 1, written and not committed until the block
    ends: the batch's own version 1 of that day waits for it at its insert (PostgreSQL), and
    is written once the block's is rolled back."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection) as session:
            session.add(RoutePlan(rep_id=rep_id, plan_date=FAR_MONDAY, version=1, stops=[],
                                  left_out=[], totals={}))  # fmt: skip
            session.flush()
            try:
                yield
            finally:
                transaction.rollback()


def waiting_at_a_lock(engine: Engine) -> int:
    """How many sessions of this database wait for a lock (the worker at `holding_rep`'s
    insert, once it is past everything it does before writing)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with engine.connect() as connection:
        return int(connection.scalar(query) or 0)
