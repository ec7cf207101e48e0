"""Advisories: what a device runs against what its vendor has released since, and stale signatures.

Pure rules, read by ``dcmaint advisory list`` (docs/changes.md):

- A device's installed versions are its latest archive version's firmware,
  else its latest poll's ``DeviceIdentity.firmware`` (:class:`Installed`).
- A release is for the device when its vendor is a word of the reported
  vendor, one of its model patterns matches the reported model and its
  component is a firmware name the device reports.
- The device is behind when its version is OLDER than such a release that
  fixes issues (:mod:`dcmaint.domain.versions`). One line per component: the
  newest such release is the target; the severity is the highest of all the
  releases it is behind (skipping one does not make it safe) and the fixed
  issues are all of theirs.
- A release whose version cannot be compared with the installed one gives an
  ``unknown`` line, never an advisory.
- Antivirus and virus-gateway signatures: a driver reports them in its
  archive snapshot's ``system`` section under ``signatures`` (docs/plugins.md):
  ``{"antivirus": {"updated": "2026-12-01T03:00:00+00:00", "version": "..."}}``.
  One older than the site's maximum age (default 7 days) is a ``high``
  advisory; one with no readable date is ``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from dcmaint.domain.records import Record
from dcmaint.domain.releases import Release, ReleaseSeverity
from dcmaint.domain.versions import Order, compare, sort_key

SIGNATURES_KEY = "signatures"  # archive snapshot: system.signatures.NAME.updated (ISO 8601)
DEFAULT_SIGNATURE_AGE = timedelta(days=7)
STALE_SEVERITY = ReleaseSeverity.HIGH


class AdvisoryKind(StrEnum):
    FIRMWARE = "firmware"  # a firmware or software version behind a release
    SIGNATURE = "signature"  # antivirus / virus-gateway signatures older than allowed


class AdvisoryState(StrEnum):
    BEHIND = "behind"  # an advisory: update
    UNKNOWN = "unknown"  # versions of different shapes, or a signature without a date: look by hand


@dataclass(frozen=True)
class Installed:
    """What a device runs, as the store knows it."""

    site: str
    device: str
    vendor: str | None
    model: str | None
    firmware: Mapping[str, str]
    source: str  # archive, poll
    seen_at: datetime | None
    signatures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AdvisoryLine(Record):
    """One line of ``advisory list``; keys documented in docs/json.md."""

    site: str
    device: str
    kind: str
    component: str
    installed: str | None
    release: str | None  # the newest release it is behind (the target of a change)
    released: str | None
    severity: str | None
    state: str
    fixes: tuple[str, ...]  # "CVE-2024-1234: summary"
    url: str | None
    source: str
    seen_at: datetime | None
    age_days: int | None  # signatures only


def _newest(releases: Sequence[Release]) -> Release:
    return max(releases, key=lambda r: (sort_key(r.version), r.released))


def firmware_lines(device: Installed, releases: Iterable[Release]) -> list[AdvisoryLine]:
    """The firmware advisories (and unknown pairs) of one device."""
    by_component: dict[str, list[Release]] = {}
    for release in releases:
        for name in device.firmware:
            if release.fits(device.vendor, device.model, name):
                by_component.setdefault(name, []).append(release)
    lines = []
    for name, found in sorted(by_component.items()):
        installed = str(device.firmware[name])
        behind = [r for r in found if r.fixes and compare(installed, r.version) is Order.OLDER]
        unknown = [r for r in found if compare(installed, r.version) is Order.UNKNOWN]
        if behind:
            target = _newest(behind)
            worst = max((ReleaseSeverity(r.severity) for r in behind), key=lambda s: s.rank)
            fixes = tuple(dict.fromkeys(str(f) for r in sorted(behind, key=lambda r: r.released) for f in r.fixes))
            lines.append(_line(device, name, installed, target, worst.value, AdvisoryState.BEHIND, fixes))
        elif unknown:
            target = max(unknown, key=lambda r: r.released)
            lines.append(_line(device, name, installed, target, None, AdvisoryState.UNKNOWN, ()))
    return lines


def _line(
    device: Installed,
    name: str,
    installed: str,
    target: Release,
    severity: str | None,
    state: AdvisoryState,
    fixes: tuple[str, ...],
) -> AdvisoryLine:
    return AdvisoryLine(
        device.site,
        device.device,
        AdvisoryKind.FIRMWARE.value,
        name,
        installed,
        target.version,
        target.released.isoformat(),
        severity,
        state.value,
        fixes,
        target.url,
        device.source,
        device.seen_at,
        None,
    )


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if found.tzinfo else None


def signature_lines(device: Installed, now: datetime, max_age: timedelta) -> list[AdvisoryLine]:
    """Signatures older than ``max_age`` at ``now`` (or without a readable, zoned date) of one device."""
    lines = []
    for name, entry in sorted(device.signatures.items()):
        data = entry if isinstance(entry, Mapping) else {}
        updated = _when(data.get("updated"))
        version = data.get("version")
        shown = str(version) if isinstance(version, str | int | float) else None
        if updated is not None and now - updated <= max_age:
            continue
        lines.append(
            AdvisoryLine(
                device.site,
                device.device,
                AdvisoryKind.SIGNATURE.value,
                str(name),
                shown,
                None,
                updated.isoformat() if updated else None,
                STALE_SEVERITY.value if updated else None,
                (AdvisoryState.BEHIND if updated else AdvisoryState.UNKNOWN).value,
                (),
                None,
                device.source,
                device.seen_at,
                (now - updated).days if updated else None,
            )
        )
    return lines


def at_least(lines: Iterable[AdvisoryLine], severity: ReleaseSeverity | None) -> list[AdvisoryLine]:
    """The lines of ``severity`` or worse (all, unknown ones included, when None)."""
    if severity is None:
        return list(lines)
    return [line for line in lines if line.severity and ReleaseSeverity(line.severity).rank >= severity.rank]


def any_behind(lines: Iterable[AdvisoryLine]) -> bool:
    """Whether an advisory stands (``advisory list`` exits 1, for cron); unknown lines alone do not count."""
    return any(line.state == AdvisoryState.BEHIND.value for line in lines)
