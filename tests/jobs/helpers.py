"""What the job tests share: a CSV big enough to span chunks, a way to hold an import half-way
(a row it must update, locked by the test), polling, and real Celery worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.imports.service import CHUNK_ROWS

__all__ = ["CHUNK_ROWS"]
from app.models import Account
from tests.seed import World

ROOT = Path(__file__).resolve().parents[2]
ROWS = 3 * CHUNK_ROWS - 300
"""Three chunks: the import reports progress after the first, then waits on the held row."""
HELD = f"e-{CHUNK_ROWS + 200:04d}"
"""An account of the second chunk that exists before the import, which renames it."""
WAIT_S = 120.0


def big_csv() -> bytes:
    lines = ["external_id,name,latitude,longitude"]
    lines += [f"e-{i:04d},Account {i},41.{i:04d},-87.{i:04d}" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def add_held_account(session: Session, world: World) -> None:
    session.add(Account(external_id=HELD, name="Before", team_id=world.team_ids["North"]))
    session.commit()


@contextmanager
def holding_row(engine: Engine) -> Iterator[None]:
    """The held account locked (PostgreSQL) until the block ends: an import stops there."""
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(
            text("SELECT id FROM account WHERE external_id = :id FOR UPDATE"), {"id": HELD}
        )
        try:
            yield
        finally:
            transaction.rollback()


def upload(
    client: TestClient, world: World, data: bytes, *, key: str | None = None, who: str = "admin"
) -> Any:
    headers = world.headers(who) | ({"Idempotency-Key": key} if key else {})
    return client.post(
        "/api/v1/imports/accounts",
        headers=headers,
        files={"file": ("accounts.csv", data, "text/csv")},
        data={"team_id": str(world.team_ids["North"])},
    )


def wait_for[T](check: Callable[[], T | None], what: str, timeout_s: float = WAIT_S) -> T:
    """`check()` once it gives something; polls (a wait for another process, not a timing)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"waited {timeout_s:.0f} s for {what}"
        time.sleep(0.2)


def job_when(
    client: TestClient, world: World, job_id: int, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        answer = client.get(f"/api/v1/jobs/{job_id}", headers=world.headers("admin"))
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body if done(body) else None

    return wait_for(check, f"job {job_id} to get there")


class Worker:
    """`python -m app.cli worker` in its own process (one job at a time, in that process, so
    that `kill -9` kills the job with it)."""

    def __init__(
        self, env: dict[str, str], name: str, log: Path, at: datetime | None = None
    ) -> None:
        self.log = log
        # `at`: the worker lives at that moment (tests.jobs.clocked), as the tests do.
        entry = ["app.cli"] if at is None else ["tests.jobs.clocked", at.isoformat()]
        with log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
                [sys.executable, "-m", *entry, "worker", "--pool=solo", f"--name={name}@%h"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_env(
    database_url: str, broker_url: str, data_dir: Path, visibility_s: float
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDROUTE_")}
    env.pop("DATABASE_URL", None)
    return env | {
        "PYTHONPATH": str(ROOT),
        "FIELDROUTE_DATABASE_URL": database_url,
        "FIELDROUTE_BROKER_URL": broker_url,
        "FIELDROUTE_DATA_DIR": str(data_dir),
        "FIELDROUTE_JOB_VISIBILITY_TIMEOUT_S": str(visibility_s),
        "FIELDROUTE_ROADS_ENGINE": "estimate",
    }
