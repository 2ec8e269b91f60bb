"""`python -m app.cli roads build` and `roads status` from the shell."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import ROAD_EXTRACTS


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIELDROUTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FIELDROUTE_ROADS_ENGINE", raising=False)
    return tmp_path


def test_build_prints_progress_and_a_summary_then_plans_use_it(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["roads", "status"]) == 0
    assert "plans are timed with: estimate" in capsys.readouterr().out
    assert main(["roads", "build", str(ROAD_EXTRACTS / "liechtenstein.osm.pbf")]) == 0
    out = capsys.readouterr().out
    assert "[1/3] extract" in out
    assert "[3/3] customize" in out
    assert "liechtenstein: data version 1," in out
    assert " nodes, " in out
    assert " edges, " in out
    assert "plans are timed with: osrm: road times from OSRM (embedded)" in out
    assert (data_dir / "roads" / "liechtenstein" / "v1").is_dir()


def test_a_bad_extract_fails_clearly_and_changes_nothing(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["roads", "build", str(ROAD_EXTRACTS / "liechtenstein.osm.pbf")]) == 0
    bad = data_dir / "broken.osm.pbf"
    bad.write_text("<osm>not a pbf</osm>")
    capsys.readouterr()
    assert main(["roads", "build", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "not an OpenStreetMap extract" in captured.err
    assert "unchanged" in captured.err
    assert main(["roads", "status"]) == 0
    assert "liechtenstein" in capsys.readouterr().out


def test_queue_without_a_broker_is_refused_and_nothing_is_built(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIELDROUTE_BROKER_URL", raising=False)
    assert main(["roads", "build", str(ROAD_EXTRACTS / "liechtenstein.osm.pbf"), "--queue"]) == 2
    assert "--queue needs FIELDROUTE_BROKER_URL" in capsys.readouterr().err
    assert not (data_dir / "extracts").exists()
    assert not (data_dir / "roads").exists()
