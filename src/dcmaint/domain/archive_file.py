"""What a device file shows, as plain records: filled by ``dcmaint.services.archive_views``, worded by
``dcmaint.forms.device_file`` and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dcmaint.domain.archive import ArchiveContent, ChangeKind
from dcmaint.domain.records import Device, Site
from dcmaint.domain.swaps import SwapRecord


@dataclass(frozen=True)
class VersionLine:
    """A version and what changed since the one before (empty for the first)."""

    version: int
    taken_at: datetime
    source: str
    actor: str
    content_hash: str
    changes: dict[ChangeKind, int]

    def as_json(self) -> dict[str, object]:
        """Keys documented in docs/archive.md."""
        return {
            "version": self.version,
            "taken_at": self.taken_at.isoformat(),
            "source": self.source,
            "actor": self.actor,
            "content_hash": self.content_hash,
            "changes": {kind.value: count for kind, count in self.changes.items()},
        }


@dataclass(frozen=True)
class DeviceTicket:
    """A ticket that names the device, as its file lists it."""

    ref: str
    state: str
    severity: str
    reported_at: datetime
    restored_at: datetime | None
    description: str


@dataclass(frozen=True)
class DeviceFile:
    """Everything the device file shows: the device and its site, one version (``version``, ``taken_at``,
    ``content``), every version, the swaps on the device and the tickets that name it."""

    device: Device
    site: Site
    version: int
    taken_at: datetime
    content: ArchiveContent
    versions: tuple[VersionLine, ...]
    swaps: tuple[SwapRecord, ...]
    tickets: tuple[DeviceTicket, ...]
