"""A process keeps few embedded engines open: a replaced build's files are let go, and the
number of open builds is bounded (each maps its files; a long-lived process meets many builds).
What a process holds is read from the kernel (/proc/self/maps), not from the module."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.roads import embedded
from app.roads.build import build_roads
from app.roads.service import EmbeddedRoads
from routing import Estimate, Point
from tests.conftest import ROAD_EXTRACTS
from tests.plans.baltimore import HOME, PLACES

pytestmark = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc")

BALTIMORE_PBF = ROAD_EXTRACTS / "baltimore.osm.pbf"
DRIVE = [Point(*HOME), Point(*PLACES[0])]


def _mapped_under(folder: Path) -> bool:
    prefix = str(folder.resolve())
    return any(prefix in line for line in Path("/proc/self/maps").read_text().splitlines())


def _drive_on(data_dir: Path) -> None:
    assert EmbeddedRoads(data_dir, "baltimore", 500.0, Estimate()).route(DRIVE) is not None


def test_a_rebuild_lets_the_old_builds_files_go(tmp_path: Path) -> None:
    build_roads(BALTIMORE_PBF, tmp_path)
    _drive_on(tmp_path)
    home = tmp_path / "roads" / "baltimore"
    assert _mapped_under(home / "v1")
    build_roads(BALTIMORE_PBF, tmp_path)
    _drive_on(tmp_path)
    assert _mapped_under(home / "v2")
    assert not _mapped_under(home / "v1")


def test_at_most_a_few_builds_stay_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "KEEP_OPEN", 2)
    folders = []
    for n in range(3):
        data_dir = tmp_path / f"copy{n}"
        build_roads(BALTIMORE_PBF, data_dir)
        _drive_on(data_dir)
        folders.append(data_dir / "roads" / "baltimore" / "v1")
    assert [_mapped_under(f) for f in folders] == [False, True, True]
    # The least recently used goes first: the first one again closes the second.
    _drive_on(tmp_path / "copy0")
    assert [_mapped_under(f) for f in folders] == [True, False, True]
