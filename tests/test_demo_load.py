"""`make run` loads a demo company into an empty database: everything placed, starter
territories, eight weeks of history, and development-only tokens for every role. Baltimore (the
default) is placed at its real addresses and planned on roads; Chicagoland stays available."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from app.auth.principal import principal_for
from app.auth.tokens import verify_token
from app.core.config import Environment, Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.demo import COMPANIES, demo_logins, ensure_roads, is_empty, load_demo, loaded_company
from app.models import Account, ApiToken, Rep, User, Visit
from app.plans.schemas import PlanRequest
from app.plans.service import plan_rep
from app.roads.build import current_manifest
from app.roads.service import travel
from routing import Point
from tests.backends import ON_BOTH_BACKENDS
from tests.moments import TODAY_UTC

TODAY = date(2026, 11, 27)


def test_chicagoland_demo_company(tmp_path: Path) -> None:
    settings = Settings(
        environment=Environment.DEVELOPMENT,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
    )
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        assert is_empty(session)
        load_demo(session, settings, company="chicagoland", today=TODAY)
        session.commit()
        assert not is_empty(session)

        accounts = session.scalars(select(Account)).all()
        assert len(accounts) >= 1500
        assert all(a.latitude is not None for a in accounts)
        precisions = {a.geocode_precision for a in accounts}
        assert precisions <= {"postcode", "address"}
        assert all(a.territory_id is not None for a in accounts)
        assert session.scalar(select(func.count()).where(Rep.kind == "field")) == 10

        first, last = session.execute(
            select(func.min(Visit.visit_date), func.max(Visit.visit_date))
        ).one()
        assert first >= TODAY - timedelta(weeks=8)
        assert last < TODAY
        done = session.scalar(select(func.count()).where(Visit.status == "done"))
        assert (done or 0) > 1000
        overdue = [
            a
            for a in accounts
            if a.cadence_days
            and (
                a.last_visit_date is None
                or a.last_visit_date + timedelta(days=a.cadence_days) < TODAY
            )
        ]
        assert 0 < len(overdue) < len(accounts)

        logins = demo_logins(session)
        assert {login.role for login in logins} == {"admin", "manager", "rep", "inside"}
        assert all(t.development_only for t in session.scalars(select(ApiToken)))
        production = settings.model_copy(update={"environment": Environment.PRODUCTION})
        assert verify_token(session, settings, logins[0].token) is not None
        assert verify_token(session, production, logins[0].token) is None
    engine.dispose()


@ON_BOTH_BACKENDS
def test_baltimore_demo_is_placed_at_its_addresses_and_planned_on_roads(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=database_url, solver_workers=1)
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        assert is_empty(session)
        load_demo(session, settings)  # the default company, on the tests' clock
        session.commit()
        assert loaded_company(session) is COMPANIES["baltimore"]

        accounts = session.scalars(select(Account)).all()
        assert len(accounts) == 300
        placed = Counter((a.geocode_precision, a.geocode_source) for a in accounts)
        assert placed == {("address", "osm-index"): 300}
        reps = session.scalars(select(Rep).where(Rep.kind == "field").order_by(Rep.name)).all()
        assert len(reps) == 5
        assert {(r.home_precision, r.home_source, r.time_zone) for r in reps} == {
            ("address", "osm-index", "America/New_York")
        }
        assert all(a.territory_id is not None for a in accounts)
        done = session.scalar(select(func.count()).where(Visit.status == "done"))
        assert (done or 0) > 100
        assert {login.role for login in demo_logins(session)} == {
            "admin",
            "manager",
            "rep",
            "inside",
        }

        roads = ensure_roads(settings, COMPANIES["baltimore"])
        assert roads.built is not None
        assert roads.built.region == "baltimore"
        assert current_manifest(tmp_path) is not None
        # A second call finds the data built and leaves it alone.
        assert ensure_roads(settings, COMPANIES["baltimore"]).built is None

        admin = session.scalars(select(User).where(User.role == "admin")).one()
        day = TODAY_UTC + timedelta(days=1)  # a Thursday: every demo rep works
        run = plan_rep(
            session, principal_for(admin), reps[0].id, PlanRequest(date=day, time_limit=0.5),
            settings,
        )  # fmt: skip
        session.commit()
        [plan] = run.plans
        assert plan.stops
        # Every place of the plan is on the roads the demo built.
        home = Point(plan.start.latitude, plan.start.longitude)
        places = [home] + [Point(s.latitude, s.longitude) for s in plan.stops]
        matrix = travel(settings).matrix(places)
        assert matrix.model == "osrm"
        assert dict(matrix.unreachable) == {}
        assert np.isfinite(matrix.durations_s).all()
    engine.dispose()


def test_baltimore_plan_legs_take_the_road_times(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.db'}", solver_workers=1
    )
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        load_demo(session, settings)
        session.commit()
        ensure_roads(settings, COMPANIES["baltimore"])
        admin = session.scalars(select(User).where(User.role == "admin")).one()
        rep = session.scalars(select(Rep).where(Rep.kind == "field").order_by(Rep.name)).first()
        assert rep is not None
        day = TODAY_UTC + timedelta(days=1)
        [plan] = plan_rep(
            session, principal_for(admin), rep.id, PlanRequest(date=day, time_limit=0.5),
            settings,
        ).plans  # fmt: skip
    engine.dispose()
    assert plan.travel_model == "osrm"
    places = [Point(plan.start.latitude, plan.start.longitude)]
    places += [Point(s.latitude, s.longitude) for s in plan.stops]
    road = travel(settings).matrix(places).durations_s
    legs = [(0, plan.start.at, 1, plan.stops[0].arrival)]
    legs += [
        (i, before.departure, i + 1, after.arrival)
        for i, (before, after) in enumerate(zip(plan.stops, plan.stops[1:], strict=False), 1)
    ]
    compared = 0
    for origin, left, target, arrived in legs:
        if any(b.start < arrived and b.end > left for b in plan.breaks):
            continue  # lunch taken on the way: the leg is not pure driving
        assert abs((arrived - left).total_seconds() - road[origin, target]) <= 1.0
        compared += 1
    assert compared >= 2
