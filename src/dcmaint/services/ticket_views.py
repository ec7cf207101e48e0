"""What ``ticket list``, ``ticket show`` and ``ticket form`` read: tickets with their SLA reading, events, pauses
and parts (writes: :mod:`dcmaint.services.tickets`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from dcmaint.domain.tickets import TicketDetail, TicketLine, TicketState, allowed
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services import emergency_views, rma_views
from dcmaint.services.context import Context
from dcmaint.services.zones import site_zones
from dcmaint.store import ticket_queries
from dcmaint.store.reader import Reader
from dcmaint.store.ticket_queries import TicketFilter

__all__ = ["TicketFilter", "TicketList", "detail", "listing"]


@dataclass(frozen=True)
class TicketList:
    """The tickets a filter selects, and the time zone of each site, for showing times as the site reads them."""

    lines: list[TicketLine]
    zones: dict[str, str]


def listing(context: Context, where: TicketFilter | None = None, now: datetime | None = None) -> TicketList:
    """The tickets ``where`` selects (without one: all but closed ones), with their SLA readings at ``now`` (entry
    point)."""
    where = where or TicketFilter()
    if where.limit is not None and where.limit < 1:
        raise UsageError(_("invalid limit {value!r}: must be at least 1").format(value=where.limit))
    with context.read() as reader:
        lines = ticket_queries.tickets(reader, where, now)
        zones = site_zones(reader)
    return TicketList(lines, zones)


def detail(context: Context, ref: str, now: datetime | None = None) -> TicketDetail:
    """One ticket with its SLA reading at ``now``, its events and pauses (entry point)."""
    with context.read() as reader:
        return _detail(reader, ref, now)


def _detail(reader: Reader, ref: str, now: datetime | None) -> TicketDetail:
    now = now or datetime.now(UTC)
    row = ticket_queries.ticket_row(reader, ref)
    reading = ticket_queries.reading(reader, row, now)
    found = ticket_queries.ticket_devices(reader, row.id)
    devices = tuple(d.name for d in found)
    return TicketDetail(
        row.ref,
        row.site,
        row.timezone,
        row.state,
        row.source,
        row.severity,
        row.caller,
        row.contact,
        devices,
        row.description,
        row.assignee,
        row.handling,
        row.fault_id,
        row.reported_at,
        row.started_at,
        row.restored_at,
        row.sla_hours,
        reading.state.value,
        reading.elapsed,
        reading.paused,
        reading.remaining,
        reading.breached_by,
        reading.due_at,
        row.actions,
        row.time_spent_minutes,
        row.signed_by,
        row.signed_at,
        row.score,
        row.comment,
        row.signature is not None,
        row.verified_by,
        row.verified_at,
        row.closed_at,
        tuple(allowed(TicketState(row.state))),
        tuple(ticket_queries.pauses(reader, row.id)),
        tuple(ticket_queries.events(reader, row.id)),
        rma_views.of_ticket(reader, row.ref),
        emergency_views.for_ticket(reader, row.site, tuple(d.kind for d in found)),
    )
