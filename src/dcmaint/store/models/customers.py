"""The customer record of a site and the desk's visits: preferences, contacts, the visit plan, visits, complaints.

A site's preferences and plan have a row once someone sets them (until then
the defaults of :mod:`dcmaint.domain.customers` apply). Visits and complaints
are history: a visit keeps its contact's name as typed, so removing a contact
leaves what was said to them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped, utcnow


class CustomerProfileRow(Base):
    """What a site's customer prefers (``customer set``)."""

    __tablename__ = "customer_profiles"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    report_format: Mapped[str | None] = mapped_column(String(8))
    followup_within: Mapped[str | None] = mapped_column(String(16))
    complaint_within: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class CustomerContactRow(Timestamped, Base):
    """A person at the customer (``customer contact add``)."""

    __tablename__ = "customer_contacts"
    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_customer_contacts_site_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(16))
    hours: Mapped[str | None] = mapped_column(String(32))


class VisitPlanRow(Timestamped, Base):
    """A site's periodic visits (``visit plan``): every how long, by which channel, since when."""

    __tablename__ = "visit_plans"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    every: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VisitRow(Base):
    """One visit or call of the desk (``visit log``): periodic, or the follow-up of a ticket."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_site_at", "site_id", "at"), Index("ix_visits_ticket", "ticket_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    contact: Mapped[str | None] = mapped_column(String(100))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"))
    score: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ComplaintRow(Base):
    """A complaint a visit recorded, open until resolved (``visit complaint resolve``)."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_state", "state", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
