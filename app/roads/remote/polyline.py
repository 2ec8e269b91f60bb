"""Google's encoded polyline format, as Valhalla writes shapes (6 decimal places).

https://developers.google.com/maps/documentation/utilities/polylinealgorithm and
https://valhalla.github.io/valhalla/decoding/
"""

from __future__ import annotations


class PolylineError(ValueError):
    pass


def decode(encoded: str, precision: int = 6) -> list[tuple[float, float]]:
    """The (lat, lon) pairs of `encoded`."""
    factor = 10.0**precision
    points: list[tuple[float, float]] = []
    index, lat, lon = 0, 0, 0
    while index < len(encoded):
        index, delta_lat = _value(encoded, index)
        index, delta_lon = _value(encoded, index)
        lat += delta_lat
        lon += delta_lon
        points.append((lat / factor, lon / factor))
    return points


def _value(encoded: str, index: int) -> tuple[int, int]:
    """One signed number from `index`: 5-bit chunks, least significant first, offset by 63,
    0x20 marking that another chunk follows; the lowest bit of the result is the sign."""
    result, shift = 0, 0
    while True:
        if index >= len(encoded):
            raise PolylineError("the polyline ends in the middle of a number")
        chunk = ord(encoded[index]) - 63
        if not 0 <= chunk < 64:
            raise PolylineError(f"{encoded[index]!r} at {index} is not a polyline character")
        index += 1
        result |= (chunk & 0x1F) << shift
        shift += 5
        if chunk < 0x20:
            break
    return index, ~(result >> 1) if result & 1 else result >> 1
