"""Decoding uploads, refusing what is not CSV text, and finding the delimiter."""

from __future__ import annotations

import codecs
import random

import pytest

from app.imports.parsing import CsvFormatError, Encoding, decode, sniff_delimiter, split_sep_line

TEXT = "id,name\n1,Müller GmbH\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
    ],
)
def test_a_byte_order_mark_or_valid_utf_8_is_certain(data: bytes, encoding: str) -> None:
    assert decode(data) == (TEXT, Encoding(encoding, confidence=1.0))


def test_windows_1252_with_its_quotes_and_euro_sign() -> None:
    text = "id;name;value\n1;„Bäckerei“ Köhler;€ 900\n"
    decoded, encoding = decode(text.encode("cp1252"))
    assert (decoded, encoding.name, encoding.certain) == (text, "cp1252", True)


def test_a_byte_windows_1252_leaves_undefined_still_decodes_but_is_not_certain() -> None:
    # 0x81: a stray byte, or another code page; one letter cannot tell which.
    text, encoding = decode(b"id,name\n1,Caf\xe9 \x81\n")
    assert text.startswith("id,name\n1,Caf")
    assert encoding.name != "cp1252"
    assert not encoding.certain


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(100), "this looks like an Excel .xlsx file; export as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Excel .xls file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF file"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "gzip-compressed"),
        (b"id,name\n1,Acme\x00\x00\n", "NUL bytes"),
        (b"\xff\xfe\x00\x00\x41", "not valid UTF-32"),
    ],
)  # fmt: skip
def test_refuses_files_that_are_not_csv_text(data: bytes, message: str) -> None:
    with pytest.raises(CsvFormatError) as caught:
        decode(data)
    assert message in str(caught.value)


def test_refuses_binary_without_a_known_signature() -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(1, 256) for _ in range(4096))
    with pytest.raises(CsvFormatError, match="looks binary"):
        decode(noise)


def test_a_stray_control_character_in_a_long_text_is_tolerated() -> None:
    text = "id,name\n" + "".join(f"{i},Account {i}\n" for i in range(50)) + "99,Bad\x0bName\n"
    assert decode(text.encode())[0] == text


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('id,name,notes\n1,"Acme; Inc.","a;b;c"\n2,"Beta; GmbH","x;y"\n', ","),
        ("Kundennr;Firma;Umsatz\n1;Müller, Sohn GmbH;1.234,50\n2;Beta AG;99,90\n", ";"),
        (
            "Record ID\tCompany name\tCity\n1\tAcme, Inc.\tBoston\n2\tGlobex; Ltd\tSpringfield\n",
            "\t",
        ),
        ("id|name|city\n1|Acme, Inc.|Boston\n2|Beta; AG|Bern\n", "|"),
        ('"id,with,commas";"name"\n1;Acme\n', ";"),
        ("name\nAcme, Inc.\nBeta; AG\n", ","),
        ("id,name\n", ","),
    ],
)
def test_sniffs_the_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_sniff_survives_a_sample_cut_inside_a_quoted_field() -> None:
    row = '1;"Acme, Inc.";"a long note, with commas, ' + "x" * 300 + '"\n'
    text = "id;name;notes\n" + row * 1000
    assert sniff_delimiter(text) == ";"


def test_excel_sep_line_decides_and_is_removed() -> None:
    assert split_sep_line("sep=;\r\nid;name\r\n") == (";", "id;name\r\n")
    assert split_sep_line("id;name\n") == (None, "id;name\n")
    assert sniff_delimiter("sep=|\nid,name\n1,a\n") == "|"


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"])
def test_empty_text_has_no_delimiter(text: str) -> None:
    with pytest.raises(CsvFormatError, match="the file is empty"):
        sniff_delimiter(text)
