"""Offline geocoding throughput: 10,000 US-style CRM addresses through the cached chain.

Queries are drawn (seeded) from the real ZIPs of the `zipcodes` data: full addresses with
ZIP, ZIP+4, misspelt cities, ZIPs that lost their leading zero in a spreadsheet, a
contradicting state, city + state only, and a few exact duplicates. They go through
`CachingGeocoder(offline_chain(), MemoryGeocodeCache())`.

Printed: the one-time build cost of the ZIP and world-places tables, cold time (every key
geocoded) as one batch and one query at a time, warm time per query from the in-process LRU
and from the cache alone (in memory, and the app's database table on SQLite), and what
precision each kind of query got. Nothing is asserted.
Run: `python -m bench.geocode [--queries 10000] [--seed 7]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # `python bench/geocode.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.db import make_engine, make_session_factory
from app.core.migrate import upgrade
from app.geocoding import (
    AddressQuery,
    CachingGeocoder,
    GeocodeResult,
    MemoryGeocodeCache,
    offline_chain,
)
from app.geocoding.us_zip import ZipEntry, zip_table
from app.geocoding.world_places import place_table
from app.placement.cache import DbGeocodeCache

STREETS = ["Main", "Oak", "Maple", "Washington", "Park", "Elm", "Lake", "Hill", "Cedar", "Pine"]
SUFFIXES = ["St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Dr", "Lane", "Ct"]
STATES = ["CA", "TX", "NY", "FL", "IL", "PA", "OH", "GA", "NC", "MI"]
KINDS = {
    "address+zip": 0.50,
    "zip+4": 0.10,
    "city typo": 0.10,
    "lost zero": 0.05,
    "wrong state": 0.05,
    "city only": 0.17,
    "duplicate": 0.03,
}


def timed[T](fn: Callable[[], T]) -> tuple[T, float]:
    """fn's result and its wall time in seconds."""
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def misspell(word: str, rng: random.Random) -> str:
    """One dropped, doubled or swapped letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    match rng.randrange(3):
        case 0:
            return word[:i] + word[i + 1 :]
        case 1:
            return word[:i] + word[i] + word[i:]
        case _:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_queries(n: int, seed: int) -> list[tuple[str, AddressQuery]]:
    """n (kind, query) pairs drawn from real ZIPs."""
    rng = random.Random(seed)
    entries: list[ZipEntry] = sorted(zip_table().values())
    leading_zero = [e for e in entries if e.zip_code.startswith("0")]
    kinds, weights = zip(*KINDS.items(), strict=True)
    out: list[tuple[str, AddressQuery]] = []
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        if kind == "duplicate" and out:
            out.append((kind, rng.choice(out)[1]))
            continue
        entry = rng.choice(leading_zero if kind == "lost zero" else entries)
        street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}"
        zip_code, city, state = entry.zip_code, entry.city, entry.state
        if kind == "zip+4":
            zip_code = f"{zip_code}-{rng.randint(0, 9999):04d}"
        elif kind == "city typo":
            city = misspell(city, rng)
        elif kind == "lost zero":
            zip_code = zip_code[1:]
        elif kind == "wrong state":
            state = rng.choice([s for s in STATES if s != entry.state])
        elif kind == "city only":
            out.append((kind, AddressQuery(city=city, region=state, country="US")))
            continue
        out.append((kind, AddressQuery(street, city, zip_code, state, "US")))
    return out


def database_cache(queries: list[AddressQuery]) -> tuple[float, float]:
    """The app's cache: the geocode_cache table through `DbGeocodeCache` (fresh SQLite file)."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'cache.db'}")
        upgrade(engine)
        with make_session_factory(engine)() as session:
            chain = offline_chain()
            writer = CachingGeocoder(chain, DbGeocodeCache(session))
            _, cold_s = timed(lambda: writer.geocode_many(queries))
            session.commit()
            reader = CachingGeocoder(chain, DbGeocodeCache(session), lru_size=0)
            _, warm_s = timed(lambda: [reader.geocode_one(q) for q in queries])
        engine.dispose()
    return cold_s, warm_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    _, zip_s = timed(zip_table)
    _, places_s = timed(place_table)
    print(f"one-time build: ZIP table {zip_s:.2f} s, world places {places_s:.2f} s")

    pairs = make_queries(args.queries, args.seed)
    queries = [q for _, q in pairs]
    distinct = len({q.key() for q in queries})
    print(f"{len(queries):,} queries, {distinct:,} distinct keys")

    batch = CachingGeocoder(offline_chain(), MemoryGeocodeCache())
    results, cold_batch_s = timed(lambda: batch.geocode_many(queries))
    _, warm_lru_s = timed(lambda: batch.geocode_many(queries))

    cache = MemoryGeocodeCache()
    single = CachingGeocoder(offline_chain(), cache, lru_size=0)
    _, cold_single_s = timed(lambda: [single.geocode_one(q) for q in queries])
    _, warm_cache_s = timed(lambda: [single.geocode_one(q) for q in queries])

    n = len(queries)
    ms = 1e3 / n
    print(f"cold, one batch      : {cold_batch_s:6.2f} s total, {cold_batch_s * ms:.3f} ms/query")
    print(f"cold, one at a time  : {cold_single_s:6.2f} s total, {cold_single_s * ms:.3f} ms/query")
    print(f"warm, in-process LRU : {warm_lru_s * ms:.4f} ms/query (batch)")
    print(f"warm, cache only     : {warm_cache_s * ms:.4f} ms/query (one at a time)")
    print(f"chain runs: {batch.stats.geocoded:,}; second pass LRU hits: {batch.stats.lru_hits:,}")
    db_cold_s, db_warm_s = database_cache(queries)
    print(f"database cache (SQLite, the app's): cold {db_cold_s * ms:.3f} ms/query (batch), "
          f"warm {db_warm_s * ms:.4f} ms/query (one at a time, no LRU)")  # fmt: skip

    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for (kind, _), result in zip(pairs, results, strict=True):
        by_kind[kind][_label(result)] += 1
    print("\nprecision (source) by query kind:")
    for kind in KINDS:
        counts = by_kind.get(kind, Counter())
        total = sum(counts.values())
        shares = ", ".join(f"{label} {c / total:.0%}" for label, c in counts.most_common())
        print(f"  {kind:12s} n={total:5d}: {shares}")


def _label(result: GeocodeResult | None) -> str:
    if result is None:
        return "miss"
    low = " low-score" if result.score < 0.75 else ""
    return f"{result.precision} ({result.source}{low})"


if __name__ == "__main__":
    main()
