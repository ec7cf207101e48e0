"""Writing the device archive: a version per change, from a poll or from a person, never an overwrite.

Every version is added by :func:`_append`, which numbers it after the
device's latest; nothing here updates or deletes a version, and the session
refuses it if anything tries (:mod:`dcmaint.store.models.archive`).

- :func:`snapshot` polls devices through the health workflow (same device
  choice, progress and per-device errors) and stores a version for each
  device whose content changed; an unchanged device gets none.
- :func:`archive_polls` is the step both ``archive snapshot`` and
  ``health --record`` run inside their transaction: one query reads the
  latest version of every device of the batch, and a device is compared by
  hashes (what it reported) and its small manual fields, never by reading
  its whole document.
- :func:`set_fields` changes manual fields (purchase and warranty dates,
  backup software, contacts, position in the room): a new version with
  source ``manual`` and who did it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from dcmaint.domain.archive import (
    ArchiveContent,
    ManualFields,
    SnapshotOutcome,
    VersionSource,
    canonical,
    check_dates,
    from_report,
)
from dcmaint.domain.parse import latest_today
from dcmaint.domain.text import identifier
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services import devices as device_register
from dcmaint.store import archive_queries
from dcmaint.store.models.archive import ArchiveVersionRow
from dcmaint.store.models.registers import DeviceRow, device_record

if TYPE_CHECKING:
    from dcmaint.drivers.result import PollResult
    from dcmaint.services.context import Context
    from dcmaint.services.health_check import Progress, SkippedDevice
    from dcmaint.store.unit import UnitOfWork

ENTITY = "archive"


def _register_location(device: DeviceRow, manual: ManualFields) -> ManualFields:
    """The manual fields with the register's room, rack and rack unit (``device edit`` keeps those)."""
    return replace(manual, room=device.room, rack=device.rack, rack_unit=device.rack_unit)


def _append(unit: UnitOfWork, device: DeviceRow, content: ArchiveContent, source: VersionSource, number: int) -> int:
    """Add version ``number`` of the device's file (the only way a version is written), audited."""
    row = ArchiveVersionRow(
        device_id=device.id,
        version=number,
        taken_at=datetime.now(UTC),
        source=source.value,
        actor=unit.actor,
        content=content.stored_text,
        content_hash=content.content_hash,
        polled_hash=content.polled_hash,
        manual=canonical(content.manual.as_json()),
    )
    unit.session.add(row)
    key = device_register.audit_key(device_record(device))
    unit.record(ENTITY, key, "version", None, {"version": number, "source": source.value, "hash": row.content_hash})
    return number


def archive_polls(unit: UnitOfWork, polled: Sequence[tuple[DeviceRow, PollResult]]) -> list[tuple[int, int]]:
    """Store a version for each poll whose content changed: (device id, version added), in the order written.

    Devices whose poll failed (no report) are left alone: a poll that failed says nothing about the machine.
    A device polled twice is compared with what its earlier poll stored, so a part changed and changed back
    leaves both versions and the file ends as the last poll saw it, however the polls were batched.
    The versions the polls report also confirm implemented changes (:func:`dcmaint.services.changes.confirm_polled`).
    """
    from dcmaint.services.changes import confirm_polled

    answered = [(device, result) for device, result in polled if result.report is not None]
    if not answered:
        return []
    confirm_polled(unit, answered)
    latest = archive_queries.latest(unit, [device.id for device, _result in answered])
    added: list[tuple[int, int]] = []
    for device, result in answered:
        assert result.report is not None
        last = latest.get(device.id)
        manual = ManualFields.from_json(json.loads(last.manual)) if last is not None else ManualFields()
        content = from_report(result.report, _register_location(device, manual))
        manual_text = canonical(content.manual.as_json())
        if last is not None and content.polled_hash == last.polled_hash and manual_text == last.manual:
            continue
        number = _append(unit, device, content, VersionSource.POLL, last.version + 1 if last else 1)
        latest[device.id] = archive_queries.LatestVersion(device.id, number, content.polled_hash, manual_text)
        added.append((device.id, number))
    return added


@dataclass(frozen=True)
class SnapshotRequest:
    """The devices named (NAME or SITE/NAME), else every device of ``site`` with a driver; runner bounds default
    to the configuration's."""

    devices: tuple[str, ...] = ()
    site: str | None = None
    concurrency: int | None = None
    timeout: float | None = None
    workers: int | None = None


@dataclass(frozen=True)
class SnapshotLine:
    """One device of a snapshot: ``stored`` (``version`` added), ``unchanged`` (``version`` is the latest) or
    ``failed`` (it did not answer: ``message`` says why)."""

    site: str
    device: str
    outcome: SnapshotOutcome
    version: int | None
    message: str | None = None

    def as_json(self) -> dict[str, object]:
        """Keys documented in docs/archive.md."""
        return {
            "site": self.site,
            "device": self.device,
            "outcome": self.outcome.value,
            "version": self.version,
            "message": self.message,
        }


@dataclass(frozen=True)
class SnapshotResult:
    lines: tuple[SnapshotLine, ...]
    skipped: tuple[SkippedDevice, ...] = ()

    @property
    def exit_code(self) -> int:
        """0 when every device answered; 1 when one did not (the command ran and found a problem)."""
        return 1 if any(line.outcome is SnapshotOutcome.FAILED for line in self.lines) else 0


def snapshot(context: Context, request: SnapshotRequest, *, progress: Progress | None = None) -> SnapshotResult:
    """Poll the devices and store a version for each whose content changed, in one transaction (entry point).

    Choosing and polling are the health workflow's (:func:`dcmaint.services.health_check.check_health`): an
    unknown device or site, or nothing to poll, is a UsageError and nothing is written.
    """
    from dcmaint.services.health_check import HealthRequest, check_health

    health = HealthRequest(
        devices=request.devices,
        site=request.site,
        concurrency=request.concurrency,
        timeout=request.timeout,
        workers=request.workers,
    )
    polled = check_health(context, health, progress=progress)
    results = [result for result in polled.run.results if result.site is not None]

    def work(unit: UnitOfWork) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
        pairs = [(device_register.find(unit, r.device, r.site), r) for r in results]
        unit.serialise("device", [device.id for device, _result in pairs])
        added = dict(archive_polls(unit, pairs))  # a device polled twice: its last version
        latest = archive_queries.latest(unit, [device.id for device, _result in pairs])
        keys = {device.id: (result.site or "", result.device) for device, result in pairs}
        return (
            {keys[device_id]: number for device_id, number in added.items()},
            {keys[device_id]: found.version for device_id, found in latest.items()},
        )

    added, latest = context.retried(work)
    lines = []
    for result in results:
        key = (result.site or "", result.device)
        if result.report is None:
            lines.append(SnapshotLine(key[0], key[1], SnapshotOutcome.FAILED, latest.get(key), result.message))
        elif key in added:
            lines.append(SnapshotLine(key[0], key[1], SnapshotOutcome.STORED, added[key]))
        else:
            lines.append(SnapshotLine(key[0], key[1], SnapshotOutcome.UNCHANGED, latest.get(key)))
    return SnapshotResult(tuple(lines), polled.skipped)


@dataclass(frozen=True)
class ManualChanges:
    """Manual fields to set; None leaves a field as it is. ``contacts`` replaces the list. ``cleared`` names
    fields to empty (:data:`CLEARABLE`)."""

    purchased: date | None = None
    warranty_until: date | None = None
    backup_software: str | None = None
    contacts: tuple[str, ...] | None = None
    position: str | None = None
    cleared: tuple[str, ...] = ()

    def given(self) -> bool:
        return bool(self.cleared) or any(
            value is not None
            for value in (self.purchased, self.warranty_until, self.backup_software, self.contacts, self.position)
        )


#: What ``--clear`` may empty, as typed -> the manual field.
CLEARABLE = {
    "purchased": "purchased",
    "warranty-until": "warranty_until",
    "backup-software": "backup_software",
    "contacts": "contacts",
    "position": "position",
}


@dataclass(frozen=True)
class SetOutcome:
    site: str
    device: str
    version: int
    changed: bool  # False: the file already said so, no version added


def _text(value: str | None, current: str | None, what: str) -> str | None:
    return current if value is None else identifier(value, what)


def _cleared(manual: ManualFields, names: tuple[str, ...]) -> ManualFields:
    emptied: dict[str, object] = {}
    for name in names:
        key = CLEARABLE.get(name.strip().lower())
        if key is None:
            raise UsageError(
                _("invalid {what} {value!r}: choose one of {choices}").format(
                    what="--clear", value=name, choices=", ".join(CLEARABLE)
                )
            )
        emptied[key] = () if key == "contacts" else None
    return replace(manual, **emptied)  # type: ignore[arg-type]


def _applied(manual: ManualFields, changes: ManualChanges) -> ManualFields:
    manual = _cleared(manual, changes.cleared)
    return replace(
        manual,
        purchased=changes.purchased if changes.purchased is not None else manual.purchased,
        warranty_until=changes.warranty_until if changes.warranty_until is not None else manual.warranty_until,
        backup_software=_text(changes.backup_software, manual.backup_software, "--backup-software"),
        position=_text(changes.position, manual.position, "--position"),
        contacts=manual.contacts
        if changes.contacts is None
        else tuple(identifier(contact, "--contact") for contact in changes.contacts),
    )


def _check_dates(manual: ManualFields, changes: ManualChanges) -> None:
    problem = check_dates(manual.purchased, manual.warranty_until, latest_today())
    if problem == "purchased":
        raise UsageError(
            _("invalid {what} {value!r}: the date is in the future").format(
                what="--purchased", value=str(manual.purchased)
            )
        )
    if problem == "warranty":
        given = changes.warranty_until is not None
        raise UsageError(
            _("invalid {what} {value!r}: the warranty must end after the purchase date {purchased}").format(
                what="--warranty-until" if given else "--purchased",
                value=str(manual.warranty_until if given else manual.purchased),
                purchased=manual.purchased,
            )
        )


def set_fields(context: Context, name: str, site: str | None, changes: ManualChanges) -> SetOutcome:
    """Set manual fields of a device's file: a new version (source ``manual``), unless nothing changes
    (entry point). Bad dates, control characters or an unknown device are a UsageError; nothing is written."""
    if not changes.given():
        raise UsageError(
            _("nothing to set: give --purchased, --warranty-until, --backup-software, --contact, --position or --clear")
        )
    with context.write() as unit:
        device = device_register.find(unit, name, site)
        unit.serialise("device", [device.id])
        last = archive_queries.latest_content(unit, device.id)
        content = ArchiveContent.from_json(json.loads(last.content)) if last is not None else ArchiveContent()
        manual = _register_location(device, _applied(content.manual, changes))
        _check_dates(manual, changes)
        updated = content.with_manual(manual)
        if last is not None and updated.content_hash == last.content_hash:
            return SetOutcome(device.site.name, device.name, last.version, False)
        number = _append(unit, device, updated, VersionSource.MANUAL, last.version + 1 if last is not None else 1)
        return SetOutcome(device.site.name, device.name, number, True)
