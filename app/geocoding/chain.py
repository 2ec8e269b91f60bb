"""Geocoders tried in order, each answer judged by how precise it is."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder

from app.geocoding.base import NoNetworkAdapter, QueryLike, ResultGeocoder
from app.geocoding.coordinates import valid_coordinates
from app.geocoding.street_parse import split_street_line
from app.geocoding.types import AddressQuery, GeocodeResult, Precision, as_query

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one geocoder of the chain did with a query."""

    geocoder: str
    outcome: Literal["placed", "no match", "failed", "skipped"]
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.geocoder}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


def achievable_precision(query: AddressQuery) -> Precision | None:
    """The best precision the query's fields can support: a house number can reach ADDRESS,
    a bare street STREET, a postcode POSTCODE, a city CITY."""
    if valid_coordinates(query.latitude, query.longitude):
        return Precision.ADDRESS
    if query.street and query.street.strip():
        has_number = split_street_line(query.street)[0].number is not None
        return Precision.ADDRESS if has_number else Precision.STREET
    if query.postcode and query.postcode.strip():
        return Precision.POSTCODE
    if query.city and query.city.strip():
        return Precision.CITY
    return None


def geocoder_name(geocoder: Geocoder) -> str:
    """The `source` a geocoder stamps on its answers, else its class name."""
    return str(getattr(geocoder, "source", None) or type(geocoder).__name__)


class GeocoderChain(ResultGeocoder):
    """Tries geocoders in order. The first answer as precise as the query allows wins at
    once; otherwise the chain goes on, keeping the most precise answer so far (earlier wins
    ties), so an online service still gets to turn a ZIP centroid into a rooftop. A service
    error is logged and skipped: the offline answer, if any, stands."""

    def __init__(self, geocoders: Sequence[Geocoder]) -> None:
        # The chain itself never fetches anything; its members have their own adapters.
        super().__init__(user_agent="fieldroute-chain", adapter_factory=NoNetworkAdapter)
        self.geocoders = list(geocoders)

    @property
    def names(self) -> list[str]:
        """Names of the geocoders, in the order they are tried."""
        return [geocoder_name(g) for g in self.geocoders]

    def prepare(self) -> None:
        """Build every member's lazily loaded tables now."""
        for geocoder in self.geocoders:
            prepare = getattr(geocoder, "prepare", None)
            if callable(prepare):
                prepare()

    def explain(self, query: QueryLike) -> tuple[GeocodeResult | None, list[Attempt]]:
        """The answer and what each geocoder did ("why was this not placed?")."""
        parsed = as_query(query)
        target = achievable_precision(parsed)
        if target is None:
            return None, [Attempt("chain", "skipped", "nothing to geocode: no address fields")]
        best: GeocodeResult | None = None
        attempts: list[Attempt] = []
        for geocoder in self.geocoders:
            name = geocoder_name(geocoder)
            if best is not None and best.precision.rank >= target.rank:
                attempts.append(Attempt(name, "skipped", "already placed"))
                continue
            ceiling: Precision = getattr(geocoder, "best_precision", Precision.ADDRESS)
            if best is not None and ceiling.rank <= best.precision.rank:
                attempts.append(Attempt(name, "skipped", f"cannot beat {best.precision}"))
                continue
            try:
                location = geocoder.geocode(query, exactly_one=True)
            except GeocoderServiceError as exc:
                log.warning("geocoder %s failed for %r: %r", name, parsed.one_line(), exc)
                attempts.append(Attempt(name, "failed", f"{type(exc).__name__}: {exc}"))
                continue
            if location is None:
                attempts.append(Attempt(name, "no match"))
                continue
            result = GeocodeResult.from_location(location, name)
            attempts.append(Attempt(name, "placed", f"{result.precision}: {result.matched}"))
            if best is None or result.precision.rank > best.precision.rank:
                best = result
        return best, attempts

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        """The chain's answer (see `explain` for what each member did)."""
        result, _ = self.explain(query)
        return result

    def __repr__(self) -> str:
        return f"GeocoderChain({self.names})"
