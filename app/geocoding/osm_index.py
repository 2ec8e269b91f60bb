"""Offline address geocoder over the `addr:*` objects of an OSM extract.

Exact street + house number -> ADDRESS; the street without that number -> STREET (at the
nearest number, or the middle of the street's addresses); only a postcode -> POSTCODE (mean of
its addresses). Street names are matched exactly first (a dict hit) and only then with
rapidfuzz, among the streets of the query's city or postcode when it has one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from app.geocoding.base import OfflineGeocoder, paused_gc
from app.geocoding.normalize import place_key, postcode_key, street_match_key
from app.geocoding.osm_reader import (
    EXTRACT_SUFFIXES,
    AddressPoint,
    SourceStamp,
    load_points,
    read_addresses,
    save_points,
)
from app.geocoding.street_parse import (
    base_number,
    number_key,
    number_keys,
    number_value,
    split_street_line,
)
from app.geocoding.types import AddressQuery, GeocodeResult, Precision

log = logging.getLogger(__name__)

# rapidfuzz ratio (0..100) a misspelt street must reach, and the lead it needs over the
# runner-up: "Kalevankatu" vs "Kaivokatu" must not be a coin toss.
FUZZY_MIN_RATIO = 85.0
FUZZY_MIN_LEAD = 4.0


class OsmAddressIndex(OfflineGeocoder):
    """Address lookup over OSM `addr:*` points; build with `from_file`, persist with `save`."""

    source = "osm-index"

    def __init__(self, points: Sequence[AddressPoint], stamp: SourceStamp | None = None) -> None:
        super().__init__()
        self.points = list(points)
        self.stamp = stamp
        self._by_address: dict[tuple[str, str], list[int]] = {}
        self._by_street: dict[str, list[int]] = {}
        self._by_postcode: dict[str, list[int]] = {}
        near: dict[str, set[str]] = {}  # "c:city" / "p:postcode" -> streets there
        self._city_keys: list[str] = []
        self._postcode_keys: list[str] = []
        # Names repeat across thousands of points: normalise each distinct spelling once.
        streets: dict[str, str] = {}
        cities: dict[str, str] = {}
        postcodes: dict[str, str] = {}
        with paused_gc():
            for index, point in enumerate(self.points):
                street = streets.get(point.street)
                if street is None:
                    street = streets[point.street] = street_match_key(point.street)
                city = cities.get(point.city)
                if city is None:
                    city = cities[point.city] = place_key(point.city)
                postcode = postcodes.get(point.postcode)
                if postcode is None:
                    postcode = postcodes[point.postcode] = postcode_key(point.postcode)
                self._add(index, point.housenumber, street, city, postcode, near)
        self._streets_near = {k: sorted(v) for k, v in near.items()}
        self._all_streets = sorted(self._by_street)

    def _add(
        self,
        index: int,
        housenumber: str,
        street: str,
        city: str,
        postcode: str,
        near: dict[str, set[str]],
    ) -> None:
        self._by_street.setdefault(street, []).append(index)
        for key in number_keys(housenumber):
            self._by_address.setdefault((street, key), []).append(index)
        self._postcode_keys.append(postcode)
        self._city_keys.append(city)
        if postcode:
            self._by_postcode.setdefault(postcode, []).append(index)
            near.setdefault("p:" + postcode, set()).add(street)
        if city:
            near.setdefault("c:" + city, set()).add(street)

    def __len__(self) -> int:
        return len(self.points)

    def __repr__(self) -> str:
        return f"OsmAddressIndex({len(self.points)} addresses, {len(self._by_street)} streets)"

    # Building and persistence

    @classmethod
    def from_file(cls, path: Path) -> OsmAddressIndex:
        """Parse an OSM extract (.osm.pbf, .osm, .osm.bz2): about 1 s per 100,000 address
        nodes (measured on a synthetic extract); `load` of a saved index about 0.6 s."""
        path = Path(path)
        return cls(read_addresses(path), SourceStamp.of(path))

    def save(self, path: Path) -> None:
        """Write the index as gzipped JSON (load it back with `load`)."""
        save_points(Path(path), self.points, self.stamp)

    @classmethod
    def load(cls, path: Path) -> OsmAddressIndex:
        """Read an index written by `save`."""
        points, stamp = load_points(Path(path))
        return cls(points, stamp)

    @classmethod
    def open(cls, path: Path, cache_path: Path | None = None) -> OsmAddressIndex:
        """An index from a saved index file, or from an extract through a cache file that is
        rebuilt when the extract changes (default: next to the extract)."""
        path = Path(path)
        if not path.name.endswith(EXTRACT_SUFFIXES) or path.name.endswith(".json.gz"):
            return cls.load(path)
        cache_path = Path(cache_path) if cache_path else path.with_name(path.name + ".addr.json.gz")
        stamp = SourceStamp.of(path)
        if cache_path.is_file():
            try:
                index = cls.load(cache_path)
                if index.stamp == stamp:
                    return index
                log.info("address index %s is stale; rebuilding from %s", cache_path, path)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("unreadable address index %s (%s); rebuilding", cache_path, exc)
        index = cls.from_file(path)
        try:
            index.save(cache_path)
        except OSError as exc:  # a read-only data dir costs a rebuild per start, nothing more
            log.warning("could not save the address index to %s: %s", cache_path, exc)
        return index

    # Lookup

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        """ADDRESS, STREET or POSTCODE result from the extract, or None."""
        postcode = postcode_key(query.postcode)
        city = place_key(query.city)
        if query.street and query.street.strip():
            result = self._lookup_street(query.street, postcode, city)
            if result is not None:
                return result
        return self._postcode_centroid(postcode)

    def _lookup_street(self, line: str, postcode: str, city: str) -> GeocodeResult | None:
        readings = split_street_line(line)
        for reading in readings:
            street = street_match_key(reading.street)
            if street in self._by_street:
                return self._on_street(street, 1.0, reading.number, postcode, city)
        fuzzy_reading = readings[0]
        found = self._fuzzy_street(street_match_key(fuzzy_reading.street), postcode, city)
        if found is None:
            return None
        street, ratio = found
        return self._on_street(street, ratio / 100.0, fuzzy_reading.number, postcode, city)

    def _fuzzy_street(self, street: str, postcode: str, city: str) -> tuple[str, float] | None:
        """The one street name close enough to `street`, looked for among the streets of the
        query's postcode, then of its city, and among all streets only when the query names
        no locality the index knows."""
        if not street:
            return None
        localities = [f"p:{postcode}" if postcode else "", f"c:{city}" if city else ""]
        choice_lists = [self._streets_near[k] for k in localities if k in self._streets_near]
        for choices in choice_lists or [self._all_streets]:
            best = process.extract(street, choices, scorer=fuzz.ratio, limit=2)
            if not best or best[0][1] < FUZZY_MIN_RATIO:
                continue
            if len(best) > 1 and best[0][1] - best[1][1] < FUZZY_MIN_LEAD:
                return None  # two streets fit about equally: refuse to guess
            return best[0][0], best[0][1]
        return None

    def _local(self, rows: Iterable[int], postcode: str, city: str) -> tuple[list[int], float]:
        """Rows in the query's locality and a confidence factor; ([], 0) when the street's
        addresses all lie in another city or postcode."""
        rows = list(rows)
        if not postcode and not city:
            cities = {self._city_keys[i] for i in rows} - {""}
            return rows, 1.0 if len(cities) <= 1 else 0.6
        matching, unknown, elsewhere = [], [], 0
        for i in rows:
            row_city, row_postcode = self._city_keys[i], self._postcode_keys[i]
            if (postcode and row_postcode == postcode) or (city and row_city == city):
                matching.append(i)
            elif (not postcode or not row_postcode) and (not city or not row_city):
                unknown.append(i)  # the row lacks every field the query could be checked by
            else:
                elsewhere += 1
        if matching:
            return matching + unknown, 1.0
        # Untagged rows of a street whose tagged rows are all elsewhere are elsewhere too.
        if unknown and not elsewhere:
            return unknown, 0.8
        return [], 0.0

    def _on_street(
        self, street: str, ratio: float, number: str | None, postcode: str, city: str
    ) -> GeocodeResult | None:
        if number is not None:
            key = number_key(number)
            rows, factor = self._local(self._by_address.get((street, key), ()), postcode, city)
            if rows:
                return self._point(self._medoid(rows), Precision.ADDRESS, ratio * factor, "")
            base = base_number(number)
            if base is not None:
                rows, factor = self._local(self._by_address.get((street, base), ()), postcode, city)
                if rows:
                    note = f"no {number!r}, took {base}"
                    score = 0.9 * ratio * factor
                    return self._point(self._medoid(rows), Precision.ADDRESS, score, note)
        rows, factor = self._local(self._by_street[street], postcode, city)
        if not rows:
            return None
        wanted = number_value(number) if number is not None else None
        if wanted is not None:
            nearest = min(rows, key=lambda i: _number_distance(self.points[i].housenumber, wanted))
            note = f"no {number}; nearest {self.points[nearest].housenumber}"
            return self._point(nearest, Precision.STREET, 0.8 * ratio * factor, note)
        lat = sum(self.points[i].latitude for i in rows) / len(rows)
        lon = sum(self.points[i].longitude for i in rows) / len(rows)
        point = self.points[rows[0]]
        matched = (
            f"{point.street}, {point.city or point.postcode} (middle of {len(rows)} addresses)"
        )
        return GeocodeResult(
            lat, lon, Precision.STREET, self.source, 0.85 * ratio * factor, matched
        )

    def _medoid(self, rows: list[int]) -> int:
        """The row nearest the rows' mean: one address is often several OSM objects (the
        building, its entrances, its shops), and the middle one stands for the building."""
        if len(rows) == 1:
            return rows[0]
        lat = sum(self.points[i].latitude for i in rows) / len(rows)
        lon = sum(self.points[i].longitude for i in rows) / len(rows)
        return min(
            rows,
            key=lambda i: (
                (self.points[i].latitude - lat) ** 2 + (self.points[i].longitude - lon) ** 2
            ),
        )

    def _point(self, index: int, precision: Precision, score: float, note: str) -> GeocodeResult:
        point = self.points[index]
        place = " ".join(part for part in (point.postcode, point.city) if part)
        matched = f"{point.street} {point.housenumber}" + (f", {place}" if place else "")
        if note:
            matched += f" ({note})"
        return GeocodeResult(
            point.latitude, point.longitude, precision, self.source, min(score, 1.0), matched
        )

    def _postcode_centroid(self, postcode: str) -> GeocodeResult | None:
        rows = self._by_postcode.get(postcode) if postcode else None
        if not rows:
            return None
        lat = sum(self.points[i].latitude for i in rows) / len(rows)
        lon = sum(self.points[i].longitude for i in rows) / len(rows)
        matched = f"{self.points[rows[0]].postcode} (mean of {len(rows)} addresses)"
        return GeocodeResult(lat, lon, Precision.POSTCODE, self.source, 0.8, matched)


def _number_distance(housenumber: str, wanted: int) -> tuple[int, int]:
    # Odd and even numbers usually face each other across the street: same parity first.
    # One number on the same side is about as near as the facing house.
    value = number_value(housenumber)
    if value is None:
        return (1 << 30, 1)
    other_side = (value - wanted) % 2
    return abs(value - wanted) + other_side, other_side
