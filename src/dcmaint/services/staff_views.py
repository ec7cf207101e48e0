"""What ``staff list`` and ``staff show`` read (writes: :mod:`dcmaint.services.staff`)."""

from __future__ import annotations

from dcmaint.domain.records import StaffMember
from dcmaint.services.context import Context
from dcmaint.store import queries


def members(context: Context, role: str | None = None, include_inactive: bool = True) -> list[StaffMember]:
    """The staff, by name; only ``role`` when given, only active people unless ``include_inactive`` (entry point)."""
    with context.read() as reader:
        return queries.staff(reader, role, include_inactive=include_inactive)


def member(context: Context, name: str) -> StaffMember:
    """One staff member by name (entry point)."""
    with context.read() as reader:
        return queries.staff_member(reader, name)
