"""Reading the device archive: the versions of a file, what changed between two, and the whole device file.

Each entry point reads in one transaction. The one-line summary of each
version (what changed since the one before) is a count per kind of change,
worded by whoever shows it: the CLI in the user's language, the device
file in the document's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dcmaint.domain.archive import ArchiveContent, ArchiveDiff, ChangeKind, diff
from dcmaint.domain.archive_file import DeviceFile, VersionLine
from dcmaint.domain.records import Device
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.store import archive_queries, queries, swap_queries
from dcmaint.store.archive_queries import StoredVersion
from dcmaint.store.reader import Reader


@dataclass(frozen=True)
class VersionList:
    device: Device
    timezone: str  # the site's, for showing times
    versions: tuple[VersionLine, ...]


@dataclass(frozen=True)
class DeviceDiff:
    device: Device
    old: int
    new: int
    diff: ArchiveDiff

    def as_json(self) -> dict[str, object]:
        """Keys documented in docs/archive.md."""
        return {
            "site": self.device.site,
            "device": self.device.name,
            "from": self.old,
            "to": self.new,
            "changes": [change.as_json() for change in self.diff.changes],
        }


def _device(reader: Reader, name: str, site: str | None) -> tuple[Device, int]:
    device = queries.device(reader, name, site)
    return device, archive_queries.device_id(reader, device)


def _content(stored: StoredVersion) -> ArchiveContent:
    return ArchiveContent.from_json(json.loads(stored.content))


def _lines(stored: list[StoredVersion]) -> tuple[VersionLine, ...]:
    lines: list[VersionLine] = []
    previous: ArchiveContent | None = None
    for item in stored:
        content = _content(item)
        changes: dict[ChangeKind, int] = diff(previous, content).counts() if previous is not None else {}
        lines.append(VersionLine(item.version, item.taken_at, item.source, item.actor, item.content_hash, changes))
        previous = content
    return tuple(lines)


def _none_yet(device: Device) -> UsageError:
    return UsageError(
        _("device {device!r} has no archive version yet: run dcmaint archive snapshot or archive set").format(
            device=device.name
        )
    )


def listing(context: Context, name: str, site: str | None = None) -> VersionList:
    """Every version of a device's file with what each changed, oldest first (entry point)."""
    with context.read() as reader:
        device, device_id = _device(reader, name, site)
        zone = queries.site(reader, device.site).timezone
        return VersionList(device, zone, _lines(archive_queries.versions(reader, device_id)))


def compare(
    context: Context, name: str, site: str | None = None, old: int | None = None, new: int | None = None
) -> DeviceDiff:
    """What changed from version ``old`` to ``new`` (entry point); by default the last two versions, ``new``
    alone compares it with the one before, ``old`` alone with the latest. A version the device does not have
    is a NotFound naming it."""
    with context.read() as reader:
        device, device_id = _device(reader, name, site)
        numbers = [item.version for item in archive_queries.versions(reader, device_id)]
        if not numbers:
            raise _none_yet(device)
        newest = numbers[-1]
        if new is None:
            new = newest if old is None or old < newest else old
        if old is None:
            old = new - 1
        if old == 0 and new == 1 and len(numbers) == 1:
            raise UsageError(
                _("device {device!r} has one archive version: nothing to compare it with yet").format(
                    device=device.name
                )
            )
        if old < 1:
            raise UsageError(
                _("invalid {what} {value!r}: version 1 is the first, nothing comes before it").format(
                    what="--to", value=str(new)
                )
            )
        before = archive_queries.version(reader, device_id, old, device.name)
        after = archive_queries.version(reader, device_id, new, device.name)
        return DeviceDiff(device, old, new, diff(_content(before), _content(after)))


def device_file(context: Context, name: str, site: str | None = None, version: int | None = None) -> DeviceFile:
    """The device file at ``version`` (default the latest), with every version, swap and ticket (entry point)."""
    with context.read() as reader:
        device, device_id = _device(reader, name, site)
        stored = archive_queries.versions(reader, device_id)
        if not stored:
            raise _none_yet(device)
        chosen = stored[-1] if version is None else archive_queries.version(reader, device_id, version, device.name)
        return DeviceFile(
            device=device,
            site=queries.site(reader, device.site),
            version=chosen.version,
            taken_at=chosen.taken_at,
            content=_content(chosen),
            versions=_lines(stored),
            swaps=tuple(swap_queries.swaps(reader, site=device.site, device=device.name)),
            tickets=tuple(archive_queries.tickets(reader, device_id)),
        )
