"""A holiday's days off and make-up workdays, from the same calendar sources as the depot due date.

Which days are off and which weekend days are worked is the site calendar's
(:func:`dcmaint.services.calendars.site_calendar`: the calendar packages
cross-checked, corrected by the calendar file); a year no source covers is
refused there, never guessed. What the packages add here is only where each
holiday falls (the ``holidays`` package computes the lunar dates by rule) and
which day off a make-up Saturday pays for ("Day off (substituted from ...)").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dcmaint.domain.holiday_roster import Holiday, HolidayPeriod, holiday_block, makeup_days
from dcmaint.domain.workdays import DisputedDate, WorkdayCalendar, YearNotCovered
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services.calendars import site_calendar

# What the ``holidays`` package (English names) calls each holiday's own days.
PACKAGE_NAMES = {
    Holiday.NEW_YEAR: "New Year's Day",
    Holiday.SPRING_FESTIVAL: "Spring Festival",
    Holiday.QINGMING: "Tomb-Sweeping Day",
    Holiday.LABOUR_DAY: "Labor Day",
    Holiday.DRAGON_BOAT: "Dragon Boat Festival",
    Holiday.MID_AUTUMN: "Mid-Autumn Festival",
    Holiday.NATIONAL_DAY: "National Day",
}
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")
AROUND = timedelta(days=45)
NEAR = timedelta(days=12)


def _package_table(year: int) -> dict[date, str]:
    import holidays

    table = holidays.country_holidays("CN", years=range(year - 1, year + 2), language="en_US")
    return {day: str(name) for day, name in table.items()}


def anchors(year: int, table: dict[date, str]) -> dict[Holiday, date]:
    """The first day of each holiday in ``year`` by the package's rules (lunar dates included)."""
    out = {}
    for holiday, name in PACKAGE_NAMES.items():
        days = sorted(d for d, label in table.items() if d.year == year and name in label)
        if days:
            out[holiday] = days[0]
    return out


def pays_for(table: dict[date, str]) -> dict[date, date]:
    """Make-up workday -> the day off it pays for, as the package words it."""
    out = {}
    for day, label in table.items():
        found = _SUBSTITUTED.search(label)
        if found:
            month, dom, year = (int(g) for g in found.groups())
            out[date(year, month, dom)] = day
    return out


def _works(calendar: WorkdayCalendar, centre: date) -> dict[date, bool]:
    """Working day or not for the days around ``centre`` that a source covers (disputed far days left out)."""
    out = {}
    day = centre - AROUND
    while day <= centre + AROUND:
        if calendar.covers(day.year):
            try:
                out[day] = calendar.is_workday(day)
            except DisputedDate:
                if abs(day - centre) <= NEAR:
                    raise
        day += timedelta(days=1)
    return out


def holiday_period(calendar_name: str, holiday: Holiday, year: int) -> HolidayPeriod:
    """The days off and make-up workdays of ``holiday`` in ``year`` in the site calendar ``calendar_name``."""
    calendar = site_calendar(calendar_name, range(year - 1, year + 2))
    if not calendar.covers(year):
        raise YearNotCovered(year)
    table = _package_table(year)
    found = anchors(year, table)
    if holiday not in found:
        raise UsageError(_("no date for {holiday} in {year}").format(holiday=holiday.value, year=year))
    blocks = {h: holiday_block(day, _works(calendar, day)) for h, day in found.items()}
    block = blocks[holiday]
    if not block:
        raise UsageError(
            _("{date} ({holiday}) is a working day in the calendar: no holiday roster to make").format(
                date=found[holiday].isoformat(), holiday=holiday.value
            )
        )
    works = _works(calendar, block[0])
    weekend_workdays = [d for d, working in works.items() if working and d.weekday() >= 5]
    others = [b for h, b in blocks.items() if h is not holiday]
    return HolidayPeriod(holiday.value, year, block, makeup_days(block, others, weekend_workdays, pays_for(table)))


def range_period(calendar_name: str, first: date, last: date) -> HolidayPeriod:
    """The days off and the make-up workdays between ``first`` and ``last`` (inclusive), e.g. a bridged week."""
    if last < first:
        raise UsageError(
            _("the range ends ({end}) before it starts ({start})").format(end=last.isoformat(), start=first.isoformat())
        )
    if (last - first).days > 60:
        raise UsageError(_("a holiday range is at most 60 days"))
    calendar = site_calendar(calendar_name, range(first.year, last.year + 1))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for year in sorted({d.year for d in days}):
        if not calendar.covers(year):
            raise YearNotCovered(year)
    off = tuple(d for d in days if not calendar.is_workday(d))
    if not off:
        raise UsageError(
            _("no day off from {start} to {end} in the calendar").format(start=first.isoformat(), end=last.isoformat())
        )
    made_up = tuple(d for d in days if d.weekday() >= 5 and calendar.is_workday(d))
    return HolidayPeriod(f"custom-{first.isoformat()}", first.year, off, made_up)
