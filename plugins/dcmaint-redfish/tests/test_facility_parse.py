"""Facility equipment (CDUs, rack PDUs, power shelves) read from resource maps: the simulator's trees and odd shapes.

Every odd shape here is valid by the DMTF schemas (CoolingUnit, Filter, LeakDetection, PowerDistribution,
Circuit, Outlet) and must not become a fault: a filter without RatedServiceHours, a CDU without LeakDetection,
outlets without Status, a detector that is Unavailable, a breaker switched Off.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from dcmaint.drivers import ComponentKind, DeviceReport, Health
from dcmaint.drivers.simulators import SimulatorOptions
from dcmaint.testing import report_problems
from dcmaint_redfish.parse import parse_report
from dcmaint_redfish.sim import facility, flavours
from dcmaint_redfish.sim.server import plan

CDU = facility.CDU
PDU = facility.PDU


def cdu() -> dict[str, Any]:
    return copy.deepcopy(dict(flavours.load("cdu").resources))


def pdu() -> dict[str, Any]:
    return copy.deepcopy(dict(flavours.load("pdu").resources))


def served(flavour: str, faults: str) -> DeviceReport:
    """The report of the tree one simulated device serves with ``faults`` (identity strings as in the flavour)."""
    [bmc] = plan(SimulatorOptions(count=1, faults=faults, flavours=(flavour,)))
    return parse_report(bmc.view.resources)


def faults(report: DeviceReport) -> set[tuple[str, str, str, str | None]]:
    return {(c.kind.value, c.location, c.health.value, c.reason) for c in report.faults()}


def part(report: DeviceReport, location: str) -> Any:
    [found] = [component for component in report.components if component.location == location]
    return found


def assert_healthy(report: DeviceReport) -> None:
    assert report.status is Health.OK, faults(report)
    assert not report.faults()
    assert not [sensor for sensor in report.sensors if sensor.is_fault]
    assert not report.alarms
    assert report_problems(report) == []


# -- healthy trees -------------------------------------------------------------


@pytest.mark.parametrize("flavour", ["cdu", "pdu"])
def test_a_healthy_unit_is_ok_with_no_fault(flavour: str) -> None:
    assert_healthy(parse_report(flavours.load(flavour).resources))


def test_the_cdu_lists_its_parts_with_their_kinds_and_identity() -> None:
    report = parse_report(cdu())
    kinds = {(c.kind, c.location) for c in report.components}
    assert {
        (ComponentKind.ENCLOSURE, "CDU 1"),
        (ComponentKind.OTHER, "Pump 1"),
        (ComponentKind.OTHER, "Pump 2"),
        (ComponentKind.FILTER, "Filter 1"),
        (ComponentKind.FILTER, "Filter 2"),
        (ComponentKind.OTHER, "Reservoir 1"),
        (ComponentKind.SENSOR, "Moisture Leak Detector"),
        (ComponentKind.SENSOR, "Fluid Level Overflow"),
    } <= kinds
    assert part(report, "Pump 1").name == "Liquid pump"
    assert part(report, "Reservoir 1").name == "Inline reservoir"
    filter_part = part(report, "Filter 1").part
    assert filter_part.attributes["consumable"] == "yes"
    assert (filter_part.part_number, filter_part.spare_part_number) == ("SIM-FILTER-50", "SIM-SP-FLT50")
    identity = report.identity
    assert (identity.vendor, identity.model, identity.serial) == ("Simulated Cooling", "SIM-CDU-800", "SIMCDU000001")
    assert identity.firmware["Coolant Distribution Unit 1"] == "2.1.4"
    assert identity.firmware["BMC"] == "2.1.4"  # the equipment's controller (its Manager)
    assert report.archive is not None and report.archive.hardware["facility"]["filter"][0]["location"] == "Filter 1"


def test_the_cdu_readings_are_sensors_of_their_parts() -> None:
    sensors = {sensor.name: sensor for sensor in parse_report(cdu()).sensors}
    speed = sensors["Pump 1 speed"]
    assert (speed.value, speed.unit, speed.component.location) == (38.5, "%", "Pump 1")
    supply = sensors["Secondary loop 1 supply temperature"]
    assert (supply.value, supply.unit, supply.component.location) == (30.0, "Cel", "Secondary loop 1")
    assert sensors["Primary loop 1 flow"].unit == "L/min"
    assert sensors["Primary loop 1 supply pressure"].value == 310_000.0  # kPa as Pa
    assert sensors["CDU 1 humidity"].unit == "%RH"


def test_the_pdu_lists_circuits_and_outlets_and_a_switched_off_outlet_is_no_fault() -> None:
    report = parse_report(pdu())
    assert part(report, "Rack A03 PDU A").kind is ComponentKind.ENCLOSURE
    assert part(report, "Branch Circuit CB1").name == "Branch circuit"
    assert part(report, "Mains Circuit AC1").name == "Mains circuit"
    outlets = [c for c in report.components if c.name and c.name.startswith("Outlet")]
    assert len(outlets) == 12 and part(report, "Outlet A1").name == "Outlet C19"
    assert part(report, "Outlet B6").health is Health.OK  # PowerState Off, State Disabled: someone's choice
    sensors = {sensor.name: sensor for sensor in report.sensors}
    assert sensors["Outlet A2 current"].component.location == "Outlet A2"
    assert sensors["Mains Circuit AC1 frequency"].unit == "Hz"


# -- the simulator's faults ----------------------------------------------------


def test_each_cdu_fault_is_one_fault_on_its_part() -> None:
    report = served("cdu", "filter:1=95,pump:2,leak:1")
    assert faults(report) == {
        ("filter", "Filter 1", "warning", "due for replacement: 9500 of 10000 rated service hours (95%)"),
        ("other", "Pump 2", "critical", "Pump 2: pump failed."),
        ("sensor", "Moisture Leak Detector", "critical", "leak detected (DetectorState Critical)"),
    }
    assert report.status is Health.CRITICAL
    # the CDU's rolled-up health and its conditions restate those parts: no second fault
    assert part(report, "CDU 1").health is Health.OK
    assert all(alarm.component is not None for alarm in report.alarms)
    assert report_problems(report) == []


def test_each_pdu_fault_is_one_fault_on_its_part() -> None:
    report = served("pdu", "breaker:2,outlet:3=warning")
    assert faults(report) == {
        ("other", "Branch Circuit CB2", "critical", "breaker tripped"),
        ("other", "Outlet A3", "warning", "Outlet A3: outlet degraded."),
    }
    assert {alarm.component.location for alarm in report.alarms if alarm.component} == {
        "Branch Circuit CB2",
        "Outlet A3",
    }


def test_a_leak_warning_is_a_warning() -> None:
    report = served("cdu", "leak:2=warning")
    assert faults(report) == {
        ("sensor", "Fluid Level Overflow", "warning", "leak detected (DetectorState Warning)"),
    }
    assert report.status is Health.WARNING


# -- filter wear -----------------------------------------------------------------


def _filter(hours: Any, rated: Any = 10000, health: str | None = "OK") -> dict[str, Any]:
    tree = cdu()
    document = tree[f"{CDU}/Filters/1"]
    document["ServiceHours"] = hours
    if rated is None:
        document.pop("RatedServiceHours")
    else:
        document["RatedServiceHours"] = rated
    if health is None:
        document["Status"] = {"State": "Enabled"}
    else:
        document["Status"]["Health"] = health
    return tree


@pytest.mark.parametrize(
    ("hours", "rated", "wear", "expected"),
    [
        (8999, 10000, 90.0, Health.OK),
        (9000, 10000, 90.0, Health.WARNING),
        (12000, 10000, 90.0, Health.WARNING),
        (9000, 10000, 95.0, Health.OK),
        (9600, 10000, 95.0, Health.WARNING),
        (9600, 10000, None, Health.OK),  # filter_wear=off: the device's verdict alone
        (9600, None, 90.0, Health.OK),  # no RatedServiceHours: no wear verdict
        (9600, 0, 90.0, Health.OK),  # a rating of 0 is no rating
        (None, 10000, 90.0, Health.OK),
        ("9600", 10000, 90.0, Health.OK),  # a string is not a number here
    ],
)
def test_filter_wear_follows_the_option(hours: Any, rated: Any, wear: float | None, expected: Health) -> None:
    report = parse_report(_filter(hours, rated), filter_wear=wear)
    assert part(report, "Filter 1").health is expected
    assert report.status is expected


def test_a_filter_the_device_calls_critical_stays_critical_and_names_its_hours() -> None:
    found = part(parse_report(_filter(9700, 10000, "Critical")), "Filter 1")
    assert found.health is Health.CRITICAL
    assert "9700 of 10000 rated service hours" in found.reason


def test_a_filter_without_status_gets_its_wear_verdict_or_no_health() -> None:
    assert part(parse_report(_filter(9700, 10000, None)), "Filter 1").health is Health.WARNING
    assert part(parse_report(_filter(100, 10000, None)), "Filter 1").health is Health.OK  # Enabled, no Health


# -- odd but valid shapes --------------------------------------------------------


def test_a_cdu_without_leak_detection_reservoirs_or_metrics_is_healthy() -> None:
    tree = cdu()
    for key in ("LeakDetection", "Reservoirs", "EnvironmentMetrics", "SecondaryCoolantConnectors"):
        del tree[CDU][key]
    report = parse_report(tree)
    assert_healthy(report)
    assert not [c for c in report.components if c.kind is ComponentKind.SENSOR]


def test_leak_detectors_given_only_as_group_excerpts_are_read() -> None:
    tree = cdu()
    detection = tree[f"{CDU}/LeakDetection"]
    del detection["LeakDetectors"]
    detection["LeakDetectorGroups"][0]["Detectors"] = [
        {"DeviceName": "Tray leak rope", "DetectorState": "OK"},
        {"DeviceName": "Drip pan", "DetectorState": "Unavailable"},  # no verdict: not a fault
        {"DetectorState": "Critical"},
    ]
    report = parse_report(tree)
    detectors = {c.location: c.health for c in report.components if c.kind is ComponentKind.SENSOR}
    assert detectors == {"Tray leak rope": Health.OK, "Drip pan": Health.UNKNOWN, "CDU detector 3": Health.CRITICAL}
    assert report.status is Health.CRITICAL


def test_a_detector_that_is_absent_or_unavailable_is_no_fault() -> None:
    tree = cdu()
    tree[f"{CDU}/LeakDetection/LeakDetectors/Moisture"].update(DetectorState="Absent", Status={"State": "Absent"})
    tree[f"{CDU}/LeakDetection/LeakDetectors/Overflow"].update(DetectorState="Unavailable")
    report = parse_report(tree)
    assert part(report, "Moisture Leak Detector").health is Health.ABSENT
    assert part(report, "Fluid Level Overflow").health is Health.OK  # its Status says OK
    assert report.status is Health.OK


def test_a_low_reservoir_is_a_warning_with_its_level() -> None:
    tree = cdu()
    tree[f"{CDU}/Reservoirs/1"].update(FluidLevelStatus="Warning", FluidLevelPercent={"Reading": 18})
    found = part(parse_report(tree), "Reservoir 1")
    assert (found.health, found.reason) == (Health.WARNING, "fluid level low (18%)")


def test_cdu_strings_padded_with_spaces_and_chinese_names_are_kept() -> None:
    tree = cdu()
    tree[f"{CDU}/Pumps/1"].update(Location={"PartLocation": {"ServiceLabel": "  一次侧水泵 1  "}}, Model="SIM-CP-40   ")
    report = parse_report(tree)
    pump = part(report, "一次侧水泵 1")
    assert pump.part.model == "SIM-CP-40" and pump.health is Health.OK


def test_outlets_without_status_and_circuits_without_status_are_no_fault() -> None:
    tree = pdu()
    for path, document in tree.items():
        if "/Outlets/" in path or "/Branches/" in path or "/Mains/" in path:
            document.pop("Status", None)
    report = parse_report(tree)
    assert_healthy(report)
    assert part(report, "Outlet A1").health is Health.UNKNOWN  # listed, "no health reported"
    assert part(report, "Branch Circuit CB1").health is Health.OK  # BreakerState Normal is the device's word


def test_a_breaker_switched_off_is_no_fault_but_a_tripped_one_without_status_is_critical() -> None:
    tree = pdu()
    tree[f"{PDU}/Branches/CB1"].update(BreakerState="Off", PowerState="Off")
    tree[f"{PDU}/Branches/CB2"].update(BreakerState="Tripped")
    del tree[f"{PDU}/Branches/CB2"]["Status"]
    report = parse_report(tree)
    assert faults(report) == {("other", "Branch Circuit CB2", "critical", "breaker tripped")}


def test_a_pdu_whose_readings_come_from_its_sensors_collection_reports_each_once() -> None:
    tree = pdu()
    sensor_path = f"{PDU}/Sensors/CurrentBranchCB1"
    tree[PDU]["Sensors"] = {"@odata.id": f"{PDU}/Sensors"}
    tree[f"{PDU}/Sensors"] = {"@odata.id": f"{PDU}/Sensors", "Members": [{"@odata.id": sensor_path}]}
    tree[sensor_path] = {
        "@odata.id": sensor_path,
        "Id": "CurrentBranchCB1",
        "Name": "Branch CB1 current",
        "ReadingType": "Current",
        "ReadingUnits": "A",
        "Reading": 15.2,
        "Thresholds": {"UpperCaution": {"Reading": 12.8}, "UpperCritical": {"Reading": 16}},
        "Status": {"State": "Enabled", "Health": "Warning"},
    }
    tree[f"{PDU}/Branches/CB1"]["CurrentAmps"] = {"DataSourceUri": sensor_path, "Reading": 15.2}
    report = parse_report(tree)
    currents = [sensor for sensor in report.sensors if "CB1" in sensor.name and sensor.unit == "A"]
    assert [(s.name, s.health, s.component.location) for s in currents] == [
        ("Branch CB1 current", Health.WARNING, "Branch Circuit CB1")
    ]
    assert report.status is Health.WARNING


def test_a_power_shelf_reports_its_supplies_as_psus() -> None:
    shelf = "/redfish/v1/PowerEquipment/PowerShelves/1"
    tree = {
        "/redfish/v1": {
            "@odata.id": "/redfish/v1",
            "RedfishVersion": "1.16.0",
            "Vendor": "Simulated",
            "PowerEquipment": {"@odata.id": "/redfish/v1/PowerEquipment"},
        },
        "/redfish/v1/PowerEquipment": {
            "@odata.id": "/redfish/v1/PowerEquipment",
            "PowerShelves": {"@odata.id": "/redfish/v1/PowerEquipment/PowerShelves"},
        },
        "/redfish/v1/PowerEquipment/PowerShelves": {"Members": [{"@odata.id": shelf}]},
        shelf: {
            "@odata.id": shelf,
            "Id": "1",
            "Name": "Power Shelf 1",
            "EquipmentType": "PowerShelf",
            "Manufacturer": "Simulated Power",
            "SerialNumber": "SHELF0001",
            "Status": {"State": "Enabled", "Health": "Warning"},
            "PowerSupplies": {"@odata.id": f"{shelf}/PowerSupplies"},
        },
        f"{shelf}/PowerSupplies": {"Members": [{"@odata.id": f"{shelf}/PowerSupplies/{n}"} for n in (1, 2)]},
        **{
            f"{shelf}/PowerSupplies/{n}": {
                "@odata.id": f"{shelf}/PowerSupplies/{n}",
                "@odata.type": "#PowerSupply.v1_5_0.PowerSupply",
                "Id": str(n),
                "Name": f"Rectifier {n}",
                "SerialNumber": f"RECT000{n}",
                "PartNumber": "SIM-RECT-3000",
                "Status": {"State": "Enabled", "Health": "OK" if n == 1 else "Warning"},
            }
            for n in (1, 2)
        },
    }
    report = parse_report(tree)
    assert faults(report) == {("psu", "PSU 2", "warning", "degraded")}  # the shelf's Warning is its rectifier's
    assert (report.identity.vendor, report.identity.serial) == ("Simulated Power", "SHELF0001")


def test_a_unit_whose_own_health_nothing_inside_explains_is_its_fault() -> None:
    tree = cdu()
    tree[CDU]["Status"] = {"State": "Enabled", "Health": "Critical", "HealthRollup": "Critical"}
    assert faults(parse_report(tree)) == {("enclosure", "CDU 1", "critical", "failed")}


def test_a_server_tree_reports_no_facility_section() -> None:
    report = parse_report(flavours.load("generic").resources)
    assert "facility" not in report.archive.hardware
    assert report.identity.model == "SIM-2S 1U"
