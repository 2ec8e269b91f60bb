"""CachingGeocoder: nothing geocoded twice, misses remembered, one cache round trip a batch."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest
from geopy.exc import GeocoderUnavailable

from app.geocoding import (
    AddressQuery,
    CachingGeocoder,
    GeocoderChain,
    GeocodeResult,
    InputCoordinates,
    MemoryGeocodeCache,
    OfflineGeocoder,
    Precision,
    UsZipCentroids,
    WorldPlaces,
)


class Counting(OfflineGeocoder):
    """Wraps a geocoder and counts the queries that reach it."""

    def __init__(self, inner: OfflineGeocoder) -> None:
        super().__init__()
        self.inner = inner
        self.source = inner.source
        self.best_precision = inner.best_precision
        self.calls: list[AddressQuery] = []

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        self.calls.append(query)
        return self.inner.lookup(query)


class SpyCache(MemoryGeocodeCache):
    """A MemoryGeocodeCache that records its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[set[str]] = []
        self.writes: list[dict[str, GeocodeResult | None]] = []

    def get_many(self, keys: Collection[str]) -> dict[str, GeocodeResult | None]:
        self.reads.append(set(keys))
        return super().get_many(keys)

    def put_many(self, items: Mapping[str, GeocodeResult | None]) -> None:
        self.writes.append(dict(items))
        super().put_many(items)


class Unavailable(OfflineGeocoder):
    """Stands in for an online service that is down."""

    source = "online"

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        raise GeocoderUnavailable("503 Service Unavailable")


@pytest.fixture
def zips() -> Counting:
    return Counting(UsZipCentroids())


@pytest.fixture
def places() -> Counting:
    return Counting(WorldPlaces())


def _caching(*geocoders: OfflineGeocoder, **kwargs: object) -> tuple[CachingGeocoder, SpyCache]:
    cache = SpyCache()
    return CachingGeocoder(GeocoderChain(list(geocoders)), cache, **kwargs), cache  # type: ignore[arg-type]


def test_second_call_does_not_reach_the_geocoders(zips: Counting) -> None:
    caching, cache = _caching(zips)
    first = caching.geocode_one(AddressQuery(postcode="02139"))
    second = caching.geocode_one(AddressQuery(postcode="02139"))
    assert first is not None
    assert first == second
    assert len(zips.calls) == 1
    assert len(cache.reads) == 1  # the second answer came from the in-process LRU


def test_the_shared_cache_serves_a_new_process(zips: Counting) -> None:
    caching, cache = _caching(zips)
    caching.geocode_one(AddressQuery(postcode="02139"))
    fresh_process = CachingGeocoder(GeocoderChain([zips]), cache)
    assert fresh_process.geocode_one(AddressQuery(postcode=" 02139")) is not None
    assert len(zips.calls) == 1
    assert fresh_process.stats.cache_hits == 1


def test_misses_are_cached_too(zips: Counting, places: Counting) -> None:
    caching, cache = _caching(zips, places)
    rubbish = AddressQuery(city="Xqzzvbl")
    assert caching.geocode_one(rubbish) is None
    assert caching.geocode_one(rubbish) is None
    assert len(places.calls) == 1
    assert cache.writes == [{rubbish.key(): None}]


def test_retry_misses_geocodes_known_misses_again(zips: Counting) -> None:
    caching, cache = _caching(zips, retry_misses=True)
    cache.put_many({AddressQuery(postcode="99999").key(): None})
    assert caching.geocode_one(AddressQuery(postcode="99999")) is None
    assert caching.geocode_one(AddressQuery(postcode="99999")) is None
    assert len(zips.calls) == 2


def test_a_batch_is_deduplicated_and_costs_one_read_and_one_write(
    zips: Counting, places: Counting
) -> None:
    caching, cache = _caching(zips, places)
    queries = [
        AddressQuery(postcode="02139"),
        AddressQuery(city="Chicago", region="IL"),
        AddressQuery(postcode="02139 "),
        AddressQuery(city="CHICAGO", region="Illinois"),
        AddressQuery(city="Xqzzvbl"),
        AddressQuery(),
    ]
    results = caching.geocode_many(queries)
    assert results[0] is not None
    assert results[0].precision is Precision.POSTCODE
    assert results[1] is not None
    assert results[1].precision is Precision.CITY
    assert results[2] == results[0]
    assert results[3] == results[1]
    assert results[4] is None
    assert results[5] is None
    assert len(cache.reads) == 1
    assert len(cache.reads[0]) == 3
    assert len(cache.writes) == 1
    assert len(cache.writes[0]) == 3
    assert len(zips.calls) == 3  # each distinct key once (the ZIP geocoder sees all three)


def test_input_coordinates_answer_first_and_are_not_cached(zips: Counting) -> None:
    caching, cache = _caching(InputCoordinates(), zips)
    with_coordinates = AddressQuery(postcode="02139", latitude=42.0, longitude=-71.0)
    result = caching.geocode_one(with_coordinates)
    assert result is not None
    assert result.source == "input"
    assert zips.calls == []
    assert cache.reads == []
    assert cache.writes == []
    # The same address without coordinates is geocoded (and its key is the same).
    without = caching.geocode_one(AddressQuery(postcode="02139"))
    assert without is not None
    assert without.source == "us-zip"


def test_answers_reached_while_a_service_failed_are_not_cached(zips: Counting) -> None:
    caching, cache = _caching(zips, Unavailable())
    query = AddressQuery("12 Main St", postcode="02139")
    result = caching.geocode_one(query)
    assert result is not None
    assert result.precision is Precision.POSTCODE  # the offline answer stands
    assert cache.writes == []
    caching.geocode_one(query)
    assert len(zips.calls) == 2  # tried again: the service may be back
    assert caching.stats.uncached == 2


def test_lru_is_bounded() -> None:
    caching, _ = _caching(UsZipCentroids(), lru_size=2)
    for zip_code in ("02139", "10001", "60601"):
        caching.geocode_one(AddressQuery(postcode=zip_code))
    caching.geocode_one(AddressQuery(postcode="02139"))
    assert caching.stats.lru_hits == 0  # evicted: read back from the cache instead
    assert caching.stats.cache_hits == 1
