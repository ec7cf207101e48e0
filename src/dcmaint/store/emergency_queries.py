"""Read queries of emergency plans: the plans with their last drill, one plan's drills, a stored version.

Plain DB-API like every read path (:mod:`dcmaint.store.reader`); the service
turns the rows into records (:mod:`dcmaint.services.emergency_views`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dcmaint.store.reader import Reader, as_datetime


@dataclass(frozen=True)
class PlanRow:
    id: int
    site: str
    customer: str
    timezone: str
    system: str
    name: str
    state: str
    version: int
    title: str
    drill_every: str
    content: str
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None
    retired_reason: str | None
    last_drill: datetime | None
    last_result: str | None


@dataclass(frozen=True)
class DrillRow:
    site: str
    name: str
    version: int
    drilled_at: datetime
    result: str
    by: str | None
    note: str | None


def _when(value: object) -> datetime | None:
    return None if value is None else as_datetime(value)


_LAST = (
    "SELECT d.plan_id, d.drilled_at, d.result FROM emergency_drills d WHERE d.id = ("
    "SELECT d2.id FROM emergency_drills d2 WHERE d2.plan_id = d.plan_id ORDER BY d2.drilled_at DESC, d2.id DESC "
    "LIMIT 1)"
)


def plans(
    reader: Reader,
    *,
    site: str | None = None,
    systems: tuple[str, ...] | None = None,
    name: str | None = None,
    retired: bool = False,
) -> list[PlanRow]:
    """Plans by site and name, with their last drill; active ones only unless ``retired``."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if site is not None:
        clauses.append("s.name = :site")
        params["site"] = site
    if name is not None:
        clauses.append("p.name = :name")
        params["name"] = name
    if systems is not None:
        keys = [f"sys{i}" for i in range(len(systems))]
        clauses.append(f"p.system IN ({', '.join(':' + k for k in keys)})" if keys else "1 = 0")
        params.update(zip(keys, systems, strict=True))
    if not retired:
        clauses.append("p.state = 'active'")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = reader.rows(
        "SELECT p.id, s.name AS site, s.customer, s.timezone, p.system, p.name, p.state, p.version, p.title, "
        "p.drill_every, p.content, p.created_at, p.updated_at, p.retired_at, p.retired_reason, "
        "l.drilled_at AS last_drill, l.result AS last_result "
        f"FROM emergency_plans p JOIN sites s ON s.id = p.site_id LEFT JOIN ({_LAST}) l ON l.plan_id = p.id "
        f"{where} ORDER BY s.name, p.system, p.name",
        params,
    )
    return [
        PlanRow(
            r["id"],
            r["site"],
            r["customer"],
            r["timezone"],
            r["system"],
            r["name"],
            r["state"],
            r["version"],
            r["title"],
            r["drill_every"],
            r["content"],
            as_datetime(r["created_at"]),
            as_datetime(r["updated_at"]),
            _when(r["retired_at"]),
            r["retired_reason"],
            _when(r["last_drill"]),
            r["last_result"],
        )
        for r in rows
    ]


def drills(reader: Reader, plan_id: int) -> list[DrillRow]:
    """A plan's drills, newest first."""
    rows = reader.rows(
        "SELECT s.name AS site, p.name, d.version, d.drilled_at, d.result, st.name AS by_name, d.note "
        "FROM emergency_drills d JOIN emergency_plans p ON p.id = d.plan_id JOIN sites s ON s.id = p.site_id "
        "LEFT JOIN staff st ON st.id = d.led_by_id WHERE d.plan_id = :plan ORDER BY d.drilled_at DESC, d.id DESC",
        {"plan": plan_id},
    )
    return [
        DrillRow(r["site"], r["name"], r["version"], as_datetime(r["drilled_at"]), r["result"], r["by_name"], r["note"])
        for r in rows
    ]


def version(reader: Reader, plan_id: int, number: int) -> tuple[str, str] | None:
    """A stored version's (content, source), or None when the plan never had it."""
    row = reader.one(
        "SELECT content, source FROM emergency_plan_versions WHERE plan_id = :plan AND version = :version",
        {"plan": plan_id, "version": number},
    )
    return (row["content"], row["source"]) if row is not None else None


def versions(reader: Reader, plan_id: int) -> int:
    row = reader.one("SELECT count(*) AS n FROM emergency_plan_versions WHERE plan_id = :plan", {"plan": plan_id})
    return int(row["n"]) if row is not None else 0
