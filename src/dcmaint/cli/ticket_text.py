"""``ticket show`` for people: the ticket's facts with times in its site's zone, and its SLA in one line.

Coded values (state, severity, the events' steps) are in the reader's
language (:func:`dcmaint.i18n.value_label`); JSON keeps the stored ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from dcmaint.domain.records import Record
from dcmaint.domain.sla import SlaState, format_duration
from dcmaint.domain.tickets import (
    FollowupKind,
    Handling,
    PauseReason,
    Severity,
    Source,
    TicketDetail,
    TicketEvent,
    TicketLine,
    TicketState,
    TicketStep,
)
from dcmaint.i18n import _, pgettext, value_label

#: What an event's ``reason`` holds, by the event's step (others hold a name, a score or free text).
REASONS: dict[str, type[Enum]] = {
    TicketStep.LOGGED: Source,
    TicketStep.START: Handling,
    TicketStep.ESCALATE: Handling,
    TicketStep.PAUSE: PauseReason,
    TicketStep.RESTORE: SlaState,
    TicketStep.FOLLOWUP: FollowupKind,
}


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
        value_label(TicketState, line.state),
        value_label(Severity, line.severity),
        ", ".join(line.devices),
        line.assignee,
        local_time(line.reported_at, zone),
        value_label(SlaState, line.sla),
        left,
        line.summary,
    )


def event_line(event: TicketEvent, zone: str) -> TicketEvent:
    """An event as the table shows it: the site's time, its step, state and coded reason in words."""
    vocabulary = REASONS.get(event.kind)
    return replace(
        event,
        at=local_time(event.at, zone),  # type: ignore[arg-type]  # a table cell
        kind=value_label(TicketStep, event.kind),
        state_to=value_label(TicketState, event.state_to),
        reason=value_label(vocabulary, event.reason) if vocabulary else event.reason,
    )


def next_steps(actions: Sequence[str]) -> str:
    """The moves a ticket allows, each with the command that makes it when the reader's word differs."""
    words = []
    for action in actions:
        word = value_label(TicketStep, action)
        words.append(action if word == action else _("{step} ({command})").format(step=word, command=action))
    return pgettext("list separator", ", ").join(words)


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


def plans_line(ticket: TicketDetail) -> str:
    """The emergency plans of the ticket's systems: "hq/ups-on-battery (UPS on battery; last drill 2026-05-01 ok)"."""
    from dcmaint.domain.emergency import DrillResult

    zone = ZoneInfo(ticket.timezone)
    said = []
    for plan in ticket.emergency_plans:
        drill = (
            _("last drill {when} {result}").format(
                when=_local(plan.last_drill, zone), result=value_label(DrillResult, plan.last_result)
            )
            if plan.last_drill is not None
            else _("not drilled yet")
        )
        said.append(f"{plan.plan} ({plan.title}; {drill})")
    return "\n".join(said)


def summary(ticket: TicketDetail) -> str:
    from dcmaint.cli.output import table

    zone = ZoneInfo(ticket.timezone)
    rows = [
        (_("Ticket"), ticket.ref),
        (_("Site"), ticket.site),
        (_("State"), value_label(TicketState, ticket.state)),
        (_("Next steps"), next_steps(ticket.allowed)),
        (_("Severity"), value_label(Severity, ticket.severity)),
        (_("Source"), value_label(Source, ticket.source)),
        (_("Caller"), " ".join(p for p in (ticket.caller, ticket.contact) if p)),
        (_("Devices"), ", ".join(ticket.devices)),
        (_("Fault"), ticket.description),
        (_("Engineer"), ticket.assignee or ""),
        (_("Handling"), value_label(Handling, ticket.handling)),
        (_("Reported"), _local(ticket.reported_at, zone)),
        (_("Started"), _local(ticket.started_at, zone)),
        (_("Restored"), _local(ticket.restored_at, zone)),
        (_("SLA"), sla_line(ticket)),
        (_("Actions"), ticket.actions or ""),
        (
            _("Time spent"),
            format_duration(timedelta(minutes=ticket.time_spent_minutes))
            if ticket.time_spent_minutes is not None
            else "",
        ),
        (_("Signed by"), " ".join(p for p in (ticket.signed_by, _local(ticket.signed_at, zone)) if p)),
        (_("Score"), str(ticket.score) if ticket.score is not None else ""),
        (_("Comment"), ticket.comment or ""),
        (_("Verified by"), " ".join(p for p in (ticket.verified_by, _local(ticket.verified_at, zone)) if p)),
        (_("RMAs"), ", ".join(ticket.rmas)),
        (_("Emergency plans"), plans_line(ticket)),
        (_("Times in"), ticket.timezone),
    ]
    return table(rows, tablefmt="plain")
