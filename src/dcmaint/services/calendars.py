"""Building a site's working-day calendar from the calendar packages and calendar files.

Two maintained packages know the State Council's holiday schedules:
``chinesecalendar`` (imported as ``chinese_calendar``; 1.11 covers 2004-2026
and raises for later years) and ``holidays`` (country CN). ``holidays``
computes the statutory days of any year by rule, but a year's make-up
workdays exist only once the State Council publishes them, so a year counts
as covered by ``holidays`` only when it records make-up workdays for that
year. The two are cross-checked day by day (see
``dcmaint.domain.workdays.merge_year``).

A site calendar file (TOML) adds what the packages lack — next year's
schedule, published every November — and settles dates they disagree on.
Both packages are imported here, lazily, never at CLI start-up.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dcmaint.domain.records import Site
from dcmaint.domain.workdays import (
    CalendarError,
    Overrides,
    WorkdayCalendar,
    YearSchedule,
    days_of,
    merge_year,
)
from dcmaint.i18n import _

DEFAULT_CALENDAR = "cn"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_YEAR = re.compile(r"^\d{4}$")


class CalendarFileError(CalendarError):
    """A calendar file is missing or malformed."""


def calendar_file(value: str) -> Path | None:
    """The file a site's ``calendar`` value names, or None for the default calendar without a file.

    A value ending in ``.toml`` or containing a slash is a path. Anything
    else is a name, looked up as ``<DCMAINT_HOME>/calendars/<name>.toml``
    and then among the calendars shipped with dcmaint (``paths.bundled``); the
    default "cn" may have no file at all (the packages alone), any other name must have one.
    """
    from dcmaint import paths

    if value.endswith(".toml") or "/" in value or "\\" in value:
        path = Path(value).expanduser()
        if not path.is_file():
            raise CalendarFileError(_("calendar file {path} not found").format(path=path))
        return path
    if not _NAME.match(value):
        raise CalendarFileError(_("bad calendar name {name!r}").format(name=value))
    for folder in (paths.home() / "calendars", paths.bundled("calendars")):
        candidate = folder / f"{value}.toml"
        if candidate.is_file():
            return candidate
    if value == DEFAULT_CALENDAR:
        return None
    raise CalendarFileError(
        _("unknown calendar {name!r}: no file {name}.toml in {folder}").format(
            name=value, folder=paths.home() / "calendars"
        )
    )


def _dates(path: Path, year: int, key: str, values: object) -> frozenset[date]:
    if not isinstance(values, list):
        raise CalendarFileError(
            _("{path}: [{year}] {key} must be a list of dates").format(path=path, year=year, key=key)
        )
    out = set()
    for value in values:
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise CalendarFileError(
                _("{path}: [{year}] {key}: {value!r} is not a date (YYYY-MM-DD)").format(
                    path=path, year=year, key=key, value=value
                )
            ) from None
        if day.year != year:
            raise CalendarFileError(
                _("{path}: [{year}] {key}: {date} is not in {year}").format(
                    path=path, year=year, key=key, date=day.isoformat()
                )
            )
        out.add(day)
    return frozenset(out)


def parse_calendar_file(path: Path, text: str) -> dict[int, Overrides]:
    """The years of a calendar file: ``[YYYY]`` tables with ``holidays``, ``workdays`` and ``complete``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(_("{path}: not valid TOML: {error}").format(path=path, error=exc)) from None
    years: dict[int, Overrides] = {}
    for key, table in data.items():
        if not _YEAR.match(key) or not isinstance(table, dict):
            raise CalendarFileError(_("{path}: {key!r} is not a [YYYY] table").format(path=path, key=key))
        year = int(key)
        unknown = sorted(set(table) - {"holidays", "workdays", "complete"})
        if unknown:
            raise CalendarFileError(
                _("{path}: [{year}] unknown key {key!r}").format(path=path, year=year, key=unknown[0])
            )
        holidays = _dates(path, year, "holidays", table.get("holidays", []))
        workdays = _dates(path, year, "workdays", table.get("workdays", []))
        both = holidays & workdays
        if both:
            raise CalendarFileError(
                _("{path}: {date} is both a holiday and a workday").format(path=path, date=min(both).isoformat())
            )
        complete = table.get("complete", False)
        if not isinstance(complete, bool):
            raise CalendarFileError(_("{path}: [{year}] complete must be true or false").format(path=path, year=year))
        years[year] = Overrides(year, holidays, workdays, complete)
    return years


def load_calendar_file(path: Path) -> dict[int, Overrides]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CalendarFileError(
            _("cannot read calendar file {path}: {error}").format(path=path, error=exc.strerror or exc)
        ) from None
    return parse_calendar_file(path, text)


def chinese_calendar_answers(years: Iterable[int]) -> tuple[str, dict[int, dict[date, bool]]]:
    """Day-by-day answers of ``chinesecalendar`` for the years it covers (it raises for the others)."""
    import chinese_calendar

    known = {d.year for d in (*chinese_calendar.holidays, *chinese_calendar.workdays)}
    answers = {
        year: {day: chinese_calendar.is_workday(day) for day in days_of(year)} for year in years if year in known
    }
    return f"chinesecalendar {_version('chinesecalendar')}", answers


def holidays_answers(years: Iterable[int]) -> tuple[str, dict[int, dict[date, bool]]]:
    """Day-by-day answers of ``holidays`` (CN) for the years whose make-up workdays it records."""
    import holidays

    wanted = sorted(set(years))
    if not wanted:
        return f"holidays {_version('holidays')}", {}
    # One year either side: a schedule may put make-up days in a neighbouring year.
    table = holidays.country_holidays("CN", years=range(wanted[0] - 1, wanted[-1] + 2))
    made_up = set(table.weekend_workdays)
    published = {d.year for d in made_up}
    answers = {
        year: {day: (day.weekday() < 5 and day not in table) or day in made_up for day in days_of(year)}
        for year in wanted
        if year in published
    }
    return f"holidays {_version('holidays')}", answers


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def build(
    years: Iterable[int],
    answers: Mapping[str, Mapping[int, Mapping[date, bool]]],
    overrides: Mapping[int, Overrides],
    sources: Iterable[str] = (),
) -> WorkdayCalendar:
    """The calendar over ``years`` from per-source answers and a file's overrides (pure)."""
    schedules: list[YearSchedule] = []
    for year in sorted(set(years)):
        per_source = {name: by_year[year] for name, by_year in answers.items() if year in by_year}
        schedule = merge_year(year, per_source, overrides.get(year))
        if schedule is not None:
            schedules.append(schedule)
    return WorkdayCalendar.of(schedules, sources)


def site_calendar(calendar: str, years: Iterable[int]) -> WorkdayCalendar:
    """The working-day calendar a site's ``calendar`` value selects, over ``years``."""
    wanted = sorted(set(years))
    path = calendar_file(calendar)
    overrides = load_calendar_file(path) if path is not None else {}
    cc_name, cc = chinese_calendar_answers(wanted)
    hd_name, hd = holidays_answers(wanted)
    sources = [cc_name, hd_name] + ([str(path)] if path is not None else [])
    return build(wanted, {cc_name: cc, hd_name: hd}, overrides, sources)


def depot_years(signed: date, working_days: int) -> range:
    """The years a deadline of ``working_days`` after ``signed`` can reach (about 245 working days a year)."""
    return range(signed.year, signed.year + 2 + working_days // 240)


@dataclass(frozen=True)
class DepotDue:
    """The depot deadline of a site, or the one-line reason it cannot be computed."""

    due: date | None
    error: str | None
    working_days: int


def depot_due(site: Site) -> DepotDue:
    """Signing date + the site's depot working days in its calendar; never a guess.

    A site without a signing date, or whose deadline runs into a year no
    source covers, gets a reason instead of a date.
    """
    if site.signed_on is None:
        return DepotDue(None, _("no signing date"), site.depot_deadline_days)
    try:
        calendar = site_calendar(site.calendar, depot_years(site.signed_on, site.depot_deadline_days))
        due = calendar.add_workdays(site.signed_on, site.depot_deadline_days)
    except CalendarError as exc:
        return DepotDue(None, str(exc), site.depot_deadline_days)
    return DepotDue(due, None, site.depot_deadline_days)
