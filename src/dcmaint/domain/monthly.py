"""The monthly service report's figures for one site: pure arithmetic over what the store read.

What the customer's month was: the tickets reported in it (by device class
and by how they came in), the restorations in it against the SLA with every
breach named, the mean time to restore, the customer's scores, the parts
swapped and the removed parts handed over, what was still open when the
month ended, and a trend over the last six months. The month's bounds are
the site's local calendar month (``kpi.month_bounds`` in the site's zone),
so a call at 23:30 Beijing time on the 31st is that month's.

Every SLA verdict is :func:`dcmaint.domain.sla.measure` of the ticket's
recorded pauses, the one clock every view uses: a ticket restored in the
month is measured at its restoration; a ticket still open at the month's
end is measured *as it stood then* (a later start, restoration or pause end
is not yet known at that instant), so reprinting October's report in
December says what October's end looked like, not what December knows.

"Class" is the kind of the ticket's devices (server, storage, UPS...): a
ticket on devices of two kinds counts once in each, and one without a
device counts under ``NO_DEVICE``; the sources are the ticket's (phone,
e-mail, inspection, monitoring).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dcmaint.domain.levels import LevelLine
from dcmaint.domain.sla import Reading, SlaState, measure, ticket_clock

NO_DEVICE = ""  # the class of a ticket without a device
TREND_MONTHS = 6


@dataclass(frozen=True)
class TicketFacts:
    """One ticket of the site as the report needs it, with its recorded pauses."""

    ref: str
    source: str
    severity: str
    state: str
    kinds: tuple[str, ...]  # the distinct kinds of its devices, sorted; empty without a device
    devices: tuple[str, ...]
    reported_at: datetime
    started_at: datetime | None
    restored_at: datetime | None
    signed_at: datetime | None
    sla_hours: int
    score: int | None
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()


@dataclass(frozen=True)
class SwapFact:
    swapped_at: datetime
    device: str
    slot: str
    part_number: str
    fitted_serial: str | None
    removed_serial: str | None
    ticket: str | None


@dataclass(frozen=True)
class RemovedPart:
    """A part taken out of a device: handed over to the customer (``handed_at``) or still in custody."""

    part_number: str
    serial: str | None
    device: str | None
    removed_at: datetime | None
    handed_at: datetime | None
    received_by: str | None
    receipt: str | None


@dataclass(frozen=True)
class Breach:
    ref: str
    severity: str
    devices: tuple[str, ...]
    restored_at: datetime | None  # None: still open at the month's end, past its target
    elapsed: timedelta
    breached_by: timedelta


@dataclass(frozen=True)
class OpenTicket:
    ref: str
    severity: str
    devices: tuple[str, ...]
    reported_at: datetime
    sla: SlaState  # where its clock stood at the month's end


@dataclass(frozen=True)
class TrendPoint:
    month: str  # YYYY-MM
    reported: int
    restored: int
    breached: int


@dataclass(frozen=True)
class InspectionFact:
    """An inspection done in the month: its devices, findings, and the findings still pending afterwards."""

    run: int
    done_at: datetime  # when the engineer did it (``inspect run --at``), not when it was entered
    engineer: str | None
    score: int | None  # the site's health score (domain.health_score)
    devices: int
    findings: int
    pending: int  # findings not fixed on site: downtime to schedule, return to factory, undecided


@dataclass(frozen=True)
class PlanOverdue:
    """An inspection plan whose next date has passed when the report is made."""

    plan: int
    frequency: str
    next_on: date


@dataclass(frozen=True)
class MaintenanceDone:
    """A preventive task done in the month, and whether by its due time."""

    task: str
    names: tuple[str, str]  # the task type's name in Chinese and in English: the report is in the customer's
    done_at: datetime
    engineer: str
    on_time: bool


@dataclass(frozen=True)
class MaintenanceOverdue:
    """A preventive task past its due time when the report is made (brought forward by a fault or not)."""

    task: str
    names: tuple[str, str]  # the task type's name in Chinese and in English
    due_at: datetime
    reason: str | None  # the worn-part fault that brought it forward


@dataclass(frozen=True)
class Proactive:
    """The proactive half of the month: inspections and preventive maintenance.

    What was done is the month's; what is overdue is read when the report is made (a plan's or a task's
    due date moves on when it is done, so the store keeps no earlier state of it), and the report says so.
    """

    inspections: tuple[InspectionFact, ...] = ()
    plans_overdue: tuple[PlanOverdue, ...] = ()
    maintenance_done: tuple[MaintenanceDone, ...] = ()
    maintenance_overdue: tuple[MaintenanceOverdue, ...] = ()

    @property
    def findings(self) -> int:
        return sum(run.findings for run in self.inspections)

    @property
    def done_on_time(self) -> int:
        return sum(1 for task in self.maintenance_done if task.on_time)


@dataclass(frozen=True)
class Monthly:
    """Everything the monthly report shows, before it is worded in a language."""

    site: str
    customer: str
    contract_no: str | None
    timezone: str
    month: str  # YYYY-MM
    start: datetime  # UTC instants bounding the month in the site's zone
    end: datetime
    reported: int
    by_class: tuple[tuple[str, int], ...]  # most tickets first, then by kind
    by_source: tuple[tuple[str, int], ...]
    by_severity: tuple[tuple[str, int], ...]
    restored: int
    met: int
    breaches: tuple[Breach, ...]  # restored late in the month, then open past the target at its end
    mean_time_to_restore: timedelta | None  # handling time that counts (pauses excluded), restorations in the month
    scores: tuple[tuple[int, int], ...]  # (score, forms signed with it), 5 down to 1
    swaps: tuple[SwapFact, ...]
    handed_over: tuple[RemovedPart, ...]  # handed to the customer in the month
    in_custody: tuple[RemovedPart, ...]  # removed by the month's end, not handed over by then
    levels: tuple[LevelLine, ...]  # the depot against recommended levels, as it stands when the report is made
    open_tickets: tuple[OpenTicket, ...]
    trend: tuple[TrendPoint, ...]  # the last TREND_MONTHS months, oldest first, this one last
    proactive: Proactive = Proactive()

    @property
    def breached(self) -> int:
        """Restorations in the month that missed the target (open tickets past it are listed, not counted)."""
        return sum(1 for b in self.breaches if b.restored_at is not None)

    @property
    def met_percent(self) -> float | None:
        return round(100.0 * self.met / self.restored, 1) if self.restored else None

    @property
    def signed(self) -> int:
        return sum(count for _score, count in self.scores)

    @property
    def average_score(self) -> float | None:
        return round(sum(s * c for s, c in self.scores) / self.signed, 2) if self.signed else None

    @property
    def empty(self) -> bool:
        """Nothing happened at the site in the month and nothing was left open: the report says so."""
        return not (
            self.reported
            or self.restored
            or self.signed
            or self.swaps
            or self.handed_over
            or self.open_tickets
            or self.proactive.inspections
            or self.proactive.maintenance_done
        )


def month_starts(month: date, count: int = TREND_MONTHS) -> list[date]:
    """The first days of the ``count`` months ending with ``month``, oldest first.

    >>> [f"{m:%Y-%m}" for m in month_starts(date(2026, 2, 1), 4)]
    ['2025-11', '2025-12', '2026-01', '2026-02']
    """
    index = month.year * 12 + month.month - 1
    return [date((i // 12), i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def at_instant(ticket: TicketFacts, instant: datetime) -> Reading:
    """The ticket's SLA clock as it stood at ``instant``: what happened later is not known yet."""
    started = ticket.started_at if ticket.started_at is not None and ticket.started_at <= instant else None
    restored = ticket.restored_at if ticket.restored_at is not None and ticket.restored_at <= instant else None
    pauses = tuple(
        (begin, end if end is not None and end <= instant else None) for begin, end in ticket.pauses if begin <= instant
    )
    return measure(ticket_clock(ticket.sla_hours, started, restored, pauses), instant)


def _within(value: datetime | None, start: datetime, end: datetime) -> bool:
    return value is not None and start <= value < end


def _counted(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def monthly(
    header: tuple[str, str, str | None, str],
    periods: Sequence[tuple[date, datetime, datetime]],
    tickets: Sequence[TicketFacts],
    swaps: Sequence[SwapFact],
    removed: Sequence[RemovedPart],
    levels: Sequence[LevelLine],
    proactive: Proactive = Proactive(),
) -> Monthly:
    """The report's figures; ``periods`` are the trend's months (first day, [start, end) in UTC), the report's last.

    ``header`` is the site's name, customer, contract number and time zone.
    """
    month, start, end = periods[-1]
    reported = [t for t in tickets if _within(t.reported_at, start, end)]
    restored = [t for t in tickets if _within(t.restored_at, start, end)]
    finals = {t.ref: at_instant(t, t.restored_at) for t in restored if t.restored_at is not None}
    late = [
        Breach(t.ref, t.severity, t.devices, t.restored_at, r.elapsed, r.breached_by or timedelta(0))
        for t in restored
        if (r := finals[t.ref]).state is SlaState.BREACHED
    ]
    still_open = [t for t in tickets if t.reported_at < end and (t.restored_at is None or t.restored_at >= end)]
    open_readings = {t.ref: at_instant(t, end) for t in still_open}
    overdue = [
        Breach(t.ref, t.severity, t.devices, None, r.elapsed, r.breached_by or timedelta(0))
        for t in still_open
        if (r := open_readings[t.ref]).state is SlaState.BREACHED
    ]
    elapsed = [r.elapsed for r in finals.values()]
    scores = Counter(t.score for t in tickets if t.score is not None and _within(t.signed_at, start, end))
    name, customer, contract_no, zone = header
    return Monthly(
        site=name,
        customer=customer,
        contract_no=contract_no,
        timezone=zone,
        month=f"{month:%Y-%m}",
        start=start,
        end=end,
        reported=len(reported),
        by_class=_counted(Counter(kind for t in reported for kind in (t.kinds or (NO_DEVICE,)))),
        by_source=_counted(Counter(t.source for t in reported)),
        by_severity=_counted(Counter(t.severity for t in reported)),
        restored=len(restored),
        met=sum(1 for r in finals.values() if r.state is SlaState.MET),
        breaches=tuple(
            sorted(late, key=lambda b: (b.restored_at or end, b.ref)) + sorted(overdue, key=lambda b: b.ref)
        ),
        mean_time_to_restore=sum(elapsed, timedelta(0)) / len(elapsed) if elapsed else None,
        scores=tuple((score, scores[score]) for score in range(5, 0, -1) if scores[score]),
        swaps=tuple(sorted((s for s in swaps if _within(s.swapped_at, start, end)), key=lambda s: s.swapped_at)),
        handed_over=tuple(r for r in removed if _within(r.handed_at, start, end)),
        in_custody=tuple(
            r
            for r in removed
            if (r.removed_at is None or r.removed_at < end) and (r.handed_at is None or r.handed_at >= end)
        ),
        levels=tuple(levels),
        open_tickets=tuple(
            OpenTicket(t.ref, t.severity, t.devices, t.reported_at, open_readings[t.ref].state)
            for t in sorted(still_open, key=lambda t: (t.reported_at, t.ref))
        ),
        trend=tuple(
            TrendPoint(
                f"{first_day:%Y-%m}",
                sum(1 for t in tickets if _within(t.reported_at, first, last)),
                sum(1 for t in tickets if _within(t.restored_at, first, last)),
                sum(
                    1
                    for t in tickets
                    if _within(t.restored_at, first, last)
                    and t.restored_at is not None
                    and at_instant(t, t.restored_at).state is SlaState.BREACHED
                ),
            )
            for first_day, first, last in periods
        ),
        proactive=proactive,
    )
