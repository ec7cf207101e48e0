"""Preventive maintenance: the tasks that have a history, their completions, and the sites' own intervals.

A task (a task type applied to a device, or to a site's room) gets its row
the first time something happens to it: a completion, or a fault that brings
it forward. Until then it exists only as its type applied to the register
(``dcmaint.services.pm_views``), so a device registered later has its tasks
without anyone creating them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped, utcnow


class PmTaskRow(Timestamped, Base):
    """One task: its last completion and, when a fault said the part is worn, the fault that brought it forward."""

    __tablename__ = "pm_tasks"
    __table_args__ = (
        Index(
            "uq_pm_tasks_device",
            "device_id",
            "task_type",
            unique=True,
            sqlite_where=text("device_id IS NOT NULL"),
            postgresql_where=text("device_id IS NOT NULL"),
        ),
        Index(
            "uq_pm_tasks_site",
            "site_id",
            "task_type",
            unique=True,
            sqlite_where=text("device_id IS NULL"),
            postgresql_where=text("device_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))
    task_type: Mapped[str] = mapped_column(String(32))
    last_done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    forward_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    forward_fault_id: Mapped[int | None] = mapped_column(ForeignKey("faults.id", ondelete="SET NULL"))
    forward_reason: Mapped[str | None] = mapped_column(Text)


class PmCompletionRow(Base):
    """One ``pm done``: who did it when, what was due, and what it took from the depot."""

    __tablename__ = "pm_completions"
    __table_args__ = (Index("ix_pm_completions_task", "task_id", "done_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("pm_tasks.id", ondelete="RESTRICT"))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    every: Mapped[str] = mapped_column(String(16))  # the interval in force, as typed (3mo)
    consumed: Mapped[str | None] = mapped_column(Text)  # canonical JSON: [{"part_number": ..., "quantity": ...}]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PmIntervalRow(Base):
    """A site's own interval for a task type, agreed with its customer (``pm task interval``)."""

    __tablename__ = "pm_intervals"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"), primary_key=True)
    task_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    every: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
