"""Seeding a benchmark's store: the schema through the migrations, then rows in bulk, then statistics.

Seeding is not what the benchmarks measure, so rows go in the fastest plain
way each backend has (COPY on PostgreSQL, executemany on one SQLite
transaction) through one DB-API connection, without the audit log. Values
are converted as SQLAlchemy would store them (the column types come from the
models), so the CLI and the store's readers find what they would have
written themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any


def upgraded(url: Any) -> None:
    """The schema at head, through the migrations as ``dcmaint db upgrade`` makes it."""
    from dcmaint.store import schema
    from dcmaint.store.engine import engine_for

    schema.upgrade(url)
    engine_for(url).dispose()


def sqlite_stamp(value: datetime) -> str:
    """SQLAlchemy's text form of a UTC timestamp in SQLite (what Reader.timestamp compares with)."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return sqlite_stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class Loader:
    """Rows in bulk through one DB-API connection, in one transaction: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, url: Any) -> None:
        self.url, self.backend = url, url.backend
        if self.backend == "sqlite":
            import sqlite3

            self.conn: Any = sqlite3.connect(url.sqlite_path, isolation_level=None)
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("BEGIN")
        else:
            import psycopg

            self.conn = psycopg.connect(url.libpq)
            try:  # skips foreign-key triggers while loading rows known to be consistent (needs a superuser)
                self.conn.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001
                self.conn.rollback()

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.conn.close()

    def indexes(self) -> list[tuple[str, str]]:
        """(name, CREATE statement) of every secondary index, as the migrations made them."""
        if self.backend == "sqlite":
            found = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        else:
            found = self.conn.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()))"
            )
        return [(name, sql) for name, sql in found.fetchall()]

    def load(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """``rows`` (values in the order of ``columns``) into ``table``."""
        if not rows:
            return
        if self.backend == "sqlite":
            converted = _conversions(table, columns)
            if converted:
                rows = [tuple(_sqlite_value(v) if i in converted else v for i, v in enumerate(row)) for row in rows]
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            return
        with self.conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def load_dicts(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Rows as dictionaries, all with the same keys."""
        if rows:
            columns = list(rows[0])
            self.load(table, columns, [tuple(row[c] for c in columns) for row in rows])

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def follow_ids(self, tables: Iterable[str]) -> None:
        """PostgreSQL: move each table's id sequence past the ids loaded, so that the CLI's inserts do not collide."""
        if self.backend == "postgresql":
            for table in tables:
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )

    def commit(self) -> None:
        self.conn.execute("COMMIT") if self.backend == "sqlite" else self.conn.commit()


def _conversions(table: str, columns: Sequence[str]) -> set[int]:
    """Positions of the columns whose values SQLite needs converted: timestamps, dates and flags."""
    from sqlalchemy import Boolean, Date, DateTime

    from dcmaint.store.models.base import Base

    types = Base.metadata.tables[table].columns
    return {i for i, name in enumerate(columns) if isinstance(types[name].type, (DateTime, Date, Boolean))}


def analyze(url: Any, statements: Iterable[str]) -> None:
    """PostgreSQL: gather statistics as autovacuum soon would (``ANALYZE``, ``VACUUM ANALYZE t``...).

    SQLite gets none: dcmaint never runs ANALYZE, so a real store has no statistics either.
    """
    if url.backend != "postgresql":
        return
    import psycopg

    with psycopg.connect(url.libpq, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)
