"""Read queries of backups and drills: policies, their devices and restore tests, drill plans, drills, actions.

Plain SQL through :class:`~dcmaint.store.reader.Rows`, so a list reads through
the DB-API reader and a write (``backup verify``) answers with the same lines
from inside its transaction. A handful of queries whatever the size of the
register; :mod:`dcmaint.services.backup_views` applies the rules of
:mod:`dcmaint.domain.backups` to what they return.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from dcmaint.store.reader import Rows, as_date, as_datetime


def _when(value: object) -> datetime | None:
    return None if value is None else as_datetime(value)


def _where(clauses: list[tuple[str, str, object]]) -> tuple[str, dict[str, object]]:
    found = [(clause, key, value) for clause, key, value in clauses if value is not None]
    where = f"WHERE {' AND '.join(c for c, _k, _v in found)}" if found else ""
    return where, {key: value for _c, key, value in found}


@dataclass(frozen=True)
class PolicyRow:
    id: int
    name: str
    site: str
    system: str
    tool: str
    schedule: str
    retention: str
    target: str
    owner: str
    verify_every: str
    note: str | None
    registered: datetime
    retired_at: datetime | None
    retired_reason: str | None


def policies(rows: Rows, site: str | None = None, name: str | None = None) -> list[PolicyRow]:
    where, params = _where([("s.name = :site", "site", site), ("p.name = :name", "name", name)])
    found = rows.rows(
        "SELECT p.id, p.name, s.name AS site, p.system, p.tool, p.schedule, p.retention, p.target, p.owner_name, "
        "p.verify_every, p.note, p.created_at, p.retired_at, p.retired_reason FROM backup_policies p "
        f"JOIN sites s ON s.id = p.site_id {where} ORDER BY s.name, p.name",
        params,
    )
    return [
        PolicyRow(
            r["id"],
            r["name"],
            r["site"],
            r["system"],
            r["tool"],
            r["schedule"],
            r["retention"],
            r["target"],
            r["owner_name"],
            r["verify_every"],
            r["note"],
            as_datetime(r["created_at"]),
            _when(r["retired_at"]),
            r["retired_reason"],
        )
        for r in found
    ]


def policy_devices(rows: Rows) -> dict[int, tuple[str, ...]]:
    """The devices of each policy, by policy id, by name."""
    found: dict[int, list[str]] = defaultdict(list)
    for r in rows.rows(
        "SELECT pd.policy_id, d.name FROM backup_policy_devices pd JOIN devices d ON d.id = pd.device_id "
        "ORDER BY d.name"
    ):
        found[r["policy_id"]].append(r["name"])
    return {key: tuple(names) for key, names in found.items()}


@dataclass(frozen=True)
class RestoreRow:
    policy_id: int
    policy: str
    site: str
    tested_at: datetime
    engineer: str
    result: str
    restored: str
    duration_s: int | None
    note: str | None


def restores(rows: Rows, policy_id: int | None = None) -> list[RestoreRow]:
    """Restore tests, oldest first (of one policy when given)."""
    where, params = _where([("r.policy_id = :policy", "policy", policy_id)])
    found = rows.rows(
        "SELECT r.policy_id, p.name AS policy, s.name AS site, r.tested_at, st.name AS engineer, r.result, "
        "r.restored, r.duration_s, r.note FROM backup_restores r JOIN backup_policies p ON p.id = r.policy_id "
        "JOIN sites s ON s.id = p.site_id JOIN staff st ON st.id = r.engineer_id "
        f"{where} ORDER BY r.tested_at, r.id",
        params,
    )
    return [
        RestoreRow(
            r["policy_id"],
            r["policy"],
            r["site"],
            as_datetime(r["tested_at"]),
            r["engineer"],
            r["result"],
            r["restored"],
            r["duration_s"],
            r["note"],
        )
        for r in found
    ]


@dataclass(frozen=True)
class PlanRow:
    id: int
    site: str
    timezone: str
    system: str
    policy: str | None
    scenario: str
    every: str | None
    next_on: date | None
    rto_s: int
    rpo_s: int
    planned: datetime
    retired_at: datetime | None
    retired_reason: str | None


def plans(rows: Rows, site: str | None = None, plan_id: int | None = None) -> list[PlanRow]:
    where, params = _where([("s.name = :site", "site", site), ("dp.id = :plan", "plan", plan_id)])
    found = rows.rows(
        "SELECT dp.id, s.name AS site, s.timezone, dp.system, p.name AS policy, dp.scenario, dp.every, dp.next_on, "
        "dp.rto_s, dp.rpo_s, dp.created_at, dp.retired_at, dp.retired_reason "
        "FROM backup_drill_plans dp JOIN sites s ON s.id = dp.site_id "
        f"LEFT JOIN backup_policies p ON p.id = dp.policy_id {where} ORDER BY dp.id",
        params,
    )
    return [
        PlanRow(
            r["id"],
            r["site"],
            r["timezone"],
            r["system"],
            r["policy"],
            r["scenario"],
            r["every"],
            as_date(r["next_on"]),
            r["rto_s"],
            r["rpo_s"],
            as_datetime(r["created_at"]),
            _when(r["retired_at"]),
            r["retired_reason"],
        )
        for r in found
    ]


@dataclass(frozen=True)
class DrillRow:
    id: int
    plan_id: int | None
    site: str
    system: str
    policy: str | None
    scenario: str
    drilled_at: datetime
    engineer: str
    rto_target_s: int
    rto_achieved_s: int
    rpo_target_s: int
    rpo_achieved_s: int
    result: str
    note: str | None


def drills(
    rows: Rows, site: str | None = None, plan_id: int | None = None, drill_id: int | None = None
) -> list[DrillRow]:
    """Drills held, oldest first."""
    where, params = _where(
        [("s.name = :site", "site", site), ("d.plan_id = :plan", "plan", plan_id), ("d.id = :drill", "drill", drill_id)]
    )
    found = rows.rows(
        "SELECT d.id, d.plan_id, s.name AS site, d.system, p.name AS policy, d.scenario, d.drilled_at, "
        "st.name AS engineer, d.rto_target_s, d.rto_achieved_s, d.rpo_target_s, d.rpo_achieved_s, d.result, d.note "
        "FROM backup_drills d JOIN sites s ON s.id = d.site_id JOIN staff st ON st.id = d.engineer_id "
        f"LEFT JOIN backup_policies p ON p.id = d.policy_id {where} ORDER BY d.drilled_at, d.id",
        params,
    )
    return [
        DrillRow(
            r["id"],
            r["plan_id"],
            r["site"],
            r["system"],
            r["policy"],
            r["scenario"],
            as_datetime(r["drilled_at"]),
            r["engineer"],
            r["rto_target_s"],
            r["rto_achieved_s"],
            r["rpo_target_s"],
            r["rpo_achieved_s"],
            r["result"],
            r["note"],
        )
        for r in found
    ]


@dataclass(frozen=True)
class ActionRow:
    id: int
    drill_id: int
    site: str
    owner: str
    due_on: date
    text: str
    done_at: datetime | None
    done_note: str | None


def actions(
    rows: Rows, site: str | None = None, drill_id: int | None = None, action_id: int | None = None
) -> list[ActionRow]:
    where, params = _where(
        [
            ("s.name = :site", "site", site),
            ("a.drill_id = :drill", "drill", drill_id),
            ("a.id = :action", "action", action_id),
        ]
    )
    found = rows.rows(
        "SELECT a.id, a.drill_id, s.name AS site, st.name AS owner, a.due_on, a.text, a.done_at, a.done_note "
        "FROM backup_drill_actions a JOIN backup_drills d ON d.id = a.drill_id JOIN sites s ON s.id = d.site_id "
        f"JOIN staff st ON st.id = a.owner_id {where} ORDER BY a.id",
        params,
    )
    return [
        ActionRow(
            r["id"],
            r["drill_id"],
            r["site"],
            r["owner"],
            as_date(r["due_on"]) or date.min,
            r["text"],
            _when(r["done_at"]),
            r["done_note"],
        )
        for r in found
    ]


def zones(rows: Rows) -> dict[str, str]:
    """Every site's time zone, by name."""
    return {r["name"]: r["timezone"] for r in rows.rows("SELECT name, timezone FROM sites")}
