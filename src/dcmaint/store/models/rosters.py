"""Duty rosters: rotations with their ordered engineers, overrides, leave, and holiday duty rosters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dcmaint.store.models.base import Base, Timestamped


class RotationRow(Timestamped, Base):
    """Engineers of a site taking turns, handing over daily or weekly at a local time ("HH:MM")."""

    __tablename__ = "roster_rotations"
    __table_args__ = (Index("ix_roster_rotations_site", "site_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(16))
    handover: Mapped[str] = mapped_column(String(5))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class RotationMemberRow(Base):
    """The engineer at ``position`` (0 first) in a rotation's order."""

    __tablename__ = "roster_members"
    __table_args__ = (
        PrimaryKeyConstraint("rotation_id", "position"),
        Index("ix_roster_members_staff", "staff_id"),
    )

    rotation_id: Mapped[int] = mapped_column(ForeignKey("roster_rotations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))


class OverrideRow(Timestamped, Base):
    """One engineer in another's place at a site for a range (a swap is two of them)."""

    __tablename__ = "roster_overrides"
    __table_args__ = (Index("ix_roster_overrides_site", "site_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    covers_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class LeaveRow(Timestamped, Base):
    """An engineer away from ``first_day`` to ``last_day`` (inclusive)."""

    __tablename__ = "staff_leave"
    __table_args__ = (Index("ix_staff_leave_staff", "staff_id", "first_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class HolidayRosterRow(Timestamped, Base):
    """The duty roster of one holiday at one site, and when it went to the customer."""

    __tablename__ = "holiday_rosters"
    __table_args__ = (UniqueConstraint("site_id", "holiday", "year", name="uq_holiday_rosters_site_holiday_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    holiday: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    makeup_days: Mapped[str] = mapped_column(Text, default="")  # ISO dates, comma-separated
    most_running: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    late_reason: Mapped[str | None] = mapped_column(Text)


class HolidayDutyRow(Base):
    """Who keeps one day of a holiday roster."""

    __tablename__ = "holiday_duties"
    __table_args__ = (PrimaryKeyConstraint("roster_id", "day"),)

    roster_id: Mapped[int] = mapped_column(ForeignKey("holiday_rosters.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    primary_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
    secondary_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="RESTRICT"))
