"""The geocoding vocabulary: what is asked (`AddressQuery`) and what is answered (`GeocodeResult`)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from geopy.location import Location
from geopy.point import Point

from app.geocoding.countries import US, country_code, us_state_code
from app.geocoding.normalize import fold_words, postcode_key, street_key


class Precision(StrEnum):
    """How exactly a point locates the query; a rooftop hit is ADDRESS."""

    ADDRESS = "address"
    STREET = "street"
    POSTCODE = "postcode"
    CITY = "city"
    MANUAL = "manual"

    @property
    def rank(self) -> int:
        """Higher is more exact; a pin placed by hand ranks with an address."""
        return _RANK[self]

    @classmethod
    def _missing_(cls, value: object) -> Precision | None:
        # "rooftop" is how providers and ARCHITECTURE.md say ADDRESS; accept either.
        if isinstance(value, str) and value.casefold() in ("rooftop", "address"):
            return cls.ADDRESS
        return None


_RANK = {
    Precision.MANUAL: 4,
    Precision.ADDRESS: 4,
    Precision.STREET: 3,
    Precision.POSTCODE: 2,
    Precision.CITY: 1,
}

_HAS_DIGIT = re.compile(r"\d")
_LAT_LON = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
_POSTCODE_TOKEN = re.compile(r"^\d{3,6}(?:-\d{4})?$")


@dataclass(frozen=True, slots=True)
class AddressQuery:
    """One address to place. `country` is an ISO-2 code or a name; coordinates, when present,
    come from the source data (CRM columns) and are not part of the cache key."""

    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    region: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def country_code(self) -> str | None:
        """ISO-2 code of `country` when it is recognised."""
        return country_code(self.country)

    def key(self) -> str:
        """Normalised cache key: equal for spellings that differ only in case, whitespace,
        punctuation or street-type abbreviations ("Main Street" == "main st.")."""
        code = self.country_code
        country = code.casefold() if code else fold_words(self.country)
        state = us_state_code(self.region) if code in (None, US) else None
        region = state.casefold() if state else fold_words(self.region)
        parts = (
            street_key(self.street),
            postcode_key(self.postcode).casefold(),
            fold_words(self.city),
            region,
            country,
        )
        return "|".join(parts) if any(parts) else ""

    def one_line(self) -> str:
        """Free-text form for online services: "street, city, region postcode, country"."""
        tail = " ".join(p.strip() for p in (self.region, self.postcode) if p and p.strip())
        parts = (self.street, self.city, tail, self.country)
        return ", ".join(p.strip() for p in parts if p and p.strip())

    def structured(self) -> dict[str, str]:
        """Nominatim-style structured query (street, city, state, postalcode, country)."""
        fields = {
            "street": self.street,
            "city": self.city,
            "state": self.region,
            "postalcode": self.postcode,
            "country": self.country,
        }
        return {k: v.strip() for k, v in fields.items() if v and v.strip()}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AddressQuery:
        """From a Nominatim-style dict (street, city, state, postalcode, country) or this
        class's own field names; `zip`, `postcode`, `lat`, `lon`/`lng` are accepted too."""

        def text(*names: str) -> str | None:
            for name in names:
                value = data.get(name)
                if value is not None and str(value).strip():
                    return str(value).strip()
            return None

        def number(*names: str) -> float | None:
            value = text(*names)
            try:
                return float(value) if value is not None else None
            except ValueError:
                return None

        return cls(
            street=text("street", "address"),
            city=text("city", "town"),
            postcode=text("postalcode", "postcode", "zip", "zip_code"),
            region=text("state", "region", "province"),
            country=text("country", "country_code"),
            latitude=number("latitude", "lat"),
            longitude=number("longitude", "lon", "lng"),
        )

    @classmethod
    def parse(cls, text: str) -> AddressQuery:
        """Best-effort split of a one-line address ("12 Main St, Springfield, IL 62701, USA",
        "Annankatu 1, 00120 Helsinki", "60.17, 24.94"). Online services get the original text;
        this only serves the offline indexes."""
        match = _LAT_LON.match(text)
        if match:
            return cls(latitude=float(match[1]), longitude=float(match[2]))
        parts = [p.strip() for p in text.split(",") if p.strip()]
        country = None
        # A trailing "MA" or "Georgia" is read as a US state before a country (Morocco, ...).
        if len(parts) > 1 and country_code(parts[-1]) and not us_state_code(parts[-1]):
            country = parts.pop()
        postcode = region = None
        kept: list[str] = []
        for index, part in enumerate(parts):
            words = part.split()
            if len(parts) == 1:
                if len(words) == 1 and _POSTCODE_TOKEN.match(words[0]):
                    postcode = words.pop()
            elif index > 0 and postcode is None:
                # In a locality part a postcode sits at either end ("00120 Helsinki", "IL 62701").
                if _POSTCODE_TOKEN.match(words[-1]):
                    postcode = words.pop()
                elif _POSTCODE_TOKEN.match(words[0]):
                    postcode = words.pop(0)
            if index == len(parts) - 1 and index > 0 and words and us_state_code(" ".join(words)):
                region = " ".join(words)
                words = []
            if words:
                kept.append(" ".join(words))
        street = city = None
        if len(kept) >= 2:
            street, city = kept[0], kept[-1]
        elif len(kept) == 1:
            if _HAS_DIGIT.search(kept[0]):
                street = kept[0]
            else:
                city = kept[0]
        return cls(street, city, postcode, region, country)


def as_query(query: AddressQuery | str | Mapping[str, Any]) -> AddressQuery:
    """Accept what geopy callers pass: an AddressQuery, a one-line string or a dict."""
    if isinstance(query, AddressQuery):
        return query
    if isinstance(query, str):
        return AddressQuery.parse(query)
    if isinstance(query, Mapping):
        return AddressQuery.from_mapping(query)
    raise TypeError(f"cannot geocode a {type(query).__name__}")


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """A placed address. `score` is the confidence (0..1) that the point is right at its
    `precision`; `matched` says in words what was matched ("02139 Cambridge, MA")."""

    latitude: float
    longitude: float
    precision: Precision
    source: str
    score: float
    matched: str

    def __post_init__(self) -> None:
        if not (math.isfinite(self.latitude) and -90.0 <= self.latitude <= 90.0):
            raise ValueError(f"latitude out of range: {self.latitude}")
        if not (math.isfinite(self.longitude) and -180.0 <= self.longitude <= 180.0):
            raise ValueError(f"longitude out of range: {self.longitude}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score must be within 0..1: {self.score}")

    def to_location(self) -> Location:
        """geopy Location whose `raw` carries precision, score, source and matched."""
        raw = {
            "precision": str(self.precision),
            "score": self.score,
            "source": self.source,
            "matched": self.matched,
        }
        return Location(self.matched, Point(self.latitude, self.longitude), raw)

    @classmethod
    def from_location(
        cls,
        location: Location,
        default_source: str,
        *,
        default_precision: Precision = Precision.CITY,
        default_score: float = 0.5,
    ) -> GeocodeResult:
        """Read back a Location; a plain geopy answer without our raw keys is assumed to be
        only city-precise, so a foreign result never claims more than it proved."""
        raw = location.raw if isinstance(location.raw, Mapping) else {}
        precision = raw.get("precision")
        return cls(
            latitude=float(location.latitude),
            longitude=float(location.longitude),
            precision=Precision(precision) if precision else default_precision,
            source=str(raw.get("source") or default_source),
            score=float(raw.get("score", default_score)),
            matched=str(raw.get("matched") or location.address or ""),
        )
