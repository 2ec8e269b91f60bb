"""Recognising the columns of CRM exports, and explicit mappings."""

from __future__ import annotations

import pytest

from app.imports.parsing import CsvFormatError, map_columns, normalise_header

SALESFORCE = [
    "Account ID", "Account Name", "Account Number", "Type", "Billing Street", "Billing City",
    "Billing State/Province", "Billing Zip/Postal Code", "Billing Country", "Billing Latitude",
    "Billing Longitude", "Shipping Street", "Shipping City", "Shipping State/Province",
    "Shipping Zip/Postal Code", "Shipping Country", "Phone", "Website", "Description",
]  # fmt: skip
DYNAMICS = [
    "(Do Not Modify) Account", "(Do Not Modify) Row Checksum", "Account Name", "Account Number",
    "Main Phone", "Address 1: Street 1", "Address 1: City", "Address 1: ZIP/Postal Code",
    "Address 1: State/Province", "Address 1: Country/Region", "Address 1: Latitude",
    "Address 1: Longitude", "Primary Contact",
]  # fmt: skip
HUBSPOT = [
    "Record ID", "Company name", "Street Address", "City", "State/Region", "Postal Code",
    "Country/Region", "Phone Number", "Company owner", "Lifecycle Stage",
]  # fmt: skip
PIPEDRIVE = [
    "Organization - ID", "Organization - Name", "Organization - Address",
    "Organization - Address - City/town/village/locality",
    "Organization - Address - ZIP/Postal code", "Organization - Address - Country",
    "Organization - Owner",
]  # fmt: skip
ZOHO = [
    "Record Id", "Account Name", "Phone", "Billing Street", "Billing City", "Billing State",
    "Billing Code", "Billing Country", "Description",
]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("\ufeffAccount ID", "account id"),
        ("  Billing Zip/Postal Code ", "billing zip postal code"),
        ("Address 1: ZIP/Postal Code", "address 1 zip postal code"),
        ("BillingStreet", "billing street"),
        ("cadence_days", "cadence days"),
        ("Visit every (days)", "visit every days"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
    ],
)
def test_normalise_header(header: str, normalised: str) -> None:
    assert normalise_header(header) == normalised


def test_salesforce_prefers_billing_over_shipping() -> None:
    columns = map_columns(SALESFORCE)
    assert columns.mapped == {
        "external_id": "Account ID",
        "name": "Account Name",
        "street": "Billing Street",
        "city": "Billing City",
        "postcode": "Billing Zip/Postal Code",
        "region": "Billing State/Province",
        "country": "Billing Country",
        "phone": "Phone",
        "latitude": "Billing Latitude",
        "longitude": "Billing Longitude",
        "notes": "Description",
    }
    assert "Shipping City" in columns.unmapped
    assert "Account Number" in columns.unmapped
    assert columns.index["street"] == SALESFORCE.index("Billing Street")


def test_salesforce_falls_back_to_shipping_without_billing_columns() -> None:
    headers = [h for h in SALESFORCE if not h.startswith("Billing")]
    mapped = map_columns(headers).mapped
    assert mapped["street"] == "Shipping Street"
    assert mapped["postcode"] == "Shipping Zip/Postal Code"
    assert "latitude" not in mapped


def test_salesforce_data_loader_api_names() -> None:
    mapped = map_columns(["Id", "Name", "BillingStreet", "BillingPostalCode", "BillingCity"]).mapped
    assert mapped == {
        "external_id": "Id",
        "name": "Name",
        "street": "BillingStreet",
        "city": "BillingCity",
        "postcode": "BillingPostalCode",
    }


def test_dynamics_365() -> None:
    mapped = map_columns(DYNAMICS).mapped
    assert mapped == {
        "external_id": "Account Number",
        "name": "Account Name",
        "street": "Address 1: Street 1",
        "city": "Address 1: City",
        "postcode": "Address 1: ZIP/Postal Code",
        "region": "Address 1: State/Province",
        "country": "Address 1: Country/Region",
        "phone": "Main Phone",
        "latitude": "Address 1: Latitude",
        "longitude": "Address 1: Longitude",
    }


def test_hubspot() -> None:
    columns = map_columns(HUBSPOT)
    assert columns.mapped == {
        "external_id": "Record ID",
        "name": "Company name",
        "street": "Street Address",
        "city": "City",
        "postcode": "Postal Code",
        "region": "State/Region",
        "country": "Country/Region",
        "phone": "Phone Number",
    }
    assert columns.unmapped == ["Company owner", "Lifecycle Stage"]


def test_pipedrive_and_zoho() -> None:
    assert map_columns(PIPEDRIVE).mapped == {
        "external_id": "Organization - ID",
        "name": "Organization - Name",
        "street": "Organization - Address",
        "city": "Organization - Address - City/town/village/locality",
        "postcode": "Organization - Address - ZIP/Postal code",
        "country": "Organization - Address - Country",
    }
    zoho = map_columns(ZOHO).mapped
    assert (zoho["external_id"], zoho["postcode"], zoho["region"]) == (
        "Record Id",
        "Billing Code",
        "Billing State",
    )


def test_generic_names() -> None:
    headers = [
        "id", "name", "address", "zip code", "city", "lat", "lng", "annual value", "segment",
        "Visit every (days)", "visit duration", "hours", "notes", "status", "territory", "team",
    ]  # fmt: skip
    mapped = map_columns(headers).mapped
    assert mapped == {
        "external_id": "id",
        "name": "name",
        "street": "address",
        "city": "city",
        "postcode": "zip code",
        "latitude": "lat",
        "longitude": "lng",
        "value": "annual value",
        "tier": "segment",
        "cadence_days": "Visit every (days)",
        "service_minutes": "visit duration",
        "opening_hours": "hours",
        "notes": "notes",
        "active": "status",
        "territory": "territory",
        "team": "team",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Visit Cadence (days)", "cadence_days"),
        ("Annual Value", "value"),
        ("Annual Revenue", "value"),  # Salesforce report, Dynamics 365, Zoho
        ("AnnualRevenue", "value"),  # Salesforce Data Loader
        ("Annual revenue", "value"),  # HubSpot
        ("Annual Revenue (converted)", "value"),  # Salesforce, multi-currency
        ("Annual Revenue (Base)", "value"),  # Dynamics 365, multi-currency
        ("Organization - Annual revenue", "value"),  # Pipedrive custom field
        ("Revenue", "value"),
        ("Jahresumsatz", "value"),
        ("Business Hours", "opening_hours"),
        ("Öffnungszeiten", "opening_hours"),
        ("PLZ", "postcode"),
        ("Sales Territory", "territory"),
    ],
)
def test_more_header_spellings(header: str, field: str) -> None:
    assert map_columns(["id", "name", header]).mapped[field] == header


def test_the_company_currency_revenue_is_preferred_over_the_record_currency() -> None:
    headers = ["Account ID", "Account Name", "Annual Revenue Currency", "Annual Revenue",
               "Annual Revenue (converted)"]  # fmt: skip
    columns = map_columns(headers)
    assert columns.mapped["value"] == "Annual Revenue (converted)"
    assert columns.unmapped == ["Annual Revenue Currency", "Annual Revenue"]


def test_explicit_mapping_overrides_detection_and_can_drop_a_field() -> None:
    headers = ["Kunden-ID", "Bezeichnung", "Phone", "Mobile", "Status"]
    columns = map_columns(
        headers,
        {"external_id": "Kunden-ID", "name": "bezeichnung", "phone": "Mobile", "active": ""},
    )
    assert columns.mapped == {
        "external_id": "Kunden-ID",
        "name": "Bezeichnung",
        "phone": "Mobile",
    }
    assert columns.unmapped == ["Phone", "Status"]


def test_a_mapping_to_a_missing_header_lists_the_headers() -> None:
    with pytest.raises(CsvFormatError) as caught:
        map_columns(["Id", "Name", "City"], {"city": "Town"})
    assert str(caught.value) == (
        "the mapping for city names the column 'Town', which is not in the file; "
        "its columns are: 'Id', 'Name', 'City'"
    )


def test_a_mapping_to_an_unknown_field() -> None:
    with pytest.raises(CsvFormatError, match="unknown field 'email'"):
        map_columns(["Id", "Name"], {"email": "Name"})


def test_missing_required_columns_are_named_with_the_file_headers() -> None:
    with pytest.raises(CsvFormatError) as caught:
        map_columns(["Company name", "City", "Owner"])
    assert str(caught.value) == (
        "no column found for external_id (e.g. 'external id', 'id', 'account id'); "
        "the file's columns are: 'Company name', 'City', 'Owner'; "
        "rename the column or give a mapping"
    )
    with pytest.raises(CsvFormatError) as caught:
        map_columns(["City"])
    assert str(caught.value).startswith(
        "no column found for external_id (e.g. 'external id', 'id', 'account id') "
        "or name (e.g. 'name', 'account name', 'company name'); the file's columns are: 'City';"
    )


def test_latitude_without_longitude_is_a_file_error() -> None:
    with pytest.raises(
        CsvFormatError, match="'Lat' gives the latitude but no column gives the longitude"
    ):
        map_columns(["id", "name", "Lat"])


def test_duplicate_headers_use_the_first_and_report_the_rest() -> None:
    columns = map_columns(["id", "name", "phone", "Phone"])
    assert columns.index["phone"] == 2
    assert columns.unmapped == ["Phone"]
