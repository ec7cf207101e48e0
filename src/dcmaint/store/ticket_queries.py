"""Read queries of tickets (the DB-API read path): lists with their filters, one ticket in full, monthly KPIs.

``--breaching-within`` and ``--breached`` read the ticket row's ``sla_due_at``,
``sla_met`` and ``sla_elapsed_seconds`` (written from
:func:`dcmaint.domain.sla.measure` by every ticket step); ``--breaching-within``
is an index range scan on a million tickets. Everything
shown of a ticket's SLA (state, time left, due time, elapsed and paused time)
is ``measure`` of the ticket's recorded pauses at the moment of reading: no
view derives it another way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from dcmaint.domain.sla import Reading, measure, ticket_clock
from dcmaint.domain.tickets import Pause, TicketEvent, TicketLine
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.store.queries import site as site_named
from dcmaint.store.reader import Reader, Row, as_datetime


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
SELECT t.id, t.ref, s.name AS site, t.state, t.severity, t.source, st.name AS assignee, t.description,
       t.reported_at, t.started_at, t.restored_at, t.sla_hours
FROM tickets t JOIN sites s ON s.id = t.site_id LEFT JOIN staff st ON st.id = t.assignee_id
"""


def _opt(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None


def _chunks(ids: Sequence[int]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``IN (...)`` marks and parameters for ids, 500 at a time (SQLite's parameter limit is far above)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield ", ".join(f":i{i}" for i in range(len(chunk))), {f"i{i}": v for i, v in enumerate(chunk)}


def _pause_spans(reader: Reader, ids: Sequence[int]) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """Every recorded pause of the tickets, by ticket: what their clocks are measured with."""
    found: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for marks, params in _chunks(ids):
        for row in reader.rows(
            f"SELECT ticket_id, started_at, ended_at FROM ticket_pauses WHERE ticket_id IN ({marks})", params
        ):
            found.setdefault(row["ticket_id"], []).append((as_datetime(row["started_at"]), _opt(row["ended_at"])))
    return found


def _reading(row: Row, spans: dict[int, list[tuple[datetime, datetime | None]]], now: datetime) -> Reading:
    clock = ticket_clock(row["sla_hours"], _opt(row["started_at"]), _opt(row["restored_at"]), spans.get(row["id"], ()))
    return measure(clock, now)


def _summary(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 80 else line[:79] + "…"


def _devices(reader: Reader, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    for marks, params in _chunks(ids):
        for row in reader.rows(
            f"SELECT td.ticket_id, d.name FROM ticket_devices td JOIN devices d ON d.id = td.device_id "
            f"WHERE td.ticket_id IN ({marks}) ORDER BY d.name",
            params,
        ):
            found.setdefault(row["ticket_id"], []).append(row["name"])
    return {k: tuple(v) for k, v in found.items()}


def _line(row: Row, devices: dict[int, tuple[str, ...]], reading: Reading) -> TicketLine:
    return TicketLine(
        ref=row["ref"],
        site=row["site"],
        state=row["state"],
        severity=row["severity"],
        source=row["source"],
        devices=devices.get(row["id"], ()),
        assignee=row["assignee"],
        summary=_summary(row["description"]),
        reported_at=as_datetime(row["reported_at"]),
        started_at=_opt(row["started_at"]),
        restored_at=_opt(row["restored_at"]),
        sla=reading.state.value,
        sla_remaining=reading.remaining,
        sla_breached_by=reading.breached_by,
        sla_due_at=reading.due_at,
    )


def tickets(reader: Reader, where: TicketFilter = TicketFilter(), now: datetime | None = None) -> list[TicketLine]:
    now = now or datetime.now(UTC)
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
        clauses.append(
            "t.id IN (SELECT td.ticket_id FROM ticket_devices td JOIN devices d ON d.id = td.device_id "
            "WHERE d.name = :device)"
        )
        params["device"] = where.device
    if where.breaching_within is not None:
        clauses.append("t.sla_due_at <= :due_before")  # NULL (not running) never matches
        params["due_before"] = reader.timestamp(now + where.breaching_within)
    if where.breached:  # restored late, running past its due time, or paused after the target was used up
        clauses.append(
            "(t.sla_met = :false OR (t.restored_at IS NULL AND (t.sla_due_at < :now OR "
            "(t.paused_since IS NOT NULL AND t.sla_elapsed_seconds > t.sla_hours * 3600))))"
        )
        params.update({"false": False, "now": reader.timestamp(now)})
    if where.reported_from is not None:
        clauses.append("t.reported_at >= :from_")
        params["from_"] = reader.timestamp(where.reported_from)
    if where.reported_until is not None:
        clauses.append("t.reported_at < :until")
        params["until"] = reader.timestamp(where.reported_until)
    sql = _LINE + (" WHERE " + " AND ".join(clauses) if clauses else "")
    breaching = where.breaching_within is not None
    sql += " ORDER BY t.sla_due_at, t.id" if breaching else " ORDER BY t.reported_at DESC, t.id DESC"
    if where.limit is not None:
        sql += f" LIMIT {int(where.limit)}"
    rows = reader.rows(sql, params)
    ids = [r["id"] for r in rows]
    devices, spans = _devices(reader, ids), _pause_spans(reader, ids)
    return [_line(r, devices, _reading(r, spans, now)) for r in rows]


_DETAIL = """
SELECT t.id, t.ref, s.name AS site, s.timezone, t.state, t.source, t.caller, t.contact, t.severity, t.description,
       st.name AS assignee, t.handling, t.fault_id, t.reported_at, t.created_at, t.started_at, t.restored_at,
       t.sla_hours, t.actions, t.time_spent_minutes, t.signed_by, t.signed_at, t.score, t.comment, t.signature,
       t.verified_by, t.verified_at, t.closed_at, s.customer, s.address AS site_address, s.contract_no
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
    signature = row["signature"]
    return TicketRowData(
        id=row["id"],
        ref=row["ref"],
        site=row["site"],
        timezone=row["timezone"],
        state=row["state"],
        source=row["source"],
        caller=row["caller"],
        contact=row["contact"],
        severity=row["severity"],
        description=row["description"],
        assignee=row["assignee"],
        handling=row["handling"],
        fault_id=row["fault_id"],
        reported_at=as_datetime(row["reported_at"]),
        created_at=as_datetime(row["created_at"]),
        started_at=_opt(row["started_at"]),
        restored_at=_opt(row["restored_at"]),
        sla_hours=row["sla_hours"],
        actions=row["actions"],
        time_spent_minutes=row["time_spent_minutes"],
        signed_by=row["signed_by"],
        signed_at=_opt(row["signed_at"]),
        score=row["score"],
        comment=row["comment"],
        signature=bytes(signature) if signature is not None else None,
        verified_by=row["verified_by"],
        verified_at=_opt(row["verified_at"]),
        closed_at=_opt(row["closed_at"]),
        customer=row["customer"],
        site_address=row["site_address"],
        contract_no=row["contract_no"],
    )


def reading(reader: Reader, row: TicketRowData, now: datetime) -> Reading:
    """Where the ticket's SLA clock stands at ``now``: :func:`dcmaint.domain.sla.measure` of its recorded pauses."""
    spans = _pause_spans(reader, [row.id]).get(row.id, ())
    return measure(ticket_clock(row.sla_hours, row.started_at, row.restored_at, spans), now)


def events(reader: Reader, ticket_id: int) -> list[TicketEvent]:
    return [
        TicketEvent(
            at=as_datetime(r["at"]),
            actor=r["actor"],
            kind=r["kind"],
            state_from=r["state_from"],
            state_to=r["state_to"],
            reason=r["reason"],
            note=r["note"],
        )
        for r in reader.rows(
            "SELECT at, actor, kind, state_from, state_to, reason, note FROM ticket_events "
            "WHERE ticket_id = :id ORDER BY at, id",
            {"id": ticket_id},
        )
    ]


def pauses(reader: Reader, ticket_id: int) -> list[Pause]:
    return [
        Pause(reason=r["reason"], started_at=as_datetime(r["started_at"]), ended_at=_opt(r["ended_at"]), note=r["note"])
        for r in reader.rows(
            "SELECT reason, started_at, ended_at, note FROM ticket_pauses WHERE ticket_id = :id ORDER BY started_at",
            {"id": ticket_id},
        )
    ]


@dataclass(frozen=True)
class TicketDevice:
    """A device on a ticket, as the form lists it."""

    name: str
    kind: str
    vendor: str | None
    model: str | None
    serial: str | None
    location: str | None  # room / rack / U, joined


def ticket_devices(reader: Reader, ticket_id: int) -> list[TicketDevice]:
    """The devices on the ticket, by name."""
    found = []
    for r in reader.rows(
        "SELECT d.name, d.kind, d.vendor, d.model, d.serial, d.room, d.rack, d.rack_unit FROM ticket_devices td "
        "JOIN devices d ON d.id = td.device_id WHERE td.ticket_id = :id ORDER BY d.name",
        {"id": ticket_id},
    ):
        unit = r["rack_unit"]
        location = " / ".join(p for p in (r["room"], r["rack"], f"U{unit}" if unit else None) if p) or None
        found.append(
            TicketDevice(
                name=r["name"],
                kind=r["kind"],
                vendor=r["vendor"],
                model=r["model"],
                serial=r["serial"],
                location=location,
            )
        )
    return found
