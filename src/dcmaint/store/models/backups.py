"""Backups and drills (contract clause 5): backup policies with their devices and restore tests, drill plans,
drills held and their follow-up actions (``dcmaint backup``, docs/backups.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped, utcnow


class BackupPolicyRow(Timestamped, Base):
    """How one system of a site is backed up, who answers for it, and how often a restore must be proven."""

    __tablename__ = "backup_policies"
    __table_args__ = (Index("ix_backup_policies_site", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    system: Mapped[str] = mapped_column(String(200))
    tool: Mapped[str] = mapped_column(String(200))
    schedule: Mapped[str] = mapped_column(String(100))
    retention: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    owner_name: Mapped[str] = mapped_column(String(200))  # the staff member's name, or the person's when no register
    verify_every: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_reason: Mapped[str | None] = mapped_column(Text)


class BackupPolicyDeviceRow(Base):
    """A device of the register whose data a policy backs up."""

    __tablename__ = "backup_policy_devices"
    __table_args__ = (
        PrimaryKeyConstraint("policy_id", "device_id"),
        Index("ix_backup_policy_devices_device", "device_id"),
    )

    policy_id: Mapped[int] = mapped_column(ForeignKey("backup_policies.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))


class BackupRestoreRow(Base):
    """One restore test (``backup verify``): what was restored, by whom, when, and how it came out."""

    __tablename__ = "backup_restores"
    __table_args__ = (Index("ix_backup_restores_policy", "policy_id", "tested_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("backup_policies.id", ondelete="RESTRICT"))
    tested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    result: Mapped[str] = mapped_column(String(16))
    restored: Mapped[str] = mapped_column(Text)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DrillPlanRow(Timestamped, Base):
    """A disaster scenario rehearsed at a site: how often (or when next), and the RTO and RPO it must meet."""

    __tablename__ = "backup_drill_plans"
    __table_args__ = (Index("ix_backup_drill_plans_site", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    system: Mapped[str] = mapped_column(String(200))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("backup_policies.id", ondelete="RESTRICT"))
    scenario: Mapped[str] = mapped_column(Text)
    every: Mapped[str | None] = mapped_column(String(16))
    next_on: Mapped[date | None] = mapped_column(Date)  # the site's local date of the next drill
    rto_s: Mapped[int] = mapped_column(Integer)
    rpo_s: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_reason: Mapped[str | None] = mapped_column(Text)


class DrillRow(Base):
    """A drill held: the targets in force, what was achieved, the result."""

    __tablename__ = "backup_drills"
    __table_args__ = (
        Index("ix_backup_drills_plan", "plan_id", "drilled_at"),
        Index("ix_backup_drills_site", "site_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("backup_drill_plans.id", ondelete="RESTRICT"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    system: Mapped[str] = mapped_column(String(200))
    policy_id: Mapped[int | None] = mapped_column(ForeignKey("backup_policies.id", ondelete="RESTRICT"))
    scenario: Mapped[str] = mapped_column(Text)
    drilled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    engineer_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    rto_target_s: Mapped[int] = mapped_column(Integer)
    rto_achieved_s: Mapped[int] = mapped_column(Integer)
    rpo_target_s: Mapped[int] = mapped_column(Integer)
    rpo_achieved_s: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DrillActionRow(Base):
    """A follow-up action a drill found: the work, its owner, its due date, and when it was done."""

    __tablename__ = "backup_drill_actions"
    __table_args__ = (Index("ix_backup_drill_actions_drill", "drill_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("backup_drills.id", ondelete="RESTRICT"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    due_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_note: Mapped[str | None] = mapped_column(Text)
