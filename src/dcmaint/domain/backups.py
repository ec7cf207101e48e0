"""Backups and drills (contract clause 5): the rules of the register of backup policies and of drills.

A backup policy says how a system's data is copied (tool, schedule, retention,
target, who is responsible) and how often a restore must be *proven* by a
restore test. A drill plan says how often a disaster scenario is rehearsed and
which recovery time (RTO) and recovery point (RPO) objectives it must meet; a
drill record says what was achieved. Everything here is pure: the services
read the store and call these rules.

- A restore verification falls due ``verify_every`` after the last restore
  that came back ``ok`` (or after the policy's registration when there is
  none); a ``failed`` or ``partial`` restore since then makes it due at once,
  since the backup is not proven (:func:`verification_due`).
- A drill plan falls due on its next date while no drill was logged on or
  after it, else ``every`` after its last drill (or its planning)
  (:func:`drill_due`).
- An objective is met when what was achieved is at most its target
  (:func:`objective`).

>>> from datetime import UTC, datetime
>>> objective(timedelta(hours=4), timedelta(hours=3, minutes=10)).value
'met'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from dcmaint.domain.preventive import Interval, TaskState, interval
from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _

LONGEST_OBJECTIVE = timedelta(days=30)  # an RTO or RPO beyond a month is a typo, not a recovery objective
LONGEST_RESTORE = timedelta(days=7)  # a restore test that runs longer than a week was not timed
MOST_COPIES = 10_000
CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
CRON_ALIASES = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *"}
CRON_ITEM = re.compile(r"^(\*|\d{1,2}(?:-\d{1,2})?)(?:/(\d{1,2}))?$")
HOURS = re.compile(r"^\s*(\d{1,3})\s*h\s*$", re.IGNORECASE)
COPIES = re.compile(r"^\s*(\d{1,5})\s*(?:copies|copy|versions?)\s*$", re.IGNORECASE)


class RestoreResult(StrEnum):
    """How a restore test or a drill came out (``backup verify --result``, ``backup drill log --result``)."""

    OK = "ok"  # everything restored and checked
    PARTIAL = "partial"  # some of it could not be restored or checked
    FAILED = "failed"  # nothing usable came back


class ObjectiveOutcome(StrEnum):
    """An RTO or RPO achieved against its target."""

    MET = "met"
    MISSED = "missed"


class BackupDueKind(StrEnum):
    """What ``backup due`` lists."""

    VERIFICATION = "verification"  # a restore test of a policy
    DRILL = "drill"  # a planned drill
    ACTION = "action"  # a follow-up action of a drill


# ------------------------------------------------------------------------------------------------ parsers


def schedule(text: str, what: str) -> str:
    """When a backup runs: a five-field cron expression (``30 1 * * *``), an alias (``@daily``), or a plain
    interval (``6h``, ``1d``, ``1w``, ``1mo``); returned normalised.

    >>> schedule(" 30  1 * * 1-5 ", "--schedule"), schedule("@Daily", "--schedule"), schedule("6H", "--schedule")
    ('30 1 * * 1-5', '@daily', '6h')
    """
    value = " ".join(text.split())
    if value.lower() in CRON_ALIASES:
        return value.lower()
    hours = HOURS.match(value)
    if hours:
        if not 1 <= int(hours.group(1)) <= 168:
            raise _bad_schedule(what, text)
        return f"{int(hours.group(1))}h"
    fields = value.split(" ")
    if len(fields) == 1:
        try:
            return str(interval(value, what))
        except UsageError:
            raise _bad_schedule(what, text) from None
    if len(fields) != len(CRON_FIELDS) or not all(_cron_field(f, low, high) for f, (_n, low, high) in zip(
            fields, CRON_FIELDS, strict=True)):  # fmt: skip
        raise _bad_schedule(what, text)
    return value


def _bad_schedule(what: str, text: str) -> UsageError:
    return UsageError(
        _(
            "invalid {what} {value!r}: expected a cron expression (minute hour day month weekday, e.g. '30 1 * * *'),"
            " @hourly, @daily, @weekly, @monthly or an interval (6h, 1d, 1w, 1mo)"
        ).format(what=what, value=text)
    )


def _cron_field(text: str, low: int, high: int) -> bool:
    for item in text.split(","):
        found = CRON_ITEM.match(item)
        if not found:
            return False
        span, step = found.group(1), found.group(2)
        if step is not None and not 1 <= int(step) <= high:
            return False
        if span == "*":
            continue
        first, _sep, last = span.partition("-")
        numbers = [int(first), int(last or first)]
        if not all(low <= n <= high for n in numbers) or numbers[0] > numbers[1]:
            return False
    return True


def retention(text: str, what: str) -> str:
    """How long copies are kept: an interval (``30d``, ``12w``, ``7y``) or a number of copies (``14 copies``).

    >>> retention("30D", "--retention"), retention("14 Copies", "--retention")
    ('30d', '14 copies')
    """
    copies = COPIES.match(text)
    if copies:
        count = int(copies.group(1))
        if 1 <= count <= MOST_COPIES:
            return f"{count} copies"
    else:
        try:
            return str(interval(text, what))
        except UsageError:
            pass
    raise UsageError(
        _(
            "invalid {what} {value!r}: expected an interval (30d, 12w, 6mo, 7y) or a number of copies (14 copies)"
        ).format(what=what, value=text)
    )


def objective_target(text: str, what: str) -> timedelta:
    """An RTO or RPO target: ``4h``, ``30m``; more than nothing, at most 30 days."""
    return _span(text, what, LONGEST_OBJECTIVE)


def achieved(text: str, what: str) -> timedelta:
    """An RTO or RPO achieved in a drill: ``3h10m``, or ``0m`` (no data lost); not negative, at most 30 days.

    >>> achieved("0m", "--rpo-achieved"), achieved("1h5m", "--rto-achieved")
    (datetime.timedelta(0), datetime.timedelta(seconds=3900))
    """
    from dcmaint.domain.sla import format_duration, parse_duration

    value = text.strip()
    try:
        found = timedelta(0) if value in ("0", "0m", "0s", "0h") else parse_duration(value)
    except (UsageError, OverflowError):
        found = None
    if found is None or value.startswith("-") or found > LONGEST_OBJECTIVE:
        raise UsageError(
            _("invalid {what} {value!r}: a duration such as 3h10m or 0m, not negative, at most {most}").format(
                what=what, value=text, most=format_duration(LONGEST_OBJECTIVE)
            )
        )
    return found


def restore_duration(text: str, what: str) -> timedelta:
    """How long a restore test took: ``45m``, ``2h``; more than nothing, at most a week."""
    return _span(text, what, LONGEST_RESTORE)


def _span(text: str, what: str, longest: timedelta) -> timedelta:
    """:func:`dcmaint.domain.parse.duration`, whose every refusal names the option."""
    from dcmaint.domain.parse import duration
    from dcmaint.domain.sla import format_duration

    try:
        return duration(text, what, longest)
    except UsageError:
        raise UsageError(
            _("invalid {what} {value!r}: more than nothing, at most {most}").format(
                what=what, value=text, most=format_duration(longest)
            )
        ) from None


@dataclass(frozen=True)
class FollowUpGiven:
    """A follow-up action as typed: ``OWNER,YYYY-MM-DD,WHAT`` (the owner a staff name, the due date, the work)."""

    owner: str
    due: date
    action: str


def follow_up(text: str, what: str) -> FollowUpGiven:
    """``--action "张伟,2027-01-15,更新恢复手册"``: who, by when, what (the text may hold commas).

    >>> follow_up("张伟, 2027-01-15, 更新恢复手册, 补充步骤", "--action")
    FollowUpGiven(owner='张伟', due=datetime.date(2027, 1, 15), action='更新恢复手册, 补充步骤')
    """
    parts = [p.strip() for p in text.split(",", 2)]
    due = None
    if len(parts) == 3 and all(parts):
        try:
            due = date.fromisoformat(parts[1])
        except ValueError:
            due = None
    if due is None:
        raise UsageError(
            _("invalid {what} {value!r}: expected OWNER,YYYY-MM-DD,WHAT (e.g. 张伟,2027-01-15,更新恢复手册)").format(
                what=what, value=text
            )
        )
    from dcmaint.domain.text import free_text, identifier

    return FollowUpGiven(identifier(parts[0], what), due, free_text(parts[2], what))


# -------------------------------------------------------------------------------------------------- rules


def objective(target: timedelta, achieved_value: timedelta) -> ObjectiveOutcome:
    """Met when what was achieved is at most the target.

    >>> objective(timedelta(minutes=30), timedelta(minutes=31)).value
    'missed'
    >>> objective(timedelta(hours=1), timedelta(hours=1)).value
    'met'
    """
    return ObjectiveOutcome.MET if achieved_value <= target else ObjectiveOutcome.MISSED


def verification_due(
    registered: datetime, every_: Interval, last_ok: datetime | None, last_not_ok: datetime | None
) -> datetime:
    """When the next restore test of a policy is due: ``every_`` after the last ``ok`` restore (or the policy's
    registration); at once (the time of the failed test) when a failed or partial restore came after it.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 10, tzinfo=UTC)
    >>> verification_due(t, interval("3mo", "x"), None, None).date().isoformat()
    '2026-04-10'
    >>> verification_due(t, interval("3mo", "x"), t, datetime(2026, 2, 1, tzinfo=UTC)).date().isoformat()
    '2026-02-01'
    """
    if last_not_ok is not None and (last_ok is None or last_not_ok > last_ok):
        return last_not_ok
    return every_.after(last_ok or registered)


def drill_due(
    planned: datetime, every_: Interval | None, next_on: datetime | None, last: datetime | None
) -> datetime | None:
    """When a planned drill is due: its next date while no drill was held on or after it, else ``every_``
    after the last drill (or the planning); None for a one-off plan already drilled.

    >>> from datetime import UTC
    >>> p = datetime(2026, 1, 1, tzinfo=UTC)
    >>> drill_due(p, interval("6mo", "x"), None, None).date().isoformat()
    '2026-07-01'
    >>> drill_due(p, interval("6mo", "x"), datetime(2026, 3, 1, tzinfo=UTC), None).date().isoformat()
    '2026-03-01'
    >>> drill_due(p, None, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)) is None
    True
    """
    if next_on is not None and (last is None or last < next_on):
        return next_on
    if every_ is None:
        return None
    return every_.after(last or planned)


def due_state(due: datetime, now: datetime, within: timedelta) -> TaskState:
    """Overdue once ``due`` has passed; due when within ``within`` of ``now``; else scheduled."""
    if due < now:
        return TaskState.OVERDUE
    return TaskState.DUE if due <= now + within else TaskState.SCHEDULED


def any_overdue(lines: list[DueLine]) -> bool:
    """Whether ``backup due`` exits 1 (for cron)."""
    return any(line.state == TaskState.OVERDUE.value for line in lines)


# ------------------------------------------------------------------------------------------------ records


@dataclass(frozen=True)
class PolicyLine(Record):
    """A backup policy as ``backup policy list`` and ``show`` give it; keys documented in docs/backups.md."""

    policy: str
    site: str
    system: str
    devices: tuple[str, ...]
    tool: str
    schedule: str
    retention: str
    target: str
    owner: str
    verify_every: str
    last_verified: datetime | None  # the last restore test, whatever its result
    last_result: str | None
    last_ok: datetime | None
    next_verification: datetime | None  # None for a retired policy
    state: str | None
    retired: datetime | None
    retired_reason: str | None
    note: str | None


@dataclass(frozen=True)
class RestoreLine(Record):
    """One restore test (``backup verify``, and the history ``backup policy show`` lists)."""

    policy: str
    site: str
    tested_at: datetime
    engineer: str
    result: str
    restored: str
    duration_minutes: int | None
    note: str | None


@dataclass(frozen=True)
class PlanLine(Record):
    """A drill plan (``backup drill plan``, ``backup drill list --plans``)."""

    plan: int
    site: str
    system: str
    policy: str | None
    scenario: str
    every: str | None
    next_on: datetime | None
    rto_target_minutes: int
    rpo_target_minutes: int
    last_drill: datetime | None
    next_due: datetime | None  # None for a one-off plan drilled, or a retired plan
    state: str | None
    retired: datetime | None
    retired_reason: str | None


@dataclass(frozen=True)
class ActionLine(Record):
    """A follow-up action of a drill."""

    action: int
    drill: int
    site: str
    owner: str
    due_on: date
    text: str
    done_at: datetime | None
    done_note: str | None


@dataclass(frozen=True)
class DrillLine(Record):
    """A drill held (``backup drill log``, ``list``, ``show``); met or missed by :func:`objective`."""

    drill: int
    plan: int | None
    site: str
    system: str
    policy: str | None
    scenario: str
    drilled_at: datetime
    engineer: str
    rto_target_minutes: int
    rto_achieved_minutes: int
    rto: str
    rpo_target_minutes: int
    rpo_achieved_minutes: int
    rpo: str
    result: str
    note: str | None
    open_actions: int  # follow-up actions not done yet


@dataclass(frozen=True)
class DrillDetail:
    """A drill with its follow-up actions (``backup drill show``, ``log``): the drill's keys plus ``actions``."""

    drill: DrillLine
    actions: tuple[ActionLine, ...]

    def as_json(self) -> dict[str, object]:
        return {**self.drill.as_json(), "actions": [a.as_json() for a in self.actions]}


@dataclass(frozen=True)
class DueLine(Record):
    """One line of ``backup due``: a restore test, a drill or a follow-up action, and when it falls due."""

    kind: str
    site: str
    subject: str  # the policy, the drill plan's number and system, or the action's number
    what: str
    owner: str | None
    due: datetime
    state: str


def minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)
