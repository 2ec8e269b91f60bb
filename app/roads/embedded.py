"""OSRM in this process, through the OSRM project's Python bindings, on data `build` made.

The engine object is opened lazily, once per process and data folder: a `EmbeddedOsrm` pickles
to its folder and manifest, so the plan pool's worker processes open their own.
"""

from __future__ import annotations

import atexit
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import osrm

from app.roads.build import Manifest
from app.roads.engine import EngineRefused, RoadRoute, Table
from routing import Point

# An open engine maps its build's files (about 23 file descriptors and mappings, and the data's
# pages). A rebuild makes a new version folder and prunes old ones, so an engine left open on a
# replaced build holds deleted files' disk space and memory for the life of the process: opening
# a region's new version closes its older ones, and at most this many builds stay open.
KEEP_OPEN = 4
_OPEN: OrderedDict[Path, Any] = OrderedDict()
_OPEN_LOCK = threading.Lock()
# Close the engines before the interpreter tears the bindings' types down; otherwise nanobind
# reports every still-open engine as a leak on the way out.
atexit.register(_OPEN.clear)


def _engine(base: Path) -> Any:
    # A call in flight keeps its engine alive by its own reference (the bindings hold the GIL
    # for the whole call), so dropping one from `_OPEN` never pulls it from under a query.
    with _OPEN_LOCK:
        engine = _OPEN.get(base)
        if engine is not None:
            _OPEN.move_to_end(base)
            return engine
        try:
            engine = osrm.OSRM(storage_config=str(base), algorithm="MLD", use_shared_memory=False)
        except RuntimeError as exc:
            raise EngineRefused(f"the road data at {base.parent} cannot be opened: {exc}") from exc
        region = _region_home(base)
        for replaced in [b for b in _OPEN if _region_home(b) == region]:
            del _OPEN[replaced]
        _OPEN[base] = engine
        while len(_OPEN) > KEEP_OPEN:
            _OPEN.popitem(last=False)
        return engine


def _region_home(base: Path) -> Path:
    """`<data_dir>/roads/<region>` of `<...>/<region>/v<n>/<region>.osrm`."""
    return base.parent.parent


class EmbeddedOsrm:
    """The embedded OSRM engine on one build of one region."""

    def __init__(self, folder: Path, manifest: Manifest) -> None:
        self.folder = folder
        self.manifest = manifest

    def __reduce__(self) -> tuple[type[EmbeddedOsrm], tuple[Path, Manifest]]:
        return (EmbeddedOsrm, (self.folder, self.manifest))

    @property
    def name(self) -> str:
        return "osrm"

    @property
    def data_version(self) -> str:
        return self.manifest.data_key

    @property
    def detail(self) -> str:
        m = self.manifest
        return (
            f"road times from OSRM (embedded) on OpenStreetMap data of {m.region} "
            f"({m.source}, data version {m.version}, built {m.built_at[:10]})"
        )

    @property
    def base(self) -> Path:
        return self.folder / self.manifest.base

    def table(self, points: Sequence[Point]) -> Table:
        if not points:
            return Table([], [], [])
        if len(points) == 1:  # OSRM's table needs two places; one is where it snaps
            return Table([[0.0]], [[0.0]], [self._snapped(points[0])])
        parameters = osrm.TableParameters(
            coordinates=[(p.lon, p.lat) for p in points],
            annotations=["duration", "distance"],
            generate_hints=False,
        )
        try:
            answer = _engine(self.base).Table(parameters)
        except RuntimeError as exc:
            raise EngineRefused(f"OSRM refused the table: {exc}") from exc
        return Table(
            durations_s=[list(row) for row in answer["durations"]],
            distances_m=[list(row) for row in answer["distances"]],
            snapped_m=[float(s["distance"]) for s in answer["sources"]],
        )

    def _snapped(self, point: Point) -> float | None:
        parameters = osrm.NearestParameters(coordinates=[(point.lon, point.lat)])
        try:
            answer = _engine(self.base).Nearest(parameters)
        except RuntimeError:
            return None  # no road at all near it
        return float(answer["waypoints"][0]["distance"])

    def route(self, points: Sequence[Point]) -> RoadRoute:
        parameters = osrm.RouteParameters(
            coordinates=[(p.lon, p.lat) for p in points],
            overview="simplified",
            geometries="geojson",
            generate_hints=False,
        )
        try:
            answer = _engine(self.base).Route(parameters)
        except RuntimeError as exc:
            raise EngineRefused(f"OSRM found no route: {exc}") from exc
        best = answer["routes"][0]
        return RoadRoute(
            distance_m=float(best["distance"]),
            duration_s=float(best["duration"]),
            legs=[(float(leg["distance"]), float(leg["duration"])) for leg in best["legs"]],
            geometry=[(float(lat), float(lon)) for lon, lat in best["geometry"]["coordinates"]],
        )
