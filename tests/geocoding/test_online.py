"""Online services: precision read from recorded-looking answers; rate limiting; no network."""

from __future__ import annotations

from typing import Any

import pytest
from geopy.exc import ConfigurationError, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import GoogleV3, Nominatim, Photon
from geopy.location import Location
from geopy.point import Point

from app.geocoding import (
    AddressQuery,
    OnlineGeocoder,
    Precision,
    online_geocoder,
    precision_from_google,
    precision_from_nominatim,
    precision_from_photon,
    precision_from_raw,
)

AGENT = "fieldroute-tests/0.1 (tests@example.com)"


def _nominatim(**kwargs: Any) -> OnlineGeocoder:
    options: dict[str, Any] = {
        "user_agent": AGENT,
        "timeout_s": 5.0,
        "min_delay_s": 1.0,
        "api_key": None,
        "domain": None,
    }
    options.update(kwargs)
    return online_geocoder("nominatim", **options)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"class": "building", "type": "yes", "addresstype": "building"}, Precision.ADDRESS),
        ({"class": "place", "type": "house", "addresstype": "place"}, Precision.ADDRESS),
        ({"class": "amenity", "type": "cafe", "addresstype": "amenity"}, Precision.ADDRESS),
        ({"class": "highway", "type": "residential", "addresstype": "road"}, Precision.STREET),
        ({"class": "place", "type": "postcode", "addresstype": "postcode"}, Precision.POSTCODE),
        ({"class": "boundary", "type": "administrative", "addresstype": "city"}, Precision.CITY),
        ({"class": "place", "type": "village", "addresstype": "village"}, Precision.CITY),
        ({"category": "place", "type": "town"}, Precision.CITY),  # jsonv2 spelling
        ({"class": "boundary", "type": "administrative", "addresstype": "state"}, None),
        ({"class": "boundary", "type": "administrative", "addresstype": "country"}, None),
    ],
)
def test_nominatim_precision(raw: dict[str, str], expected: Precision | None) -> None:
    assert precision_from_nominatim(raw) is expected


def _google(location_type: str, *types: str, **extra: Any) -> dict[str, Any]:
    return {"geometry": {"location_type": location_type}, "types": list(types), **extra}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_google("ROOFTOP", "street_address"), Precision.ADDRESS),
        (_google("RANGE_INTERPOLATED", "street_address"), Precision.ADDRESS),
        (_google("GEOMETRIC_CENTER", "premise"), Precision.ADDRESS),
        (_google("GEOMETRIC_CENTER", "route"), Precision.STREET),
        (_google("APPROXIMATE", "postal_code"), Precision.POSTCODE),
        (_google("APPROXIMATE", "locality", "political"), Precision.CITY),
        (_google("APPROXIMATE", "administrative_area_level_1", "political"), None),
        (_google("APPROXIMATE", "country", "political"), None),
    ],
)
def test_google_precision(raw: dict[str, Any], expected: Precision | None) -> None:
    assert precision_from_google(raw) is expected


def _photon(**properties: str) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point"}, "properties": properties}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_photon(type="house", housenumber="8", street="Kaivokatu"), Precision.ADDRESS),
        (_photon(type="street", osm_key="highway", osm_value="primary"), Precision.STREET),
        (_photon(type="postcode"), Precision.POSTCODE),
        (_photon(type="city", osm_key="place", osm_value="city"), Precision.CITY),
        (_photon(osm_key="place", osm_value="town"), Precision.CITY),  # older Photon: no type
        (_photon(type="state", osm_key="boundary", osm_value="administrative"), None),
    ],
)
def test_photon_precision(raw: dict[str, Any], expected: Precision | None) -> None:
    assert precision_from_photon(raw) is expected


def test_unknown_providers_claim_only_city_precision() -> None:
    assert precision_from_raw("opencage", {"confidence": 10}) is Precision.CITY
    assert precision_from_raw("Nominatim", {"class": "building"}) is Precision.ADDRESS


@pytest.mark.parametrize("agent", ["", "   ", "geopy/2.5.0", "GeoPy/1.0 something"])
def test_missing_or_default_user_agent_is_refused(agent: str) -> None:
    with pytest.raises(ConfigurationError, match="user agent"):
        _nominatim(user_agent=agent)


def test_services_are_configured_by_name() -> None:
    photon = online_geocoder(
        "photon", user_agent=AGENT, timeout_s=3, min_delay_s=0, api_key=None, domain="ph.local"
    )
    google = online_geocoder(
        "GoogleV3", user_agent=AGENT, timeout_s=3, min_delay_s=0, api_key="k", domain=None
    )
    nominatim = _nominatim(domain="nominatim.example.org")
    assert isinstance(photon.service, Photon)
    assert photon.service.domain == "ph.local"
    assert isinstance(google.service, GoogleV3)
    assert google.service.api_key == "k"
    assert isinstance(nominatim.service, Nominatim)
    assert nominatim.service.domain == "nominatim.example.org"
    assert nominatim.service.headers["User-Agent"] == AGENT
    assert nominatim.service.timeout == 5.0


def test_bad_configurations_fail_early() -> None:
    with pytest.raises(ConfigurationError):
        _nominatim(api_key="secret")  # Nominatim takes no key
    with pytest.raises(ConfigurationError):
        online_geocoder(
            "googlev3", user_agent=AGENT, timeout_s=3, min_delay_s=0, api_key=None, domain=None
        )
    with pytest.raises(Exception, match="Unknown geocoder"):
        online_geocoder(
            "nosuchservice", user_agent=AGENT, timeout_s=3, min_delay_s=0, api_key=None, domain=None
        )


def test_queries_go_through_the_rate_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def fake_geocode(self: Nominatim, query: str, **kwargs: Any) -> Location:
        calls.append((query, kwargs))
        raw = {"class": "building", "type": "yes", "addresstype": "building", "place_id": 7}
        return Location("Kaivokatu 8, Helsinki", Point(60.17, 24.94), raw)

    # A fake clock: sleeping advances it, so the limiter's wait is observable and instant.
    now = [1000.0]
    sleeps: list[float] = []

    def fake_sleep(self: RateLimiter, seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(Nominatim, "geocode", fake_geocode)
    monkeypatch.setattr(RateLimiter, "_clock", lambda self: now[0])
    monkeypatch.setattr(RateLimiter, "_sleep", fake_sleep)
    geocoder = _nominatim(min_delay_s=1.0)
    query = AddressQuery("Kaivokatu 8", "Helsinki", country="Finland")
    first = geocoder.geocode(query)
    second = geocoder.geocode("Kaivokatu 8, Helsinki")
    assert [c[0] for c in calls] == ["Kaivokatu 8, Helsinki, Finland", "Kaivokatu 8, Helsinki"]
    assert calls[0][1]["country_codes"] == ["fi"]
    assert sleeps == [1.0]  # the second call waited out the minimum delay
    assert first is not None
    assert second is not None
    assert first.raw["precision"] == "address"
    assert first.raw["source"] == "nominatim"
    assert first.raw["provider_raw"]["place_id"] == 7


def test_too_coarse_answers_are_misses(monkeypatch: pytest.MonkeyPatch) -> None:
    def state_answer(self: Nominatim, query: str, **kwargs: Any) -> Location:
        raw = {"class": "boundary", "type": "administrative", "addresstype": "state"}
        return Location("Uusimaa", Point(60.2, 24.9), raw)

    monkeypatch.setattr(Nominatim, "geocode", state_answer)
    assert _nominatim(min_delay_s=0.0).geocode(AddressQuery(city="Nowhere")) is None


def test_service_errors_are_retried_then_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def unavailable(self: Nominatim, query: str, **kwargs: Any) -> Location:
        attempts.append(query)
        raise GeocoderUnavailable("503")

    monkeypatch.setattr(Nominatim, "geocode", unavailable)
    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, seconds: None)
    with pytest.raises(GeocoderUnavailable):
        _nominatim(min_delay_s=0.0).geocode(AddressQuery(city="Helsinki"))
    assert len(attempts) == 3  # first try and two retries


def test_an_outage_pauses_the_service_instead_of_retrying_every_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reached: list[str] = []

    def unavailable(self: Nominatim, query: str, **kwargs: Any) -> Location:
        reached.append(query)
        raise GeocoderUnavailable("503")

    monkeypatch.setattr(Nominatim, "geocode", unavailable)
    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, seconds: None)
    geocoder = _nominatim(min_delay_s=0.0)
    now = [0.0]
    geocoder.clock = lambda: now[0]
    for _ in range(geocoder.failures_before_pause):
        with pytest.raises(GeocoderUnavailable):
            geocoder.geocode(AddressQuery(city="Helsinki"))
    assert len(reached) == 3 * geocoder.failures_before_pause
    with pytest.raises(GeocoderUnavailable, match="paused"):
        geocoder.geocode(AddressQuery(city="Helsinki"))
    assert len(reached) == 3 * geocoder.failures_before_pause  # not asked while paused
    now[0] += geocoder.pause_s + 1
    with pytest.raises(GeocoderUnavailable, match="503"):
        geocoder.geocode(AddressQuery(city="Helsinki"))
    assert len(reached) == 3 * geocoder.failures_before_pause + 3
