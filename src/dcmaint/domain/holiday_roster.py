"""The holiday duty roster: which engineer keeps each day of a public holiday, fairly.

The State Council's schedule gives each holiday a run of days off (weekends
and the bridging days of 调休 included) and make-up working days around it.
The days off need an engineer on duty by day (primary) and one on call
(secondary); the make-up workdays are ordinary working days and are shown on
the roster so the customer sees them, but nobody is rostered for them here.

Fair means: duty days spread evenly over the team, counting the holiday
days each engineer already kept earlier in the year; nobody on duty more
than ``most_running`` days running; nobody on a day of their leave. The
roster is built day by day, each slot going to the free engineer with the
fewest duty days so far (ties broken by the team's order), which keeps the
counts within one of each other whenever leave and the running limit allow.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dcmaint.errors import DcmaintError, UsageError
from dcmaint.i18n import _


class Holiday(enum.StrEnum):
    """The seven statutory holidays of mainland China."""

    NEW_YEAR = "new-year"
    SPRING_FESTIVAL = "spring-festival"
    QINGMING = "qingming"
    LABOUR_DAY = "labour-day"
    DRAGON_BOAT = "dragon-boat"
    MID_AUTUMN = "mid-autumn"
    NATIONAL_DAY = "national-day"


# Names people type, in English and Chinese, for each holiday (compared without case, spaces and dashes).
HOLIDAY_NAMES: Mapping[Holiday, tuple[str, ...]] = {
    Holiday.NEW_YEAR: ("new year", "new year's day", "元旦"),
    Holiday.SPRING_FESTIVAL: ("spring festival", "chinese new year", "春节"),
    Holiday.QINGMING: ("qingming", "tomb-sweeping day", "tomb sweeping", "清明", "清明节"),
    Holiday.LABOUR_DAY: ("labour day", "labor day", "may day", "劳动节", "五一"),
    Holiday.DRAGON_BOAT: ("dragon boat", "dragon boat festival", "端午", "端午节"),
    Holiday.MID_AUTUMN: ("mid-autumn", "mid-autumn festival", "中秋", "中秋节"),
    Holiday.NATIONAL_DAY: ("national day", "国庆", "国庆节"),
}


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch not in " -_'’")


def holiday_named(text: str) -> Holiday:
    """The holiday a person named, in English or Chinese; an unknown name is bad input."""
    wanted = _folded(text)
    for holiday, names in HOLIDAY_NAMES.items():
        if wanted == _folded(holiday.value) or wanted in {_folded(n) for n in names}:
            return holiday
    raise UsageError(
        _("unknown holiday {name!r}: expected one of {names}").format(
            name=text, names=", ".join(h.value for h in Holiday)
        )
    )


@dataclass(frozen=True)
class HolidayPeriod:
    """A holiday's days off and its make-up working days, as the calendar gives them."""

    name: str  # a Holiday value, or "custom" for a --from/--to range
    year: int
    days_off: tuple[date, ...]
    makeup_workdays: tuple[date, ...] = ()

    @property
    def first_day(self) -> date:
        return self.days_off[0]

    @property
    def last_day(self) -> date:
        return self.days_off[-1]


def holiday_block(anchor: date, is_workday: Mapping[date, bool]) -> tuple[date, ...]:
    """The run of consecutive days off around ``anchor`` (the holiday's own date), as ``is_workday`` says.

    ``is_workday`` must answer for the days around the anchor; the run stops
    at the first working day either side or where the answers end.
    """
    if is_workday.get(anchor, True):
        return ()
    first = last = anchor
    while is_workday.get(first - timedelta(days=1)) is False:
        first -= timedelta(days=1)
    while is_workday.get(last + timedelta(days=1)) is False:
        last += timedelta(days=1)
    return tuple(first + timedelta(days=i) for i in range((last - first).days + 1))


def makeup_days(
    block: Sequence[date],
    blocks: Iterable[Sequence[date]],
    weekend_workdays: Iterable[date],
    pays_for: Mapping[date, date] | None = None,
) -> tuple[date, ...]:
    """The make-up workdays of ``block``.

    ``pays_for`` maps a make-up day to the day off it pays for, where a
    source says so (``holidays`` does: "Day off (substituted from ...)"); a
    make-up day it does not know goes to the nearest holiday block, never
    more than a fortnight away.
    """
    pays_for = pays_for or {}
    days = set(block)

    def distance(day: date, run: Sequence[date]) -> int:
        return min(abs((day - run[0]).days), abs((day - run[-1]).days))

    others = [b for b in blocks if b and tuple(b) != tuple(block)]
    out = []
    for day in sorted(weekend_workdays):
        if day in pays_for:
            if pays_for[day] in days:
                out.append(day)
            continue
        near = distance(day, block)
        if near <= 14 and all(near < distance(day, other) for other in others):
            out.append(day)
    return tuple(out)


@dataclass(frozen=True)
class HolidayDuty:
    day: date
    primary: str
    secondary: str | None


class NobodyFree(DcmaintError):
    """No engineer of the team can take a holiday day without breaking leave or the running limit."""


def generate(
    days: Sequence[date],
    team: Sequence[str],
    already: Mapping[str, int],
    leave: Mapping[str, Iterable[date]],
    most_running: int,
) -> tuple[HolidayDuty, ...]:
    """A fair roster for ``days`` (see the module's docstring); ``already`` counts earlier holiday duty days."""
    if not team:
        raise UsageError(_("the team is empty: give engineers to roster"))
    if most_running < 1:
        raise UsageError(_("the running limit must be at least one day"))
    away = {name: set(leave.get(name, ())) for name in team}
    counts = {name: already.get(name, 0) for name in team}
    running = dict.fromkeys(team, 0)
    order = {name: i for i, name in enumerate(team)}
    out: list[HolidayDuty] = []
    previous: date | None = None
    for day in sorted(days):
        if previous is not None and day != previous + timedelta(days=1):
            running = dict.fromkeys(team, 0)
        free = [n for n in team if day not in away[n] and running[n] < most_running]
        if not free:
            raise NobodyFree(
                _("nobody of the team is free on {date} (leave, or more than {n} days running)").format(
                    date=day.isoformat(), n=most_running
                )
            )
        free.sort(key=lambda n: (counts[n], running[n], order[n]))
        primary = free[0]
        secondary = free[1] if len(free) > 1 else None
        for name in team:
            running[name] = running[name] + 1 if name in (primary, secondary) else 0
        counts[primary] += 1
        if secondary is not None:
            counts[secondary] += 1
        out.append(HolidayDuty(day, primary, secondary))
        previous = day
    return tuple(out)


def duty_days(duties: Iterable[HolidayDuty]) -> dict[str, int]:
    """Holiday duty days per engineer (primary and secondary both count)."""
    counts: dict[str, int] = {}
    for duty in duties:
        for name in (duty.primary, duty.secondary):
            if name is not None:
                counts[name] = counts.get(name, 0) + 1
    return counts


PUBLISH_NOTICE = timedelta(days=7)


def publish_deadline(first_day_start: datetime) -> datetime:
    """The latest instant the roster may reach the customer: a week before the holiday's first day begins."""
    return first_day_start - PUBLISH_NOTICE


def late(sent: datetime, first_day_start: datetime) -> bool:
    """Exactly seven days before is on time; a second later is late."""
    return sent > publish_deadline(first_day_start)
