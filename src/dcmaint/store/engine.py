"""Engines for SQLite and PostgreSQL with the settings dcmaint relies on."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine, create_engine, event

from dcmaint.store.urls import DatabaseUrl, postgresql_driver


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # We issue BEGIN ourselves (below); pysqlite's implicit transactions
        # would start too late for the audit chain's read-then-append.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # IMMEDIATE takes the write lock at once: two writers queue instead of
        # both reading the same audit head and forking the chain.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@cache
def engine_for(url: DatabaseUrl) -> Engine:
    if url.backend == "sqlite":
        from dcmaint import private

        private.create_file(url.sqlite_path)  # owner-only, before SQLite creates it with the umask's mode
        engine = create_engine(url.sqlalchemy)
        _configure_sqlite(engine)
        return engine
    postgresql_driver()  # one line naming the extra, rather than SQLAlchemy's ModuleNotFoundError
    return create_engine(url.sqlalchemy, pool_pre_ping=True)
