"""Reading single cells: amounts, coordinates, counts, yes/no, tiers, postcodes and text."""

from __future__ import annotations

import pytest

from app.imports.parsing import cells
from app.imports.parsing.cells import CellError


@pytest.mark.parametrize(
    ("raw", "decimal_comma", "expected"),
    [
        ("1200", False, 1200.0),
        ("1,234.50", False, 1234.5),
        ("1,234.50", True, 1234.5),
        ("1.234,50", False, 1234.5),
        ("1.234,50", True, 1234.5),
        ("1,234,567", False, 1234567.0),
        ("1.234.567", True, 1234567.0),
        ("$1,200", False, 1200.0),
        ("$1,200", True, 1200.0),  # a dollar amount is never written with a decimal comma
        ("€ 900", True, 900.0),
        ("EUR 1.200,00", True, 1200.0),
        ("1200 EUR", False, 1200.0),
        ("1 234,50", True, 1234.5),
        ("1'234.50", False, 1234.5),
        ("12k", False, 12000.0),
        ("1.5M", False, 1500000.0),
        ("12,5", False, 12.5),
        ("12.5", True, 12.5),
        ("0,500", False, 0.5),
        # A lone separator with three digits after it: the file's convention decides.
        ("1,234", False, 1234.0),
        ("1,234", True, 1.234),
        ("1.234", True, 1234.0),
        ("1.234", False, 1.234),
        ("(300)", False, -300.0),
        ("-$5", False, -5.0),
    ],
)
def test_number(raw: str, decimal_comma: bool, expected: float) -> None:
    assert cells.number(raw, decimal_comma=decimal_comma) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["abc", "1.2.3,4,5", "1,23,4", "12 apples", "--5", "1e5", "∞"])
def test_not_a_number(raw: str) -> None:
    with pytest.raises(CellError, match="not a number"):
        cells.number(raw, decimal_comma=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("52.520008", 52.520008),
        ("52,520008", 52.520008),
        ("-71.1097", -71.1097),
        ("48.137°", 48.137),
    ],
)
def test_coordinate(raw: str, expected: float) -> None:
    assert cells.coordinate(raw, limit=90) == pytest.approx(expected)


def test_coordinate_range_and_shape() -> None:
    with pytest.raises(CellError, match="between -90 and 90"):
        cells.coordinate("91.5", limit=90)
    with pytest.raises(CellError, match="decimal degrees"):
        cells.coordinate("52°31'12\"N", limit=90)
    assert cells.coordinate("-179.9", limit=180) == pytest.approx(-179.9)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("14", 14), ("30.0", 30), ("2 weeks", 14), ("3w", 21), ("10 Tage", 10), ("Monthly", 30)],
)
def test_cadence_days(raw: str, expected: int) -> None:
    parsed = cells.whole(raw, units=cells.CADENCE_UNITS, words=cells.CADENCE_WORDS, low=1, high=365)
    assert parsed == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("45", 45), ("45 min", 45), ("1.5 h", 90), ("1:30", 90), ("2 hours", 120)]
)
def test_service_minutes(raw: str, expected: int) -> None:
    assert cells.whole(raw, units=cells.MINUTE_UNITS, low=1, high=480, clock=True) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [("0", "between 1 and 480"), ("9 h", "between 1 and 480"), ("2.5", "whole number"), ("soon", "not a whole number")],
)  # fmt: skip
def test_service_minutes_errors(raw: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        cells.whole(raw, units=cells.MINUTE_UNITS, low=1, high=480, clock=True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("no", False), ("TRUE", True), ("false", False), ("1", True), ("0", False),
     ("Active", True), ("Inactive", False), ("ja", True), ("Nein", False)],
)  # fmt: skip
def test_flag(raw: str, expected: bool) -> None:
    assert cells.flag(raw) is expected


def test_flag_rejects_other_statuses() -> None:
    with pytest.raises(CellError, match="use yes/no, true/false, 1/0 or active/inactive"):
        cells.flag("Prospect")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a", "A"), (" b ", "B"), ("Tier A", "A"), ("Class 1", "1"), ("A-Kunde", "A"), ("A+", "A+"), ("gold", "GOLD")],
)  # fmt: skip
def test_tier(raw: str, expected: str) -> None:
    assert cells.tier(raw) == expected


@pytest.mark.parametrize("raw", ["Key Account", "A very long tier name", "Ä"])
def test_tier_must_be_a_short_code(raw: str) -> None:
    with pytest.raises(CellError, match="short code"):
        cells.tier(raw)


def test_postcode_stays_text() -> None:
    assert cells.postcode("02139") == "02139"
    assert cells.postcode("SW1A  1AA") == "SW1A 1AA"
    assert cells.postcode("2139.0") == "2139"  # a spreadsheet's float
    with pytest.raises(CellError, match="not a postcode"):
        cells.postcode("1" * 21)


def test_text_collapses_spaces_and_keeps_lines_only_when_multiline() -> None:
    assert cells.text("  Acme \t Corp ", max_chars=50) == "Acme Corp"
    assert cells.text("100 Main St\r\n\r\n  Suite 400 ", max_chars=50, multiline=True) == (
        "100 Main St\nSuite 400"
    )
    assert cells.text("100 Main St\nSuite 400", max_chars=50) == "100 Main St Suite 400"
    with pytest.raises(CellError, match="longer than 5 characters"):
        cells.text("abcdef", max_chars=5)


def test_identifier_is_kept_as_written() -> None:
    assert cells.identifier("0015g00000ABCDeAAH", max_chars=100) == "0015g00000ABCDeAAH"
    with pytest.raises(CellError, match="one line"):
        cells.identifier("A\nB", max_chars=100)


@pytest.mark.parametrize(
    ("samples", "delimiter", "expected"),
    [
        (["1.234,50", "99,90", ""], ",", True),
        (["1,234.50", "99.90"], ";", False),
        (["1200", "1.234"], ";", True),  # nothing shows it: the ";" export is European
        (["1200", "1,234"], ",", False),
        (["52,520008", "13,404954"], "\t", True),
    ],
)
def test_prefers_decimal_comma(samples: list[str], delimiter: str, expected: bool) -> None:
    assert cells.prefers_decimal_comma(samples, delimiter=delimiter) is expected
