"""Coordinates that come with the address (CRM columns) are used as they are, if sane."""

from __future__ import annotations

import math

import pytest

from app.geocoding import AddressQuery, InputCoordinates, Precision


def test_given_coordinates_are_an_address_precise_answer() -> None:
    location = InputCoordinates().geocode(AddressQuery(latitude=60.17, longitude=24.94))
    assert location is not None
    assert (location.latitude, location.longitude) == (60.17, 24.94)
    assert location.raw == {
        "precision": "address",
        "score": 1.0,
        "source": "input",
        "matched": "60.170000, 24.940000 (given)",
    }


def test_a_pin_placed_by_hand_can_be_marked_manual() -> None:
    result = InputCoordinates(Precision.MANUAL).lookup(AddressQuery(latitude=1.5, longitude=2.5))
    assert result is not None
    assert result.precision is Precision.MANUAL


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (None, 24.9),
        (60.1, None),
        (0.0, 0.0),  # spreadsheet placeholder, "Null Island"
        (90.5, 10.0),
        (-91.0, 10.0),
        (10.0, 180.5),
        (10.0, -181.0),
        (math.nan, 10.0),
        (10.0, math.inf),
    ],
)
def test_missing_or_impossible_coordinates_are_no_answer(
    lat: float | None, lon: float | None
) -> None:
    assert InputCoordinates().geocode(AddressQuery(latitude=lat, longitude=lon)) is None


def test_edges_of_the_valid_range_are_accepted() -> None:
    geocoder = InputCoordinates()
    assert geocoder.lookup(AddressQuery(latitude=-90.0, longitude=180.0)) is not None
    assert geocoder.lookup(AddressQuery(latitude=0.0, longitude=0.5)) is not None


def test_a_coordinate_string_is_understood() -> None:
    location = InputCoordinates().geocode("60.1699, 24.9384")
    assert location is not None
    assert location.point.latitude == pytest.approx(60.1699)
