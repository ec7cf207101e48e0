"""Read queries of the customer record and the desk's visits, as plain rows for the services to shape.

Plain DB-API like every read path: ``customer show``, ``visit list`` and
``visit due`` never pay for SQLAlchemy's import. A handful of queries whatever
the number of sites and visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dcmaint.store.reader import Reader, as_datetime


@dataclass(frozen=True)
class SiteCustomer:
    id: int
    name: str
    customer: str
    timezone: str


@dataclass(frozen=True)
class Profile:
    language: str | None
    report_format: str | None
    followup_within: str | None
    complaint_within: str | None
    notes: str | None


@dataclass(frozen=True)
class PlanRow:
    site_id: int
    every: str
    channel: str
    since: datetime
    last_visit: datetime | None  # the last periodic visit


@dataclass(frozen=True)
class OwedFollowup:
    site_id: int
    ticket: str
    closed_at: datetime


def _when(value: object) -> datetime | None:
    return None if value is None else as_datetime(value)


def sites(reader: Reader, name: str | None = None) -> list[SiteCustomer]:
    where, params = ("WHERE name = :name", {"name": name}) if name else ("", {})
    rows = reader.rows(f"SELECT id, name, customer, timezone FROM sites {where} ORDER BY name", params)
    return [SiteCustomer(r["id"], r["name"], r["customer"], r["timezone"]) for r in rows]


def profiles(reader: Reader) -> dict[int, Profile]:
    rows = reader.rows(
        "SELECT site_id, language, report_format, followup_within, complaint_within, notes FROM customer_profiles"
    )
    return {
        r["site_id"]: Profile(
            r["language"], r["report_format"], r["followup_within"], r["complaint_within"], r["notes"]
        )
        for r in rows
    }


def contacts(reader: Reader, site_id: int) -> list[dict[str, Any]]:
    rows = reader.rows(
        "SELECT name, role, phone, email, channel, hours FROM customer_contacts WHERE site_id = :site ORDER BY name",
        {"site": site_id},
    )
    return [{k: r[k] for k in ("name", "role", "phone", "email", "channel", "hours")} for r in rows]


def plans(reader: Reader, site_id: int | None = None) -> list[PlanRow]:
    where, params = ("WHERE p.site_id = :site", {"site": site_id}) if site_id is not None else ("", {})
    rows = reader.rows(
        "SELECT p.site_id, p.every, p.channel, p.since, "
        "(SELECT max(v.at) FROM visits v WHERE v.site_id = p.site_id AND v.kind = 'periodic') AS last_visit "
        f"FROM visit_plans p {where}",
        params,
    )
    return [
        PlanRow(r["site_id"], r["every"], r["channel"], as_datetime(r["since"]), _when(r["last_visit"])) for r in rows
    ]


@dataclass(frozen=True)
class VisitFilter:
    site_id: int | None = None
    ticket: str | None = None
    complaints: bool = False
    since: datetime | None = None
    until: datetime | None = None


def visits(reader: Reader, where: VisitFilter) -> list[dict[str, Any]]:
    """Visits, oldest first, with the desk member's name, the ticket's reference and the complaint's number."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    for clause, key, value in (
        ("v.site_id = :site", "site", where.site_id),
        ("t.ref = :ticket", "ticket", where.ticket),
        ("v.at >= :since", "since", reader.timestamp(where.since) if where.since else None),
        ("v.at < :until", "until", reader.timestamp(where.until) if where.until else None),
    ):
        if value is not None:
            clauses.append(clause)
            params[key] = value
    if where.complaints:
        clauses.append("c.id IS NOT NULL")
    sql = (
        "SELECT v.id, s.name AS site, v.at, v.kind, v.channel, st.name AS by_name, v.contact, t.ref AS ticket, "
        "v.score, c.id AS complaint, v.note FROM visits v JOIN sites s ON s.id = v.site_id "
        "JOIN staff st ON st.id = v.staff_id LEFT JOIN tickets t ON t.id = v.ticket_id "
        "LEFT JOIN complaints c ON c.visit_id = v.id"
    )
    if clauses:
        sql += f" WHERE {' AND '.join(clauses)}"
    rows = reader.rows(sql + " ORDER BY v.at, v.id", params)
    return [{**dict(zip(r.keys(), r, strict=True)), "at": as_datetime(r["at"])} for r in rows]


def complaints(reader: Reader, site_id: int | None = None, open_only: bool = False) -> list[dict[str, Any]]:
    """Complaints, oldest first, with who resolved them."""
    clauses, params = [], {}
    if site_id is not None:
        clauses.append("c.site_id = :site")
        params["site"] = site_id
    if open_only:
        clauses.append("c.state = 'open'")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = reader.rows(
        "SELECT c.id, s.name AS site, c.site_id, c.visit_id, c.raised_at, c.text, c.state, c.resolution, "
        "st.name AS resolved_by, c.resolved_at FROM complaints c JOIN sites s ON s.id = c.site_id "
        f"LEFT JOIN staff st ON st.id = c.resolved_by_id {where} ORDER BY c.raised_at, c.id",
        params,
    )
    return [
        {
            **dict(zip(r.keys(), r, strict=True)),
            "raised_at": as_datetime(r["raised_at"]),
            "resolved_at": _when(r["resolved_at"]),
        }
        for r in rows
    ]


def owed_followups(reader: Reader, closed_since: datetime, site_id: int | None = None) -> list[OwedFollowup]:
    """Tickets closed at or after ``closed_since`` that have no follow-up yet (a ``ticket followup`` or a
    ``visit log --ticket``: both leave a follow-up event on the ticket), oldest closing first."""
    params: dict[str, object] = {"since": reader.timestamp(closed_since)}
    site = ""
    if site_id is not None:
        site = " AND t.site_id = :site"
        params["site"] = site_id
    rows = reader.rows(
        "SELECT t.site_id, t.ref, t.closed_at FROM tickets t WHERE t.state = 'closed' AND t.closed_at >= :since"
        f"{site} AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'followup') "
        "ORDER BY t.closed_at, t.ref",
        params,
    )
    return [OwedFollowup(r["site_id"], r["ref"], as_datetime(r["closed_at"])) for r in rows]
