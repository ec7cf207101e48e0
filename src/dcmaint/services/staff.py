"""The staff register: the project manager, the technical team, desk, centre and admin office (reads:
:mod:`dcmaint.services.staff_views`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from dcmaint.domain import parse
from dcmaint.domain.enums import StaffRole
from dcmaint.domain.records import StaffMember
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.limits import check_text_lengths
from dcmaint.store.models.registers import StaffRow, staff_record
from dcmaint.store.unit import UnitOfWork

ENTITY = "staff"
EDITABLE = ("role", "skills", "phone", "email", "active")


def normalise(member: StaffMember) -> StaffMember:
    member = replace(
        member,
        name=parse.name(member.name, _("staff")),
        role=parse.enum_value(StaffRole, member.role, _("role")).value,
        phone=parse.phone(member.phone) if member.phone else None,
        email=parse.email(member.email) if member.email else None,
    )
    check_text_lengths(member, StaffRow, member.name)
    return member


def find(unit: UnitOfWork, name: str) -> StaffRow:
    row = unit.session.scalars(select(StaffRow).where(StaffRow.name == name)).one_or_none()
    if row is None:
        raise NotFound(_("unknown staff member {name!r}").format(name=name))
    return row


def _columns(member: StaffMember) -> dict[str, Any]:
    values = dict(member.__dict__)
    values["skills"] = ",".join(member.skills)
    return values


def register(context: Context, member: StaffMember) -> StaffMember:
    """Add a staff member (entry point)."""
    with context.write() as unit:
        return add(unit, member)


def add(unit: UnitOfWork, member: StaffMember) -> StaffMember:
    """Add a staff member inside the caller's transaction."""
    member = normalise(member)
    if unit.session.scalars(select(StaffRow.id).where(StaffRow.name == member.name)).first() is not None:
        raise Conflict(_("staff member {name!r} already exists").format(name=member.name))
    unit.session.add(StaffRow(**_columns(member)))
    unit.record(ENTITY, member.name, "add", None, member.as_json())
    return member


def edit(context: Context, name: str, changes: dict[str, Any]) -> StaffMember:
    """Change the fields ``changes`` gives (entry point)."""
    with context.write() as unit:
        return _edit(unit, name, changes)


def _edit(unit: UnitOfWork, name: str, changes: dict[str, Any]) -> StaffMember:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UsageError(_("cannot edit staff field {field!r}").format(field=sorted(unknown)[0]))
    row = find(unit, name)
    before = staff_record(row)
    after = normalise(replace(before, **changes))
    for key, value in _columns(after).items():
        setattr(row, key, value)
    if after != before:
        unit.record(ENTITY, name, "edit", before.as_json(), after.as_json())
    return after


def remove(context: Context, name: str) -> StaffMember:
    """Remove a staff member (entry point); one with history is better made inactive."""
    with context.write() as unit:
        return _remove(unit, name)


def _remove(unit: UnitOfWork, name: str) -> StaffMember:
    row = find(unit, name)
    record = staff_record(row)
    unit.record(ENTITY, name, "remove", record.as_json(), None)
    unit.session.delete(row)
    return record
