"""`make run` loads the demo company into an empty database: everything placed, starter
territories, eight weeks of history, and development-only tokens for every role."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.auth.tokens import verify_token
from app.core.config import Environment, Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.demo import demo_logins, is_empty, load_demo
from app.models import Account, ApiToken, Rep, Visit

TODAY = date(2026, 11, 27)


def test_demo_company(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'demo.db'}")
    engine = make_engine(settings.sqlalchemy_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        assert is_empty(session)
        load_demo(session, settings, today=TODAY)
        session.commit()
        assert not is_empty(session)

        accounts = session.scalars(select(Account)).all()
        assert len(accounts) >= 1500
        assert all(a.latitude is not None for a in accounts)
        precisions = {a.geocode_precision for a in accounts}
        assert precisions <= {"postcode", "address"}
        assert all(a.territory_id is not None for a in accounts)
        assert session.scalar(select(func.count()).select_from(Rep)) == 10

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
        assert {login.role for login in logins} == {"admin", "manager", "rep"}
        assert all(t.development_only for t in session.scalars(select(ApiToken)))
        production = settings.model_copy(update={"environment": Environment.PRODUCTION})
        assert verify_token(session, settings, logins[0].token) is not None
        assert verify_token(session, production, logins[0].token) is None
    engine.dispose()
