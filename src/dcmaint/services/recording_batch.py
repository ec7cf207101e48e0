"""Recording a batch of polls with set-based SQL: what :func:`dcmaint.services.recording.record` does for many
devices at once.

The rules are those of :mod:`dcmaint.services.recording`; this module only
changes how the store is asked. The state of every device of the batch is
read first (:mod:`dcmaint.store.health_bulk`: its stored poll time, its parts,
its open faults, one query each), the changes are worked out in memory, then
written in bulk, and only then are the audit entries noted, device by device
in the order of the run, so that the log reads as it did when each device was
recorded on its own: a part's serial changed, each fault opened (and the
preventive task it brings forward), each fault closed, each swap verified,
then the archive versions.

A device polled twice in one batch (two results for one device) is recorded
in rounds, one result per device per round, so the second sees the first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dcmaint.drivers.result import PollResult
from dcmaint.services import devices as device_register
from dcmaint.services import preventive
from dcmaint.services.health import faults_of
from dcmaint.store import health_bulk
from dcmaint.store.models.depot import SwapRow
from dcmaint.store.models.health import ComponentRow, DevicePollRow, FaultRow
from dcmaint.store.models.registers import DeviceRow, device_record
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork


@dataclass(frozen=True)
class Polled:
    """A poll result of a registered device, with the device's row and audit key."""

    device: DeviceRow
    key: str
    result: PollResult


@dataclass
class Tally:
    """What a batch did, summed over its rounds."""

    devices: int = 0
    opened: int = 0
    closed: int = 0
    still_open: int = 0
    verified: int = 0
    answered: list[tuple[DeviceRow, PollResult]] = field(default_factory=list)


@dataclass
class _Plan:
    """One device's changes, worked out before anything is written; its audit entries noted after."""

    polled: Polled
    serials: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    opened: list[tuple[FaultRow, bool]] = field(default_factory=list)  # (fault, new rather than reworded)
    closed: list[tuple[FaultRow, dict[str, object]]] = field(default_factory=list)  # (fault, before it closed)


def resolve(unit: UnitOfWork, results: Sequence[PollResult]) -> list[Polled]:
    """The registered devices of ``results`` (ad-hoc targets left out), in the run's order: one query; a name
    the register does not know is refused as :func:`dcmaint.services.devices.find` refuses it."""
    registered = [result for result in results if result.site is not None]
    named = health_bulk.devices_named(unit.session, [(r.site or "", r.device) for r in registered])
    polled = []
    for result in registered:
        device = named.get((result.site or "", result.device)) or device_register.find(unit, result.device, result.site)
        polled.append(Polled(device, device_register.audit_key(device_record(device)), result))
    return polled


def record_polled(unit: UnitOfWork, polled: Sequence[Polled], tally: Tally) -> None:
    """Record these polls into ``tally`` (archive versions are the caller's: one query for the whole batch)."""
    from dcmaint.services.verify import pending_swaps

    pending = pending_swaps(unit)
    for round_ in _rounds(polled):
        _record_round(unit, round_, pending, tally)


def _rounds(polled: Sequence[Polled]) -> list[list[Polled]]:
    rounds: list[list[Polled]] = []
    seen: dict[int, int] = {}
    for item in polled:
        index = seen.get(item.device.id, 0)
        seen[item.device.id] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(item)
    return rounds


def _record_round(unit: UnitOfWork, polled: list[Polled], pending: dict[int, list[SwapRow]], tally: Tally) -> None:
    session = unit.session
    stored = health_bulk.poll_times(session, [p.device.id for p in polled])
    fresh = [p for p in polled if p.device.id not in stored or as_datetime(stored[p.device.id]) < p.result.polled_at]
    answered = [p for p in fresh if p.result.report is not None]
    failed = {p.device.id for p in fresh if p.result.report is None}  # nothing read: faults and parts stay
    fresh_ids = {p.device.id for p in fresh}
    superseded = [p.device.id for p in polled if p.device.id not in fresh_ids]  # the store has this poll or newer
    faults = health_bulk.open_faults(session, [p.device.id for p in polled if p.device.id not in failed])
    tally.devices += len(polled)
    tally.still_open += sum(len(faults.get(device_id, [])) for device_id in superseded)
    health_bulk.insert_rows(session, DevicePollRow, [_poll(p) for p in fresh if p.device.id not in stored])
    health_bulk.update_rows(session, DevicePollRow, [_poll(p) for p in fresh if p.device.id in stored])
    plans = [_Plan(p) for p in answered]
    _store_parts(unit, plans)
    for plan in plans:
        tally.still_open += _plan_faults(unit, plan, faults.get(plan.polled.device.id, []))
    session.flush()  # the new faults get their ids, the preventive tasks and the audit entries name them
    for plan in plans:
        _note(unit, plan, pending, tally)


def _poll(polled: Polled) -> dict[str, Any]:
    result = polled.result
    report = result.report.as_json() if result.report else None
    return {
        "device_id": polled.device.id,
        "polled_at": result.polled_at,
        "driver": result.driver,
        "status": result.status.value,
        "error": result.error.value if result.error else None,
        "message": result.message,
        "duration": result.duration,
        "report": json.dumps(report, ensure_ascii=False, separators=(",", ":")) if report is not None else None,
    }


def _store_parts(unit: UnitOfWork, plans: list[_Plan]) -> None:
    """The installed base of the answered devices: new slots inserted, changed parts updated by id, parts seen
    again unchanged touched in one statement; a serial that changed in its slot is noted for the audit log."""
    stored = health_bulk.parts(unit.session, [plan.polled.device.id for plan in plans])
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    touched: list[int] = []
    for plan in plans:
        device, result = plan.polled.device, plan.polled.result
        assert result.report is not None
        existing = stored.get(device.id, {})
        reported: dict[tuple[str, str], dict[str, Any]] = {}
        for component in result.report.components:
            reported[(component.kind.value, component.location)] = _part_values(component)
        for slot, values in reported.items():
            row = existing.get(slot)
            if row is None:
                added.append(
                    {"device_id": device.id, "kind": slot[0], "location": slot[1], **values}
                    | {"first_seen": result.polled_at, "last_seen": result.polled_at}
                )
                continue
            if row.values["serial"] and values["serial"] and row.values["serial"] != values["serial"]:
                before = {"serial": row.values["serial"], "part_number": row.values["part_number"]}
                after = {"serial": values["serial"], "part_number": values["part_number"]}
                plan.serials.append((f"{plan.polled.key}:{slot[0]}:{slot[1]}", before, after))
            if values == row.values:
                touched.append(row.id)
            else:
                changed.append({"id": row.id, **values, "last_seen": result.polled_at})
    health_bulk.insert_rows(unit.session, ComponentRow, added)
    health_bulk.update_rows(unit.session, ComponentRow, changed)
    health_bulk.touch_parts(unit.session, touched)


def _part_values(component: Any) -> dict[str, Any]:
    part = component.part
    values = {name: getattr(part, name) if part else None for name in _PART_ATTRIBUTES}
    return {**values, "name": component.name, "health": component.health.value}


#: What a component's part (:class:`dcmaint.drivers.model.Part`) tells of it, stored as such.
_PART_ATTRIBUTES = ("manufacturer", "model", "part_number", "spare_part_number", "serial", "firmware", "capacity_bytes")


def _plan_faults(unit: UnitOfWork, plan: _Plan, rows: list[FaultRow]) -> int:
    """Open, refresh and close the device's faults as ORM rows (flushed together by the caller); how many are
    open after this poll."""
    device, when = plan.polled.device, plan.polled.result.polled_at
    open_rows = {(row.kind, row.location): row for row in rows}
    seen = set()
    for fault in faults_of(plan.polled.result):
        slot = (fault.kind, fault.location)
        if slot in seen:
            continue  # two readings of one slot in a report: the first (worst) wins
        seen.add(slot)
        row = open_rows.get(slot)
        reworded = row is not None and row.reason != fault.reason
        if row is None:
            row = FaultRow(device_id=device.id, kind=fault.kind, location=fault.location, first_seen=when)
        row.health, row.reason, row.last_seen = fault.health.value, fault.reason, when
        row.manufacturer, row.model = fault.manufacturer, fault.model
        row.part_number, row.spare_part_number, row.serial = fault.part_number, fault.spare_part_number, fault.serial
        unit.session.add(row)
        if slot not in open_rows or reworded:
            plan.opened.append((row, slot not in open_rows))
    from dcmaint.services.recording import fault_json

    for slot, row in open_rows.items():
        if slot not in seen:
            before = fault_json(plan.polled.key, row)
            row.closed_at = when
            plan.closed.append((row, before))
    return len(seen)


def _note(unit: UnitOfWork, plan: _Plan, pending: dict[int, list[SwapRow]], tally: Tally) -> None:
    """The device's audit entries, in the order a device recorded alone writes them, and what follows from its
    poll: preventive tasks brought forward, pending swaps verified."""
    from dcmaint.services.recording import fault_json
    from dcmaint.services.verify import confirm

    device, key, result = plan.polled.device, plan.polled.key, plan.polled.result
    when: datetime = result.polled_at
    for entity_key, before, after in plan.serials:
        unit.record("component", entity_key, "serial-changed", before, after)
    for row, new in plan.opened:
        if new:
            unit.record("fault", f"{key}:{row.kind}:{row.location}", "open", None, fault_json(key, row))
            tally.opened += 1
        preventive.fault_seen(unit, device, row, key, when)  # a worn consumable brings its task forward
    for row, before in plan.closed:
        unit.record("fault", f"{key}:{row.kind}:{row.location}", "close", before, fault_json(key, row))
        tally.closed += 1
    if device.id in pending:
        tally.verified += confirm(unit, pending[device.id], result, when)
    tally.answered.append((device, result))
