"""``advisory list``, ``advisory releases`` and ``advisory signature-age``: the reads and the one setting.

What each device runs is read from the store (:func:`dcmaint.store.advisory_queries.installed`) and judged
against the releases imported by the pure rules of :mod:`dcmaint.domain.advisories`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dcmaint.domain import advisories
from dcmaint.domain.advisories import DEFAULT_SIGNATURE_AGE, AdvisoryLine
from dcmaint.domain.enums import AuditEntity
from dcmaint.domain.releases import Release, ReleaseSeverity
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import advisory_queries, queries
from dcmaint.store.models.advisories import SignatureAgeRow
from dcmaint.store.reader import Reader

MAX_AGE_DAYS = 366


@dataclass(frozen=True)
class AdvisoryFilter:
    site: str | None = None
    device: str | None = None
    severity: ReleaseSeverity | None = None  # at least


def _check(reader: Reader, where: AdvisoryFilter) -> None:
    if where.site is not None and not any(s.name == where.site for s in queries.sites(reader)):
        raise NotFound(_("unknown site {name!r}").format(name=where.site))
    if where.device is not None and not advisory_queries.devices(reader, where.site, where.device):
        raise NotFound(_("unknown device {name!r}").format(name=where.device))


def advisory_lines(reader: Reader, where: AdvisoryFilter, now: datetime) -> list[AdvisoryLine]:
    """The advisories ``where`` selects, worst first, then by site and device."""
    _check(reader, where)
    releases = advisory_queries.releases(reader)
    ages = advisory_queries.signature_ages(reader)
    site_of = {(d.site, d.name): d.site_id for d in advisory_queries.devices(reader, where.site, where.device)}
    lines: list[AdvisoryLine] = []
    for device in advisory_queries.installed(reader, where.site, where.device):
        lines += advisories.firmware_lines(device, releases)
        days = ages.get(site_of[(device.site, device.device)])
        max_age = timedelta(days=days) if days else DEFAULT_SIGNATURE_AGE
        lines += advisories.signature_lines(device, now, max_age)
    rank = {s.value: s.rank for s in ReleaseSeverity}
    found = advisories.at_least(lines, where.severity)
    return sorted(found, key=lambda line: (-rank.get(line.severity or "", 0), line.site, line.device, line.component))


def advisory_list(context: Context, where: AdvisoryFilter) -> Zoned[list[AdvisoryLine]]:
    """Advisories with the sites' time zones (entry point)."""
    with context.read() as reader:
        return Zoned(advisory_lines(reader, where, datetime.now(UTC)), site_zones(reader))


def release_list(context: Context, vendor: str | None = None) -> list[Release]:
    """The releases imported (entry point)."""
    with context.read() as reader:
        return advisory_queries.releases(reader, vendor)


def max_age(text: str, what: str) -> int:
    """A maximum signature age as typed (``7d``, ``2w``): whole days, 1 to 366.

    >>> max_age("2w", "--max")
    14
    """
    from dcmaint.domain.preventive import Unit, interval

    try:
        span = interval(text, what)
    except UsageError:
        span = None
    if span is None or span.unit not in (Unit.DAYS, Unit.WEEKS) or not 1 <= span.days_at_most <= MAX_AGE_DAYS:
        raise UsageError(
            _("invalid {what} {value!r}: expected days or weeks, e.g. 7d or 2w, at most 366 days").format(
                what=what, value=text
            )
        )
    return span.days_at_most


def set_signature_age(context: Context, site: str, days: int | None) -> int:
    """Set a site's maximum signature age in days, or with None go back to the default (entry point); the age now
    in force."""
    with context.write() as unit:
        row_site = sites.find(unit, site)
        row = unit.session.get(SignatureAgeRow, row_site.id)
        before = {"site": row_site.name, "max_days": row.max_days} if row else None
        key = row_site.name
        if days is None:
            if row is not None:
                unit.session.delete(row)
                unit.record(AuditEntity.SIGNATURE_AGE.value, key, "reset", before, None)
            return DEFAULT_SIGNATURE_AGE.days
        if row is None:
            row = SignatureAgeRow(site_id=row_site.id, max_days=days)
            unit.session.add(row)
        row.max_days = days
        unit.session.flush()
        unit.record(AuditEntity.SIGNATURE_AGE.value, key, "set", before, {"site": key, "max_days": days})
        return days
