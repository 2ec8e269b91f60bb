"""World places: city-only queries are city-precise, ambiguity shows in the score."""

from __future__ import annotations

import pytest
from geopy.distance import distance

from app.geocoding import AddressQuery, Precision, WorldPlaces
from app.geocoding.world_places import place_table


@pytest.fixture(scope="module")
def places() -> WorldPlaces:
    return WorldPlaces()


def _near(result_lat: float, result_lon: float, expected: tuple[float, float], km: float) -> bool:
    return float(distance((result_lat, result_lon), expected).km) < km


def test_city_with_country_is_city_precise(places: WorldPlaces) -> None:
    result = places.lookup(AddressQuery(city="Helsinki", country="Finland"))
    assert result is not None
    assert result.precision is Precision.CITY
    assert result.source == "world-places"
    assert result.score == pytest.approx(0.9)
    assert _near(result.latitude, result.longitude, (60.1699, 24.9384), 5)


def test_us_state_disambiguates(places: WorldPlaces) -> None:
    illinois = places.lookup(AddressQuery(city="Springfield", region="IL"))
    massachusetts = places.lookup(AddressQuery(city="Springfield", region="Massachusetts"))
    anywhere_in_us = places.lookup(AddressQuery(city="Springfield", country="US"))
    assert illinois is not None
    assert massachusetts is not None
    assert anywhere_in_us is not None
    assert _near(illinois.latitude, illinois.longitude, (39.80, -89.64), 10)
    assert _near(massachusetts.latitude, massachusetts.longitude, (42.10, -72.59), 10)
    assert anywhere_in_us.score < illinois.score  # many Springfields: a guess


def test_a_state_without_that_city_is_a_miss_not_another_state(places: WorldPlaces) -> None:
    assert places.lookup(AddressQuery(city="Chicago", region="TX", country="US")) is None


def test_city_without_country_picks_the_most_populous_but_says_it_is_unsure(
    places: WorldPlaces,
) -> None:
    result = places.lookup(AddressQuery(city="Cambridge"))
    assert result is not None
    assert result.matched == "Cambridge, GB"
    assert result.score <= 0.5


def test_alternate_names_of_big_cities(places: WorldPlaces) -> None:
    swedish = places.lookup(AddressQuery(city="Helsingfors"))
    english = places.lookup(AddressQuery(city="Munich", country="DE"))
    short = places.lookup(AddressQuery(city="New York", country="USA"))
    assert swedish is not None
    assert swedish.matched.startswith("Helsinki, FI")
    assert english is not None
    assert _near(english.latitude, english.longitude, (48.137, 11.575), 10)
    assert short is not None
    assert short.matched.startswith("New York City, NY")


def test_rubbish_and_empty_are_no_answer(places: WorldPlaces) -> None:
    assert places.lookup(AddressQuery(city="Xqzzvbl")) is None
    assert places.lookup(AddressQuery(city="Helsinki", country="US")) is None
    assert places.lookup(AddressQuery(street="Kaivokatu 8")) is None
    assert places.geocode("qwertyuiop asdfgh") is None


def test_table_is_built_once_per_threshold() -> None:
    assert place_table() is place_table()
    with pytest.raises(ValueError, match="min_population"):
        WorldPlaces(min_population=1234)
