"""The chain: order, precision-aware stopping, failing services, explanations."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.exc import GeocoderTimedOut

from app.geocoding import (
    AddressQuery,
    GeocoderChain,
    GeocodeResult,
    InputCoordinates,
    OfflineGeocoder,
    OsmAddressIndex,
    Precision,
    UsZipCentroids,
    WorldPlaces,
    achievable_precision,
    offline_chain,
)


class Fixed(OfflineGeocoder):
    """Answers every query with one result, counting calls."""

    def __init__(self, source: str, precision: Precision) -> None:
        super().__init__()
        self.source = source
        self.precision = precision
        self.calls = 0

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        self.calls += 1
        return GeocodeResult(1.0, 2.0, self.precision, self.source, 0.8, self.source)


class Failing(OfflineGeocoder):
    """Stands in for an online service that times out."""

    source = "flaky-online"

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        self.calls += 1
        raise GeocoderTimedOut("no answer in 5 s")


def test_input_coordinates_win_over_everything(helsinki: OsmAddressIndex) -> None:
    chain = GeocoderChain([InputCoordinates(), helsinki, UsZipCentroids()])
    query = AddressQuery("Kaivokatu 8", "Helsinki", latitude=60.2, longitude=25.0)
    result, attempts = chain.explain(query)
    assert result is not None
    assert result.source == "input"
    assert (result.latitude, result.longitude) == (60.2, 25.0)
    assert [a.outcome for a in attempts] == ["placed", "skipped", "skipped"]


def test_null_island_coordinates_fall_through_to_the_address(helsinki: OsmAddressIndex) -> None:
    chain = GeocoderChain([InputCoordinates(), helsinki])
    result = chain.geocode(AddressQuery("Kaivokatu 8", "Helsinki", latitude=0.0, longitude=0.0))
    assert result is not None
    assert result.raw["source"] == "osm-index"


def test_osm_address_beats_the_zip_centroid(helsinki: OsmAddressIndex) -> None:
    # A Finnish postcode that is also a valid-looking US ZIP: the OSM address answers first.
    chain = GeocoderChain([InputCoordinates(), helsinki, UsZipCentroids(), WorldPlaces()])
    result, attempts = chain.explain(AddressQuery("Kaivokatu 8", "Helsinki", "00100"))
    assert result is not None
    assert result.source == "osm-index"
    assert result.precision is Precision.ADDRESS
    assert [a.geocoder for a in attempts] == ["input", "osm-index", "us-zip", "world-places"]
    assert [a.outcome for a in attempts[2:]] == ["skipped", "skipped"]


def test_each_query_ends_at_its_honest_precision() -> None:
    chain = offline_chain()
    zip_only = chain.geocode(AddressQuery(postcode="60601"))
    city_only = chain.geocode(AddressQuery(city="Chicago", region="IL"))
    street_and_zip = chain.geocode(AddressQuery("233 S Wacker Dr", postcode="60606"))
    rubbish = chain.geocode(AddressQuery(street="zzzz qqqq", city="Xqzzvbl"))
    assert zip_only is not None
    assert zip_only.raw["precision"] == "postcode"
    assert city_only is not None
    assert city_only.raw["precision"] == "city"
    assert street_and_zip is not None
    assert street_and_zip.raw["precision"] == "postcode"  # no street data: no street claim
    assert rubbish is None
    assert chain.geocode(AddressQuery()) is None


def test_a_less_precise_answer_lets_later_geocoders_try_to_do_better() -> None:
    zip_like = Fixed("zip", Precision.POSTCODE)
    online = Fixed("online", Precision.ADDRESS)
    chain = GeocoderChain([zip_like, online])
    result, _ = chain.explain(AddressQuery("12 Main St", postcode="62701"))
    assert result is not None
    assert result.source == "online"
    assert online.calls == 1
    # A query that only has a postcode is done once the postcode is placed.
    result, attempts = chain.explain(AddressQuery(postcode="62701"))
    assert result is not None
    assert result.source == "zip"
    assert online.calls == 1
    assert str(attempts[1]) == "online: skipped (already placed)"


def test_a_failing_service_is_logged_and_the_offline_answer_stands(
    caplog: pytest.LogCaptureFixture,
) -> None:
    offline = Fixed("zip", Precision.POSTCODE)
    failing = Failing()
    chain = GeocoderChain([offline, failing])
    result, attempts = chain.explain(AddressQuery("12 Main St", postcode="62701"))
    assert failing.calls == 1
    assert result is not None
    assert result.source == "zip"
    assert attempts[1].outcome == "failed"
    assert "GeocoderTimedOut" in str(attempts[1])
    assert "flaky-online failed" in caplog.text


def test_explanations_say_why_nothing_was_placed() -> None:
    chain = offline_chain()
    result, attempts = chain.explain(AddressQuery(city="Xqzzvbl", country="FI"))
    assert result is None
    assert [str(a) for a in attempts] == [
        "input: no match",
        "us-zip: no match",
        "world-places: no match",
        "us-zip-city: no match",
    ]
    result, attempts = chain.explain(AddressQuery())
    assert result is None
    assert "nothing to geocode" in str(attempts[0])


def test_achievable_precision() -> None:
    assert achievable_precision(AddressQuery("12 Main St")) is Precision.ADDRESS
    assert achievable_precision(AddressQuery("Main St", postcode="1")) is Precision.STREET
    assert achievable_precision(AddressQuery(postcode="62701", city="X")) is Precision.POSTCODE
    assert achievable_precision(AddressQuery(city="X")) is Precision.CITY
    assert achievable_precision(AddressQuery(country="US")) is None


def test_offline_chain_includes_the_osm_index_when_given(tmp_path: Path) -> None:
    extract = Path(__file__).parent / "data" / "helsinki-addresses.osm.pbf"
    cache = tmp_path / "addresses.json.gz"
    chain = offline_chain(osm_index_path=extract, osm_cache_path=cache)
    assert chain.names == ["input", "osm-index", "us-zip", "world-places", "us-zip-city"]
    assert cache.is_file()
    location = chain.geocode("Kaivokatu 8, Helsinki")
    assert location is not None
    assert location.raw["precision"] == "address"
