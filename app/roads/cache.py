"""Road answers kept: travel matrices and drives, per set of points and version of the road data.

Two levels: a bounded LRU in each process (a re-plan a minute later, the same team's /optimize
calls), and the `road_cache` table for repeated days across processes and restarts (a rep's
candidates barely change from one day to the next; a batch's worker processes share it).

A matrix is kept for the distinct points, sorted, rounded to 1e-6 degrees (about 0.1 m), so the
same places asked in another order or with a home repeated hit the same entry. A drive is kept
for its points in order. Keys hash the kind, the source (engine and region), the data version
and the points: new road data never reads an old answer. When a process first meets a version
of a source, rows of the source's other versions are deleted, and the table keeps at most
`MAX_ROWS` rows (oldest go first), so it does not grow without end.

The straight-line estimate is never cached (it is faster than a lookup). The database is a
helper, never a condition: a cache that cannot be read or written (SQLite busy with a request's
write, a table not migrated) is logged and skipped, and the engine answers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from sqlalchemy import Engine, create_engine, delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.models import RoadCacheEntry
from app.roads.engine import RoadRoute
from app.roads.travel import RoadTravel
from routing import Point, Travel, TravelMatrix

logger = logging.getLogger(__name__)

DEGREES = 6
"""Points are rounded to 1e-6 degrees (about 0.1 m) for the key and the engine."""
MEMORY_BUDGET_BYTES = 128 * 2**20
"""Per process: a 300-place matrix takes 1.4 MB, a 1,000-place one 16 MB."""
MAX_ROWS = 2_000
"""Rows kept in `road_cache`; the oldest go first."""
SQLITE_WAIT_S = 0.25
"""How long a cache write waits for SQLite's write lock (a request may hold it while it stores
plans): after that the answer is simply not kept."""
MATRIX = "matrix"
ROUTE = "route"


@runtime_checkable
class CurrentRoads(Protocol):
    """A travel model that resolves its road data when asked (`app.roads.service.EmbeddedRoads`:
    the current build of a region; None when none is built)."""

    def current(self) -> RoadTravel | None: ...


@dataclass(frozen=True, slots=True)
class CachedTravel:
    """`inner`'s road answers through the cache (`database_url`: the app's database; None:
    memory only). Pickles to `inner` and the URL: a worker process opens its own engine."""

    inner: Travel
    database_url: str | None = None

    def matrix(self, points: Sequence[Point]) -> TravelMatrix:
        roads = _roads(self.inner) if points else None
        if roads is None:
            return self.inner.matrix(points)
        distinct, where = canonical(points)
        source, version = source_of(roads), roads.engine.data_version
        key = cache_key(MATRIX, source, version, distinct)
        cache = _cache(self.database_url, source, version)
        found = cache.get(key, MATRIX)
        if not isinstance(found, TravelMatrix):
            found = roads.matrix(distinct)
            # Places wholly outside the road data get the fitted estimate: not worth keeping.
            if found.model == roads.engine.name:
                cache.put(key, MATRIX, source, version, len(distinct), found)
        return spread(found, where)

    def route(self, points: Sequence[Point]) -> RoadRoute | None:
        """The drive through `points` in order on the current roads; None without road data."""
        roads = _roads(self.inner)
        if roads is None:
            return None
        rounded = [_rounded(p) for p in points]
        source, version = source_of(roads), roads.engine.data_version
        key = cache_key(ROUTE, source, version, rounded)
        cache = _cache(self.database_url, source, version)
        found = cache.get(key, ROUTE)
        if isinstance(found, RoadRoute):
            return found
        drive = roads.route(rounded)
        cache.put(key, ROUTE, source, version, len(rounded), drive)
        return drive


def _roads(inner: Travel) -> RoadTravel | None:
    """The road model `inner` answers with now; None when it has no roads (the estimate)."""
    if isinstance(inner, RoadTravel):
        return inner
    if isinstance(inner, CurrentRoads):
        return inner.current()
    return None


def source_of(roads: RoadTravel) -> str:
    return f"{roads.engine.name}:{roads.region}"


def _rounded(point: Point) -> Point:
    return Point(round(point.lat, DEGREES), round(point.lon, DEGREES))


def canonical(points: Sequence[Point]) -> tuple[list[Point], list[int]]:
    """The distinct rounded points, sorted, and each input's position among them."""
    keys = [(round(p.lat, DEGREES), round(p.lon, DEGREES)) for p in points]
    distinct = sorted(set(keys))
    index = {key: i for i, key in enumerate(distinct)}
    return [Point(lat, lon) for lat, lon in distinct], [index[key] for key in keys]


def spread(matrix: TravelMatrix, where: Sequence[int]) -> TravelMatrix:
    """`matrix` (over the distinct points) for the caller's points: row i is point where[i]."""
    rows = np.asarray(where, dtype=np.intp)
    grid = np.ix_(rows, rows)
    return TravelMatrix(
        durations_s=matrix.durations_s[grid],
        distances_m=matrix.distances_m[grid],
        model=matrix.model,
        model_detail=matrix.model_detail,
        unreachable={
            i: matrix.unreachable[k] for i, k in enumerate(where) if k in matrix.unreachable
        },
    )


def cache_key(kind: str, source: str, version: str, points: Sequence[Point]) -> str:
    digest = hashlib.sha256(f"{kind}\n{source}\n{version}\n".encode())
    digest.update(np.asarray([(p.lat, p.lon) for p in points], dtype=np.float64).tobytes())
    return digest.hexdigest()


# --- the two levels ------------------------------------------------------------------------


Answer = TravelMatrix | RoadRoute


@dataclass(slots=True)
class _Held:
    source: str
    version: str
    answer: Answer
    size: int


class _Memory:
    """A process's LRU of answers, bounded by their size in bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.entries: OrderedDict[str, _Held] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Answer | None:
        with self.lock:
            held = self.entries.get(key)
            if held is None:
                return None
            self.entries.move_to_end(key)
            return held.answer

    def put(self, key: str, source: str, version: str, answer: Answer) -> None:
        size = _size_of(answer)
        if size > self.budget:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.used -= old.size
            self.entries[key] = _Held(source, version, answer, size)
            self.used += size
            while self.used > self.budget:
                _, dropped = self.entries.popitem(last=False)
                self.used -= dropped.size

    def forget_other_versions(self, source: str, version: str) -> None:
        with self.lock:
            for key in [
                k for k, h in self.entries.items() if h.source == source and h.version != version
            ]:
                self.used -= self.entries.pop(key).size

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = 0


def _size_of(answer: Answer) -> int:
    if isinstance(answer, TravelMatrix):
        return int(answer.durations_s.nbytes + answer.distances_m.nbytes) + 200
    return 16 * (len(answer.geometry) + len(answer.legs)) + 100


_MEMORY = _Memory(MEMORY_BUDGET_BYTES)
_ENGINES: dict[str, Engine] = {}
_SEEN: set[tuple[str | None, str, str]] = set()
_LOCK = threading.Lock()


def forget_memory() -> None:
    """Empty this process's memory level (the database keeps its rows)."""
    _MEMORY.clear()
    with _LOCK:
        _SEEN.clear()


@dataclass(frozen=True, slots=True)
class _Cache:
    """Memory first, then the database (None: memory only)."""

    engine: Engine | None

    def get(self, key: str, kind: str) -> Answer | None:
        found = _MEMORY.get(key)
        if found is not None or self.engine is None:
            return found
        try:
            with Session(self.engine) as session:
                row = session.get(RoadCacheEntry, key)
                if row is None or row.kind != kind:
                    return None
                answer = decode(kind, row.payload)
                source, version = row.source, row.data_version
        except (SQLAlchemyError, ValueError) as exc:
            logger.warning("road cache: cannot read %s %s: %s", kind, key[:12], exc)
            return None
        _MEMORY.put(key, source, version, answer)
        return answer

    def put(
        self, key: str, kind: str, source: str, version: str, points: int, answer: Answer
    ) -> None:
        _MEMORY.put(key, source, version, answer)
        if self.engine is None:
            return
        entry = RoadCacheEntry(
            key=key,
            kind=kind,
            source=source,
            data_version=version,
            points=points,
            payload=encode(answer),
        )
        try:
            with Session(self.engine) as session, session.begin():
                session.add(entry)
        except IntegrityError:
            return  # another process kept the same answer first
        except SQLAlchemyError as exc:
            logger.warning("road cache: %s %s not kept: %s", kind, key[:12], exc)
            return
        self._bound()

    def _bound(self) -> None:
        assert self.engine is not None
        try:
            with Session(self.engine) as session, session.begin():
                rows = session.scalar(select(func.count()).select_from(RoadCacheEntry)) or 0
                if rows <= MAX_ROWS:
                    return
                oldest = (
                    select(RoadCacheEntry.key)
                    .order_by(RoadCacheEntry.created_at, RoadCacheEntry.key)
                    .limit(rows - MAX_ROWS)
                )
                keys = list(session.scalars(oldest))
                session.execute(delete(RoadCacheEntry).where(RoadCacheEntry.key.in_(keys)))
        except SQLAlchemyError as exc:
            logger.warning("road cache: cannot trim the table: %s", exc)


def _cache(database_url: str | None, source: str, version: str) -> _Cache:
    """The cache for `database_url`; the first time this process meets `version` of `source`,
    the source's answers on other versions are dropped (the data changed under them)."""
    engine = _engine(database_url) if database_url else None
    with _LOCK:
        first = (database_url, source, version) not in _SEEN
        _SEEN.add((database_url, source, version))
    if first:
        _MEMORY.forget_other_versions(source, version)
        if engine is not None:
            drop_other_versions(engine, source, version)
    return _Cache(engine)


def drop_other_versions(engine: Engine, source: str, version: str) -> int:
    """Delete the rows of `source` on versions other than `version`; how many went."""
    try:
        with Session(engine) as session, session.begin():
            result = session.execute(
                delete(RoadCacheEntry).where(
                    RoadCacheEntry.source == source, RoadCacheEntry.data_version != version
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)
    except SQLAlchemyError as exc:
        logger.warning("road cache: cannot drop old versions of %s: %s", source, exc)
        return 0


def _engine(url: str) -> Engine:
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _make_engine(url)
            _ENGINES[url] = engine
        return engine


def _make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        # Its own short lock wait: see SQLITE_WAIT_S. The file is already in WAL mode.
        return create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_WAIT_S}
        )
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)


# --- payloads ------------------------------------------------------------------------------

_HEADER = struct.Struct("<I")


def encode(answer: Answer) -> bytes:
    """zlib of: a JSON header's length, the header, then (a matrix) durations and distances as
    little-endian float64, row by row."""
    if isinstance(answer, TravelMatrix):
        header: dict[str, Any] = {
            "size": answer.size,
            "model": answer.model,
            "detail": answer.model_detail,
            "unreachable": {str(k): v for k, v in answer.unreachable.items()},
        }
        arrays = (
            answer.durations_s.astype("<f8").tobytes() + answer.distances_m.astype("<f8").tobytes()
        )
    else:
        header = {
            "distance_m": answer.distance_m,
            "duration_s": answer.duration_s,
            "legs": answer.legs,
            "geometry": answer.geometry,
        }
        arrays = b""
    text = json.dumps(header).encode()
    return zlib.compress(_HEADER.pack(len(text)) + text + arrays, level=1)


def decode(kind: str, payload: bytes) -> Answer:
    """What `encode` wrote; ValueError for anything else."""
    try:
        raw = zlib.decompress(payload)
        (length,) = _HEADER.unpack_from(raw)
        header = json.loads(raw[_HEADER.size : _HEADER.size + length])
        rest = raw[_HEADER.size + length :]
        if kind == ROUTE:
            return RoadRoute(
                distance_m=float(header["distance_m"]),
                duration_s=float(header["duration_s"]),
                legs=[(float(a), float(b)) for a, b in header["legs"]],
                geometry=[(float(a), float(b)) for a, b in header["geometry"]],
            )
        size = int(header["size"])
        values = np.frombuffer(rest, dtype="<f8")
        if values.size != 2 * size * size:
            raise ValueError(f"a {size}-place matrix holds {values.size} numbers")
        grids = values.reshape(2, size, size).astype(np.float64)
        return TravelMatrix(
            durations_s=grids[0],
            distances_m=grids[1],
            model=str(header["model"]),
            model_detail=str(header["detail"]),
            unreachable={int(k): str(v) for k, v in header["unreachable"].items()},
        )
    except (zlib.error, struct.error, KeyError, TypeError) as exc:
        raise ValueError(f"not a cached {kind}: {exc}") from exc


__all__ = [
    "CachedTravel",
    "canonical",
    "drop_other_versions",
    "forget_memory",
    "spread",
]
