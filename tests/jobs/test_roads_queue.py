"""`python -m app.cli roads build X.osm.pbf --queue` (issue 14): the extract copied to the
data directory's `extracts/`, the `build_roads` job built by a real worker (Redis,
PostgreSQL) while the command shows its progress; another file of the same name refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.cli import main
from app.models import Job
from tests.conftest import ROAD_EXTRACTS
from tests.jobs.conftest import VISIBILITY_S
from tests.jobs.helpers import Worker, worker_env
from tests.seed import World

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
EXTRACT = ROAD_EXTRACTS / "liechtenstein.osm.pbf"


@pytest.fixture
def shell(
    broker_url: str, postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Worker]:
    """The command line's settings and a worker's, over the same database and data directory."""
    env = worker_env(postgres_engine.url.render_as_string(hide_password=False), broker_url,
                     tmp_path, VISIBILITY_S)  # fmt: skip
    for name, value in env.items():
        if name.startswith("FIELDROUTE_"):
            monkeypatch.setenv(name, value)
    worker = Worker(env, "roads", tmp_path / "roads-worker.log")
    yield worker
    worker.stop()


def test_queue_builds_on_a_worker(
    world: World, session: Session, shell: Worker, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert main(["roads", "build", str(EXTRACT), "--queue"]) == 0, shell.log.read_text()[-2000:]
    out = capsys.readouterr().out
    assert "on the workers" in out
    assert (tmp_path / "extracts" / "liechtenstein.osm.pbf").is_file()
    assert (tmp_path / "roads" / "liechtenstein" / "v1").is_dir()
    job = session.scalars(select(Job)).one()
    assert (job.kind, job.state, job.progress_done) == ("build_roads", "succeeded", 3)


def test_queue_refuses_another_file_of_the_same_name(
    world: World, session: Session, shell: Worker, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    (tmp_path / "extracts").mkdir()
    (tmp_path / "extracts" / "liechtenstein.osm.pbf").write_bytes(b"another")
    assert main(["roads", "build", str(EXTRACT), "--queue"]) == 2
    assert "exists and is another file" in capsys.readouterr().err
    assert session.scalars(select(Job)).all() == []
