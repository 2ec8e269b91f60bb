"""AddressQuery keys and parsing, GeocodeResult <-> geopy Location."""

from __future__ import annotations

import pytest
from geopy.location import Location
from geopy.point import Point
from hypothesis import given
from hypothesis import strategies as st

from app.geocoding import AddressQuery, GeocodeResult, Precision, as_query

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789äöåéüñçÄÖÅÉÜÑÇ"
SEPARATORS = [" ", "  ", "\t", " , ", ". ", "-", " - ", ",", "/", " ' "]


def _respell(words: list[str], draw: st.DataObject) -> str:
    """The same words in another case, with other separators and stray punctuation."""
    out = draw.draw(st.sampled_from(["", " ", "  ", "\n", ", "]))
    for i, word in enumerate(words):
        case = draw.draw(st.sampled_from(["lower", "upper", "title", "keep"]))
        out += word if case == "keep" else getattr(word, case)()
        out += draw.draw(st.sampled_from(SEPARATORS)) if i < len(words) - 1 else ""
    return out + draw.draw(st.sampled_from(["", ".", ",", " ", " .", "!"]))


@given(
    street=st.lists(st.text(LETTERS, min_size=1, max_size=8), min_size=1, max_size=4),
    city=st.lists(st.text(LETTERS, min_size=1, max_size=8), min_size=1, max_size=3),
    data=st.data(),
)
def test_key_is_stable_under_case_whitespace_and_punctuation(
    street: list[str], city: list[str], data: st.DataObject
) -> None:
    plain = AddressQuery(street=" ".join(street), city=" ".join(city), postcode="02139")
    respelt = AddressQuery(
        street=_respell(street, data), city=_respell(city, data), postcode=" 02139 "
    )
    assert plain.key() == respelt.key()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 Main Street", "12 main st."),
        ("5th Avenue", "5TH AVE"),
        ("100 North Broadway Boulevard", "100 N. Broadway Blvd"),
        ("Hauptstraße 5", "Hauptstr. 5"),
        ("O'Brien Road", "OBrien Rd"),
    ],
)
def test_key_normalises_street_type_abbreviations(a: str, b: str) -> None:
    assert AddressQuery(street=a).key() == AddressQuery(street=b).key()


def test_key_tells_different_addresses_apart() -> None:
    base = AddressQuery("12 Main St", "Springfield", "62701", "IL", "US")
    assert base.key() != AddressQuery("14 Main St", "Springfield", "62701", "IL", "US").key()
    assert base.key() != AddressQuery("12 Main St", "Springfield", "65801", "MO", "US").key()
    assert AddressQuery(street="Töölönkatu 5").key() != AddressQuery(street="Toolonkatu 5").key()


def test_key_normalises_country_and_state_but_ignores_coordinates() -> None:
    a = AddressQuery("1 Elm St", "Boston", region="Massachusetts", country="United States")
    b = AddressQuery("1 Elm St", "Boston", region="MA", country="usa", latitude=42.3, longitude=-71)
    assert a.key() == b.key()
    assert a.key().endswith("|ma|us")
    assert a.country_code == "US"
    assert AddressQuery(country="Finland").country_code == "FI"
    assert AddressQuery(country="Narnia").country_code is None
    assert AddressQuery().key() == ""


def test_one_line_and_structured() -> None:
    query = AddressQuery("12 Main St", "Springfield", "62701", "IL", "USA")
    assert query.one_line() == "12 Main St, Springfield, IL 62701, USA"
    assert query.structured() == {
        "street": "12 Main St",
        "city": "Springfield",
        "state": "IL",
        "postalcode": "62701",
        "country": "USA",
    }
    assert AddressQuery(city=" Helsinki ").structured() == {"city": "Helsinki"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "12 Main St, Springfield, IL 62701, USA",
            AddressQuery("12 Main St", "Springfield", "62701", "IL", "USA"),
        ),
        ("Annankatu 12, 00120 Helsinki", AddressQuery("Annankatu 12", "Helsinki", "00120")),
        ("Cambridge, MA", AddressQuery(city="Cambridge", region="MA")),
        ("02139", AddressQuery(postcode="02139")),
        ("Helsinki", AddressQuery(city="Helsinki")),
        ("60.1699, 24.9384", AddressQuery(latitude=60.1699, longitude=24.9384)),
    ],
)
def test_parse_one_line(text: str, expected: AddressQuery) -> None:
    assert AddressQuery.parse(text) == expected


def test_as_query_accepts_nominatim_dicts() -> None:
    query = as_query({"street": "12 Main St", "postalcode": "62701", "state": "IL", "lat": "39.8"})
    assert query == AddressQuery("12 Main St", None, "62701", "IL", None, 39.8, None)
    with pytest.raises(TypeError):
        as_query(42)  # type: ignore[arg-type]


def test_result_round_trips_through_a_geopy_location() -> None:
    result = GeocodeResult(42.3647, -71.1042, Precision.POSTCODE, "us-zip", 0.9, "02139 Cambridge")
    location = result.to_location()
    assert isinstance(location, Location)
    assert location.raw["precision"] == "postcode"
    assert location.raw["score"] == 0.9
    assert location.raw["source"] == "us-zip"
    assert GeocodeResult.from_location(location, "other") == result


def test_a_foreign_location_claims_no_more_than_city_precision() -> None:
    foreign = Location("Somewhere", Point(10.0, 20.0), {"place_id": 1})
    result = GeocodeResult.from_location(foreign, "nominatim")
    assert result.precision is Precision.CITY
    assert result.source == "nominatim"
    assert result.matched == "Somewhere"


@pytest.mark.parametrize(("lat", "lon", "score"), [(91, 0, 1), (0, 181, 1), (1, 1, 1.5)])
def test_result_rejects_impossible_values(lat: float, lon: float, score: float) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the field
        GeocodeResult(lat, lon, Precision.CITY, "x", score, "")


def test_precision_accepts_rooftop_as_address() -> None:
    assert Precision("rooftop") is Precision.ADDRESS
    assert Precision("ROOFTOP") is Precision.ADDRESS
    assert Precision.MANUAL.rank == Precision.ADDRESS.rank > Precision.STREET.rank
    assert Precision.STREET.rank > Precision.POSTCODE.rank > Precision.CITY.rank
    with pytest.raises(ValueError):  # noqa: PT011
        Precision("county")
