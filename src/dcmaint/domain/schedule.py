"""When a collector runs next: a fixed interval, a random offset (jitter), and missed ticks skipped.

``dcmaint collect --every 5m`` runs on ticks ``first, first + 5m, ...``; each
run starts at its tick plus an offset drawn afresh from ``[0, jitter)``, so
that ten collectors started by one boot do not hit the database in step.
Runs never overlap: a run that ends after the next tick has passed skips
that tick (and any later one that also passed) instead of queueing it, and
the next run is the first tick still ahead. Everything here is pure: the
caller draws the offset and reads the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from dcmaint.errors import UsageError
from dcmaint.i18n import _

#: Shorter than this, a collector would spend its time reconnecting and a site's BMCs would never rest.
SHORTEST = timedelta(seconds=10)
#: Longer than a day is a cron job's work, not a collector's.
LONGEST = timedelta(days=1)
#: Jitter when none is given: a tenth of the interval.
DEFAULT_JITTER_SHARE = 0.1


def _span(text: str, what: str) -> timedelta:
    """``30s``, ``5m``, ``1h``, ``1h30m``; UsageError naming ``what`` and the text."""
    from dcmaint.domain.sla import parse_duration

    try:
        return parse_duration(text)
    except (UsageError, OverflowError):
        raise UsageError(
            _("invalid {what} {value!r}: expected a time such as 30s, 5m, 1h or 1h30m").format(what=what, value=text)
        ) from None


def interval(text: str, what: str) -> timedelta:
    """The time between runs (``--every``): from :data:`SHORTEST` to :data:`LONGEST`.

    >>> interval("5m", "--every"), interval("1h30m", "--every")
    (datetime.timedelta(seconds=300), datetime.timedelta(seconds=5400))
    """
    value = _span(text, what)
    if not SHORTEST <= value <= LONGEST:
        raise UsageError(
            _("invalid {what} {value!r}: expected at least {least} and at most {most}").format(
                what=what, value=text, least="10s", most="24h"
            )
        )
    return value


def jitter(text: str, what: str) -> timedelta:
    """The largest random offset (``--jitter``): ``0`` for none, else a time such as ``30s``; checked against the
    interval by :func:`schedule`.

    >>> jitter("0", "--jitter"), jitter("30s", "--jitter")
    (datetime.timedelta(0), datetime.timedelta(seconds=30))
    """
    if text.strip() in ("0", "0s"):
        return timedelta(0)
    return _span(text, what)


@dataclass(frozen=True)
class Schedule:
    """A run every ``every``, each started up to ``jitter`` (exclusive) after its tick."""

    every: timedelta
    jitter: timedelta

    def start(self, tick: datetime, draw: float) -> datetime:
        """When the run of ``tick`` starts, ``draw`` uniform in [0, 1).

        >>> Schedule(timedelta(minutes=5), timedelta(seconds=30)).start(datetime(2026, 1, 1), 0.5)
        datetime.datetime(2026, 1, 1, 0, 0, 15)
        """
        return tick + self.jitter * draw

    def following(self, tick: datetime, finished: datetime) -> Next:
        """The tick after the run of ``tick`` that ended at ``finished``, and how many ticks it missed.

        A tick at or before ``finished`` passed while the run was busy: it is missed, not queued.

        >>> every = Schedule(timedelta(minutes=5), timedelta(0))
        >>> every.following(datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 8, 1))
        Next(tick=datetime.datetime(2026, 1, 1, 8, 5), missed=0)
        >>> every.following(datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 8, 12))
        Next(tick=datetime.datetime(2026, 1, 1, 8, 15), missed=2)
        """
        passed = max(0, math.floor((finished - tick) / self.every))
        return Next(tick + self.every * (passed + 1), passed)


@dataclass(frozen=True)
class Next:
    """The next tick, and the ticks skipped because the previous run was still busy at them."""

    tick: datetime
    missed: int


def schedule(every: timedelta, given_jitter: timedelta | None) -> Schedule:
    """``every`` with ``given_jitter``, or a tenth of ``every`` when None; a jitter of half the interval or more
    would let two runs start almost back to back, so it is refused naming ``--jitter``.

    >>> schedule(timedelta(minutes=5), None).jitter
    datetime.timedelta(seconds=30)
    """
    chosen = every * DEFAULT_JITTER_SHARE if given_jitter is None else given_jitter
    if chosen < timedelta(0) or chosen * 2 >= every:
        raise UsageError(
            _("invalid --jitter {value}: expected less than half of --every ({every})").format(
                value=_seconds(chosen), every=_seconds(every)
            )
        )
    return Schedule(every, chosen)


def _seconds(value: timedelta) -> str:
    return f"{value.total_seconds():g}s"


def freshness(every: timedelta) -> timedelta:
    """How recent another collector's poll of a device must be for this run to leave the device alone: a minute,
    or the interval when it is shorter (a collector never skips a device for longer than its own interval).

    >>> freshness(timedelta(minutes=5)), freshness(timedelta(seconds=30))
    (datetime.timedelta(seconds=60), datetime.timedelta(seconds=30))
    """
    return min(timedelta(minutes=1), every)
