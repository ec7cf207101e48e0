"""Fault tickets with their devices, SLA pauses and events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base


class TicketRow(Base):
    """A fault ticket from the hotline call to the verified, signed maintenance form.

    The SLA columns are kept current by every transition so that "which tickets breach within two hours"
    is one indexed range scan over ``sla_due_at`` (NULL while the clock does not run), however many
    tickets the store holds; the clock itself is :func:`dcmaint.domain.sla.measure`.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index(
            "ix_tickets_due",
            "sla_due_at",
            sqlite_where=text("sla_due_at IS NOT NULL"),
            postgresql_where=text("sla_due_at IS NOT NULL"),
        ),  # only running clocks: small, whatever the history
        Index("ix_tickets_state", "state", "site_id"),
        Index("ix_tickets_verified", "verified_at", "assignee_id"),
        Index("ix_tickets_reported", "reported_at"),
        Index("ix_tickets_assignee", "assignee_id", "state"),
        Index(
            "uq_tickets_fault",
            "fault_id",
            unique=True,
            sqlite_where=text("fault_id IS NOT NULL"),
            postgresql_where=text("fault_id IS NOT NULL"),
        ),
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
    # handling time that counted as of the last step: final once restored, frozen while paused
    sla_elapsed_seconds: Mapped[float | None] = mapped_column(Float)
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
