"""Small helpers for tests that inspect the store directly."""

from __future__ import annotations

from dcmaint.store import queries
from dcmaint.store.reader import open_reader
from dcmaint.store.urls import parse


def counts(db_url: str) -> dict[str, int]:
    """Rows per table, audit log included: bad input must leave these unchanged."""
    with open_reader(parse(db_url)) as reader:
        return queries.row_counts(reader)


def audit(db_url: str):
    with open_reader(parse(db_url)) as reader:
        return queries.audit_entries(reader)
