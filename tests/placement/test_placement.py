"""Settings decide the geocoder chain; the database cache answers repeat addresses; SQLite
runs in WAL mode."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import make_engine
from app.geocoding import AddressQuery, GeocodeResult, Precision
from app.geocoding.online import OnlineGeocoder
from app.models import GeocodeCacheEntry
from app.placement.cache import DbGeocodeCache
from app.placement.service import geocoder, geocoder_chain
from tests.backends import ON_BOTH_BACKENDS

CHICAGO = AddressQuery(street="1 Main St", city="Chicago", postcode="60601", country="US")


def test_offline_by_default_online_last_when_configured(tmp_path: Path) -> None:
    offline = geocoder_chain(Settings(data_dir=tmp_path))
    assert not any(isinstance(g, OnlineGeocoder) for g in offline.geocoders)
    online = geocoder_chain(
        Settings(
            data_dir=tmp_path,
            geocoder_online="nominatim",
            geocoder_user_agent="acme-fieldroute/1.0 (ops@acme.example)",
        )
    )
    assert isinstance(online.geocoders[-1], OnlineGeocoder)


@ON_BOTH_BACKENDS
def test_cache_rows_answer_repeats_and_misses_are_kept(
    session: Session, settings: Settings
) -> None:
    nowhere = AddressQuery(city="Qwxzv", postcode="00000", country="US")
    first = geocoder(session, settings).geocode_many([CHICAGO, nowhere])
    assert first[0] is not None
    assert first[0].precision is Precision.POSTCODE
    assert first[1] is None
    session.commit()
    rows = session.scalar(select(func.count()).select_from(GeocodeCacheEntry))
    assert rows == 2
    cached = DbGeocodeCache(session).get_many([CHICAGO.key(), nowhere.key()])
    assert cached == {CHICAGO.key(): first[0], nowhere.key(): None}


@ON_BOTH_BACKENDS
def test_a_later_answer_replaces_a_cached_miss(session: Session) -> None:
    cache = DbGeocodeCache(session)
    cache.put_many({"k": None})
    found = GeocodeResult(41.0, -87.0, Precision.CITY, "world-places", 0.9, "Chicago")
    cache.put_many({"k": found})
    session.commit()
    assert cache.get_many(["k"]) == {"k": found}


@ON_BOTH_BACKENDS
def test_sqlite_uses_wal(settings: Settings) -> None:
    engine = make_engine(settings.sqlalchemy_url)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
