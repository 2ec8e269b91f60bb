"""Alembic environment: migrations run on the connection `app.core.migrate` hands over, or on the URL
from settings when Alembic's own CLI runs them (`alembic upgrade head`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.core.config import Settings
from app.core.db import make_engine
from app.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(Settings().sqlalchemy_url)
    with engine.connect() as fresh:
        _run(fresh)
        fresh.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
