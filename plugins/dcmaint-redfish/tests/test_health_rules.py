"""Health agrees with the device: the rules of docs/health.md ("How dcmaint decides a part is faulty"),
on resource maps in the shapes public Redfish services take (rf_shapes), parsed and then through
``dcmaint health`` against fake BMCs serving them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
import rf_shapes as shapes
import rf_trees as trees
from rf_fakebmc import FakeBmc
from rf_trees import CH, SYS, R

from dcmaint.drivers import ComponentKind, ComponentRef, DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.services.health import Fault, faults_of
from dcmaint.testing import report_problems
from dcmaint_redfish import fixtures
from dcmaint_redfish.parse import parse_report


def faults(tree: dict[str, Any]) -> list[Fault]:
    report = parse_report(tree)
    assert report_problems(report) == []
    return faults_of(PollResult.success("bmc", "redfish", report, 0.1, datetime.now(UTC)))


def where(found: list[Fault]) -> list[tuple[str, str, str]]:
    return [(fault.kind, fault.location, fault.health.value) for fault in found]


def parts(report: DeviceReport) -> dict[tuple[str, str], Any]:
    return {(component.kind.value, component.location): component for component in report.components}


@pytest.mark.parametrize("name", list(shapes.HEALTHY))
def test_a_tree_with_nothing_unhealthy_has_no_fault(name: str) -> None:
    report = parse_report(shapes.HEALTHY[name]())
    assert report.status is Health.OK and faults(shapes.HEALTHY[name]()) == []


# -- the device's own verdict wins ---------------------------------------------------------------


def test_a_sensor_the_bmc_calls_ok_is_no_fault_whatever_its_thresholds() -> None:
    sensors = {sensor.name: sensor for sensor in parse_report(shapes.placeholder_thresholds()).sensors}
    assert sensors["Fan 1"].value == 5600 and sensors["Fan 1"].thresholds.lower_warning == 9000
    assert {sensors[name].health for name in ("Fan 1", "Inlet Temp", "12V Rail")} == {Health.OK}


def test_severity_is_never_raised_above_the_device_s() -> None:
    tree = trees.server()
    inlet = tree[f"{CH}/Thermal"]["Temperatures"][0]
    inlet.update(ReadingCelsius=50, Status={"State": "Enabled", "Health": "Warning"})  # above critical
    tree[f"{CH}/PowerSubsystem/PowerSupplies/2"].update(
        LineInputStatus="LossOfInput", Status={"State": "Enabled", "Health": "Warning"}
    )
    assert where(faults(tree)) == [("psu", "PSU 2", "warning"), ("sensor", "Inlet Temp", "warning")]


def test_dcmaint_judges_thresholds_only_when_the_device_gives_no_health() -> None:
    tree = trees.server()
    inlet = tree[f"{CH}/Thermal"]["Temperatures"][0]
    inlet.update(ReadingCelsius=39, Status={"State": "Enabled"})
    rail = tree[f"{CH}/Power"]["Voltages"][0]  # limits that contradict each other judge nothing
    rail.update(ReadingVolts=12.0, LowerThresholdCritical=13.0, UpperThresholdCritical=11.0, Status={})
    assert where(faults(tree)) == [("sensor", "Inlet Temp", "warning")]


def test_a_supply_without_input_that_the_bmc_calls_ok_is_ok() -> None:
    report = parse_report(shapes.idle_psu())
    assert parts(report)[("psu", "PSU 2")].health is Health.OK


# -- no health reported --------------------------------------------------------------------------


def test_a_part_without_health_is_listed_as_such_and_is_no_fault() -> None:
    report = parse_report(shapes.adapter_without_status())
    nic = parts(report)[("nic", "OCP Slot 1")]
    assert (nic.health, nic.reason) == (Health.UNKNOWN, "no health reported")
    assert report.status is Health.OK and report.faults() == ()
    shown = next(item for item in report.as_json()["components"] if item["location"] == "OCP Slot 1")
    assert (shown["health"], shown["reason"]) == ("unknown", "no health reported")  # the detailed view


# -- one broken part is one fault ----------------------------------------------------------------


def test_four_broken_parts_restated_by_the_bmc_are_four_faults() -> None:
    report = parse_report(shapes.four_broken_parts())
    found = faults(shapes.four_broken_parts())
    assert sorted(where(found)) == [
        ("battery", "Battery 1", "critical"),
        ("dimm", "P1-DIMMA1", "warning"),
        ("fan", "Fan 2", "critical"),
        ("psu", "PSU 2", "critical"),
    ]
    assert {alarm.component for alarm in report.alarms} == {
        ComponentRef("psu", "PSU 2"),
        ComponentRef("fan", "Fan 2"),
        ComponentRef("dimm", "P1-DIMMA1"),
        ComponentRef("battery", "Battery 1"),
    }
    speed = next(sensor for sensor in report.sensors if sensor.name == "Fan 2")
    assert speed.health is Health.CRITICAL and speed.component == ComponentRef("fan", "Fan 2")
    chassis = parts(report)[("enclosure", "Chassis")]
    assert chassis.health is Health.OK  # its Critical only rolled up the parts inside it


def test_a_sensor_named_by_its_part_or_naming_it_is_folded_into_the_part() -> None:
    tree = shapes.sensors_collection()
    tree[f"{CH}/ThermalSubsystem/Fans/3"]["Status"] = {"State": "Enabled", "Health": "Critical"}
    tree[f"{CH}/Sensors/Fan3Speed"].update(Reading=0, Status={"State": "Enabled", "Health": "Critical"})
    tree[f"{CH}/PowerSubsystem/PowerSupplies/2"]["Status"] = {"State": "Enabled", "Health": "Critical"}
    tree[f"{CH}/Sensors/PSU2Input"].update(Reading=0, Status={"State": "Enabled", "Health": "Critical"})
    del tree[f"{CH}/Sensors/Fan3Speed"]["RelatedItem"]  # only the fan's SpeedPercent.DataSourceUri names it
    assert sorted(where(faults(tree))) == [("fan", "Fan 3", "critical"), ("psu", "PSU 2", "critical")]


def test_a_degraded_volume_restating_its_failed_disk_is_the_disk_s_fault() -> None:
    tree = trees.server()
    tree[f"{SYS}/Storage/RAID1/Drives/2"]["Status"] = {"State": "Enabled", "Health": "Critical"}
    tree[f"{SYS}/Storage/RAID1/Volumes/1"]["Status"] = {"State": "Enabled", "Health": "Warning"}
    assert where(faults(tree)) == [("disk", "Bay 2", "critical")]
    tree[f"{SYS}/Storage/RAID1/Drives/2"]["Status"] = ok = {"State": "Enabled", "Health": "OK"}
    assert ok and where(faults(tree)) == [("alarm", "Logical Drive 1", "warning")]  # a rebuild: the volume


def test_a_condition_about_a_healthy_part_stays_one_alarm_at_that_part() -> None:
    tree = trees.server()
    shapes.restated(tree, shapes.condition("PSU 2 redundancy lost.", "Warning", f"{CH}/Power#/PowerSupplies/1"))
    found = faults(tree)
    assert where(found) == [("alarm", "PSU 2", "warning")] and found[0].reason == "PSU 2 redundancy lost."


# -- assemblies ----------------------------------------------------------------------------------


def test_assemblies_are_parts_and_an_unhealthy_one_is_a_fault_with_its_identity() -> None:
    report = parse_report(shapes.with_assemblies())
    board = parts(report)[("module", "System Board")]
    assert board.part is not None and (board.part.part_number, board.part.serial) == ("P11781-001", "PWARU0ABC1")
    assert [c.kind.value for c in report.components].count("psu") == 2  # the PSU's assembly is the PSU
    broken = faults(shapes.with_assemblies("Critical"))
    assert [(f.kind, f.location) for f in broken] == [("module", "System Board"), ("module", "Drive Backplane")]
    assert (broken[0].part_number, broken[0].spare_part_number, broken[0].serial, broken[0].model) == (
        "P11781-001",
        "P06789-001",
        "PWARU0ABC1",
        "System Board",
    )


# -- chassis and blades --------------------------------------------------------------------------


def test_a_blade_that_is_unavailable_offline_is_a_fault_though_its_health_says_ok() -> None:
    tree = shapes.blade_enclosure()
    tree[f"{R}/Chassis/Blade3"]["Status"] = {"State": "UnavailableOffline", "Health": "OK"}
    found = faults(tree)
    assert where(found) == [("enclosure", "Bay 3", "warning")] and found[0].reason == "offline"
    assert found[0].serial == "SN-Blade3"


def test_a_chassis_health_that_no_part_explains_is_its_own_fault() -> None:
    tree = trees.server()
    tree[CH]["Status"] = {"State": "Enabled", "Health": "Critical"}
    assert where(faults(tree)) == [("enclosure", "Chassis", "critical")]


def test_every_location_names_its_chassis_on_a_device_with_several() -> None:
    report = parse_report(shapes.blade_enclosure())
    inlets = [sensor.name for sensor in report.sensors if sensor.name.endswith("Inlet Temp")]
    assert inlets == [f"{place} / Inlet Temp" for place in ("Enclosure", "Bay 1", "Bay 2", "Bay 3", "Bay 4")]
    dimms = [c.location for c in report.components if c.kind is ComponentKind.DIMM]
    assert dimms == [f"Bay {n} / DIMM A1" for n in range(1, 5)]
    assert ("psu", "Enclosure / PSU 2") in parts(report)


def test_the_same_sensor_in_four_chassis_is_four_lines() -> None:
    tree = shapes.multi_tray(4)
    for tray in (2, 4):
        inlet = tree[f"{R}/Chassis/Tray{tray}/Thermal"]["Temperatures"][0]
        inlet.update(ReadingCelsius=47, Status={"State": "Enabled", "Health": "Critical"})
    tree[f"{R}/Chassis/Tray3/Power"]["PowerSupplies"][0]["Status"] = {"State": "Enabled", "Health": "Critical"}
    assert where(faults(tree)) == [
        ("psu", "Tray 3 / PSU 1", "critical"),
        ("sensor", "Tray 2 / Inlet Temp", "critical"),
        ("sensor", "Tray 4 / Inlet Temp", "critical"),
    ]


def test_the_vendor_s_own_labels_win_over_renamed_ones() -> None:
    tree = shapes.multi_tray(2)  # both trays are named "Computer System Chassis": their ServiceLabels tell
    locations = [c.location for c in parse_report(tree).components if c.kind is ComponentKind.PSU]
    assert locations == ["Tray 1 / PSU 1", "Tray 2 / PSU 1"]  # never "PSU 1 #2"
    tree = trees.server()
    tree[f"{CH}/PowerSubsystem/PowerSupplies/2"]["Location"] = trees.label("7")
    assert ("psu", "7") in parts(parse_report(tree))  # the label as printed, not "PSU 7"


# -- where a condition or a disk is --------------------------------------------------------------


def test_a_condition_is_placed_at_the_resource_it_points_at_not_its_message_id() -> None:
    tree = trees.server()
    tree[SYS]["Status"]["Conditions"] = [
        shapes.condition("Fan redundancy lost.", "Warning", f"{CH}/ThermalSubsystem", "Fan.1.0.Redundancy"),
        {"MessageId": "Acme.1.0.Intrusion", "Message": "Chassis opened.", "Severity": "Warning"},
    ]
    tree[CH]["Status"]["Conditions"] = [shapes.condition("Chassis warm.", "Warning", CH)]
    report = parse_report(tree)
    assert sorted((alarm.source, alarm.message) for alarm in report.alarms) == [
        ("Chassis", "Chassis warm."),
        ("System", "Chassis opened."),
        ("Thermal", "Fan redundancy lost."),
    ]


def test_service_conditions_are_read_and_placed_at_their_origin() -> None:
    tree = shapes.service_conditions()
    tree[f"{R}/ServiceConditions"]["Conditions"] = [
        shapes.condition("PSU 2 lost its input.", "Critical", f"{CH}/PowerSubsystem/PowerSupplies/2")
    ]
    assert where(faults(tree)) == [("alarm", "PSU 2", "critical")]
    trees.fail_psu(tree)
    assert where(faults(tree)) == [("psu", "PSU 2", "critical")]


def test_a_disk_is_named_by_its_bay_not_by_its_controller() -> None:
    report = parse_report(shapes.unlabelled_drives())
    assert [c.location for c in report.components if c.kind is ComponentKind.DISK] == [f"Bay {n}" for n in range(1, 5)]


# -- drive wear ----------------------------------------------------------------------------------


def test_life_left_is_wear_only_on_solid_state_media_and_only_without_the_drive_s_verdict() -> None:
    assert faults(shapes.spinning_disk_zero_life()) == []
    tree = shapes.spinning_disk_zero_life()
    tree[f"{SYS}/Storage/RAID1/Drives/3"].update(PredictedMediaLifeLeftPercent=0, Status={"State": "Enabled"})
    tree[f"{SYS}/Storage/RAID1/Drives/1"]["Status"] = {"State": "Enabled"}  # the HDD at 0: still no wear
    found = faults(tree)
    assert where(found) == [("disk", "Bay 3", "warning")] and found[0].reason == "0% life left"


# -- through `dcmaint health`, as a monitoring system calls it ------------------------------------


def _dcmaint(tmp_path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(tmp_path / "home"), BMC_PW="secret", DCMAINT_LOAD_PLUGINS="redfish")
    return subprocess.run(
        [sys.executable, "-m", "dcmaint", *argv], capture_output=True, text=True, env=env, timeout=120
    )


def _health(tmp_path, trees_by_name: dict[str, dict], fmt: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    with ExitStack() as stack:
        bmcs = {name: stack.enter_context(FakeBmc(tree)) for name, tree in trees_by_name.items()}
        args = [arg for bmc in bmcs.values() for arg in ("--target", bmc.endpoint)]
        done = _dcmaint(
            tmp_path, "health", "--format", fmt, *args, "--username", "admin", "--password-ref", "env:BMC_PW"
        )
        return done, [f"127.0.0.1_{bmc.port}" for bmc in bmcs.values()]


def test_every_healthy_shape_and_recorded_tree_is_ok_through_dcmaint_health(tmp_path) -> None:
    healthy = {name: build() for name, build in shapes.HEALTHY.items()}
    healthy.update({name: dict(fixtures.load(name).resources) for name in fixtures.names()})
    done, names = _health(tmp_path, healthy, "json")
    data = json.loads(done.stdout or "{}")
    by_name = {device["name"]: device for device in data.get("devices", [])}
    shape_of = dict(zip(names, healthy, strict=True))
    wrong = {shape_of[n]: (d["status"], d["error"], d["faults"]) for n, d in by_name.items() if d["status"] != "ok"}
    assert wrong == {} and done.returncode == 0, done.stderr
    assert len(by_name) == len(healthy)


def test_nagios_counts_four_faults_for_four_broken_parts(tmp_path) -> None:
    done, _names = _health(tmp_path, {"four": shapes.four_broken_parts()}, "nagios")
    status, *lines = done.stdout.strip().splitlines()
    assert done.returncode == 2 and "faults=4;" in status, done.stdout + done.stderr
    assert len([line for line in lines if line.startswith("[")]) == 4
