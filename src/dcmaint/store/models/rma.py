"""Return to factory: RMAs (a device or a removed part at its vendor) and the loaners that stood in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped


class RmaRow(Timestamped, Base):
    """One unit sent to its vendor: ``ref`` is ours, ``number`` the vendor's; one live RMA per unit."""

    __tablename__ = "rmas"
    __table_args__ = (
        Index(
            "uq_rmas_live_device",
            "device_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL AND device_id IS NOT NULL"),
            postgresql_where=text("closed_at IS NULL AND device_id IS NOT NULL"),
        ),
        Index(
            "uq_rmas_live_part",
            "stock_unit_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL AND stock_unit_id IS NOT NULL"),
            postgresql_where=text("closed_at IS NULL AND stock_unit_id IS NOT NULL"),
        ),
        Index("ix_rmas_site_state", "site_id", "state"),
        Index("ix_rmas_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    vendor: Mapped[str] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(64))
    unit_kind: Mapped[str] = mapped_column(String(16))  # device, part
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))
    stock_unit_id: Mapped[int | None] = mapped_column(ForeignKey("stock_units.id", ondelete="RESTRICT"))
    serial: Mapped[str | None] = mapped_column(String(100))  # the unit's serial when it left
    returned_serial: Mapped[str | None] = mapped_column(String(100))  # a replacement unit's serial
    kept_at: Mapped[str | None] = mapped_column(String(200))  # a part's custody before it left
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"))
    reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    target_date: Mapped[date | None] = mapped_column(Date)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RmaLoanerRow(Base):
    """A loaner registered in the unit's place; ``device_id`` is cleared when it leaves the register, the rest
    stays as its history. ``moved`` keeps the original's management settings the loaner took over."""

    __tablename__ = "rma_loaners"
    __table_args__ = (
        Index("ix_rma_loaners_rma", "rma_id"),
        Index("ix_rma_loaners_device", "device_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("rmas.id", ondelete="RESTRICT"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str] = mapped_column(String(100))
    vendor: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    moved: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the original's driver, endpoint, ...
    installed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
