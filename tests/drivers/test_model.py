"""The report model: health ordering, the fault rule, frozen objects and the JSON form's keys."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import json
import math

import pytest
from example_drivers import RECORDINGS, parse_recording, utc

from dcmaint.drivers import (
    Alarm,
    ArchiveSnapshot,
    Component,
    ComponentKind,
    ComponentRef,
    DeviceIdentity,
    DeviceReport,
    Health,
    LogEvent,
    PartIdentity,
    Sensor,
    Thresholds,
)

MODULES = ["health", "model", "report", "target", "catalog", "result", "plain", "base", "errors"]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module: str) -> None:
    results = doctest.testmod(importlib.import_module(f"dcmaint.drivers.{module}"))
    assert results.failed == 0


def test_every_model_class_has_an_example() -> None:
    for cls in (
        Health,
        ComponentKind,
        ComponentRef,
        PartIdentity,
        Component,
        Thresholds,
        Sensor,
        Alarm,
        LogEvent,
        ArchiveSnapshot,
        DeviceIdentity,
        DeviceReport,
    ):
        assert ">>>" in (cls.__doc__ or ""), f"{cls.__name__} lacks an example in its docstring"


def test_worst_health_follows_the_monitoring_order() -> None:
    order = [Health.ABSENT, Health.OK, Health.UNKNOWN, Health.WARNING, Health.CRITICAL]
    shuffled = [Health.WARNING, Health.CRITICAL, Health.ABSENT, Health.UNKNOWN, Health.OK]
    assert sorted(shuffled, key=lambda health: health.rank) == order
    assert Health.worst([Health.CRITICAL, Health.UNKNOWN]) is Health.CRITICAL
    with pytest.raises(ValueError):
        Health.worst([])


def test_status_ignores_empty_slots_and_counts_sensors_alarms_and_rollup() -> None:
    identity = DeviceIdentity(serial="X")
    bays = [Component(ComponentKind.DISK, f"Bay {n}", Health.ABSENT) for n in range(3)]
    assert DeviceReport(identity, components=bays).status is Health.OK
    assert DeviceReport(identity).status is Health.OK
    hot = Sensor("Inlet", 45.0, "Cel", Health.CRITICAL)
    assert DeviceReport(identity, sensors=[hot]).status is Health.CRITICAL
    assert DeviceReport(identity, alarms=[Alarm("On battery", Health.WARNING)]).status is Health.WARNING
    assert DeviceReport(identity, rollup=Health.UNKNOWN).status is Health.UNKNOWN
    event = LogEvent(utc(2024, 1, 1), "old failure", Health.CRITICAL)
    assert DeviceReport(identity, events=[event]).status is Health.OK  # history does not set the status


def test_no_health_reported_is_shown_but_is_neither_a_fault_nor_unknown_status() -> None:
    identity = DeviceIdentity(serial="X")
    adapter = Component(ComponentKind.NIC, "Slot 3", Health.UNKNOWN, reason="no health reported")
    quiet = Sensor("Board temp", 30.0, "Cel", Health.UNKNOWN)
    report = DeviceReport(identity, components=[adapter], sensors=[quiet], rollup=Health.OK)
    assert report.status is Health.OK and report.faults() == ()
    assert report.as_json()["components"][0]["reason"] == "no health reported"
    lost = Alarm("could not read /redfish/v1/Chassis/1/Thermal", Health.UNKNOWN)  # an incomplete report says so
    assert DeviceReport(identity, components=[adapter], alarms=[lost]).status is Health.UNKNOWN


def test_thresholds_that_contradict_each_other_judge_nothing() -> None:
    assert Thresholds(lower_warning=2000.0, upper_warning=500.0).judge(900.0) is Health.UNKNOWN
    assert Thresholds(lower_critical=20.0, lower_warning=10.0).judge(15.0) is Health.UNKNOWN
    assert Thresholds(lower_critical=300.0, lower_warning=500.0).judge(400.0) is Health.WARNING
    assert Thresholds(upper_warning=38.0, upper_critical=42.0).judge(None) is Health.UNKNOWN


def test_faults_are_components_needing_action() -> None:
    report = parse_recording(RECORDINGS["redfish://10.0.0.6"])
    assert [(c.location, c.health.value, c.reason) for c in report.faults()] == [
        ("PSU 2", "critical", "input power lost"),
        ("Bay 1", "warning", "predictive failure"),
    ]
    assert report.status is Health.CRITICAL


def test_strings_become_enums_and_bad_values_fail_at_construction() -> None:
    component = Component("fan", "Fan 3", "warning", reason="slow")
    assert component.kind is ComponentKind.FAN and component.health is Health.WARNING
    with pytest.raises(ValueError):
        Component("flux-capacitor", "Slot 1", "ok")
    with pytest.raises(ValueError):
        Sensor("Inlet", 20.0, "Cel", "fine")


def test_reports_are_frozen_all_the_way_down() -> None:
    report = parse_recording(RECORDINGS["redfish://10.0.0.5"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.components[0].health = Health.CRITICAL  # type: ignore[misc]
    with pytest.raises(TypeError):
        report.identity.firmware["iLO 5"] = "9.99"  # type: ignore[index]
    assert isinstance(DeviceReport(DeviceIdentity(), components=[]).components, tuple)


def _full_report() -> DeviceReport:
    return DeviceReport(
        identity=DeviceIdentity(
            vendor="Huawei",
            model="OceanStor 5500 V5",
            serial="2102351QLH10K8000007",
            firmware={"controller": "V500R007C60"},
            part_number="02351QLH",
            hostname="ost-a",
        ),
        components=[
            Component(
                ComponentKind.DISK,
                "CTE0.12",
                Health.CRITICAL,
                reason="disk failed",
                name="1.2 TB SAS",
                part=PartIdentity(
                    manufacturer="Seagate",
                    model="ST1200MM0129",
                    part_number="02311AGL",
                    spare_part_number="02311AGL",
                    serial="WFK0ABCD",
                    firmware="5C02",
                    capacity_bytes=1_200_000_000_000,
                    rpm=10000,
                    attributes={"interface": "SAS"},
                ),
            )
        ],
        sensors=[Sensor("Enclosure temp", 31.0, "Cel", Health.OK, Thresholds(upper_critical=55.0), location="CTE0")],
        alarms=[
            Alarm(
                "Disk fault",
                Health.CRITICAL,
                code="0xF00D0001",
                source="CTE0.12",
                raised_at=utc(2024, 5, 1),
                component=ComponentRef(ComponentKind.DISK, "CTE0.12"),
            )
        ],
        events=[LogEvent(utc(2024, 5, 1, 2, 3), "Disk CTE0.12 failed", Health.CRITICAL, code="0x1", source="CTE0")],
        archive=ArchiveSnapshot(
            raid={"pool0": {"disks": 24, "level": "RAID6"}},
            system={"time_zone": "UTC+8"},
            backup={},
            hardware={"enclosures": ["CTE0"]},
            firmware={"controller": "V500R007C60"},
        ),
        rollup=Health.WARNING,
        polled_at=utc(2024, 5, 1, 3),
        duration=1.25,
    )


# The documented JSON keys (docs/plugins.md, "The report as JSON"). Add keys; never rename or remove.
REPORT_KEYS = [
    "status",
    "identity",
    "components",
    "sensors",
    "alarms",
    "events",
    "archive",
    "rollup",
    "polled_at",
    "duration",
]
IDENTITY_KEYS = ["vendor", "model", "serial", "firmware", "part_number", "hostname"]
COMPONENT_KEYS = ["kind", "location", "health", "reason", "name", "part"]
PART_KEYS = [
    "manufacturer",
    "model",
    "part_number",
    "spare_part_number",
    "serial",
    "firmware",
    "capacity_bytes",
    "speed_mhz",
    "link_mbps",
    "rpm",
    "attributes",
]
SENSOR_KEYS = ["name", "value", "unit", "health", "thresholds", "location", "component"]
THRESHOLD_KEYS = ["lower_critical", "lower_warning", "upper_warning", "upper_critical"]
ALARM_KEYS = ["message", "severity", "code", "source", "raised_at", "component"]
REF_KEYS = ["kind", "location"]
EVENT_KEYS = ["at", "message", "severity", "code", "source"]
ARCHIVE_KEYS = ["hardware", "system", "raid", "backup", "firmware"]
ALL_KEYS = {
    "report": REPORT_KEYS,
    "identity": IDENTITY_KEYS,
    "component": COMPONENT_KEYS,
    "part": PART_KEYS,
    "sensor": SENSOR_KEYS,
    "thresholds": THRESHOLD_KEYS,
    "alarm": ALARM_KEYS,
    "component reference": REF_KEYS,
    "event": EVENT_KEYS,
    "archive": ARCHIVE_KEYS,
}


def test_json_keys_are_stable() -> None:
    data = _full_report().as_json()
    assert list(data) == REPORT_KEYS
    assert list(data["identity"]) == IDENTITY_KEYS
    assert list(data["components"][0]) == COMPONENT_KEYS
    assert list(data["components"][0]["part"]) == PART_KEYS
    assert list(data["sensors"][0]) == SENSOR_KEYS
    assert list(data["sensors"][0]["thresholds"]) == THRESHOLD_KEYS
    assert list(data["alarms"][0]) == ALARM_KEYS
    assert list(data["alarms"][0]["component"]) == REF_KEYS
    assert list(data["events"][0]) == EVENT_KEYS
    assert list(data["archive"]) == ARCHIVE_KEYS
    assert data["status"] == "critical" and data["polled_at"] == "2024-05-01T03:00:00+00:00"


def test_json_round_trip_is_exact() -> None:
    report = _full_report()
    text = json.dumps(report.as_json(), allow_nan=False)
    again = DeviceReport.from_json(json.loads(text))
    assert again == report
    assert again.as_json() == report.as_json()


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_json_refuses_values_it_cannot_store(bad: float) -> None:
    report = DeviceReport(DeviceIdentity(), sensors=[Sensor("Inlet", bad, "Cel", Health.UNKNOWN)])
    with pytest.raises(TypeError, match=r"sensors\[0\]\.value"):
        report.as_json()
    archive = DeviceReport(DeviceIdentity(), archive=ArchiveSnapshot(system={"handle": object()}))
    with pytest.raises(TypeError, match=r"archive\.system\.handle"):
        archive.as_json()


def test_docs_list_every_json_key() -> None:
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "plugins.md").read_text(encoding="utf-8")
    for group, keys in ALL_KEYS.items():
        for key in keys:
            assert f"`{key}`" in docs, f"docs/plugins.md does not document the {group} key {key!r}"
