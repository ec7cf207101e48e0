"""Read queries of swaps, customer consents and removed parts in custody (the DB-API read path)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dcmaint.domain.swaps import Consent, CustodyLine, SwapRecord
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.store.queries import site as site_named
from dcmaint.store.reader import Reader, as_date, as_datetime

_SWAP_SELECT = """
SELECT w.id, s.name, d.name, w.kind || ':' || w.location, i.serial, i.part_number, w.fit,
       CASE WHEN c.id IS NULL THEN NULL ELSE c.document_ref END, c.agreed_by, c.agreed_on, fs.name,
       r.serial, r.part_number, r.custody_location, w.ticket, w.technician, w.swapped_at,
       w.fault_id,
       w.verification, w.verified_at, w.verify_message
FROM swaps w JOIN devices d ON d.id = w.device_id JOIN sites s ON s.id = d.site_id
JOIN stock_units i ON i.id = w.installed_unit_id JOIN sites fs ON fs.id = w.from_site_id
LEFT JOIN stock_units r ON r.id = w.removed_unit_id LEFT JOIN consents c ON c.id = w.consent_id
"""


def _swap(row: Sequence[Any]) -> SwapRecord:
    (swap_id, site, device, slot, serial, number, fit, reference, who, when, from_site, removed, removed_number,
     kept, ticket, technician, swapped_at, fault_id, verification, verified_at, message) = row
    consent = f"{reference} ({who}, {as_date(when)})" if reference else None
    return SwapRecord(swap_id, site, device, slot, serial, number, fit, consent, from_site, removed, removed_number,
                      kept, ticket, technician, as_datetime(swapped_at), fault_id, verification,
                      as_datetime(verified_at) if verified_at is not None else None, message)


def swaps(reader: Reader, site: str | None = None, device: str | None = None, ticket: str | None = None
          ) -> list[SwapRecord]:
    clauses, params = [], {}
    if site is not None:
        site_named(reader, site)
        clauses.append("s.name = :site")
        params["site"] = site
    if device is not None:
        clauses.append("d.name = :device")
        params["device"] = device
    if ticket is not None:
        clauses.append("w.ticket = :ticket")
        params["ticket"] = ticket
    where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
    return [_swap(r) for r in reader.rows(_SWAP_SELECT + where + "ORDER BY w.swapped_at, w.id", params)]


def swap(reader: Reader, swap_id: int) -> SwapRecord:
    found = reader.one(_SWAP_SELECT + "WHERE w.id = :id", {"id": swap_id})
    if found is None:
        raise NotFound(_("unknown swap {id}").format(id=swap_id))
    return _swap(found)


_CUSTODY_SELECT = """
SELECT s.name, u.serial, u.part_number, u.condition, d.name, u.slot, w.swapped_at, w.ticket, u.custody_location,
       h.received_by, h.handed_at, h.document_ref
FROM stock_units u JOIN sites s ON s.id = u.site_id LEFT JOIN devices d ON d.id = u.device_id
LEFT JOIN swaps w ON w.removed_unit_id = u.id LEFT JOIN handovers h ON h.id = u.handover_id
WHERE u.status = 'removed'
"""


def custody(reader: Reader, site: str | None = None, include_handed_over: bool = False) -> list[CustodyLine]:
    """Removed parts still on site (and, when asked, those already handed to the customer)."""
    sql, params = _CUSTODY_SELECT, {}
    if site is not None:
        site_named(reader, site)
        sql += " AND s.name = :site"
        params["site"] = site
    if not include_handed_over:
        sql += " AND u.handover_id IS NULL"
    rows = reader.rows(sql + " ORDER BY s.name, w.swapped_at, u.id", params)
    return [CustodyLine(site_name, serial, number, condition, device, slot,
                        as_datetime(removed) if removed is not None else None, ticket, kept, taker,
                        as_datetime(handed) if handed is not None else None, receipt)
            for site_name, serial, number, condition, device, slot, removed, ticket, kept, taker, handed, receipt
            in rows]


def consents(reader: Reader, site: str | None = None) -> list[Consent]:
    sql = ("SELECT c.id, s.name, p.part_number, q.part_number, d.name, c.agreed_by, c.agreed_on, c.document_ref, "
           "c.notes FROM consents c JOIN sites s ON s.id = c.site_id JOIN parts p ON p.id = c.part_id "
           "JOIN parts q ON q.id = c.substitute_id LEFT JOIN devices d ON d.id = c.device_id")
    params = {}
    if site is not None:
        site_named(reader, site)
        sql += " WHERE s.name = :site"
        params["site"] = site
    return [Consent(*r[:6], as_date(r[6]), *r[7:]) for r in reader.rows(sql + " ORDER BY s.name, c.agreed_on, c.id",
                                                                          params)]
