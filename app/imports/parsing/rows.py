"""One CSV record to a typed `AccountRow`, or every `RowError` that keeps it out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from app.accounts.opening_hours import OpeningHoursError, parse_opening_hours
from app.imports.parsing import cells
from app.imports.parsing.cells import CellError
from app.imports.parsing.columns import REQUIRED, ColumnMap
from app.models.limits import CADENCE_DAYS, MAX_VALUE, SERVICE_MINUTES, TEXT_MAX

MAX_SHOWN_CHARS = 100
# Longest accepted cell per text field, in characters; longer is a row error, never truncated.
MAX_CHARS: dict[str, int] = {
    **{f: TEXT_MAX[f] for f in ("external_id", "name", "street", "city", "region", "country")},
    "phone": TEXT_MAX["phone"],
    "notes": TEXT_MAX["notes"],
    "territory": 200,
    "team": 200,
}


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One valid account record; `None` is an empty (or absent) cell."""

    row: int  # the file line where the record starts (header = line 1)
    external_id: str
    name: str
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    region: str | None = None
    country: str | None = None
    phone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    value: float | None = None  # money per year or a score; >= 0
    tier: str | None = None  # normalised "A"/"B"/"C"/... (upper-case, short)
    cadence_days: int | None = None  # CADENCE_DAYS
    touch_cadence_days: int | None = None  # CADENCE_DAYS, the remote cadence
    coverage: str | None = None  # field, hybrid or remote
    service_minutes: int | None = None  # SERVICE_MINUTES
    opening_hours: dict[str, list[str]] | None = None
    notes: str | None = None
    active: bool | None = None
    territory: str | None = None
    team: str | None = None
    # Fields whose column is mapped in this file: an empty cell there means "clear it".
    present: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a record was rejected: where (file line, header as written), what, and why."""

    row: int
    column: str | None  # the header as written in the file; None for the whole record
    value: str | None  # the offending cell, cut to about 100 characters
    message: str


def _converters(decimal_comma: bool) -> dict[str, Callable[[str], Any]]:
    def value(raw: str) -> float:
        amount = cells.number(raw, decimal_comma=decimal_comma)
        if amount < 0:
            raise CellError("must be zero or more")
        if amount > MAX_VALUE:
            raise CellError(f"larger than {MAX_VALUE:,.0f}")
        return amount

    # A file repeats a handful of opening hours texts on thousands of rows: parse each once.
    parsed_hours: dict[str, dict[str, list[str]] | str] = {}

    def hours(raw: str) -> dict[str, list[str]]:
        if raw not in parsed_hours:
            try:
                parsed_hours[raw] = parse_opening_hours(raw)
            except OpeningHoursError as exc:
                parsed_hours[raw] = f"not opening hours: {exc}"
        result = parsed_hours[raw]
        if isinstance(result, str):
            raise CellError(result)
        return {day: list(spans) for day, spans in result.items()}  # rows never share lists

    converters: dict[str, Callable[[str], Any]] = {
        field: partial(cells.text, max_chars=limit) for field, limit in MAX_CHARS.items()
    }
    return converters | {
        "external_id": partial(cells.identifier, max_chars=MAX_CHARS["external_id"]),
        "street": partial(cells.text, max_chars=MAX_CHARS["street"], join_lines=", "),
        "notes": partial(cells.text, max_chars=MAX_CHARS["notes"], multiline=True),
        "phone": partial(cells.identifier, max_chars=MAX_CHARS["phone"]),
        "postcode": cells.postcode,
        "latitude": partial(cells.coordinate, limit=90.0),
        "longitude": partial(cells.coordinate, limit=180.0),
        "value": value,
        "tier": cells.tier,
        "cadence_days": partial(
            cells.whole,
            units=cells.CADENCE_UNITS,
            words=cells.CADENCE_WORDS,
            low=CADENCE_DAYS[0],
            high=CADENCE_DAYS[1],
        ),
        "touch_cadence_days": partial(
            cells.whole,
            units=cells.CADENCE_UNITS,
            words=cells.CADENCE_WORDS,
            low=CADENCE_DAYS[0],
            high=CADENCE_DAYS[1],
        ),
        "coverage": cells.coverage,
        "service_minutes": partial(
            cells.whole,
            units=cells.MINUTE_UNITS,
            low=SERVICE_MINUTES[0],
            high=SERVICE_MINUTES[1],
            clock=True,
        ),
        "opening_hours": hours,
        "active": cells.flag,
    }


class RowParser:
    """Validates records of one file; remembers external ids to reject later duplicates.

    `decimal_comma` says how the file writes ambiguous amounts ("1,234"), see
    `cells.prefers_decimal_comma`. `delimiter` only rebuilds a record for error messages.
    """

    def __init__(self, columns: ColumnMap, *, decimal_comma: bool, delimiter: str = ",") -> None:
        converters = _converters(decimal_comma)
        self._headers = columns.headers
        self._index = columns.index
        self._fields = sorted(
            ((position, field, converters[field]) for field, position in columns.index.items()),
        )
        self._present = frozenset(columns.index)
        self._delimiter = delimiter
        self._seen: dict[str, int] = {}

    def parse(self, line: int, record: Sequence[str]) -> AccountRow | list[RowError]:
        """The record starting on file line `line` as an AccountRow, or all its errors."""
        width = len(self._headers)
        if len(record) != width:
            if len(record) < width or any(cell.strip() for cell in record[width:]):
                return [self._width_error(line, record)]
            record = record[:width]  # trailing empty cells: a spreadsheet's padding
        errors: list[RowError] = []
        values: dict[str, Any] = {}
        for position, field, convert in self._fields:
            raw = record[position].strip()
            if not raw:
                values[field] = None
                if field in REQUIRED:
                    errors.append(self._error(line, field, raw, f"{field} is required"))
                continue
            if "\x00" in raw:
                # PostgreSQL text cannot hold NUL; the API refuses it too.
                errors.append(self._error(line, field, raw, "contains a NUL (\\x00) character"))
                continue
            try:
                values[field] = convert(raw)
            except CellError as exc:
                errors.append(self._error(line, field, raw, str(exc)))
                continue
            if values[field] == "":
                # Only control characters (the DOS end-of-file mark, say): text reads them as
                # space, so the cell is as good as empty.
                values[field] = None
                if field in REQUIRED:
                    errors.append(self._error(line, field, raw, f"{field} is required"))
        errors.extend(self._check_coordinates(line, values))
        external_id = values.get("external_id")
        if external_id is not None:
            first = self._seen.setdefault(external_id, line)
            if first != line:
                errors.append(
                    self._error(line, "external_id", external_id, f"duplicate of row {first}")
                )
        if errors:
            return errors
        return AccountRow(row=line, present=self._present, **values)

    def _check_coordinates(self, line: int, values: dict[str, Any]) -> list[RowError]:
        """Both coordinates or neither; (0, 0) is how some CRMs export "none" and is dropped."""
        if "latitude" not in values or "longitude" not in values:
            return []  # not mapped, or a cell already failed
        latitude, longitude = values["latitude"], values["longitude"]
        if latitude == 0 and longitude == 0:
            values["latitude"] = values["longitude"] = None
        elif (latitude is None) != (longitude is None):
            missing, given = (
                ("latitude", "longitude") if latitude is None else ("longitude", "latitude")
            )
            return [
                self._error(
                    line,
                    missing,
                    "",
                    f"{missing} is empty but {given} is given; give both or neither",
                )
            ]
        return []

    def _error(self, line: int, field: str, raw: str, message: str) -> RowError:
        return RowError(line, self._headers[self._index[field]], _shown(raw), message)

    def _width_error(self, line: int, record: Sequence[str]) -> RowError:
        message = (
            f"this row has {len(record)} cells but the header has {len(self._headers)}: "
            f"look for a {self._delimiter!r} inside an unquoted cell, or a missing one"
        )
        return RowError(line, None, _shown(self._delimiter.join(record)), message)


def _shown(raw: str) -> str:
    return raw if len(raw) <= MAX_SHOWN_CHARS else raw[: MAX_SHOWN_CHARS - 1] + "…"
