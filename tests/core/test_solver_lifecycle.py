"""No solver process outlives its server: not after kill -9, not after a normal stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock
from app.core.config import Settings
from app.core.db import make_session_factory
from app.main import create_app
from tests.api.payloads import location_request
from tests.seed import TEST_TOKEN, seed_world

pytestmark = [
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc"),
    # Seconds for a killed server's solver processes to go: not beside another test's load.
    pytest.mark.alone,
]
ROOT = Path(__file__).resolve().parents[2]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    url = f"sqlite:///{tmp_path / 'life.db'}"
    settings = Settings(database_url=url, data_dir=tmp_path, environment="development")
    with TestClient(create_app(settings, clock)) as client:
        factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
    with factory() as session:
        seed_world(session)
        session.commit()
    port = _port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FIELDROUTE_DATABASE_URL": url,
        "FIELDROUTE_DATA_DIR": str(tmp_path),
        "FIELDROUTE_ENVIRONMENT": "development",
        "FIELDROUTE_ROADS_ENGINE": "estimate",
        "FIELDROUTE_SOLVER_WORKERS": "2",  # a search pool inside each solver process too
    }
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def _solve(port: int, limit: float, answers: list[int]) -> None:
    body = location_request()
    body["options"] = {"time_limit": limit}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/optimize",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {TEST_TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answers.append(response.status)
    except OSError:
        answers.append(0)


def _solving(process: subprocess.Popen[bytes], port: int, answers: list[int]) -> set[int]:
    thread = threading.Thread(target=_solve, args=(port, 3.0, answers))
    thread.start()
    time.sleep(1.5)
    family = _descendants(process.pid)
    # The solver processes, the search processes inside them and their fork servers.
    assert len(family) >= 4, family
    return family


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(pids)


def test_kill_9_of_the_server_leaves_no_solver_process(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    answers: list[int] = []
    family = _solving(process, port, answers)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _gone_within(family, 5.0) == set()


def test_a_normal_stop_answers_the_solve_under_way_and_leaves_no_process(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = server
    answers: list[int] = []
    family = _solving(process, port, answers)
    process.send_signal(signal.SIGTERM)
    # uvicorn ends by re-raising the signal it handled, after its graceful shutdown.
    assert process.wait(timeout=20) in (0, -signal.SIGTERM)
    assert answers == [200]
    assert _gone_within(family, 5.0) == set()
