"""Apply the Alembic migrations: at app start-up, in tests, and from `python -m app.cli migrate`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).parents[1] / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# Any constant: PostgreSQL advisory locks are numbered by the application.
MIGRATION_LOCK = 0x46524F55


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind `engine` up to `revision` (idempotent). On PostgreSQL the
    processes starting together (workers, replicas) take turns instead of racing."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        if revision == "head" and _at(connection) == _heads():
            return
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _at(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


@cache
def _heads() -> frozenset[str]:
    """The newest revisions, found once per process: Alembic reads every migration's file to
    find them, which an app start with nothing to do spent most of its migration time on."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database behind `engine` back to `revision` ("base": no tables)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
