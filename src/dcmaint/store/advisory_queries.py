"""Read queries of advisories and changes: what each device runs, the releases imported, the changes.

Written for :class:`~dcmaint.store.reader.Reader`; the write path runs the same SQL through ``UnitOfWork.rows``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dcmaint.domain.advisories import SIGNATURES_KEY, Installed
from dcmaint.domain.releases import Fix, Release
from dcmaint.store.reader import Row, Rows, as_datetime

_DEVICES = (
    "SELECT d.id, d.name, d.vendor, d.model, s.name AS site, s.id AS site_id FROM devices d "
    "JOIN sites s ON s.id = d.site_id"
)
_ARCHIVE = (
    "SELECT a.device_id, a.content, a.taken_at FROM archive_versions a WHERE a.version = "
    "(SELECT max(b.version) FROM archive_versions b WHERE b.device_id = a.device_id)"
)
_POLLS = "SELECT device_id, report, polled_at FROM device_polls WHERE report IS NOT NULL"


@dataclass(frozen=True)
class DeviceSubject:
    id: int
    name: str
    site: str
    site_id: int


def devices(reader: Rows, site: str | None = None, device: str | None = None) -> list[DeviceSubject]:
    """Registered devices, by site and name."""
    sql, params = _DEVICES + " WHERE 1 = 1", dict[str, Any]()
    if site is not None:
        sql, params["site"] = sql + " AND s.name = :site", site
    if device is not None:
        sql, params["device"] = sql + " AND d.name = :device", device
    rows = reader.rows(sql + " ORDER BY s.name, d.name", params)
    return [DeviceSubject(r["id"], r["name"], r["site"], r["site_id"]) for r in rows]


def _signatures(system: object) -> dict[str, Any]:
    found = system.get(SIGNATURES_KEY) if isinstance(system, dict) else None
    return found if isinstance(found, dict) else {}


def _scope(site: str | None, device: str | None) -> tuple[str, dict[str, Any]]:
    """SQL that keeps only the devices asked for (documents of the others are not read at all)."""
    if site is None and device is None:
        return "", {}
    sql, params = " AND {column} IN (SELECT d.id FROM devices d JOIN sites s ON s.id = d.site_id WHERE 1 = 1", {}
    if site is not None:
        sql, params["site"] = sql + " AND s.name = :site", site
    if device is not None:
        sql, params["device"] = sql + " AND d.name = :device", device
    return sql + ")", params


def installed(reader: Rows, site: str | None = None, device: str | None = None) -> list[Installed]:
    """What each device runs: its latest archive version, else its latest poll (devices with neither are left
    out: nothing is known of them)."""
    register = {r["id"]: r for r in reader.rows(_DEVICES)}
    scope, params = _scope(site, device)
    archived = {r["device_id"]: r for r in reader.rows(_ARCHIVE + scope.format(column="a.device_id"), params)}
    polled = {r["device_id"]: r for r in reader.rows(_POLLS + scope.format(column="device_id"), params)}
    found = []
    for subject in devices(reader, site, device):
        row = register[subject.id]
        if subject.id in archived:
            content = json.loads(archived[subject.id]["content"])
            identity, firmware = content.get("identity") or {}, content.get("firmware") or {}
            system = (content.get("settings") or {}).get("system")
            source, seen = "archive", as_datetime(archived[subject.id]["taken_at"])
        elif subject.id in polled:
            report = json.loads(polled[subject.id]["report"])
            identity = report.get("identity") or {}
            firmware = identity.get("firmware") or {}
            system = (report.get("archive") or {}).get("system")
            source, seen = "poll", as_datetime(polled[subject.id]["polled_at"])
        else:
            continue
        found.append(
            Installed(
                subject.site,
                subject.name,
                identity.get("vendor") or row["vendor"],
                identity.get("model") or row["model"],
                {str(k): str(v) for k, v in firmware.items()},
                source,
                seen,
                _signatures(system),
            )
        )
    return found


def release(row: Row) -> Release:
    released = row["released"]
    return Release(
        row["vendor"],
        tuple(json.loads(row["models"])),
        row["component"],
        row["version"],
        released if isinstance(released, date) else date.fromisoformat(str(released)[:10]),
        row["severity"],
        tuple(Fix(f["id"], f["summary"]) for f in json.loads(row["fixes"])),
        row["url"],
    )


def releases(reader: Rows, vendor: str | None = None) -> list[Release]:
    """Every release imported, by vendor, component and date."""
    sql, params = "SELECT * FROM releases", dict[str, Any]()
    if vendor is not None:
        sql, params["vendor"] = sql + " WHERE vendor_key = :vendor", vendor.strip().lower()
    return [release(r) for r in reader.rows(sql + " ORDER BY vendor_key, component_key, released, id", params)]


def signature_ages(reader: Rows) -> dict[int, int]:
    """Each site's own maximum signature age in days, by site id."""
    return {r["site_id"]: r["max_days"] for r in reader.rows("SELECT site_id, max_days FROM signature_ages")}


def when(value: Any) -> datetime | None:
    return as_datetime(value) if value is not None else None
