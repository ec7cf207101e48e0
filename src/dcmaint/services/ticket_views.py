"""What ``ticket show`` and ``ticket form`` read: one ticket with its SLA reading, events, pauses and parts."""

from __future__ import annotations

from datetime import datetime, timezone

from dcmaint.domain.tickets import TicketDetail, TicketState, allowed
from dcmaint.store import ticket_queries
from dcmaint.store.reader import Reader


def detail(reader: Reader, ref: str, now: datetime | None = None) -> TicketDetail:
    now = now or datetime.now(timezone.utc)
    row = ticket_queries.ticket_row(reader, ref)
    reading = ticket_queries.reading(reader, row, now)
    devices = tuple(d.name for d in ticket_queries.ticket_devices(reader, row.id))
    return TicketDetail(
        row.ref, row.site, row.timezone, row.state, row.source, row.severity, row.caller, row.contact, devices, row.description,
        row.assignee, row.handling, row.fault_id, row.reported_at, row.started_at, row.restored_at, row.sla_hours,
        reading.state.value, reading.elapsed, reading.paused, reading.remaining, reading.breached_by,
        reading.due_at, row.actions, row.time_spent_minutes, row.signed_by, row.signed_at, row.score, row.comment,
        row.signature is not None, row.verified_by, row.verified_at, row.closed_at,
        tuple(allowed(TicketState(row.state))),
        tuple(ticket_queries.pauses(reader, row.id)),
        tuple(ticket_queries.events(reader, row.id)))
