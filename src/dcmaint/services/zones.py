"""Site time zones beside what a list or show reads, so that tables show each time as the site reads it.

Times are stored and carried in UTC (JSON and CSV show them so, ISO 8601);
only a table turns them into the site's local time (docs/cli.md, "Tables").
A read entry point that returns records with times returns them in
:class:`Zoned`, with the zone of every site, from the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from dcmaint.store import queries
from dcmaint.store.reader import Reader

T = TypeVar("T")


@dataclass(frozen=True)
class Zoned(Generic[T]):
    """What an entry point read (``items``), and each site's IANA time zone (``zones``, by site name)."""

    items: T
    zones: Mapping[str, str]


def site_zones(reader: Reader) -> dict[str, str]:
    """Every site's time zone, by site name (a few rows: sites are machine rooms under contract)."""
    return {site.name: site.timezone for site in queries.sites(reader)}
