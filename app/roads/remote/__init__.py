"""Road engines reached by URL: OSRM's HTTP server, Valhalla and GraphHopper."""

from __future__ import annotations

from app.roads.engine import RoadEngine


def remote_engine(
    kind: str,
    url: str,
    *,
    profile: str,
    api_key: str | None,
    timeout_s: float,
    retries: int,
    max_concurrent: int,
    table_size: int,
) -> RoadEngine:
    """The engine of `kind` ("osrm", "valhalla", "graphhopper") at `url`."""
    raise NotImplementedError(kind)  # being written: app/roads/remote/
