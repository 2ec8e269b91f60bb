"""The nightly plan (issue 14): each rep planned once per night, at the configured hour on their
own clock, from that day to the end of their week, and the next week on their last working
day. Reps in Chicago, Berlin and Tokyo; the clock is moved, never waited for."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.db import SessionFactory, make_session_factory
from app.jobs.run import run_job
from app.models import Job, NightlyRun, Rep, RoutePlan
from app.plans import nightly
from app.plans.nightly import nights_days, run_tick
from tests.backends import ON_BOTH_BACKENDS
from tests.seed import World

pytestmark = ON_BOTH_BACKENDS

ZONES = {
    "rep_north_1": "America/Chicago",
    "rep_north_2": "Europe/Berlin",
    "rep_south_1": "Asia/Tokyo",
}
INACTIVE = "rep_south_2"


class Collect:
    """A dispatcher that keeps the job ids; the test runs them here."""

    embedded = True

    def __init__(self) -> None:
        self.ids: list[int] = []

    def dispatch(self, job_id: int) -> None:
        self.ids.append(job_id)


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"plan_week_time_limit_s": 0.3, "plan_day_time_limit_s": 0.3})


@pytest.fixture
def factory(session: Session) -> SessionFactory:
    return make_session_factory(session.get_bind())  # type: ignore[arg-type]


@pytest.fixture
def zoned(session: Session, world: World) -> World:
    for key, zone in ZONES.items():
        session.get_one(Rep, world.rep_ids[key]).time_zone = zone
    session.get_one(Rep, world.rep_ids[INACTIVE]).active = False
    session.add(Rep(name="Homeless Rep", email="homeless@example.com", time_zone="Europe/Berlin"))
    session.commit()
    return world


def _runs(session: Session) -> set[tuple[str, date, str]]:
    rows = session.execute(select(Rep.name, NightlyRun.local_date, NightlyRun.state).join(Rep))
    return {(name, day, state) for name, day, state in rows}


def _tick(factory: SessionFactory, settings: Settings) -> tuple[dict[str, int], dict[str, str]]:
    report = run_tick(factory, settings, Collect())
    return report.queued, report.refused


def test_each_rep_is_due_at_the_nightly_hour_of_their_own_clock(
    zoned: World, session: Session, factory: SessionFactory, settings: Settings, clock: FixedClock
) -> None:
    # Tue 3 March 2026, 18:30 in Chicago, 01:30 Wed in Berlin, 09:30 Wed in Tokyo.
    clock.set(datetime(2026, 3, 4, 0, 30, tzinfo=UTC))
    queued, refused = _tick(factory, settings)
    assert set(queued) == {"North Rep 1", "South Rep 1"}
    assert refused == {}
    # 02:15 in Berlin: the Berlin reps are due, and the one without a home is refused by name.
    clock.set(datetime(2026, 3, 4, 1, 15, tzinfo=UTC))
    queued, refused = _tick(factory, settings)
    assert set(queued) == {"North Rep 2"}
    assert list(refused) == ["Homeless Rep"]
    assert "Homeless Rep has no home location" in refused["Homeless Rep"]
    # 02:00 on Wednesday in Chicago; then 02:00 on Thursday in Tokyo.
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert set(_tick(factory, settings)[0]) == {"North Rep 1"}
    clock.set(datetime(2026, 3, 4, 17, 0, tzinfo=UTC))
    assert set(_tick(factory, settings)[0]) == {"South Rep 1"}
    tue, wed, thu = date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)
    assert _runs(session) == {
        ("North Rep 1", tue, "queued"),
        ("South Rep 1", wed, "queued"),
        ("North Rep 2", wed, "queued"),
        ("Homeless Rep", wed, "refused"),
        ("North Rep 1", wed, "queued"),
        ("South Rep 1", thu, "queued"),
    }
    # Nobody inactive; each queued run has its job, on the rep's team, for that local date.
    jobs = session.scalars(select(Job).order_by(Job.id)).all()
    assert len(jobs) == 5
    assert {job.params["rep_id"] for job in jobs}.isdisjoint({zoned.rep_ids[INACTIVE]})
    assert jobs[-1].params == {"rep_id": zoned.rep_ids["rep_south_1"], "local_date": "2026-03-05"}
    assert jobs[-1].team_id == zoned.team_ids["South"]


def test_a_rep_is_planned_once_per_local_date_however_often_it_ticks(
    zoned: World,
    session: Session,
    factory: SessionFactory,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.set(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))  # 02:00 in Chicago, 09:00 in Berlin
    first, _ = _tick(factory, settings)
    assert set(first) == {"North Rep 1", "North Rep 2", "South Rep 1"}
    # A second beat, a retried tick, a cron line beside beat: nothing more that date.
    assert _tick(factory, settings) == ({}, {})
    clock.advance(timedelta(hours=5))
    assert _tick(factory, settings) == ({}, {})
    assert session.query(Job).count() == 3
    # Two ticks at once: the other one read who is due before this one's rows were there;
    # its rows meet the unique key, and it queues nobody twice.
    clock.set(datetime(2026, 3, 5, 8, 0, tzinfo=UTC))  # Thursday 02:00 in Chicago
    with factory() as other:
        stale = nightly.due(other, settings, clock.now())
        assert _tick(factory, settings)[0].keys() == {"North Rep 1", "North Rep 2", "South Rep 1"}
        monkeypatch.setattr(nightly, "due", lambda *_: stale)
        assert _tick(factory, settings) == ({}, {})
    assert session.query(Job).count() == 6


def test_the_night_plans_from_that_day_and_the_next_week_on_the_last_working_day(
    zoned: World, session: Session, factory: SessionFactory, fast: Settings, clock: FixedClock
) -> None:
    # Friday 6 March, 02:30 in Tokyo: Thursday 11:30 in Chicago (its day under way).
    clock.set(datetime(2026, 3, 5, 17, 30, tzinfo=UTC))
    collect = Collect()
    report = run_tick(factory, fast, collect)
    assert set(report.queued) == {"North Rep 1", "North Rep 2", "South Rep 1"}
    for job_id in collect.ids:
        run_job(factory, fast, job_id)
    jobs = {job.params["rep_id"]: job for job in session.scalars(select(Job))}
    assert all(job.state == "succeeded" for job in jobs.values()), [
        job.error for job in jobs.values()
    ]

    def days(key: str) -> list[date]:
        rep_id = zoned.rep_ids[key]
        rows = session.scalars(select(RoutePlan.plan_date).where(RoutePlan.rep_id == rep_id))
        return sorted(set(rows))

    fri = date(2026, 3, 6)
    next_week = [date(2026, 3, 9) + timedelta(days=n) for n in range(5)]
    assert days("rep_south_1") == [fri, *next_week]
    # Chicago's night was Thursday's: that day has started (kept: here, left without a plan),
    # Friday is planned, and next week waits for Friday's night.
    assert days("rep_north_1") == [fri]
    tokyo = jobs[zoned.rep_ids["rep_south_1"]]
    assert tokyo.progress_done == tokyo.progress_total == 1
    assert tokyo.links["plans"] == (
        f"/api/v1/plans?start=2026-03-06&days=8&rep_id={zoned.rep_ids['rep_south_1']}"
    )
    assert session.scalars(select(RoutePlan.created_by)).all() == [None] * len(
        session.scalars(select(RoutePlan.id)).all()
    )


def test_which_weeks_a_night_refreshes(session: Session, world: World) -> None:
    rep = session.get_one(Rep, world.rep_ids["rep_north_1"])
    wed, fri, sat = date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 7)
    monday = date(2026, 3, 9)
    assert nights_days(rep, wed) == [wed]
    assert nights_days(rep, fri) == [fri, monday]
    assert nights_days(rep, sat) == [sat, monday]
    rep.working_days = ["tu", "we", "th", "fr", "sa"]
    assert nights_days(rep, fri) == [fri]
    assert nights_days(rep, sat) == [sat, date(2026, 3, 10)]
    rep.working_days = []
    assert nights_days(rep, wed) == [wed]


def test_the_nightly_hour_is_a_setting(
    zoned: World, session: Session, factory: SessionFactory, settings: Settings, clock: FixedClock
) -> None:
    late = settings.model_copy(update={"nightly_plan_time": time(4, 0)})
    clock.set(datetime(2026, 3, 4, 9, 30, tzinfo=UTC))  # 03:30 in Chicago
    assert "North Rep 1" not in _tick(factory, late)[0]
    clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=UTC))  # 04:00 in Chicago
    assert set(_tick(factory, late)[0]) == {"North Rep 1"}
