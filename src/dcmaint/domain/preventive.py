"""Preventive maintenance: task types, their intervals, and when a task falls due.

A task type (dust removal, CRAC filter replacement...) says which device kinds
it applies to (or the site's room itself), how often it is done and what one
completion consumes from the depot. The types dcmaint ships are package data
(``dcmaint/data/maintenance/tasks.toml``), read by
:mod:`dcmaint.services.pm_catalogue`; a site may agree another interval with
its customer. One task is a type applied to one device (or one site); its next
due time is the one rule :func:`next_due`, used by every view and every write:

- done before: the last completion plus the interval;
- never done: the device's (or site's) registration plus the interval, so a
  device registered today is not overdue today;
- a fault that says the consumable is worn (:mod:`dcmaint.domain.wear`) brings
  it forward to when the fault was first seen, if that is earlier.

Intervals are calendar spans: ``3mo`` after 30 November is 28 (or 29)
February, the last day of the shorter month.

>>> from datetime import UTC, datetime
>>> next_due(datetime(2026, 11, 30, tzinfo=UTC), interval("3mo", "every")).date().isoformat()
'2027-02-28'
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import Untranslated, _

SITE_SCOPE = "site"  # ``applies_to`` of work on the room itself rather than on a device
TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
INTERVAL_PATTERN = re.compile(r"^\s*(\d{1,4})\s*(d|w|mo|y)\s*$", re.IGNORECASE)
SHORTEST = timedelta(days=1)
LONGEST_DAYS = 3660  # ten years: an interval beyond that is a typo, not a maintenance plan
MAX_QUANTITY = 1000


class Unit(Untranslated):
    """The unit of an interval as typed (``3mo``): a word of the command line."""

    DAYS = "d"
    WEEKS = "w"
    MONTHS = "mo"
    YEARS = "y"


class TaskState(StrEnum):
    """Where a task stands against its due time (``pm due``, ``pm list``)."""

    OVERDUE = "overdue"  # the due time has passed
    DUE = "due"  # due within the window asked for
    SCHEDULED = "scheduled"  # due later


@dataclass(frozen=True)
class Interval:
    """A calendar span: ``count`` days, weeks, months or years.

    >>> interval("2w", "every").days_at_most
    14
    """

    count: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.count}{self.unit.value}"

    @property
    def days_at_most(self) -> int:
        per = {Unit.DAYS: 1, Unit.WEEKS: 7, Unit.MONTHS: 31, Unit.YEARS: 366}[self.unit]
        return self.count * per

    def after(self, start: datetime) -> datetime:
        """``start`` plus this span; a month that has no such day gives its last day."""
        if self.unit is Unit.DAYS:
            return start + timedelta(days=self.count)
        if self.unit is Unit.WEEKS:
            return start + timedelta(weeks=self.count)
        months = self.count if self.unit is Unit.MONTHS else 12 * self.count
        total = start.month - 1 + months
        year, month = start.year + total // 12, total % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return start.replace(year=year, month=month, day=day)


def interval(text: str, what: str) -> Interval:
    """An interval as typed (``90d``, ``2w``, ``3mo``, ``1y``): at least a day, at most ten years.

    >>> interval("3MO", "--every")
    Interval(count=3, unit=<Unit.MONTHS: 'mo'>)
    """
    found = INTERVAL_PATTERN.match(text)
    value = Interval(int(found.group(1)), Unit(found.group(2).lower())) if found else None
    if value is None or value.count < 1 or value.days_at_most > LONGEST_DAYS:
        raise UsageError(
            _(
                "invalid {what} {value!r}: expected a number and d, w, mo or y (e.g. 90d, 3mo, 1y), at most 10 years"
            ).format(what=what, value=text)
        )
    return value


@dataclass(frozen=True)
class Consumable:
    """What one completion takes from the depot: ``quantity`` of a catalogue part.

    ``option`` names the device option that gives this device's own part number (``filter_part``), so one
    site's CRACs with another filter size take their own.
    """

    part_number: str
    quantity: int
    option: str | None = None

    def for_device(self, options: Mapping[str, str]) -> str:
        """The part number this device takes: its option's value when set, else the type's."""
        own = (options.get(self.option) or "").strip() if self.option else ""
        return own or self.part_number


@dataclass(frozen=True)
class TaskType:
    id: str
    name_en: str
    name_zh: str
    applies_to: tuple[str, ...]  # device kinds, or SITE_SCOPE
    every: Interval
    consumables: tuple[Consumable, ...] = ()

    @property
    def site_level(self) -> bool:
        return SITE_SCOPE in self.applies_to

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def applies(self, device_kind: str) -> bool:
        return device_kind in self.applies_to


def next_due(base: datetime, every: Interval, forward: datetime | None = None) -> datetime:
    """When a task falls due: ``every`` after ``base`` (its last completion, or its registration when never
    done), or ``forward`` (when a fault said the consumable is worn) if that is earlier.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 10, tzinfo=UTC)
    >>> next_due(t, interval("6mo", "every")).date().isoformat()
    '2026-07-10'
    >>> next_due(t, interval("6mo", "every"), forward=datetime(2026, 2, 1, tzinfo=UTC)).date().isoformat()
    '2026-02-01'
    """
    due = every.after(base)
    return forward if forward is not None and forward < due else due


def state(due: datetime, now: datetime, within: timedelta) -> TaskState:
    """Overdue once ``due`` has passed; due when it falls within ``within`` from ``now``."""
    if due < now:
        return TaskState.OVERDUE
    return TaskState.DUE if due <= now + within else TaskState.SCHEDULED


@dataclass(frozen=True)
class TaskRef:
    """A task as typed: ``SITE/DEVICE/TYPE``, or ``SITE/TYPE`` for work on the room.

    >>> task_ref("hq/hq-crac-01/crac-filter")
    TaskRef(site='hq', device='hq-crac-01', task_type='crac-filter')
    """

    site: str
    device: str | None
    task_type: str

    def __str__(self) -> str:
        return "/".join(p for p in (self.site, self.device, self.task_type) if p is not None)


def task_ref(text: str) -> TaskRef:
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise UsageError(
            _("invalid task {value!r}: expected SITE/DEVICE/TYPE or SITE/TYPE (`dcmaint pm list` shows them)").format(
                value=text
            )
        )
    return TaskRef(parts[0], parts[1] if len(parts) == 3 else None, parts[-1])


# ------------------------------------------------------------------------------------------- the task file


def task_types(data: Mapping[str, Any], source: str) -> tuple[TaskType, ...]:
    """The task types of a parsed task file; a bad entry is refused naming the file, the entry and the value."""
    entries = data.get("task")
    if not isinstance(entries, list) or not entries:
        raise UsageError(_("{file}: no [[task]] entries").format(file=source))
    found: dict[str, TaskType] = {}
    for number, entry in enumerate(entries, 1):
        where = _("{file}: task {number}").format(file=source, number=number)
        task = _task(entry, where) if isinstance(entry, Mapping) else None
        if task is None:
            raise UsageError(_("{where}: not a table").format(where=where))
        if task.id in found:
            raise UsageError(_("{where}: task type {id!r} is defined twice").format(where=where, id=task.id))
        found[task.id] = task
    return tuple(found.values())


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise UsageError(_("{where}: {key} must be a non-empty string").format(where=where, key=key))
    return value.strip()


def _task(entry: Mapping[str, Any], where: str) -> TaskType:
    id_ = _text(entry, "id", where)
    if not TYPE_PATTERN.match(id_):
        raise UsageError(
            _("{where}: invalid task type {value!r}: lower-case letters, digits and '-'").format(where=where, value=id_)
        )
    kinds = entry.get("applies_to")
    known = {k.value for k in DeviceKind} | {SITE_SCOPE}
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k in known for k in kinds):
        raise UsageError(
            _("{where}: applies_to {value!r}: choose from {choices}").format(
                where=where, value=kinds, choices=", ".join(sorted(known))
            )
        )
    if SITE_SCOPE in kinds and len(kinds) > 1:
        raise UsageError(_('{where}: applies_to "site" cannot be mixed with device kinds').format(where=where))
    return TaskType(
        id_,
        _text(entry, "name_en", where),
        _text(entry, "name_zh", where),
        tuple(kinds),
        interval(_text(entry, "every", where), _("{where}: every").format(where=where)),
        _consumables(entry.get("consumable", []), where),
    )


def _consumables(entries: object, where: str) -> tuple[Consumable, ...]:
    if not isinstance(entries, list):
        raise UsageError(_("{where}: consumable must be a list of tables").format(where=where))
    found = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise UsageError(_("{where}: consumable must be a list of tables").format(where=where))
        quantity = entry.get("quantity", 1)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise UsageError(
                _("{where}: invalid quantity {value!r}: a whole number from 1 to {most}").format(
                    where=where, value=quantity, most=MAX_QUANTITY
                )
            )
        option = entry.get("option")
        if option is not None and not isinstance(option, str):
            raise UsageError(_("{where}: option must be a string").format(where=where))
        found.append(Consumable(_text(entry, "part_number", where), quantity, option))
    return tuple(found)


# ----------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class TaskLine(Record):
    """One task as ``pm list`` and ``pm due`` show it; keys documented in docs/maintenance.md."""

    task: str  # SITE/DEVICE/TYPE or SITE/TYPE, what ``pm done`` takes
    site: str
    device: str | None
    task_type: str
    name: str
    every: str
    last_done: datetime | None
    next_due: datetime
    state: str
    forward_fault: int | None  # the fault that brought it forward
    forward_reason: str | None
    consumables: tuple[str, ...]  # "4 x FLT-G4-595x495x46"


@dataclass(frozen=True)
class TaskTypeLine(Record):
    """A task type as ``pm task list`` shows it, with the interval in force at the site."""

    task_type: str
    name: str
    applies_to: tuple[str, ...]
    every: str
    default_every: str
    site: str | None
    overridden: bool
    consumables: tuple[str, ...]


@dataclass(frozen=True)
class Completion(Record):
    """What ``pm done`` recorded."""

    task: str
    site: str
    done_at: datetime
    engineer: str
    next_due: datetime
    consumed: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class CompletionLine(Record):
    """A completion as ``pm history`` shows it; ``on_time`` is whether it was done by its due time."""

    task: str
    site: str
    device: str | None
    task_type: str
    done_at: datetime
    engineer: str
    due_at: datetime
    on_time: bool
    every: str
    consumed: tuple[str, ...]
    note: str | None


def consumable_text(quantity: int, part_number: str) -> str:
    return f"{quantity} x {part_number}"


def lines_due(lines: Sequence[TaskLine]) -> bool:
    """Whether any of ``lines`` is overdue: ``pm due`` exits 1, for cron."""
    return any(line.state == TaskState.OVERDUE.value for line in lines)
