"""The README's examples run against the demo company, so they cannot drift: every `curl` to
the local server that reads (and the optimise call, with its body) answers as the README says,
with the demo token it names (`fr_dev_*`, which works in development)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.clock import FixedClock, using
from app.core.config import Environment, Settings
from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.demo import load_demo
from app.main import create_app
from tests.moments import NOW

README = Path(__file__).resolve().parent.parent / "README.md"
SERVER = "http://127.0.0.1:8000"
_BLOCK = re.compile(r"```(sh|json)\n(.*?)```", re.DOTALL)


def _commands(block: str) -> list[list[str]]:
    """The block's shell commands as argument lists (continuation lines joined, comments
    dropped)."""
    joined = re.sub(r"\\\n", " ", block)
    commands = []
    pending = ""
    for line in joined.splitlines():
        # A quoted body spans lines: gather them until the quotes close.
        pending = f"{pending}\n{line}" if pending else line
        try:
            words = shlex.split(pending, comments=True)
        except ValueError:
            continue
        pending = ""
        if words:
            commands.append(words)
    assert not pending, f"unclosed quote in a README example: {pending[:80]}"
    return commands


def _curl(words: list[str]) -> dict[str, Any]:
    """A curl command's method, path, headers and body."""
    request: dict[str, Any] = {"method": "GET", "headers": {}, "body": None, "form": False}
    rest = iter(words[1:])
    for word in rest:
        if word == "-X":
            request["method"] = next(rest)
        elif word == "-H":
            name, value = next(rest).split(":", 1)
            request["headers"][name.strip()] = value.strip()
        elif word == "-d":
            request["body"] = next(rest)
            request["method"] = "POST" if request["method"] == "GET" else request["method"]
        elif word == "-F":
            request["form"] = True
            next(rest)
        elif word.startswith(SERVER):
            request["path"] = word.removeprefix(SERVER)
    return request


def readme_curls() -> list[tuple[dict[str, Any], str | None]]:
    """Each curl to the local server, with the JSON block that follows it in the README (its
    answer), if the next block is one."""
    blocks = _BLOCK.findall(README.read_text())
    found: list[tuple[dict[str, Any], str | None]] = []
    for i, (kind, text) in enumerate(blocks):
        if kind != "sh":
            continue
        answer = blocks[i + 1][1] if i + 1 < len(blocks) and blocks[i + 1][0] == "json" else None
        for words in _commands(text):
            if words[0] == "curl" and any(w.startswith(SERVER) for w in words):
                found.append((_curl(words), answer))
    return found


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("readme")
    settings = Settings(
        environment=Environment.DEVELOPMENT,
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'demo.db'}",
        max_time_limit_s=2.0,
        solver_workers=1,
    )
    with using(FixedClock(NOW)):
        engine = make_engine(settings.sqlalchemy_url)
        upgrade(engine)
        with make_session_factory(engine).begin() as session:
            load_demo(session, settings)
        engine.dispose()
        with TestClient(create_app(settings)) as client:
            yield client


def test_the_readme_has_the_examples_this_test_runs() -> None:
    paths = [request.get("path", "") for request, _ in readme_curls()]
    assert "/api/v1/optimize" in paths
    assert any(path.startswith("/api/v1/accounts?") for path in paths)


def test_the_optimise_example_answers_as_the_readme_shows(demo_client: TestClient) -> None:
    (request, answer) = next(
        (r, a) for r, a in readme_curls() if r.get("path") == "/api/v1/optimize"
    )
    assert request["headers"]["Authorization"] == "Bearer fr_dev_admin"
    response = demo_client.post(
        request["path"], headers=request["headers"], content=request["body"]
    )
    assert response.status_code == 200, response.text
    assert answer is not None
    shown = json.loads(answer)
    got = response.json()
    visited = [[s["id"] for s in route["stops"]] for route in got["routes"]]
    assert visited == [[s["id"] for s in route["stops"]] for route in shown["routes"]]
    assert [u["id"] for u in got["unassigned"]] == [u["id"] for u in shown["unassigned"]]
    assert [u["reason"] for u in got["unassigned"]] == [u["reason"] for u in shown["unassigned"]]
    assert got["summary"]["prize"] == shown["summary"]["prize"]


def test_every_reading_example_answers_with_its_token(demo_client: TestClient) -> None:
    reads = [r for r, _ in readme_curls() if r["method"] == "GET" and not r["form"]]
    assert reads
    for request in reads:
        response = demo_client.get(request["path"], headers=request["headers"])
        # An example about a thing that exists only after an earlier write (an import, a
        # job) may answer 404; it must never be refused for its token.
        assert response.status_code not in (401, 403), (request, response.text)
        written_first = ("/imports/", "/jobs/")
        if "{" not in request["path"] and not any(p in request["path"] for p in written_first):
            assert response.status_code == 200, (request, response.text)
