"""Nothing is geocoded twice: answers (and misses) cached by normalised address key.

`GeocodeCache` is the storage port (the app's adapter is a database table); `CachingGeocoder`
batches: one cache read and one cache write per `geocode_many`, with a small in-process LRU in
front. Answers reached while a service was failing are not cached, so an outage never turns
into permanent misses.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.geocoding.chain import Attempt, GeocoderChain
from app.geocoding.coordinates import InputCoordinates
from app.geocoding.types import AddressQuery, GeocodeResult


class GeocodeCache(Protocol):
    """Storage of geocoding answers by `AddressQuery.key()`. A key mapped to None is a known
    miss; a key absent from `get_many`'s answer was never looked up."""

    def get_many(self, keys: Collection[str]) -> dict[str, GeocodeResult | None]:
        """Stored answers for those of `keys` that are stored."""
        ...

    def put_many(self, items: Mapping[str, GeocodeResult | None]) -> None:
        """Store (or replace) answers."""
        ...


class MemoryGeocodeCache:
    """A dict-backed GeocodeCache, for tests, benchmarks and single-process tools."""

    def __init__(self) -> None:
        self._data: dict[str, GeocodeResult | None] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: Collection[str]) -> dict[str, GeocodeResult | None]:
        with self._lock:
            return {key: self._data[key] for key in keys if key in self._data}

    def put_many(self, items: Mapping[str, GeocodeResult | None]) -> None:
        with self._lock:
            self._data.update(items)

    def __len__(self) -> int:
        return len(self._data)


@dataclass(slots=True)
class CacheStats:
    """Counters since construction (per query, or per distinct key where it says so)."""

    queries: int = 0
    from_input: int = 0
    lru_hits: int = 0  # distinct keys
    cache_hits: int = 0  # distinct keys
    geocoded: int = 0  # distinct keys sent through the chain
    uncached: int = 0  # distinct keys not stored because a service failed


class CachingGeocoder:
    """A GeocoderChain behind a GeocodeCache and an in-process LRU."""

    def __init__(
        self,
        chain: GeocoderChain,
        cache: GeocodeCache,
        *,
        retry_misses: bool = False,
        lru_size: int = 10_000,
        input_coordinates: InputCoordinates | None = None,
    ) -> None:
        """`retry_misses`: geocode cached misses again (after adding an OSM extract or an
        online service); `lru_size`: answers kept in process memory (0 disables)."""
        self.chain = chain
        self.cache = cache
        self.retry_misses = retry_misses
        self.lru_size = lru_size
        self.input_coordinates = input_coordinates or InputCoordinates()
        self.stats = CacheStats()
        self._lru: OrderedDict[str, GeocodeResult | None] = OrderedDict()
        self._lock = threading.Lock()

    def geocode_one(self, query: AddressQuery) -> GeocodeResult | None:
        """One query; see `geocode_many`."""
        return self.geocode_many([query])[0]

    def geocode_many(self, queries: Sequence[AddressQuery]) -> list[GeocodeResult | None]:
        """Answers in query order. Queries with usable coordinates are answered from them
        without touching the cache; the rest are deduplicated by key, read from the LRU, then
        the cache (one call), and the remainder geocoded and written back (one call)."""
        results: list[GeocodeResult | None] = [None] * len(queries)
        positions: dict[str, list[int]] = {}
        for i, query in enumerate(queries):
            self.stats.queries += 1
            given = self.input_coordinates.lookup(query)
            if given is not None:
                results[i] = given
                self.stats.from_input += 1
                continue
            key = query.key()
            if key:
                positions.setdefault(key, []).append(i)
        if not positions:
            return results

        known = self._from_lru(positions)
        missing = [key for key in positions if key not in known]
        if missing:
            stored = self.cache.get_many(missing)
            usable = {k: v for k, v in stored.items() if v is not None or not self.retry_misses}
            self.stats.cache_hits += len(usable)
            known.update(usable)
            self._to_lru(usable)

        fresh: dict[str, GeocodeResult | None] = {}
        for key, indices in positions.items():
            if key in known:
                continue
            result, attempts = self.chain.explain(queries[indices[0]])
            self.stats.geocoded += 1
            known[key] = result
            if any(attempt.outcome == "failed" for attempt in attempts):
                self.stats.uncached += 1
            else:
                fresh[key] = result
        if fresh:
            self.cache.put_many(fresh)
            self._to_lru(fresh)

        for key, indices in positions.items():
            for i in indices:
                results[i] = known[key]
        return results

    def explain(self, query: AddressQuery) -> tuple[GeocodeResult | None, list[Attempt]]:
        """Run the chain afresh (no cache) and say what each geocoder did."""
        return self.chain.explain(query)

    def _from_lru(self, keys: Collection[str]) -> dict[str, GeocodeResult | None]:
        found: dict[str, GeocodeResult | None] = {}
        with self._lock:
            for key in keys:
                if key in self._lru:
                    value = self._lru[key]
                    if value is None and self.retry_misses:
                        continue
                    self._lru.move_to_end(key)
                    found[key] = value
        self.stats.lru_hits += len(found)
        return found

    def _to_lru(self, items: Mapping[str, GeocodeResult | None]) -> None:
        if self.lru_size <= 0:
            return
        with self._lock:
            self._lru.update(items)
            for key in items:
                self._lru.move_to_end(key)
            while len(self._lru) > self.lru_size:
                self._lru.popitem(last=False)
