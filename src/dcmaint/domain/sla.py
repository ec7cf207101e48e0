"""The restoration SLA clock: one function that every ticket view and every report uses.

The contract (clause 9) counts from the start of handling to restoration,
at most N hours (12 by default), around the clock: the service is 7x24, so
nights, weekends and public holidays all count. The clock stands still only
for reasons the contract allows (waiting for the customer's downtime window
or approval), each recorded with its start and end. Restored exactly at the
limit is met; one second later is a breach.

>>> from datetime import datetime, timedelta, timezone
>>> t0 = datetime(2026, 11, 24, 20, 0, tzinfo=timezone.utc)
>>> reading = measure(Clock(timedelta(hours=12), t0, t0 + timedelta(hours=13), ((t0, t0 + timedelta(hours=2)),)),
...                   now=t0 + timedelta(days=1))
>>> reading.state, reading.elapsed, reading.paused
(<SlaState.MET: 'met'>, datetime.timedelta(seconds=39600), datetime.timedelta(seconds=7200))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ZERO = timedelta(0)


class SlaState(StrEnum):
    NOT_STARTED = "not_started"  # logged or assigned: nobody is handling it yet
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"  # restored within the target
    BREACHED = "breached"  # restored late, or still open past the target


@dataclass(frozen=True)
class Clock:
    target: timedelta
    started_at: datetime | None
    restored_at: datetime | None
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()  # (start, end); end None while paused


def ticket_clock(
    sla_hours: int,
    started_at: datetime | None,
    restored_at: datetime | None,
    pauses: Iterable[tuple[datetime, datetime | None]],
) -> Clock:
    """The clock of a ticket as the store keeps it: its target in hours, its times and every recorded pause.

    The one way a ticket's clock is built, for the write path (which stores ``measure``'s due time for the
    index) and for every view (list, show, form), so that they cannot disagree.

    >>> from datetime import timezone
    >>> t0 = datetime(2026, 11, 24, 20, 0, tzinfo=timezone.utc)
    >>> ticket_clock(12, t0, None, [(t0 + timedelta(hours=1), None)]).target
    datetime.timedelta(seconds=43200)
    """
    return Clock(timedelta(hours=sla_hours), started_at, restored_at, tuple(sorted(pauses, key=lambda p: p[0])))


@dataclass(frozen=True)
class Reading:
    state: SlaState
    elapsed: timedelta  # handling time that counts, pauses excluded
    paused: timedelta
    remaining: timedelta | None  # None once restored or not started
    breached_by: timedelta | None  # how far past the target, when breached
    due_at: datetime | None  # when it breaches if nothing changes; None when not running


def _overlap(start: datetime, end: datetime, pause: tuple[datetime, datetime | None], now: datetime) -> timedelta:
    pause_start, pause_end = pause
    low, high = max(start, pause_start), min(end, pause_end or now)
    return max(high - low, ZERO)


def measure(clock: Clock, now: datetime) -> Reading:
    """Where the clock stands at ``now`` (or at restoration, once restored)."""
    if clock.started_at is None:
        return Reading(SlaState.NOT_STARTED, ZERO, ZERO, None, None, None)
    end = clock.restored_at or now
    paused = sum((_overlap(clock.started_at, end, p, now) for p in clock.pauses), ZERO)
    elapsed = max(end - clock.started_at - paused, ZERO)
    over = elapsed - clock.target
    if clock.restored_at is not None:
        state = SlaState.MET if over <= ZERO else SlaState.BREACHED
        return Reading(state, elapsed, paused, None, over if over > ZERO else None, None)
    is_paused = any(p[1] is None and p[0] <= now for p in clock.pauses)
    if over > ZERO:
        return Reading(SlaState.BREACHED, elapsed, paused, ZERO, over, None if is_paused else now - over)
    remaining = -over
    if is_paused:
        return Reading(SlaState.PAUSED, elapsed, paused, remaining, None, None)
    return Reading(SlaState.RUNNING, elapsed, paused, remaining, None, now + remaining)


def format_duration(value: timedelta | None) -> str:
    """``3 h 45 min`` for people, in their language, to the minute; negative durations do not occur (the clock
    says breached_by instead).

    >>> format_duration(timedelta(hours=3, minutes=45)), format_duration(timedelta(days=1, hours=2))
    ('3 h 45 min', '1 d 2 h')
    """
    from dcmaint.i18n import _

    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [_("{n} d").format(n=days)] if days else []
    parts += [_("{n} h").format(n=hours)] if hours else []
    parts += [_("{n} min").format(n=minutes)] if minutes or not parts else []
    return " ".join(parts)


def parse_duration(text: str) -> timedelta:
    """``2h``, ``90m``, ``1h30m``, ``1d``, ``45s`` (what ``--breaching-within`` and ``--time-spent`` take)."""
    import re

    from dcmaint.errors import UsageError
    from dcmaint.i18n import _

    value = text.strip().lower().replace(" ", "")
    found = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?", value)
    if not value or not found or not any(found.groups()):
        raise UsageError(_("invalid duration {value!r}: use e.g. 2h, 90m, 1h30m, 1d").format(value=text))
    days, hours, minutes, seconds = (int(g) if g else 0 for g in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
