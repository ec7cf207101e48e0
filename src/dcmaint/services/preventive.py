"""Preventive maintenance writes: a task done, a site's own interval, a fault that brings a task forward.

``pm done`` is one transaction: the completion, the task's new last-done time
and the consumables taken from the site's depot
(:mod:`dcmaint.services.pm_consume`), each audited; when the depot is short of
any of them nothing is recorded. A time given with ``--at`` must not be in the
future nor before the task's previous completion. Reads are in
:mod:`dcmaint.services.pm_views`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from dcmaint.domain import preventive
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.parse import GivenTime
from dcmaint.domain.preventive import Completion, TaskRef, TaskType, consumable_text
from dcmaint.domain.text import optional_free_text
from dcmaint.domain.wear import worn_task
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services import devices as device_register
from dcmaint.services import pm_catalogue, pm_consume, sites, staff
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned
from dcmaint.store.models.health import FaultRow
from dcmaint.store.models.preventive import PmCompletionRow, PmIntervalRow, PmTaskRow
from dcmaint.store.models.registers import DeviceRow, SiteRow, options_from_text
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = AuditEntity.PM_TASK.value
INTERVAL_ENTITY = AuditEntity.PM_INTERVAL.value


@dataclass(frozen=True)
class Done:
    """What ``pm done`` was told: the task, who did it, when (default now) and a note."""

    task: str
    engineer: str
    at: GivenTime | None = None
    note: str | None = None


def _task_json(ref: TaskRef, row: PmTaskRow) -> dict[str, Any]:
    return {
        "task": str(ref),
        "last_done_at": as_datetime(row.last_done_at).isoformat() if row.last_done_at else None,
        "forward_at": as_datetime(row.forward_at).isoformat() if row.forward_at else None,
        "forward_fault": row.forward_fault_id,
        "forward_reason": row.forward_reason,
    }


def _task_row(unit: UnitOfWork, site: SiteRow, device: DeviceRow | None, task: TaskType) -> PmTaskRow:
    """The task's row, created the first time something happens to it."""
    query = select(PmTaskRow).where(PmTaskRow.site_id == site.id, PmTaskRow.task_type == task.id)
    query = query.where(PmTaskRow.device_id == device.id if device else PmTaskRow.device_id.is_(None))
    row = unit.session.scalars(query.with_for_update()).one_or_none()  # two engineers: one after the other
    if row is None:
        row = PmTaskRow(site_id=site.id, device_id=device.id if device else None, task_type=task.id)
        unit.session.add(row)
        unit.session.flush()
    return row


def _subject(unit: UnitOfWork, ref: TaskRef) -> tuple[SiteRow, DeviceRow | None, TaskType]:
    """The site, device and task type a task reference names; a type that does not apply there is refused."""
    site = sites.find(unit, ref.site)
    task = pm_catalogue.find(ref.task_type)
    if ref.device is None:
        if not task.site_level:
            raise UsageError(_("task type {type} is done on devices: give SITE/DEVICE/{type}").format(type=task.id))
        return site, None, task
    device = device_register.find(unit, ref.device, ref.site)
    if not task.applies(device.kind) or not device.covered:
        raise UsageError(
            _("task {task!r} does not exist: {type} applies to {kinds}, and {device} is a {kind}{covered}").format(
                task=str(ref),
                type=task.id,
                kinds=", ".join(task.applies_to),
                device=device.name,
                kind=device.kind,
                covered="" if device.covered else _(" not covered by the contract"),
            )
        )
    return site, device, task


def done(context: Context, given: Done) -> Zoned[Completion]:
    """Record a task done, move its due time on and take its consumables from the depot (entry point); with
    the site's time zone, for a table."""
    with context.write() as unit:
        completion = _done(unit, given, datetime.now(UTC))
        zone = sites.find(unit, completion.site).timezone
    return Zoned(completion, {completion.site: zone})


def _done(unit: UnitOfWork, given: Done, now: datetime) -> Completion:
    ref = preventive.task_ref(given.task)
    note = optional_free_text(given.note, _("note"))
    site, device, task = _subject(unit, ref)
    engineer = staff.find(unit, given.engineer)
    if not engineer.active:
        raise UsageError(_("staff member {name!r} is no longer active").format(name=engineer.name))
    row = _task_row(unit, site, device, task)
    previous = as_datetime(row.last_done_at) if row.last_done_at else None
    at = given.at.checked(site.timezone, now, previous, _("the task's previous completion")) if given.at else now
    if previous is not None and at < previous:  # the last completion was recorded a few minutes ahead (clock drift)
        when = previous.isoformat(timespec="minutes")
        raise UsageError(_("{task} was last done at {when}, later than now").format(task=ref, when=when))
    every = pm_catalogue.interval_at(task, site.id, _overrides(unit, site.id))
    base = previous or as_datetime(device.created_at if device else site.created_at)
    was_due = preventive.next_due(base, every)  # by the schedule: work a fault called for early is not late
    options = options_from_text(device.options) if device else {}
    wanted = [(c.for_device(options), c.quantity) for c in task.consumables]
    taken = pm_consume.take(unit, site, wanted, str(ref), at) if wanted else []
    before = _task_json(ref, row)
    row.last_done_at, row.forward_at, row.forward_fault_id, row.forward_reason = at, None, None, None
    consumed = [{"part_number": number, "quantity": quantity} for number, quantity in taken]
    unit.session.add(
        PmCompletionRow(
            task_id=row.id,
            done_at=at,
            engineer_id=engineer.id,
            due_at=was_due,
            every=str(every),
            consumed=json.dumps(consumed, ensure_ascii=False) if consumed else None,
            note=note,
        )
    )
    unit.session.flush()
    after = _task_json(ref, row)
    unit.record(ENTITY, str(ref), "done", before, {**after, "engineer": engineer.name, "consumed": consumed})
    return Completion(
        str(ref),
        site.name,
        at,
        engineer.name,
        preventive.next_due(at, every),
        tuple(consumable_text(q, n) for n, q in taken),
        note,
    )


def _overrides(unit: UnitOfWork, site_id: int) -> dict[tuple[int, str], str]:
    rows = unit.session.scalars(select(PmIntervalRow).where(PmIntervalRow.site_id == site_id))
    return {(row.site_id, row.task_type): row.every for row in rows}


def set_interval(context: Context, site: str, task_type: str, every: str | None) -> str:
    """Set the site's own interval for a task type, or with None go back to the type's (entry point); the
    interval now in force."""
    with context.write() as unit:
        return _set_interval(unit, site, task_type, every)


def _set_interval(unit: UnitOfWork, site_name: str, task_type: str, every: str | None) -> str:
    site = sites.find(unit, site_name)
    task = pm_catalogue.find(task_type)
    value = str(preventive.interval(every, "--every")) if every is not None else None
    row = unit.session.get(PmIntervalRow, (site.id, task.id))
    before = {"site": site.name, "task_type": task.id, "every": row.every} if row else None
    if value is None:
        if row is not None:
            unit.session.delete(row)
            unit.record(INTERVAL_ENTITY, f"{site.name}/{task.id}", "reset", before, None)
        return str(task.every)
    if row is None:
        row = PmIntervalRow(site_id=site.id, task_type=task.id, every=value)
        unit.session.add(row)
    row.every = value
    unit.session.flush()
    after = {"site": site.name, "task_type": task.id, "every": value}
    unit.record(INTERVAL_ENTITY, f"{site.name}/{task.id}", "set", before, after)
    return value


def fault_seen(unit: UnitOfWork, device: DeviceRow, fault: FaultRow, key: str, when: datetime) -> None:
    """A fault just opened on ``device``, or an open one changed its words (``when``): if it says a consumable is
    worn (:mod:`dcmaint.domain.wear`), the matching task is due from then. Called by ``health --record`` for
    those faults only; a fault that wears nothing out costs one string match and no query."""
    task_type = worn_task(device.kind, fault.kind, fault.reason)
    if task_type is None or not device.covered:
        return
    task = next((t for t in pm_catalogue.shipped() if t.id == task_type), None)
    if task is None or not task.applies(device.kind):
        return
    site = unit.session.get(SiteRow, device.site_id)
    assert site is not None
    row = _task_row(unit, site, device, task)
    seen = as_datetime(when)
    if row.forward_at is not None and as_datetime(row.forward_at) <= seen:
        return  # already brought forward, earlier
    if row.last_done_at is not None and as_datetime(row.last_done_at) >= seen:
        return  # a poll older than the work recorded since: the part was changed after it was seen worn
    ref = TaskRef(site.name, device.name, task.id)
    before = _task_json(ref, row)
    row.forward_at, row.forward_fault_id, row.forward_reason = seen, fault.id, fault.reason
    unit.session.flush()
    unit.record(ENTITY, str(ref), "brought-forward", before, {**_task_json(ref, row), "fault_of": key})
