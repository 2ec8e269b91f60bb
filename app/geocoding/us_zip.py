"""US ZIP code centroids from the `zipcodes` package, in dicts built once per process.

`zipcodes.matching()` scans a 42,000-row list per call; `zip_table()` turns it into one dict
(about 0.8 s and 32 MB, once). Military and unlocated ZIPs (0, 0) are left out: they have no centroid.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import defaultdict
from collections.abc import Mapping
from typing import NamedTuple

from rapidfuzz import fuzz, process

# zipcodes' public `list_all()` keeps its 42,789 row dicts (~90 MB) alive for the life of the
# process; the extension module underneath returns a fresh list that is freed after the build.
from zipcodes import _zipcodes as _zip_rows

from app.geocoding.base import OfflineGeocoder, paused_gc
from app.geocoding.countries import US, country_code, is_us_or_unknown, us_state_code
from app.geocoding.normalize import place_key
from app.geocoding.types import AddressQuery, GeocodeResult, Precision

CITY_TYPO_MIN_RATIO = 85.0


class ZipEntry(NamedTuple):
    """One ZIP: centroid (degrees), USPS city and state, and every name it answers to."""

    zip_code: str
    latitude: float
    longitude: float
    city: str
    state: str
    names: frozenset[str]


class CityCentroid(NamedTuple):
    """Mean of a US city's ZIP centroids (degrees) and how many ZIPs that mean covers."""

    latitude: float
    longitude: float
    city: str
    state: str
    zip_count: int


class _Tables(NamedTuple):
    zips: dict[str, ZipEntry]
    cities: dict[tuple[str, str], CityCentroid]


_lock = threading.Lock()
_tables: _Tables | None = None


def _build() -> _Tables:
    zips: dict[str, ZipEntry] = {}
    points: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
    display: dict[tuple[str, str], str] = {}
    folded: dict[str, str] = {}  # city names repeat across ZIPs: fold each once
    shared: dict[frozenset[str], frozenset[str]] = {}  # ZIPs of one town share one name set

    def key_of(name: str) -> str:
        key = folded.get(name)
        if key is None:
            key = folded[name] = sys.intern(place_key(name))
        return key

    for row in _zip_rows.list_all():
        lat, lon = float(row["lat"]), float(row["long"])
        if (lat == 0.0 and lon == 0.0) or row["zip_code_type"] == "MILITARY":
            continue
        spellings = [row["city"], *row["acceptable_cities"], *row["unacceptable_cities"]]
        answers_to = frozenset(key_of(name) for name in spellings if name)
        answers_to = shared.setdefault(answers_to, answers_to)
        city, state = sys.intern(row["city"]), sys.intern(row["state"])
        zips[row["zip_code"]] = ZipEntry(row["zip_code"], lat, lon, city, state, answers_to)
        for name in (row["city"], *row["acceptable_cities"]):
            key = (key_of(name), state)
            points[key].append((lat, lon, row["zip_code_type"] == "STANDARD"))
            display.setdefault(key, name)
    cities: dict[tuple[str, str], CityCentroid] = {}
    for key, pts in points.items():
        # Delivery-area ZIPs describe where people are; PO-box ZIPs only where the post office is.
        chosen = [p for p in pts if p[2]] or pts
        lat = sum(p[0] for p in chosen) / len(chosen)
        lon = sum(p[1] for p in chosen) / len(chosen)
        cities[key] = CityCentroid(lat, lon, display[key], key[1], len(chosen))
    return _Tables(zips, cities)


def _get_tables() -> _Tables:
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                with paused_gc():
                    _tables = _build()
    return _tables


def zip_table() -> Mapping[str, ZipEntry]:
    """ZIP (5 digits) -> entry; built on first use, then shared by the whole process."""
    return _get_tables().zips


def us_city_table() -> Mapping[tuple[str, str], CityCentroid]:
    """(place_key(city), state) -> centroid of that city's ZIPs; built with `zip_table`."""
    return _get_tables().cities


_ZIP5 = re.compile(r"^(\d{5})(?:[-\s]?\d{4})?$")
_ZIP_LOST_ZERO = re.compile(r"^(\d{4})(?:-\d{4})?$")
_ZIP_LOST_TWO_ZEROS = re.compile(r"^\d{3}$")


def parse_us_zip(postcode: str | None, country: str | None) -> tuple[str, float, str] | None:
    """(ZIP5, score factor, note) for a postcode that looks like a US ZIP, else None.

    ZIP+4 is cut to five digits. Spreadsheets drop leading zeros: four digits get theirs back
    when the country is the US or blank (blank costs confidence: 2139 is also a Danish or
    Australian code); three digits only when the country says US.
    """
    if not postcode or not is_us_or_unknown(country):
        return None
    text = postcode.strip()
    explicit_us = country_code(country) == US
    if match := _ZIP5.match(text):
        return match[1], 1.0, ""
    if match := _ZIP_LOST_ZERO.match(text):
        return "0" + match[1], (0.9 if explicit_us else 0.7), "leading zero restored"
    if explicit_us and _ZIP_LOST_TWO_ZEROS.match(text):
        return "00" + text, 0.8, "leading zeros restored"
    return None


def _city_agreement(query_city: str | None, entry: ZipEntry) -> tuple[float, str]:
    if not query_city or not query_city.strip():
        return 1.0, ""
    key = place_key(query_city)
    if key in entry.names:
        return 1.0, ""
    best = process.extractOne(key, entry.names, scorer=fuzz.ratio)
    if best is not None and best[1] >= CITY_TYPO_MIN_RATIO:
        return 0.95, f"city {query_city!r} read as {entry.city!r}"
    return 0.7, f"query city {query_city!r} differs"


class UsZipCentroids(OfflineGeocoder):
    """US ZIP -> ZIP centroid (POSTCODE precision). A city or state contradicting the ZIP
    still places the point (the ZIP is usually the better field) but lowers the score."""

    source = "us-zip"
    best_precision = Precision.POSTCODE

    def prepare(self) -> None:
        _get_tables()

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        """Centroid of the query's ZIP, or None when it is not a known US ZIP."""
        parsed = parse_us_zip(query.postcode, query.country)
        if parsed is None:
            return None
        zip5, score, note = parsed
        entry = zip_table().get(zip5)
        if entry is None:
            return None
        notes = [note] if note else []
        city_factor, city_note = _city_agreement(query.city, entry)
        score *= city_factor
        if city_note:
            notes.append(city_note)
        state = us_state_code(query.region)
        if state is not None and state != entry.state:
            score *= 0.6
            notes.append(f"query state {state} differs")
        matched = f"{entry.zip_code} {entry.city}, {entry.state}"
        if notes:
            matched += f" ({'; '.join(notes)})"
        return GeocodeResult(
            entry.latitude, entry.longitude, Precision.POSTCODE, self.source, score, matched
        )


class UsZipCities(OfflineGeocoder):
    """US city + state without a usable ZIP -> mean of the city's ZIP centroids (CITY
    precision). Covers towns too small for the world-places table; needs the state, because
    a US city name alone is ambiguous (there are 30-odd Springfields)."""

    source = "us-zip-city"
    best_precision = Precision.CITY

    def prepare(self) -> None:
        _get_tables()

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        """City centroid from the ZIP table, or None without a known (city, state) pair."""
        if not query.city or not is_us_or_unknown(query.country):
            return None
        state = us_state_code(query.region)
        if state is None:
            return None
        centroid = us_city_table().get((place_key(query.city), state))
        if centroid is None:
            return None
        matched = f"{centroid.city}, {centroid.state} (mean of {centroid.zip_count} ZIPs)"
        return GeocodeResult(
            centroid.latitude, centroid.longitude, Precision.CITY, self.source, 0.8, matched
        )
