"""The registers: customer sites, their devices, and the staff who look after them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcmaint.domain.records import Device, Site, StaffMember
from dcmaint.store.models.base import Base, Timestamped


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


# Conversions to the domain records the rest of the program uses.


def site_record(row: SiteRow) -> Site:
    return Site(
        row.name,
        row.customer,
        row.address,
        row.contract_no,
        row.signed_on,
        row.sla_restore_hours,
        row.depot_deadline_days,
        row.timezone,
        row.calendar,
    )


def device_record(row: DeviceRow) -> Device:
    return Device(
        row.site.name,
        row.name,
        row.kind,
        row.vendor,
        row.model,
        row.serial,
        row.room,
        row.rack,
        row.rack_unit,
        row.covered,
        row.driver,
        row.endpoint,
        row.username,
        row.credential,
        row.tls_verify,
        row.ca_file,
        row.fingerprint,
        row.notes,
        options_from_text(row.options),
    )


def options_text(options: Mapping[str, str]) -> str | None:
    return json.dumps(dict(sorted(options.items())), ensure_ascii=False) if options else None


def options_from_text(text: str | None) -> dict[str, str]:
    return json.loads(text) if text else {}


def staff_record(row: StaffRow) -> StaffMember:
    return StaffMember(
        row.name, row.role, tuple(s for s in row.skills.split(",") if s), row.phone, row.email, row.active
    )
