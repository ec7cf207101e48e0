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
from datetime import UTC, date, datetime
from typing import Any, Protocol

from dcmaint.errors import StoreError
from dcmaint.i18n import _
from dcmaint.store import revision
from dcmaint.store.urls import DatabaseUrl, postgresql_driver

_NAMED_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Connection(Protocol):
    def execute(self, sql: str, params: Any = ...) -> Any: ...
    def close(self) -> None: ...


class Row(Protocol):
    """One result row, read by column name (``row["serial"]``), on every backend and in every transaction.

    Query modules name each value they take, so a column added to a SELECT cannot shift another into the
    wrong field. Rows are :class:`NamedRow` whoever runs the SQL: a :class:`Reader` or a unit of work.
    """

    def __getitem__(self, key: str, /) -> Any: ...


class Rows(Protocol):
    """Anything that runs read SQL with ``:name`` parameters: a :class:`Reader`, or a write's unit of work."""

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Row]: ...


_AMBIGUOUS = -1


def column_index(names: Iterable[str]) -> dict[str, int]:
    """Column name -> position, for every row of one result; a name two columns share leads nowhere.

    >>> column_index(["id", "name", "name"])
    {'id': 0, 'name': -1}
    """
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index[name] = _AMBIGUOUS if name in index else position
    return index


class NamedRow:
    """A result row read by column name; reading a name two columns share is an error, never a guess.

    >>> row = NamedRow(column_index(["id", "name"]), (7, "hq"))
    >>> row["name"], list(row), row.keys()
    ('hq', [7, 'hq'], ['id', 'name'])
    >>> NamedRow(column_index(["name", "name"]), ("hq", "srv01"))["name"]
    Traceback (most recent call last):
    ...
    KeyError: "the query returns two columns named 'name': give them distinct aliases"
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str | int | slice) -> Any:
        if not isinstance(key, str):  # positions, for code outside dcmaint that reads rows as tuples
            return self._values[key]
        position = self._index[key]
        if position == _AMBIGUOUS:
            raise KeyError(f"the query returns two columns named {key!r}: give them distinct aliases")
        return self._values[position]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"NamedRow({list(zip(self._index, self._values, strict=False))!r})"


def _psycopg_rows(cursor: Any) -> Any:
    """psycopg's row factory for :class:`NamedRow`: one column index per result, shared by its rows."""
    if cursor.description is None:
        return tuple
    index = column_index(column.name for column in cursor.description)
    return lambda values: NamedRow(index, values)


class Reader:
    """Runs SQL written with ``:name`` parameters on either backend; rows are :class:`NamedRow`.

    The reader gives its rows their shape itself (per cursor), so any DB-API connection of either backend
    will do, however it was opened.
    """

    def __init__(self, url: DatabaseUrl, connection: Any) -> None:
        self.url = url
        self._connection = connection

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
        if self.url.backend == "postgresql":
            cursor = self._connection.cursor(row_factory=_psycopg_rows)
            cursor.execute(_NAMED_PARAM.sub(r"%(\1)s", sql), params or {})
        else:
            cursor = self._connection.cursor()
            cursor.execute(sql, params or {})
            if cursor.description:
                index = column_index(column[0] for column in cursor.description)
                cursor.row_factory = lambda _cursor, values: NamedRow(index, values)
        try:
            found: list[Row] = cursor.fetchall()
        finally:
            cursor.close()
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

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read-only snapshot meanwhile: every query sees the store as of the same moment (a check that
        counts rows, an exporter scrape), whatever commits in between. Nothing read inside is written back."""
        if self.url.backend == "sqlite":
            self._connection.execute("BEGIN")  # WAL: the snapshot starts at the first read and holds to the end
        else:
            self._connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            if self.url.backend == "sqlite":
                self._connection.rollback()
            else:
                self._connection.execute("ROLLBACK")


def connect(url: DatabaseUrl) -> Any:
    """A DB-API connection to the store as it is: nothing is created or migrated."""
    if url.backend == "sqlite":
        import sqlite3

        connection = sqlite3.connect(url.sqlite_path, timeout=15)
        connection.execute("PRAGMA foreign_keys=ON")
        return connection
    psycopg = postgresql_driver()
    try:
        return psycopg.connect(url.libpq, autocommit=True)
    except psycopg.Error as exc:  # OperationalError (unreachable, refused), ProgrammingError (bad option)
        raise StoreError(
            _("cannot connect to the database {url}: {reason}").format(
                url=url.redacted(), reason=str(exc).strip().splitlines()[0] if str(exc).strip() else exc
            )
        ) from None


#: Whether the store has Alembic's revision table, by backend; then the revision it holds (see
#: :func:`current_revision`, and :func:`dcmaint.store.schema.current` for the write path).
REVISION_TABLE = {
    "sqlite": "SELECT 1 AS found FROM sqlite_master WHERE type='table' AND name='alembic_version'",
    "postgresql": (
        "SELECT 1 AS found FROM information_schema.tables WHERE table_name='alembic_version' "
        "AND table_schema = current_schema()"
    ),
}
REVISION = "SELECT version_num FROM alembic_version"


def current_revision(reader: Reader) -> str | None:
    """The Alembic revision stamped in the database, or None for a fresh one."""
    if not reader.one(REVISION_TABLE[reader.url.backend]):
        return None
    row = reader.one(REVISION)
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
        try:
            yield reader
        except Exception as exc:
            if getattr(exc, "sqlstate", None) == "42501":  # PostgreSQL refused the role a read (migration 0018)
                raise StoreError(
                    _("database error: {reason}").format(reason=str(exc).strip().splitlines()[0])
                ) from None
            raise
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
        found = found.replace(tzinfo=UTC)
    return found.astimezone(UTC)
