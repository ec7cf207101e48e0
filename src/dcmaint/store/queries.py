"""Read queries of the registers and the audit log, returning domain records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dcmaint.domain.records import AuditEntry, Device, Record, Site, StaffMember
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.store.reader import Reader, Row, as_bool, as_date, as_datetime

SITE_COLUMNS = (
    "name, customer, address, contract_no, signed_on, sla_restore_hours, depot_deadline_days, timezone, calendar"
)
DEVICE_COLUMNS = (
    "s.name AS site, d.name AS name, d.kind, d.vendor, d.model, d.serial, d.room, d.rack, d.rack_unit, d.covered, "
    "d.driver, d.endpoint, d.username, d.credential, d.tls_verify, d.ca_file, d.fingerprint, d.notes, d.options"
)
STAFF_COLUMNS = "name, role, skills, phone, email, active"
AUDIT_COLUMNS = "seq, at, actor, command, entity, entity_key, action, before, after, hash"


def _site(row: Row) -> Site:
    return Site(
        name=row["name"],
        customer=row["customer"],
        address=row["address"],
        contract_no=row["contract_no"],
        signed_on=as_date(row["signed_on"]),
        sla_restore_hours=row["sla_restore_hours"],
        depot_deadline_days=row["depot_deadline_days"],
        timezone=row["timezone"],
        calendar=row["calendar"],
    )


def _device(row: Row) -> Device:
    return Device(
        site=row["site"],
        name=row["name"],
        kind=row["kind"],
        vendor=row["vendor"],
        model=row["model"],
        serial=row["serial"],
        room=row["room"],
        rack=row["rack"],
        rack_unit=row["rack_unit"],
        covered=as_bool(row["covered"]),
        driver=row["driver"],
        endpoint=row["endpoint"],
        username=row["username"],
        credential=row["credential"],
        tls_verify=as_bool(row["tls_verify"]),
        ca_file=row["ca_file"],
        fingerprint=row["fingerprint"],
        notes=row["notes"],
        options=json.loads(row["options"]) if row["options"] else {},
    )


def _staff(row: Row) -> StaffMember:
    return StaffMember(
        name=row["name"],
        role=row["role"],
        skills=tuple(s for s in row["skills"].split(",") if s),
        phone=row["phone"],
        email=row["email"],
        active=as_bool(row["active"]),
    )


def _audit(row: Row) -> AuditEntry:
    before, after = row["before"], row["after"]
    return AuditEntry(
        seq=row["seq"],
        at=as_datetime(row["at"]),
        actor=row["actor"],
        command=row["command"],
        entity=row["entity"],
        entity_key=row["entity_key"],
        action=row["action"],
        before=json.loads(before) if before else None,
        after=json.loads(after) if after else None,
        hash=row["hash"],
    )


def sites(reader: Reader) -> list[Site]:
    return [_site(r) for r in reader.rows(f"SELECT {SITE_COLUMNS} FROM sites ORDER BY name")]


def site(reader: Reader, name: str) -> Site:
    row = reader.one(f"SELECT {SITE_COLUMNS} FROM sites WHERE name = :name", {"name": name})
    if row is None:
        raise NotFound(_("unknown site {name!r}").format(name=name))
    return _site(row)


@dataclass(frozen=True)
class DeviceFilter:
    site: str | None = None
    kind: str | None = None
    covered: bool | None = None
    vendor: str | None = None


def devices(reader: Reader, where: DeviceFilter = DeviceFilter()) -> list[Device]:
    clauses, params = [], {}
    if where.site is not None:
        site(reader, where.site)  # an unknown site is an error, not an empty list
        clauses.append("s.name = :site")
        params["site"] = where.site
    if where.kind is not None:
        clauses.append("d.kind = :kind")
        params["kind"] = where.kind
    if where.covered is not None:
        clauses.append("d.covered = :covered")
        params["covered"] = where.covered
    if where.vendor is not None:
        clauses.append("lower(d.vendor) = lower(:vendor)")
        params["vendor"] = where.vendor
    sql = f"SELECT {DEVICE_COLUMNS} FROM devices d JOIN sites s ON s.id = d.site_id"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return [_device(r) for r in reader.rows(sql + " ORDER BY s.name, d.name", params)]


def device(reader: Reader, name: str, site_name: str | None = None) -> Device:
    """One device by name; ``site_name`` disambiguates a name used at two sites."""
    found = (
        [d for d in devices(reader, DeviceFilter(site=site_name)) if d.name == name]
        if site_name
        else [
            _device(r)
            for r in reader.rows(
                f"SELECT {DEVICE_COLUMNS} FROM devices d JOIN sites s ON s.id = d.site_id WHERE d.name = :name "
                "ORDER BY s.name",
                {"name": name},
            )
        ]
    )
    if not found:
        raise NotFound(_("unknown device {name!r}").format(name=name))
    if len(found) > 1:
        raise UsageError(
            _("device name {name!r} is used at sites {sites}: add --site").format(
                name=name, sites=", ".join(d.site for d in found)
            )
        )
    return found[0]


def staff(reader: Reader, role: str | None = None, include_inactive: bool = True) -> list[StaffMember]:
    clauses, params = [], {}
    if role is not None:
        clauses.append("role = :role")
        params["role"] = role
    if not include_inactive:
        clauses.append("active = :active")
        params["active"] = True
    sql = f"SELECT {STAFF_COLUMNS} FROM staff"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return [_staff(r) for r in reader.rows(sql + " ORDER BY name", params)]


def staff_member(reader: Reader, name: str) -> StaffMember:
    row = reader.one(f"SELECT {STAFF_COLUMNS} FROM staff WHERE name = :name", {"name": name})
    if row is None:
        raise NotFound(_("unknown staff member {name!r}").format(name=name))
    return _staff(row)


@dataclass(frozen=True)
class AuditFilter:
    entity: str | None = None
    entity_key: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None


def audit_entries(reader: Reader, where: AuditFilter = AuditFilter()) -> list[AuditEntry]:
    clauses, params = [], {}
    for column in ("entity", "entity_key", "actor"):
        value = getattr(where, column)
        if value is not None:
            clauses.append(f"{column} = :{column}")
            params[column] = value
    if where.since is not None:
        clauses.append("at >= :since")
        params["since"] = reader.timestamp(where.since)
    if where.until is not None:
        clauses.append("at < :until")
        params["until"] = reader.timestamp(where.until)
    sql = f"SELECT {AUDIT_COLUMNS} FROM audit_log"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY seq DESC"
    if where.limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = where.limit
    return [_audit(r) for r in reversed(reader.rows(sql, params))]


def row_counts(reader: Reader) -> dict[str, int]:
    """Rows per table: what `db check` reports and what bad-input tests compare."""
    return {
        table: reader.one(f"SELECT count(*) AS n FROM {table}")["n"]  # type: ignore[index]
        for table in (
            "sites",
            "devices",
            "staff",
            "device_polls",
            "components",
            "faults",
            "parts",
            "part_numbers",
            "part_substitutes",
            "stock_units",
            "consents",
            "swaps",
            "handovers",
            "tickets",
            "ticket_devices",
            "ticket_events",
            "ticket_pauses",
            "pm_tasks",
            "pm_completions",
            "pm_intervals",
            "inspection_plans",
            "inspection_runs",
            "inspection_results",
            "inspection_findings",
            "archive_versions",
            "rmas",
            "rma_loaners",
            "releases",
            "signature_ages",
            "changes",
            "change_devices",
            "backup_policies",
            "backup_policy_devices",
            "backup_restores",
            "backup_drill_plans",
            "backup_drills",
            "backup_drill_actions",
            "emergency_plans",
            "emergency_plan_versions",
            "emergency_drills",
            "customer_profiles",
            "customer_contacts",
            "visit_plans",
            "visits",
            "complaints",
            "audit_log",
        )
    }


@dataclass(frozen=True)
class LastPoll(Record):
    polled_at: datetime
    driver: str
    status: str
    error: str | None
    message: str | None
    duration: float


@dataclass(frozen=True)
class OpenFault(Record):
    id: int  # what `spare match --fault` takes
    site: str
    device: str
    kind: str
    location: str
    health: str
    reason: str | None
    manufacturer: str | None
    model: str | None
    part_number: str | None
    spare_part_number: str | None
    serial: str | None
    first_seen: datetime
    last_seen: datetime


def last_poll(reader: Reader, device: Device) -> tuple[LastPoll, dict[str, Any] | None] | None:
    """The newest recorded poll of a device and its report's JSON, or None if it was never recorded."""
    row = reader.one(
        "SELECT p.polled_at, p.driver, p.status, p.error, p.message, p.duration, p.report FROM device_polls p "
        "JOIN devices d ON d.id = p.device_id JOIN sites s ON s.id = d.site_id "
        "WHERE s.name = :site AND d.name = :name",
        {"site": device.site, "name": device.name},
    )
    if row is None:
        return None
    poll = LastPoll(
        polled_at=as_datetime(row["polled_at"]),
        driver=row["driver"],
        status=row["status"],
        error=row["error"],
        message=row["message"],
        duration=float(row["duration"]),
    )
    return poll, json.loads(row["report"]) if row["report"] else None


def open_faults(reader: Reader, site: str | None = None, device: str | None = None) -> list[OpenFault]:
    clauses, params = ["f.closed_at IS NULL"], {}
    if site is not None:
        clauses.append("s.name = :site")
        params["site"] = site
    if device is not None:
        clauses.append("d.name = :device")
        params["device"] = device
    rows = reader.rows(
        "SELECT f.id, s.name AS site, d.name AS device, f.kind, f.location, f.health, f.reason, f.manufacturer, "
        "f.model, f.part_number, f.spare_part_number, f.serial, f.first_seen, f.last_seen FROM faults f "
        "JOIN devices d ON d.id = f.device_id JOIN sites s ON s.id = d.site_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY s.name, d.name, f.kind, f.location",
        params,
    )
    return [
        OpenFault(
            id=r["id"],
            site=r["site"],
            device=r["device"],
            kind=r["kind"],
            location=r["location"],
            health=r["health"],
            reason=r["reason"],
            manufacturer=r["manufacturer"],
            model=r["model"],
            part_number=r["part_number"],
            spare_part_number=r["spare_part_number"],
            serial=r["serial"],
            first_seen=as_datetime(r["first_seen"]),
            last_seen=as_datetime(r["last_seen"]),
        )
        for r in rows
    ]
