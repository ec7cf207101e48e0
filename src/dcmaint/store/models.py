"""SQLAlchemy models: the schema's single definition. Changes go through a migration."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dcmaint.domain.records import Device, Site, StaffMember


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class SiteRow(Timestamped, Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    customer: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    contract_no: Mapped[str | None] = mapped_column(String(100))
    signed_on: Mapped[date | None] = mapped_column(Date)
    sla_restore_hours: Mapped[int] = mapped_column(Integer, default=12)
    depot_deadline_days: Mapped[int] = mapped_column(Integer, default=15)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    calendar: Mapped[str] = mapped_column(String(64), default="cn")

    devices: Mapped[list[DeviceRow]] = relationship(back_populates="site")


class DeviceRow(Timestamped, Base):
    __tablename__ = "devices"
    __table_args__ = (
        UniqueConstraint("site_id", "name", name="uq_devices_site_name"),
        Index("ix_devices_serial", "serial"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    vendor: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(100))
    room: Mapped[str | None] = mapped_column(String(100))
    rack: Mapped[str | None] = mapped_column(String(100))
    rack_unit: Mapped[str | None] = mapped_column(String(32))
    covered: Mapped[bool] = mapped_column(Boolean, default=True)
    driver: Mapped[str | None] = mapped_column(String(64))
    endpoint: Mapped[str | None] = mapped_column(String(300))
    username: Mapped[str | None] = mapped_column(String(100))
    credential: Mapped[str | None] = mapped_column(String(300))
    tls_verify: Mapped[bool] = mapped_column(Boolean, default=True)
    ca_file: Mapped[str | None] = mapped_column(String(500))
    fingerprint: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    options: Mapped[str | None] = mapped_column(Text)  # driver options as canonical JSON

    site: Mapped[SiteRow] = relationship(back_populates="devices")


class StaffRow(Timestamped, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    skills: Mapped[str] = mapped_column(Text, default="")  # comma-separated tags
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DevicePollRow(Base):
    """The latest recorded poll of a device (one row per device, replaced on every ``health --record``).

    Only the newest report is kept in full: a fleet polled every few minutes
    would otherwise grow by gigabytes a day. Faults and the installed base
    keep the history that matters (first/last seen).
    """

    __tablename__ = "device_polls"

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    polled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    driver: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[float] = mapped_column(Float)
    report: Mapped[str | None] = mapped_column(Text)  # DeviceReport.as_json(), canonical JSON


class ComponentRow(Base):
    """The installed base: every part a driver has reported, by device and slot."""

    __tablename__ = "components"
    __table_args__ = (
        UniqueConstraint("device_id", "kind", "location", name="uq_components_slot"),
        Index("ix_components_serial", "serial"),
        Index("ix_components_part", "part_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    part_number: Mapped[str | None] = mapped_column(String(100))
    spare_part_number: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(100))
    firmware: Mapped[str | None] = mapped_column(String(100))
    capacity_bytes: Mapped[int | None] = mapped_column(BigInteger)
    health: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FaultRow(Base):
    """A fault as the register remembers it: one open row per device slot, however many polls see it."""

    __tablename__ = "faults"
    __table_args__ = (
        Index(
            "uq_faults_open_slot", "device_id", "kind", "location", unique=True,
            sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL"),
        ),
        Index("ix_faults_open", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(200))
    health: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    manufacturer: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    part_number: Mapped[str | None] = mapped_column(String(100))
    spare_part_number: Mapped[str | None] = mapped_column(String(100))
    serial: Mapped[str | None] = mapped_column(String(100))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PartRow(Timestamped, Base):
    """The parts catalogue: one row per orderable part, known by its main part number."""

    __tablename__ = "parts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_number: Mapped[str] = mapped_column(String(100), unique=True)
    vendor: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(300))
    part_class: Mapped[str] = mapped_column(String(32))
    attributes: Mapped[str | None] = mapped_column(Text)  # canonical JSON: capacity, speed, form factor, ...
    annual_failure_rate: Mapped[float | None] = mapped_column(Float)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    consumable: Mapped[bool] = mapped_column(Boolean, default=False)


class PartNumberRow(Base):
    """Other numbers that name the same part: spare/FRU numbers, option kit numbers, vendor aliases."""

    __tablename__ = "part_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # spare, option, fru, other


class PartSubstituteRow(Base):
    """A declared functional equivalent (another number or vendor); using one needs the customer's consent."""

    __tablename__ = "part_substitutes"

    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"), primary_key=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="CASCADE"), primary_key=True)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_substitutes_reverse", "substitute_id"),)


class StockUnitRow(Base):
    """One spare in a site's depot (or, for consumables, a quantity of them), and where it went.

    ``status`` walks in_stock -> reserved -> installed; a part taken out of a
    device becomes ``removed`` (in the customer's custody, ``custody_location``
    says where) and may later be ``returned`` to the vendor.
    """

    __tablename__ = "stock_units"
    __table_args__ = (
        Index("uq_stock_serial", "serial", unique=True, sqlite_where=text("serial IS NOT NULL"),
              postgresql_where=text("serial IS NOT NULL")),
        Index("ix_stock_lookup", "part_id", "site_id", "status"),
        Index("ix_stock_number", "part_number", "status"),
        Index("ix_stock_site", "site_id", "status", "part_id"),  # a class of spares per depot (unchecked matches)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[int | None] = mapped_column(ForeignKey("parts.id", ondelete="RESTRICT"))
    part_number: Mapped[str] = mapped_column(String(100))  # as labelled on the part, also when not catalogued
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    serial: Mapped[str | None] = mapped_column(String(100))
    bin: Mapped[str | None] = mapped_column(String(64))
    condition: Mapped[str] = mapped_column(String(16), default="new")  # new, refurbished, used
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    proof_ref: Mapped[str | None] = mapped_column(String(200))  # certificate or invoice number
    proof_file: Mapped[str | None] = mapped_column(String(500))
    received_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="in_stock")
    reserved_for: Mapped[str | None] = mapped_column(String(100))  # ticket reference
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    slot: Mapped[str | None] = mapped_column(String(200))
    custody_location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id", ondelete="RESTRICT", name="fk_stock_units_handover"))


class ConsentRow(Base):
    """The customer's agreement to fit a declared substitute in place of a part (for one device or a whole site)."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_lookup", "site_id", "part_id", "substitute_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="RESTRICT"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("parts.id", ondelete="RESTRICT"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))
    agreed_by: Mapped[str] = mapped_column(String(100))
    agreed_on: Mapped[date] = mapped_column(Date)
    document_ref: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SwapRow(Base):
    """One part replaced in a device slot: the spare that went in, the part that came out, and its check."""

    __tablename__ = "swaps"
    __table_args__ = (Index("ix_swaps_device", "device_id", "swapped_at"), Index("ix_swaps_ticket", "ticket"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(200))
    installed_unit_id: Mapped[int] = mapped_column(ForeignKey("stock_units.id", ondelete="RESTRICT"))
    removed_unit_id: Mapped[int | None] = mapped_column(ForeignKey("stock_units.id", ondelete="RESTRICT"))
    fit: Mapped[str] = mapped_column(String(16))  # exact, alias, substitute, unchecked
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id", ondelete="RESTRICT"))
    fault_id: Mapped[int | None] = mapped_column(ForeignKey("faults.id", ondelete="SET NULL"))  # the fault it closed
    from_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    ticket: Mapped[str | None] = mapped_column(String(100))
    technician: Mapped[str] = mapped_column(String(100))
    swapped_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verification: Mapped[str] = mapped_column(String(16), default="not_checked")  # verified, unverified
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verify_message: Mapped[str | None] = mapped_column(Text)


class HandoverRow(Base):
    """Removed parts handed to the customer (who took them, when, against which receipt)."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    received_by: Mapped[str] = mapped_column(String(100))
    handed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    document_ref: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)


class TicketRow(Base):
    """A fault ticket from the hotline call to the verified, signed maintenance form.

    The SLA columns are kept current by every transition so that "which tickets breach within two hours"
    is one indexed range scan over ``sla_due_at`` (NULL while the clock does not run), however many
    tickets the store holds; the clock itself is :func:`dcmaint.domain.sla.measure`.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_due", "sla_due_at", sqlite_where=text("sla_due_at IS NOT NULL"),
              postgresql_where=text("sla_due_at IS NOT NULL")),  # only running clocks: small, whatever the history
        Index("ix_tickets_state", "state", "site_id"),
        Index("ix_tickets_verified", "verified_at", "assignee_id"),
        Index("ix_tickets_reported", "reported_at"),
        Index("ix_tickets_assignee", "assignee_id", "state"),
        Index("uq_tickets_fault", "fault_id", unique=True, sqlite_where=text("fault_id IS NOT NULL"),
              postgresql_where=text("fault_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(String(16))
    caller: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    handling: Mapped[str | None] = mapped_column(String(8))  # remote, onsite
    fault_id: Mapped[int | None] = mapped_column(ForeignKey("faults.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sla_hours: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    sla_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    restored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_met: Mapped[bool | None] = mapped_column(Boolean)
    sla_elapsed_seconds: Mapped[float | None] = mapped_column(Float)  # handling time that counted, set on restore
    actions: Mapped[str | None] = mapped_column(Text)
    time_spent_minutes: Mapped[int | None] = mapped_column(Integer)
    signed_by: Mapped[str | None] = mapped_column(String(100))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    verified_by: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TicketDeviceRow(Base):
    __tablename__ = "ticket_devices"
    __table_args__ = (PrimaryKeyConstraint("ticket_id", "device_id"), Index("ix_ticket_devices_device", "device_id"))

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))


class TicketPauseRow(Base):
    """A stretch when the SLA clock stood still, for a reason the contract allows."""

    __tablename__ = "ticket_pauses"
    __table_args__ = (Index("ix_ticket_pauses_ticket", "ticket_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class TicketEventRow(Base):
    """Everything that happened to a ticket, in order: transitions, escalations, follow-ups, notes."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(24))
    state_from: Mapped[str | None] = mapped_column(String(16))
    state_to: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)


class AuditRow(Base):
    """One change. Append-only; each row's hash covers the previous row's hash."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_key"), Index("ix_audit_at", "at"))

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    command: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    before: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    after: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The chain's tip, so that deleting the newest rows is detected too. Exactly one row."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


# Conversions to the domain records the rest of the program uses.


def site_record(row: SiteRow) -> Site:
    return Site(
        row.name, row.customer, row.address, row.contract_no, row.signed_on,
        row.sla_restore_hours, row.depot_deadline_days, row.timezone, row.calendar,
    )


def device_record(row: DeviceRow) -> Device:
    return Device(
        row.site.name, row.name, row.kind, row.vendor, row.model, row.serial, row.room, row.rack,
        row.rack_unit, row.covered, row.driver, row.endpoint, row.username, row.credential,
        row.tls_verify, row.ca_file, row.fingerprint, row.notes, options_from_text(row.options),
    )


def options_text(options: Mapping[str, str]) -> str | None:
    return json.dumps(dict(sorted(options.items())), ensure_ascii=False) if options else None


def options_from_text(text: str | None) -> dict[str, str]:
    return json.loads(text) if text else {}


def staff_record(row: StaffRow) -> StaffMember:
    return StaffMember(
        row.name, row.role, tuple(s for s in row.skills.split(",") if s), row.phone, row.email, row.active
    )
