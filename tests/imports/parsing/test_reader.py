"""`read_accounts_csv` on real-looking CRM exports, bad rows, and files that are not CSV."""

from __future__ import annotations

import codecs

import pytest

from app.imports.parsing import CERTAIN, AccountRow, CsvFormatError, RowError, read_accounts_csv
from app.imports.parsing.reader import VALUE_HEADERS

# Salesforce report export: UTF-8 with BOM, CRLF, every cell quoted, multi-line Billing Street,
# and both Billing and Shipping addresses.
SALESFORCE = (
    '"Account ID","Account Name","Account Number","Type","Billing Street","Billing City",'
    '"Billing State/Province","Billing Zip/Postal Code","Billing Country","Billing Latitude",'
    '"Billing Longitude","Shipping Street","Shipping City","Phone","Website","Description"\r\n'
    '"0015g00000ABCDeAAH","Acme Corp","CD451796","Customer - Direct","100 Main St\r\nSuite 400",'
    '"Cambridge","MA","02139","United States","42.3736","-71.1097","1 Dock Rd","Boston",'
    '"(617) 555-0100","acme.example","Key account, visit ""monthly"""\r\n'
    '"0015g00000ABCDfAAH","Globex Corporation","CD451797","Customer - Channel","5 Elm St",'
    '"Springfield","IL","62701","United States","","","","","(217) 555-0199","",""\r\n'
    '"0015g00000ABCDgAAH","Initech","","Prospect","4120 Freidrich Ln\r\nBuilding 2\r\nFloor 3",'
    '"Austin","TX","78744","United States","30.2089","-97.7614","","","+1 512 555 0123","",""\r\n'
    '"0015g00000ABCDhAAH","Umbrella Co","","","1 Raccoon St","Raccoon City","","","","","",'
    '"","","","",""\r\n'
)

# A German CRM's Excel export: ";" delimiter, Latin-1, decimal commas, umlauts, a quoted cell
# holding the delimiter.
GERMAN = (
    "Kundennummer;Firma;Straße;PLZ;Ort;Land;Telefon;Umsatz;Klasse;Besuchsrhythmus (Tage);"
    "Besuchsdauer;Öffnungszeiten;Bemerkung;Aktiv;Breitengrad;Längengrad\r\n"
    "10001;Müller GmbH;Hauptstraße 5;80331;München;Deutschland;089 123456;1.234,50;A;14;45;"
    '"Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00";Großkunde, bitte vorher anrufen;ja;'
    "48,137154;11,576124\r\n"
    "10002;Bäckerei Schäfer;Königstraße 12;70173;Stuttgart;Deutschland;0711 987654;980,00;b;28;"
    "30;Mo-Sa 06:00-18:00;;ja;;\r\n"
    "10003;Weiß & Söhne KG;Lindenallee 3;01067;Dresden;Deutschland;;12.000;C-Kunde;;;;;nein;;\r\n"
)

# HubSpot companies export, saved as tab-separated text.
HUBSPOT = (
    "Record ID\tCompany name\tStreet Address\tCity\tState/Region\tPostal Code\tCountry/Region\t"
    "Phone Number\tCompany owner\tAnnual Revenue\tCreate Date\n"
    "5012345678\tNorthwind Traders\t12 Harbor Way\tSeattle\tWA\t98101\tUnited States\t"
    "+1 206 555 0142\tJane Roe\t1,500,000\t2023-04-01 10:12\n"
    "\n"
    "5012345679\tContoso, Ltd.\t1 Microsoft Way\tRedmond\tWA\t98052\tUnited States\t\tJohn Doe\t\t"
    "2023-05-11 09:00\n"
)


def test_salesforce_export() -> None:
    parsed = read_accounts_csv(codecs.BOM_UTF8 + SALESFORCE.encode("utf-8"))
    assert (parsed.encoding, parsed.delimiter, parsed.total_rows, parsed.errors) == (
        "utf-8-sig",
        ",",
        4,
        [],
    )
    assert [row.row for row in parsed.rows] == [2, 4, 5, 8]  # multi-line cells counted
    acme, globex, initech, umbrella = parsed.rows
    assert acme.external_id == "0015g00000ABCDeAAH"
    assert acme.street == "100 Main St, Suite 400"
    assert (acme.city, acme.postcode, acme.region, acme.country) == (
        "Cambridge",
        "02139",
        "MA",
        "United States",
    )
    assert (acme.latitude, acme.longitude) == (42.3736, -71.1097)
    assert acme.phone == "(617) 555-0100"
    assert acme.notes == 'Key account, visit "monthly"'
    assert (globex.latitude, globex.longitude) == (None, None)
    assert initech.street == "4120 Freidrich Ln, Building 2, Floor 3"  # one line: see cells.text
    assert umbrella.postcode is None
    assert umbrella.country is None
    assert parsed.mapped["street"] == "Billing Street"
    assert parsed.unmapped == [
        "Account Number",
        "Type",
        "Shipping Street",
        "Shipping City",
        "Website",
    ]
    assert acme.present == frozenset(parsed.mapped)


def test_german_export() -> None:
    parsed = read_accounts_csv(GERMAN.encode("latin-1"))
    # Latin-1 and Windows-1252 spell German alike; the Windows name is the one reported.
    assert (parsed.encoding, parsed.delimiter, parsed.errors) == ("cp1252", ";", [])
    assert parsed.encoding_confidence >= CERTAIN
    mueller, baeckerei, weiss = parsed.rows
    assert mueller == AccountRow(
        row=2,
        external_id="10001",
        name="Müller GmbH",
        street="Hauptstraße 5",
        city="München",
        postcode="80331",
        country="Deutschland",
        phone="089 123456",
        latitude=48.137154,
        longitude=11.576124,
        value=1234.5,
        tier="A",
        cadence_days=14,
        service_minutes=45,
        opening_hours={
            **{day: ["08:00-12:00", "13:00-17:00"] for day in ("mo", "tu", "we", "th", "fr")},
            "sa": ["09:00-12:00"],
        },
        notes="Großkunde, bitte vorher anrufen",
        active=True,
        present=frozenset(parsed.mapped),
    )
    assert (baeckerei.value, baeckerei.tier, baeckerei.notes) == (980.0, "B", None)
    assert (weiss.postcode, weiss.value, weiss.tier, weiss.active) == ("01067", 12000.0, "C", False)
    assert parsed.mapped["opening_hours"] == "Öffnungszeiten"
    assert parsed.mapped["cadence_days"] == "Besuchsrhythmus (Tage)"


def test_hubspot_tab_separated_export() -> None:
    parsed = read_accounts_csv(HUBSPOT.encode("utf-8"))
    assert (parsed.delimiter, parsed.total_rows, parsed.errors) == ("\t", 2, [])
    northwind, contoso = parsed.rows
    assert (northwind.external_id, northwind.name, northwind.postcode) == (
        "5012345678",
        "Northwind Traders",
        "98101",
    )
    assert contoso.name == "Contoso, Ltd."
    assert contoso.row == 4  # the blank line is skipped but still counted
    assert contoso.phone is None
    assert "phone" in contoso.present
    assert parsed.unmapped == ["Company owner", "Create Date"]
    assert (northwind.value, contoso.value) == (1_500_000.0, None)
    assert parsed.warnings == []


def test_no_value_column_warns_that_every_new_account_is_worth_nothing() -> None:
    parsed = read_accounts_csv(codecs.BOM_UTF8 + SALESFORCE.encode("utf-8"))
    assert "value" not in parsed.mapped
    [warning] = parsed.warnings
    assert warning.code == "no_value_column"
    assert warning.message.startswith(
        "no column gives the account value, so every account this file creates is worth 0"
    )
    assert 'e.g. {"value": "Annual Revenue"}' in warning.message
    # The headers the warning suggests are ones the importer reads as the value.
    for header in VALUE_HEADERS:
        assert header in warning.message
        data = f"id,name,{header}\n1,Acme,900\n".encode()
        assert read_accounts_csv(data).rows[0].value == 900.0, header


def test_a_mapping_that_names_the_value_column_or_leaves_it_out_does_not_warn() -> None:
    data = b"id,name,Potenzial EUR\n1,Acme,900\n"
    assert [w.code for w in read_accounts_csv(data).warnings] == ["no_value_column"]
    mapped = read_accounts_csv(data, mapping={"value": "Potenzial EUR"})
    assert (mapped.rows[0].value, mapped.warnings) == (900.0, [])
    left_out = read_accounts_csv(data, mapping={"value": ""})
    assert (left_out.rows[0].value, left_out.warnings) == (None, [])


def test_explicit_mapping_overrides_detection() -> None:
    data = (
        b"Kunden-ID,Bezeichnung,Phone,Mobile,Status\n"
        b"K-1,Alpha,030 1,0170 1,Prospect\n"
        b"K-2,Beta,030 2,,Customer\n"
    )
    with pytest.raises(CsvFormatError, match="no column found for external_id"):
        read_accounts_csv(data)
    parsed = read_accounts_csv(
        data,
        mapping={
            "external_id": "Kunden-ID",
            "name": "Bezeichnung",
            "phone": "Mobile",
            "active": "",
        },
    )
    assert parsed.errors == []  # "Prospect" would not be a valid active flag
    assert [(r.external_id, r.name, r.phone) for r in parsed.rows] == [
        ("K-1", "Alpha", "0170 1"),
        ("K-2", "Beta", None),
    ]
    assert parsed.unmapped == ["Phone", "Status"]
    assert "active" not in parsed.rows[0].present
    with pytest.raises(CsvFormatError) as caught:
        read_accounts_csv(data, mapping={"external_id": "Customer ID", "name": "Bezeichnung"})
    assert "'Customer ID', which is not in the file; its columns are: 'Kunden-ID'," in str(
        caught.value
    )


BAD_ROWS = (
    "id,name,lat,lon,value,opening hours\n"
    "A1,Good Co,52.52,13.40,1000,Mo-Fr 08:00-17:00\n"
    "A2,Bad Lat,95.0,13.40,1000,\n"
    "A3,Half Pair,52.52,,500,\n"
    'A4,"Bad\nHours",,,100,Mo-Fx 08:00-12:00\n'
    "A1,Again,,,,\n"
    "A6,Short Row,52.5\n"
    "A7,Smith, Jones & Co,52.5,13.4,100,Mo-Fr 08:00-17:00\n"
    "A8,Negative,,,-50,\n"
    "A9,   ,91,13,abc,\n"
    "   ,No Id,,,,\n"
    "A11,Padded,,,,,,\n"
)


def test_bad_rows_are_reported_by_line_column_and_value() -> None:
    parsed = read_accounts_csv(BAD_ROWS.encode())
    assert [row.external_id for row in parsed.rows] == ["A1", "A11"]
    assert parsed.total_rows == 11
    past_midnight = "not opening hours: 'Mo-Fx': unknown day 'Fx'"
    assert parsed.errors == [
        RowError(3, "lat", "95.0", "out of range: must be between -90 and 90"),
        RowError(4, "lon", "", "longitude is empty but latitude is given; give both or neither"),
        RowError(5, "opening hours", "Mo-Fx 08:00-12:00", past_midnight),
        RowError(7, "id", "A1", "duplicate of row 2"),
        RowError(
            8,
            None,
            "A6,Short Row,52.5",
            "this row has 3 cells but the header has 6: look for a ',' inside an unquoted "
            "cell, or a missing one",
        ),
        RowError(
            9,
            None,
            "A7,Smith, Jones & Co,52.5,13.4,100,Mo-Fr 08:00-17:00",
            "this row has 7 cells but the header has 6: look for a ',' inside an unquoted "
            "cell, or a missing one",
        ),
        RowError(10, "value", "-50", "must be zero or more"),
        # One row, every problem: name, latitude and value, in column order.
        RowError(11, "name", "", "name is required"),
        RowError(11, "lat", "91", "out of range: must be between -90 and 90"),
        RowError(
            11, "value", "abc", "not a number (examples: 1200, 1,234.50, 1.234,50, $900, 12k)"
        ),
        RowError(12, "id", "", "external_id is required"),
    ]


def test_long_values_are_cut_in_errors() -> None:
    data = f"id,name,value\n1,Acme,{'9' * 150}x\n".encode()
    (error,) = read_accounts_csv(data).errors
    assert error.value is not None
    assert len(error.value) == 100
    assert error.value.endswith("…")


def test_zero_zero_coordinates_mean_none() -> None:
    parsed = read_accounts_csv(b"id,name,latitude,longitude\n1,Acme,0,0\n")
    assert (parsed.rows[0].latitude, parsed.rows[0].longitude) == (None, None)
    assert {"latitude", "longitude"} <= parsed.rows[0].present


def test_excel_sep_line_shifts_line_numbers() -> None:
    parsed = read_accounts_csv(b"sep=;\r\nid;name;lat;lon\r\n1;Acme;1;2\r\n2;Beta;99;2\r\n")
    assert parsed.delimiter == ";"
    assert parsed.rows[0].row == 3
    assert [(e.row, e.column) for e in parsed.errors] == [(4, "lat")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\r\n\r\n", "the file is empty"),
        (codecs.BOM_UTF8, "the file is empty"),
        (b"id,name\r\n", "the file has a header but no rows"),
        (b"id,name\r\n,\r\n\r\n", "the file has a header but no rows"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "this looks like an Excel .xlsx file; export as CSV"),
        (b"%PDF-1.4\n", "PDF file"),
        (bytes(range(256)) * 4, "NUL bytes"),
        (b"id,name\n1,\"" + b"x" * 140_000 + b"\n", "line 2: field larger than field limit"),
        (b"name,city\nAcme,Boston\n", "no column found for external_id"),
    ],
)  # fmt: skip
def test_whole_file_problems(data: bytes, message: str) -> None:
    with pytest.raises(CsvFormatError) as caught:
        read_accounts_csv(data)
    assert message in str(caught.value)


def test_max_rows() -> None:
    data = ("id,name\n" + "".join(f"{i},Account {i}\n" for i in range(5))).encode()
    assert read_accounts_csv(data, max_rows=5).total_rows == 5
    with pytest.raises(CsvFormatError, match="more than 4 rows; split it"):
        read_accounts_csv(data, max_rows=4)


def test_ten_thousand_rows_parse_without_errors() -> None:
    # Speed is measured in bench/import_accounts.py, not asserted here.
    header = "Account ID,Account Name,Billing Street,Billing City,Billing Zip/Postal Code,Billing Latitude,Billing Longitude,Phone,Value,Tier,Cadence,Service Minutes,Opening Hours,Notes,Active\n"
    row = '{i:018d},Account {i},"{i} Main St",Springfield,{i:05d},42.{i},-71.{i},555-{i},"1,{k:03d}.50",B,14,30,"Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00","note, {i}",yes\n'
    data = (header + "".join(row.format(i=i, k=i % 1000) for i in range(10_000))).encode()
    parsed = read_accounts_csv(data)
    assert (len(parsed.rows), parsed.errors) == (10_000, [])
    assert parsed.rows[-1].value == 1999.5
    assert parsed.rows[-1].postcode == "09999"


def test_remote_cadence_and_coverage_columns() -> None:
    """Issue 16: a call cadence next to the visit cadence, and how the account is covered."""
    data = (
        "Account ID,Account Name,Visit Cadence (days),Call every (days),Coverage\n"
        "R1,Phone Only,,3 weeks,Remote\n"
        "R2,Both Ways,28,14,hybrid\n"
        "R3,Old School,56,,In-Person\n"
        "R4,Unclear,28,7,sometimes\n"
    )
    parsed = read_accounts_csv(data.encode())
    rows = {row.external_id: row for row in parsed.rows}
    assert (rows["R1"].touch_cadence_days, rows["R1"].coverage) == (21, "remote")
    assert (rows["R2"].cadence_days, rows["R2"].touch_cadence_days, rows["R2"].coverage) == (
        28,
        14,
        "hybrid",
    )
    assert (rows["R3"].touch_cadence_days, rows["R3"].coverage) == (None, "field")
    assert parsed.errors == [
        RowError(5, "Coverage", "sometimes", "not a coverage: use field, hybrid or remote")
    ]
