"""What the monthly service report reads (the DB-API read path): a handful of set-based statements per report.

Whatever the size of the site, a report costs five statements: the tickets
that matter to the month and its trend, their device kinds, their pauses,
the swaps of the month, and the removed parts (with their handovers) that
the month could show. Each selects by site and time range in SQL and
returns rows; nothing is read ticket by ticket. The arithmetic is
:mod:`dcmaint.domain.monthly`.

A ticket matters when it was reported before the month's end and was
reported or restored within the trend's months, was still open, or was
signed in the month (a form signed weeks after its restoration still brings
its score): the tickets of earlier years that were long closed are left in
the database.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dcmaint.domain.monthly import InspectionFact, PlanOverdue, RemovedPart, SwapFact, TicketFacts
from dcmaint.store.reader import Reader, as_date, as_datetime

_RELEVANT = """
t.site_id = :site_id AND t.reported_at < :end
AND (t.reported_at >= :since OR t.restored_at IS NULL OR t.restored_at >= :since OR t.signed_at >= :start)
"""

_TICKETS = f"""
SELECT t.id, t.ref, t.source, t.severity, t.state, t.reported_at, t.started_at, t.restored_at, t.signed_at,
       t.sla_hours, t.score
FROM tickets t WHERE {_RELEVANT}
"""

_DEVICES = f"""
SELECT td.ticket_id, d.name, d.kind
FROM tickets t JOIN ticket_devices td ON td.ticket_id = t.id JOIN devices d ON d.id = td.device_id
WHERE {_RELEVANT}
"""

_PAUSES = f"""
SELECT p.ticket_id, p.started_at, p.ended_at
FROM tickets t JOIN ticket_pauses p ON p.ticket_id = t.id
WHERE {_RELEVANT}
"""

_SWAPS = """
SELECT w.swapped_at, d.name AS device, w.kind || ':' || w.location AS slot, i.part_number, i.serial AS fitted,
       r.serial AS removed, w.ticket
FROM swaps w JOIN devices d ON d.id = w.device_id JOIN stock_units i ON i.id = w.installed_unit_id
LEFT JOIN stock_units r ON r.id = w.removed_unit_id
WHERE d.site_id = :site_id AND w.swapped_at >= :start AND w.swapped_at < :end
"""

# Removed parts the month can show: handed over in it, or still unhanded at its end (removed before it ended).
_REMOVED = """
SELECT u.part_number, u.serial, d.name AS device, w.swapped_at, h.handed_at, h.received_by, h.document_ref
FROM stock_units u LEFT JOIN devices d ON d.id = u.device_id LEFT JOIN swaps w ON w.removed_unit_id = u.id
LEFT JOIN handovers h ON h.id = u.handover_id
WHERE u.site_id = :site_id AND u.status = 'removed'
AND (h.handed_at IS NULL OR h.handed_at >= :start) AND (w.swapped_at IS NULL OR w.swapped_at < :end)
"""


def _opt(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None


def tickets(reader: Reader, site_id: int, since: datetime, start: datetime, end: datetime) -> list[TicketFacts]:
    """The site's tickets that matter to the month [start, end) and to the trend that begins at ``since``."""
    params = {
        "site_id": site_id,
        "since": reader.timestamp(since),
        "start": reader.timestamp(start),
        "end": reader.timestamp(end),
    }
    devices: dict[int, list[tuple[str, str]]] = {}
    for row in reader.rows(_DEVICES, params):
        devices.setdefault(row["ticket_id"], []).append((row["name"], row["kind"]))
    pauses: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for row in reader.rows(_PAUSES, params):
        pauses.setdefault(row["ticket_id"], []).append((as_datetime(row["started_at"]), _opt(row["ended_at"])))
    found = []
    for row in reader.rows(_TICKETS, params):
        on = devices.get(row["id"], [])
        found.append(
            TicketFacts(
                ref=row["ref"],
                source=row["source"],
                severity=row["severity"],
                state=row["state"],
                kinds=tuple(sorted({kind for _name, kind in on})),
                devices=tuple(sorted(name for name, _kind in on)),
                reported_at=as_datetime(row["reported_at"]),
                started_at=_opt(row["started_at"]),
                restored_at=_opt(row["restored_at"]),
                signed_at=_opt(row["signed_at"]),
                sla_hours=row["sla_hours"],
                score=row["score"],
                pauses=tuple(sorted(pauses.get(row["id"], []), key=lambda p: p[0])),
            )
        )
    return found


def swaps(reader: Reader, site_id: int, start: datetime, end: datetime) -> list[SwapFact]:
    """Parts swapped in the site's devices within [start, end)."""
    params = {"site_id": site_id, "start": reader.timestamp(start), "end": reader.timestamp(end)}
    return [
        SwapFact(
            swapped_at=as_datetime(r["swapped_at"]),
            device=r["device"],
            slot=r["slot"],
            part_number=r["part_number"],
            fitted_serial=r["fitted"],
            removed_serial=r["removed"],
            ticket=r["ticket"],
        )
        for r in reader.rows(_SWAPS, params)
    ]


def removed_parts(reader: Reader, site_id: int, start: datetime, end: datetime) -> list[RemovedPart]:
    """Removed parts handed over from ``start`` on, or not handed over at all, removed before ``end``."""
    params = {"site_id": site_id, "start": reader.timestamp(start), "end": reader.timestamp(end)}
    found = [
        RemovedPart(
            part_number=r["part_number"],
            serial=r["serial"],
            device=r["device"],
            removed_at=_opt(r["swapped_at"]),
            handed_at=_opt(r["handed_at"]),
            received_by=r["received_by"],
            receipt=r["document_ref"],
        )
        for r in reader.rows(_REMOVED, params)
    ]
    return sorted(found, key=lambda p: (p.handed_at or end, p.removed_at or start, p.serial or ""))


_INSPECTIONS = """
SELECT r.id, r.started_at, r.engineer, r.score,
       (SELECT COUNT(*) FROM inspection_results x WHERE x.run_id = r.id AND x.device_id IS NOT NULL) AS devices,
       (SELECT COUNT(*) FROM inspection_findings f WHERE f.run_id = r.id) AS findings,
       (SELECT COUNT(*) FROM inspection_findings f WHERE f.run_id = r.id AND f.outcome <> 'fixed') AS pending
FROM inspection_runs r
WHERE r.site_id = :site_id AND r.started_at >= :start AND r.started_at < :end
ORDER BY r.started_at, r.id
"""


def inspections(reader: Reader, site_id: int, start: datetime, end: datetime) -> list[InspectionFact]:
    """The site's inspections done in [start, end) (when the engineer did it, ``inspect run --at``), with their
    counts (one statement)."""
    params = {"site_id": site_id, "start": reader.timestamp(start), "end": reader.timestamp(end)}
    return [
        InspectionFact(
            int(r["id"]),
            as_datetime(r["started_at"]),
            r["engineer"],
            None if r["score"] is None else int(r["score"]),
            int(r["devices"]),
            int(r["findings"]),
            int(r["pending"]),
        )
        for r in reader.rows(_INSPECTIONS, params)
    ]


def plans_overdue(reader: Reader, site_id: int, today: date) -> list[PlanOverdue]:
    """The site's inspection plans whose next date is before ``today`` (the site's own date)."""
    rows = reader.rows(
        "SELECT id, frequency, next_on FROM inspection_plans WHERE site_id = :site_id AND next_on < :today "
        "ORDER BY next_on, id",
        {"site_id": site_id, "today": today.isoformat()},  # ISO dates compare as text in SQLite
    )
    found = []
    for r in rows:
        next_on = as_date(r["next_on"])
        assert next_on is not None  # a plan always has its next date
        found.append(PlanOverdue(int(r["id"]), str(r["frequency"]), next_on))
    return found
