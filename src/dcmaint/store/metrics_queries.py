"""Read queries of the Prometheus exporter: the latest recorded health of a whole fleet, a few grouped queries.

Each query covers every device of the selected sites at once (no query per
device), so a scrape of a thousand devices costs the same handful of round
trips as one of ten. The site filter is an ``IN`` list; no filter means every
site. What the rows mean (status codes, labels) is decided by
:mod:`dcmaint.services.metrics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dcmaint.store.reader import Reader, as_datetime


@dataclass(frozen=True)
class PollLine:
    """The latest recorded poll of one device."""

    site: str
    device: str
    driver: str
    status: str
    error: str | None
    duration: float
    polled_at: datetime


@dataclass(frozen=True)
class ComponentLine:
    """A part as the device's latest successful recorded poll reported it."""

    site: str
    device: str
    driver: str
    kind: str
    location: str
    part_number: str | None
    serial: str | None
    health: str


@dataclass(frozen=True)
class FaultGroup:
    """The open faults of one device with one health: how many, and since when the oldest is open."""

    site: str
    device: str
    driver: str
    health: str
    count: int
    oldest_first_seen: datetime


def _sites(sites: Sequence[str], column: str) -> tuple[str, dict[str, Any]]:
    """`` AND column IN (...)`` and its parameters; nothing for no sites (every site)."""
    if not sites:
        return "", {}
    marks = ", ".join(f":site{i}" for i in range(len(sites)))
    return f" AND {column} IN ({marks})", {f"site{i}": site for i, site in enumerate(sites)}


_DRIVER = "COALESCE(p.driver, d.driver, '')"

_POLLS = """
SELECT s.name AS site, d.name AS device, p.driver, p.status, p.error, p.duration, p.polled_at
FROM device_polls p JOIN devices d ON d.id = p.device_id JOIN sites s ON s.id = d.site_id
WHERE 1 = 1{sites}
ORDER BY s.name, d.name
"""

# A part the latest successful poll no longer reported (pulled, or its slot renamed) keeps an older last_seen:
# only the parts seen at the device's newest last_seen are installed now. A failed poll updates no part.
_COMPONENTS = """
SELECT s.name AS site, d.name AS device, {driver} AS driver, c.kind, c.location, c.part_number, c.serial, c.health
FROM components c
JOIN (SELECT device_id, MAX(last_seen) AS seen FROM components GROUP BY device_id) latest
  ON latest.device_id = c.device_id AND latest.seen = c.last_seen
JOIN devices d ON d.id = c.device_id JOIN sites s ON s.id = d.site_id
LEFT JOIN device_polls p ON p.device_id = d.id
WHERE c.health <> 'absent'{sites}
ORDER BY s.name, d.name, c.kind, c.location
"""

_FAULTS = """
SELECT s.name AS site, d.name AS device, {driver} AS driver, f.health, COUNT(*) AS faults,
       MIN(f.first_seen) AS oldest
FROM faults f JOIN devices d ON d.id = f.device_id JOIN sites s ON s.id = d.site_id
LEFT JOIN device_polls p ON p.device_id = d.id
WHERE f.closed_at IS NULL{sites}
GROUP BY s.name, d.name, p.driver, d.driver, f.health
ORDER BY s.name, d.name, f.health
"""


def polls(reader: Reader, sites: Sequence[str] = ()) -> list[PollLine]:
    """The latest recorded poll of every device of ``sites`` that was ever recorded."""
    where, params = _sites(sites, "s.name")
    return [
        PollLine(
            site=r["site"],
            device=r["device"],
            driver=r["driver"],
            status=r["status"],
            error=r["error"],
            duration=float(r["duration"]),
            polled_at=as_datetime(r["polled_at"]),
        )
        for r in reader.rows(_POLLS.format(sites=where), params)
    ]


def components(reader: Reader, sites: Sequence[str] = ()) -> list[ComponentLine]:
    """The fitted parts (not the empty bays) of every device of ``sites``, as last reported."""
    where, params = _sites(sites, "s.name")
    return [
        ComponentLine(
            site=r["site"],
            device=r["device"],
            driver=r["driver"],
            kind=r["kind"],
            location=r["location"],
            part_number=r["part_number"],
            serial=r["serial"],
            health=r["health"],
        )
        for r in reader.rows(_COMPONENTS.format(driver=_DRIVER, sites=where), params)
    ]


def open_fault_groups(reader: Reader, sites: Sequence[str] = ()) -> list[FaultGroup]:
    """Open faults counted per device and health, with the oldest one's first sighting."""
    where, params = _sites(sites, "s.name")
    return [
        FaultGroup(
            site=r["site"],
            device=r["device"],
            driver=r["driver"],
            health=r["health"],
            count=int(r["faults"]),
            oldest_first_seen=as_datetime(r["oldest"]),
        )
        for r in reader.rows(_FAULTS.format(driver=_DRIVER, sites=where), params)
    ]


def site_names(reader: Reader, sites: Sequence[str] = ()) -> list[str]:
    """The names of ``sites`` that exist (every site's, for none), in order."""
    where, params = _sites(sites, "s.name")
    return [r["name"] for r in reader.rows(f"SELECT s.name FROM sites s WHERE 1 = 1{where} ORDER BY s.name", params)]
