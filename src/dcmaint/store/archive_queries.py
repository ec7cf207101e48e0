"""Read queries of the device archive, and of what a device file shows beside it (its tickets).

Written for :class:`~dcmaint.store.reader.Reader`; the write path runs the same SQL inside its transaction
through ``UnitOfWork.rows``, so both read versions alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dcmaint.domain.archive_file import DeviceTicket
from dcmaint.domain.records import Device
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.store.reader import Reader, Row, Rows, as_datetime

_VERSION = "SELECT version, taken_at, source, actor, content, content_hash FROM archive_versions"
#: Ids per ``IN (...)``: far below every backend's parameter limit.
CHUNK = 500


@dataclass(frozen=True)
class StoredVersion:
    """One stored version; ``content`` is the canonical JSON text."""

    version: int
    taken_at: datetime
    source: str
    actor: str
    content: str
    content_hash: str


@dataclass(frozen=True)
class LatestVersion:
    """What ``health --record`` needs to tell a changed device: the latest version's number, hashes, manual."""

    device_id: int
    version: int
    polled_hash: str
    manual: str


def _stored(row: Row) -> StoredVersion:
    return StoredVersion(
        row["version"], as_datetime(row["taken_at"]), row["source"], row["actor"], row["content"], row["content_hash"]
    )


def device_id(reader: Reader, device: Device) -> int:
    """The store's id of a device read through :mod:`dcmaint.store.queries`."""
    found = reader.one(
        "SELECT d.id FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.name = :site AND d.name = :name",
        {"site": device.site, "name": device.name},
    )
    if found is None:
        raise NotFound(_("unknown device {name!r}").format(name=device.name))
    return int(found["id"])


def versions(reader: Reader, device: int) -> list[StoredVersion]:
    """Every version of a device, oldest first."""
    return [_stored(r) for r in reader.rows(_VERSION + " WHERE device_id = :d ORDER BY version", {"d": device})]


def version(reader: Reader, device: int, number: int, name: str) -> StoredVersion:
    """One version; a number the device does not have is a NotFound naming it and the device."""
    found = reader.one(_VERSION + " WHERE device_id = :d AND version = :v", {"d": device, "v": number})
    if found is None:
        raise NotFound(_("device {device!r} has no archive version {version}").format(device=name, version=number))
    return _stored(found)


def latest(reader: Rows, devices: Sequence[int]) -> dict[int, LatestVersion]:
    """The latest version of each device that has one: one query per :data:`CHUNK` devices."""
    found: dict[int, LatestVersion] = {}
    ids = sorted(set(devices))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join(f":i{i}" for i in range(len(chunk)))
        sql = (
            "SELECT v.device_id, v.version, v.polled_hash, v.manual FROM archive_versions v "
            "JOIN (SELECT device_id, max(version) AS version FROM archive_versions "
            f"WHERE device_id IN ({marks}) GROUP BY device_id) m "
            "ON m.device_id = v.device_id AND m.version = v.version"
        )
        for row in reader.rows(sql, {f"i{i}": value for i, value in enumerate(chunk)}):
            found[row["device_id"]] = LatestVersion(row["device_id"], row["version"], row["polled_hash"], row["manual"])
    return found


def latest_content(reader: Rows, device: int) -> StoredVersion | None:
    """The device's newest version in full, None before its first."""
    found = reader.rows(_VERSION + " WHERE device_id = :d ORDER BY version DESC LIMIT 1", {"d": device})
    return _stored(found[0]) if found else None


def tickets(reader: Reader, device: int) -> list[DeviceTicket]:
    """The tickets that name the device, oldest report first."""
    rows = reader.rows(
        "SELECT t.ref, t.state, t.severity, t.reported_at, t.restored_at, t.description FROM tickets t "
        "JOIN ticket_devices td ON td.ticket_id = t.id WHERE td.device_id = :d ORDER BY t.reported_at, t.id",
        {"d": device},
    )
    return [
        DeviceTicket(
            r["ref"],
            r["state"],
            r["severity"],
            as_datetime(r["reported_at"]),
            as_datetime(r["restored_at"]) if r["restored_at"] is not None else None,
            r["description"],
        )
        for r in rows
    ]
