"""Text lengths against the register's column widths.

PostgreSQL refuses text longer than a column (SQLite does not), and the
refusal aborts the whole transaction with a database error. Checking first
turns it into a one-line error naming the field, the same on both backends.
"""

from __future__ import annotations

from dataclasses import fields

from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.store.models.base import Base


def check_text_lengths(record: Record, table: type[Base], name: str) -> None:
    columns = table.__table__.columns
    for item in fields(record):
        value = getattr(record, item.name)
        column = columns.get(item.name)
        limit = getattr(column.type, "length", None) if column is not None else None
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise UsageError(
                _("{name!r}: {field} is longer than {limit} characters").format(name=name, field=item.name, limit=limit)
            )
