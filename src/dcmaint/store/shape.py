"""The store's shape (tables, columns, indexes) as the models define it, and every way a database differs from it.

A store's revision says which migrations ran, not what they built: a migration
edited after it ran somewhere, or a change made by hand, leaves a store at the
right revision with the wrong shape. ``dcmaint db check`` therefore compares the
live schema (:mod:`dcmaint.store.catalog`) with the models, and names each
difference on its own line.

Compared, as far as both backends report them reliably: the tables; each
column's type (as the backend's DDL spells it: ``VARCHAR(64)``, ``INTEGER``,
``DATETIME`` on SQLite, ``TIMESTAMP WITH TIME ZONE`` on PostgreSQL) and whether
it takes NULL; each named index with its columns in order, whether it is unique
and, for a partial index, its predicate; and the unique constraints by their
columns (SQLite does not keep their names).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from dcmaint.i18n import _


@dataclass(frozen=True)
class ColumnShape:
    name: str
    type: str  # as the backend's DDL spells it, upper case: VARCHAR(64), INTEGER, FLOAT
    nullable: bool


@dataclass(frozen=True)
class IndexShape:
    name: str
    columns: tuple[str, ...]
    unique: bool
    predicate: str | None  # the WHERE of a partial index, as written; None for a full index


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: tuple[ColumnShape, ...]
    indexes: tuple[IndexShape, ...]  # created indexes, by name (not those behind a key or a unique constraint)
    unique: frozenset[tuple[str, ...]]  # unique constraints, by their columns


def predicate_key(predicate: str | None) -> str | None:
    """A predicate as compared: case, spacing, quoting and enclosing parentheses are the backend's own.

    >>> predicate_key("(sla_due_at IS NOT NULL)") == predicate_key('"sla_due_at" is not null')
    True
    """
    if predicate is None:
        return None
    return re.sub(r"\s+", " ", re.sub(r'[()"]', " ", predicate)).strip().lower()


def canonical_type(spelled: str) -> str:
    """A column type as the backend reports it, spelled the way dcmaint's DDL writes it.

    >>> canonical_type("character varying(64)"), canonical_type("double precision"), canonical_type("integer")
    ('VARCHAR(64)', 'FLOAT', 'INTEGER')
    """
    found = re.sub(r"\s+", " ", spelled.strip().upper())
    found = found.replace("CHARACTER VARYING", "VARCHAR").replace("DOUBLE PRECISION", "FLOAT")
    return found.replace(" (", "(")


def model_shape(backend: str) -> dict[str, TableShape]:
    """The tables as :mod:`dcmaint.store.models` defines them, with types as ``backend``'s DDL writes them."""
    from sqlalchemy import Index, UniqueConstraint
    from sqlalchemy.engine import make_url

    from dcmaint.store.models.base import Base

    dialect = make_url("sqlite://" if backend == "sqlite" else "postgresql+psycopg://").get_dialect()()
    option = "sqlite" if backend == "sqlite" else "postgresql"
    tables = {}
    for table in Base.metadata.sorted_tables:
        columns = tuple(ColumnShape(c.name, canonical_type(c.type.compile(dialect=dialect)), bool(c.nullable))
                        for c in table.columns)
        indexes: list[IndexShape] = []
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            assert isinstance(index, Index)
            where = index.dialect_options[option].get("where")
            indexes.append(IndexShape(str(index.name), tuple(c.name for c in index.columns), bool(index.unique),
                                      str(where) if where is not None else None))
        unique = frozenset(tuple(c.name for c in constraint.columns) for constraint in table.constraints
                           if isinstance(constraint, UniqueConstraint))
        tables[table.name] = TableShape(table.name, columns, tuple(indexes), unique)
    return tables


def _in_models(what: str) -> str:
    return _("{what}: in the models, not in the database").format(what=what)


def _in_database(what: str) -> str:
    return _("{what}: in the database, not in the models").format(what=what)


def _both(what: str, model: str, live: str) -> str:
    return _("{what}: {model} in the models, {live} in the database").format(what=what, model=model, live=live)


def _nullability(nullable: bool) -> str:
    return _("nullable") if nullable else _("NOT NULL")


def _extent(predicate: str | None) -> str:
    return _("partial ({predicate})").format(predicate=predicate) if predicate is not None else _("full")


def _uniqueness(unique: bool) -> str:
    return _("unique") if unique else _("not unique")


def _columns(table: TableShape, model: TableShape) -> Iterator[str]:
    live = {c.name: c for c in table.columns}
    for column in model.columns:
        what = _("column {table}.{column}").format(table=model.name, column=column.name)
        found = live.get(column.name)
        if found is None:
            yield _in_models(what)
            continue
        if found.type != column.type:
            yield _both(what, _("type {type}").format(type=column.type), _("type {type}").format(type=found.type))
        if found.nullable != column.nullable:
            yield _both(what, _nullability(column.nullable), _nullability(found.nullable))
    known = {c.name for c in model.columns}
    for column in table.columns:
        if column.name not in known:
            yield _in_database(_("column {table}.{column}").format(table=model.name, column=column.name))


def _indexes(table: TableShape, model: TableShape) -> Iterator[str]:
    live = {i.name: i for i in table.indexes}
    for index in model.indexes:
        what = _("index {index} on {table}").format(index=index.name, table=model.name)
        found = live.get(index.name)
        if found is None:
            yield _in_models(what)
            continue
        if found.columns != index.columns:
            yield _both(what, _("columns ({columns})").format(columns=", ".join(index.columns)),
                        _("columns ({columns})").format(columns=", ".join(found.columns)))
        if found.unique != index.unique:
            yield _both(what, _uniqueness(index.unique), _uniqueness(found.unique))
        if predicate_key(found.predicate) != predicate_key(index.predicate):
            yield _both(what, _extent(index.predicate), _extent(found.predicate))
    known = {i.name for i in model.indexes}
    for index in table.indexes:
        if index.name not in known:
            yield _in_database(_("index {index} on {table}").format(index=index.name, table=model.name))
    for columns in sorted(model.unique - table.unique):
        yield _in_models(_("unique constraint on {table} ({columns})").format(table=model.name,
                                                                             columns=", ".join(columns)))
    for columns in sorted(table.unique - model.unique):
        yield _in_database(_("unique constraint on {table} ({columns})").format(table=model.name,
                                                                               columns=", ".join(columns)))


def differences(models: dict[str, TableShape], live: dict[str, TableShape]) -> list[str]:
    """Every difference between the models and the database, one line each, table by table.

    >>> column = ColumnShape("sla_due_at", "DATETIME", True)
    >>> model = TableShape("tickets", (column,), (IndexShape("ix_tickets_due", ("sla_due_at",), False,
    ...                                                       "sla_due_at IS NOT NULL"),), frozenset())
    >>> stale = TableShape("tickets", (column,), (IndexShape("ix_tickets_due", ("sla_due_at",), False, None),),
    ...                    frozenset())
    >>> differences({"tickets": model}, {"tickets": stale})
    ['index ix_tickets_due on tickets: partial (sla_due_at IS NOT NULL) in the models, full in the database']
    """
    found: list[str] = []
    for name in sorted(models):
        if name not in live:
            found.append(_in_models(_("table {table}").format(table=name)))
            continue
        found.extend(_columns(live[name], models[name]))
        found.extend(_indexes(live[name], models[name]))
    found.extend(_in_database(_("table {table}").format(table=name)) for name in sorted(set(live) - set(models)))
    return found
