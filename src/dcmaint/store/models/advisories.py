"""Advisories and changes: the vendors' releases as imported, each site's signature age, and change requests.

Releases are what ``advisory import`` stored: a user's installation has no
``configs/`` folder, so nothing reads catalogue files at run time. A change
request and its devices move through :mod:`dcmaint.domain.changes`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped


class ReleaseRow(Timestamped, Base):
    """One vendor release; ``models`` and ``fixes`` are canonical JSON, ``models_key`` the sorted patterns."""

    __tablename__ = "releases"
    __table_args__ = (
        UniqueConstraint("vendor_key", "component_key", "version", "models_key", name="uq_releases_release"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor: Mapped[str] = mapped_column(String(100))
    vendor_key: Mapped[str] = mapped_column(String(100))
    models: Mapped[str] = mapped_column(Text)
    models_key: Mapped[str] = mapped_column(String(500))
    component: Mapped[str] = mapped_column(String(200))
    component_key: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    released: Mapped[date] = mapped_column(Date)
    severity: Mapped[str] = mapped_column(String(16))
    fixes: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))  # the file it was imported from, by name


class SignatureAgeRow(Base):
    """A site's own maximum signature age, in days (``advisory signature-age``)."""

    __tablename__ = "signature_ages"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"), primary_key=True)
    max_days: Mapped[int] = mapped_column(Integer)


class ChangeRow(Timestamped, Base):
    """A change request: what, why, when, how to go back, and the customer's word on it."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_state", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(16))
    component: Mapped[str] = mapped_column(String(200))
    target_version: Mapped[str] = mapped_column(String(100))
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="SET NULL"))
    evaluation: Mapped[str] = mapped_column(Text)
    risk: Mapped[str] = mapped_column(String(16))
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rollback_plan: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    approved_by: Mapped[str | None] = mapped_column(String(200))  # the customer's person
    approval_reference: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejected_by: Mapped[str | None] = mapped_column(String(200))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    implemented_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    implemented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rollback_reason: Mapped[str | None] = mapped_column(Text)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChangeDeviceRow(Base):
    """A device a change applies to: the version it ran when requested, and what a poll saw since."""

    __tablename__ = "change_devices"
    __table_args__ = (Index("ix_change_devices_device", "device_id"),)

    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"), primary_key=True)
    version_before: Mapped[str | None] = mapped_column(String(100))
    version_seen: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
