"""``ticket show`` for people: the ticket's facts with times in its site's zone, and its SLA in one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dcmaint.domain.records import Record
from dcmaint.domain.sla import SlaState, format_duration
from dcmaint.domain.tickets import TicketDetail, TicketLine
from dcmaint.i18n import _


@dataclass(frozen=True)
class ShownTicket(Record):
    """A ``ticket list`` line as the table shows it: local time, one SLA figure, devices joined."""

    ref: str
    site: str
    state: str
    severity: str
    devices: str
    assignee: str | None
    reported_at: str
    sla: str
    sla_left: str
    summary: str


def table_line(line: TicketLine, zone: str) -> ShownTicket:
    left = "-" + format_duration(line.sla_breached_by) if line.sla_breached_by else format_duration(line.sla_remaining)
    return ShownTicket(
        line.ref,
        line.site,
        line.state,
        line.severity,
        ", ".join(line.devices),
        line.assignee,
        local_time(line.reported_at, zone),
        line.sla,
        left,
        line.summary,
    )


def sla_line(ticket: TicketDetail) -> str:
    zone = ZoneInfo(ticket.timezone)
    state = SlaState(ticket.sla)
    paused = _(" ({paused} paused)").format(paused=format_duration(ticket.sla_paused)) if ticket.sla_paused else ""
    if state is SlaState.NOT_STARTED:
        text = _("not started: the clock starts with `dcmaint ticket start`")
    elif state is SlaState.MET:
        text = _("met: restored in {elapsed}").format(elapsed=format_duration(ticket.sla_elapsed))
    elif state is SlaState.BREACHED:
        text = _("breached by {over}").format(over=format_duration(ticket.sla_breached_by))
    elif state is SlaState.PAUSED:
        text = _("paused, {left} left").format(left=format_duration(ticket.sla_remaining))
    else:
        assert ticket.sla_due_at is not None
        text = _("running, {left} left (due {due})").format(
            left=format_duration(ticket.sla_remaining), due=_local(ticket.sla_due_at, zone)
        )
    return _("{hours}h target: {state}").format(hours=ticket.sla_hours, state=text) + paused


def local_time(value: datetime, zone: str) -> str:
    """A time as people at the site read it (tables only; JSON keeps UTC)."""
    return _local(value, ZoneInfo(zone))


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    from dcmaint.cli.output import table_time

    return table_time(value, zone.key) if value is not None else ""


def summary(ticket: TicketDetail) -> str:
    from dcmaint.cli.output import table

    zone = ZoneInfo(ticket.timezone)
    rows = [
        (_("Ticket"), ticket.ref),
        (_("Site"), ticket.site),
        (_("State"), ticket.state),
        (_("Next steps"), ", ".join(ticket.allowed)),
        (_("Severity"), ticket.severity),
        (_("Source"), ticket.source),
        (_("Caller"), " ".join(p for p in (ticket.caller, ticket.contact) if p)),
        (_("Devices"), ", ".join(ticket.devices)),
        (_("Fault"), ticket.description),
        (_("Engineer"), ticket.assignee or ""),
        (_("Handling"), ticket.handling or ""),
        (_("Reported"), _local(ticket.reported_at, zone)),
        (_("Started"), _local(ticket.started_at, zone)),
        (_("Restored"), _local(ticket.restored_at, zone)),
        (_("SLA"), sla_line(ticket)),
        (_("Actions"), ticket.actions or ""),
        (
            _("Time spent"),
            f"{ticket.time_spent_minutes // 60}h{ticket.time_spent_minutes % 60:02d}m"
            if ticket.time_spent_minutes is not None
            else "",
        ),
        (_("Signed by"), " ".join(p for p in (ticket.signed_by, _local(ticket.signed_at, zone)) if p)),
        (_("Score"), str(ticket.score) if ticket.score is not None else ""),
        (_("Comment"), ticket.comment or ""),
        (_("Verified by"), " ".join(p for p in (ticket.verified_by, _local(ticket.verified_at, zone)) if p)),
        (_("Times in"), ticket.timezone),
    ]
    return table(rows, tablefmt="plain")
