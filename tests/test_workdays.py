"""The Chinese working-day calendar and the depot due date (docs/calendar.md)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dcmaint.domain.workdays import (
    CalendarError,
    DisputedDate,
    Overrides,
    WorkdayCalendar,
    YearNotCovered,
    YearSchedule,
    days_of,
    merge_year,
)
from dcmaint.services import calendars


@pytest.fixture
def cn(home: Path) -> WorkdayCalendar:
    """The default calendar from the real packages and the bundled cn.toml, 2004-2027."""
    return calendars.site_calendar("cn", range(2004, 2028))


def weekdays_only(year: int) -> dict[date, bool]:
    return {d: d.weekday() < 5 for d in days_of(year)}


# --- the rule ---------------------------------------------------------------------------------------------


def test_signing_day_never_counts_and_zero_is_the_signing_day(cn):
    monday = date(2026, 3, 9)
    assert cn.add_workdays(monday, 1) == date(2026, 3, 10)
    assert cn.add_workdays(monday, 0) == monday
    assert cn.add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 3)  # a holiday: n=0 is still the day itself
    with pytest.raises(CalendarError):
        cn.add_workdays(monday, -1)


def test_spring_festival_2026_with_make_up_saturdays(cn):
    # 2月15日至23日放假调休，2月14日（周六）、2月28日（周六）上班
    assert cn.is_workday(date(2026, 2, 14)) and cn.is_workday(date(2026, 2, 28))
    assert not any(cn.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert cn.is_workday(date(2026, 2, 24))
    thursday = date(2026, 2, 12)
    assert cn.add_workdays(thursday, 2) == date(2026, 2, 14)
    assert cn.add_workdays(thursday, 3) == date(2026, 2, 24)
    assert cn.add_workdays(thursday, 15) == date(2026, 3, 11)  # 13, 14, 24-28 Feb, 2-6, 9-11 Mar


def test_spring_festival_2024_with_make_up_sundays(cn):
    # 2月10日至17日放假调休，2月4日（周日）、2月18日（周日）上班
    assert cn.is_workday(date(2024, 2, 4)) and cn.is_workday(date(2024, 2, 18))
    assert cn.add_workdays(date(2024, 2, 9), 1) == date(2024, 2, 18)


def test_national_day_golden_week_2025(cn):
    # 10月1日至8日放假调休，9月28日（周日）、10月11日（周六）上班
    assert cn.add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 28)
    assert cn.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert cn.add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert not any(cn.is_workday(date(2025, 10, d)) for d in range(1, 9))


def test_signed_the_day_before_national_day_2026(cn):
    # Off 1-7 October; Saturday 10 October is worked: the holiday week adds no working days.
    assert cn.add_workdays(date(2026, 9, 30), 15) == date(2026, 10, 27)


def test_fifteen_working_days_across_the_year_end(cn):
    # 2026 New Year: 1-3 January off, Sunday 4 January worked.
    assert cn.add_workdays(date(2025, 12, 20), 15) == date(2026, 1, 12)
    assert cn.add_workdays(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_a_year_no_source_covers_is_an_error_naming_the_year(cn):
    assert cn.covers(2026) and not cn.covers(2027)  # holidays has 2027 statutory days but no make-up days
    with pytest.raises(YearNotCovered, match="2027") as caught:
        cn.add_workdays(date(2026, 12, 20), 15)
    assert caught.value.year == 2027
    assert cn.add_workdays(date(2026, 12, 1), 15) == date(2026, 12, 22)  # stays inside 2026: fine
    with pytest.raises(YearNotCovered, match="1999"):
        WorkdayCalendar.of([]).is_workday(date(1999, 1, 4))


# --- sources: cross-check and files -----------------------------------------------------------------------


def test_packages_agree_except_where_the_file_settles_it(home):
    calendar = calendars.site_calendar("cn", [2005, 2006])
    # 国办发明电〔2005〕35号: Saturday 31 December 2005 was worked; chinesecalendar 1.11 says otherwise.
    assert calendar.is_workday(date(2005, 12, 31))


def test_package_disagreement_without_a_file_names_the_date(home, tmp_path):
    empty = tmp_path / "plain.toml"
    empty.write_text("", encoding="utf-8")
    calendar = calendars.site_calendar(str(empty), [2005])
    with pytest.raises(DisputedDate, match="2005-12-31") as caught:
        calendar.add_workdays(date(2005, 12, 29), 2)
    assert "chinesecalendar" in str(caught.value) and "holidays" in str(caught.value)
    assert calendar.add_workdays(date(2005, 12, 1), 5) == date(2005, 12, 8)  # other days are unaffected


def test_merge_marks_disagreements_and_lets_the_file_decide():
    a = weekdays_only(2030)
    b = dict(a)
    b[date(2030, 3, 4)] = False  # source b: a Monday off
    merged = merge_year(2030, {"a": a, "b": b})
    with pytest.raises(DisputedDate, match="2030-03-04"):
        merged.is_workday(date(2030, 3, 4))
    assert merged.is_workday(date(2030, 3, 5))
    settled = merge_year(2030, {"a": a, "b": b}, Overrides(2030, holidays=frozenset({date(2030, 3, 4)})))
    assert not settled.is_workday(date(2030, 3, 4))
    assert merge_year(2030, {}) is None
    assert merge_year(2030, {}, Overrides(2030, workdays=frozenset({date(2030, 3, 9)}))) is None  # partial
    assert merge_year(2030, {}, Overrides(2030, complete=True)) == YearSchedule(2030)


def test_a_complete_calendar_file_covers_the_next_year(home, tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        "[2027]\ncomplete = true\n"
        'holidays = ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]\n'
        'workdays = ["2027-02-13"]\n',
        encoding="utf-8",
    )
    calendar = calendars.site_calendar(str(path), [2026, 2027])
    assert calendar.covers(2027)
    assert calendar.is_workday(date(2027, 2, 13)) and not calendar.is_workday(date(2027, 2, 8))
    assert calendar.add_workdays(date(2027, 2, 4), 2) == date(2027, 2, 13)
    assert calendar.add_workdays(date(2026, 12, 20), 15) == date(2027, 1, 11)


def test_a_partial_file_year_overrides_but_does_not_cover(home, tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[2026]\nholidays = ["2026-03-09"]\n[2027]\nworkdays = ["2027-02-13"]\n', encoding="utf-8")
    calendar = calendars.site_calendar(str(path), [2026, 2027])
    assert not calendar.is_workday(date(2026, 3, 9))  # a site's local day off
    assert calendar.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 10)
    assert not calendar.covers(2027)


def test_named_calendar_files_live_in_the_home(home):
    (home / "calendars").mkdir(parents=True)
    (home / "calendars" / "bank.toml").write_text('[2026]\nholidays = ["2026-03-09"]\n', encoding="utf-8")
    assert not calendars.site_calendar("bank", [2026]).is_workday(date(2026, 3, 9))
    with pytest.raises(CalendarError, match="nowhere"):
        calendars.site_calendar("nowhere", [2026])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[2026]\nholidays = ["2027-01-01"]\n', "not in 2026"),
        ('[2026]\nholidays = ["1 May"]\n', "is not a date"),
        ('[2026]\nholidays = ["2026-05-01"]\nworkdays = ["2026-05-01"]\n', "both a holiday and a workday"),
        ("[2026]\nholiday = []\n", "unknown key"),
        ('[2026]\ncomplete = "yes"\n', "true or false"),
        ('name = "x"\n', r"not a \[YYYY\] table"),
        ("[2026\n", "not valid TOML"),
    ],
)
def test_malformed_calendar_files_are_one_line_errors(text, message):
    with pytest.raises(CalendarError, match=message) as caught:
        calendars.parse_calendar_file(Path("site.toml"), text)
    assert "\n" not in str(caught.value)


def test_the_packages_are_not_imported_at_start_up():
    code = (
        "import sys\nfrom dcmaint.cli.main import run\n"
        "try:\n    run(['site', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('chinese_calendar', 'holidays') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# --- dcmaint site show ------------------------------------------------------------------------------------


def test_site_show_with_a_signing_date(cli):
    cli.ok("site", "add", "hq", "--customer", "A", "--signed", "2026-09-30")
    shown = cli.ok("site", "show", "hq", "-f", "json").json()
    assert shown["depot_due"] == "2026-10-27" and shown["depot_due_error"] is None
    assert shown["signed_on"] == "2026-09-30" and shown["calendar"] == "cn"  # every existing key stays
    table = cli.ok("site", "show", "hq").out  # nothing installed, so nothing to stock: the deadline is met
    assert "2026-10-27 (15 working days after signing; depot complete)" in table
    cli.ok("site", "edit", "hq", "--depot-days", "3")
    assert cli.ok("site", "show", "hq", "-f", "json").json()["depot_due"] == "2026-10-10"  # a worked Saturday


def test_site_show_without_a_signing_date_or_past_the_covered_years(cli):
    cli.ok("site", "add", "hq", "--customer", "A")
    shown = cli.ok("site", "show", "hq", "-f", "json").json()
    assert (shown["depot_due"], shown["depot_due_error"]) == (None, "no signing date")
    assert "no signing date" in cli.ok("site", "show", "hq").out
    cli.ok("site", "add", "dr", "--customer", "A", "--signed", "2026-12-20")
    shown = cli.ok("site", "show", "dr", "-f", "json").json()
    assert shown["depot_due"] is None and "2027" in shown["depot_due_error"]
    table = cli.ok("site", "show", "dr").out
    assert "no working-day calendar covers 2027" in table


def test_site_show_with_a_site_calendar_file(cli, home):
    (home / "calendars").mkdir(parents=True, exist_ok=True)
    (home / "calendars" / "hq-2027.toml").write_text(
        '[2027]\ncomplete = true\nholidays = ["2027-01-01"]\n', encoding="utf-8"
    )
    cli.ok("site", "add", "hq", "--customer", "A", "--signed", "2026-12-20", "--calendar", "hq-2027")
    assert cli.ok("site", "show", "hq", "-f", "json").json()["depot_due"] == "2027-01-11"
