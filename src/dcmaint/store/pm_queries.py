"""Read queries of preventive maintenance: what tasks apply to, the tasks with a history, the sites' intervals.

Four queries whatever the size of the fleet; the service applies the task
types to what they return (:mod:`dcmaint.services.pm_views`). Plain DB-API
like every read path: a list never pays for SQLAlchemy's import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from dcmaint.store.reader import Reader, as_bool, as_datetime


@dataclass(frozen=True)
class SiteSubject:
    id: int
    name: str
    registered: datetime


@dataclass(frozen=True)
class DeviceSubject:
    id: int
    site_id: int
    name: str
    kind: str
    covered: bool
    registered: datetime
    options: dict[str, str]


@dataclass(frozen=True)
class TaskHistory:
    site_id: int
    device_id: int | None
    task_type: str
    last_done_at: datetime | None
    forward_at: datetime | None
    forward_fault_id: int | None
    forward_reason: str | None


def sites(reader: Reader, name: str | None = None) -> list[SiteSubject]:
    where, params = ("WHERE name = :name", {"name": name}) if name else ("", {})
    rows = reader.rows(f"SELECT id, name, created_at FROM sites {where} ORDER BY name", params)
    return [SiteSubject(r["id"], r["name"], as_datetime(r["created_at"])) for r in rows]


def devices(reader: Reader, site_id: int | None = None, name: str | None = None) -> list[DeviceSubject]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if site_id is not None:
        clauses.append("site_id = :site")
        params["site"] = site_id
    if name is not None:
        clauses.append("name = :name")
        params["name"] = name
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = reader.rows(
        f"SELECT id, site_id, name, kind, covered, created_at, options FROM devices {where} ORDER BY name", params
    )
    return [
        DeviceSubject(
            r["id"],
            r["site_id"],
            r["name"],
            r["kind"],
            as_bool(r["covered"]),
            as_datetime(r["created_at"]),
            json.loads(r["options"]) if r["options"] else {},
        )
        for r in rows
    ]


def _when(value: object) -> datetime | None:
    return None if value is None else as_datetime(value)


def histories(reader: Reader, site_id: int | None = None) -> list[TaskHistory]:
    where, params = ("WHERE site_id = :site", {"site": site_id}) if site_id is not None else ("", {})
    rows = reader.rows(
        "SELECT site_id, device_id, task_type, last_done_at, forward_at, forward_fault_id, forward_reason "
        f"FROM pm_tasks {where}",
        params,
    )
    return [
        TaskHistory(
            r["site_id"],
            r["device_id"],
            r["task_type"],
            _when(r["last_done_at"]),
            _when(r["forward_at"]),
            r["forward_fault_id"],
            r["forward_reason"],
        )
        for r in rows
    ]


def intervals(reader: Reader, site_id: int | None = None) -> dict[tuple[int, str], str]:
    """The sites' own intervals, by (site id, task type), as stored (``3mo``)."""
    where, params = ("WHERE site_id = :site", {"site": site_id}) if site_id is not None else ("", {})
    rows = reader.rows(f"SELECT site_id, task_type, every FROM pm_intervals {where}", params)
    return {(r["site_id"], r["task_type"]): r["every"] for r in rows}


@dataclass(frozen=True)
class CompletionRow:
    site: str
    device: str | None
    task_type: str
    done_at: datetime
    engineer: str
    due_at: datetime
    every: str
    consumed: list[dict[str, object]]
    note: str | None


def completions(
    reader: Reader, site: str | None, device: str | None, since: datetime | None, until: datetime | None
) -> list[CompletionRow]:
    """Recorded completions, oldest first, only of ``site`` and ``device`` and in [since, until) when given."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    for clause, key, value in (
        ("s.name = :site", "site", site),
        ("d.name = :device", "device", device),
        ("c.done_at >= :since", "since", reader.timestamp(since) if since else None),
        ("c.done_at < :until", "until", reader.timestamp(until) if until else None),
    ):
        if value is not None:
            clauses.append(clause)
            params[key] = value
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = reader.rows(
        "SELECT s.name AS site, d.name AS device, t.task_type, c.done_at, st.name AS engineer, c.due_at, c.every, "
        "c.consumed, c.note FROM pm_completions c JOIN pm_tasks t ON t.id = c.task_id "
        "JOIN sites s ON s.id = t.site_id LEFT JOIN devices d ON d.id = t.device_id "
        f"JOIN staff st ON st.id = c.engineer_id {where} ORDER BY c.done_at, c.id",
        params,
    )
    return [
        CompletionRow(
            r["site"],
            r["device"],
            r["task_type"],
            as_datetime(r["done_at"]),
            r["engineer"],
            as_datetime(r["due_at"]),
            r["every"],
            json.loads(r["consumed"]) if r["consumed"] else [],
            r["note"],
        )
        for r in rows
    ]
