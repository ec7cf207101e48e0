"""The depot: the parts catalogue, spares in stock, swaps, the customer's consents and handovers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped, utcnow


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
        Index(
            "uq_stock_serial",
            "serial",
            unique=True,
            sqlite_where=text("serial IS NOT NULL"),
            postgresql_where=text("serial IS NOT NULL"),
        ),
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
    handover_id: Mapped[int | None] = mapped_column(
        ForeignKey("handovers.id", ondelete="RESTRICT", name="fk_stock_units_handover")
    )


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
