"""The one SLA clock (dcmaint.domain.sla.measure): the edge cases the contract's 12 hours meet."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dcmaint.domain.sla import Clock, SlaState, format_duration, measure, parse_duration
from dcmaint.errors import UsageError

H = timedelta(hours=1)
TARGET = 12 * H
CST = timezone(timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 9, day, hour, minute, second, tzinfo=CST)


def test_not_started():
    reading = measure(Clock(TARGET, None, None), at(1, 9))
    assert (reading.state, reading.elapsed, reading.due_at) == (SlaState.NOT_STARTED, timedelta(0), None)


def test_running_across_midnight():
    reading = measure(Clock(TARGET, at(1, 20), None), at(2, 2))
    assert reading.state is SlaState.RUNNING
    assert (reading.elapsed, reading.remaining, reading.due_at) == (6 * H, 6 * H, at(2, 8))


def test_holidays_count_the_service_is_7x24():
    # National Day week: 2026-10-01 is a public holiday; the clock does not care.
    start = datetime(2026, 9, 30, 22, 0, tzinfo=CST)
    reading = measure(Clock(TARGET, start, datetime(2026, 10, 1, 11, 0, tzinfo=CST)), at(5, 0))
    assert (reading.state, reading.elapsed, reading.breached_by) == (SlaState.BREACHED, 13 * H, H)


def test_restored_exactly_at_the_limit_is_met_one_second_later_is_not():
    assert measure(Clock(TARGET, at(1, 8), at(1, 20)), at(2, 0)).state is SlaState.MET
    late = measure(Clock(TARGET, at(1, 8), at(1, 20, 0, 1)), at(2, 0))
    assert (late.state, late.breached_by) == (SlaState.BREACHED, timedelta(seconds=1))


def test_paused_twice():
    pauses = ((at(1, 9), at(1, 11)), (at(1, 15), at(1, 18)))  # downtime window, then approval
    reading = measure(Clock(TARGET, at(1, 8), at(1, 23), pauses), at(2, 0))
    assert (reading.state, reading.elapsed, reading.paused) == (SlaState.MET, 10 * H, 5 * H)
    # Without the pauses the same times would breach by three hours.
    assert measure(Clock(TARGET, at(1, 8), at(1, 23)), at(2, 0)).breached_by == 3 * H


def test_an_open_pause_stops_the_clock_and_moves_the_due_time():
    clock = Clock(TARGET, at(1, 8), None, ((at(1, 10), None),))
    reading = measure(clock, at(1, 22))
    assert (reading.state, reading.elapsed, reading.remaining, reading.due_at) == (SlaState.PAUSED, 2 * H, 10 * H, None)
    resumed = measure(Clock(TARGET, at(1, 8), None, ((at(1, 10), at(1, 22)),)), at(1, 23))
    assert (resumed.state, resumed.due_at) == (SlaState.RUNNING, at(2, 8))


def test_still_open_past_the_target_is_breached_with_the_moment_it_breached():
    reading = measure(Clock(TARGET, at(1, 8), None), at(1, 21, 30))
    assert (reading.state, reading.breached_by, reading.remaining, reading.due_at) == (
        SlaState.BREACHED,
        90 * timedelta(minutes=1),
        timedelta(0),
        at(1, 20),
    )


def test_a_pause_reaching_outside_handling_counts_only_inside():
    pauses = ((at(1, 6), at(1, 9)), (at(1, 19), at(1, 23)))  # recorded loosely around start and restoration
    reading = measure(Clock(TARGET, at(1, 8), at(1, 20), pauses), at(2, 0))
    assert (reading.paused, reading.elapsed) == (2 * H, 10 * H)


def test_durations():
    assert [parse_duration(t) for t in ("2h", "90m", "1h30m", "1d", "45s", "1d2h")] == [
        2 * H,
        90 * timedelta(minutes=1),
        90 * timedelta(minutes=1),
        24 * H,
        timedelta(seconds=45),
        26 * H,
    ]
    assert format_duration(26 * H + timedelta(minutes=5)) == "1 d 2 h 5 min" and format_duration(None) == ""
    for bad in ("", "2", "h", "2x", "-1h"):
        with pytest.raises(UsageError, match="invalid duration"):
            parse_duration(bad)
