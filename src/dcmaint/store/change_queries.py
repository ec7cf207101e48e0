"""Read queries of change requests, for :class:`~dcmaint.store.reader.Reader` and, inside a write, through
``UnitOfWork.rows``: both read a change alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dcmaint.domain.changes import ChangeDevice, ChangeRecord, reference
from dcmaint.store.reader import Rows, as_datetime

_CHANGES = (
    "SELECT c.*, s.name AS site, r.name AS requester, i.name AS implementer, "
    "rel.vendor AS rel_vendor, rel.component AS rel_component, rel.version AS rel_version "
    "FROM changes c JOIN sites s ON s.id = c.site_id JOIN staff r ON r.id = c.requested_by_id "
    "LEFT JOIN staff i ON i.id = c.implemented_by_id LEFT JOIN releases rel ON rel.id = c.release_id"
)
_DEVICES = (
    "SELECT cd.change_id, d.name, cd.version_before, cd.version_seen, cd.confirmed_at FROM change_devices cd "
    "JOIN devices d ON d.id = cd.device_id WHERE cd.change_id IN ({ids}) ORDER BY d.name"
)


def _at(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None


def changes(
    rows: Rows, *, number: int | None = None, site: str | None = None, state: str | None = None,
    device: str | None = None,
) -> list[ChangeRecord]:  # fmt: skip
    """The changes selected, newest first."""
    sql, params = _CHANGES + " WHERE 1 = 1", dict[str, Any]()
    if number is not None:
        sql, params["id"] = sql + " AND c.id = :id", number
    if site is not None:
        sql, params["site"] = sql + " AND s.name = :site", site
    if state is not None:
        sql, params["state"] = sql + " AND c.state = :state", state
    if device is not None:
        sql += " AND c.id IN (SELECT cd.change_id FROM change_devices cd JOIN devices d ON d.id = cd.device_id"
        sql, params["device"] = sql + " WHERE d.name = :device)", device
    found = rows.rows(sql + " ORDER BY c.id DESC", params)
    if not found:
        return []
    ids = [int(r["id"]) for r in found]
    seen: dict[int, list[ChangeDevice]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names = ", ".join(f":i{n}" for n in range(len(chunk)))
        for r in rows.rows(_DEVICES.format(ids=names), {f"i{n}": v for n, v in enumerate(chunk)}):
            seen.setdefault(int(r["change_id"]), []).append(
                ChangeDevice(r["name"], r["version_before"], r["version_seen"], _at(r["confirmed_at"]))
            )
    return [_record(r, seen.get(int(r["id"]), [])) for r in found]


def _record(r: Any, seen: Sequence[ChangeDevice]) -> ChangeRecord:
    advisory = f"{r['rel_vendor']} {r['rel_component']} {r['rel_version']}" if r["rel_vendor"] else None
    return ChangeRecord(
        reference(int(r["id"])),
        r["site"],
        r["state"],
        tuple(d.device for d in seen),
        r["component"],
        r["target_version"],
        advisory,
        r["evaluation"],
        r["risk"],
        as_datetime(r["window_start"]),
        as_datetime(r["window_end"]),
        r["rollback_plan"],
        r["requester"],
        as_datetime(r["created_at"]),
        r["approved_by"],
        r["approval_reference"],
        _at(r["approved_at"]),
        r["rejected_by"],
        r["reject_reason"],
        r["implementer"],
        _at(r["implemented_at"]),
        _at(r["confirmed_at"]),
        r["rollback_reason"],
        _at(r["rolled_back_at"]),
        tuple(seen),
    )
