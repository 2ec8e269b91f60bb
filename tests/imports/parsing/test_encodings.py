"""CRM exports in Windows and Mac code pages: the names come out right, the report says which
code page and how sure, and short files where no guess can be sure say so."""

from __future__ import annotations

import codecs

import pytest

from app.imports.parsing import CERTAIN, ParsedFile, decode, guess_code_page, read_accounts_csv
from tests.imports.parsing.code_pages import (
    CENTRAL_EUROPEAN,
    CENTRAL_EUROPEAN_NAMES,
    CYRILLIC,
    CYRILLIC_MAPPING,
    CYRILLIC_NAMES,
    MAC_ROMAN,
    MAC_ROMAN_NAMES,
    ONE_ROW,
    WESTERN,
    WESTERN_NAMES,
    WESTERN_NOTES,
)


def names(parsed: ParsedFile) -> list[str]:
    return [row.name for row in parsed.rows]


def test_windows_1250_polish_and_czech() -> None:
    parsed = read_accounts_csv(CENTRAL_EUROPEAN.encode("cp1250"))
    assert (parsed.encoding, parsed.errors, parsed.warnings) == ("cp1250", [], [])
    assert parsed.encoding_confidence >= CERTAIN
    assert names(parsed) == CENTRAL_EUROPEAN_NAMES
    assert [row.city for row in parsed.rows][:2] == ["Łódź", "Warszawa"]
    assert parsed.rows[0].value == 125_000.0


def test_windows_1251_russian_and_bulgarian() -> None:
    parsed = read_accounts_csv(CYRILLIC.encode("cp1251"), mapping=CYRILLIC_MAPPING)
    assert (parsed.encoding, parsed.errors, parsed.warnings) == ("cp1251", [], [])
    assert parsed.encoding_confidence >= CERTAIN
    assert names(parsed) == CYRILLIC_NAMES
    assert parsed.rows[0].value == 1_000_000.0


def test_windows_1252_french_spanish_german() -> None:
    # Windows-1250 reads this without any mess too ("Crčme Brűlée", "Seńor Nińo"): only the
    # letters tell the two apart.
    parsed = read_accounts_csv(WESTERN.encode("cp1252"))
    assert (parsed.encoding, parsed.errors) == ("cp1252", [])
    assert parsed.encoding_confidence >= CERTAIN
    assert names(parsed) == WESTERN_NAMES
    assert [row.notes for row in parsed.rows][:3] == WESTERN_NOTES


def test_mac_roman_with_carriage_returns() -> None:
    parsed = read_accounts_csv(MAC_ROMAN)
    assert (parsed.encoding, parsed.errors) == ("mac_roman", [])
    assert parsed.encoding_confidence >= CERTAIN
    assert (names(parsed), parsed.warnings) == (MAC_ROMAN_NAMES, [])
    assert parsed.rows[0].city == "Zürich"


def test_utf_8_comes_first_and_is_certain() -> None:
    parsed = read_accounts_csv(CENTRAL_EUROPEAN.encode("utf-8"))
    assert (parsed.encoding, parsed.encoding_confidence) == ("utf-8", 1.0)
    assert names(parsed)[0] == "Łódź Hurtownia Spółka z o.o."


def test_a_few_accented_names_in_a_large_file_are_found() -> None:
    # charset-normalizer alone samples five 512-byte blocks; the lines that are not ASCII are
    # what tells code pages apart, wherever they are.
    plain = "".join(f"A-{i};Account {i};Springfield\r\n" for i in range(20_000))
    polish = "".join(
        f"P-{i};Łódź Hurtownia Spółka {i};Łódź\r\nQ-{i};Zakład Mięsny Żabka {i};Kraków\r\n"
        for i in range(3)
    )
    data = ("id;name;city\r\n" + plain + polish).encode("cp1250")
    parsed = read_accounts_csv(data)
    assert parsed.encoding == "cp1250"
    assert parsed.encoding_confidence >= CERTAIN
    assert parsed.rows[-1].name == "Zakład Mięsny Żabka 2"


# Short files: a name or two cannot make any guess certain. The code page that reads them as
# text wins; when the letters cannot tell code pages apart, the first of Windows-1252, -1250,
# -1251, Mac Roman, ... does. Either way the file gets a warning that names the guess and how
# another code page would read a word.
@pytest.mark.parametrize(("text", "encoding"), ONE_ROW)
def test_one_row_reads_right_but_is_not_certain(text: str, encoding: str) -> None:
    parsed = read_accounts_csv(text.encode(encoding))
    assert parsed.encoding == encoding
    assert names(parsed) == [text.split(";")[-1].strip()]
    assert parsed.encoding_confidence < CERTAIN
    [warning] = [w for w in parsed.warnings if w.code == "encoding_guessed"]
    assert "is not UTF-8, so its encoding was guessed" in warning.message
    assert 'save the file as UTF-8 (in Excel: "CSV UTF-8")' in warning.message


def test_a_tie_goes_to_windows_1252_and_the_warning_shows_the_other_reading() -> None:
    # Hungarian ő and ű are õ and û in Windows-1252, which Portuguese and French write: one
    # line cannot tell them apart (a few lines can, below).
    line = "1;Győri Édesség Kft.;Fő utca 1;Győr\r\n"
    parsed = read_accounts_csv(("id;name;street;city\r\n" + line).encode("cp1250"))
    assert parsed.encoding == "cp1252"
    assert names(parsed) == ["Gyõri Édesség Kft."]  # wrong, and said so:
    assert parsed.encoding_confidence == 0.0
    [warning] = [w for w in parsed.warnings if w.code == "encoding_guessed"]
    assert (
        "read as Windows-1252 (Western European) with confidence 0% (it reads 'Gyõri'; read as "
        "Windows-1250 (Central European) it would be 'Győri')"
    ) in warning.message
    more = (
        "id;name;street;city\r\n" + line + "2;Szűcs és Társa Bt.;Kossuth tér 2;Pécs\r\n"
        "3;Óbudai Pékség;Árpád út 5;Budapest\r\n4;Hőforrás Fürdő;Fő tér 3;Hévíz\r\n"
    )
    parsed = read_accounts_csv(more.encode("cp1250"))
    assert parsed.encoding == "cp1250"
    assert names(parsed)[:2] == ["Győri Édesség Kft.", "Szűcs és Társa Bt."]


def test_confidence_grows_with_the_evidence() -> None:
    rows = ["1;Łódź Hurtownia Spółka;Łódź", "2;Zakład Mięsny Żabka;Warszawa"]
    one, two = (
        guess_code_page(("id;name;city\r\n" + "\r\n".join(rows[:n])).encode("cp1250"))
        for n in (1, 2)
    )
    assert (one.name, two.name) == ("cp1250", "cp1250")
    assert one.confidence < two.confidence
    assert two.certain


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "id,name\n1,Łódź\n".encode(),
        "id,name\n1,Łódź\n".encode("utf-16"),
    ],
)
def test_byte_order_marks_still_decide(data: bytes) -> None:
    text, encoding = decode(data)
    assert text == "id,name\n1,Łódź\n"
    assert encoding.confidence == 1.0
