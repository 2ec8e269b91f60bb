"""OSRM data from an OpenStreetMap extract: extract, partition, customise (MLD), then swap in.

Layout under `<data_dir>/roads/<region>/`: one folder per build (`v1`, `v2`, ...) holding the
OSRM files and `manifest.json`, and `current.json` naming the version in use. A build writes a
hidden folder and only renames it into place when every step succeeded; `current.json` is then
replaced in one `os.replace`. An interrupted or failed build leaves the old data serving. The
two newest versions are kept (a process may still have the previous one open).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import osmium
import osrm

from app.core.clock import now

_OSRM_DIR = Path(osrm.__file__).parent
CAR_PROFILE = _OSRM_DIR / "share" / "profiles" / "car.lua"
_STEPS = ("extract", "partition", "customize")
_REGION = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_KEEP_VERSIONS = 2


class BuildError(Exception):
    """The extract cannot be turned into road data; the message says what and where."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What one build is: the region, its version, where it came from and what it holds.

    `bbox` is (south, west, north, east) of the roads a car may use; `data_key` changes with
    every build (cache key).
    """

    region: str
    version: int
    source: str
    source_sha256: str
    built_at: str
    nodes: int
    edges: int
    bbox: tuple[float, float, float, float]
    build_s: float
    size_bytes: int

    @property
    def data_key(self) -> str:
        return f"osrm:{self.region}:v{self.version}:{self.source_sha256[:12]}"

    @property
    def base(self) -> str:
        """The OSRM files' common stem: what `osrm.OSRM` opens."""
        return f"{self.region}.osrm"


Progress = Callable[[str], None]


def region_of(pbf: Path) -> str:
    """The region name a file gives: `baltimore.osm.pbf` -> `baltimore`."""
    name = pbf.name.lower()
    for suffix in (".osm.pbf", ".pbf"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return re.sub(r"[^a-z0-9_-]+", "-", name).strip("-") or "region"


def roads_dir(data_dir: Path) -> Path:
    return data_dir / "roads"


def build_roads(
    pbf: Path, data_dir: Path, *, region: str | None = None, progress: Progress | None = None
) -> Manifest:
    """Build OSRM (MLD, car) data from `pbf` and make it the region's current data.

    Raises `BuildError` naming the file and the step for a missing, empty or corrupt extract,
    one with no roads, or a failing OSRM step; the region's current data is then untouched.
    """
    say = progress or (lambda _line: None)
    region = region or region_of(pbf)
    if not _REGION.match(region):
        raise BuildError(
            f"region {region!r}: use lower-case letters, digits, '-' and '_' (at most 63)"
        )
    _check_extract(pbf)
    started = time.monotonic()
    # Absolute: OSRM's steps run inside the build folder, where a relative path means nothing.
    home = roads_dir(data_dir).resolve() / region
    home.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(home)
    work = home / f".building-{os.getpid()}-{time.monotonic_ns()}"
    work.mkdir()
    try:
        source = work / f"{region}.osm.pbf"
        shutil.copyfile(pbf, source)
        say(f"reading {pbf.name} ({pbf.stat().st_size / 1e6:.1f} MB)")
        bbox = _road_bbox(source)
        counts = _run_steps(work, region, say)
        source.unlink()
        version = _next_version(home)
        manifest = Manifest(
            region=region,
            version=version,
            source=pbf.name,
            source_sha256=_sha256(pbf),
            built_at=now().isoformat(timespec="seconds"),
            nodes=counts[0],
            edges=counts[1],
            bbox=bbox,
            build_s=round(time.monotonic() - started, 2),
            size_bytes=sum(f.stat().st_size for f in work.iterdir()),
        )
        (work / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
        final = home / f"v{version}"
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _make_current(home, version)
    _prune(home, version)
    return manifest


def current_manifest(data_dir: Path, region: str | None = None) -> tuple[Path, Manifest] | None:
    """The folder and manifest of a region's current data (default: the region whose data was
    built last), or None when no road data is built."""
    root = roads_dir(data_dir)
    if region is None:
        found = list(root.glob("*/current.json")) if root.is_dir() else []
        if not found:
            return None
        region = max(found, key=lambda p: p.stat().st_mtime).parent.name
    pointer = root / region / "current.json"
    try:
        stamp = pointer.stat()
    except OSError:
        return None
    return _read_current(pointer, (stamp.st_ino, stamp.st_mtime_ns, stamp.st_size))


@lru_cache(maxsize=16)
def _read_current(pointer: Path, _stamp: tuple[int, int, int]) -> tuple[Path, Manifest] | None:
    # Every matrix asks which build is current: one stat, and the two small JSON files read
    # again only when `current.json` was replaced: os.replace gives it a new inode and time,
    # and the stamp is part of the cache key.
    try:
        version = int(json.loads(pointer.read_text())["version"])
        folder = pointer.parent / f"v{version}"
        raw = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    raw["bbox"] = tuple(raw["bbox"])
    return folder, Manifest(**raw)


def _check_extract(pbf: Path) -> None:
    if not pbf.is_file():
        raise BuildError(f"{pbf}: no such file")
    if pbf.stat().st_size == 0:
        raise BuildError(f"{pbf}: the file is empty")
    try:
        reader = osmium.io.Reader(str(pbf), osmium.osm.osm_entity_bits.NOTHING)
        reader.header()
        reader.close()
    except RuntimeError as exc:
        raise BuildError(f"{pbf}: not an OpenStreetMap extract (.osm.pbf): {exc}") from exc


class _Highways(osmium.SimpleHandler):
    """The bounding box of every node of a way tagged `highway`."""

    def __init__(self) -> None:
        super().__init__()
        self.south = self.west = float("inf")
        self.north = self.east = float("-inf")

    def way(self, way: osmium.osm.Way) -> None:
        if "highway" not in way.tags:
            return
        for node in way.nodes:
            location = node.location
            if not location.valid():
                continue
            self.south = min(self.south, location.lat)
            self.north = max(self.north, location.lat)
            self.west = min(self.west, location.lon)
            self.east = max(self.east, location.lon)


def _road_bbox(pbf: Path) -> tuple[float, float, float, float]:
    handler = _Highways()
    try:
        handler.apply_file(str(pbf), locations=True)
    except RuntimeError as exc:
        raise BuildError(f"{pbf.name}: the extract cannot be read: {exc}") from exc
    if handler.south == float("inf"):
        raise BuildError(f"{pbf.name}: the extract has no roads (no way tagged highway)")
    return (handler.south, handler.west, handler.north, handler.east)


_NODES = re.compile(r"Processed (\d+) nodes")
_EDGES = re.compile(r"Processed (\d+) edges")


def _run_steps(work: Path, region: str, say: Progress) -> tuple[int, int]:
    base = work / f"{region}.osrm"
    commands = {
        "extract": ["-p", str(CAR_PROFILE), str(work / f"{region}.osm.pbf")],
        "partition": [str(base)],
        "customize": [str(base)],
    }
    nodes = edges = 0
    for number, step in enumerate(_STEPS, start=1):
        began = time.monotonic()
        binary = _OSRM_DIR / "bin" / f"osrm-{step}"
        result = subprocess.run(  # noqa: S603 (our own binary and paths, no shell)
            [str(binary), *commands[step]],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
        log = result.stdout + result.stderr
        if result.returncode != 0:
            raise BuildError(f"osrm-{step} failed on {region}: {_last_error(log)}")
        if step == "extract":
            nodes = _last_number(_NODES, log)
            edges = _last_number(_EDGES, log)
            if edges == 0:
                raise BuildError(f"{region}: the extract has no road a car may use")
        say(f"[{number}/{len(_STEPS)}] {step}: {time.monotonic() - began:.1f} s")
    return nodes, edges


def _last_error(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [
        line for line in lines if "[error]" in line or "what()" in line or "error" in line.lower()
    ]
    picked = (errors or lines or ["no output"])[-1]
    return picked.split("] ", 1)[-1] if picked.startswith("[") else picked


def _last_number(pattern: re.Pattern[str], log: str) -> int:
    found = pattern.findall(log)
    return int(found[-1]) if found else 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _versions(home: Path) -> list[int]:
    return sorted(
        int(p.name[1:]) for p in home.iterdir() if p.is_dir() and re.fullmatch(r"v\d+", p.name)
    )


def _next_version(home: Path) -> int:
    versions = _versions(home)
    return (versions[-1] if versions else 0) + 1


def _make_current(home: Path, version: int) -> None:
    pointer = home / "current.json"
    temporary = home / f".current-{os.getpid()}.json"
    temporary.write_text(json.dumps({"version": version}))
    os.replace(temporary, pointer)


def _prune(home: Path, current: int) -> None:
    for version in _versions(home):
        if version <= current - _KEEP_VERSIONS:
            shutil.rmtree(home / f"v{version}", ignore_errors=True)


def _remove_stale_builds(home: Path) -> None:
    """Folders of builds that died half-way (a day old: a build takes minutes at most)."""
    for folder in home.glob(".building-*"):
        if now().timestamp() - folder.stat().st_mtime > 86_400:
            shutil.rmtree(folder, ignore_errors=True)
