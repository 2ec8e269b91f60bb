"""Common ground of the offline geocoders: geopy's interface, no network adapter at all."""

from __future__ import annotations

import gc
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal, NoReturn, overload

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from app.geocoding.types import AddressQuery, GeocodeResult, Precision, as_query

QueryLike = AddressQuery | str | Mapping[str, Any]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a big table: the build only
    allocates (no cycles to find), and collector passes over its ~10^5 new containers
    double the build time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class NoNetworkAdapter(BaseSyncAdapter):  # type: ignore[misc]
    """An adapter that refuses every request, so an offline geocoder cannot go online by
    accident (a geopy helper method reaching for `self.adapter`)."""

    def __init__(self, *, proxies: object = None, ssl_context: object = None) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: object, headers: object) -> NoReturn:
        raise GeocoderServiceError(f"offline geocoder must not fetch {url}")

    def get_text(self, url: str, *, timeout: object, headers: object) -> NoReturn:
        raise GeocoderServiceError(f"offline geocoder must not fetch {url}")


class ResultGeocoder(Geocoder):  # type: ignore[misc]
    """geopy's `geocode` on top of `lookup`, which answers with a `GeocodeResult`: the one
    place that turns results into Locations (raw carrying precision, score and source)."""

    @abstractmethod
    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        """Place one query, or None when this geocoder cannot."""

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
        """geopy's `geocode`: a Location whose raw has precision, score and source, or None.
        `timeout` is accepted for interface compatibility; local lookups do not wait."""
        result = self.lookup(as_query(query))
        if result is None:
            return None
        location = result.to_location()
        return location if exactly_one else [location]


class OfflineGeocoder(ResultGeocoder):
    """A geopy Geocoder answering from local data; subclasses implement `lookup`."""

    #: Name recorded as the result's `source` and in the chain's explanations.
    source: str = "offline"
    #: The most precise answer this geocoder can give; the chain skips it when it cannot
    #: improve on what it already has.
    best_precision: Precision = Precision.ADDRESS

    def __init__(self) -> None:
        super().__init__(user_agent="fieldroute-offline", adapter_factory=NoNetworkAdapter)

    def prepare(self) -> None:
        """Build lazily loaded tables now (at startup) rather than on the first query."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
