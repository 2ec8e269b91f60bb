"""Coordinates the user already has (CRM export columns, a pin moved on the map)."""

from __future__ import annotations

import math

from app.geocoding.base import OfflineGeocoder
from app.geocoding.types import AddressQuery, GeocodeResult, Precision

# Exported spreadsheets write 0/0 for "unknown"; nobody sells at Null Island.
NULL_ISLAND_TOLERANCE_DEG = 1e-6


def valid_coordinates(latitude: float | None, longitude: float | None) -> bool:
    """True for finite, in-range coordinates that are not the (0, 0) placeholder."""
    if latitude is None or longitude is None:
        return False
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return False
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return False
    return not (
        abs(latitude) < NULL_ISLAND_TOLERANCE_DEG and abs(longitude) < NULL_ISLAND_TOLERANCE_DEG
    )


class InputCoordinates(OfflineGeocoder):
    """Answers queries that carry their own latitude/longitude (degrees, WGS84)."""

    source = "input"

    def __init__(self, precision: Precision = Precision.ADDRESS) -> None:
        """`precision`: what given coordinates are worth, ADDRESS for CRM columns, MANUAL for a
        pin placed by hand."""
        super().__init__()
        self.precision = precision

    def lookup(self, query: AddressQuery) -> GeocodeResult | None:
        """The query's own coordinates, or None when missing, out of range or (0, 0)."""
        lat, lon = query.latitude, query.longitude
        if lat is None or lon is None or not valid_coordinates(lat, lon):
            return None
        return GeocodeResult(
            latitude=lat,
            longitude=lon,
            precision=self.precision,
            source=self.source,
            score=1.0,
            matched=f"{lat:.6f}, {lon:.6f} (given)",
        )
