"""What ``pm list``, ``pm due`` and ``pm task list`` read: every task type applied to the register.

A task exists for every covered device of a kind its type applies to, and for
every site when its type is work on the room, whether or not anything has
happened to it yet; a device registered later has its tasks at once. Its due
time is :func:`dcmaint.domain.preventive.next_due` of its history (the
``pm_tasks`` row, when it has one) and the interval in force at its site.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dcmaint.domain import preventive
from dcmaint.domain.preventive import (
    CompletionLine,
    TaskLine,
    TaskState,
    TaskType,
    TaskTypeLine,
    consumable_text,
)
from dcmaint.errors import NotFound
from dcmaint.i18n import _, language
from dcmaint.services import pm_catalogue
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import pm_queries
from dcmaint.store.pm_queries import DeviceSubject, SiteSubject, TaskHistory
from dcmaint.store.reader import Reader

DEFAULT_WITHIN = timedelta(days=14)


@dataclass(frozen=True)
class TaskFilter:
    site: str | None = None
    device: str | None = None
    due_within: timedelta | None = None  # only tasks due within this time, and overdue ones


def _consumables(task: TaskType, options: dict[str, str]) -> tuple[str, ...]:
    return tuple(consumable_text(c.quantity, c.for_device(options)) for c in task.consumables)


def _line(
    task: TaskType,
    site: SiteSubject,
    device: DeviceSubject | None,
    history: TaskHistory | None,
    overrides: dict[tuple[int, str], str],
    now: datetime,
    within: timedelta,
) -> TaskLine:
    every = pm_catalogue.interval_at(task, site.id, overrides)
    registered = device.registered if device else site.registered
    last = history.last_done_at if history else None
    forward = history.forward_at if history else None
    due = preventive.next_due(last or registered, every, forward)
    ref = preventive.TaskRef(site.name, device.name if device else None, task.id)
    return TaskLine(
        str(ref),
        site.name,
        device.name if device else None,
        task.id,
        task.name(language()),
        str(every),
        last,
        due,
        preventive.state(due, now, within).value,
        history.forward_fault_id if history and forward else None,
        history.forward_reason if history and forward else None,
        _consumables(task, device.options if device else {}),
    )


def task_lines(reader: Reader, where: TaskFilter, now: datetime) -> list[TaskLine]:
    """Every task ``where`` selects, soonest due first."""
    sites = pm_queries.sites(reader, where.site)
    if where.site and not sites:
        raise NotFound(_("unknown site {name!r}").format(name=where.site))
    site_id = sites[0].id if where.site else None
    devices = pm_queries.devices(reader, site_id, where.device)
    if where.device and not devices:
        raise NotFound(_("unknown device {name!r}").format(name=where.device))
    histories = {(h.site_id, h.device_id, h.task_type): h for h in pm_queries.histories(reader, site_id)}
    overrides = pm_queries.intervals(reader, site_id)
    by_id = {site.id: site for site in sites}
    within = where.due_within if where.due_within is not None else timedelta(0)
    lines = []
    for task in pm_catalogue.shipped():
        if task.site_level:
            if where.device is None:
                lines += [
                    _line(task, s, None, histories.get((s.id, None, task.id)), overrides, now, within) for s in sites
                ]
            continue
        for device in devices:
            if device.covered and task.applies(device.kind) and device.site_id in by_id:
                history = histories.get((device.site_id, device.id, task.id))
                lines.append(_line(task, by_id[device.site_id], device, history, overrides, now, within))
    if where.due_within is not None:
        lines = [line for line in lines if line.state != TaskState.SCHEDULED.value]
    return sorted(lines, key=lambda line: (line.next_due, line.task))


def tasks(context: Context, where: TaskFilter) -> Zoned[list[TaskLine]]:
    """The tasks ``where`` selects, with the sites' time zones (entry point)."""
    with context.read() as reader:
        return Zoned(task_lines(reader, where, datetime.now(UTC)), site_zones(reader))


def task_types(context: Context, site: str | None = None) -> list[TaskTypeLine]:
    """The task types, with the interval in force at ``site`` when given (entry point)."""
    with context.read() as reader:
        found = pm_queries.sites(reader, site) if site else []
        if site and not found:
            raise NotFound(_("unknown site {name!r}").format(name=site))
        overrides = pm_queries.intervals(reader, found[0].id) if found else {}
    lines = []
    for task in pm_catalogue.shipped():
        every = pm_catalogue.interval_at(task, found[0].id, overrides) if found else task.every
        lines.append(
            TaskTypeLine(
                task.id,
                task.name(language()),
                task.applies_to,
                str(every),
                str(task.every),
                site,
                bool(found and (found[0].id, task.id) in overrides),
                _consumables(task, {}),
            )
        )
    return lines


@dataclass(frozen=True)
class HistoryFilter:
    site: str | None = None
    device: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def history_lines(reader: Reader, where: HistoryFilter) -> list[CompletionLine]:
    """The completions ``where`` selects, oldest first (what a monthly report counts as done, on time or late)."""
    if where.site and not pm_queries.sites(reader, where.site):
        raise NotFound(_("unknown site {name!r}").format(name=where.site))
    if where.device and not pm_queries.devices(reader, name=where.device):
        raise NotFound(_("unknown device {name!r}").format(name=where.device))
    return [
        CompletionLine(
            str(preventive.TaskRef(row.site, row.device, row.task_type)),
            row.site,
            row.device,
            row.task_type,
            row.done_at,
            row.engineer,
            row.due_at,
            row.done_at <= row.due_at,
            row.every,
            tuple(consumable_text(int(str(c["quantity"])), str(c["part_number"])) for c in row.consumed),
            row.note,
        )
        for row in pm_queries.completions(reader, where.site, where.device, where.since, where.until)
    ]


def history(context: Context, where: HistoryFilter) -> Zoned[list[CompletionLine]]:
    """Recorded completions, with the sites' time zones (entry point)."""
    with context.read() as reader:
        return Zoned(history_lines(reader, where), site_zones(reader))
