"""Odd but valid shapes real switches answer with: none of them may become a fault, none may crash the parser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.drivers import Component, ComponentKind, DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import FaultSpec, parse_faults
from dcmaint.services.health import Fault, faults_of
from dcmaint.testing.checks import report_problems
from dcmaint_snmp.profiles import by_name
from dcmaint_snmp.profiles.network import SAMPLES
from dcmaint_snmp.profiles.network.entity import scaled
from dcmaint_snmp.snapshot import Snapshot

ENT = "1.3.6.1.2.1.47.1.1.1.1"
STATE = "1.3.6.1.2.1.131.1.1.1"
SENSOR = "1.3.6.1.2.1.99.1.1.1"
SYSTEM = "1.3.6.1.2.1.1.2.0|6|{oid}\n1.3.6.1.2.1.1.5.0|4|sw-test\n"


def sample(profile: str, faults: tuple[FaultSpec, ...] = ()) -> Snapshot:
    return next(item for item in SAMPLES if item.profile == profile).build(faults)


def parse(profile: str, snapshot: Snapshot, options: dict[str, str] | None = None) -> DeviceReport:
    found = by_name(profile)
    assert found is not None
    report = found.parse(snapshot, options or {})
    assert report_problems(report) == []
    return report


def faults(report: DeviceReport) -> list[Fault]:
    return faults_of(PollResult.success("sw1", "snmp", report, 0.1, datetime.now(UTC)))


def entity(index: int, cls: int, name: str, parent: int = 0, descr: str = "", serial: str = "", model: str = "") -> str:
    """entPhysicalTable rows as .snmprec lines (Snapshot sorts them)."""
    return (
        f"{ENT}.2.{index}|4|{descr}\n{ENT}.4.{index}|2|{parent}\n{ENT}.5.{index}|2|{cls}\n{ENT}.7.{index}|4|{name}\n"
        f"{ENT}.11.{index}|4|{serial}\n{ENT}.13.{index}|4|{model}\n"
    )


def snap(text: str, oid: str = "1.3.6.1.4.1.8072.3.2.10") -> Snapshot:
    return Snapshot.from_snmprec(SYSTEM.format(oid=oid) + text)


def component(report: DeviceReport, location: str) -> Component:
    return next(item for item in report.components if item.location == location)


# --- inventory ------------------------------------------------------------------------------------------------------


def test_a_stack_of_two_chassis_qualifies_repeated_names_by_member() -> None:
    report = parse("switch-h3c", sample("switch-h3c"))
    locations = [item.location for item in report.components]
    assert len(locations) == len(set(locations))
    assert {"Slot 1", "Slot 2", "Slot 1 / PSU 1", "Slot 2 / PSU 1", "Slot 2 / Fan 2"} <= set(locations)
    assert report.identity.serial == "219801A2KK8197Q00001"  # the first member


def test_repeated_names_with_no_chassis_to_tell_them_apart_get_their_index() -> None:
    report = parse("switch-entity", snap(entity(5, 6, "PSU", descr="AC PSU") + entity(6, 6, "PSU", descr="AC PSU")))
    assert [item.location for item in report.components] == ["PSU [5]", "PSU [6]"]


def test_an_empty_serial_is_no_serial_and_the_model_name_is_the_part_number() -> None:
    report = parse("switch-entity", sample("switch-entity"))
    fan = component(report, "Fantray 1")
    assert fan.part is not None and fan.part.serial is None and fan.part.part_number == "FAN-AS7326-F2B"


def test_sparse_indexes_and_names_padded_with_nuls_and_spaces() -> None:
    report = parse("switch-huawei", sample("switch-huawei"))
    psu = component(report, "PWR2")
    assert psu.health is Health.OK and psu.part is not None and psu.part.serial == "2102312CHW10K1000002"


def test_gb18030_descriptions_are_read_as_chinese() -> None:
    report = parse("switch-h3c", sample("switch-h3c"))
    assert component(report, "Slot 1 / PSU 1").name == "电源模块 250W 交流"


def test_a_containment_loop_does_not_hang() -> None:
    report = parse("switch-entity", snap(entity(1, 3, "Chassis", parent=2) + entity(2, 5, "Slot", parent=1)))
    assert [item.location for item in report.components] == ["Chassis"]


def test_an_agent_with_nothing_but_the_system_group_is_ok() -> None:
    report = parse("switch-entity", snap(""))
    assert report.components == () and report.status is Health.OK


# --- state --------------------------------------------------------------------------------------------------------


def test_a_part_with_no_state_row_is_listed_unknown_not_a_fault() -> None:
    report = parse("switch-entity", sample("switch-entity"))
    tray = component(report, "Fantray 4")
    assert (tray.health, tray.reason) == (Health.UNKNOWN, "no health reported")
    chassis = component(parse("switch-huawei", sample("switch-huawei")), "S6730-H48X6C")
    assert chassis.health is Health.UNKNOWN and not chassis.is_fault


def test_a_part_an_administrator_locked_is_not_a_fault() -> None:
    text = entity(601, 6, "PSU 1") + f"{STATE}.2.601|2|2\n{STATE}.3.601|2|2\n"
    assert faults(parse("switch-entity", snap(text))) == []


def test_entity_state_alarm_bits_alone_make_a_part_faulty() -> None:
    text = entity(601, 6, "PSU 1") + f"{STATE}.2.601|2|4\n{STATE}.3.601|2|3\n{STATE}.5.601|4x|08\n"  # minor(4)
    (fault,) = faults(parse("switch-entity", snap(text)))
    assert (fault.location, fault.health, fault.reason) == ("PSU 1", Health.WARNING, "minor alarm")


def test_a_disabled_port_entity_is_its_link_not_a_fault_but_its_alarm_bits_count() -> None:
    port = entity(1001, 10, "Ethernet0", descr="25G port")
    assert faults(parse("switch-entity", snap(port + f"{STATE}.3.1001|2|2\n"))) == []
    (fault,) = faults(parse("switch-entity", snap(port + f"{STATE}.3.1001|2|2\n{STATE}.5.1001|4x|20\n")))
    assert (fault.kind, fault.location, fault.health) == ("alarm", "Ethernet0", Health.CRITICAL)


def test_an_h3c_port_reporting_a_transceiver_error_is_one_alarm() -> None:
    base = "1.3.6.1.4.1.25506.2.6.1.1.1.1"
    text = entity(100, 3, "Slot 1") + entity(149, 10, "Ten-GigabitEthernet1/0/49", parent=100)
    text += f"{base}.19.100|2|2\n{base}.19.149|2|31\n"
    (fault,) = faults(parse("switch-h3c", snap(text, "1.3.6.1.4.1.25506.1.1890")))
    assert (fault.location, fault.health) == ("Ten-GigabitEthernet1/0/49", Health.CRITICAL)
    assert "sfpRecvError" in (fault.reason or "")


def test_huawei_indeterminate_and_not_supported_values_say_nothing() -> None:
    base = "1.3.6.1.4.1.2011.5.25.31.1.1.1.1"
    text = entity(16973825, 6, "PWR1") + f"{base}.1.16973825|2|1\n{base}.2.16973825|2|1\n{base}.4.16973825|4x|81\n"
    report = parse("switch-huawei", snap(text, "1.3.6.1.4.1.2011.2.23.600"))
    assert component(report, "PWR1").health is Health.UNKNOWN and faults(report) == []


def test_huawei_fans_outside_the_entity_table_come_from_the_fan_status_table() -> None:
    base = "1.3.6.1.4.1.2011.5.25.31.1.1.10.1"
    text = entity(16777216, 3, "S5735-L48T4X-A")
    for index, speed, present, state in (("1.1", 45, 1, 1), ("1.2", 0, 2, 2), ("1.3", 0, 1, 2)):
        text += f"{base}.5.{index}|2|{speed}\n{base}.6.{index}|2|{present}\n{base}.7.{index}|2|{state}\n"
    report = parse("switch-huawei", snap(text, "1.3.6.1.4.1.2011.2.23.500"))
    healths = {item.location: item.health for item in report.components if item.kind is ComponentKind.FAN}
    assert healths == {"Fan 1/1": Health.OK, "Fan 1/2": Health.ABSENT, "Fan 1/3": Health.CRITICAL}
    assert [(fault.kind, fault.location) for fault in faults(report)] == [("fan", "Fan 1/3")]


# --- Cisco ENVMON -----------------------------------------------------------------------------------------------------

SUPPLY = "1.3.6.1.4.1.9.9.13.1.5.1"


def test_cisco_supply_not_present_is_an_absent_part() -> None:
    report = parse("switch-cisco", sample("switch-cisco"))
    assert component(report, "Sw1, RPS NotExist").health is Health.ABSENT
    text = entity(1006, 6, "Switch 1 - Power Supply A")  # one supply fitted, the second bay empty
    text += f"{SUPPLY}.2.1|4|Sw1, PSA Normal\n{SUPPLY}.3.1|2|1\n{SUPPLY}.2.2|4|Sw1, PSB NotExist\n{SUPPLY}.3.2|2|5\n"
    report = parse("switch-cisco", snap(text, "1.3.6.1.4.1.9.1.2494"))
    assert component(report, "Switch 1 - Power Supply A").health is Health.OK
    assert component(report, "Sw1, PSB NotExist").health is Health.ABSENT
    assert faults(report) == []


def test_cisco_rows_indexed_by_entphysicalindex_are_matched_by_index() -> None:
    text = entity(1006, 6, "PS A") + entity(1008, 6, "PS B")
    text += f"{SUPPLY}.2.1006|4|PS A\n{SUPPLY}.3.1006|2|1\n{SUPPLY}.2.1008|4|PS B\n{SUPPLY}.3.1008|2|6\n"
    report = parse("switch-cisco", snap(text, "1.3.6.1.4.1.9.1.2494"))
    assert [item.location for item in report.components] == ["PS A", "PS B"]
    (fault,) = faults(report)
    assert (fault.location, fault.health) == ("PS B", Health.CRITICAL)


def test_cisco_rows_that_do_not_line_up_are_parts_of_their_own() -> None:
    text = entity(1006, 6, "PS A")
    text += f"{SUPPLY}.2.1|4|Sw1, PSA Normal\n{SUPPLY}.3.1|2|1\n{SUPPLY}.2.2|4|Sw1, PSB Faulty\n{SUPPLY}.3.2|2|3\n"
    report = parse("switch-cisco", snap(text, "1.3.6.1.4.1.9.1.2494"))
    assert component(report, "PS A").health is Health.UNKNOWN
    assert [(fault.kind, fault.location) for fault in faults(report)] == [("psu", "Sw1, PSB Faulty")]


def test_a_failed_cisco_psu_in_envmon_and_entity_state_is_one_fault() -> None:
    both = Snapshot.from_snmprec(f"{STATE}.3.1006|2|2\n{STATE}.5.1006|4x|20\n")  # disabled, critical alarm
    report = parse("switch-cisco", sample("switch-cisco", parse_faults("psu:1")).merged(both))
    assert [(fault.kind, fault.location, fault.health) for fault in faults(report)] == [
        ("psu", "Switch 1 - Power Supply A", Health.CRITICAL)
    ]


# --- sensors ------------------------------------------------------------------------------------------------------


def test_sensor_scale_precision_and_units() -> None:
    report = parse("switch-entity", sample("switch-entity"))
    values = {sensor.name: (sensor.value, sensor.unit, sensor.health) for sensor in report.sensors}
    assert values["CPU Temp"] == (51.0, "Cel", Health.OK)  # milli-degrees
    assert values["PSU 1 Output Voltage"] == (12.05, "V", Health.OK)  # millivolts
    assert values["Chassis Temp 1"] == (34.5, "Cel", Health.OK)  # one decimal place
    assert values["Fantray 1 Fan 1 Speed"] == (9500.0, "RPM", Health.OK)
    cisco = parse("switch-cisco", sample("switch-cisco"))
    dom = {sensor.name: (sensor.value, sensor.unit) for sensor in cisco.sensors}
    assert dom["Te1/1/1 Receive Power Sensor"] == (-2.3, "dBm")
    power = next(sensor for sensor in cisco.sensors if sensor.name == "Te1/1/1 Receive Power Sensor")
    assert power.component is not None and power.component.location == "Te1/1/1 Module"


@pytest.mark.parametrize(
    ("raw", "scale", "precision", "expected"),
    [
        (1, 14, 0, 1e18),
        (1, 15, 0, 1e15),
        (5, 9, -2, 500.0),
        (7, 7, 0, 7e-6),
        (1000000001, 9, 0, None),
        (4, None, 1, 0.4),
    ],
)
def test_scaled_follows_rfc_3433(raw: int, scale: int | None, precision: int, expected: float | None) -> None:
    assert scaled(raw, scale, precision) == expected


def test_readings_the_agent_marks_not_available_are_no_fault() -> None:
    text = entity(101, 8, "Inlet Temp") + entity(102, 8, "Outlet Temp") + entity(103, 8, "PSU 1 Power")
    text += f"{SENSOR}.1.101|2|8\n{SENSOR}.2.101|2|9\n{SENSOR}.3.101|2|0\n{SENSOR}.4.101|2|0\n{SENSOR}.5.101|2|2\n"
    text += f"{SENSOR}.1.102|2|8\n{SENSOR}.2.102|2|9\n{SENSOR}.3.102|2|0\n{SENSOR}.4.102|2|2147483647\n"
    text += f"{SENSOR}.5.102|2|1\n{SENSOR}.1.103|2|1\n{SENSOR}.4.103|2|650\n{SENSOR}.5.103|2|1\n{SENSOR}.6.103|4|W\n"
    report = parse("switch-entity", snap(text))
    values = {sensor.name: (sensor.value, sensor.unit, sensor.health) for sensor in report.sensors}
    assert values["Inlet Temp"] == (None, "Cel", Health.UNKNOWN)
    assert values["Outlet Temp"] == (None, "Cel", Health.UNKNOWN)
    assert values["PSU 1 Power"] == (650.0, "W", Health.OK)  # type other: the agent's units text
    assert faults(report) == [] and report.status is Health.OK


def test_vendor_temperature_fillers_are_no_sensor() -> None:
    huawei = parse("switch-huawei", sample("switch-huawei"))
    assert [sensor.name for sensor in huawei.sensors] == ["MPU Board 0 temperature"]  # 2147483647 and 0 left out
    h3c = parse("switch-h3c", sample("switch-h3c"))
    assert sorted(sensor.name for sensor in h3c.sensors) == ["Slot 1 temperature", "Slot 2 temperature"]  # 65535


def test_a_nonoperational_sensor_of_a_part_without_state_makes_that_part_one_warning() -> None:
    text = entity(10, 9, "Ethernet0 transceiver", descr="SFP28 25GBASE-SR") + entity(11, 8, "Ethernet0 Rx", 10)
    text += f"{SENSOR}.1.11|2|9\n{SENSOR}.4.11|2|0\n{SENSOR}.5.11|2|3\n"
    report = parse("switch-entity", snap(text))
    (fault,) = faults(report)
    assert (fault.kind, fault.location, fault.health) == ("transceiver", "Ethernet0 transceiver", Health.WARNING)


@pytest.mark.parametrize(
    ("cls", "descr", "kind"),
    [
        (9, "48-port 10G SFP+ line card", ComponentKind.MODULE),
        (9, "Assembling Components-48-Port GE RJ45,4-Port 10GE SFP+", ComponentKind.MODULE),
        (9, "SFP-10GBase-LR", ComponentKind.TRANSCEIVER),
        (10, "QSFP28 100GBASE-SR4", ComponentKind.TRANSCEIVER),
        (10, "25G port", None),
        (1, "10G SFP+ optical transceiver", ComponentKind.TRANSCEIVER),
    ],
)
def test_a_board_with_sfp_cages_is_a_module_and_a_pluggable_optic_a_transceiver(
    cls: int, descr: str, kind: ComponentKind | None
) -> None:
    report = parse("switch-entity", snap(entity(9, cls, "Slot 1", descr=descr)))
    assert [item.kind for item in report.components] == ([kind] if kind else [])
