"""The rules of backups and drills (dcmaint.domain.backups), from the contract's words: backups valid and
restorable (proven by restore tests), drills that meet their RTO and RPO, schedules and retention validated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dcmaint.domain import backups
from dcmaint.domain.backups import ObjectiveOutcome
from dcmaint.domain.preventive import TaskState, interval
from dcmaint.errors import UsageError

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("target", "achieved", "outcome"),
    [
        (timedelta(hours=4), timedelta(hours=3, minutes=59), ObjectiveOutcome.MET),
        (timedelta(hours=4), timedelta(hours=4), ObjectiveOutcome.MET),  # exactly the target meets it
        (timedelta(hours=4), timedelta(hours=4, seconds=1), ObjectiveOutcome.MISSED),
        (timedelta(minutes=30), timedelta(0), ObjectiveOutcome.MET),  # no data lost
    ],
)
def test_an_objective_is_met_when_achieved_is_at_most_the_target(target, achieved, outcome):
    assert backups.objective(target, achieved) is outcome


def test_a_restore_test_falls_due_its_interval_after_the_last_good_restore():
    every = interval("3mo", "--verify-every")
    assert backups.verification_due(T0, every, None, None) == datetime(2026, 4, 10, 9, 0, tzinfo=UTC)  # registered
    ok = datetime(2026, 2, 1, tzinfo=UTC)
    assert backups.verification_due(T0, every, ok, None) == datetime(2026, 5, 1, tzinfo=UTC)
    older_failure = datetime(2026, 1, 20, tzinfo=UTC)
    assert backups.verification_due(T0, every, ok, older_failure) == datetime(2026, 5, 1, tzinfo=UTC)


def test_a_failed_or_partial_restore_makes_the_next_test_due_at_once():
    every = interval("3mo", "--verify-every")
    failed = datetime(2026, 3, 1, tzinfo=UTC)
    assert backups.verification_due(T0, every, datetime(2026, 2, 1, tzinfo=UTC), failed) == failed
    assert backups.verification_due(T0, every, None, failed) == failed


def test_a_drill_falls_due_on_its_next_date_then_every_interval_after_the_last_drill():
    every = interval("6mo", "--every")
    next_on = datetime(2026, 3, 1, tzinfo=UTC)
    assert backups.drill_due(T0, every, next_on, None) == next_on
    held = datetime(2026, 3, 3, tzinfo=UTC)  # held two days after the date planned
    assert backups.drill_due(T0, every, next_on, held) == datetime(2026, 9, 3, tzinfo=UTC)
    assert backups.drill_due(T0, every, None, None) == datetime(2026, 7, 10, 9, 0, tzinfo=UTC)
    assert backups.drill_due(T0, None, next_on, held) is None  # a one-off drill, held
    assert backups.drill_due(T0, None, next_on, datetime(2026, 2, 1, tzinfo=UTC)) == next_on  # held before: still due


def test_due_states():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    two_weeks = timedelta(days=14)
    assert backups.due_state(now - timedelta(minutes=1), now, two_weeks) is TaskState.OVERDUE
    assert backups.due_state(now + timedelta(days=14), now, two_weeks) is TaskState.DUE
    assert backups.due_state(now + timedelta(days=15), now, two_weeks) is TaskState.SCHEDULED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30 1 * * *", "30 1 * * *"),
        ("0  2 * * 1-5", "0 2 * * 1-5"),
        ("*/15 * * * *", "*/15 * * * *"),
        ("0 3 1,15 * 0", "0 3 1,15 * 0"),
        ("@Weekly", "@weekly"),
        ("6h", "6h"),
        ("1d", "1d"),
        ("1w", "1w"),
        ("1mo", "1mo"),
    ],
)
def test_a_schedule_is_a_cron_expression_an_alias_or_an_interval(text, expected):
    assert backups.schedule(text, "--schedule") == expected


@pytest.mark.parametrize(
    "text",
    ["", "nightly", "60 1 * * *", "0 24 * * *", "0 0 32 * *", "0 0 * 13 *", "0 0 * * 8", "0 0 * *", "5-1 * * * *",
     "*/0 * * * *", "0h", "169h", "0d", "-1d", "1 2 3 4 5 6", "0 0 * * mon"],
)  # fmt: skip
def test_a_bad_schedule_is_refused_naming_it(text):
    with pytest.raises(UsageError) as error:
        backups.schedule(text, "--schedule")
    assert f"--schedule {text!r}" in str(error.value)


def test_retention_is_an_interval_or_a_number_of_copies():
    assert backups.retention("7y", "--retention") == "7y"
    assert backups.retention("1 copy", "--retention") == "1 copies"
    for bad in ("", "forever", "0 copies", "10001 copies", "11y", "-3d", "30"):
        with pytest.raises(UsageError, match="--retention"):
            backups.retention(bad, "--retention")


def test_achieved_values_may_be_zero_but_never_negative_nor_beyond_a_month():
    assert backups.achieved("0m", "--rpo-achieved") == timedelta(0)
    assert backups.achieved("0", "--rpo-achieved") == timedelta(0)
    assert backups.achieved("2h15m", "--rto-achieved") == timedelta(hours=2, minutes=15)
    for bad in ("-1h", "-0m", "31d", "soon", "", "99999999999999999999d"):
        with pytest.raises(UsageError, match="--rto-achieved"):
            backups.achieved(bad, "--rto-achieved")


def test_targets_are_more_than_nothing():
    assert backups.objective_target("4h", "--rto") == timedelta(hours=4)
    for bad in ("0m", "-4h", "31d", "four hours"):
        with pytest.raises(UsageError, match="--rto"):
            backups.objective_target(bad, "--rto")


def test_a_follow_up_action_names_its_owner_due_date_and_work():
    given = backups.follow_up("张伟,2027-01-15,更新恢复手册,补充步骤", "--action")
    assert (given.owner, given.due, given.action) == ("张伟", date(2027, 1, 15), "更新恢复手册,补充步骤")
    for bad in ("张伟", "张伟,2027-02-30,x", ",2027-01-15,x", "张伟,2027-01-15,", "张\x1b伟,2027-01-15,x"):
        with pytest.raises(UsageError, match="--action"):
            backups.follow_up(bad, "--action")
