"""Duty rosters (dcmaint.domain.rosters, dcmaint.domain.holiday_roster), from issue #15's text."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dcmaint.domain.holiday_roster import (
    Holiday,
    HolidayDuty,
    NobodyFree,
    duty_days,
    generate,
    holiday_block,
    holiday_named,
    late,
    makeup_days,
)
from dcmaint.domain.rosters import (
    Leave,
    Override,
    Period,
    ProblemKind,
    Role,
    Rotation,
    check,
    on_duty,
    roster_shifts,
    swap,
)
from dcmaint.errors import UsageError

H = timedelta(hours=1)
SH = ZoneInfo("Asia/Shanghai")
TEAM = ("li", "wang", "zhang")


def local(day: int, hour: int = 0, month: int = 3, zone: ZoneInfo = SH) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=zone)


def daily(engineers=TEAM, starts=date(2026, 3, 1), ends=None, name="bj-oncall", site="bj", zone="Asia/Shanghai"):
    return Rotation(name, site, zone, Period.DAILY, time(9), tuple(engineers), starts, ends)


def test_daily_rotation_primary_and_secondary_by_turn():
    rotation = daily()
    duty = on_duty("bj", [rotation], [], local(1, 10))
    assert (duty.primary.engineer, duty.secondary.engineer) == ("li", "wang")
    # Before 09:00 on the 2nd it is still li's turn; at 09:00 wang takes over.
    assert on_duty("bj", [rotation], [], local(2, 8)).primary.engineer == "li"
    assert on_duty("bj", [rotation], [], local(2, 9)).primary.engineer == "wang"
    assert on_duty("bj", [rotation], [], local(4, 9)).primary.engineer == "li"


def test_weekly_rotation_hands_over_on_the_seventh_day():
    rotation = Rotation("w", "bj", "Asia/Shanghai", Period.WEEKLY, time(9), TEAM, date(2026, 3, 2))
    assert on_duty("bj", [rotation], [], local(9, 8)).primary.engineer == "li"
    assert on_duty("bj", [rotation], [], local(9, 9)).primary.engineer == "wang"


def test_nobody_before_the_rotation_starts_or_after_it_ends():
    rotation = daily(ends=date(2026, 3, 5))
    assert on_duty("bj", [rotation], [], local(1, 8)).primary is None
    assert on_duty("bj", [rotation], [], local(5, 9)).primary is None
    assert on_duty("bj", [rotation], [], local(5, 8)).primary is not None


def test_override_covers_part_of_a_shift():
    override = Override("bj", "zhao", "li", local(1, 12), local(1, 18))
    rotation = daily()
    assert on_duty("bj", [rotation], [override], local(1, 13)).primary.engineer == "zhao"
    assert on_duty("bj", [rotation], [override], local(1, 13)).primary.covering == "li"
    assert on_duty("bj", [rotation], [override], local(1, 18)).primary.engineer == "li"
    shifts = [s for s in roster_shifts([rotation], [override], local(1, 9), local(2, 9)) if s.role is Role.PRIMARY]
    assert [(s.engineer, s.start.astimezone(SH).hour, s.end.astimezone(SH).hour) for s in shifts] == [
        ("li", 9, 12),
        ("zhao", 12, 18),
        ("li", 18, 9),
    ]


def test_swap_trades_two_shifts():
    first, second = swap("bj", "li", "wang", (local(1, 9), local(2, 9)), (local(2, 9), local(3, 9)))
    rotation = daily()
    assert on_duty("bj", [rotation], [first, second], local(1, 12)).primary.engineer == "wang"
    assert on_duty("bj", [rotation], [first, second], local(2, 12)).primary.engineer == "li"


def test_a_full_rotation_has_no_problem():
    assert check({"bj": "Asia/Shanghai"}, [daily()], [], [], local(1, 9), local(31, 9), 24 * H) == []


def test_gap_before_start_between_rotations_and_after_the_end():
    first = daily(ends=date(2026, 3, 5), name="a")
    second = daily(starts=date(2026, 3, 6), name="b")
    problems = check({"bj": "Asia/Shanghai"}, [first, second], [], [], local(1, 0), local(8, 0), 24 * H)
    gaps = [(p.start, p.end) for p in problems if p.kind is ProblemKind.GAP]
    assert gaps == [(local(1, 0), local(1, 9)), (local(5, 9), local(6, 9))]


def test_two_rotations_at_once_overlap_and_one_engineer_twice_is_a_double():
    first = daily(name="a")
    second = daily(engineers=("li", "zhao"), name="b", starts=date(2026, 3, 3))
    problems = check({"bj": "Asia/Shanghai"}, [first, second], [], [], local(1, 9), local(4, 9), 24 * H)
    kinds = {p.kind for p in problems}
    assert ProblemKind.OVERLAP in kinds
    doubles = [p for p in problems if p.kind is ProblemKind.DOUBLE]
    # On the 3rd li is primary of "b" and (zhang being primary of "a") secondary of "a": on duty twice.
    assert doubles and all(p.engineer == "li" for p in doubles)


def test_override_by_the_secondary_is_a_double():
    override = Override("bj", "wang", "li", local(1, 12), local(1, 14))  # wang is secondary that day
    problems = check({"bj": "Asia/Shanghai"}, [daily()], [override], [], local(1, 9), local(2, 9), 24 * H)
    assert [(p.kind, p.engineer, p.start, p.end) for p in problems] == [
        (ProblemKind.DOUBLE, "wang", local(1, 12), local(1, 14))
    ]


def test_stretch_longer_than_the_maximum():
    # zhang covers li's whole day and then has their own: 48 h as primary.
    override = Override("bj", "zhang", "wang", local(2, 9), local(3, 9))
    problems = check({"bj": "Asia/Shanghai"}, [daily()], [override], [], local(1, 9), local(4, 9), 24 * H)
    stretches = [p for p in problems if p.kind is ProblemKind.STRETCH]
    assert [(p.engineer, p.start, p.end) for p in stretches] == [("zhang", local(2, 9), local(4, 9))]
    # Exactly the maximum is allowed.
    assert not [
        p
        for p in check({"bj": "Asia/Shanghai"}, [daily()], [override], [], local(1, 9), local(4, 9), 48 * H)
        if p.kind is ProblemKind.STRETCH
    ]


def test_leave_that_collides_with_duty():
    leave = Leave("wang", date(2026, 3, 2), date(2026, 3, 2))
    problems = check({"bj": "Asia/Shanghai"}, [daily()], [], [leave], local(1, 9), local(4, 9), 24 * H)
    assert {(p.kind, p.engineer) for p in problems} == {(ProblemKind.LEAVE, "wang")}
    # Covered by an override, the leave no longer collides.
    override = Override("bj", "zhao", "wang", local(1, 9), local(3, 9))
    assert check({"bj": "Asia/Shanghai"}, [daily()], [override], [leave], local(1, 9), local(4, 9), 48 * H) == []


def test_handover_across_a_dst_change_abroad():
    # Europe/Berlin moves to summer time on 2026-03-29: that shift is 23 hours, the October one 25.
    rotation = daily(zone="Europe/Berlin", site="fra", starts=date(2026, 3, 27))
    berlin = ZoneInfo("Europe/Berlin")
    shifts = [
        s
        for s in roster_shifts([rotation], [], local(28, 9, zone=berlin), local(30, 9, zone=berlin))
        if s.role is Role.PRIMARY
    ]
    assert [s.length for s in shifts] == [23 * H, 24 * H]
    assert shifts[1].start == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST
    autumn = roster_shifts([rotation], [], local(24, 9, 10, berlin), local(25, 9, 10, berlin))
    assert autumn[0].length == 25 * H
    assert on_duty("fra", [rotation], [], datetime(2026, 3, 29, 7, 30, tzinfo=UTC)).primary.start.hour == 7
    assert (
        check({"fra": "Europe/Berlin"}, [rotation], [], [], local(28, 9, zone=berlin), local(1, 9, 4, berlin), 25 * H)
        == []
    )


def test_bad_ranges_and_rotations_are_refused():
    with pytest.raises(UsageError, match="before it starts"):
        check({"bj": "Asia/Shanghai"}, [daily()], [], [], local(4), local(3), 24 * H)
    with pytest.raises(UsageError, match="before it starts"):
        Leave("li", date(2026, 3, 5), date(2026, 3, 4))
    with pytest.raises(UsageError, match="themselves"):
        Override("bj", "li", "li", local(1), local(2))
    with pytest.raises(UsageError):
        daily(engineers=())


# The holiday duty roster.


def test_holiday_names_in_english_and_chinese():
    assert holiday_named("National Day") is Holiday.NATIONAL_DAY
    assert holiday_named("国庆节") is Holiday.NATIONAL_DAY
    assert holiday_named("spring-festival") is Holiday.SPRING_FESTIVAL
    assert holiday_named("春节") is Holiday.SPRING_FESTIVAL
    assert holiday_named("Mid-Autumn Festival") is Holiday.MID_AUTUMN
    with pytest.raises(UsageError, match="unknown holiday 'Christmas'"):
        holiday_named("Christmas")


def _works_2026_autumn() -> dict[date, bool]:
    off = {date(2026, 9, 25), *(date(2026, 10, d) for d in (1, 2, 5, 6, 7))}
    made_up = {date(2026, 9, 20), date(2026, 10, 10)}
    day, out = date(2026, 9, 1), {}
    while day < date(2026, 11, 1):
        out[day] = day in made_up or (day.weekday() < 5 and day not in off)
        day += timedelta(days=1)
    return out


def test_holiday_block_and_its_makeup_days():
    works = _works_2026_autumn()
    national = holiday_block(date(2026, 10, 1), works)
    assert national == tuple(date(2026, 10, d) for d in range(1, 8))
    mid_autumn = holiday_block(date(2026, 9, 25), works)
    assert mid_autumn == (date(2026, 9, 25), date(2026, 9, 26), date(2026, 9, 27))
    made_up = [date(2026, 9, 20), date(2026, 10, 10)]
    pays = {date(2026, 9, 20): date(2026, 10, 6), date(2026, 10, 10): date(2026, 10, 7)}
    assert makeup_days(national, [mid_autumn], made_up, pays) == (date(2026, 9, 20), date(2026, 10, 10))
    assert makeup_days(mid_autumn, [national], made_up, pays) == ()
    # Without a source saying whom they pay for, the nearest block takes them.
    assert makeup_days(national, [mid_autumn], made_up) == (date(2026, 10, 10),)
    assert holiday_block(date(2026, 10, 9), works) == ()


def test_generate_is_fair_and_respects_leave_and_the_running_limit():
    days = [date(2026, 10, d) for d in range(1, 8)]
    team = ("li", "wang", "zhang", "zhao", "qian", "sun")
    duties = generate(days, team, {}, {"li": [date(2026, 10, 1), date(2026, 10, 2)]}, 2)
    assert len(duties) == 7
    assert all(d.primary != "li" and d.secondary != "li" for d in duties[:2])
    counts = duty_days(duties)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == 14
    for name in team:
        on = [d.day for d in duties if name in (d.primary, d.secondary)]
        assert not any(on[i + 2] - on[i] == timedelta(days=2) for i in range(len(on) - 2))


def test_fairness_counts_earlier_holidays_of_the_year():
    team = ("li", "wang", "zhang", "zhao")
    spring = generate([date(2026, 2, d) for d in range(15, 24)], team, {}, {}, 3)
    after_spring = duty_days(spring)
    national = generate([date(2026, 10, d) for d in range(1, 8)], team, after_spring, {}, 3)
    total = duty_days([*spring, *national])
    assert max(total.values()) - min(total.values()) <= 1
    assert sum(total.values()) == 2 * (9 + 7)


def test_nobody_free_is_an_error_not_a_hole():
    with pytest.raises(NobodyFree, match="2026-10-02"):
        generate([date(2026, 10, 1), date(2026, 10, 2)], ("li",), {}, {}, 1)
    with pytest.raises(NobodyFree):
        generate([date(2026, 10, 1)], ("li", "wang"), {}, {"li": [date(2026, 10, 1)], "wang": [date(2026, 10, 1)]}, 3)


def test_seven_days_notice_at_the_boundary():
    first = datetime(2026, 10, 1, tzinfo=SH)
    assert not late(first - timedelta(days=7), first)
    assert late(first - timedelta(days=6, hours=23), first)
    assert late(first - timedelta(days=7) + timedelta(seconds=1), first)
    assert not late(first - timedelta(days=30), first)


def test_holiday_duty_is_a_plain_record():
    assert HolidayDuty(date(2026, 10, 1), "li", None).secondary is None


def test_a_holiday_roster_takes_its_days_from_the_rotation():
    from dcmaint.domain.rosters import holiday_shifts

    fixed = holiday_shifts("bj", "Asia/Shanghai", "national-day", date(2026, 3, 2), "zhao", "qian")
    assert [(s.start, s.end) for s in fixed] == [(local(2, 0), local(3, 0))] * 2
    rotation = daily()
    duty = on_duty("bj", [rotation], [], local(2, 12), fixed)
    assert (duty.primary.engineer, duty.secondary.engineer) == ("zhao", "qian")
    assert on_duty("bj", [rotation], [], local(3, 0), fixed).primary.engineer == "wang"  # wang's turn resumes
    # li covers zhao for two hours of the holiday day: overrides apply to holiday duty too.
    cover = Override("bj", "li", "zhao", local(2, 10), local(2, 12))
    assert on_duty("bj", [rotation], [cover], local(2, 11), fixed).primary.engineer == "li"
    primaries = [
        (s.engineer, s.start, s.end)
        for s in roster_shifts([rotation], [], local(1, 9), local(3, 9), fixed)
        if s.role is Role.PRIMARY
    ]
    assert primaries == [
        ("li", local(1, 9), local(2, 0)),
        ("zhao", local(2, 0), local(3, 0)),
        ("wang", local(3, 0), local(3, 9)),
    ]
    assert check({"bj": "Asia/Shanghai"}, [rotation], [], [], local(1, 9), local(4, 9), 24 * H, fixed) == []
