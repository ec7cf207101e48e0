"""Set-based reads and writes of what ``health --record`` keeps: a chunk of devices in a few statements.

A fleet run records hundreds of devices at a time. Asking the store about
each device in turn (its poll, its parts, its faults) costs several round
trips per device, and on a database across the network the round trips, not
the work, set the pace. These functions read the state of every device of a
chunk with one query per table, and write the polls and the installed base
with one bulk statement per kind of change: INSERT of many rows, UPDATE by
primary key of many rows, and one UPDATE that moves ``last_seen`` of every
part seen again unchanged. Faults stay ORM objects (a fleet has few of them,
and the audit log and tickets read them back); the session's flush batches
their INSERTs and UPDATEs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, any_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from dcmaint.store.models.health import ComponentRow, DevicePollRow, FaultRow
from dcmaint.store.models.registers import DeviceRow, SiteRow

#: Values bound in one ``IN (...)`` list: well below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
IN_LIMIT = 5000

#: The installed base's columns a poll sets, beside the slot and the first/last seen times.
PART_FIELDS = (
    "name",
    "manufacturer",
    "model",
    "part_number",
    "spare_part_number",
    "serial",
    "firmware",
    "capacity_bytes",
    "health",
)


@dataclass(frozen=True)
class StoredPart:
    """A row of the installed base as read for a recording: its id and the values a poll may change."""

    id: int
    values: dict[str, Any]


def _slices(values: Sequence[Any], size: int = IN_LIMIT) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def devices_named(session: Session, named: Sequence[tuple[str, str]]) -> dict[tuple[str, str], DeviceRow]:
    """The registered devices among ``(site, name)`` pairs, by pair: one query (their sites loaded with them,
    so the audit keys cost nothing more)."""
    found: dict[tuple[str, str], DeviceRow] = {}
    wanted = set(named)
    names = sorted({name for _site, name in wanted})
    sites = sorted({site for site, _name in wanted})
    for part in _slices(names):
        query = (
            select(DeviceRow, SiteRow)
            .join(SiteRow, SiteRow.id == DeviceRow.site_id)
            .where(DeviceRow.name.in_(part), SiteRow.name.in_(sites))
        )
        for device, site in session.execute(query):
            if (site.name, device.name) in wanted:
                found[(site.name, device.name)] = device
    return found


def poll_times(session: Session, device_ids: Sequence[int]) -> dict[int, datetime]:
    """When each device's stored poll was taken (devices never recorded are absent): one query, the reports
    themselves left unread."""
    found: dict[int, datetime] = {}
    for part in _slices(sorted(set(device_ids))):
        query = select(DevicePollRow.device_id, DevicePollRow.polled_at).where(DevicePollRow.device_id.in_(part))
        found.update((device_id, polled_at) for device_id, polled_at in session.execute(query))
    return found


def parts(session: Session, device_ids: Sequence[int]) -> dict[int, dict[tuple[str, str], StoredPart]]:
    """The installed base of these devices, by device and slot (kind, location): one query."""
    found: dict[int, dict[tuple[str, str], StoredPart]] = {}
    columns = [getattr(ComponentRow, name) for name in PART_FIELDS]
    for part in _slices(sorted(set(device_ids))):
        query = select(ComponentRow.id, ComponentRow.device_id, ComponentRow.kind, ComponentRow.location, *columns)
        for row in session.execute(query.where(ComponentRow.device_id.in_(part))):
            values = dict(zip(PART_FIELDS, row[4:], strict=True))
            found.setdefault(row.device_id, {})[(row.kind, row.location)] = StoredPart(row.id, values)
    return found


def open_faults(session: Session, device_ids: Sequence[int]) -> dict[int, list[FaultRow]]:
    """The open faults of these devices, by device, oldest first: one query."""
    found: dict[int, list[FaultRow]] = {}
    for part in _slices(sorted(set(device_ids))):
        query = (
            select(FaultRow)
            .where(FaultRow.device_id.in_(part), FaultRow.closed_at.is_(None))
            .order_by(FaultRow.device_id, FaultRow.id)
        )
        for row in session.scalars(query):
            found.setdefault(row.device_id, []).append(row)
    return found


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Add many rows of ``model`` in one bulk INSERT (the driver sends them as multi-row VALUES).

    The table's INSERT, not the ORM's: the ORM leaves out the columns that are None in a row and so splits
    rows whose None columns differ (parts with and without a serial, say) into one statement each."""
    if rows:
        session.execute(insert(model.__table__), rows)


def update_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Update many rows of ``model`` by primary key (each dict holds the key and the new values): one
    statement run for every row in one batch, no row loaded."""
    if rows:
        session.execute(update(model), rows)


def touch_parts(session: Session, part_ids: Sequence[int]) -> None:
    """Set ``last_seen`` of these parts to the time of their device's stored poll: the parts a poll showed
    again with nothing changed, however many. Run after the chunk's polls are written.

    On PostgreSQL the ids go as one array parameter (``id = ANY(:ids)``): a chunk touches some 9,000 parts,
    and as many placeholders cost the driver more to parse than the server takes to find the rows. SQLite
    has no arrays, so there it is one ``IN`` list per :data:`IN_LIMIT` ids."""
    polled = select(DevicePollRow.polled_at).where(DevicePollRow.device_id == ComponentRow.device_id)
    touched = update(ComponentRow).values(last_seen=polled.scalar_subquery())
    options = {"synchronize_session": False}
    ids = sorted(part_ids)
    if session.get_bind().dialect.name == "postgresql":
        if ids:
            array = bindparam("part_ids", ids, type_=postgresql.ARRAY(Integer))
            session.execute(touched.where(ComponentRow.id == any_(array)).execution_options(**options))
        return
    for part in _slices(ids):
        session.execute(touched.where(ComponentRow.id.in_(part)).execution_options(**options))
