"""Emergency plans (应急方案): one row per plan of a site and system, every version of its text, its drills.

A plan's ``content`` is the validated plan as canonical JSON
(:meth:`dcmaint.domain.emergency.Plan.as_json`) and ``source`` the file as it
was given; ``emergency edit`` replaces both and keeps the old ones as a row
of ``emergency_plan_versions``, so that what the team had in hand at a drill
can be read back. A retired plan keeps its name, its versions and its drills.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped, utcnow


class EmergencyPlanRow(Timestamped, Base):
    """One plan: its site, system and name, the version in force and whether it is retired."""

    __tablename__ = "emergency_plans"
    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_emergency_plans_site_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    system: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(48))
    state: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))  # the English title (or the Chinese one when that is all)
    drill_every: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of the version in force
    source: Mapped[str] = mapped_column(Text)  # the plan file as given
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_reason: Mapped[str | None] = mapped_column(Text)


class EmergencyPlanVersionRow(Base):
    """Every version a plan has had, the one in force included (append-only)."""

    __tablename__ = "emergency_plan_versions"

    plan_id: Mapped[int] = mapped_column(ForeignKey("emergency_plans.id", ondelete="RESTRICT"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EmergencyDrillRow(Base):
    """One drill of a plan: when, against which version, how it went, who led it."""

    __tablename__ = "emergency_drills"
    __table_args__ = (Index("ix_emergency_drills_plan", "plan_id", "drilled_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("emergency_plans.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    drilled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    result: Mapped[str] = mapped_column(String(16))
    led_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
