"""Inspection plans and findings: how often a site is inspected, and what becomes of what an inspection finds.

The frequency is what the contract agrees with the customer: monthly,
quarterly, half-yearly, yearly, or every N days or weeks. The next date is a
calendar date in the site's time zone; a month-based frequency keeps the day
of the month (31 January + 1 month is 28 or 29 February, as people count).

Every finding has an outcome: fixed on site, needs downtime (scheduled with
the customer: a date), or return to factory; a fault found by the poll and
not yet decided is ``open`` (its ticket carries it). Pure logic, no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dcmaint.domain.import_columns import key
from dcmaint.errors import UsageError
from dcmaint.i18n import _

MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
_EVERY = re.compile(r"^every\s*(\d{1,3})\s*(d|days?|w|weeks?)$")
MOST_DAYS = 366


def parse_frequency(text: str, what: str = "--every") -> str:
    """The stored form of a frequency: ``monthly`` ... ``yearly``, ``days:N`` or ``weeks:N``.

    >>> parse_frequency("quarterly"), parse_frequency("every 10 days"), parse_frequency("every 2w")
    ('quarterly', 'days:10', 'weeks:2')
    >>> parse_frequency("every 0 days")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    dcmaint.errors.UsageError: invalid --every 'every 0 days': monthly, quarterly, ...
    """
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in MONTHS:
        return cleaned
    match = _EVERY.match(cleaned)
    if match:
        count = int(match.group(1))
        unit = "weeks" if match.group(2).startswith("w") else "days"
        if count > 0 and count * (7 if unit == "weeks" else 1) <= MOST_DAYS:
            return f"{unit}:{count}"
    raise UsageError(
        _("invalid {what} {value!r}: monthly, quarterly, half-yearly, yearly, or every N days/weeks").format(
            what=what, value=text
        )
    )


def frequency_text(stored: str) -> str:
    """``days:10`` -> ``every 10 days``: the words ``parse_frequency`` reads back."""
    unit, _sep, count = stored.partition(":")
    return f"every {count} {unit}" if count else stored


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days.

    >>> add_months(date(2027, 1, 31), 1)
    datetime.date(2027, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_date(stored: str, after: date) -> date:
    """The next inspection after one done (or planned) on ``after``.

    >>> next_date("quarterly", date(2026, 11, 30)), next_date("weeks:2", date(2026, 12, 1))
    (datetime.date(2027, 2, 28), datetime.date(2026, 12, 15))
    """
    if stored in MONTHS:
        return add_months(after, MONTHS[stored])
    unit, _sep, count = stored.partition(":")
    return after + timedelta(days=int(count) * (7 if unit == "weeks" else 1))


class Outcome(StrEnum):
    FIXED = "fixed"  # fixed on site during the inspection
    DOWNTIME = "downtime"  # needs downtime, scheduled with the customer for a date
    FACTORY = "factory"  # return to factory
    OPEN = "open"  # a fault the poll found, not decided yet: its ticket carries it


class ResultStatus(StrEnum):
    """A device result's status beside a poll's health: the device was not polled (no driver), or it is the
    machine room, which is checked, never polled."""

    NOT_POLLED = "not_polled"
    CHECKED = "checked"


class System(StrEnum):
    """A system beside the device kinds: the machine room, scored as one device."""

    ROOM = "room"


class FindingSource(StrEnum):
    CHECKLIST = "checklist"  # a check answered "not ok"
    READING = "reading"  # a reading outside its range
    FAULT = "fault"  # a fault the device's own poll reported


OUTCOME_WORDS: dict[Outcome, tuple[str, ...]] = {
    Outcome.FIXED: ("fixed", "fixed on site", "现场处理", "已处理", "已修复", "现场修复"),
    Outcome.DOWNTIME: ("downtime", "停机", "停机处理", "需停机"),
    Outcome.FACTORY: ("factory", "return to factory", "rtf", "返厂", "返厂维修"),
    Outcome.OPEN: ("open", "待定", "待处理"),
}
_OUTCOME_KEYS = {key(word): outcome for outcome, words in OUTCOME_WORDS.items() for word in words}
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class Action:
    outcome: Outcome
    on: date | None = None  # the downtime agreed with the customer


def parse_action(text: str) -> Action | None:
    """An answers file's action: ``fixed``, ``downtime 2026-12-20`` (停机 2026-12-20), ``factory`` (返厂); None when
    it is none of them (a downtime needs its date).

    >>> parse_action("停机 2026-12-20"), parse_action("返厂"), parse_action("downtime")
    (Action(outcome=<Outcome.DOWNTIME: 'downtime'>, on=datetime.date(2026, 12, 20)), \
Action(outcome=<Outcome.FACTORY: 'factory'>, on=None), None)
    """
    cleaned = text.strip()
    when: date | None = None
    match = _DATE.search(cleaned)
    if match:
        try:
            when = date.fromisoformat(match.group(1))
        except ValueError:
            return None
        cleaned = cleaned[: match.start()].strip()
    outcome = _OUTCOME_KEYS.get(key(cleaned))
    if outcome is None or (outcome is Outcome.DOWNTIME) != (when is not None):
        return None
    return Action(outcome, when)


@dataclass(frozen=True)
class PlanDue:
    """Where a plan stands on ``today`` (the site's date): overdue, due within the window, or later."""

    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def due(next_on: date, today: date) -> PlanDue:
    return PlanDue((next_on - today).days)
