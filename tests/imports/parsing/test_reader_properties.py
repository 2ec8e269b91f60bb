"""Whatever a file holds, `read_accounts_csv` answers with rows and errors or a CsvFormatError."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.imports.parsing import CsvFormatError, ParsedFile, read_accounts_csv

HEADERS = [
    "id", "name", "street", "city", "postcode", "region", "country", "phone", "lat", "lng",
    "value", "tier", "cadence", "service minutes", "opening hours", "notes", "active",
    "territory", "team", "Owner",
]  # fmt: skip
# Cells a CRM might hold, mixed with anything at all.
PLAUSIBLE = st.sampled_from(
    ["", "  ", "A", "yes", "0", "-1", "52.5", "1.234,50", "$1,200", "Mo-Fr 08:00-17:00", "22-2",
     "14", "1:30", "02139", "x" * 120, '"', ";", "\t", "\n", "\r\n"]
)  # fmt: skip
CELLS = st.one_of(PLAUSIBLE, st.text(max_size=15))


def write_csv(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, int]:
    """A header of known and unknown columns, rows of random cells (sometimes ragged)."""
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8, unique=True))
    if draw(st.booleans()):
        header = ["id", "name", *[h for h in header if h not in ("id", "name")]]
    width = len(header)
    rows = draw(
        st.lists(
            st.lists(CELLS, min_size=max(width - 1, 1), max_size=width + 1),
            min_size=0,
            max_size=6,
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return write_csv([header, *rows], delimiter).encode(encoding), len(rows)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
# A name of only the DOS end-of-file mark read as "" and was accepted (hypothesis found it).
@example(file=(b"id,name\r\nA,\x1a\r\n", 1))
def test_random_cells_give_rows_and_errors_or_a_format_error(file: tuple[bytes, int]) -> None:
    data, written = file
    try:
        parsed = read_accounts_csv(data, max_rows=5)
    except CsvFormatError:
        return
    assert 1 <= parsed.total_rows <= min(written, 5)
    rejected = {error.row for error in parsed.errors}
    assert len(parsed.rows) + len(rejected) == parsed.total_rows
    assert not rejected & {row.row for row in parsed.rows}
    for row in parsed.rows:
        assert row.external_id.strip()
        assert row.name.strip()
        assert row.present >= {"external_id", "name"}
    for error in parsed.errors:
        assert error.row >= 2
        assert error.message
        assert error.value is None or len(error.value) <= 100


def read(data: bytes) -> ParsedFile | CsvFormatError:
    try:
        return read_accounts_csv(data)
    except CsvFormatError as exc:
        return exc


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_format_errors(data: bytes) -> None:
    for candidate in (data, b"id,name\n" + data):
        result = read(candidate)
        if isinstance(result, CsvFormatError):
            assert str(result)  # every refusal says why
            continue
        rejected = {error.row for error in result.errors}
        assert len(result.rows) + len(rejected) == result.total_rows
