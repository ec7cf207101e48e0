"""Read queries of tickets (the DB-API read path): lists with their filters, one ticket in full, monthly KPIs.

``--breaching-within`` and ``--breached`` read the ticket row's ``sla_due_at``
and ``sla_met`` (kept current by every ticket step), so they are index range
scans on a million tickets; the SLA shown for each line is computed by the
one clock, :func:`dcmaint.domain.sla.measure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from dcmaint.domain.sla import Clock, Reading, measure
from dcmaint.domain.tickets import TicketEvent, TicketLine
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.store.queries import site as site_named
from dcmaint.store.reader import Reader, as_datetime


@dataclass(frozen=True)
class TicketFilter:
    states: tuple[str, ...] = ()  # empty: every state but closed
    include_closed: bool = False
    site: str | None = None
    engineer: str | None = None
    breached: bool = False
    breaching_within: timedelta | None = None
    reported_from: datetime | None = None
    reported_until: datetime | None = None
    device: str | None = None
    limit: int | None = None


_LINE = """
SELECT t.id, t.ref, s.name, t.state, t.severity, t.source, st.name, t.description, t.reported_at, t.started_at,
       t.restored_at, t.sla_hours, t.paused_seconds, t.paused_since, t.sla_due_at
FROM tickets t JOIN sites s ON s.id = t.site_id LEFT JOIN staff st ON st.id = t.assignee_id
"""


def _opt(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None


def reading_of(started: datetime | None, restored: datetime | None, hours: int, paused_seconds: float,
               paused_since: datetime | None, now: datetime) -> Reading:
    """The SLA of a ticket row: its closed pauses summed (they all lie inside handling) and an open one."""
    pauses: list[tuple[datetime, datetime | None]] = []
    if started is not None and paused_seconds:
        pauses.append((started, started + timedelta(seconds=paused_seconds)))
    if paused_since is not None:
        pauses.append((paused_since, None))
    return measure(Clock(timedelta(hours=hours), started, restored, tuple(pauses)), now)


def _summary(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 80 else line[:79] + "…"


def _devices(reader: Reader, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join(f":i{i}" for i in range(len(chunk)))
        for ticket_id, name in reader.rows(
                f"SELECT td.ticket_id, d.name FROM ticket_devices td JOIN devices d ON d.id = td.device_id "
                f"WHERE td.ticket_id IN ({marks}) ORDER BY d.name", {f"i{i}": v for i, v in enumerate(chunk)}):
            found.setdefault(ticket_id, []).append(name)
    return {k: tuple(v) for k, v in found.items()}


def _line(row: Sequence[Any], devices: dict[int, tuple[str, ...]], now: datetime) -> TicketLine:
    (ticket_id, ref, site, state, severity, source, engineer, description, reported, started, restored, hours,
     paused_seconds, paused_since, due) = row
    reading = reading_of(_opt(started), _opt(restored), hours, paused_seconds or 0.0, _opt(paused_since), now)
    return TicketLine(ref, site, state, severity, source, devices.get(ticket_id, ()), engineer, _summary(description),
                      as_datetime(reported), _opt(started), _opt(restored), reading.state.value, reading.remaining,
                      reading.breached_by, _opt(due))


def tickets(reader: Reader, where: TicketFilter = TicketFilter(), now: datetime | None = None) -> list[TicketLine]:
    now = now or datetime.now(timezone.utc)
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if where.states:
        marks = ", ".join(f":st{i}" for i in range(len(where.states)))
        clauses.append(f"t.state IN ({marks})")
        params.update({f"st{i}": s for i, s in enumerate(where.states)})
    elif not where.include_closed and where.breaching_within is None:  # a running clock is never on a closed ticket
        clauses.append("t.state <> 'closed'")
    if where.site is not None:
        site_named(reader, where.site)
        clauses.append("s.name = :site")
        params["site"] = where.site
    if where.engineer is not None:
        if reader.one("SELECT 1 FROM staff WHERE name = :n", {"n": where.engineer}) is None:
            raise NotFound(_("unknown staff member {name!r}").format(name=where.engineer))
        clauses.append("st.name = :engineer")
        params["engineer"] = where.engineer
    if where.device is not None:
        clauses.append("t.id IN (SELECT td.ticket_id FROM ticket_devices td JOIN devices d ON d.id = td.device_id "
                       "WHERE d.name = :device)")
        params["device"] = where.device
    if where.breaching_within is not None:
        clauses.append("t.sla_due_at <= :due_before")  # NULL (not running) never matches
        params["due_before"] = reader.timestamp(now + where.breaching_within)
    if where.breached:
        clauses.append("(t.sla_met = :false OR (t.restored_at IS NULL AND t.sla_due_at < :now))")
        params.update({"false": False, "now": reader.timestamp(now)})
    if where.reported_from is not None:
        clauses.append("t.reported_at >= :from_")
        params["from_"] = reader.timestamp(where.reported_from)
    if where.reported_until is not None:
        clauses.append("t.reported_at < :until")
        params["until"] = reader.timestamp(where.reported_until)
    sql = _LINE + (" WHERE " + " AND ".join(clauses) if clauses else "")
    sql += " ORDER BY t.sla_due_at, t.id" if where.breaching_within is not None else " ORDER BY t.reported_at DESC, t.id DESC"
    if where.limit is not None:
        sql += f" LIMIT {int(where.limit)}"
    rows = reader.rows(sql, params)
    devices = _devices(reader, [r[0] for r in rows])
    return [_line(r, devices, now) for r in rows]


_DETAIL = """
SELECT t.id, t.ref, s.name, s.timezone, t.state, t.source, t.caller, t.contact, t.severity, t.description,
       st.name, t.handling, t.fault_id, t.reported_at, t.created_at, t.started_at, t.restored_at, t.sla_hours,
       t.paused_seconds, t.paused_since, t.sla_due_at, t.actions, t.time_spent_minutes, t.signed_by, t.signed_at,
       t.score, t.comment, t.signature, t.verified_by, t.verified_at, t.closed_at, s.customer, s.address,
       s.contract_no
FROM tickets t JOIN sites s ON s.id = t.site_id LEFT JOIN staff st ON st.id = t.assignee_id
WHERE t.ref = :ref
"""


@dataclass(frozen=True)
class TicketRowData:
    """One ticket row with what ``show`` and the form need, before it becomes a record."""

    id: int
    ref: str
    site: str
    timezone: str
    state: str
    source: str
    caller: str | None
    contact: str | None
    severity: str
    description: str
    assignee: str | None
    handling: str | None
    fault_id: int | None
    reported_at: datetime
    created_at: datetime
    started_at: datetime | None
    restored_at: datetime | None
    sla_hours: int
    paused_seconds: float
    paused_since: datetime | None
    sla_due_at: datetime | None
    actions: str | None
    time_spent_minutes: int | None
    signed_by: str | None
    signed_at: datetime | None
    score: int | None
    comment: str | None
    signature: bytes | None
    verified_by: str | None
    verified_at: datetime | None
    closed_at: datetime | None
    customer: str
    site_address: str | None
    contract_no: str | None


def ticket_row(reader: Reader, ref: str) -> TicketRowData:
    row = reader.one(_DETAIL, {"ref": ref.strip().upper()})
    if row is None:
        raise NotFound(_("unknown ticket {ticket!r}").format(ticket=ref))
    values = list(row)
    for index in (13, 14, 15, 16, 19, 20, 24, 29, 30):
        values[index] = _opt(values[index])
    values[18] = values[18] or 0.0
    values[27] = bytes(values[27]) if values[27] is not None else None
    return TicketRowData(*values)


def events(reader: Reader, ticket_id: int) -> list[TicketEvent]:
    return [TicketEvent(as_datetime(at), actor, kind, state_from, state_to, reason, note)
            for at, actor, kind, state_from, state_to, reason, note in reader.rows(
                "SELECT at, actor, kind, state_from, state_to, reason, note FROM ticket_events "
                "WHERE ticket_id = :id ORDER BY at, id", {"id": ticket_id})]


def pauses(reader: Reader, ticket_id: int) -> list[tuple[str, datetime, datetime | None, str | None]]:
    return [(reason, as_datetime(start), _opt(end), note) for reason, start, end, note in reader.rows(
        "SELECT reason, started_at, ended_at, note FROM ticket_pauses WHERE ticket_id = :id ORDER BY started_at",
        {"id": ticket_id})]


def ticket_devices(reader: Reader, ticket_id: int) -> list[tuple[str, str, str | None, str | None, str | None,
                                                                 str | None]]:
    """(name, kind, vendor, model, serial, location) of each device on the ticket."""
    found = []
    for name, kind, vendor, model, serial, room, rack, unit in reader.rows(
            "SELECT d.name, d.kind, d.vendor, d.model, d.serial, d.room, d.rack, d.rack_unit FROM ticket_devices td "
            "JOIN devices d ON d.id = td.device_id WHERE td.ticket_id = :id ORDER BY d.name", {"id": ticket_id}):
        location = " / ".join(p for p in (room, rack, f"U{unit}" if unit else None) if p) or None
        found.append((name, kind, vendor, model, serial, location))
    return found
