"""Staff KPIs from verified tickets: the month's figures per engineer, as the admin office enters them.

The contract's work order ends with the customer's signed, scored form,
checked with the customer by the maintenance centre; only then does a
ticket count. A ticket counts in the month of its ``verified_at``, with
month boundaries in the admin office's time zone (Beijing time by default),
so the report the office files agrees with its own calendar, not with UTC.

The store hands back sums and counts, never averages: the totals line is
then the same arithmetic over all engineers' sums, exact, and no engineer's
average is an average of averages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _

DEFAULT_TIMEZONE = "Asia/Shanghai"  # the admin office keeps Beijing time
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """``2026-10`` as the first day of that month; anything else is refused naming the value."""
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or not 1900 <= int(found.group(1)) < 9999:
        raise UsageError(_("invalid month {value!r}: expected YYYY-MM, e.g. 2026-10").format(value=text))
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of ``month`` in ``zone``, as UTC instants (what ``verified_at`` is compared with).

    >>> start, end = month_bounds(date(2026, 10, 1), "Asia/Shanghai")
    >>> start.isoformat(), end.isoformat()
    ('2026-09-30T16:00:00+00:00', '2026-10-31T16:00:00+00:00')
    """
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=local).astimezone(UTC),
        datetime(following.year, following.month, 1, tzinfo=local).astimezone(UTC),
    )


@dataclass(frozen=True)
class Tally:
    """Sums and counts over some verified tickets; NULL columns are left out of their own average only."""

    tickets: int = 0
    scored: int = 0
    score_sum: int = 0
    measured: int = 0  # tickets whose SLA outcome is known
    met: int = 0
    timed: int = 0  # tickets with a handling time
    elapsed_sum: float = 0.0  # seconds of SLA handling time, pauses excluded

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.tickets + other.tickets,
            self.scored + other.scored,
            self.score_sum + other.score_sum,
            self.measured + other.measured,
            self.met + other.met,
            self.timed + other.timed,
            self.elapsed_sum + other.elapsed_sum,
        )


@dataclass(frozen=True)
class EngineerKpi(Record):
    """One engineer's month. Averages are None (blank) when there is nothing to average.

    ``{"engineer": "li.na", "tickets": 2, "average_score": 4.5, "sla_met": 1, "sla_met_percent": 50.0,
    "mean_time_to_restore": 16200}`` (seconds, whole).
    """

    engineer: str
    tickets: int
    average_score: float | None
    sla_met: int
    sla_met_percent: float | None
    mean_time_to_restore: timedelta | None

    @classmethod
    def of(cls, engineer: str, tally: Tally) -> EngineerKpi:
        return cls(
            engineer,
            tally.tickets,
            round(tally.score_sum / tally.scored, 2) if tally.scored else None,
            tally.met,
            round(100.0 * tally.met / tally.measured, 1) if tally.measured else None,
            timedelta(seconds=round(tally.elapsed_sum / tally.timed)) if tally.timed else None,
        )

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        value = self.mean_time_to_restore
        data["mean_time_to_restore"] = int(value.total_seconds()) if value is not None else None
        return data


@dataclass(frozen=True)
class KpiReport(Record):
    """The month's report: one line per engineer (by name) and the total over every counted ticket."""

    month: str  # YYYY-MM
    timezone: str
    start: datetime  # UTC instants bounding the month in ``timezone``
    end: datetime
    engineers: tuple[EngineerKpi, ...] = field(default_factory=tuple)
    total: EngineerKpi | None = None

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        data["engineers"] = [line.as_json() for line in self.engineers]
        if self.total is not None:
            total = self.total.as_json()
            del total["engineer"]
            data["total"] = total
        return data


def report(month: date, zone: str, start: datetime, end: datetime, tallies: dict[str, Tally]) -> KpiReport:
    """The report from each engineer's tally (engineers without a ticket come with an empty one)."""
    names = sorted(tallies)
    total = sum((tallies[n] for n in names), Tally())
    return KpiReport(
        f"{month:%Y-%m}",
        zone,
        start,
        end,
        tuple(EngineerKpi.of(n, tallies[n]) for n in names),
        EngineerKpi.of("", total),
    )
