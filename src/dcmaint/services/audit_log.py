"""What ``dcmaint audit list`` reads: who changed what, when, with the values before and after."""

from __future__ import annotations

from dcmaint.domain.records import AuditEntry
from dcmaint.services.context import Context
from dcmaint.store import queries
from dcmaint.store.queries import AuditFilter

__all__ = ["AuditFilter", "entries"]


def entries(context: Context, where: AuditFilter | None = None) -> list[AuditEntry]:
    """The audit entries ``where`` selects (all without one), newest last (entry point)."""
    with context.read() as reader:
        return queries.audit_entries(reader, where or AuditFilter())
