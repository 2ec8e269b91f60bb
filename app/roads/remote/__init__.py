"""Road engines reached by URL: OSRM's HTTP server, Valhalla and GraphHopper.

Each speaks the `RoadEngine` contract over its own API (osrm.py, valhalla.py, graphhopper.py)
through one HTTP layer (http.py: timeouts, retries, a cap on calls in flight, errors that name
the engine), asks for large tables in blocks (blocks.py) and checks every answer (answers.py).
"""

from __future__ import annotations

from app.roads.engine import RoadEngine
from app.roads.remote.base import Remote, RemoteEngine
from app.roads.remote.graphhopper import GraphHopper
from app.roads.remote.osrm import OsrmServer
from app.roads.remote.valhalla import Valhalla

ENGINES: dict[str, type[RemoteEngine]] = {
    "osrm": OsrmServer,
    "valhalla": Valhalla,
    "graphhopper": GraphHopper,
}


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
    engine = ENGINES.get(kind)
    if engine is None:
        raise ValueError(f"no remote road engine {kind!r}; expected one of {sorted(ENGINES)}")
    remote = Remote(
        url=url.rstrip("/"),
        profile=profile,
        api_key=api_key,
        timeout_s=timeout_s,
        retries=retries,
        max_concurrent=max_concurrent,
        table_size=table_size,
    )
    return engine(remote)
