"""The geocode cache table behind the geocoding package's `GeocodeCache` protocol."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.core import clock
from app.geocoding import GeocodeResult, Precision
from app.models import GeocodeCacheEntry

# Keys per IN (...) query: well under SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500
KEY_MAX = 500  # the column's length


def stored_key(key: str) -> str:
    """The key as stored: itself, or a digest when it is longer than the column (Unicode
    normalisation can make a key much longer than the address it came from)."""
    if len(key) <= KEY_MAX:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class DbGeocodeCache:
    """Reads and writes go through the caller's session, so they share its transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get_many(self, keys: Collection[str]) -> dict[str, GeocodeResult | None]:
        found: dict[str, GeocodeResult | None] = {}
        by_stored = {stored_key(key): key for key in keys}
        ordered = list(by_stored)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            rows = self._session.scalars(
                select(GeocodeCacheEntry).where(GeocodeCacheEntry.key.in_(chunk))
            )
            for row in rows:
                found[by_stored[row.key]] = _result(row)
        return found

    def put_many(self, items: Mapping[str, GeocodeResult | None]) -> None:
        if not items:
            return
        now = clock.now()
        values = [
            {
                "key": stored_key(key),
                "latitude": result.latitude if result else None,
                "longitude": result.longitude if result else None,
                "precision": result.precision.value if result else None,
                "source": result.source if result else None,
                "score": result.score if result else None,
                "matched": result.matched[:300] if result else None,
                "created_at": now,
            }
            for key, result in items.items()
        ]
        # An upsert: two imports may geocode the same new address at once, and a retried miss
        # must replace the stored miss.
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        for start in range(0, len(values), CHUNK):
            statement = insert(GeocodeCacheEntry).values(values[start : start + CHUNK])
            replaced = {
                name: statement.excluded[name]
                for name in ("latitude", "longitude", "precision", "source", "score", "matched",
                             "created_at")
            }  # fmt: skip
            self._session.execute(
                statement.on_conflict_do_update(index_elements=["key"], set_=replaced)
            )


def _result(row: GeocodeCacheEntry) -> GeocodeResult | None:
    if row.latitude is None or row.longitude is None or row.precision is None:
        return None
    return GeocodeResult(
        latitude=row.latitude,
        longitude=row.longitude,
        precision=Precision(row.precision),
        source=row.source or "cache",
        score=row.score if row.score is not None else 0.0,
        matched=row.matched or "",
    )
