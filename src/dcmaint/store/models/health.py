"""What polls found: the latest poll of each device, the installed base of parts, and faults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base


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
            "uq_faults_open_slot",
            "device_id",
            "kind",
            "location",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
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
