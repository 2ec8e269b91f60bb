"""Read `addr:*` objects from an OSM extract (pyosmium) and store them as a compact JSON file.

Nodes give their location; buildings drawn as ways or multipolygon relations give the mean of
their outline's nodes, which for a building is within metres of its centroid.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import osmium
import osmium.filter
import osmium.osm

INDEX_FORMAT = "fieldroute-osm-addresses/1"
EXTRACT_SUFFIXES = (".pbf", ".osm", ".bz2", ".gz", ".o5m", ".opl")


class AddressPoint(NamedTuple):
    """One OSM address: location in degrees and the tags as written in OSM."""

    latitude: float
    longitude: float
    street: str
    housenumber: str
    postcode: str
    city: str


class SourceStamp(NamedTuple):
    """Identity of the extract an index was built from (size in bytes, mtime in ns)."""

    name: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> SourceStamp:
        """Stamp of the file at `path` as it is now."""
        stat = path.stat()
        return cls(path.name, stat.st_size, stat.st_mtime_ns)


def _mean(coords: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    lats, lons = [], []
    for lon, lat in coords:
        lons.append(lon)
        lats.append(lat)
    if not lats:
        return None
    return sum(lats) / len(lats), sum(lons) / len(lons)


def _ring_coords(refs: Sequence[osmium.osm.NodeRef]) -> Iterator[tuple[float, float]]:
    closed = len(refs) > 1 and refs[0].ref == refs[-1].ref
    for ref in refs[:-1] if closed else refs:
        if ref.location.valid():
            yield ref.lon, ref.lat


def _position(obj: object) -> tuple[float, float] | None:
    if isinstance(obj, osmium.osm.Node):
        return (obj.location.lat, obj.location.lon) if obj.location.valid() else None
    if isinstance(obj, osmium.osm.Way):
        return _mean(_ring_coords(list(obj.nodes)))
    if isinstance(obj, osmium.osm.Area) and not obj.from_way():
        coords: list[tuple[float, float]] = []
        for ring in obj.outer_rings():
            coords.extend(_ring_coords(list(ring)))
        return _mean(coords)
    # Relations come back as areas; areas made from ways were already read as ways.
    return None


def read_addresses(path: Path) -> list[AddressPoint]:
    """Every object with `addr:housenumber` and `addr:street` (or `addr:place`, used where
    houses are numbered by village) in the extract at `path`."""
    has_number = osmium.filter.KeyFilter("addr:housenumber")
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations()
        .with_areas(osmium.filter.KeyFilter("addr:housenumber"))
        .with_filter(has_number)
    )
    points: list[AddressPoint] = []
    for obj in processor:
        tags = obj.tags
        street = tags.get("addr:street") or tags.get("addr:place")
        if not street:
            continue
        position = _position(obj)
        if position is None:
            continue
        points.append(
            AddressPoint(
                round(position[0], 7),
                round(position[1], 7),
                street,
                tags.get("addr:housenumber") or "",
                tags.get("addr:postcode") or "",
                tags.get("addr:city") or "",
            )
        )
    return points


def _interned(values: Iterable[str]) -> tuple[list[str], list[int]]:
    table: dict[str, int] = {}
    indices = [table.setdefault(value, len(table)) for value in values]
    return list(table), indices


def save_points(path: Path, points: Sequence[AddressPoint], stamp: SourceStamp | None) -> None:
    """Write `points` as gzipped columnar JSON (atomically: a temp file, then a rename)."""
    streets, street_ix = _interned(p.street for p in points)
    postcodes, postcode_ix = _interned(p.postcode for p in points)
    cities, city_ix = _interned(p.city for p in points)
    document: dict[str, Any] = {
        "format": INDEX_FORMAT,
        "source": stamp._asdict() if stamp else None,
        "streets": streets,
        "postcodes": postcodes,
        "cities": cities,
        "latitude": [p.latitude for p in points],
        "longitude": [p.longitude for p in points],
        "street": street_ix,
        "housenumber": [p.housenumber for p in points],
        "postcode": postcode_ix,
        "city": city_ix,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)


def load_points(path: Path) -> tuple[list[AddressPoint], SourceStamp | None]:
    """Read a file written by `save_points`; ValueError if it is not one."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    if not isinstance(document, dict) or document.get("format") != INDEX_FORMAT:
        raise ValueError(f"{path} is not a {INDEX_FORMAT} file")
    streets, postcodes, cities = document["streets"], document["postcodes"], document["cities"]
    points = [
        AddressPoint(lat, lon, streets[s], number, postcodes[p], cities[c])
        for lat, lon, s, number, p, c in zip(
            document["latitude"],
            document["longitude"],
            document["street"],
            document["housenumber"],
            document["postcode"],
            document["city"],
            strict=True,
        )
    ]
    source = document.get("source")
    return points, SourceStamp(**source) if source else None
