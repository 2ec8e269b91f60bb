"""Bytes to CSV text: the encoding, the delimiter, and files that are not CSV at all."""

from __future__ import annotations

import codecs
import csv
import io
import re
from itertools import islice

from app.imports.parsing.charsets import Encoding, guess_code_page

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

# Bytes that open common non-CSV files people upload by mistake, and what to tell them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "this looks like an Excel .xlsx file; export as CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "this looks like an old Excel .xls file; export as CSV"),
    (b"%PDF", "this looks like a PDF file, not CSV; export the accounts from the CRM as CSV"),
    (b"\x1f\x8b", "this looks like a gzip-compressed file; decompress it and upload the CSV"),
    (b"{\\rtf", "this looks like an RTF document, not CSV; save it as CSV"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that do not occur in text files (tab, newlines, form feed and the DOS
# end-of-file mark do); a few are tolerated, more than 1 % of the text means binary.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")
_SEP_LINE = re.compile(r"\Asep=([,;\t|])[ ]*(?:\r\n|\r|\n|\Z)", re.IGNORECASE)
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 100


class CsvFormatError(ValueError):
    """The file as a whole cannot be read as an accounts CSV; the message says why and what."""


def decode(data: bytes) -> tuple[str, Encoding]:
    """Decode an uploaded file to text; returns (text, how it was decoded).

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise UTF-8 if the bytes are valid
    UTF-8 (both certain); otherwise `guess_code_page` picks the code page and says how sure it
    is. Raises `CsvFormatError` for spreadsheets, PDFs and other binary files.
    """
    for signature, message in _SIGNATURES:
        if data.startswith(signature):
            raise CsvFormatError(message)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding).removeprefix("\ufeff")
            except UnicodeDecodeError:
                raise CsvFormatError(
                    f"the file starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()} text"
                ) from None
            return _checked_text(text), Encoding(encoding)
    if b"\x00" in data:
        raise CsvFormatError(
            "the file contains NUL bytes: it is binary, or UTF-16 text without a byte-order "
            "mark; export it as CSV in UTF-8"
        )
    try:
        return _checked_text(data.decode("utf-8")), Encoding("utf-8")
    except UnicodeDecodeError:
        pass
    guess = guess_code_page(data)
    return _checked_text(data.decode(guess.name)), guess


def split_sep_line(text: str) -> tuple[str | None, str]:
    """Excel's optional first line `sep=;`: returns (that delimiter or None, the rest)."""
    match = _SEP_LINE.match(text)
    if match is None:
        return None, text
    return match[1], text[match.end() :]


def sniff_delimiter(text: str) -> str:
    """The delimiter among `DELIMITERS` that splits the first records most consistently.

    Each candidate parses the first ~100 records with the csv module (so delimiters inside quoted
    fields do not count); the winner gives the same cell count as the header on the most records,
    then the most columns. A file whose header has one column gets ",". A leading `sep=;` line
    decides. Raises `CsvFormatError` when the text holds no records.
    """
    hint, text = split_sep_line(text)
    if hint is not None:
        return hint
    if not text.strip():
        raise CsvFormatError("the file is empty")
    sample = text[:_SNIFF_CHARS]
    best, best_key = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
        widths = [len(r) for r in islice(reader, _SNIFF_RECORDS) if any(c.strip() for c in r)]
        if len(text) > len(sample) and len(widths) > 1:
            widths.pop()  # the sample may end inside the last record
        if not widths or widths[0] < 2:
            continue
        key = (sum(w == widths[0] for w in widths) / len(widths), widths[0])
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _checked_text(text: str) -> str:
    if len(_CONTROL.findall(text)) > len(text) // 100:
        raise CsvFormatError(
            "the file contains control characters that do not occur in text: it looks binary, "
            "not CSV"
        )
    return text
