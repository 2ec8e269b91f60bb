"""The input types every feature shares, and what every list shares (`Page[T]`, paging and
sorting).

The edge's rules, one place each:
- **Ids** (`RowId`): 1 .. 2^31-1, the range of the tables' 32-bit integer keys on every database.
  An id outside it is a 422 naming the field wherever it is sent (path, query, body, form):
  it cannot name a row, and the same rule everywhere is simpler to learn than a 404 for some
  places. An id inside the range that names no row (or one not yours) stays a 404.
- **Dates and times** (`Day`, `Moment`): ISO 8601 text only (a number such as `0` is not read
  as 1970), from `MIN_DAY` to `MAX_DAY`, so that adding a week or a time zone's offset to any
  accepted value never leaves the calendar.
- **Text**: trimmed, no NUL; single-line text (names, phone, street, city, ...) refuses every
  control character (CR and LF included); multi-line text (`notes`) allows line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import core_schema

MAX_OFFSET = 10**12
"""Far past any real table, and well inside the databases' 64-bit OFFSET."""
MAX_QUERY_LENGTH = 200
MAX_ROW_ID = 2**31 - 1
"""The tables' keys are 32-bit integers (PostgreSQL's `integer`): a larger id cannot name a row,
and PostgreSQL refuses to compare one with the column (a 500 before this bound)."""
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2199, 12, 31)
"""The supported calendar: far wider than any plan or visit, and far enough inside Python's
(years 1 .. 9999) that a week or a time zone's offset added to any day or time stays inside."""

MINUTES_PER_DAY = 24 * 60

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


def _iso_text(kind: str, shape: re.Pattern[str], example: str) -> Any:
    def check(value: object) -> object:
        if isinstance(value, str):
            if not shape.match(value.strip()):
                raise ValueError(f"{value!r} is not a {kind}; use ISO 8601, e.g. {example}")
            return value.strip()
        if isinstance(value, date | time):  # made in Python, not sent as JSON
            return value
        raise ValueError(f"a {kind} must be ISO 8601 text such as {example!r}, not a number")

    return check


def _in_calendar(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not MIN_DAY <= day <= MAX_DAY:
        raise ValueError(f"must be between {MIN_DAY} and {MAX_DAY} (sent {day})")
    return value


_DAY_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MOMENT_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}")

Day = Annotated[
    date,
    BeforeValidator(_iso_text("date", _DAY_TEXT, "2030-06-04")),
    AfterValidator(_in_calendar),
]
"""A date sent by a client: `YYYY-MM-DD` within `MIN_DAY` .. `MAX_DAY`."""
Moment = Annotated[
    datetime,
    BeforeValidator(_iso_text("date-time", _MOMENT_TEXT, "2030-06-04T09:30:00-05:00")),
    AfterValidator(_in_calendar),
]
"""A date-time sent by a client: ISO 8601 with or without an offset, its date within
`MIN_DAY` .. `MAX_DAY`."""


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give a local time of day without a time zone, like 08:30")
    return value


_CLOCK_TEXT = r"^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?$"
LocalTime = Annotated[
    time,
    BeforeValidator(_iso_text("time of day", re.compile(_CLOCK_TEXT), "08:30")),
    AfterValidator(_local_time),
    # Not OpenAPI's `format: time` (RFC 3339's full-time needs an offset): a wall-clock time.
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _CLOCK_TEXT,
            "description": "a time of day on the rep's clock, HH:MM[:SS] (08:30), sent back as "
            "HH:MM:SS",
        }
    ),
]
"""A wall-clock time of day without a zone, as text (`08:30`); a number is refused."""


def parse_day(text: str) -> date:
    """`Day`'s rule for text read outside pydantic (a page's query, a CSV cell): a `ValueError`
    saying what is wrong."""
    if not _DAY_TEXT.match(text.strip()):
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2030-06-04")
    return _in_calendar(date.fromisoformat(text.strip()))


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


_LINE_BREAKS_AND_TABS = frozenset("\n\r\t")
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character single-line (or multi-line) text may not hold, or None. Line breaks
    in a name or a phone number break CSV rows, ICS lines and the pages' one-line layouts."""
    for char in value:
        if multiline and char in _LINE_BREAKS_AND_TABS:
            continue
        if char in _LINE_SEPARATORS or unicodedata.category(char) == "Cc":
            return char
    return None


def _one_line(value: str) -> str:
    _no_nul(value)
    char = control_character(value)
    if char is not None:
        raise ValueError(f"must be one line of text without control characters (found {char!r})")
    return value


def _lines(value: str) -> str:
    _no_nul(value)
    char = control_character(value, multiline=True)
    if char is not None:
        raise ValueError(f"must not contain control characters (found {char!r})")
    return value


Text = Annotated[str, BeforeValidator(_strip), Field(min_length=1), AfterValidator(_one_line)]
"""Required single-line text, trimmed; bound it with `Field(max_length=...)`."""
Name = Annotated[Text, Field(max_length=200)]


@dataclass(frozen=True, slots=True)
class OptionalText:
    """Optional text of at most `max_length` characters, trimmed; blank means null. Use as
    `Annotated[str | None, OptionalText(200)]` (a plain max_length would also apply to null).
    Single-line unless `multiline` (notes)."""

    max_length: int
    multiline: bool = False

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        text = core_schema.no_info_after_validator_function(
            _lines if self.multiline else _one_line,
            core_schema.str_schema(max_length=self.max_length, strip_whitespace=True),
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


class PageParams(BaseModel):
    """Paging; a list in a fixed order (a ranking) adds its filters. Unknown parameters are
    refused, so a misspelt filter is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(
        default=100, ge=1, description="items per page; at most the server's max_page_size"
    )
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description="items to skip")


class ListParams(PageParams):
    """Paging and sorting; each resource adds its filters."""

    sort: Annotated[str | None, OptionalText(MAX_QUERY_LENGTH)] = Field(
        default=None,
        description="comma-separated fields, '-' first for descending: `name,-value`",
    )
