"""The entry point: an uploaded CRM export (bytes) to valid account rows and row errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice

from app.imports.parsing.cells import prefers_decimal_comma
from app.imports.parsing.charsets import LABELS, Encoding
from app.imports.parsing.columns import ColumnMap, map_columns
from app.imports.parsing.csv_source import CsvFormatError, decode, sniff_delimiter, split_sep_line
from app.imports.parsing.rows import AccountRow, RowError, RowParser

# Headers (of the many recognised) that the no-value warning suggests.
VALUE_HEADERS = ("Annual Revenue", "Annual Value", "Value", "Umsatz")
# Amount-like columns that show how the file writes decimals; a sample of their cells decides.
_NUMERIC_FIELDS = ("value", "latitude", "longitude")
_DECIMAL_SAMPLE_ROWS = 1000


@dataclass(frozen=True)
class FileWarning:
    """Something about the file as a whole the importer should hear before trusting the result.

    `code`: "encoding_guessed" (not UTF-8, and the code page is a guess) or "no_value_column".
    """

    code: str
    message: str


@dataclass(frozen=True)
class ParsedFile:
    """What a file held: valid rows, errors of rejected rows, and how it was read."""

    rows: list[AccountRow]
    errors: list[RowError]
    encoding: str
    encoding_confidence: (
        float  # 1.0 for UTF-8 and byte-order marks; see `app.imports.parsing.charsets`
    )
    delimiter: str
    mapped: dict[str, str]  # field -> header as written in the file
    unmapped: list[str]  # headers no field reads
    total_rows: int  # data records (blank lines not counted), valid or not
    warnings: list[FileWarning]


def read_accounts_csv(
    data: bytes, *, mapping: Mapping[str, str] | None = None, max_rows: int = 100_000
) -> ParsedFile:
    """Parse and validate an accounts CSV export.

    `mapping` (field -> header as in the file) overrides column detection for the fields it
    names. A record with any invalid cell is rejected whole, with one `RowError` per problem.
    Raises `CsvFormatError` for problems of the whole file: not CSV text, empty, no data rows,
    missing required columns, a bad mapping, or more than `max_rows` data records. Warns (in
    `ParsedFile.warnings`) when the encoding is a guess and when no column gives the value.
    """
    text, encoding = decode(data)
    hint, body = split_sep_line(text)
    delimiter = hint or sniff_delimiter(body)
    records = list(islice(_records(body, delimiter, first_line=2 if hint else 1), max_rows + 2))
    if not records:
        raise CsvFormatError("the file is empty")
    (_, header), data_records = records[0], records[1:]
    if not data_records:
        raise CsvFormatError("the file has a header but no rows")
    if len(data_records) > max_rows:
        raise CsvFormatError(
            f"the file has more than {max_rows:,} rows; split it into smaller files"
        )
    columns = map_columns(header, mapping)
    numeric = [columns.index[f] for f in _NUMERIC_FIELDS if f in columns.index]
    samples = (
        record[position]
        for _, record in data_records[:_DECIMAL_SAMPLE_ROWS]
        for position in numeric
        if position < len(record)
    )
    parser = RowParser(
        columns,
        decimal_comma=prefers_decimal_comma(samples, delimiter=delimiter),
        delimiter=delimiter,
    )
    rows: list[AccountRow] = []
    errors: list[RowError] = []
    for line, record in data_records:
        result = parser.parse(line, record)
        if isinstance(result, AccountRow):
            rows.append(result)
        else:
            errors.extend(result)
    warnings = [*_encoding_warnings(encoding), *_value_warnings(columns, mapping)]
    return ParsedFile(
        rows=rows,
        errors=errors,
        encoding=encoding.name,
        encoding_confidence=encoding.confidence,
        delimiter=delimiter,
        mapped=columns.mapped,
        unmapped=columns.unmapped,
        total_rows=len(data_records),
        warnings=warnings,
    )


def _encoding_warnings(encoding: Encoding) -> list[FileWarning]:
    if encoding.certain:
        return []
    label = LABELS.get(encoding.name, encoding.name)
    message = (
        f"the file is not UTF-8, so its encoding was guessed: read as {label} with "
        f"confidence {encoding.confidence:.0%}"
    )
    if encoding.rival is not None and encoding.example is not None:
        read, other = encoding.example
        message += f" (it reads {read!r}; read as {LABELS[encoding.rival]} it would be {other!r})"
    message += (
        ". If names with accents or non-Latin letters look wrong, save the file as UTF-8 "
        '(in Excel: "CSV UTF-8") and upload it again'
    )
    return [FileWarning("encoding_guessed", message)]


def _value_warnings(columns: ColumnMap, mapping: Mapping[str, str] | None) -> list[FileWarning]:
    # A mapping that names the value (even as "": do not import it) decided; nothing to say.
    if "value" in columns.index or "value" in (mapping or {}):
        return []
    examples = ", ".join(repr(h) for h in VALUE_HEADERS)
    return [
        FileWarning(
            "no_value_column",
            "no column gives the account value, so every account this file creates is worth "
            "0 and plans will not visit it for its value (accounts that exist keep theirs). "
            f'Name the column in the mapping, e.g. {{"value": "Annual Revenue"}}, or '
            f"rename it to one of {examples}",
        )
    ]


def _records(text: str, delimiter: str, *, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the file line each starts on (quoted line breaks counted)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    consumed = 0
    try:
        for record in reader:
            start, consumed = consumed, reader.line_num
            if any(cell.strip() for cell in record):
                yield first_line + start, record
    except csv.Error as exc:
        raise CsvFormatError(
            f"line {first_line + consumed}: {exc} (is a quote left open?)"
        ) from None
