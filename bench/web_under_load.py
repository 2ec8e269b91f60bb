"""Does the web tier keep serving while the solver works? (issue 12)

A real uvicorn server in a subprocess on SQLite with seeded people; 10 client threads read
(`GET /api/v1/accounts?limit=20` and `/health`, alternately) for a baseline with no solves, then
again while 2 clients (two users) run `POST /optimize` with a 5 s limit back to back. Prints the
reads' p50/p95/p99 and throughput in both phases and each solve's latency against its limit.
Target: reads p99 under 300 ms while two solves run; every solve within its limit + 0.5 s.

    python -m bench.web_under_load [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from app.core.config import Environment, Settings
from app.core.db import make_session_factory
from app.main import create_app
from tests.seed import seed_world

ROOT = Path(__file__).resolve().parents[1]
READERS = 10
SOLVE_LIMIT_S = 5.0


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _problem() -> dict[str, Any]:
    home = {"lat": 52.37, "lon": 4.89}
    return {
        "vehicles": [
            {"id": f"rep-{v}", "start": home, "end": home, "shift": [28800, 61200]}
            for v in range(3)
        ],
        "stops": [
            {
                "id": f"s{i}",
                "location": {"lat": 52.30 + 0.01 * (i % 12), "lon": 4.80 + 0.012 * (i // 12)},
                "service": 900,
                "prize": 40.0 + (i * 7) % 60,
            }
            for i in range(120)
        ],
        "options": {"time_limit": SOLVE_LIMIT_S},
    }


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms"


def _read_phase(base: str, token: str, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def reader(n: int) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, timeout=30) as client:
            i = n
            while time.monotonic() < stop:
                path = "/health" if i % 2 else "/api/v1/accounts?limit=20"
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                took = time.perf_counter() - started
                with lock:
                    latencies.append(took)
                    errors += response.status_code != 200
                i += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def _solver(
    base: str, token: str, until: threading.Event, out: list[tuple[float, float, int]]
) -> None:
    body = _problem()
    with httpx.Client(base_url=base, timeout=60) as client:
        while not until.is_set():
            started = time.perf_counter()
            response = client.post(
                "/api/v1/optimize", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            took = time.perf_counter() - started
            limit = response.json()["summary"]["time_limit"] if response.status_code == 200 else 0
            out.append((took, limit, response.status_code))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'load.db'}"
        settings = Settings(
            database_url=url, data_dir=Path(tmp), environment=Environment.DEVELOPMENT
        )
        with TestClient(create_app(settings)) as client:
            factory = make_session_factory(client.app.state.engine)  # type: ignore[attr-defined]
        with factory() as session:
            world = seed_world(session)
            session.commit()
        port = _port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "FIELDROUTE_DATABASE_URL": url,
            "FIELDROUTE_DATA_DIR": tmp,
            "FIELDROUTE_ENVIRONMENT": "development",
            "FIELDROUTE_ROADS_ENGINE": "estimate",
        }
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.main:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    httpx.get(f"{base}/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            reader_token = world.tokens["admin"]
            # Warm-up: the first solve in each worker, and the first reads.
            _read_phase(base, reader_token, 1.0)
            quiet, quiet_errors = _read_phase(base, reader_token, args.seconds)
            until = threading.Event()
            solves: list[tuple[float, float, int]] = []
            solvers = [
                threading.Thread(target=_solver, args=(base, world.tokens[who], until, solves))
                for who in ("manager_north", "manager_south")
            ]
            for thread in solvers:
                thread.start()
            time.sleep(1.0)
            busy, busy_errors = _read_phase(base, reader_token, args.seconds)
            until.set()
            for thread in solvers:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    cores = os.cpu_count()
    print(
        f"web under load: {READERS} reading clients, {cores} cores, SQLite, {args.seconds:.0f} s per phase"
    )
    print(
        f"  reads, no solves:       {len(quiet) / args.seconds:6.1f} req/s, {_percentiles(quiet)}"
        f", {quiet_errors} errors"
    )
    print(
        f"  reads, 2 solves running: {len(busy) / args.seconds:5.1f} req/s, {_percentiles(busy)}"
        f", {busy_errors} errors"
    )
    over = [took - limit for took, limit, status in solves if status == 200]
    statuses = sorted({status for _, _, status in solves})
    print(
        f"  solves ({SOLVE_LIMIT_S:.0f} s limit): {len(solves)} answered (statuses {statuses}); "
        f"latency {min(t for t, _, _ in solves):.2f}-{max(t for t, _, _ in solves):.2f} s, "
        f"over the limit by at most {max(over):.2f} s (target 0.5 s)"
    )


if __name__ == "__main__":
    main()
