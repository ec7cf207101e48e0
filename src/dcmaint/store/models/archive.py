"""The device archive (设备档案): every version of every device's file, kept for good.

A version is never changed or deleted once written: the archive is what the
customer is shown as the history of a machine, so a later version is added
instead. :func:`refuse_changes` makes the session itself refuse an update or
a delete of a version, whoever asks (``dcmaint.services.archive`` only ever
adds rows).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from dcmaint.errors import StoreError
from dcmaint.store.models.base import Base


class ArchiveVersionRow(Base):
    """One version of one device's file: the content as canonical JSON and its SHA-256.

    ``polled_hash`` covers what the driver reported (identity, parts, firmware, settings) and ``manual`` holds
    the manual fields alone, so that ``health --record`` tells a changed device from an unchanged one with one
    small query per batch instead of reading every device's whole document.
    """

    __tablename__ = "archive_versions"
    __table_args__ = (
        UniqueConstraint("device_id", "version", name="uq_archive_versions_device_version"),
        Index("ix_archive_versions_taken", "taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16))  # poll, manual
    actor: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)  # canonical JSON of dcmaint.domain.archive.ArchiveContent
    content_hash: Mapped[str] = mapped_column(String(64))
    polled_hash: Mapped[str] = mapped_column(String(64))
    manual: Mapped[str] = mapped_column(Text)  # canonical JSON of the manual fields


class AppendOnly(StoreError):
    """Raised by the session when code tries to change or delete an archive version (a bug, reported in one
    line like any store error, and the transaction rolled back)."""


@event.listens_for(Session, "before_flush")
def refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    """An archive version is history: the session refuses to update or delete one."""
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, ArchiveVersionRow) and (row in session.deleted or session.is_modified(row)):
            raise AppendOnly(f"archive version {row.version} of device {row.device_id} is history: add a new one")
