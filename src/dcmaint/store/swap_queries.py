"""Read queries of swaps, customer consents and removed parts in custody (the DB-API read path)."""

from __future__ import annotations

from dcmaint.domain.swaps import Consent, CustodyLine, SwapRecord
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.store.queries import site as site_named
from dcmaint.store.reader import Reader, Row, as_date, as_datetime

_SWAP_SELECT = """
SELECT w.id, s.name AS site, d.name AS device, w.kind || ':' || w.location AS slot, i.serial AS spare_serial,
       i.part_number, w.fit, c.document_ref AS consent_ref, c.agreed_by AS consent_by, c.agreed_on AS consent_on,
       fs.name AS from_site, r.serial AS removed_serial, r.part_number AS removed_part_number, r.custody_location,
       w.ticket, w.technician, w.swapped_at, w.fault_id, w.verification, w.verified_at, w.verify_message
FROM swaps w JOIN devices d ON d.id = w.device_id JOIN sites s ON s.id = d.site_id
JOIN stock_units i ON i.id = w.installed_unit_id JOIN sites fs ON fs.id = w.from_site_id
LEFT JOIN stock_units r ON r.id = w.removed_unit_id LEFT JOIN consents c ON c.id = w.consent_id
"""


def _swap(row: Row) -> SwapRecord:
    reference, verified_at = row["consent_ref"], row["verified_at"]
    consent = f"{reference} ({row['consent_by']}, {as_date(row['consent_on'])})" if reference else None
    return SwapRecord(
        id=row["id"],
        site=row["site"],
        device=row["device"],
        slot=row["slot"],
        spare_serial=row["spare_serial"],
        part_number=row["part_number"],
        fit=row["fit"],
        consent=consent,
        from_site=row["from_site"],
        removed_serial=row["removed_serial"],
        removed_part_number=row["removed_part_number"],
        custody_location=row["custody_location"],
        ticket=row["ticket"],
        technician=row["technician"],
        swapped_at=as_datetime(row["swapped_at"]),
        fault_id=row["fault_id"],
        verification=row["verification"],
        verified_at=as_datetime(verified_at) if verified_at is not None else None,
        verify_message=row["verify_message"],
    )


def swaps(
    reader: Reader, site: str | None = None, device: str | None = None, ticket: str | None = None
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
SELECT s.name AS site, u.serial, u.part_number, u.condition, d.name AS device, u.slot, w.swapped_at, w.ticket,
       u.custody_location, h.received_by, h.handed_at, h.document_ref
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
    return [
        CustodyLine(
            site=r["site"],
            serial=r["serial"],
            part_number=r["part_number"],
            condition=r["condition"],
            device=r["device"],
            slot=r["slot"],
            removed_at=as_datetime(r["swapped_at"]) if r["swapped_at"] is not None else None,
            ticket=r["ticket"],
            kept_at=r["custody_location"],
            handed_to=r["received_by"],
            handed_at=as_datetime(r["handed_at"]) if r["handed_at"] is not None else None,
            receipt=r["document_ref"],
        )
        for r in rows
    ]


def consents(reader: Reader, site: str | None = None) -> list[Consent]:
    sql = (
        "SELECT c.id, s.name AS site, p.part_number, q.part_number AS substitute, d.name AS device, c.agreed_by, "
        "c.agreed_on, c.document_ref, c.notes FROM consents c JOIN sites s ON s.id = c.site_id "
        "JOIN parts p ON p.id = c.part_id "
        "JOIN parts q ON q.id = c.substitute_id LEFT JOIN devices d ON d.id = c.device_id"
    )
    params = {}
    if site is not None:
        site_named(reader, site)
        sql += " WHERE s.name = :site"
        params["site"] = site
    return [
        Consent(
            id=r["id"],
            site=r["site"],
            part_number=r["part_number"],
            substitute=r["substitute"],
            device=r["device"],
            agreed_by=r["agreed_by"],
            agreed_on=as_date(r["agreed_on"]),
            document_ref=r["document_ref"],
            notes=r["notes"],
        )
        for r in reader.rows(sql + " ORDER BY s.name, c.agreed_on, c.id", params)
    ]
