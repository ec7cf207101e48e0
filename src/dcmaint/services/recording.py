"""``health --record``: the latest report, the installed base and deduplicated faults.

A fault seen on every poll is one open fault with first/last seen; it closes
when a successful poll no longer shows it. A poll that failed (unreachable,
auth) proves nothing about the parts, so it leaves faults and the installed
base as they were. A swap not verified yet is marked verified when a poll
shows its spare healthy in the slot (:func:`dcmaint.services.verify.confirm`).
A fault that says a consumable is worn (a clogged CRAC filter) brings its
preventive task forward (:func:`dcmaint.services.preventive.fault_seen`).
Opening and closing a fault, a part changing its serial in a slot, and a swap
verified this way are audited; refreshing ``last_seen`` is not (it would
flood the log with one row per part per poll).

Collectors may record the same devices at the same time: :func:`record_run`
takes the devices' locks in a fixed order, so they take turns, and runs the
whole recording again if it still collides (:mod:`dcmaint.store.retry`).
Recording is idempotent: a poll no newer than the one already stored (the
same poll twice, or a slower collector's older one) changes nothing, so a
fault is opened once and gets one ticket.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from dcmaint.drivers.result import PollResult
from dcmaint.services import devices as device_register
from dcmaint.services import preventive
from dcmaint.services.health import Fault, HealthRun, faults_of
from dcmaint.store.models.health import ComponentRow, DevicePollRow, FaultRow
from dcmaint.store.models.registers import DeviceRow, device_record
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

if TYPE_CHECKING:
    from dcmaint.services.context import Context


@dataclass(frozen=True)
class RecordSummary:
    devices: int
    opened: int
    closed: int
    still_open: int
    swaps_verified: int = 0  # pending swaps this run's polls showed done
    archived: int = 0  # devices whose configuration changed: a new version of their archive file


def fault_json(device: str, row: FaultRow) -> dict[str, object]:
    return {
        "device": device,
        "kind": row.kind,
        "location": row.location,
        "health": row.health,
        "reason": row.reason,
        "part_number": row.part_number,
        "spare_part_number": row.spare_part_number,
        "serial": row.serial,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "closed_at": row.closed_at.isoformat() if row.closed_at else None,
    }


def _superseded(unit: UnitOfWork, device: DeviceRow, result: PollResult) -> bool:
    """The store already holds this poll or a newer one (another collector's): recording it would move
    ``last_seen`` back or reopen what a later poll closed."""
    stored = unit.session.get(DevicePollRow, device.id)
    return stored is not None and as_datetime(stored.polled_at) >= result.polled_at


def _open_faults(unit: UnitOfWork, device: DeviceRow) -> int:
    query = select(func.count()).where(FaultRow.device_id == device.id, FaultRow.closed_at.is_(None))
    return unit.session.scalar(query) or 0


def _store_poll(unit: UnitOfWork, device: DeviceRow, result: PollResult) -> None:
    row = unit.session.get(DevicePollRow, device.id) or DevicePollRow(device_id=device.id)
    row.polled_at = result.polled_at
    row.driver = result.driver
    row.status = result.status.value
    row.error = result.error.value if result.error else None
    row.message = result.message
    row.duration = result.duration
    row.report = (
        json.dumps(result.report.as_json(), ensure_ascii=False, separators=(",", ":")) if result.report else None
    )
    unit.session.add(row)


def _store_components(unit: UnitOfWork, device: DeviceRow, key: str, result: PollResult) -> None:
    assert result.report is not None
    existing = {
        (row.kind, row.location): row
        for row in unit.session.scalars(select(ComponentRow).where(ComponentRow.device_id == device.id))
    }
    for component in result.report.components:
        part = component.part
        values = {
            "name": component.name,
            "manufacturer": part.manufacturer if part else None,
            "model": part.model if part else None,
            "part_number": part.part_number if part else None,
            "spare_part_number": part.spare_part_number if part else None,
            "serial": part.serial if part else None,
            "firmware": part.firmware if part else None,
            "capacity_bytes": part.capacity_bytes if part else None,
            "health": component.health.value,
        }
        row = existing.get((component.kind.value, component.location))
        if row is None:
            unit.session.add(
                ComponentRow(
                    device_id=device.id,
                    kind=component.kind.value,
                    location=component.location,
                    first_seen=result.polled_at,
                    last_seen=result.polled_at,
                    **values,
                )
            )
            continue
        if row.serial and values["serial"] and row.serial != values["serial"]:
            unit.record(
                "component",
                f"{key}:{component.kind.value}:{component.location}",
                "serial-changed",
                {"serial": row.serial, "part_number": row.part_number},
                {"serial": values["serial"], "part_number": values["part_number"]},
            )
        for name, value in values.items():
            setattr(row, name, value)
        row.last_seen = result.polled_at


def _store_faults(
    unit: UnitOfWork, device: DeviceRow, key: str, faults: list[Fault], when: datetime
) -> tuple[int, int, int]:
    open_rows = {
        (row.kind, row.location): row
        for row in unit.session.scalars(
            select(FaultRow).where(FaultRow.device_id == device.id, FaultRow.closed_at.is_(None))
        )
    }
    opened = closed = 0
    seen = set()
    for fault in faults:
        slot = (fault.kind, fault.location)
        if slot in seen:
            continue  # two readings of one slot in a report: the first (worst) wins
        seen.add(slot)
        row = open_rows.get(slot)
        reworded = row is not None and row.reason != fault.reason
        if row is None:
            row = FaultRow(device_id=device.id, kind=fault.kind, location=fault.location, first_seen=when)
            opened += 1
        row.health, row.reason, row.last_seen = fault.health.value, fault.reason, when
        row.manufacturer, row.model = fault.manufacturer, fault.model
        row.part_number, row.spare_part_number, row.serial = fault.part_number, fault.spare_part_number, fault.serial
        unit.session.add(row)
        if slot not in open_rows:
            unit.session.flush()
            unit.record("fault", f"{key}:{fault.kind}:{fault.location}", "open", None, fault_json(key, row))
        if slot not in open_rows or reworded:  # a worn consumable brings its preventive task forward
            preventive.fault_seen(unit, device, row, key, when)
    for slot, row in open_rows.items():
        if slot not in seen:
            before = fault_json(key, row)
            row.closed_at = when
            closed += 1
            unit.record("fault", f"{key}:{slot[0]}:{slot[1]}", "close", before, fault_json(key, row))
    return opened, closed, len(seen)


def record(unit: UnitOfWork, run: HealthRun) -> RecordSummary:
    """Store one health run; registered devices only (ad-hoc targets have nowhere to go).

    A device whose configuration changed gets a new version of its archive file
    (:func:`dcmaint.services.archive.archive_polls`: one query for the whole run).
    """
    from dcmaint.services.archive import archive_polls
    from dcmaint.services.verify import confirm, pending_swaps

    opened = closed = still_open = stored = verified = 0
    pending = pending_swaps(unit)
    answered: list[tuple[DeviceRow, PollResult]] = []
    for result in run.results:
        if result.site is None:  # an ad-hoc --target endpoint: not in the register
            continue
        device = device_register.find(unit, result.device, result.site)
        key = device_register.audit_key(device_record(device))
        stored += 1
        if _superseded(unit, device, result):
            still_open += _open_faults(unit, device)
            continue
        _store_poll(unit, device, result)
        if result.report is None:
            continue
        _store_components(unit, device, key, result)
        answered.append((device, result))
        o, c, n = _store_faults(unit, device, key, faults_of(result), result.polled_at)
        opened, closed, still_open = opened + o, closed + c, still_open + n
        if device.id in pending:
            verified += confirm(unit, pending[device.id], result, result.polled_at)
    archived = len(archive_polls(unit, answered))
    return RecordSummary(stored, opened, closed, still_open, verified, archived)


def record_run(context: Context, run: HealthRun, *, open_tickets: bool) -> tuple[RecordSummary, tuple[str, ...] | None]:
    """Store ``run`` and, with ``open_tickets``, open tickets for its faults, in one transaction that is safe to
    run beside other collectors (see the module's docstring); the summary and the tickets opened (None when
    not asked)."""
    from dcmaint.services.fault_tickets import open_for_run

    def work(unit: UnitOfWork) -> tuple[RecordSummary, tuple[str, ...] | None]:
        ids = [device_register.find(unit, r.device, r.site).id for r in run.results if r.site is not None]
        unit.serialise("device", ids)
        summary = record(unit, run)
        return summary, (tuple(open_for_run(unit, run)) if open_tickets else None)

    return context.retried(work)
