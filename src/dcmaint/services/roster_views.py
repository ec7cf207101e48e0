"""What ``roster who|check|list|show`` read (writes: :mod:`dcmaint.services.rosters`).

Who is on duty and what is wrong with a roster are decided by
:mod:`dcmaint.domain.rosters` alone; this module fetches the rotations,
overrides and leave, and dresses the answer with phone numbers from the
staff register and times in each site's own zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain import parse
from dcmaint.domain.records import Record
from dcmaint.domain.rosters import Duty, Problem, Rotation, Shift, check, on_duty, roster_shifts
from dcmaint.errors import NotFound
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.store import roster_queries as q
from dcmaint.store.reader import Rows

DEFAULT_CHECK_DAYS = 28
MOST_CHECK = timedelta(days=400)


def _local(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")


@dataclass(frozen=True)
class OnDuty(Record):
    """Who to call at a site: the primary and the secondary on duty, with phone numbers."""

    site: str
    at: str
    primary: str | None
    primary_phone: str | None
    secondary: str | None
    secondary_phone: str | None
    until: str | None
    covering: str | None


@dataclass(frozen=True)
class RotationLine(Record):
    name: str
    site: str
    period: str
    handover: str
    engineers: tuple[str, ...]
    starts_on: str
    ends_on: str | None


@dataclass(frozen=True)
class ShiftLine(Record):
    site: str
    rotation: str
    role: str
    engineer: str
    start: str
    end: str
    covering: str | None


@dataclass(frozen=True)
class ProblemLine(Record):
    kind: str
    site: str
    start: str
    end: str
    engineer: str | None
    detail: str


def rotation_line(rotation: Rotation) -> RotationLine:
    return RotationLine(
        rotation.name,
        rotation.site,
        rotation.period.value,
        rotation.handover.strftime("%H:%M"),
        rotation.engineers,
        rotation.starts_on.isoformat(),
        rotation.ends_on.isoformat() if rotation.ends_on else None,
    )


def shift_line(shift: Shift, zone: str) -> ShiftLine:
    return ShiftLine(
        shift.site,
        shift.rotation,
        shift.role.value,
        shift.engineer,
        _local(shift.start, zone),
        _local(shift.end, zone),
        shift.covering,
    )


def _zones(rows: Rows, site: str | None) -> dict[str, str]:
    zones = q.site_zones(rows, site)
    if site is not None and not zones:
        raise NotFound(_("unknown site {name!r}").format(name=site))
    return zones


def _instant(text: str | None, zone: str, now: datetime) -> datetime:
    return now if text is None else parse.site_datetime(text, "--at", zone)


def duty_at(rows: Rows, site: str, zone: str, at: datetime) -> Duty:
    """The domain's answer for one site at one instant, from the store (also used inside a write)."""
    # An override starting or ending within the current turn decides when the duty changes hands.
    around = timedelta(days=8)
    return on_duty(
        site,
        q.rotations(rows, site),
        q.overrides(rows, site, at - around, at + around),
        at,
        q.holiday_shifts(rows, site, at, at + timedelta(seconds=1)),
    )


def who(context: Context, site: str | None = None, at: str | None = None, now: datetime | None = None) -> list[OnDuty]:
    """Primary and secondary on duty at ``site`` (or every site with a rotation), now or ``at`` (entry point).

    ``at`` is read in each site's own zone when it has no offset.
    """
    now = now or datetime.now(UTC)
    with context.read() as reader:
        zones = _zones(reader, site)
        phones = q.phones(reader)
        out = []
        for name, zone in zones.items():
            when = _instant(at, zone, now)
            duty = duty_at(reader, name, zone, when)
            primary, secondary = duty.primary, duty.secondary
            out.append(
                OnDuty(
                    name,
                    _local(when, zone),
                    primary.engineer if primary else None,
                    phones.get(primary.engineer) if primary else None,
                    secondary.engineer if secondary else None,
                    phones.get(secondary.engineer) if secondary else None,
                    _local(primary.end, zone) if primary else None,
                    primary.covering if primary else None,
                )
            )
        return out


def _window(start: str | None, end: str | None, zone: str, now: datetime) -> tuple[datetime, datetime]:
    lo = parse.site_datetime(start, "--from", zone) if start else now
    hi = parse.site_datetime(end, "--to", zone) if end else lo + timedelta(days=DEFAULT_CHECK_DAYS)
    if hi <= lo:
        from dcmaint.errors import UsageError

        raise UsageError(
            _("the range ends ({end}) before it starts ({start})").format(end=end or hi.isoformat(), start=start)
        )
    if hi - lo > MOST_CHECK:
        from dcmaint.errors import UsageError

        raise UsageError(_("the range is longer than {days} days").format(days=MOST_CHECK.days))
    return lo, hi


def problems(
    context: Context,
    site: str | None,
    start: str | None,
    end: str | None,
    most: timedelta,
    now: datetime | None = None,
) -> list[ProblemLine]:
    """Every gap, overlap, double booking, over-long stretch and leave collision over the range (entry point).

    Without ``--from`` the range starts now; without ``--to`` it runs :data:`DEFAULT_CHECK_DAYS` days.
    Times without an offset are read in the site's zone (UTC when checking every site at once).
    """
    now = now or datetime.now(UTC)
    with context.read() as reader:
        zones = _zones(reader, site)
        lo, hi = _window(start, end, zones[site] if site else "UTC", now)
        found: Sequence[Problem] = check(
            zones,
            q.rotations(reader, site),
            q.overrides(reader, site, lo, hi),
            q.leave(reader, (lo - timedelta(days=1)).date(), (hi + timedelta(days=1)).date()),
            lo,
            hi,
            most,
            q.holiday_shifts(reader, site, lo, hi),
        )
    return [
        ProblemLine(
            p.kind.value,
            p.site,
            _local(p.start, zones.get(p.site, "UTC")),
            _local(p.end, zones.get(p.site, "UTC")),
            p.engineer,
            p.detail,
        )
        for p in found
    ]


def rotations(context: Context, site: str | None = None) -> list[RotationLine]:
    """Rotations by name, of one site or all (entry point)."""
    with context.read() as reader:
        if site is not None:
            _zones(reader, site)
        return [rotation_line(r) for r in q.rotations(reader, site)]


def rotation(
    context: Context, name: str, days: int = 7, now: datetime | None = None
) -> tuple[RotationLine, list[ShiftLine]]:
    """One rotation and its shifts over the next ``days`` days, overrides applied (entry point)."""
    now = now or datetime.now(UTC)
    with context.read() as reader:
        found = q.rotations(reader, name=name)
        if not found:
            raise NotFound(_("unknown rotation {name!r}").format(name=name))
        item = found[0]
        start = max(now, item.begins)
        end = start + timedelta(days=days)
        shifts = roster_shifts([item], q.overrides(reader, item.site, start, end), start, end)
        return rotation_line(item), [shift_line(s, item.zone) for s in shifts]
