"""Inspections (巡检): plans agreed with the customer, runs, each device's result and the findings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base


class InspectionPlanRow(Base):
    """How often a site is inspected and when next: ``frequency`` as ``domain.inspections.parse_frequency``
    stores it, ``scope`` the device kinds covered (comma-separated; empty: every kind)."""

    __tablename__ = "inspection_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    frequency: Mapped[str] = mapped_column(String(32))
    next_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text, default="")
    agreed_with: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InspectionRunRow(Base):
    """One inspection of a site: when, by whom, its site score."""

    __tablename__ = "inspection_runs"
    __table_args__ = (Index("ix_inspection_runs_site", "site_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_plans.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    engineer: Mapped[str | None] = mapped_column(String(100))
    answers_file: Mapped[str | None] = mapped_column(String(300))
    score: Mapped[int | None] = mapped_column(Integer)


class InspectionResultRow(Base):
    """A device's result in a run (``device_id`` None: the machine room): its poll status, checklist answers
    (canonical JSON) and score."""

    __tablename__ = "inspection_results"
    __table_args__ = (Index("ix_inspection_results_run", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inspection_runs.id", ondelete="CASCADE"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[str] = mapped_column(Text, default="[]")
    score: Mapped[int] = mapped_column(Integer)


class InspectionFindingRow(Base):
    """Something an inspection found and what became of it (``domain.inspections.Outcome``)."""

    __tablename__ = "inspection_findings"
    __table_args__ = (Index("ix_inspection_findings_run", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inspection_runs.id", ondelete="CASCADE"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(String(300))
    health: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    downtime_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    fault_id: Mapped[int | None] = mapped_column(ForeignKey("faults.id", ondelete="SET NULL"))
    ticket_ref: Mapped[str | None] = mapped_column(String(32))
