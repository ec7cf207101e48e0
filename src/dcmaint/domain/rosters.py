"""Duty rosters: who is on duty at a site at a given time, and what is wrong with a roster over a range.

Contract clause 10 asks for 7x24 service. A site's duty is kept by
rotations: an ordered list of engineers handing over daily or weekly at a
local time; the engineer whose turn it is is the primary, the next one in
the order the secondary. Overrides put one engineer in another's place for a
range (a swap is two overrides), and leave is recorded per person.

Hand-over times are local to the site's zone and turned into instants by
``zoneinfo``: a shift across a DST change abroad is 23 or 25 hours long
because the zone library says so, never by arithmetic of our own.

Everything here is pure: typed frozen dataclasses in, lists out. Where the
rotations come from is ``dcmaint.services.rosters``.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain.sla import format_duration
from dcmaint.errors import UsageError
from dcmaint.i18n import _, value_label


class Period(enum.StrEnum):
    """How often the duty is handed over."""

    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def days(self) -> int:
        return 1 if self is Period.DAILY else 7


class Role(enum.StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class ProblemKind(enum.StrEnum):
    """What ``check`` can find in a roster."""

    GAP = "gap"  # nobody is primary at the site
    OVERLAP = "overlap"  # two rotations give the site two primaries at once
    DOUBLE = "double"  # one engineer on duty twice at once
    STRETCH = "stretch"  # one engineer primary longer than the maximum without a break
    LEAVE = "leave"  # an engineer on duty while on leave


@dataclass(frozen=True)
class Rotation:
    """Engineers taking turns at a site; turn ``k`` starts on ``starts_on + k * period`` at ``handover``."""

    name: str
    site: str
    zone: str
    period: Period
    handover: time
    engineers: tuple[str, ...]
    starts_on: date
    ends_on: date | None = None  # the last hand-over ends the rotation on this day (exclusive)

    def __post_init__(self) -> None:
        if not self.engineers:
            raise UsageError(_("rotation {name!r} has no engineers").format(name=self.name))
        if self.ends_on is not None and self.ends_on <= self.starts_on:
            raise UsageError(
                _("rotation {name!r} ends on {end} before it starts on {start}").format(
                    name=self.name, end=self.ends_on.isoformat(), start=self.starts_on.isoformat()
                )
            )

    def turn_start(self, k: int) -> datetime:
        """The instant turn ``k`` begins, in UTC: local date and time read in the site's zone."""
        day = self.starts_on + timedelta(days=k * self.period.days)
        return datetime.combine(day, self.handover, tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def begins(self) -> datetime:
        return self.turn_start(0)

    @property
    def finishes(self) -> datetime | None:
        if self.ends_on is None:
            return None
        return datetime.combine(self.ends_on, self.handover, tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    def turn_at(self, at: datetime) -> int | None:
        """The turn running at ``at`` (an aware instant), or None outside the rotation."""
        if at < self.begins or (self.finishes is not None and at >= self.finishes):
            return None
        local = at.astimezone(ZoneInfo(self.zone))
        k = (local.date() - self.starts_on).days // self.period.days
        # The local hand-over of turn k may still be ahead of ``at``.
        while k > 0 and self.turn_start(k) > at:
            k -= 1
        while self.turn_start(k + 1) <= at:
            k += 1
        return k

    def engineer(self, k: int, role: Role) -> str | None:
        if role is Role.SECONDARY:
            return self.engineers[(k + 1) % len(self.engineers)] if len(self.engineers) > 1 else None
        return self.engineers[k % len(self.engineers)]


@dataclass(frozen=True)
class Override:
    """``engineer`` covers ``covers`` at ``site`` from ``start`` to ``end`` (aware instants, end exclusive)."""

    site: str
    engineer: str
    covers: str
    start: datetime
    end: datetime
    note: str | None = None

    def __post_init__(self) -> None:
        check_range(self.start, self.end)
        if self.engineer == self.covers:
            raise UsageError(_("{name} cannot cover themselves").format(name=self.engineer))


@dataclass(frozen=True)
class Leave:
    """An engineer away from ``first`` to ``last`` (inclusive local days)."""

    engineer: str
    first: date
    last: date
    note: str | None = None

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise UsageError(
                _("the range ends ({end}) before it starts ({start})").format(
                    end=self.last.isoformat(), start=self.first.isoformat()
                )
            )

    def span(self, zone: str) -> tuple[datetime, datetime]:
        tz = ZoneInfo(zone)
        start = datetime.combine(self.first, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        return start, end


@dataclass(frozen=True)
class Shift:
    """One stretch of duty of one engineer."""

    site: str
    rotation: str
    role: Role
    engineer: str
    start: datetime
    end: datetime
    covering: str | None = None  # whom an override put them in place of

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Duty:
    """Who is on duty at a site at one instant."""

    site: str
    at: datetime
    primary: Shift | None
    secondary: Shift | None


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    site: str
    start: datetime
    end: datetime
    engineer: str | None = None
    detail: str = ""


def check_range(start: datetime, end: datetime) -> None:
    """A range must end after it starts: the one check every command with --from/--to shares."""
    if end <= start:
        raise UsageError(
            _("the range ends ({end}) before it starts ({start})").format(end=end.isoformat(), start=start.isoformat())
        )


def swap(
    site: str, first: str, second: str, first_shift: tuple[datetime, datetime], second_shift: tuple[datetime, datetime]
) -> tuple[Override, Override]:
    """Two engineers trade shifts: ``second`` takes ``first``'s range and ``first`` takes ``second``'s."""
    note = _("swap")
    return (
        Override(site, second, first, first_shift[0], first_shift[1], note),
        Override(site, first, second, second_shift[0], second_shift[1], note),
    )


def base_shifts(rotation: Rotation, start: datetime, end: datetime) -> list[Shift]:
    """The rotation's own shifts (before overrides) that overlap ``[start, end)``, clipped to it."""
    out: list[Shift] = []
    first = rotation.turn_at(max(start, rotation.begins))
    if first is None:
        return out
    k = first
    while True:
        begins, ends = rotation.turn_start(k), rotation.turn_start(k + 1)
        if begins >= end or (rotation.finishes is not None and begins >= rotation.finishes):
            break
        for role in Role:
            who = rotation.engineer(k, role)
            if who is not None:
                out.append(Shift(rotation.site, rotation.name, role, who, max(begins, start), min(ends, end)))
        k += 1
    return out


def apply_overrides(shifts: Iterable[Shift], overrides: Iterable[Override]) -> list[Shift]:
    """Shifts with each override's engineer in the covered engineer's place for the override's range."""
    by_covered: dict[tuple[str, str], list[Override]] = defaultdict(list)
    for override in sorted(overrides, key=lambda o: o.start):
        by_covered[(override.site, override.covers)].append(override)
    out: list[Shift] = []
    for shift in shifts:
        pieces = [shift]
        for override in by_covered.get((shift.site, shift.engineer), ()):
            if override.end <= shift.start or override.start >= shift.end:
                continue
            next_pieces: list[Shift] = []
            for piece in pieces:
                if piece.engineer != shift.engineer or override.end <= piece.start or override.start >= piece.end:
                    next_pieces.append(piece)
                    continue
                lo, hi = max(piece.start, override.start), min(piece.end, override.end)
                if piece.start < lo:
                    next_pieces.append(replace(piece, end=lo))
                next_pieces.append(
                    replace(piece, engineer=override.engineer, start=lo, end=hi, covering=shift.engineer)
                )
                if hi < piece.end:
                    next_pieces.append(replace(piece, start=hi))
            pieces = next_pieces
        out.extend(pieces)
    return sorted(out, key=lambda s: (s.start, s.role, s.site))


def holiday_shifts(site: str, zone: str, key: str, day: date, primary: str, secondary: str | None) -> list[Shift]:
    """One day of a holiday duty roster as shifts: the site's local day, midnight to midnight."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    out = [Shift(site, f"{HOLIDAY_PREFIX}{key}", Role.PRIMARY, primary, start, end)]
    if secondary is not None:
        out.append(Shift(site, f"{HOLIDAY_PREFIX}{key}", Role.SECONDARY, secondary, start, end))
    return out


HOLIDAY_PREFIX = "holiday:"


def with_holidays(shifts: Iterable[Shift], fixed: Iterable[Shift]) -> list[Shift]:
    """Rotation shifts with the days of a holiday roster (``fixed``) taken by that roster's engineers.

    A holiday duty roster, once made, says who is on duty on those days: the
    rotation's turns give way for the span of each holiday day at its site.
    """
    fixed = list(fixed)
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for item in fixed:
        spans[item.site].append((item.start, item.end))
    out: list[Shift] = []
    for shift in shifts:
        pieces = [shift]
        for lo, hi in spans.get(shift.site, ()):
            cut: list[Shift] = []
            for piece in pieces:
                if hi <= piece.start or lo >= piece.end:
                    cut.append(piece)
                    continue
                if piece.start < lo:
                    cut.append(replace(piece, end=lo))
                if hi < piece.end:
                    cut.append(replace(piece, start=hi))
            pieces = cut
        out.extend(pieces)
    return out + fixed


def roster_shifts(
    rotations: Iterable[Rotation],
    overrides: Iterable[Override],
    start: datetime,
    end: datetime,
    holidays: Iterable[Shift] = (),
) -> list[Shift]:
    """Every shift of the rotations over ``[start, end)``, holiday duty days and then overrides applied."""
    check_range(start, end)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    base = [shift for rotation in rotations for shift in base_shifts(rotation, start, end)]
    fixed = [
        replace(s, start=max(s.start, start), end=min(s.end, end)) for s in holidays if s.start < end and start < s.end
    ]
    return apply_overrides(with_holidays(base, fixed), overrides)


def on_duty(
    site: str,
    rotations: Iterable[Rotation],
    overrides: Iterable[Override],
    at: datetime,
    holidays: Iterable[Shift] = (),
) -> Duty:
    """Primary and secondary at ``site`` at the instant ``at`` (either None when nobody is).

    Each shift found runs to its real end (the next hand-over, or the start
    or end of an override within the turn), so "until" can be shown.
    """
    base: list[Shift] = []
    for rotation in rotations:
        k = rotation.turn_at(at) if rotation.site == site else None
        if k is None:
            continue
        begins, ends = rotation.turn_start(k), rotation.turn_start(k + 1)
        if rotation.finishes is not None:
            ends = min(ends, rotation.finishes)
        for role in Role:
            who = rotation.engineer(k, role)
            if who is not None:
                base.append(Shift(rotation.site, rotation.name, role, who, begins, ends))
    fixed = [s for s in holidays if s.site == site and s.start <= at < s.end]
    shifts = [
        s
        for s in apply_overrides(with_holidays(base, fixed), [o for o in overrides if o.site == site])
        if s.start <= at < s.end
    ]
    primary = next((s for s in shifts if s.role is Role.PRIMARY), None)
    secondary = next((s for s in shifts if s.role is Role.SECONDARY), None)
    return Duty(site, at, primary, secondary)


def _gaps_and_overlaps(site: str, primaries: Sequence[Shift], start: datetime, end: datetime) -> list[Problem]:
    problems: list[Problem] = []
    cursor = start
    running: Shift | None = None
    for shift in sorted(primaries, key=lambda s: (s.start, s.end)):
        if shift.start > cursor:
            problems.append(Problem(ProblemKind.GAP, site, cursor, shift.start))
        if running is not None and shift.start < running.end and shift.rotation != running.rotation:
            problems.append(
                Problem(
                    ProblemKind.OVERLAP,
                    site,
                    shift.start,
                    min(shift.end, running.end),
                    shift.engineer,
                    _("{one} ({first}) and {other} ({second})").format(
                        one=running.engineer, first=running.rotation, other=shift.engineer, second=shift.rotation
                    ),
                )
            )
        if running is None or shift.end > running.end:
            running = shift
        cursor = max(cursor, shift.end)
    if cursor < end:
        problems.append(Problem(ProblemKind.GAP, site, cursor, end))
    return problems


def _doubles(shifts: Sequence[Shift]) -> list[Problem]:
    problems: list[Problem] = []
    by_engineer: dict[str, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_engineer[shift.engineer].append(shift)
    for engineer, own in by_engineer.items():
        own.sort(key=lambda s: (s.start, s.end))
        latest: Shift | None = None
        for shift in own:
            if latest is not None and shift.start < latest.end:
                problems.append(
                    Problem(
                        ProblemKind.DOUBLE,
                        shift.site,
                        shift.start,
                        min(shift.end, latest.end),
                        engineer,
                        _("{first} at {site1} and {second} at {site2}").format(
                            first=value_label(Role, latest.role),
                            site1=latest.site,
                            second=value_label(Role, shift.role),
                            site2=shift.site,
                        ),
                    )
                )
            if latest is None or shift.end > latest.end:
                latest = shift
    return problems


def _stretches(shifts: Sequence[Shift], most: timedelta) -> list[Problem]:
    """Primary duty of one engineer without a break (shifts end to end) longer than ``most``."""
    problems: list[Problem] = []
    by_engineer: dict[str, list[Shift]] = defaultdict(list)
    for shift in shifts:
        if shift.role is Role.PRIMARY:
            by_engineer[shift.engineer].append(shift)
    for engineer, own in by_engineer.items():
        own.sort(key=lambda s: s.start)
        begin: Shift | None = None
        end: datetime | None = None
        pending: list[Shift | None] = [*own, None]
        for item in pending:
            if item is not None and end is not None and item.start <= end:
                end = max(end, item.end)
                continue
            if begin is not None and end is not None and end - begin.start > most:
                problems.append(
                    Problem(
                        ProblemKind.STRETCH, begin.site, begin.start, end, engineer, format_duration(end - begin.start)
                    )
                )
            if item is not None:
                begin, end = item, item.end
    return problems


def _leave_collisions(shifts: Sequence[Shift], leave: Iterable[Leave], zones: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    by_engineer: dict[str, list[Leave]] = defaultdict(list)
    for item in leave:
        by_engineer[item.engineer].append(item)
    for shift in shifts:
        for item in by_engineer.get(shift.engineer, ()):
            lo, hi = item.span(zones.get(shift.site, "UTC"))
            if lo < shift.end and shift.start < hi:
                problems.append(
                    Problem(
                        ProblemKind.LEAVE,
                        shift.site,
                        max(lo, shift.start),
                        min(hi, shift.end),
                        shift.engineer,
                        _("on leave {first} to {last}").format(
                            first=item.first.isoformat(), last=item.last.isoformat()
                        ),
                    )
                )
    return problems


def check(
    sites: dict[str, str],
    rotations: Iterable[Rotation],
    overrides: Iterable[Override],
    leave: Iterable[Leave],
    start: datetime,
    end: datetime,
    most: timedelta,
    holidays: Iterable[Shift] = (),
) -> list[Problem]:
    """Everything wrong with the duty at ``sites`` (name -> zone) over ``[start, end)``, in time order.

    A gap is a time at a site with no primary; an overlap, two rotations of
    one site giving two primaries at once; a double, one engineer on duty
    twice at once (at two sites, or primary and secondary); a stretch, one
    engineer primary without a break for longer than ``most``; leave, an
    engineer on duty on a day of their leave.
    """
    check_range(start, end)
    rotations = [r for r in rotations if r.site in sites]
    shifts = roster_shifts(
        rotations, [o for o in overrides if o.site in sites], start, end, [h for h in holidays if h.site in sites]
    )
    problems: list[Problem] = []
    for site in sites:
        problems += _gaps_and_overlaps(
            site, [s for s in shifts if s.site == site and s.role is Role.PRIMARY], start, end
        )
    problems += _doubles(shifts)
    problems += _stretches(shifts, most)
    problems += _leave_collisions(shifts, leave, sites)
    return sorted(problems, key=lambda p: (p.start, p.site, p.kind.value, p.engineer or ""))
