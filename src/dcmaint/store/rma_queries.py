"""What ``rma list``, ``rma show`` and ``ticket show`` read: RMAs with their site, unit, ticket and loaners.

Plain SQL over :class:`~dcmaint.store.reader.Rows`, so that a read and a write (which answers with the RMA as
it now stands) build the same records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dcmaint.store.reader import Row, Rows, as_date, as_datetime

_SELECT = """
SELECT r.id, r.ref, r.number, s.name AS site, s.timezone, r.vendor, r.unit_kind, d.name AS device,
       u.serial AS part_serial, u.part_number, u.custody_location, r.serial, r.returned_serial, r.state,
       t.ref AS ticket, r.reason, r.opened_at, r.target_date, r.shipped_at, r.carrier, r.tracking, r.received_at,
       r.closed_at,
       (SELECT ld.name FROM rma_loaners l JOIN devices ld ON ld.id = l.device_id
         WHERE l.rma_id = r.id AND l.removed_at IS NULL) AS loaner
  FROM rmas r
  JOIN sites s ON s.id = r.site_id
  LEFT JOIN devices d ON d.id = r.device_id
  LEFT JOIN stock_units u ON u.id = r.stock_unit_id
  LEFT JOIN tickets t ON t.id = r.ticket_id
"""


@dataclass(frozen=True)
class RmaData:
    """One RMA as stored, with the names it refers to."""

    id: int
    ref: str
    number: str | None
    site: str
    timezone: str
    vendor: str
    unit_kind: str
    device: str | None
    part_serial: str | None
    part_number: str | None
    custody: str | None
    serial: str | None
    returned_serial: str | None
    state: str
    ticket: str | None
    reason: str | None
    opened_at: datetime
    target_date: date | None
    shipped_at: datetime | None
    carrier: str | None
    tracking: str | None
    received_at: datetime | None
    closed_at: datetime | None
    loaner: str | None


@dataclass(frozen=True)
class LoanerData:
    device: str
    serial: str
    vendor: str | None
    model: str | None
    installed_at: datetime
    removed_at: datetime | None


def _opt(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None


def _data(row: Row) -> RmaData:
    return RmaData(
        id=row["id"],
        ref=row["ref"],
        number=row["number"],
        site=row["site"],
        timezone=row["timezone"],
        vendor=row["vendor"],
        unit_kind=row["unit_kind"],
        device=row["device"],
        part_serial=row["part_serial"],
        part_number=row["part_number"],
        custody=row["custody_location"],
        serial=row["serial"],
        returned_serial=row["returned_serial"],
        state=row["state"],
        ticket=row["ticket"],
        reason=row["reason"],
        opened_at=as_datetime(row["opened_at"]),
        target_date=as_date(row["target_date"]),
        shipped_at=_opt(row["shipped_at"]),
        carrier=row["carrier"],
        tracking=row["tracking"],
        received_at=_opt(row["received_at"]),
        closed_at=_opt(row["closed_at"]),
        loaner=row["loaner"],
    )


def rmas(rows: Rows, site: str | None = None, states: tuple[str, ...] = (), ticket: str | None = None) -> list[RmaData]:
    """RMAs, oldest first, of one site, in some states, or of one ticket."""
    where, params = [], {}
    if site is not None:
        where.append("s.name = :site")
        params["site"] = site
    if states:
        names = {f"state{i}": state for i, state in enumerate(states)}
        where.append(f"r.state IN ({', '.join(':' + key for key in names)})")
        params.update(names)
    if ticket is not None:
        where.append("t.ref = :ticket")
        params["ticket"] = ticket
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.opened_at, r.id"
    return [_data(row) for row in rows.rows(sql, params)]


def rma(rows: Rows, rma_id: int) -> RmaData:
    """One RMA by its row id (a caller found it by reference or vendor number)."""
    return _data(rows.rows(_SELECT + " WHERE r.id = :id", {"id": rma_id})[0])


def find_ids(rows: Rows, text: str) -> list[int]:
    """The RMAs a user's word names: our reference (any case), else the vendor's RMA number."""
    found = rows.rows("SELECT id FROM rmas WHERE ref = :ref", {"ref": text.strip().upper()})
    if not found:
        found = rows.rows("SELECT id FROM rmas WHERE number = :number ORDER BY id", {"number": text.strip()})
    return [row["id"] for row in found]


def loaners(rows: Rows, rma_id: int) -> list[LoanerData]:
    sql = (
        "SELECT name, serial, vendor, model, installed_at, removed_at FROM rma_loaners WHERE rma_id = :id "
        "ORDER BY installed_at, id"
    )
    return [
        LoanerData(
            r["name"], r["serial"], r["vendor"], r["model"], as_datetime(r["installed_at"]), _opt(r["removed_at"])
        )
        for r in rows.rows(sql, {"id": rma_id})
    ]
