"""The rules of preventive maintenance, without a store: intervals, due dates, task names, the task file and
which fault says a consumable is worn (docs/maintenance.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.domain.preventive import (
    Consumable,
    Interval,
    TaskRef,
    TaskState,
    Unit,
    interval,
    next_due,
    state,
    task_ref,
    task_types,
)
from dcmaint.domain.wear import worn_task
from dcmaint.errors import UsageError
from dcmaint.services import pm_catalogue

T0 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", datetime(2026, 5, 1, 9, 0, tzinfo=UTC)),
        ("2w", datetime(2026, 2, 14, 9, 0, tzinfo=UTC)),
        ("1mo", datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),  # no 31 February: the month's last day
        ("3mo", datetime(2026, 4, 30, 9, 0, tzinfo=UTC)),
        ("13mo", datetime(2027, 2, 28, 9, 0, tzinfo=UTC)),
        ("12MO", datetime(2027, 1, 31, 9, 0, tzinfo=UTC)),
        ("4y", datetime(2030, 1, 31, 9, 0, tzinfo=UTC)),
    ],
)
def test_an_interval_is_a_calendar_span(text: str, expected: datetime) -> None:
    assert interval(text, "--every").after(T0) == expected


def test_a_leap_day_plus_a_year_is_the_last_day_of_february() -> None:
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert interval("1y", "every").after(leap) == datetime(2029, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "0d", "3", "3m", "mo", "-1mo", "11y", "3700d", "1.5mo", "3 months", "三个月"])
def test_a_bad_interval_is_refused_naming_it(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        interval(text, "--every")
    assert f"--every {text!r}" in str(raised.value) and "\n" not in str(raised.value)


def test_next_due_is_the_interval_after_the_base_or_the_fault_if_earlier() -> None:
    every = Interval(3, Unit.MONTHS)
    assert next_due(T0, every) == datetime(2026, 4, 30, 9, 0, tzinfo=UTC)
    fault = datetime(2026, 2, 10, tzinfo=UTC)
    assert next_due(T0, every, forward=fault) == fault
    later = datetime(2026, 6, 1, tzinfo=UTC)
    assert next_due(T0, every, forward=later) == datetime(2026, 4, 30, 9, 0, tzinfo=UTC)


def test_state_against_now_and_the_window() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert state(now - timedelta(seconds=1), now, timedelta(days=14)) is TaskState.OVERDUE
    assert state(now + timedelta(days=14), now, timedelta(days=14)) is TaskState.DUE
    assert state(now + timedelta(days=14, seconds=1), now, timedelta(days=14)) is TaskState.SCHEDULED
    assert state(now + timedelta(days=1), now, timedelta(0)) is TaskState.SCHEDULED


def test_task_references() -> None:
    assert task_ref("hq/crac01/crac-filter") == TaskRef("hq", "crac01", "crac-filter")
    assert task_ref("hq/room-cleaning") == TaskRef("hq", None, "room-cleaning")
    assert str(TaskRef("hq", None, "room-cleaning")) == "hq/room-cleaning"
    for bad in ("hq", "hq//crac-filter", "a/b/c/d", "/crac-filter"):
        with pytest.raises(UsageError, match="invalid task"):
            task_ref(bad)


def test_a_device_option_names_its_own_consumable() -> None:
    filters = Consumable("FLT-G4-595x495x46", 4, "filter_part")
    assert filters.for_device({}) == "FLT-G4-595x495x46"
    assert filters.for_device({"filter_part": "FLT-F5-595x495x46"}) == "FLT-F5-595x495x46"
    assert filters.for_device({"filter_part": " "}) == "FLT-G4-595x495x46"


def test_the_shipped_task_types() -> None:
    by_id = {task.id: task for task in pm_catalogue.shipped()}
    shipped = {"dust-removal", "crac-filter", "humidifier-cylinder", "ups-battery-check", "ups-battery-replacement"}
    assert shipped <= set(by_id)
    assert by_id["crac-filter"].applies("cooling") and not by_id["crac-filter"].applies("server")
    assert by_id["crac-filter"].consumables[0].part_number == "FLT-G4-595x495x46"
    assert by_id["room-cleaning"].site_level
    assert by_id["dust-removal"].name("zh_CN") == "设备除尘" and by_id["dust-removal"].name("en") == "Dust removal"


GOOD = {"id": "x", "name_en": "X", "name_zh": "叉", "applies_to": ["ups"], "every": "6mo"}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"id": "Bad Name"}, "invalid task type"),
        ({"applies_to": ["toaster"]}, "applies_to"),
        ({"applies_to": ["site", "ups"]}, "cannot be mixed"),
        ({"every": "soon"}, "every 'soon'"),
        ({"name_zh": ""}, "name_zh"),
        ({"consumable": [{"part_number": "P", "quantity": 0}]}, "invalid quantity 0"),
        ({"consumable": [{"part_number": "P", "quantity": True}]}, "invalid quantity True"),
        ({"consumable": "P"}, "consumable must be"),
    ],
)
def test_a_bad_task_file_is_refused_naming_the_entry(change: dict[str, object], words: str) -> None:
    with pytest.raises(UsageError) as raised:
        task_types({"task": [{**GOOD, **change}]}, "tasks.toml")
    assert "tasks.toml: task 1" in str(raised.value) and words in str(raised.value)


def test_a_task_type_defined_twice_is_refused() -> None:
    with pytest.raises(UsageError, match="defined twice"):
        task_types({"task": [GOOD, GOOD]}, "tasks.toml")
    with pytest.raises(UsageError, match="no \\[\\[task\\]\\]"):
        task_types({}, "tasks.toml")


@pytest.mark.parametrize(
    ("device_kind", "fault_kind", "reason", "task"),
    [
        # what the SNMP CRAC profiles report
        ("cooling", "filter", "Air Filter Clogged", "crac-filter"),
        ("cooling", "filter", "Clogged air filter", "crac-filter"),
        ("cooling", "filter", "Change air filter", "crac-filter"),
        ("cooling", "filter", "空调过滤网堵塞告警", "crac-filter"),
        ("cooling", "sensor", "Filter run hours: 2950 h out of range", "crac-filter"),
        ("cooling", "alarm", "过滤网运行时间到期", "crac-filter"),
        ("cooling", "humidifier", "Humidifier Cylinder Worn", "humidifier-cylinder"),
        ("cooling", "humidifier", "加湿罐寿命到期，请更换", "humidifier-cylinder"),
        ("cooling", "alarm", "Humidifier cylinder end of life", "humidifier-cylinder"),
        # what the UPS profiles report
        ("ups", "battery", "Replace battery", "ups-battery-replacement"),
        ("ups", "battery", "Battery needs replacing (batteryNeedsReplacing)", "ups-battery-replacement"),
        ("ups", "alarm", "Self-test failed", "ups-battery-replacement"),
        ("ups", "alarm", "电池寿命到期", "ups-battery-replacement"),
        ("ups", "battery", "battery at end of life", "ups-battery-replacement"),
    ],
)
def test_a_fault_that_says_a_consumable_is_worn(device_kind: str, fault_kind: str, reason: str, task: str) -> None:
    assert worn_task(device_kind, fault_kind, reason) == task


@pytest.mark.parametrize(
    ("device_kind", "fault_kind", "reason"),
    [
        ("cooling", "humidifier", "Low water in humidifier"),  # no wear
        ("cooling", "fan", "Fan 2 Failure"),
        ("cooling", "alarm", "High Supply Air Temperature"),
        ("cooling", "alarm", "Change compressor oil"),  # wear words, about no consumable of ours
        ("server", "battery", "CMOS battery at end of life"),  # not a UPS
        ("storage", "battery", "NVRAM battery at end of life"),
        ("server", "filter", "Dust filter clogged"),  # a server's bezel filter: no CRAC task
        ("ups", "alarm", "Battery charger failed"),
        ("ups", "battery", "Battery fault"),
        ("ups", "alarm", "On battery"),
        ("ups", "battery", None),
    ],
)
def test_other_faults_bring_nothing_forward(device_kind: str, fault_kind: str, reason: str | None) -> None:
    assert worn_task(device_kind, fault_kind, reason) is None
