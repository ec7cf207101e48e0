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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any, Protocol

from dcmaint.errors import StoreError
from dcmaint.i18n import _
from dcmaint.store import revision
from dcmaint.store.urls import DatabaseUrl, postgresql_driver

_NAMED_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


class Connection(Protocol):
    def execute(self, sql: str, params: Any = ...) -> Any: ...
    def close(self) -> None: ...


class Rows(Protocol):
    """Anything that runs read SQL with ``:name`` parameters: a :class:`Reader`, or a write's unit of work."""

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Sequence[Any]]: ...


class Reader:
    """Runs SQL written with ``:name`` parameters on either backend."""

    def __init__(self, url: DatabaseUrl, connection: Any) -> None:
        self.url = url
        self._connection = connection

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Sequence[Any]]:
        if self.url.backend == "postgresql":
            sql = _NAMED_PARAM.sub(r"%(\1)s", sql)
        cursor = self._connection.execute(sql, params or {})
        return cursor.fetchall()

    def timestamp(self, value: datetime) -> Any:
        """A UTC timestamp parameter in the form the backend stores (SQLite: SQLAlchemy's text form)."""
        value = as_datetime(value)
        if self.url.backend == "sqlite":
            return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return value

    def one(self, sql: str, params: dict[str, Any] | None = None) -> Sequence[Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None


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
    except Exception as exc:  # psycopg.OperationalError and friends
        raise StoreError(
            _("cannot connect to the database {url}: {reason}").format(
                url=url.redacted(), reason=str(exc).strip().splitlines()[0] if str(exc).strip() else exc
            )
        ) from None


def current_revision(reader: Reader) -> str | None:
    """The Alembic revision stamped in the database, or None for a fresh one."""
    if reader.url.backend == "sqlite":
        exists = reader.one("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
    else:
        exists = reader.one("SELECT 1 FROM information_schema.tables WHERE table_name='alembic_version' "
                            "AND table_schema = current_schema()")
    if not exists:
        return None
    row = reader.one("SELECT version_num FROM alembic_version")
    return row[0] if row else None


@contextmanager
def open_reader(url: DatabaseUrl) -> Iterator[Reader]:
    """A reader on an up-to-date schema; a fresh database is created on first use."""
    if url.backend == "sqlite" and not url.sqlite_path.exists():
        from dcmaint.store import schema

        schema.upgrade(url)
    connection = connect(url)
    try:
        reader = Reader(url, connection)
        found = current_revision(reader)
        if found is None:
            from dcmaint.store import schema

            schema.upgrade(url)
        elif found != revision.HEAD:
            raise StoreError(
                _("the database is at schema revision {found}, this dcmaint needs {head}: run `dcmaint db upgrade`").format(
                    found=found, head=revision.HEAD
                )
            )
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
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
