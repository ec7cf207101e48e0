"""Vendor release catalogues: what a vendor released, for which models, and which issues it fixes.

A catalogue is a TOML or JSON file per vendor (examples in ``configs/releases/``)::

    vendor = "HPE"

    [[release]]
    models = ["ProLiant DL380 Gen10*", "ProLiant DL360 Gen10*"]
    component = "iLO 5"          # a name the driver reports in DeviceIdentity.firmware
    version = "3.08"
    released = 2024-11-12
    severity = "critical"        # critical, high, medium, low
    url = "https://support.hpe.com/..."
    fixes = [{ id = "CVE-2024-12345", summary = "Remote code execution in the web server" }]

``models`` are patterns (``*`` and ``?``, any case) matched against the
model the device reports. Every field is checked; every bad field is one
problem naming the file, the release and the value, and a file with any
problem stores nothing (:func:`releases`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any

from dcmaint.domain.records import Record
from dcmaint.domain.text import has_control
from dcmaint.i18n import _

MAX_TEXT = 200
MAX_SUMMARY = 500
MAX_FIXES = 200
ISSUE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-/]{0,63}$")
URL = re.compile(r"^https?://[^\s]{3,1000}$")


class ReleaseSeverity(StrEnum):
    """How urgent a release is, as its vendor rates it (``advisory list --severity`` is "at least")."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"critical": 4, "high": 3, "medium": 2, "low": 1}[self.value]


@dataclass(frozen=True)
class Fix:
    """One issue a release fixes: its id (a CVE number, the vendor's own) and a one-line summary."""

    id: str
    summary: str

    def __str__(self) -> str:
        return f"{self.id}: {self.summary}"


@dataclass(frozen=True)
class Release(Record):
    """One release of one component for some models of one vendor.

    >>> r = Release("HPE", ("ProLiant DL380 Gen10*",), "iLO 5", "3.08", date(2024, 11, 12), "critical", (), None)
    >>> r.fits("HPE", "ProLiant DL380 Gen10 Plus", "ilo 5")
    True
    >>> r.fits("Dell Inc.", "ProLiant DL380 Gen10", "iLO 5")
    False
    """

    vendor: str
    models: tuple[str, ...]
    component: str
    version: str
    released: date
    severity: str
    fixes: tuple[Fix, ...]
    url: str | None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What makes a release the same one on re-import: vendor, component, version and its models."""
        return (self.vendor.lower(), self.component.lower(), self.version, "|".join(sorted(self.models)))

    def fits(self, vendor: str | None, model: str | None, component: str) -> bool:
        """Whether this release is for a device of ``vendor`` and ``model`` and names its ``component``."""
        if not vendor or not model or component.strip().lower() != self.component.lower():
            return False
        if not vendor_matches(self.vendor, vendor):
            return False
        return any(fnmatchcase(model.strip().lower(), pattern.lower()) for pattern in self.models)

    def as_json(self) -> dict[str, Any]:
        data = super().as_json()
        data["fixes"] = [{"id": f.id, "summary": f.summary} if isinstance(f, Fix) else f for f in self.fixes]
        return data


def vendor_matches(catalogue: str, reported: str) -> bool:
    """The catalogue's vendor is a word of what the device reports ("Dell" in "Dell Inc.", any case).

    >>> vendor_matches("Dell", "Dell Inc."), vendor_matches("HP", "HPE")
    (True, False)
    """
    words = re.findall(r"[a-z0-9]+", reported.lower())
    wanted = re.findall(r"[a-z0-9]+", catalogue.lower())
    return bool(wanted) and any(words[i : i + len(wanted)] == wanted for i in range(len(words)))


@dataclass(frozen=True)
class Problem:
    """One bad field of a catalogue: where (file, release number) and what."""

    source: str
    where: str
    reason: str

    def line(self) -> str:
        return f"{self.source}, {self.where}: {self.reason}" if self.where else f"{self.source}: {self.reason}"


class _Collector:
    def __init__(self, source: str, where: str) -> None:
        self.source, self.where, self.problems = source, where, list[Problem]()

    def bad(self, reason: str) -> None:
        self.problems.append(Problem(self.source, self.where, reason))

    def text(self, entry: Mapping[str, Any], key: str, most: int = MAX_TEXT, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.bad(_("{key} must be a non-empty string, not {value!r}").format(key=key, value=value))
            return None
        if has_control(value) or len(value) > most:
            self.bad(
                _("{key} {value!r}: control characters or longer than {most}").format(key=key, value=value, most=most)
            )
            return None
        return value.strip()


def _released(c: _Collector, entry: Mapping[str, Any], today: date) -> date | None:
    value = entry.get("released")
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            c.bad(_("released {value!r}: expected a date YYYY-MM-DD").format(value=entry.get("released")))
            return None
    if not isinstance(value, date) or hasattr(value, "hour"):
        c.bad(_("released {value!r}: expected a date YYYY-MM-DD").format(value=value))
        return None
    if value > today:
        c.bad(_("released {value!r} is in the future").format(value=value.isoformat()))
        return None
    return value


def _fixes(c: _Collector, value: object) -> tuple[Fix, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_FIXES:
        c.bad(_("fixes must be a list of {{id, summary}} tables (at most {most})").format(most=MAX_FIXES))
        return ()
    found = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, Mapping):
            c.bad(_("fix {number}: not a table with id and summary").format(number=number))
            continue
        issue = item.get("id")
        if not isinstance(issue, str) or not ISSUE_ID.match(issue.strip()):
            c.bad(_("fix {number}: id {value!r}: letters, digits and . _ : - / (e.g. CVE-2024-1234)").format(
                number=number, value=issue))  # fmt: skip
            continue
        summary = c.text(item, "summary", MAX_SUMMARY)
        if summary is not None and "\n" not in summary:
            found.append(Fix(issue.strip(), summary))
    return tuple(found)


def _models(c: _Collector, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(m, str) and m.strip() and not has_control(m) and len(m) <= MAX_TEXT for m in value)
    ):
        c.bad(_('models {value!r}: a list of model patterns such as "PowerEdge R740*"').format(value=value))
        return ()
    return tuple(sorted({m.strip() for m in value}))


def _release(c: _Collector, vendor: str, entry: Mapping[str, Any], today: date) -> Release | None:
    models = _models(c, entry.get("models"))
    component = c.text(entry, "component")
    version = c.text(entry, "version", 100)
    released = _released(c, entry, today)
    severity = entry.get("severity")
    if not isinstance(severity, str) or severity.strip().lower() not in ReleaseSeverity._value2member_map_:
        c.bad(_("severity {value!r}: choose one of {choices}").format(
            value=severity, choices=", ".join(s.value for s in ReleaseSeverity)))  # fmt: skip
        severity = None
    url = c.text(entry, "url", 1000, required=False)
    if url is not None and not URL.match(url):
        c.bad(_("url {value!r}: expected an http(s) address").format(value=url))
    fixes = _fixes(c, entry.get("fixes"))
    unknown = sorted(set(entry) - {"models", "component", "version", "released", "severity", "url", "fixes"})
    if unknown:
        c.bad(_("unknown field {name!r}").format(name=unknown[0]))
    if c.problems or not (models and component and version and released and isinstance(severity, str)):
        return None
    return Release(vendor, models, component, version, released, severity.strip().lower(), fixes, url)


def releases(data: Mapping[str, Any], source: str, today: date) -> tuple[list[Release], list[Problem]]:
    """The releases of one parsed catalogue file, and every problem found in it (each names its field)."""
    top = _Collector(source, "")
    vendor = top.text(data, "vendor", 100)
    entries = data.get("release")
    if not isinstance(entries, list) or not entries:
        top.bad(_("no [[release]] entries"))
        entries = []
    extra = sorted(set(data) - {"vendor", "release"})
    if extra:
        top.bad(_("unknown field {name!r}").format(name=extra[0]))
    problems, found, seen = list(top.problems), list[Release](), set[tuple[str, str, str, str]]()
    for number, entry in enumerate(entries, 1):
        c = _Collector(source, _("release {number}").format(number=number))
        release = _release(c, vendor or "?", entry, today) if isinstance(entry, Mapping) else None
        if not isinstance(entry, Mapping):
            c.bad(_("not a table"))
        if release is not None and release.key in seen:
            c.bad(_("{component} {version} is listed twice").format(component=release.component,
                                                                   version=release.version))  # fmt: skip
        problems += c.problems
        if release is not None and not c.problems:
            seen.add(release.key)
            found.append(release)
    return (found if not problems else []), problems
