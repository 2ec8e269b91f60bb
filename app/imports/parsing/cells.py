"""One cell to one typed value, read the way CRMs and spreadsheets write them.

Every reader takes a trimmed, non-empty cell and returns the value or raises `CellError`, whose
message says what was expected (the row and column are added by the caller).

Control characters are normalised in text (a CRM's export is not the place to refuse a stray
tab or a street on two lines): single-line text gets one space for each run of them, a street's
lines are joined with ", ", and only multi-line text (notes) keeps its line breaks. Ids and
phone numbers are refused instead: a changed id would no longer match the CRM's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from app.core.schemas import control_character
from app.models.limits import TEXT_MAX

CADENCE_UNITS: dict[str, int] = {
    **dict.fromkeys(("", "d", "day", "days", "tag", "tage"), 1),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks", "woche", "wochen"), 7),
}
CADENCE_WORDS: dict[str, int] = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "fortnightly": 14,
    "monthly": 30,
    "quarterly": 91,
    "yearly": 365,
    "annually": 365,
}
MINUTE_UNITS: dict[str, int] = {
    **dict.fromkeys(("", "m", "min", "mins", "minute", "minutes", "minuten"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "std", "stunde", "stunden"), 60),
}
_FLAGS: dict[str, bool] = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "active", "aktiv", "ja", "j", "x", "on"), True),
    **dict.fromkeys(("no", "n", "false", "f", "0", "inactive", "inaktiv", "nein", "off"), False),
}

_SIGNS = ("+", "-", "\u2212")
_MONEY_AFFIX = re.compile(
    r"^(?:[$€£¥₹]|(?:USD|EUR|GBP|CHF|CAD|AUD|JPY|SEK|NOK|DKK|PLN)\b)\s*"
    r"|\s*(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|JPY|SEK|NOK|DKK|PLN))$",
    re.IGNORECASE,
)
_MULTIPLIER = re.compile(r"(.*?[0-9.,])\s*(k|tsd\.?|m|mio\.?)", re.IGNORECASE)
_MULTIPLIERS = {"k": 1e3, "tsd": 1e3, "m": 1e6, "mio": 1e6}
_GROUPING = re.compile(r"[\s'\u2019\u00a0\u202f]")
_DIGITS = re.compile(r"[0-9.,]*[0-9][0-9.,]*")
_COORDINATE = re.compile(r"([+-]?[0-9]{1,3}(?:\.[0-9]+)?)\s*°?")
_AMOUNT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*([^\W\d_]*)\.?")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TIER_PREFIX = re.compile(r"^(?:tier|class|segment|category|klasse|kategorie)[\s:.\-]*", re.I)
_TIER_SUFFIX = re.compile(r"^([A-Za-z0-9+]{1,2})[\s\-]*(?:kunde|customer|account)$", re.I)
_TIER = re.compile(rf"[A-Z0-9][A-Z0-9+\-]{{0,{TEXT_MAX['tier'] - 1}}}")
# Cells that show their decimal separator: "12,5", "52,520008", "1.234,5" against "12.5", ...
_COMMA_DECIMAL = re.compile(r"[0-9],[0-9]{1,2}$|[0-9],[0-9]{4,}$|\.[0-9]{3},[0-9]")
_POINT_DECIMAL = re.compile(r"[0-9]\.[0-9]{1,2}$|[0-9]\.[0-9]{4,}$|,[0-9]{3}\.[0-9]")


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""


def text(
    raw: str, *, max_chars: int, multiline: bool = False, join_lines: str | None = None
) -> str:
    """Runs of spaces and control characters collapsed to one space; line breaks kept (blank
    lines dropped) only when `multiline`, or the lines joined with `join_lines`."""
    lines = [_one_line(line) for line in raw.splitlines()]
    separator = "\n" if multiline else join_lines
    if separator is None:
        value = " ".join(line for line in lines if line)
    else:
        value = separator.join(line for line in lines if line)
    if len(value) > max_chars:
        raise CellError(f"longer than {max_chars} characters ({len(value)})")
    return value


def _one_line(line: str) -> str:
    return " ".join(_CONTROL.sub(" ", line).split())


# C0 and C1 controls and DEL (Unicode category Cc), which `str.split` does not all treat as space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def identifier(raw: str, *, max_chars: int) -> str:
    """An id as written (case and inner spaces matter: Salesforce ids are case-sensitive)."""
    if control_character(raw) is not None:
        raise CellError("must be on one line, without tabs or other control characters")
    if len(raw) > max_chars:
        raise CellError(f"longer than {max_chars} characters ({len(raw)})")
    return raw


def postcode(raw: str) -> str:
    """Kept as text ("02139" stays); "2139.0", a spreadsheet's float, loses its ".0"."""
    value = " ".join(raw.split())
    if re.fullmatch(r"[0-9]+\.0", value):
        value = value[:-2]
    if len(value) > 20:
        raise CellError("longer than 20 characters: not a postcode")
    return value


def number(raw: str, *, decimal_comma: bool) -> float:
    """A money amount or score: "1,234.50", "1.234,50", "$1,200", "€ 900", "12k", "(300)".

    A lone separator followed by exactly three digits ("1,234", "1.234") is a thousands
    separator unless it is the file's decimal separator (`decimal_comma`).
    """
    value = raw.strip()
    if any(symbol in value for symbol in "$£"):
        decimal_comma = False  # dollar and pound amounts are written "1,200.50"
    negative = value.startswith("(") and value.endswith(")")  # accountants' negative
    if negative:
        value = value[1:-1].strip()
    signed = False
    for _ in range(2):  # sign and currency in either order: "-$5", "$-5"
        if value.startswith(_SIGNS) and not signed:
            signed = True
            negative = negative != (value[0] != "+")
            value = value[1:].lstrip()
        value = _MONEY_AFFIX.sub("", value)
    scale = 1.0
    if match := _MULTIPLIER.fullmatch(value):
        value, scale = match[1], _MULTIPLIERS[match[2].casefold().rstrip(".")]
    value = _GROUPING.sub("", value)
    plain = _plain_decimal(value, decimal_comma=decimal_comma) if _DIGITS.fullmatch(value) else None
    if plain is None:
        raise CellError("not a number (examples: 1200, 1,234.50, 1.234,50, $900, 12k)")
    result = float(plain) * scale
    return -result if negative else result


def coordinate(raw: str, *, limit: float) -> float:
    """Decimal degrees within ±`limit`; a decimal comma ("52,52") is read as a point."""
    value = raw.replace("\u2212", "-")
    if "." not in value:
        value = value.replace(",", ".", 1)
    match = _COORDINATE.fullmatch(value)
    if match is None:
        raise CellError("not a coordinate in decimal degrees (such as 52.5200)")
    degrees = float(match[1])
    if not -limit <= degrees <= limit:
        raise CellError(f"out of range: must be between -{limit:g} and {limit:g}")
    return degrees


def whole(
    raw: str,
    *,
    units: Mapping[str, int],
    words: Mapping[str, int] | None = None,
    low: int,
    high: int,
    clock: bool = False,
) -> int:
    """A whole count in `units` ("14", "2 weeks", "45 min", "1.5 h", "1:30" when `clock`)."""
    folded = raw.casefold()
    match = _AMOUNT.fullmatch(folded)
    if words and folded in words:
        result = float(words[folded])
    elif clock and (hhmm := _CLOCK.fullmatch(folded)):
        result = int(hhmm[1]) * 60.0 + int(hhmm[2])
    elif match and match[2] in units:
        result = float(match[1].replace(",", ".")) * units[match[2]]
    else:
        raise CellError(f"not a whole number between {low} and {high}")
    if result != int(result):
        raise CellError(f"must be a whole number, got {result:g}")
    if not low <= result <= high:
        raise CellError(f"out of range: must be between {low} and {high}")
    return int(result)


def flag(raw: str) -> bool:
    """yes/no, true/false, 1/0, active/inactive (and y/n, ja/nein)."""
    value = _FLAGS.get(raw.casefold())
    if value is None:
        raise CellError("not yes/no: use yes/no, true/false, 1/0 or active/inactive")
    return value


_COVERAGES = {
    **dict.fromkeys(("field", "in person", "visit", "visits", "aussendienst"), "field"),
    **dict.fromkeys(("hybrid", "mixed", "both"), "hybrid"),
    **dict.fromkeys(("remote", "inside", "phone", "telesales", "innendienst"), "remote"),
}


def coverage(raw: str) -> str:
    """How an account is looked after: field, hybrid or remote (and a few synonyms)."""
    value = _COVERAGES.get(" ".join(raw.split()).casefold().replace("-", " "))
    if value is None:
        raise CellError("not a coverage: use field, hybrid or remote")
    return value


def tier(raw: str) -> str:
    """ "a", "Tier A", "A-Kunde", "Class 1" -> "A", "A", "A", "1": a short upper-case code."""
    value = _TIER_PREFIX.sub("", " ".join(raw.split()))
    if match := _TIER_SUFFIX.fullmatch(value):
        value = match[1]
    value = value.upper()
    if not _TIER.fullmatch(value):
        raise CellError(
            "not a tier: use a short code such as A, B or C (up to "
            f"{TEXT_MAX['tier']} letters or digits)"
        )
    return value


def prefers_decimal_comma(cells: Iterable[str], *, delimiter: str) -> bool:
    """Whether the file writes decimals with a comma: the numeric cells that show it decide;
    when they do not, a ";"-delimited file (the European spreadsheet export) does."""
    balance = 0
    for cell in cells:
        if _COMMA_DECIMAL.search(cell):
            balance += 1
        elif _POINT_DECIMAL.search(cell):
            balance -= 1
    return balance > 0 if balance else delimiter == ";"


def _plain_decimal(value: str, *, decimal_comma: bool) -> str | None:
    """ "1.234,5" -> "1234.5"; None when the separators do not make a number."""
    commas, points = value.count(","), value.count(".")
    decimal: str | None
    if commas and points:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
    elif not (commas or points):
        return value
    else:
        separator = "," if commas else "."
        whole_part, _, fraction = value.partition(separator)
        if max(commas, points) > 1:
            decimal = None
        elif len(fraction) != 3 or whole_part in ("", "0") or len(whole_part) > 3:
            decimal = separator
        else:
            decimal = separator if (separator == ",") == decimal_comma else None
    grouping = "." if decimal == "," else "," if decimal == "." else ("," if commas else ".")
    whole_part, _, fraction = value.partition(decimal) if decimal else (value, "", "")
    if decimal and (decimal in fraction or grouping in fraction):
        return None
    if grouping in whole_part:
        if not re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(grouping)}[0-9]{{3}})+", whole_part):
            return None
        whole_part = whole_part.replace(grouping, "")
    return f"{whole_part or '0'}.{fraction or '0'}"
