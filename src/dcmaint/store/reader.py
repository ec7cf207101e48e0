"""The read path: plain DB-API queries for lists and shows.

``dcmaint device list`` must answer about as fast as Python can import typer.
SQLAlchemy's import alone costs about four times that, so reads use the
standard ``sqlite3`` module (or psycopg) and SQL written against the tables
that :mod:`dcmaint.store.models` defines; tests run every query on both
backends and check its columns against the models. All writes still go
through the ORM and its unit of work (:mod:`dcmaint.store.unit`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any, Protocol

from dcmaint.errors import StoreError
from dcmaint.i18n import _
from dcmaint.store import revision
from dcmaint.store.urls import DatabaseUrl

_NAMED_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Connection(Protocol):
    def execute(self, sql: str, params: Any = ...) -> Any: ...
    def close(self) -> None: ...


class Row(Protocol):
    """One result row, read by column name (``row["serial"]``), on every backend and in every transaction.

    Query modules name each value they take, so a column added to a SELECT cannot shift another into the
    wrong field. SQLite hands back :class:`sqlite3.Row`; PostgreSQL and a unit of work hand back
    :class:`NamedRow`, which reads the same way.
    """

    def __getitem__(self, key: str, /) -> Any: ...


class Rows(Protocol):
    """Anything that runs read SQL with ``:name`` parameters: a :class:`Reader`, or a write's unit of work."""

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Row]: ...


def column_index(names: Iterable[str]) -> dict[str, int]:
    """Column name -> position; two columns of one name would make ``row[name]`` ambiguous, so they are refused.

    >>> column_index(["id", "name"])
    {'id': 0, 'name': 1}
    >>> column_index(["name", "name"])
    Traceback (most recent call last):
    ...
    ValueError: the query returns two columns named 'name': give them distinct aliases
    """
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in index:
            raise ValueError(f"the query returns two columns named {name!r}: give them distinct aliases")
        index[name] = position
    return index


class NamedRow:
    """A row read by column name, like :class:`sqlite3.Row`: what psycopg and a unit of work hand back.

    >>> row = NamedRow(column_index(["id", "name"]), (7, "hq"))
    >>> row["name"], row[0], list(row), row.keys()
    ('hq', 7, [7, 'hq'], ['id', 'name'])
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str | int) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"NamedRow({dict(zip(self._index, self._values, strict=True))!r})"


def _named_rows(cursor: Any) -> Any:
    """psycopg's row factory for :class:`NamedRow` (one column index per result, shared by its rows)."""
    if cursor.description is None:
        return tuple
    index = column_index(column.name for column in cursor.description)
    return lambda values: NamedRow(index, values)


class Reader:
    """Runs SQL written with ``:name`` parameters on either backend; rows are read by column name."""

    def __init__(self, url: DatabaseUrl, connection: Any) -> None:
        self.url = url
        self._connection = connection

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
        if self.url.backend == "postgresql":
            sql = _NAMED_PARAM.sub(r"%(\1)s", sql)
        cursor = self._connection.execute(sql, params or {})
        if self.url.backend == "sqlite" and cursor.description:  # sqlite3.Row would answer the first of two names
            column_index(column[0] for column in cursor.description)
        found: list[Row] = cursor.fetchall()
        return found

    def timestamp(self, value: datetime) -> Any:
        """A UTC timestamp parameter in the form the backend stores (SQLite: SQLAlchemy's text form)."""
        value = as_datetime(value)
        if self.url.backend == "sqlite":
            return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def one(self, sql: str, params: dict[str, Any] | None = None) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None


def connect(url: DatabaseUrl) -> Any:
    """A DB-API connection to the store as it is: nothing is created or migrated."""
    if url.backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(url.sqlite_path, timeout=15)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys=ON")
        return connection
    try:
        import psycopg

        return psycopg.connect(url.libpq, autocommit=True, row_factory=_named_rows)
    except Exception as exc:  # psycopg.OperationalError and friends
        raise StoreError(
            _("cannot connect to the database {url}: {reason}").format(
                url=url.redacted(), reason=str(exc).strip().splitlines()[0] if str(exc).strip() else exc
            )
        ) from None


def current_revision(reader: Reader) -> str | None:
    """The Alembic revision stamped in the database, or None for a fresh one."""
    if reader.url.backend == "sqlite":
        exists = reader.one("SELECT 1 AS found FROM sqlite_master WHERE type='table' AND name='alembic_version'")
    else:
        exists = reader.one("SELECT 1 AS found FROM information_schema.tables WHERE table_name='alembic_version' "
                            "AND table_schema = current_schema()")
    if not exists:
        return None
    row = reader.one("SELECT version_num FROM alembic_version")
    return row["version_num"] if row else None


@contextmanager
def open_reader(url: DatabaseUrl) -> Iterator[Reader]:
    """A reader on an up-to-date schema; a fresh database is created on first use."""
    if url.backend == "sqlite" and not url.sqlite_path.exists():
        revision.require(url, None)  # creates the file, its folder and the schema
    connection = connect(url)
    try:
        reader = Reader(url, connection)
        revision.require(url, current_revision(reader))
        yield reader
    finally:
        connection.close()


# Value conversions: SQLite hands back text and integers where PostgreSQL hands back typed values.


def as_bool(value: Any) -> bool:
    return bool(value)


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def as_datetime(value: Any) -> datetime:
    found: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    if found.tzinfo is None:
        found = found.replace(tzinfo=timezone.utc)
    return found.astimezone(timezone.utc)
