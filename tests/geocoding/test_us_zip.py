"""US ZIP centroids: the right point, honest precision, and scores that notice contradictions."""

from __future__ import annotations

import pytest
from geopy.distance import distance

from app.geocoding import AddressQuery, Precision, UsZipCentroids, UsZipCities
from app.geocoding.us_zip import parse_us_zip, zip_table

# Reference points (degrees) from outside the zipcodes package: Census ZCTA internal points.
KNOWN = {
    "10001": (40.7507, -73.9972),  # New York, Chelsea
    "60601": (41.8853, -87.6217),  # Chicago, the Loop
    "02139": (42.3640, -71.1040),  # Cambridge, MA
    "94103": (37.7725, -122.4110),  # San Francisco, SoMa
}


@pytest.mark.parametrize("zip_code", sorted(KNOWN))
def test_known_zip_is_postcode_precise_at_its_centroid(zip_code: str) -> None:
    result = UsZipCentroids().lookup(AddressQuery(postcode=zip_code))
    assert result is not None
    assert result.precision is Precision.POSTCODE
    assert result.source == "us-zip"
    assert result.score == 1.0
    assert distance((result.latitude, result.longitude), KNOWN[zip_code]).km < 5


def test_geopy_interface() -> None:
    location = UsZipCentroids().geocode({"postalcode": "60601", "country": "USA"})
    assert location is not None
    assert location.raw["precision"] == "postcode"
    assert location.address.startswith("60601 Chicago, IL")


@pytest.mark.parametrize(
    ("postcode", "country", "expected"),
    [
        ("02139", None, ("02139", 1.0, "")),
        ("02139-4307", "US", ("02139", 1.0, "")),
        ("021394307", None, ("02139", 1.0, "")),
        ("2139", "USA", ("02139", 0.9, "leading zero restored")),
        ("2139", None, ("02139", 0.7, "leading zero restored")),
        ("2139-4307", "United States", ("02139", 0.9, "leading zero restored")),
        ("501", "United States of America", ("00501", 0.8, "leading zeros restored")),
        ("501", None, None),  # three digits are too ambiguous without the country
        ("2139", "Denmark", None),
        ("00100", "FI", None),
        ("SW1A 1AA", None, None),
        ("", None, None),
    ],
)
def test_parse_us_zip(
    postcode: str, country: str | None, expected: tuple[str, float, str] | None
) -> None:
    assert parse_us_zip(postcode, country) == expected


def test_zip_that_lost_its_leading_zero_still_places() -> None:
    result = UsZipCentroids().lookup(AddressQuery(postcode="2139", city="Cambridge", region="MA"))
    assert result is not None
    assert distance((result.latitude, result.longitude), KNOWN["02139"]).km < 5
    assert result.score == pytest.approx(0.7)
    assert "leading zero restored" in result.matched


def test_non_us_country_is_never_read_as_a_zip() -> None:
    assert UsZipCentroids().lookup(AddressQuery(postcode="10001", country="Finland")) is None


def test_unknown_zip_is_no_answer() -> None:
    assert UsZipCentroids().lookup(AddressQuery(postcode="00000")) is None
    assert UsZipCentroids().lookup(AddressQuery(city="Chicago")) is None


def test_contradicting_city_or_state_lowers_the_score_and_says_so() -> None:
    geocoder = UsZipCentroids()
    agreeing = geocoder.lookup(AddressQuery(postcode="02139", city="Cambridge", region="MA"))
    other_city = geocoder.lookup(AddressQuery(postcode="02139", city="Boston", region="MA"))
    other_state = geocoder.lookup(AddressQuery(postcode="02139", city="Cambridge", region="NY"))
    assert agreeing is not None
    assert other_city is not None
    assert other_state is not None
    assert agreeing.score == 1.0
    assert other_city.score < agreeing.score
    assert "'Boston' differs" in other_city.matched
    assert other_state.score < agreeing.score
    assert "state NY differs" in other_state.matched
    # The ZIP still decides the point.
    assert (other_city.latitude, other_city.longitude) == (agreeing.latitude, agreeing.longitude)


def test_alias_and_misspelt_city_names_agree_with_the_zip() -> None:
    geocoder = UsZipCentroids()
    alias = geocoder.lookup(AddressQuery(postcode="10001", city="Manhattan"))
    typo = geocoder.lookup(AddressQuery(postcode="60601", city="Chicgo"))
    assert alias is not None
    assert alias.score == 1.0
    assert typo is not None
    assert 0.9 <= typo.score < 1.0


def test_the_zip_table_is_built_once_and_skips_unlocated_zips() -> None:
    assert zip_table() is zip_table()
    table = zip_table()
    assert len(table) > 40_000
    assert all(not (e.latitude == 0 and e.longitude == 0) for e in table.values())


def test_us_city_from_zip_centroids_needs_a_state() -> None:
    geocoder = UsZipCities()
    result = geocoder.lookup(AddressQuery(city="Holtsville", region="NY"))
    assert result is not None
    assert result.precision is Precision.CITY
    assert result.source == "us-zip-city"
    assert distance((result.latitude, result.longitude), (40.8154, -73.0451)).km < 10
    saint = geocoder.lookup(AddressQuery(city="St. Louis", region="Missouri", country="US"))
    assert saint is not None
    assert distance((saint.latitude, saint.longitude), (38.627, -90.199)).km < 20
    assert geocoder.lookup(AddressQuery(city="Springfield")) is None
    assert geocoder.lookup(AddressQuery(city="Springfield", region="IL", country="CA")) is None
