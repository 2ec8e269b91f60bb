"""Which travel model the app plans with, from the settings; one per process.

- `embedded` (the default): OSRM on the region built last under `<data_dir>/roads` (or
  `roads_region`); a rebuild is picked up at the next matrix, no restart. With no road data
  built, the straight-line estimate, labelled as such.
- `osrm`, `valhalla`, `graphhopper`: that engine at `roads_url`. Down or refusing is an error
  (502/503), never a quiet fall back to straight lines.
- `estimate`: straight lines always.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.core.config import RoadEngineKind, Settings
from app.roads.build import Manifest, current_manifest
from app.roads.cache import CachedTravel
from app.roads.embedded import EmbeddedOsrm
from app.roads.engine import RoadEngine, RoadRoute
from app.roads.fit import fit_estimate
from app.roads.remote import remote_engine
from app.roads.schemas import RoadDataOut, TravelModelOut
from app.roads.travel import RoadTravel
from routing import Estimate, Point, Travel, TravelError, TravelMatrix


@dataclass(frozen=True, slots=True)
class EmbeddedRoads:
    """The embedded engine on whatever build of the region is current when asked.

    Pickles to paths and numbers: a worker process opens the data itself.
    """

    data_dir: Path
    region: str | None
    snap_m: float
    fallback: Estimate

    def current(self) -> RoadTravel | None:
        found = current_manifest(self.data_dir, self.region)
        if found is None:
            return None
        return _road_travel(found[0], found[1], self.snap_m)

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        travel = self.current()
        if travel is None:
            return self.fallback.matrix(points)
        return travel.matrix(points)

    def route(self, points: Sequence[Point]) -> RoadRoute | None:
        travel = self.current()
        return None if travel is None else travel.route(points)


logger = logging.getLogger(__name__)

_FITTED: dict[str, Estimate | None] = {}
_FITTED_LOCK = threading.Lock()


def _road_travel(folder: Path, manifest: Manifest, snap_m: float) -> RoadTravel:
    engine = EmbeddedOsrm(folder, manifest)
    with _FITTED_LOCK:
        if manifest.data_key not in _FITTED:
            _FITTED[manifest.data_key] = fit_estimate(engine, manifest.bbox, manifest.region)
        fitted = _FITTED[manifest.data_key]
    return RoadTravel(
        engine=engine,
        snap_m=snap_m,
        area=manifest.bbox,
        region=manifest.region,
        outside=fitted,
    )


def travel(settings: Settings) -> Travel:
    """The process-wide travel model for these settings; road answers go through the cache
    (`app.roads.cache`: this process's memory, then the app's database)."""
    found = _travel(
        settings.roads_engine,
        settings.data_dir,
        settings.roads_region,
        settings.roads_snap_m,
        settings.default_circuity,
        settings.default_speed_kmh,
        settings.roads_url,
        settings.roads_profile,
        settings.roads_api_key.get_secret_value() if settings.roads_api_key else None,
        settings.roads_timeout_s,
        settings.roads_retries,
        settings.roads_max_concurrent,
        settings.roads_table_size,
    )
    if isinstance(found, EmbeddedRoads | RoadTravel):
        return _cached(found, settings.sqlalchemy_url)
    return found


@lru_cache(maxsize=8)
def _cached(inner: EmbeddedRoads | RoadTravel, database_url: str) -> CachedTravel:
    return CachedTravel(inner, database_url)


@lru_cache(maxsize=8)
def _travel(
    kind: RoadEngineKind,
    data_dir: Path,
    region: str | None,
    snap_m: float,
    circuity: float,
    speed_kmh: float,
    url: str | None,
    profile: str,
    api_key: str | None,
    timeout_s: float,
    retries: int,
    max_concurrent: int,
    table_size: int,
) -> Travel:
    estimate = Estimate(circuity=circuity, speed_kmh=speed_kmh)
    if kind is RoadEngineKind.ESTIMATE:
        return estimate
    if kind is RoadEngineKind.EMBEDDED:
        return EmbeddedRoads(data_dir, region, snap_m, estimate)
    assert url is not None  # Settings refuses a remote engine without a URL
    engine = _remote(kind, url, profile, api_key, timeout_s, retries, max_concurrent, table_size)
    return RoadTravel(engine=engine, snap_m=snap_m)


def _remote(
    kind: RoadEngineKind,
    url: str,
    profile: str,
    api_key: str | None,
    timeout_s: float,
    retries: int,
    max_concurrent: int,
    table_size: int,
) -> RoadEngine:
    return remote_engine(
        kind.value,
        url,
        profile=profile,
        api_key=api_key,
        timeout_s=timeout_s,
        retries=retries,
        max_concurrent=max_concurrent,
        table_size=table_size,
    )


def model_of(travel: Travel) -> tuple[str, str]:
    """(model, detail) that a plan made now with `travel` will carry, without planning."""
    probe = travel.matrix([])
    return probe.model, probe.model_detail


def road_route(travel: Travel, points: Sequence[Point]) -> RoadRoute | None:
    """The drive through `points` on the roads, or None when `travel` has no roads."""
    if isinstance(travel, CachedTravel | EmbeddedRoads | RoadTravel):
        return travel.route(points)
    return None


def uncached(travel: Travel) -> Travel:
    """The travel model behind the cache."""
    return travel.inner if isinstance(travel, CachedTravel) else travel


def describe(settings: Settings) -> TravelModelOut:
    """The travel model in use now, for `GET /api/v1/roads` and `roads status`."""
    chosen = uncached(travel(settings))
    model, detail = model_of(chosen)
    road_data = fitted = None
    if isinstance(chosen, EmbeddedRoads):
        found = current_manifest(chosen.data_dir, chosen.region)
        if found is not None:
            manifest = found[1]
            road_data = RoadDataOut(
                region=manifest.region,
                version=manifest.version,
                source=manifest.source,
                built_at=manifest.built_at,
                nodes=manifest.nodes,
                edges=manifest.edges,
                bbox=manifest.bbox,
                size_bytes=manifest.size_bytes,
            )
            current = chosen.current()
            if current is not None and current.outside is not None:
                fitted = current.outside.detail
    return TravelModelOut(
        travel_model=model,
        travel_detail=detail,
        engine=settings.roads_engine.value,
        road_data=road_data,
        fitted_estimate=fitted,
    )


def open_at_start(settings: Settings) -> None:
    """Open the embedded road data (and fit its estimate) now rather than in the first plan.

    Data that cannot be opened does not stop the app: it is logged, and every plan that needs
    it is then a 502 naming the problem.
    """
    chosen = uncached(travel(settings))
    if not isinstance(chosen, EmbeddedRoads):
        return
    try:
        chosen.current()
    except TravelError as exc:
        logger.error("road data: %s", exc)


def drive_factors(settings: Settings) -> tuple[float, float, str]:
    """(circuity, speed km/h, label) for the rough drive figures that a road matrix per account
    would be too slow for (territory drive estimates, the driving part of workloads): the
    estimate fitted to the current embedded road data, or the settings' defaults.

    Road data that cannot be read gives the defaults, the label saying why: these figures
    compare territories, and a plan made on that data fails loudly on its own.
    """
    defaults = settings.default_circuity, settings.default_speed_kmh
    source = uncached(travel(settings))
    if not isinstance(source, EmbeddedRoads):
        return *defaults, "the default estimate (no embedded road data)"
    try:
        roads = source.current()
    except TravelError as exc:
        return *defaults, f"the default estimate (the road data cannot be read: {exc})"
    if roads is None:
        return *defaults, "the default estimate (no road data built)"
    if roads.outside is None:
        return *defaults, f"the default estimate (too few connected places to fit {roads.region})"
    fitted = roads.outside
    return fitted.circuity, fitted.speed_kmh, f"fitted to the roads of {fitted.fitted_to}"
