"""Engine and sessions (the request's session and its one transaction: `app.core.deps`).

SQLite (a file under the data directory, WAL mode, foreign keys on) by default; PostgreSQL when
`DATABASE_URL` names it. Services flush, never commit: the request's session commits once when the
endpoint returns and rolls back when it raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]
SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite write waits for another writer (an import holds the lock while it runs)."""

POOL_TIMEOUT_S = 5.0
"""How long a request waits for a pooled connection before it is answered 503 (Retry-After):
a short wait, so a client retries instead of holding a worker thread for half a minute."""

SQLITE_POOL_SIZE = 8
SQLITE_MAX_OVERFLOW = 72
"""SQLite connections are file handles: cheap, so the pool is sized for the worker threads
(anyio's 40) holding two each (a request's session and the token's last-use note), which a
smaller pool deadlocked on until its timeout. SQLite lets one writer in at a time whatever the
pool size; the others wait on its lock (`SQLITE_BUSY_TIMEOUT_MS`), not on the pool, and readers
(WAL) never wait for a writer."""

POSTGRES_POOL_SIZE = 10
POSTGRES_MAX_OVERFLOW = 20
"""Within a default PostgreSQL's 100 connections with a few processes running."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, creates its folder and turns on WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # pre_ping: a connection the server dropped (restart, failover) is replaced before use.
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=POSTGRES_POOL_SIZE,
            max_overflow=POSTGRES_MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
        )
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=SQLITE_POOL_SIZE,
        max_overflow=SQLITE_MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_S,
        # A file removed or made unreadable under a pooled connection fails the ping, so the
        # next request gets a fresh connection (or a clean 503) rather than a stale handle.
        pool_pre_ping=True,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while an import writes; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def hold_for_transaction(
    session: Session, kind: int, key: int, *, looks_first: bool = False
) -> None:
    """Take PostgreSQL's advisory lock (`kind`, `key`; each a signed 32-bit number), held until
    the session's transaction ends: the same work started twice at once waits for the first.

    On SQLite, whose one writer at a time orders the writes, nothing, unless the caller
    `looks_first`: it reads what decides its write (a booking looks for the prospect it would
    store), and SQLite's one writer orders only the writes, not the looks before them. Then this
    transaction takes the database's write lock now, so that the other one waits here (up to
    `SQLITE_BUSY_TIMEOUT_MS`) and looks only after this one has committed. Not for work that
    runs long before it writes (a job's solve): every other writer would wait for it."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :key)"), {"kind": kind, "key": key}
        )
    elif dialect == "sqlite" and looks_first:
        driver = session.connection().connection.driver_connection
        # The driver begins a transaction only before a write (reads before it run on their
        # own), so one that has begun has written and holds the lock already.
        if driver is not None and not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)
