"""A small validator of a JSON answer against the OpenAPI document's schema for it: the subset
of JSON Schema the app's document uses ($ref, anyOf, allOf, type, properties, required, items,
additionalProperties, enum, const, pattern, and the formats date and date-time). No dependency:
the lead adds schemathesis for the whole document; this pins a few routes in the unit tests."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def response_schema(document: dict[str, Any], path: str, method: str, status: int) -> Any:
    operation = document["paths"][path][method.lower()]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def problems(document: dict[str, Any], schema: Any, value: Any, where: str = "$") -> list[str]:
    """Every way `value` breaks `schema` (empty when it conforms)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return problems(document, document["components"]["schemas"][name], value, where)
    found: list[str] = []
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        if all(problems(document, option, value, where) for option in options):
            found.append(f"{where}: {value!r} matches none of {len(options)} options")
    for part in schema.get("allOf", []):
        found += problems(document, part, value, where)
    kind = schema.get("type")
    if kind is not None:
        allowed = _TYPES[kind]
        if not isinstance(value, allowed) or (kind in ("integer", "number") and value is True):
            return [*found, f"{where}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r} is not {schema['const']!r}")
    if isinstance(value, str):
        found += _string_problems(schema, value, where)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(document, schema["items"], item, f"{where}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: {name!r} is required")
        for name, item in value.items():
            if name in properties:
                found += problems(document, properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: {name!r} is not a declared property")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += problems(document, schema["additionalProperties"], item, f"{where}.{name}")
    return found


def _string_problems(schema: dict[str, Any], value: str, where: str) -> list[str]:
    found = []
    if "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    form = schema.get("format")
    if form == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            found.append(f"{where}: {value!r} is not a date")
        if len(value) != 10:
            found.append(f"{where}: {value!r} is not YYYY-MM-DD")
    elif form == "date-time":
        if not _RFC3339.match(value):
            found.append(f"{where}: {value!r} is not an RFC 3339 date-time (offset required)")
        else:
            datetime.fromisoformat(value)
    elif form == "time":
        found.append(f"{where}: format time needs an offset (RFC 3339 full-time): {value!r}")
    return found
