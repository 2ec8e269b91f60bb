"""Which column of a CRM export holds which account field.

Headers are compared after `normalise_header` ("Billing Zip/Postal Code" -> "billing zip postal
code", "BillingStreet" -> "billing street"), against the names Salesforce, HubSpot, Dynamics 365,
Pipedrive and Zoho exports use, generic names, and common German ones. For each field the first
alias found wins, so the order of a field's aliases is its preference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.imports.parsing.csv_source import CsvFormatError

FIELDS: tuple[str, ...] = (
    "external_id",
    "name",
    "street",
    "city",
    "postcode",
    "region",
    "country",
    "phone",
    "latitude",
    "longitude",
    "value",
    "tier",
    "cadence_days",
    "touch_cadence_days",
    "coverage",
    "service_minutes",
    "opening_hours",
    "notes",
    "active",
    "territory",
    "team",
)
REQUIRED: tuple[str, ...] = ("external_id", "name")

_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "external id", "id", "account id", "record id", "organization id", "account number",
        "customer id", "customer number", "customer no", "account no", "crm id",
        "kundennummer", "kundennr", "kunden nr", "debitorennummer",
    ),
    "name": (
        "name", "account name", "company name", "organization name", "company", "organization",
        "account", "customer name", "customer", "business name",
        "firma", "firmenname", "kundenname", "kunde",
    ),
    "street": (
        "street", "billing street", "address 1 street 1", "street address", "address",
        "address line 1", "address 1", "billing address", "organization address",
        "strasse", "adresse", "anschrift",
    ),
    "city": (
        "city", "billing city", "address 1 city", "town",
        "organization address city town village locality", "locality", "ort", "stadt",
    ),
    "postcode": (
        "postcode", "billing zip postal code", "billing postal code", "billing code",
        "billing zip", "address 1 zip postal code", "postal code", "post code", "zip",
        "zip code", "zipcode", "organization address zip postal code", "plz", "postleitzahl",
    ),
    "region": (
        "region", "billing state province", "billing state", "address 1 state province",
        "state region", "state", "province", "state province", "county",
        "organization address state county", "bundesland",
    ),
    "country": (
        "country", "billing country", "address 1 country region", "country region",
        "organization address country", "land",
    ),
    "phone": (
        "phone", "phone number", "main phone", "telephone", "tel", "business phone",
        "telefon", "telefonnummer",
    ),
    "latitude": ("latitude", "lat", "billing latitude", "address 1 latitude", "breitengrad"),
    "longitude": (
        "longitude", "lng", "lon", "long", "billing longitude", "address 1 longitude",
        "längengrad",
    ),
    "value": (
        "value", "annual value", "account value", "potential", "potential value",
        # Salesforce, HubSpot, Dynamics 365, Zoho; multi-currency Salesforce and Dynamics also
        # give it in the company currency, which compares across accounts; Pipedrive custom
        # fields carry the "Organization - " prefix.
        "annual revenue converted", "annual revenue base", "annual revenue",
        "organization annual revenue", "revenue", "annual sales", "annual turnover", "turnover",
        "umsatz", "jahresumsatz", "potenzial",
    ),
    "tier": (
        "tier", "account tier", "segment", "class", "classification", "abc class",
        "klasse", "kundenklasse", "abc klasse", "kategorie",
    ),
    "cadence_days": (
        "cadence days", "cadence", "visit cadence days", "visit cadence", "visit every days",
        "visit every", "visit interval days",
        "visit interval", "visit frequency days", "visit frequency",
        "besuchsrhythmus", "besuchsintervall", "besuchsrhythmus tage",
    ),
    "touch_cadence_days": (
        "touch cadence days", "touch cadence", "call cadence days", "call cadence",
        "call every days", "call every", "call interval days", "call interval",
        "remote cadence days", "remote cadence", "anrufrhythmus", "anrufintervall",
    ),
    "coverage": ("coverage", "coverage channel", "betreuungsart"),
    "service_minutes": (
        "service minutes", "service time", "visit duration", "visit duration minutes",
        "visit minutes", "besuchsdauer", "besuchsdauer min",
    ),
    "opening_hours": (
        "opening hours", "hours", "business hours", "open hours", "öffnungszeiten",
    ),
    "notes": (
        "notes", "note", "description", "comments", "comment",
        "bemerkungen", "bemerkung", "notizen", "notiz",
    ),
    "active": ("active", "is active", "status", "account status", "aktiv"),
    "territory": ("territory", "sales territory", "territory name", "gebiet", "vertriebsgebiet"),
    "team": ("team", "sales team", "vertriebsteam"),
}  # fmt: skip

# Used only when no column of the group matched above: the shipping (or second) address.
_FALLBACK_ALIASES: dict[str, tuple[str, ...]] = {
    "street": ("shipping street", "address 2 street 1", "shipping address"),
    "city": ("shipping city", "address 2 city"),
    "postcode": (
        "shipping zip postal code", "shipping postal code", "shipping code", "shipping zip",
        "address 2 zip postal code",
    ),
    "region": ("shipping state province", "shipping state", "address 2 state province"),
    "country": ("shipping country", "address 2 country region"),
    "latitude": ("shipping latitude", "address 2 latitude"),
    "longitude": ("shipping longitude", "address 2 longitude"),
}  # fmt: skip
_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"street", "city", "postcode", "region", "country"}),
    frozenset({"latitude", "longitude"}),
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Where each mapped field is: `index[field]` is its column position in every record."""

    headers: tuple[str, ...]
    index: dict[str, int]

    @property
    def mapped(self) -> dict[str, str]:
        """Field -> the header as written in the file, in `FIELDS` order."""
        return {field: self.headers[self.index[field]] for field in FIELDS if field in self.index}

    @property
    def unmapped(self) -> list[str]:
        """Headers (non-blank) that no field reads, in file order."""
        used = set(self.index.values())
        return [h for i, h in enumerate(self.headers) if i not in used and h.strip()]


def normalise_header(header: str) -> str:
    """Casefolded words of a header: "Billing Zip/Postal Code" -> "billing zip postal code"."""
    spaced = _CAMEL.sub(" ", header.replace("\ufeff", ""))
    return " ".join(_NOT_WORD.sub(" ", spaced.casefold()).split())


def map_columns(headers: Sequence[str], mapping: Mapping[str, str] | None = None) -> ColumnMap:
    """Decide which column holds which field.

    `mapping` (field -> header as in the file) overrides detection for the fields it names; an
    empty header ("") means "do not import this field". Raises `CsvFormatError` for an unknown
    field or header in `mapping`, a missing external_id or name column, or only one of
    latitude/longitude.
    """
    headers = tuple(h.replace("\ufeff", "").strip() for h in headers)
    first_by_norm: dict[str, int] = {}
    for position, header in enumerate(headers):
        first_by_norm.setdefault(normalise_header(header), position)
    index: dict[str, int] = {}
    decided: set[str] = set()
    for field, header in (mapping or {}).items():
        if field not in FIELDS:
            raise CsvFormatError(
                f"the mapping names an unknown field {field!r}; fields are: {', '.join(FIELDS)}"
            )
        decided.add(field)
        if header.strip():
            index[field] = _find(headers, first_by_norm, field, header)
    taken = set(index.values())

    def detect(aliases: Mapping[str, Sequence[str]]) -> None:
        for field, names in aliases.items():
            if field in decided or field in index:
                continue
            for name in names:
                position = first_by_norm.get(name)
                if position is not None and position not in taken:
                    index[field] = position
                    taken.add(position)
                    break

    detect(_ALIASES)
    unfilled_groups = [g for g in _GROUPS if not g & index.keys()]
    detect({f: a for f, a in _FALLBACK_ALIASES.items() if any(f in g for g in unfilled_groups)})
    _check(headers, index)
    return ColumnMap(headers=headers, index=index)


def _find(headers: tuple[str, ...], first_by_norm: dict[str, int], field: str, header: str) -> int:
    if header.strip() in headers:
        return headers.index(header.strip())
    position = first_by_norm.get(normalise_header(header))
    if position is None:
        raise CsvFormatError(
            f"the mapping for {field} names the column {header!r}, which is not in the file; "
            f"its columns are: {_listing(headers)}"
        )
    return position


def _check(headers: tuple[str, ...], index: dict[str, int]) -> None:
    missing = [field for field in REQUIRED if field not in index]
    if missing:
        wanted = " or ".join(
            f"{f} (e.g. {', '.join(repr(a) for a in _ALIASES[f][:3])})" for f in missing
        )
        raise CsvFormatError(
            f"no column found for {wanted}; the file's columns are: {_listing(headers)}; "
            "rename the column or give a mapping"
        )
    if ("latitude" in index) != ("longitude" in index):
        given, absent = (
            ("latitude", "longitude") if "latitude" in index else ("longitude", "latitude")
        )
        raise CsvFormatError(
            f"the column {headers[index[given]]!r} gives the {given} but no column gives the "
            f"{absent}; map both or neither"
        )


def _listing(headers: Sequence[str]) -> str:
    return ", ".join(repr(h) for h in headers if h) or "(none)"
