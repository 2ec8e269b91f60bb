"""Building road data: versions, the atomic swap, and what a bad extract gets."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from app.core.config import Settings
from app.roads.build import BuildError, build_roads, current_manifest, region_of
from app.roads.service import travel
from routing import Point
from tests.conftest import ROAD_EXTRACTS

BALTIMORE_PBF = ROAD_EXTRACTS / "baltimore.osm.pbf"


def test_a_build_reports_what_it_made_and_becomes_current(tmp_path: Path) -> None:
    lines: list[str] = []
    manifest = build_roads(BALTIMORE_PBF, tmp_path, progress=lines.append)
    assert manifest.region == "baltimore"
    assert manifest.version == 1
    assert manifest.nodes > 10_000
    assert manifest.edges > 10_000
    assert manifest.size_bytes > 1_000_000
    south, west, north, east = manifest.bbox
    assert 39.2 < south < north < 39.4
    assert -76.7 < west < east < -76.4
    assert [line.split(":")[0] for line in lines[1:]] == [
        "[1/3] extract",
        "[2/3] partition",
        "[3/3] customize",
    ]
    folder, current = current_manifest(tmp_path) or (None, None)
    assert current == manifest
    assert folder is not None
    assert (folder / "baltimore.osrm.mldgr").is_file()
    assert not (folder / "baltimore.osm.pbf").exists()


def test_a_rebuild_bumps_the_version_and_keeps_only_two(tmp_path: Path) -> None:
    keys = [build_roads(BALTIMORE_PBF, tmp_path).data_key for _ in range(3)]
    assert len(set(keys)) == 3
    home = tmp_path / "roads" / "baltimore"
    assert sorted(p.name for p in home.iterdir() if p.is_dir()) == ["v2", "v3"]
    assert json.loads((home / "current.json").read_text()) == {"version": 3}


def test_the_app_follows_a_rebuild_without_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, roads_region="baltimore")
    chosen = travel(settings)
    assert chosen.matrix([]).model == "estimate"
    build_roads(BALTIMORE_PBF, tmp_path)
    first = chosen.matrix([]).model_detail
    assert "data version 1" in first
    build_roads(BALTIMORE_PBF, tmp_path)
    assert "data version 2" in chosen.matrix([]).model_detail


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"this is not a protocol buffer at all", "not an OpenStreetMap extract"),
        (BALTIMORE_PBF.read_bytes()[:20_000], "cannot be read"),
    ],
    ids=["empty", "garbage", "cut-short"],
)
def test_a_bad_extract_is_refused_and_the_old_data_keeps_serving(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    build_roads(BALTIMORE_PBF, tmp_path)
    bad = tmp_path / "baltimore.osm.pbf"
    bad.write_bytes(content)
    with pytest.raises(BuildError, match=expected):
        build_roads(bad, tmp_path)
    _, manifest = current_manifest(tmp_path) or (None, None)
    assert manifest is not None
    assert manifest.version == 1
    assert not list((tmp_path / "roads" / "baltimore").glob(".building-*"))
    matrix = travel(Settings(data_dir=tmp_path)).matrix(
        [Point(39.2904, -76.5800), Point(39.2800, -76.5700)]
    )
    assert matrix.model == "osrm"
    assert 0 < matrix.durations_s[0, 1] < 3600


def test_an_extract_without_roads_is_refused(tmp_path: Path) -> None:
    osmium = pytest.importorskip("osmium")
    empty = tmp_path / "nothing.osm.pbf"
    writer = osmium.SimpleWriter(str(empty))
    writer.add_node(osmium.osm.mutable.Node(id=1, location=(9.5, 47.1), tags={"name": "x"}))
    writer.close()
    with pytest.raises(BuildError, match="no roads"):
        build_roads(empty, tmp_path)
    assert current_manifest(tmp_path) is None


def test_an_interrupted_build_leaves_the_current_data(tmp_path: Path) -> None:
    build_roads(BALTIMORE_PBF, tmp_path)
    home = tmp_path / "roads" / "baltimore"
    # What a killed build leaves: a half-written hidden folder and no new pointer.
    half = home / ".building-999-1"
    shutil.copytree(home / "v1", half)
    (half / "baltimore.osrm.mldgr").write_bytes(b"\0" * 10)
    _, manifest = current_manifest(tmp_path) or (None, None)
    assert manifest is not None
    assert manifest.version == 1
    assert travel(Settings(data_dir=tmp_path)).matrix([Point(39.29, -76.58)]).model == "osrm"
    assert build_roads(BALTIMORE_PBF, tmp_path).version == 2


def test_a_region_name_must_be_a_plain_name(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=re.escape("region '../x'")):
        build_roads(BALTIMORE_PBF, tmp_path, region="../x")
    assert region_of(Path("Maryland Latest.osm.pbf")) == "maryland-latest"
    assert not (tmp_path / "roads").exists() or not any((tmp_path / "roads").iterdir())


def test_a_relative_data_dir_builds_where_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default data_dir is "var", relative to where the app runs (make run).
    monkeypatch.chdir(tmp_path)
    manifest = build_roads(BALTIMORE_PBF, Path("var"))
    assert (tmp_path / "var" / "roads" / "baltimore" / f"v{manifest.version}").is_dir()
    found = current_manifest(Path("var"))
    assert found is not None
    assert found[1] == manifest
