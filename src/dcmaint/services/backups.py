"""Backup policy writes: register, edit, retire a policy, and record a restore test (``backup verify``).

Each is one transaction with its audit row (entity ``backup-policy``). The
values were checked as they were read (:mod:`dcmaint.domain.backups`' parsers);
what needs the store is checked here before anything is written: the site, the
devices (of the policy's site), the staff member responsible, a restore test
time not in the future and not before the policy's previous test. Reads are
:mod:`dcmaint.services.backup_views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from dcmaint.domain.backups import PolicyLine, RestoreLine, RestoreResult
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import backup_views, sites, staff
from dcmaint.services import devices as device_register
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned
from dcmaint.store import backup_queries
from dcmaint.store.models.backups import BackupPolicyDeviceRow, BackupPolicyRow, BackupRestoreRow
from dcmaint.store.models.registers import SiteRow, StaffRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.BACKUP_POLICY.value


@dataclass(frozen=True)
class PolicyGiven:
    """What ``backup policy add`` was told; every value already checked as it was read."""

    name: str
    site: str
    system: str
    tool: str
    schedule: str
    retention: str
    target: str
    owner: str
    verify_every: str
    devices: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class PolicyChanges:
    """What ``backup policy edit`` changes: None leaves a value as it is; ``devices`` replaces the list."""

    system: str | None = None
    tool: str | None = None
    schedule: str | None = None
    retention: str | None = None
    target: str | None = None
    owner: str | None = None
    verify_every: str | None = None
    devices: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Verified:
    """What ``backup verify`` was told."""

    policy: str
    engineer: str
    result: RestoreResult
    restored: str
    at: GivenTime | None = None
    duration: timedelta | None = None
    note: str | None = None


def find(unit: UnitOfWork, name: str) -> BackupPolicyRow:
    """The policy named, locked until the transaction ends: two engineers recording tests take turns, so the
    second one's time is checked against the first one's."""
    query = select(BackupPolicyRow).where(BackupPolicyRow.name == name).with_for_update()
    row = unit.session.scalars(query).one_or_none()
    if row is None:
        raise NotFound(_("unknown backup policy {name!r}").format(name=name))
    return row


def active_staff(unit: UnitOfWork, name: str) -> StaffRow:
    """A staff member who may still be given work."""
    member = staff.find(unit, name)
    if not member.active:
        raise UsageError(_("staff member {name!r} is no longer active").format(name=member.name))
    return member


def owner(unit: UnitOfWork, name: str) -> tuple[int | None, str]:
    """Who answers for a policy: a staff member of the register when the register has anyone (an unknown name
    is refused); the person's name as given while it is empty."""
    if unit.session.scalar(select(func.count()).select_from(StaffRow)):
        member = active_staff(unit, name)
        return member.id, member.name
    return None, name


def _devices(unit: UnitOfWork, site: SiteRow, names: tuple[str, ...]) -> list[int]:
    found = []
    for name in dict.fromkeys(names):
        found.append(device_register.find(unit, name, site.name).id)
    return found


def _json(unit: UnitOfWork, row: BackupPolicyRow) -> dict[str, Any]:
    devices = [
        r["name"]
        for r in unit.rows(
            "SELECT d.name FROM backup_policy_devices pd JOIN devices d ON d.id = pd.device_id "
            "WHERE pd.policy_id = :policy ORDER BY d.name",
            {"policy": row.id},
        )
    ]
    keys = ("system", "tool", "schedule", "retention", "target", "owner_name", "verify_every", "note", "retired_reason")
    return {"name": row.name, **{key: getattr(row, key) for key in keys}, "devices": devices}


def _line(unit: UnitOfWork, name: str) -> Zoned[PolicyLine]:
    unit.session.flush()
    return Zoned(backup_views.policy_lines(unit, name=name)[0], backup_queries.zones(unit))


def add(context: Context, given: PolicyGiven) -> Zoned[PolicyLine]:
    """Register a backup policy (entry point)."""
    with context.write() as unit:
        if unit.session.scalars(select(BackupPolicyRow.id).where(BackupPolicyRow.name == given.name)).first():
            raise Conflict(_("backup policy {name!r} already exists").format(name=given.name))
        site = sites.find(unit, given.site)
        devices = _devices(unit, site, given.devices)
        owner_id, owner_name = owner(unit, given.owner)
        row = BackupPolicyRow(
            name=given.name,
            site_id=site.id,
            system=given.system,
            tool=given.tool,
            schedule=given.schedule,
            retention=given.retention,
            target=given.target,
            owner_id=owner_id,
            owner_name=owner_name,
            verify_every=given.verify_every,
            note=optional_free_text(given.note, "--note"),
        )
        unit.session.add(row)
        unit.session.flush()
        unit.session.add_all(BackupPolicyDeviceRow(policy_id=row.id, device_id=d) for d in devices)
        unit.session.flush()
        unit.record(ENTITY, row.name, "add", None, {**_json(unit, row), "site": site.name})
        return _line(unit, row.name)


def edit(context: Context, name: str, changes: PolicyChanges) -> Zoned[PolicyLine]:
    """Change a policy (entry point); a retired one is refused."""
    with context.write() as unit:
        row = find(unit, name)
        if row.retired_at is not None:
            raise UsageError(_("backup policy {name!r} is retired").format(name=name))
        before = _json(unit, row)
        for key in ("system", "tool", "schedule", "retention", "target", "verify_every", "note"):
            value = getattr(changes, key)
            if value is not None:
                setattr(row, key, value)
        if changes.owner is not None:
            row.owner_id, row.owner_name = owner(unit, changes.owner)
        if changes.devices is not None:
            site = unit.session.get(SiteRow, row.site_id)
            assert site is not None
            wanted = _devices(unit, site, changes.devices)
            for link in unit.session.scalars(
                select(BackupPolicyDeviceRow).where(BackupPolicyDeviceRow.policy_id == row.id)
            ):
                unit.session.delete(link)
            unit.session.flush()
            unit.session.add_all(BackupPolicyDeviceRow(policy_id=row.id, device_id=d) for d in wanted)
        unit.session.flush()
        after = _json(unit, row)
        if after != before:
            unit.record(ENTITY, row.name, "edit", before, after)
        return _line(unit, row.name)


def retire(context: Context, name: str, reason: str, at: datetime | None = None) -> Zoned[PolicyLine]:
    """Retire a policy (the system is gone, or another policy replaces it): no restore test falls due any more,
    its history stays (entry point)."""
    with context.write() as unit:
        row = find(unit, name)
        if row.retired_at is not None:
            raise UsageError(_("backup policy {name!r} is retired").format(name=name))
        before = _json(unit, row)
        row.retired_at, row.retired_reason = at or datetime.now(UTC), reason
        unit.session.flush()
        unit.record(ENTITY, row.name, "retire", before, _json(unit, row))
        return _line(unit, row.name)


def verify(context: Context, given: Verified) -> Zoned[RestoreLine]:
    """Record a restore test of a policy (entry point)."""
    with context.write() as unit:
        row = find(unit, given.policy)
        if row.retired_at is not None:
            raise UsageError(_("backup policy {name!r} is retired").format(name=row.name))
        site = unit.session.get(SiteRow, row.site_id)
        assert site is not None
        engineer = active_staff(unit, given.engineer)
        now = datetime.now(UTC)
        previous = unit.session.scalar(
            select(func.max(BackupRestoreRow.tested_at)).where(BackupRestoreRow.policy_id == row.id)
        )
        after = as_datetime(previous) if previous is not None else None
        at = given.at.checked(site.timezone, now, after, _("the policy's previous restore test")) if given.at else now
        test = BackupRestoreRow(
            policy_id=row.id,
            tested_at=at,
            engineer_id=engineer.id,
            result=given.result.value,
            restored=given.restored,
            duration_s=int(given.duration.total_seconds()) if given.duration else None,
            note=optional_free_text(given.note, "--note"),
        )
        unit.session.add(test)
        unit.session.flush()
        recorded = backup_views.restore_lines(unit, row.name)[-1]
        unit.record(ENTITY, row.name, "verify", None, {**recorded.as_json(), "id": test.id})
        return Zoned(recorded, {site.name: site.timezone})
