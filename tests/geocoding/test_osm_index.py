"""The OSM address index, on real central-Helsinki addresses (© OpenStreetMap contributors)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from geopy.distance import distance

from app.geocoding import AddressQuery, OsmAddressIndex, Precision

DATA = Path(__file__).parent / "data"
EXTRACT = DATA / "helsinki-addresses.osm.pbf"

# Kaivokatu 8 (Helsinki railway station block), mean of its OSM objects.
KAIVOKATU_8 = (60.17005, 24.94173)


def _km(result_lat: float, result_lon: float, expected: tuple[float, float]) -> float:
    return float(distance((result_lat, result_lon), expected).km)


def test_extract_holds_the_expected_addresses(helsinki: OsmAddressIndex) -> None:
    # 1,451 address objects: nodes, building ways and multipolygon relations.
    assert len(helsinki) == 1451
    assert EXTRACT.stat().st_size < 300_000


def test_exact_address_is_address_precise(helsinki: OsmAddressIndex) -> None:
    result = helsinki.lookup(AddressQuery("Kaivokatu 8", "Helsinki", country="FI"))
    assert result is not None
    assert result.precision is Precision.ADDRESS
    assert result.source == "osm-index"
    assert result.score == 1.0
    assert result.matched.startswith("Kaivokatu 8")
    assert _km(result.latitude, result.longitude, KAIVOKATU_8) < 0.1


def test_geopy_interface_returns_a_location(helsinki: OsmAddressIndex) -> None:
    location = helsinki.geocode("Mannerheimintie 5, 00100 Helsinki")
    assert location is not None
    assert location.raw["precision"] == "address"
    assert location.raw["source"] == "osm-index"
    assert helsinki.geocode("Mannerheimintie 5", exactly_one=False) == [location]


def test_typo_in_the_street_name_still_finds_the_address(helsinki: OsmAddressIndex) -> None:
    exact = helsinki.lookup(AddressQuery("Aleksanterinkatu 52", "Helsinki"))
    typo = helsinki.lookup(AddressQuery("Aleksantterinkatu 52", "Helsinki"))
    assert exact is not None
    assert typo is not None
    assert typo.precision is Precision.ADDRESS
    assert (typo.latitude, typo.longitude) == (exact.latitude, exact.longitude)
    assert 0.85 <= typo.score < exact.score


def test_street_names_match_without_diacritics(helsinki: OsmAddressIndex) -> None:
    result = helsinki.lookup(AddressQuery("Yrjonkatu 21", "Helsinki"))
    assert result is not None
    assert result.precision is Precision.ADDRESS
    assert result.matched.startswith("Yrjönkatu 21")


def test_us_style_number_first_and_staircase_suffix(helsinki: OsmAddressIndex) -> None:
    number_first = helsinki.lookup(AddressQuery("8 Kaivokatu"))
    staircase = helsinki.lookup(AddressQuery("Kaivokatu 8 B 12"))
    assert number_first is not None
    assert number_first.precision is Precision.ADDRESS
    assert staircase is not None
    assert staircase.precision is Precision.ADDRESS
    assert staircase.score == pytest.approx(0.9)  # no "8 B" in OSM: the building "8" stands in


def test_unknown_house_number_is_only_street_precise(helsinki: OsmAddressIndex) -> None:
    # Annankatu's addresses in the extract start at 10.
    result = helsinki.lookup(AddressQuery("Annankatu 1", "Helsinki"))
    assert result is not None
    assert result.precision is Precision.STREET
    assert "nearest" in result.matched


def test_street_without_number_is_street_precise(helsinki: OsmAddressIndex) -> None:
    result = helsinki.lookup(AddressQuery("Annankatu", "Helsinki"))
    assert result is not None
    assert result.precision is Precision.STREET
    # The middle of Annankatu's addresses lies on Annankatu, within a few hundred metres.
    nearest_address = helsinki.lookup(AddressQuery("Annankatu 16", "Helsinki"))
    assert nearest_address is not None
    assert (
        _km(
            result.latitude, result.longitude, (nearest_address.latitude, nearest_address.longitude)
        )
        < 0.5
    )


def test_unknown_street_is_no_answer(helsinki: OsmAddressIndex) -> None:
    assert helsinki.lookup(AddressQuery("Olematonkatu 3", "Helsinki")) is None
    assert (
        helsinki.lookup(AddressQuery("1600 Pennsylvania Ave NW", "Washington", region="DC")) is None
    )


def test_street_of_another_city_is_no_answer(helsinki: OsmAddressIndex) -> None:
    assert helsinki.lookup(AddressQuery("Mannerheimintie 5", "Espoo")) is None


def test_unknown_street_with_known_postcode_gives_the_postcode_area(
    helsinki: OsmAddressIndex,
) -> None:
    result = helsinki.lookup(AddressQuery("Olematonkatu 3", postcode="00120"))
    assert result is not None
    assert result.precision is Precision.POSTCODE
    assert result.score < 1.0


def test_addresses_drawn_as_ways_and_relations_are_found(helsinki: OsmAddressIndex) -> None:
    # Alvar Aallon katu 1 is only a building way; Korkeavuorenkatu 26 only a multipolygon.
    way = helsinki.lookup(AddressQuery("Alvar Aallon katu 1"))
    relation = helsinki.lookup(AddressQuery("Korkeavuorenkatu 26"))
    assert way is not None
    assert way.precision is Precision.ADDRESS
    assert 60.17463 <= way.latitude <= 60.17529
    assert 24.93769 <= way.longitude <= 24.93929
    assert relation is not None
    assert relation.precision is Precision.ADDRESS


def test_area_centroids_from_a_synthetic_file(tmp_path: Path) -> None:
    """A node, a square building way and a square multipolygon: exact centroids."""
    nodes = {
        1: (60.0, 25.0), 2: (60.0, 25.002), 3: (60.002, 25.002), 4: (60.002, 25.0),
        5: (61.0, 26.0), 6: (61.0, 26.004), 7: (61.004, 26.004), 8: (61.004, 26.0),
    }  # fmt: skip
    node_xml = "".join(
        f'<node id="{i}" version="1" lat="{lat}" lon="{lon}"/>' for i, (lat, lon) in nodes.items()
    )
    osm = f"""<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
{node_xml}
<node id="9" version="1" lat="62.0" lon="27.0">
  <tag k="addr:street" v="Testikatu"/><tag k="addr:housenumber" v="1"/>
</node>
<way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="building" v="yes"/><tag k="addr:street" v="Testikatu"/>
  <tag k="addr:housenumber" v="2"/><tag k="addr:city" v="Testila"/>
</way>
<way id="11" version="1"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/></way>
<relation id="12" version="1"><member type="way" ref="11" role="outer"/>
  <tag k="type" v="multipolygon"/><tag k="building" v="yes"/>
  <tag k="addr:street" v="Testikatu"/><tag k="addr:housenumber" v="3"/>
</relation>
</osm>"""
    path = tmp_path / "tiny.osm"
    path.write_text(osm, encoding="utf-8")
    index = OsmAddressIndex.from_file(path)
    found = {p.housenumber: (p.latitude, p.longitude) for p in index.points}
    assert found == {
        "1": (62.0, 27.0),
        "2": pytest.approx((60.001, 25.001)),
        "3": pytest.approx((61.002, 26.002)),
    }


def test_save_and_load_round_trip(helsinki: OsmAddressIndex, tmp_path: Path) -> None:
    path = tmp_path / "index.json.gz"
    helsinki.save(path)
    loaded = OsmAddressIndex.load(path)
    assert loaded.points == helsinki.points
    assert loaded.stamp == helsinki.stamp
    query = AddressQuery("Kaivokatu 8", "Helsinki")
    assert loaded.lookup(query) == helsinki.lookup(query)


def test_open_builds_once_then_reuses_the_cache_until_the_extract_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = tmp_path / "helsinki.osm.pbf"
    shutil.copy(EXTRACT, extract)
    cache = tmp_path / "cache" / "addresses.json.gz"
    builds: list[Path] = []
    real_from_file = OsmAddressIndex.from_file.__func__  # type: ignore[attr-defined]

    def counting_from_file(cls: type[OsmAddressIndex], path: Path) -> OsmAddressIndex:
        builds.append(path)
        return real_from_file(cls, path)  # type: ignore[no-any-return]

    monkeypatch.setattr(OsmAddressIndex, "from_file", classmethod(counting_from_file))
    first = OsmAddressIndex.open(extract, cache)
    second = OsmAddressIndex.open(extract, cache)
    assert len(builds) == 1
    assert second.points == first.points
    stat = extract.stat()
    os.utime(extract, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    OsmAddressIndex.open(extract, cache)
    assert len(builds) == 2
    assert len(OsmAddressIndex.open(cache)) == len(first)  # a saved index opens directly


def test_lookups_are_fast(helsinki: OsmAddressIndex) -> None:
    import time

    queries = [AddressQuery(f"Annankatu {n}", "Helsinki") for n in range(10, 40)]
    start = time.perf_counter()
    for _ in range(20):
        for query in queries:
            helsinki.lookup(query)
    per_query_ms = (time.perf_counter() - start) * 1000 / (20 * len(queries))
    assert per_query_ms < 2.0
