"""The migrations build exactly the tables the models describe, and can be undone."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.core.db import make_engine
from app.core.migrate import downgrade, upgrade
from app.models import Base
from tests.backends import ON_BOTH_BACKENDS

pytestmark = ON_BOTH_BACKENDS


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_removes_everything(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_accounts_stored_before_the_name_key_get_theirs(database_url: str) -> None:
    engine = make_engine(database_url)
    downgrade(engine, "0017")
    account = sa.table(
        "account",
        *(sa.column(name, sa.DateTime()) for name in ("created_at", "updated_at")),
        *(sa.column(name) for name in ("name", "pin_manual", "value", "service_minutes")),
        *(sa.column(name) for name in ("locked", "active")),
    )
    now = datetime(2026, 12, 7, tzinfo=UTC)
    names = ["CAFÉ  Straße", " Bakery\tNorth ", "plain"]
    row = {"created_at": now, "updated_at": now, "pin_manual": False, "value": 1.0}
    row |= {"service_minutes": 30, "locked": False, "active": True}
    with engine.begin() as connection:
        connection.execute(account.insert(), [row | {"name": name} for name in names])
    upgrade(engine)
    with engine.connect() as connection:
        keys = connection.execute(sa.text("SELECT name_key FROM account ORDER BY id")).scalars()
        assert list(keys) == ["café strasse", "bakery north", "plain"]
    engine.dispose()
