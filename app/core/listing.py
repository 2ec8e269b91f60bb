"""List queries shared by every resource: paging, whitelisted sorting, text search and date
arithmetic, written once so they behave the same on SQLite and PostgreSQL; and the page of a
list worked out in Python (a ranking no query can sort by)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    RowMapping,
    Select,
    SQLColumnExpression,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from app.core.errors import InvalidRequest
from app.core.schemas import ListParams, PageParams

_SQLITE_LOWER = "fieldroute_lower"


@dataclass(frozen=True, slots=True)
class Sorting:
    """The fields a resource may be sorted by (name -> SQL expression) and its default order."""

    fields: Mapping[str, SQLColumnExpression[Any]]
    default: str
    tiebreak: SQLColumnExpression[Any]


def order_by(sort: str | None, sorting: Sorting) -> list[ColumnElement[Any]]:
    """ORDER BY clauses for `sort` ("name,-value"); nulls last both ways on every backend, and
    the tiebreak (the id) last, so pages never overlap. An unknown field is a 422 naming it."""
    clauses: list[ColumnElement[Any]] = []
    seen: set[str] = set()
    for part in (sort or sorting.default).split(","):
        name = part.strip()
        if not name:
            continue
        descending = name.startswith("-")
        name = name.removeprefix("-").removeprefix("+").strip()
        column = sorting.fields.get(name)
        if column is None:
            allowed = ", ".join(sorted(sorting.fields))
            raise InvalidRequest(
                f"sort: unknown field {name!r}; sort by {allowed} ('-' first for descending)",
                field="sort",
            )
        if name in seen:
            raise InvalidRequest(f"sort: {name!r} is given twice", field="sort")
        seen.add(name)
        clauses.append((column.desc() if descending else column.asc()).nulls_last())
    clauses.append(sorting.tiebreak.asc())
    return clauses


def fetch_page[M](
    session: Session,
    entity: type[M],
    where: Sequence[ColumnElement[bool]],
    params: ListParams,
    *,
    sorting: Sorting,
    max_page_size: int,
    options: Sequence[ORMOption] = (),
) -> tuple[list[M], int]:
    """One page of `entity` objects matching `where`, and how many match in all."""
    total = _count(session, entity, where, params, max_page_size)
    if params.offset >= total:
        return [], total
    query = _window(select(entity).where(*where), params, sorting).options(*options)
    return list(session.scalars(query)), total


def fetch_rows(
    session: Session,
    entity: type[Any],
    columns: Sequence[SQLColumnExpression[Any]],
    where: Sequence[ColumnElement[bool]],
    params: ListParams,
    *,
    sorting: Sorting,
    max_page_size: int,
) -> tuple[list[RowMapping], int]:
    """As `fetch_page`, but plain rows of `columns`: no ORM objects to build, for big pages."""
    total = _count(session, entity, where, params, max_page_size)
    if params.offset >= total:
        return [], total
    query = _window(select(*columns).where(*where), params, sorting)
    # Through the connection, past the ORM's result machinery: rows are all that is needed.
    return list(session.connection().execute(query).mappings()), total


def page_of[T](items: Sequence[T], params: PageParams, max_page_size: int) -> list[T]:
    """The window `params` asks for of `items`, already in their order."""
    check_limit(params, max_page_size)
    return list(items[params.offset : params.offset + params.limit])


def check_limit(params: PageParams, max_page_size: int) -> None:
    if params.limit > max_page_size:
        raise InvalidRequest(f"limit: at most {max_page_size} items per page", field="limit")


def _count(
    session: Session,
    entity: type[Any],
    where: Sequence[ColumnElement[bool]],
    params: ListParams,
    max_page_size: int,
) -> int:
    # A separate count keeps the page query a plain indexed read with LIMIT.
    check_limit(params, max_page_size)
    return session.scalar(select(func.count()).select_from(entity).where(*where)) or 0


def _window(query: Select[Any], params: ListParams, sorting: Sorting) -> Select[Any]:
    clauses = order_by(params.sort, sorting)
    return query.order_by(*clauses).limit(params.limit).offset(params.offset)


def text_matches(
    session: Session, needle: str, columns: Sequence[SQLColumnExpression[str | None]]
) -> ColumnElement[bool]:
    """Case-insensitive substring match of `needle` in any of `columns`, `%` and `_` literal;
    a blank needle matches everything.

    PostgreSQL's ILIKE folds all of Unicode. SQLite's LIKE folds ASCII by itself (no lower()
    per row needed), and only ASCII, so for other text SQLite compares through Python's
    `str.lower`, registered on the request's connection: only then, since a Python call per
    row costs more than the built-in."""
    needle = needle.strip()
    if not needle:
        return true()
    if session.get_bind().dialect.name != "sqlite":
        return or_(*(column.icontains(needle, autoescape=True) for column in columns))
    if needle.isascii():
        return or_(*(column.contains(needle, autoescape=True) for column in columns))
    connection = session.connection().connection.driver_connection
    assert isinstance(connection, sqlite3.Connection)
    connection.create_function(_SQLITE_LOWER, 1, _lower, deterministic=True)
    lower = getattr(func, _SQLITE_LOWER)
    folded = needle.lower()
    return or_(*(lower(column).contains(folded, autoescape=True) for column in columns))


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


class date_plus_days(FunctionElement[date]):
    """`day + days` as a date, on SQLite (dates stored as ISO text) and PostgreSQL alike;
    null when either is null."""

    type = Date()
    name = "date_plus_days"
    inherit_cache = True


@compiles(date_plus_days, "sqlite")
def _date_plus_days_sqlite(element: date_plus_days, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    # A null count makes the modifier null, and so the date: as on PostgreSQL.
    return f"date({day}, {days} || ' days')"


@compiles(date_plus_days)
def _date_plus_days_default(element: date_plus_days, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({day} + {days})"
