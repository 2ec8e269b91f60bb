"""Placing accounts and reps' homes on the map: the geocoding chain, the cache, honest precision.

One chain per process (building the offline indexes takes a moment); one cache, in the database.
A manual pin wins until the address changes; what cannot be placed keeps no point and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from app.core import clock
from app.core.config import Settings
from app.geocoding import AddressQuery, CachingGeocoder, GeocoderChain, GeocodeResult, build_chain
from app.models import Account, Rep
from app.placement.cache import DbGeocodeCache

ADDRESS_FIELDS = frozenset({"street", "city", "postcode", "region", "country"})


@lru_cache(maxsize=4)
def _chain(
    osm_extract: Path | None,
    osm_cache: Path,
    online: str | None,
    user_agent: str,
    timeout_s: float,
    min_delay_s: float,
    api_key: str | None,
    domain: str | None,
) -> GeocoderChain:
    return build_chain(
        osm_index_path=osm_extract,
        osm_cache_path=osm_cache,
        online_service=online,
        user_agent=user_agent,
        timeout_s=timeout_s,
        min_delay_s=min_delay_s,
        api_key=api_key,
        domain=domain,
    )


def geocoder_chain(settings: Settings) -> GeocoderChain:
    """The process-wide chain for these settings."""
    return _chain(
        settings.geocoder_osm_extract,
        settings.data_dir / "osm-addresses.json.gz",
        settings.geocoder_online,
        settings.geocoder_user_agent,
        settings.geocoder_timeout_s,
        settings.geocoder_min_delay_s,
        settings.geocoder_api_key.get_secret_value() if settings.geocoder_api_key else None,
        settings.geocoder_domain,
    )


def geocoder(
    session: Session, settings: Settings, *, retry_misses: bool = False
) -> CachingGeocoder:
    """The chain behind the database cache, for one request. No in-process LRU: the table
    answers in about 0.2 ms, and an LRU would outlive a rolled-back transaction."""
    return CachingGeocoder(
        geocoder_chain(settings), DbGeocodeCache(session), retry_misses=retry_misses, lru_size=0
    )


def account_query(account: Account) -> AddressQuery:
    return AddressQuery(
        street=account.street,
        city=account.city,
        postcode=account.postcode,
        region=account.region,
        country=account.country,
    )


def has_address(query: AddressQuery) -> bool:
    return any((query.street, query.city, query.postcode))


def place_accounts(
    session: Session, settings: Settings, accounts: Sequence[Account], *, retry_misses: bool = False
) -> list[GeocodeResult | None]:
    """Geocode `accounts` by their address (one batched cache read and write) and store the
    point, precision, source and score on each; accounts with a manual pin are left alone.
    `retry_misses`: ask the geocoders again for addresses the cache knows as not found (a
    geocoder may have been added since)."""
    todo = [account for account in accounts if not account.pin_manual]
    coder = geocoder(session, settings, retry_misses=retry_misses)
    results = coder.geocode_many([account_query(a) for a in todo])
    for account, result in zip(todo, results, strict=True):
        apply_result(account, result)
    return results


def apply_result(account: Account, result: GeocodeResult | None) -> None:
    account.geocoded_at = clock.now()
    if result is None:
        account.latitude = account.longitude = None
        account.geocode_precision = account.geocode_source = None
        account.geocode_score = None
        account.geocode_note = (
            "no address to geocode"
            if not has_address(account_query(account))
            else "address not found by the geocoders; edit it or move the pin"
        )
        return
    account.latitude, account.longitude = result.latitude, result.longitude
    account.geocode_precision = result.precision.value
    account.geocode_source = result.source
    account.geocode_score = result.score
    account.geocode_note = None


def pin_account(account: Account, latitude: float, longitude: float, *, source: str) -> None:
    """A point given by a person (a pin moved on the map, coordinates typed in)."""
    account.latitude, account.longitude = latitude, longitude
    account.geocode_precision = "manual"
    account.geocode_source = source
    account.geocode_score = 1.0
    account.geocoded_at = clock.now()
    account.geocode_note = None
    account.pin_manual = True


def place_rep_home(session: Session, settings: Settings, rep: Rep) -> GeocodeResult | None:
    """Geocode a rep's home address (unless coordinates were given) and store the result."""
    query = AddressQuery(
        street=rep.home_street,
        city=rep.home_city,
        postcode=rep.home_postcode,
        region=rep.home_region,
        country=rep.home_country,
    )
    [result] = geocoder(session, settings).geocode_many([query])
    if result is not None:
        rep.home_latitude, rep.home_longitude = result.latitude, result.longitude
        rep.home_precision, rep.home_source = result.precision.value, result.source
    return result
