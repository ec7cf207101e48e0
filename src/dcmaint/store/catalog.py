"""The live schema of a store, read from the backend's own catalogue through the DB-API reader.

SQLite: ``pragma_table_info``, ``pragma_index_list``, ``pragma_index_info`` and
the ``CREATE INDEX`` text in ``sqlite_master`` (the only place a partial
index's predicate is kept). PostgreSQL: ``pg_attribute``, ``pg_index`` and
``pg_constraint`` of the store's schema (``current_schema()``, which the URL's
``search_path`` sets). Alembic's own table is not part of the shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dcmaint.store.reader import Reader
from dcmaint.store.shape import ColumnShape, IndexShape, TableShape, canonical_type

IGNORED = {"alembic_version", "db_role_sites"}  # db_role_sites: PostgreSQL only, roles (migration 0018)


def live_shape(reader: Reader) -> dict[str, TableShape]:
    """Every table of the store with its columns, indexes and unique constraints."""
    return _sqlite(reader) if reader.url.backend == "sqlite" else _postgresql(reader)


def _where(create_sql: str | None) -> str | None:
    """The predicate of ``CREATE INDEX ... WHERE ...``, None for a full index."""
    parts = re.split(r"\bWHERE\b", create_sql or "", maxsplit=1, flags=re.IGNORECASE)
    return parts[1].strip() if len(parts) > 1 else None


def _sqlite(reader: Reader) -> dict[str, TableShape]:
    names = [
        r["name"]
        for r in reader.rows(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    created = {r["name"]: r["sql"] for r in reader.rows("SELECT name, sql FROM sqlite_master WHERE type = 'index'")}
    tables = {}
    for name in names:
        if name in IGNORED:
            continue
        columns = tuple(
            ColumnShape(r["name"], canonical_type(r["type"]), not r["notnull"])
            for r in reader.rows('SELECT name, type, "notnull" FROM pragma_table_info(:t) ORDER BY cid', {"t": name})
        )
        indexes, unique = [], set()
        for index in reader.rows('SELECT name, "unique", origin FROM pragma_index_list(:t)', {"t": name}):
            keys = tuple(
                r["name"]
                for r in reader.rows("SELECT name FROM pragma_index_info(:i) ORDER BY seqno", {"i": index["name"]})
            )
            if index["origin"] == "u":
                unique.add(keys)
            elif index["origin"] == "c":
                indexes.append(
                    IndexShape(index["name"], keys, bool(index["unique"]), _where(created.get(index["name"])))
                )
        tables[name] = TableShape(name, columns, _sorted(indexes), frozenset(unique))
    return tables


_PG_COLUMNS = """
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

_PG_INDEXES = """
SELECT t.relname AS table_name, c.relname AS index_name, i.indisunique AS is_unique,
       pg_get_expr(i.indpred, i.indrelid) AS predicate, con.contype AS constraint_type,
       ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid
WHERE n.nspname = current_schema()
"""


def _postgresql(reader: Reader) -> dict[str, TableShape]:
    columns: dict[str, list[ColumnShape]] = {}
    for r in reader.rows(_PG_COLUMNS):
        columns.setdefault(r["table_name"], []).append(
            ColumnShape(r["column_name"], canonical_type(r["type"]), not r["not_null"])
        )
    indexes: dict[str, list[IndexShape]] = {}
    unique: dict[str, set[tuple[str, ...]]] = {}
    for r in reader.rows(_PG_INDEXES):
        keys = tuple(r["columns"])
        if r["constraint_type"] == "u":
            unique.setdefault(r["table_name"], set()).add(keys)
        elif r["constraint_type"] is None:
            indexes.setdefault(r["table_name"], []).append(
                IndexShape(r["index_name"], keys, bool(r["is_unique"]), r["predicate"])
            )
    return {
        name: TableShape(name, tuple(found), _sorted(indexes.get(name, ())), frozenset(unique.get(name, ())))
        for name, found in columns.items()
        if name not in IGNORED
    }


def _sorted(indexes: Iterable[IndexShape]) -> tuple[IndexShape, ...]:
    return tuple(sorted(indexes, key=lambda i: i.name))
