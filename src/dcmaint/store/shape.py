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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

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
        columns = tuple(
            ColumnShape(c.name, canonical_type(c.type.compile(dialect=dialect)), bool(c.nullable))
            for c in table.columns
        )
        indexes: list[IndexShape] = []
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            assert isinstance(index, Index)
            where = index.dialect_options[option].get("where")
            indexes.append(
                IndexShape(
                    str(index.name),
                    tuple(c.name for c in index.columns),
                    bool(index.unique),
                    str(where) if where is not None else None,
                )
            )
        unique = frozenset(
            tuple(c.name for c in constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)
        )
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


Item = TypeVar("Item", ColumnShape, IndexShape)
Aspect = tuple[bool, str, str]  # (the same on both sides?, as the models have it, as the database has it)


def _paired(
    model: Sequence[Item],
    live: Sequence[Item],
    what: Callable[[str], str],
    aspects: Callable[[Item, Item], list[Aspect]],
) -> Iterator[str]:
    """Items matched by name: those on one side only, then each aspect in which a matched pair differs."""
    found = {item.name: item for item in live}
    for item in model:
        twin = found.get(item.name)
        if twin is None:
            yield _in_models(what(item.name))
            continue
        yield from (_both(what(item.name), ours, theirs) for same, ours, theirs in aspects(item, twin) if not same)
    known = {item.name for item in model}
    yield from (_in_database(what(item.name)) for item in live if item.name not in known)


def _column_aspects(model: ColumnShape, live: ColumnShape) -> list[Aspect]:
    typed = _("type {type}")
    return [
        (model.type == live.type, typed.format(type=model.type), typed.format(type=live.type)),
        (model.nullable == live.nullable, _nullability(model.nullable), _nullability(live.nullable)),
    ]


def _index_aspects(model: IndexShape, live: IndexShape) -> list[Aspect]:
    return [
        (
            model.columns == live.columns,
            _("columns ({columns})").format(columns=", ".join(model.columns)),
            _("columns ({columns})").format(columns=", ".join(live.columns)),
        ),
        (model.unique == live.unique, _uniqueness(model.unique), _uniqueness(live.unique)),
        (
            predicate_key(model.predicate) == predicate_key(live.predicate),
            _extent(model.predicate),
            _extent(live.predicate),
        ),
    ]


def _table(model: TableShape, live: TableShape) -> Iterator[str]:
    yield from _paired(
        model.columns,
        live.columns,
        lambda name: _("column {table}.{column}").format(table=model.name, column=name),
        _column_aspects,
    )
    yield from _paired(
        model.indexes,
        live.indexes,
        lambda name: _("index {index} on {table}").format(index=name, table=model.name),
        _index_aspects,
    )
    constraint = _("unique constraint on {table} ({columns})")
    for columns in sorted(model.unique - live.unique):
        yield _in_models(constraint.format(table=model.name, columns=", ".join(columns)))
    for columns in sorted(live.unique - model.unique):
        yield _in_database(constraint.format(table=model.name, columns=", ".join(columns)))


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
        found.extend(_table(models[name], live[name]))
    found.extend(_in_database(_("table {table}").format(table=name)) for name in sorted(set(live) - set(models)))
    return found
