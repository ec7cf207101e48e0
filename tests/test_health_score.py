"""The health score (dcmaint.domain.health_score), each line of the rule as docs/inspections.md states it."""

from __future__ import annotations

import pytest

from dcmaint.domain.health_score import Deductions, device_score, system_score, trend


def test_a_device_with_nothing_against_it_scores_100():
    assert device_score(Deductions()) == 100


@pytest.mark.parametrize(("health", "cost"), [("critical", 25), ("warning", 10), ("unknown", 5)])
def test_an_open_part_fault_costs_by_its_health(health, cost):
    assert device_score(Deductions(part_faults={health: 1})) == 100 - cost
    assert device_score(Deductions(part_faults={health: 2})) == 100 - 2 * cost


@pytest.mark.parametrize(("health", "cost"), [("critical", 15), ("warning", 5)])
def test_an_alarm_of_its_own_costs_15_when_critical_else_5(health, cost):
    assert device_score(Deductions(alarms={health: 1})) == 100 - cost


@pytest.mark.parametrize(("health", "cost"), [("critical", 15), ("warning", 10)])
def test_a_sensor_out_of_range_costs_15_when_critical_else_10(health, cost):
    assert device_score(Deductions(sensors={health: 1})) == 100 - cost


def test_each_checklist_item_not_ok_costs_10():
    assert device_score(Deductions(checks_failed=3)) == 70


def test_a_failed_poll_costs_20():
    assert device_score(Deductions(poll_failed=True)) == 80


def test_deductions_add_up_and_the_score_never_goes_below_0():
    assert device_score(Deductions(part_faults={"critical": 1}, alarms={"warning": 1}, checks_failed=1)) == 60
    assert device_score(Deductions(part_faults={"critical": 5})) == 0


def test_a_system_scores_the_mean_of_its_devices_rounded_half_up():
    assert system_score([100, 75]) == 88  # 87.5
    assert system_score([100, 65, 70]) == 78  # 78.33
    assert system_score([]) is None


@pytest.mark.parametrize(
    ("now", "before", "expected"),
    [(90, 80, "up"), (83, 80, "up"), (82, 80, "same"), (78, 80, "same"), (77, 80, "down"), (80, None, "new")],
)
def test_the_trend_moves_only_beyond_2_points(now, before, expected):
    assert trend(now, before) == expected
