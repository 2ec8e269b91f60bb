"""The app has one clock (`app.core.clock`): no other module of `app/` reads the machine's time,
so a test that sets the clock sets it for everything (issue 10: a browser test failed in the
evening, Chicago time, because part of the app read the machine's clock)."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from tests.moments import NOW
from tests.seed import World

APP = Path(__file__).resolve().parents[2] / "app"
TESTS = APP.parent / "tests"
CLOCK = APP / "core" / "clock.py"
MACHINE_TIME = {
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}
"""Calls that read the wall clock (monotonic timers measure durations and may stay)."""


def _machine_time_reads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in MACHINE_TIME
        ):
            found.append(f"line {node.lineno}: {node.func.value.id}.{node.func.attr}()")
    return found


@pytest.mark.parametrize(
    "path",
    sorted(p for p in [*APP.rglob("*.py"), *TESTS.rglob("*.py")] if p != CLOCK),
    ids=lambda p: str(p.relative_to(APP.parent)),
)
def test_only_the_clock_reads_the_machine_time(path: Path) -> None:
    """Nor does a test: it sets the clock (`tests.moments`) instead."""
    reads = _machine_time_reads(path.read_text(encoding="utf-8"))
    assert not reads, f"{path.relative_to(APP.parent)} reads the machine's time: {reads}"


def test_the_check_sees_machine_time_reads() -> None:
    source = (
        "from datetime import UTC, date, datetime\nimport time\n"
        "a = datetime.now(UTC)\nb = date.today()\nc = time.time()\nd = time.monotonic()\n"
    )
    assert _machine_time_reads(source) == [
        "line 3: datetime.now()",
        "line 4: date.today()",
        "line 5: time.time()",
    ]


def test_requests_live_by_the_apps_clock(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    """The clock reaches the ORM's defaults and the services through the worker threads
    FastAPI runs them in: a token made now expires by the app's clock, not the machine's."""
    user_id = world.user_ids["rep_north_1"]
    headers = world.headers("rep_north_1")
    created = client.post(
        f"/api/v1/users/{user_id}/tokens",
        json={"name": "phone", "expires_in_days": 30},
        headers=headers,
    ).json()
    assert datetime.fromisoformat(created["created_at"]) == NOW
    assert datetime.fromisoformat(created["expires_at"]) == NOW + timedelta(days=30)
    bearer = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/users/me", headers=bearer).status_code == 200
    clock.advance(timedelta(days=30, seconds=1))
    assert client.get("/api/v1/users/me", headers=bearer).status_code == 401
