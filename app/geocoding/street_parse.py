"""Split a street line into street name and house number, and normalise house numbers."""

from __future__ import annotations

import re
from typing import NamedTuple

# Unit designators after the house address ("Apt 5", "Suite 200", "#12", Finnish "as. 5").
_UNIT = re.compile(
    r"(?:,|\s)\s*(?:apt|apartment|suite|ste|unit|room|rm|fl|floor|as|bst)\b\.?\s*\S+.*$"
    r"|\s*#\s*\S+.*$",
    re.IGNORECASE,
)
# "12 Main St", "12B Main St", "12-14 Main St" (US and UK order); a letter after a space is a
# directional ("12 N Main St"), not part of the number.
_NUMBER_FIRST = re.compile(r"^\s*(\d+[a-zA-Z]?(?:[-\u2013/]\d+[a-zA-Z]?)?)\s+(?=\S*[^\W\d_])(.+)$")
# "Annankatu 12", "Annankatu 12 B 5", "Hauptstr. 5a" (most of Europe).
_NUMBER_LAST = re.compile(
    r"^(.*?\D)\s+(\d+(?:\s?[a-zA-Z])?(?:\s?[-\u2013]\s?\d+[a-zA-Z]?)?)(?:\s+.*)?$"
)
_LEADING_DIGITS = re.compile(r"^\d+")
_LETTER = re.compile(r"[^\W\d_]")
_RANGE = re.compile(r"^(\d+[a-z]?)-(\d+[a-z]?)$")


class StreetLine(NamedTuple):
    """A street name and the house number written with it (None when there is none)."""

    street: str
    number: str | None


def split_street_line(line: str) -> list[StreetLine]:
    """Readings of a street line, most likely first; the last is always the whole line as a
    street name (for names containing digits, "Route 66")."""
    parts = [p.strip() for p in line.split(",") if p.strip()] or [line.strip()]
    first = parts[0]
    if len(parts) > 1 and not _LETTER.search(first):
        first = f"{first} {parts[1]}"  # "12, Main Street": the comma was inside the address
    first = _UNIT.sub("", first).strip() or first
    readings: list[StreetLine] = []
    match = _NUMBER_FIRST.match(first)
    if match:
        readings.append(StreetLine(match[2].strip(), match[1]))
    match = _NUMBER_LAST.match(first)
    if match:
        readings.append(StreetLine(match[1].strip(), match[2]))
    readings.append(StreetLine(first, None))
    return readings


def number_key(number: str) -> str:
    """Comparable house number: casefolded, no spaces, en dash as hyphen ("12 B" -> "12b")."""
    return "".join(number.replace("\u2013", "-").casefold().split())


def number_keys(number: str) -> set[str]:
    """Every key an OSM `addr:housenumber` answers to: itself, each item of a ";" or ","
    list, and both ends of a range ("12-14" -> {"12-14", "12", "14"})."""
    full = number_key(number)
    keys = {full}
    for part in re.split(r"[;,]", full):
        if not part:
            continue
        keys.add(part)
        match = _RANGE.match(part)
        if match:
            keys.update((match[1], match[2]))
    return keys


def number_value(number: str) -> int | None:
    """The numeric part of a house number ("12b" -> 12), for nearest-number fallbacks."""
    match = _LEADING_DIGITS.match(number_key(number))
    return int(match[0]) if match else None


def base_number(number: str) -> str | None:
    """The plain number when the key carries more ("12b" -> "12"), else None."""
    key = number_key(number)
    match = _LEADING_DIGITS.match(key)
    return match[0] if match and match[0] != key else None
