"""An online geopy service (Nominatim, Photon, GoogleV3, ...) behind geopy's RateLimiter, with
each provider's answer translated into a `Precision`.

Only built when configured; tests never reach the network (they replace the service's
`geocode`). Answers coarser than a city (a county, a state, a country) are treated as misses:
a point in the middle of a state is worse than no point for route planning.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, overload

from geopy.exc import (
    ConfigurationError,
    GeocoderQueryError,
    GeocoderServiceError,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service, options
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from app.geocoding.base import NoNetworkAdapter, QueryLike
from app.geocoding.types import AddressQuery, Precision, as_query

log = logging.getLogger(__name__)

_POI_CLASSES = frozenset({"amenity", "shop", "office", "craft", "tourism", "healthcare"})
_LOCALITIES = frozenset(
    {"city", "town", "village", "hamlet", "municipality", "suburb", "neighbourhood", "quarter",
     "borough", "city_district", "district", "locality", "isolated_dwelling", "city_block"}
)  # fmt: skip


def precision_from_nominatim(raw: Mapping[str, Any]) -> Precision | None:
    """Nominatim (json/jsonv2): `addresstype`, `class`/`category` and `type` -> Precision."""
    addresstype = str(raw.get("addresstype", ""))
    cls = str(raw.get("class") or raw.get("category") or "")
    kind = str(raw.get("type", ""))
    if cls == "building" or addresstype in {"building", "house", "house_number"}:
        return Precision.ADDRESS
    if (cls == "place" and kind in {"house", "house_number"}) or cls in _POI_CLASSES:
        return Precision.ADDRESS
    if addresstype == "postcode" or kind in {"postcode", "postal_code"}:
        return Precision.POSTCODE
    if cls == "highway" or addresstype in {"road", "street"}:
        return Precision.STREET
    if addresstype in _LOCALITIES or (cls in {"place", "boundary"} and kind in _LOCALITIES):
        return Precision.CITY
    return None


_GOOGLE_ADDRESS_TYPES = frozenset({"street_address", "premise", "subpremise", "establishment"})
_GOOGLE_LOCALITY_TYPES = frozenset(
    {"locality", "sublocality", "neighborhood", "postal_town", "administrative_area_level_3"}
)


def precision_from_google(raw: Mapping[str, Any]) -> Precision | None:
    """Google Geocoding API: `geometry.location_type` and `types` -> Precision."""
    types = set(raw.get("types") or ())
    location_type = str((raw.get("geometry") or {}).get("location_type", ""))
    if location_type in {"ROOFTOP", "RANGE_INTERPOLATED"} or types & _GOOGLE_ADDRESS_TYPES:
        return Precision.ADDRESS
    if "route" in types or "intersection" in types:
        return Precision.STREET
    if "postal_code" in types:
        return Precision.POSTCODE
    if types & _GOOGLE_LOCALITY_TYPES:
        return Precision.CITY
    return None


def precision_from_photon(raw: Mapping[str, Any]) -> Precision | None:
    """Photon (GeoJSON feature): `properties.type`, else `osm_key`/`osm_value` -> Precision."""
    props = raw.get("properties") or {}
    kind = str(props.get("type", ""))
    osm_key, osm_value = str(props.get("osm_key", "")), str(props.get("osm_value", ""))
    if kind == "house" or props.get("housenumber") or osm_key in _POI_CLASSES | {"building"}:
        return Precision.ADDRESS
    if kind == "street" or osm_key == "highway":
        return Precision.STREET
    if kind == "postcode" or osm_value in {"postcode", "postal_code"}:
        return Precision.POSTCODE
    if kind in _LOCALITIES or (osm_key == "place" and osm_value in _LOCALITIES):
        return Precision.CITY
    return None


PRECISION_MAPPERS: dict[str, Callable[[Mapping[str, Any]], Precision | None]] = {
    "nominatim": precision_from_nominatim,
    "photon": precision_from_photon,
    "googlev3": precision_from_google,
}


def precision_from_raw(service: str, raw: Mapping[str, Any]) -> Precision | None:
    """Precision of a provider's raw answer. Providers without a mapper are assumed to be
    city-precise: claiming less than the truth only costs a re-check, claiming more misleads."""
    mapper = PRECISION_MAPPERS.get(service.casefold())
    return mapper(raw) if mapper else Precision.CITY


def check_user_agent(user_agent: str | None) -> str:
    """The agent, or ConfigurationError when it is blank or geopy's default: public services
    (Nominatim's usage policy) block anonymous agents."""
    agent = (user_agent or "").strip()
    if not agent or agent.casefold().startswith("geopy/") or agent == options.default_user_agent:
        raise ConfigurationError(
            "set a user agent naming the application and a contact, e.g. "
            "'fieldroute/0.1 (ops@example.com)'"
        )
    return agent


class OnlineGeocoder(Geocoder):  # type: ignore[misc]
    """A configured geopy service behind a RateLimiter; answers carry precision/score/source.

    After `failures_before_pause` failed queries in a row (each already retried by the rate
    limiter) the service is not asked for `pause_s` seconds: a bulk import during an outage
    then fails fast instead of waiting out every retry of every address.
    """

    def __init__(
        self,
        service_name: str,
        service: Geocoder,
        *,
        min_delay_s: float,
        failures_before_pause: int = 3,
        pause_s: float = 60.0,
    ) -> None:
        # Requests go through `service` (its own adapter); this wrapper never fetches.
        super().__init__(
            user_agent=service.headers.get("User-Agent"), adapter_factory=NoNetworkAdapter
        )
        self.source = service_name
        self.service = service
        # A lambda, not the bound method: the call goes through whatever `service.geocode` is
        # at call time (tests replace it).
        self.limiter = RateLimiter(
            lambda *args, **kwargs: self.service.geocode(*args, **kwargs),
            min_delay_seconds=min_delay_s,
            max_retries=2,
            error_wait_seconds=max(min_delay_s, 1.0),
            swallow_exceptions=False,
        )
        self.failures_before_pause = failures_before_pause
        self.pause_s = pause_s
        self.clock = time.monotonic
        self._failures = 0
        self._paused_until = 0.0
        self._state_lock = threading.Lock()

    def _options(self, query: AddressQuery) -> dict[str, Any]:
        code = query.country_code
        if code is None:
            return {}
        if self.source == "nominatim":
            return {"country_codes": [code.lower()]}
        if self.source == "googlev3":
            return {"components": {"country": code}}
        return {}

    @overload
    def geocode(
        self, query: QueryLike, *, exactly_one: Literal[True] = ..., timeout: object = ...
    ) -> Location | None: ...

    @overload
    def geocode(
        self, query: QueryLike, *, exactly_one: Literal[False], timeout: object = ...
    ) -> list[Location] | None: ...

    def geocode(
        self, query: QueryLike, *, exactly_one: bool = True, timeout: object = DEFAULT_SENTINEL
    ) -> Location | list[Location] | None:
        """Ask the service (rate limited); service errors propagate for the chain to log."""
        parsed = as_query(query)
        text = query if isinstance(query, str) else parsed.one_line()
        if not text:
            return None
        kwargs = self._options(parsed) if not isinstance(query, str) else {}
        if timeout is not DEFAULT_SENTINEL:
            kwargs["timeout"] = timeout
        found = self._ask(text, kwargs)
        if found is None:
            return None
        raw = found.raw if isinstance(found.raw, Mapping) else {}
        precision = precision_from_raw(self.source, raw)
        if precision is None:
            log.info("%s answered %r too coarsely for a route; ignored", self.source, text)
            return None
        score = 0.5 if raw.get("partial_match") else 0.8
        location = Location(
            found.address,
            found.point,
            {
                "precision": str(precision),
                "score": score,
                "source": self.source,
                "matched": found.address,
                "provider_raw": dict(raw),
            },
        )
        return location if exactly_one else [location]

    def _ask(self, text: str, kwargs: dict[str, Any]) -> Location | None:
        if self.clock() < self._paused_until:
            raise GeocoderUnavailable(f"{self.source} paused after repeated failures")
        try:
            found = self.limiter(text, exactly_one=True, **kwargs)
        except GeocoderQueryError:
            raise  # this query's fault, not the service's
        except GeocoderServiceError:
            with self._state_lock:
                self._failures += 1
                if self._failures >= self.failures_before_pause:
                    self._failures = 0
                    self._paused_until = self.clock() + self.pause_s
                    log.warning("%s failing; paused for %.0f s", self.source, self.pause_s)
            raise
        with self._state_lock:
            self._failures = 0
        return found

    def __repr__(self) -> str:
        return f"OnlineGeocoder({self.source!r})"


def online_geocoder(
    name: str,
    *,
    user_agent: str,
    timeout_s: float,
    min_delay_s: float,
    api_key: str | None,
    domain: str | None,
) -> OnlineGeocoder:
    """A rate-limited geopy service by name ("nominatim", "photon", "googlev3", or any name
    `geopy.geocoders.get_geocoder_for_service` knows). `timeout_s`: per request, seconds;
    `min_delay_s`: between requests (Nominatim's public server allows 1 per second)."""
    service_name = name.strip().casefold()
    cls = get_geocoder_for_service(service_name)
    accepted = inspect.signature(cls.__init__).parameters
    kwargs: dict[str, Any] = {"user_agent": check_user_agent(user_agent), "timeout": timeout_s}
    if api_key:
        if "api_key" not in accepted:
            raise ConfigurationError(f"geocoder {service_name!r} takes no API key")
        kwargs["api_key"] = api_key
    if domain:
        if "domain" not in accepted:
            raise ConfigurationError(f"geocoder {service_name!r} takes no domain")
        kwargs["domain"] = domain
    return OnlineGeocoder(service_name, cls(**kwargs), min_delay_s=min_delay_s)
