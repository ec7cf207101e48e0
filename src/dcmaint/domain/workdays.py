"""Chinese working days: which dates count, and the date N working days after another.

A contract that says "within 15 working days of signing" is counted the way
Chinese contract practice counts it: the signing day itself never counts, and
the deadline is the 15th working day *after* it. A working day is a Monday to
Friday that is not a public holiday (including the bridging days off of 调休),
or a Saturday or Sunday that the State Council has made a make-up workday.

This module is pure: it only knows the schedules it is given
(:class:`YearSchedule`, one per covered year). Where they come from — the
calendar packages and site calendar files — is ``dcmaint.services.calendars``.
A date in a year no schedule covers is an error naming that year, never a
guess from the plain Monday-to-Friday rule, because the make-up Saturdays of
a year are only known once the State Council publishes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from dcmaint.errors import UsageError
from dcmaint.i18n import _


class CalendarError(UsageError):
    """A working-day date cannot be computed from the calendars at hand."""


class YearNotCovered(CalendarError):
    """No source publishes the holiday schedule of ``year``."""

    def __init__(self, year: int) -> None:
        super().__init__(
            _(
                "no working-day calendar covers {year}: add the State Council schedule for {year} "
                "to a calendar file (see docs/calendar.md)"
            ).format(year=year)
        )
        self.year = year


class DisputedDate(CalendarError):
    """The calendar sources disagree whether ``day`` is a working day and nothing settles it."""

    def __init__(self, day: date, detail: str) -> None:
        super().__init__(
            _(
                "calendar sources disagree on {date} ({detail}): settle it in a calendar file (see docs/calendar.md)"
            ).format(date=day.isoformat(), detail=detail)
        )
        self.day = day


@dataclass(frozen=True)
class YearSchedule:
    """The published exceptions of one year to the Monday-to-Friday week.

    ``holidays`` are days off (weekend dates in it are harmless: they are off
    anyway); ``workdays`` are make-up working days, normally a Saturday or
    Sunday. ``disputed`` maps dates the sources disagree on to a description
    of the disagreement: asking about one of them is an error, asking about
    any other date of the year is not.
    """

    year: int
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    disputed: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        for day in (*self.holidays, *self.workdays, *self.disputed):
            if day.year != self.year:
                raise ValueError(f"{day} is not in {self.year}")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"{min(both)} is both a holiday and a workday")

    def is_workday(self, day: date) -> bool:
        if day in self.disputed:
            raise DisputedDate(day, self.disputed[day])
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def schedule_from_predicate(year: int, works: Mapping[date, bool]) -> YearSchedule:
    """The schedule of ``year`` from a full day-by-day answer (``works[d]`` for every date of the year).

    Keeps only the exceptions to Monday-to-Friday, so schedules from
    different sources compare equal when they agree on every day.
    """
    holidays = frozenset(d for d, working in works.items() if not working and d.weekday() < 5)
    workdays = frozenset(d for d, working in works.items() if working and d.weekday() >= 5)
    return YearSchedule(year, holidays, workdays)


def days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class WorkdayCalendar:
    """Working days over the years its schedules cover, and nothing beyond."""

    schedules: Mapping[int, YearSchedule]
    sources: tuple[str, ...] = ()  # human-readable provenance, e.g. ("chinesecalendar 1.11.0",)

    @classmethod
    def of(cls, schedules: Iterable[YearSchedule], sources: Iterable[str] = ()) -> WorkdayCalendar:
        return cls(MappingProxyType({s.year: s for s in schedules}), tuple(sources))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.schedules))

    def covers(self, year: int) -> bool:
        return year in self.schedules

    def is_workday(self, day: date) -> bool:
        schedule = self.schedules.get(day.year)
        if schedule is None:
            raise YearNotCovered(day.year)
        return schedule.is_workday(day)

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself never counts.

        ``add_workdays(signed, 15)`` is the deadline of "within 15 working
        days of signing". ``n == 0`` is ``start`` (no delay), whatever kind
        of day it is. Only the days after ``start`` are looked up: every one
        of them up to the deadline must lie in a covered year.
        """
        if n < 0:
            raise CalendarError(_("the number of working days must not be negative: {n}").format(n=n))
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day


@dataclass(frozen=True)
class Overrides:
    """One year of a site calendar file: days it declares off or worked.

    ``complete`` says the file states the whole schedule of the year (every
    holiday and every make-up workday), so the year is covered even when no
    package knows it; otherwise the file only corrects the packages.
    """

    year: int
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    complete: bool = False

    def decides(self, day: date) -> bool:
        return day in self.holidays or day in self.workdays


def merge_year(
    year: int,
    answers: Mapping[str, Mapping[date, bool]],
    overrides: Overrides | None = None,
) -> YearSchedule | None:
    """Combine what each source says about ``year`` into one schedule, or None when none covers it.

    ``answers`` maps a source name to its day-by-day working/not-working
    answer for every date of the year; only sources that cover the year
    appear. Sources are cross-checked day by day: a date they disagree on is
    decided by the file when the file lists it, otherwise it is recorded as
    disputed (an error when a computation reaches it, not before, so one
    doubtful December day does not block a deadline in March). A complete
    file year replaces the packages; a partial one corrects them but cannot
    cover a year on its own.
    """
    if overrides is not None and overrides.complete:
        return YearSchedule(year, overrides.holidays, overrides.workdays)
    if not answers:
        return None
    names = sorted(answers)
    works: dict[date, bool] = {}
    disputed: dict[date, str] = {}
    for day in days_of(year):
        verdicts = {name: answers[name][day] for name in names}
        if overrides is not None and overrides.decides(day):
            works[day] = day in overrides.workdays
            continue
        if len(set(verdicts.values())) > 1:
            disputed[day] = ", ".join(
                _("{source}: {verdict}").format(source=name, verdict=_("working day") if v else _("day off"))
                for name, v in verdicts.items()
            )
            continue
        works[day] = next(iter(verdicts.values()))
    base = schedule_from_predicate(year, works)
    return YearSchedule(year, base.holidays, base.workdays, MappingProxyType(disputed))
