"""What every list shares: the `Page[T]` answer and the paging and sorting query parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationInfo,
)
from pydantic_core import core_schema

MAX_OFFSET = 10**12
"""Far past any real table, and well inside the databases' 64-bit OFFSET."""
MAX_QUERY_LENGTH = 200
MAX_ROW_ID = 2**63 - 1
"""Ids past 64 bits cannot be stored or compared by either database: a 422, not a 500."""

MINUTES_PER_DAY = 24 * 60

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no database driver can encode a lone surrogate:
    # refuse both here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\x00) characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text (a lone surrogate was sent)") from exc
    return value


Text = Annotated[str, BeforeValidator(_strip), Field(min_length=1), AfterValidator(_no_nul)]
"""Required text, trimmed; bound it with `Field(max_length=...)`."""
Name = Annotated[Text, Field(max_length=200)]


@dataclass(frozen=True, slots=True)
class OptionalText:
    """Optional text of at most `max_length` characters, trimmed; blank means null. Use as
    `Annotated[str | None, OptionalText(200)]` (a plain max_length would also apply to null)."""

    max_length: int

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.no_info_after_validator_function(
            _no_nul, core_schema.str_schema(max_length=self.max_length, strip_whitespace=True)
        )
        return core_schema.no_info_before_validator_function(
            _blank_to_none, core_schema.nullable_schema(text)
        )


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def refuse_null(value: object, info: ValidationInfo) -> object:
    """For a patch's fields that are optional to send but cannot be null once sent:
    `_not_null = field_validator("name", ...)(refuse_null)`."""
    if value is None:
        raise ValueError(f"{info.field_name} cannot be null")
    return value


def check_pair(model: BaseModel, first: str, second: str, *, sent: set[str]) -> None:
    """Two fields that go together (a point's latitude and longitude): both sent or neither,
    both null or neither. For a model validator; `sent` is what the caller sent of the two."""
    if (first in sent) != (second in sent) or (
        (getattr(model, first) is None) != (getattr(model, second) is None)
    ):
        raise ValueError(f"{first} and {second} go together: give both or neither")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value.lower()


SearchText = Annotated[str | None, OptionalText(MAX_QUERY_LENGTH)]
"""A text search (`q`): blank means no search."""
Email = Annotated[Text, Field(max_length=254), AfterValidator(_email)]
"""An email address, stored in lower case (so uniqueness ignores case)."""


class Page[T](BaseModel):
    """One page of a list: the items, how many match in all, and the window that was asked."""

    items: list[T]
    total: int = Field(description="items matching the filters, over all pages")
    limit: int
    offset: int


class ListParams(BaseModel):
    """Paging and sorting; each resource adds its filters. Unknown parameters are refused, so a
    misspelt filter is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        default=100, ge=1, description="items per page; at most the server's max_page_size"
    )
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="items to skip")
    sort: Annotated[str | None, OptionalText(MAX_QUERY_LENGTH)] = Field(
        default=None,
        description="comma-separated fields, '-' first for descending: `name,-value`",
    )
