"""The device archive (设备档案): what a device's file holds, and what changed between two versions.

A version's content is one canonical JSON document: the identity the device
reports, its parts by slot (kind, location, model, part number, serial,
firmware), its firmware versions, the settings its driver keeps for the
archive (RAID layout, system and OS, backup) and the manual fields people
keep (location, purchase and warranty dates, backup software, contacts).
Health and readings stay out: a version changes only when someone changed
the machine or its file, so "no new version" means "nothing was changed".

:func:`diff` is a pure function of two contents; the services store and
read versions, the CLI and the device file word the changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dcmaint.drivers.report import DeviceReport

#: The identity fields a version keeps, in the order a device file shows them.
IDENTITY_FIELDS = ("vendor", "model", "serial", "part_number", "hostname")
#: The driver's archive sections kept as settings (``hardware`` is read from the components instead).
SETTING_SECTIONS = ("raid", "system", "backup")
#: Part attributes compared slot by slot; ``serial`` and ``firmware`` have changes of their own kind.
PART_ATTRIBUTES = ("name", "manufacturer", "model", "part_number", "capacity_bytes")


class VersionSource(StrEnum):
    """Where a version came from: a poll of the device, or a person's ``archive set``."""

    POLL = "poll"
    MANUAL = "manual"


class SnapshotOutcome(StrEnum):
    """What a snapshot did for one device."""

    STORED = "stored"  # its content changed (or it had no version): a new version
    UNCHANGED = "unchanged"  # the same content as its latest version: no version added
    FAILED = "failed"  # it did not answer: nothing stored


class ChangeKind(StrEnum):
    """What kind of change between two versions, in the order a reader wants them."""

    REPLACED = "replaced"  # a slot now holds a part with another serial
    ADDED = "added"  # a part in a slot that was empty
    REMOVED = "removed"  # a slot that is empty now
    FIRMWARE = "firmware"  # a firmware version of the device or of a part
    PART = "part"  # another model, part number or capacity in a slot
    IDENTITY = "identity"  # the device's vendor, model, serial, hostname
    SETTING = "setting"  # RAID layout, system, OS, backup as the driver reports them
    MANUAL = "manual"  # a manual field (location, dates, backup software, contacts)


_ORDER = {kind: rank for rank, kind in enumerate(ChangeKind)}


def canonical(data: Any) -> str:
    """The one JSON spelling of ``data``: sorted keys, no spaces, UTF-8 kept; equal data, equal text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(data: Any) -> str:
    """SHA-256 of the canonical JSON of ``data`` (hex)."""
    return hashlib.sha256(canonical(data).encode("utf-8")).hexdigest()


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A slot label as people order it: "Bay 2" before "Bay 10"."""
    return tuple((0, int(piece)) if piece.isdigit() else (1, piece) for piece in re.split(r"(\d+)", text) if piece)


def _present(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", (), [], {})}


@dataclass(frozen=True)
class ArchivedPart:
    """A part fitted in a slot, as the archive keeps it (no health: a part's health is not its configuration).

    >>> ArchivedPart("disk", "Bay 1", model="ST1200MM0009", serial="W3C0ABCD").as_json()
    {'kind': 'disk', 'location': 'Bay 1', 'model': 'ST1200MM0009', 'serial': 'W3C0ABCD'}
    """

    kind: str
    location: str
    name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    part_number: str | None = None
    serial: str | None = None
    firmware: str | None = None
    capacity_bytes: int | None = None

    @property
    def slot(self) -> tuple[str, str]:
        return (self.kind, self.location)

    def as_json(self) -> dict[str, Any]:
        """The fields that have a value, in declaration order."""
        return _present({name: getattr(self, name) for name in _PART_FIELDS})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArchivedPart:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


#: ArchivedPart's field names, once: a fleet's recording turns tens of thousands of parts into JSON.
_PART_FIELDS = tuple(f.name for f in fields(ArchivedPart))


@dataclass(frozen=True)
class ManualFields:
    """What people keep in the file and no device reports.

    ``room``, ``rack`` and ``rack_unit`` are copied from the device register (``dcmaint device edit``) into each
    version; ``position`` is the place in the room (row, aisle); the rest is set with ``dcmaint archive set``.
    """

    room: str | None = None
    rack: str | None = None
    rack_unit: str | None = None
    position: str | None = None
    purchased: date | None = None
    warranty_until: date | None = None
    backup_software: str | None = None
    contacts: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Every field (None where unset), dates as YYYY-MM-DD, contacts as a list."""
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            data[item.name] = (
                value.isoformat() if isinstance(value, date) else list(value) if isinstance(value, tuple) else value
            )
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ManualFields:
        def day(key: str) -> date | None:
            value = data.get(key)
            return date.fromisoformat(value) if value else None

        return cls(
            room=data.get("room"),
            rack=data.get("rack"),
            rack_unit=data.get("rack_unit"),
            position=data.get("position"),
            purchased=day("purchased"),
            warranty_until=day("warranty_until"),
            backup_software=data.get("backup_software"),
            contacts=tuple(data.get("contacts") or ()),
        )

    def shown(self) -> dict[str, str]:
        """Each field as one line of text ("" where unset): what a diff compares and a device file prints."""
        return {
            key: "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
            for key, value in self.as_json().items()
        }


@dataclass(frozen=True)
class ArchiveContent:
    """One version's document. ``settings`` maps a section (``raid``, ``system``, ``backup``) to its nested data.

    >>> content = ArchiveContent(parts=(ArchivedPart("disk", "Bay 10"), ArchivedPart("disk", "Bay 2")))
    >>> [p.location for p in content.parts]
    ['Bay 2', 'Bay 10']
    >>> ArchiveContent.from_json(content.as_json()) == content
    True
    """

    identity: Mapping[str, str] = field(default_factory=dict)
    parts: tuple[ArchivedPart, ...] = ()
    firmware: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    manual: ManualFields = field(default_factory=ManualFields)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(sorted(self.parts, key=lambda p: (p.kind, _natural(p.location)))))
        object.__setattr__(self, "identity", _present(self.identity))
        object.__setattr__(self, "firmware", dict(sorted(_present(self.firmware).items())))
        object.__setattr__(self, "settings", _present(self.settings))

    def polled_json(self) -> dict[str, Any]:
        """What the driver reported: the part a poll can change."""
        return {
            "identity": dict(self.identity),
            "hardware": [part.as_json() for part in self.parts],
            "firmware": dict(self.firmware),
            "settings": dict(self.settings),
        }

    def as_json(self) -> dict[str, Any]:
        """The whole document, as stored (canonical JSON of this)."""
        return {**self.polled_json(), "manual": self.manual.as_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArchiveContent:
        return cls(
            identity=data.get("identity") or {},
            parts=tuple(ArchivedPart.from_json(item) for item in data.get("hardware") or ()),
            firmware=data.get("firmware") or {},
            settings=data.get("settings") or {},
            manual=ManualFields.from_json(data.get("manual") or {}),
        )

    # Computed once per content (it cannot change): recording compares and stores them for every device polled.
    @cached_property
    def polled_hash(self) -> str:
        return digest(self.polled_json())

    @cached_property
    def stored_text(self) -> str:
        """The document as stored: the canonical JSON of :meth:`as_json` (its hash is :attr:`content_hash`)."""
        return canonical(self.as_json())

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.stored_text.encode("utf-8")).hexdigest()  # digest(self.as_json()), once

    def with_manual(self, manual: ManualFields) -> ArchiveContent:
        return replace(self, manual=manual)


def from_report(report: DeviceReport, manual: ManualFields) -> ArchiveContent:
    """The content a poll gives: parts fitted (absent slots and parts of no known kind left out), the
    identity's and the archive's firmware versions, and the archive's settings sections."""
    from dcmaint.drivers.health import Health

    parts = []
    for component in report.components:
        if component.health is Health.ABSENT:
            continue
        part = component.part
        parts.append(
            ArchivedPart(
                kind=component.kind.value,
                location=component.location,
                name=component.name,
                manufacturer=part.manufacturer if part else None,
                model=part.model if part else None,
                part_number=part.part_number if part else None,
                serial=part.serial if part else None,
                firmware=part.firmware if part else None,
                capacity_bytes=part.capacity_bytes if part else None,
            )
        )
    identity = report.identity.as_json()
    archive = report.archive.as_json() if report.archive is not None else {}
    firmware = {**{k: str(v) for k, v in (archive.get("firmware") or {}).items()}, **dict(report.identity.firmware)}
    return ArchiveContent(
        identity={key: identity[key] for key in IDENTITY_FIELDS if identity.get(key)},
        parts=tuple(_unique(parts)),
        firmware=firmware,
        settings={section: archive[section] for section in SETTING_SECTIONS if archive.get(section)},
        manual=manual,
    )


def _unique(parts: Iterable[ArchivedPart]) -> Iterable[ArchivedPart]:
    """One part per slot: a report that names a slot twice keeps its first reading (as recording does)."""
    seen: set[tuple[str, str]] = set()
    for part in parts:
        if part.slot not in seen:
            seen.add(part.slot)
            yield part


@dataclass(frozen=True)
class Change:
    """One difference between two versions.

    ``subject`` is what changed: a slot ("disk Bay 3"), a firmware ("BIOS"), an identity field, a setting's path
    ("raid.Controller 0.LD 1.level") or a manual field; ``field`` the attribute of a part that changed; ``old``
    and ``new`` as text, None where there was or is nothing.
    """

    kind: ChangeKind
    subject: str
    old: str | None = None
    new: str | None = None
    field: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Keys documented in docs/archive.md."""
        return {"kind": self.kind.value, "subject": self.subject, "field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ArchiveDiff:
    changes: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[ChangeKind, int]:
        """Changes per kind, kinds in their reading order, only kinds that occur."""
        found: dict[ChangeKind, int] = {}
        for change in self.changes:
            found[change.kind] = found.get(change.kind, 0) + 1
        return dict(sorted(found.items(), key=lambda item: _ORDER[item[0]]))


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else canonical(value)


def _slot(part: ArchivedPart) -> str:
    return f"{part.kind} {part.location}"


def _described(part: ArchivedPart) -> str:
    """A part in one line: its model or name, part number and serial, whichever it has."""
    bits = [
        part.model or part.name,
        part.part_number and f"P/N {part.part_number}",
        part.serial and f"S/N {part.serial}",
    ]
    return ", ".join(bit for bit in bits if bit) or "-"


def _parts(old: ArchiveContent, new: ArchiveContent) -> list[Change]:
    before = {part.slot: part for part in old.parts}
    after = {part.slot: part for part in new.parts}
    changes: list[Change] = []
    for slot in sorted(before.keys() | after.keys(), key=lambda slot: (slot[0], _natural(slot[1]))):
        was, now = before.get(slot), after.get(slot)
        if was is None and now is not None:
            changes.append(Change(ChangeKind.ADDED, _slot(now), None, _described(now), "part"))
        elif now is None and was is not None:
            changes.append(Change(ChangeKind.REMOVED, _slot(was), _described(was), None, "part"))
        elif was is not None and now is not None:
            if was.serial != now.serial:
                changes.append(Change(ChangeKind.REPLACED, _slot(now), was.serial, now.serial, "serial"))
            if was.firmware != now.firmware:
                changes.append(Change(ChangeKind.FIRMWARE, _slot(now), was.firmware, now.firmware, "firmware"))
            for name in PART_ATTRIBUTES:
                a, b = getattr(was, name), getattr(now, name)
                if a != b:
                    changes.append(Change(ChangeKind.PART, _slot(now), _text(a), _text(b), name))
    return changes


def _mapping_changes(kind: ChangeKind, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    return [
        Change(kind, key, _text(old.get(key)), _text(new.get(key)))
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    ]


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted paths to their leaves (a list is a leaf: compared whole).

    >>> flatten({"raid": {"LD 1": {"level": "RAID1", "disks": ["Bay 1", "Bay 2"]}}})
    {'raid.LD 1.level': 'RAID1', 'raid.LD 1.disks': ['Bay 1', 'Bay 2']}
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def diff(old: ArchiveContent, new: ArchiveContent) -> ArchiveDiff:
    """What changed from ``old`` to ``new``: parts by slot, firmware, identity, settings, manual fields.

    A slot whose serial changed is a replaced part (old and new serial); a slot only in one version is a part
    added or removed; a firmware version that changed, of the device or of a part, is a firmware change.
    """
    changes = [
        *_parts(old, new),
        *_mapping_changes(ChangeKind.FIRMWARE, old.firmware, new.firmware),
        *_mapping_changes(ChangeKind.IDENTITY, old.identity, new.identity),
        *_mapping_changes(ChangeKind.SETTING, flatten(old.settings), flatten(new.settings)),
        *(
            Change(ChangeKind.MANUAL, key, value or None, new.manual.shown()[key] or None)
            for key, value in old.manual.shown().items()
            if value != new.manual.shown()[key]
        ),
    ]
    return ArchiveDiff(tuple(sorted(changes, key=lambda change: _ORDER[change.kind])))


def check_dates(purchased: date | None, warranty_until: date | None, today: date) -> str | None:
    """What is wrong with the dates of a file, or None: a purchase in the future, a warranty ending before it.

    >>> check_dates(date(2025, 1, 1), date(2024, 12, 31), date(2026, 1, 1))
    'warranty'
    """
    if purchased is not None and purchased > today:
        return "purchased"
    if purchased is not None and warranty_until is not None and warranty_until <= purchased:
        return "warranty"
    return None
