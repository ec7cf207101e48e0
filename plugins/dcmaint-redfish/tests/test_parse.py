"""The pure parser: resource maps in, reports out; faults with the location, health and words a technician needs."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import rf_trees as trees

from dcmaint.drivers import Component, ComponentKind, DeviceReport, Health, ProtocolError
from dcmaint.testing import report_problems
from dcmaint_redfish.parse import choose_profile, parse_report
from dcmaint_redfish.parse.fields import decorate, judge
from dcmaint_redfish.parse.vendor import VendorProfile

FAULTS = {
    ("psu", "PSU 2"): ("critical", "input lost"),
    ("disk", "Bay 4"): ("warning", "predicted failure"),  # a spinning disk: life left is no wear figure
    ("dimm", "P1-DIMMA1"): ("warning", "degraded"),
    ("battery", "Battery 1"): ("critical", "failed"),
}


def by_place(report: DeviceReport) -> dict[tuple[str, str], Component]:
    return {(component.kind.value, component.location): component for component in report.components}


def test_a_healthy_server_lists_every_part() -> None:
    report = parse_report(trees.server())
    assert report_problems(report) == []
    assert report.status is Health.OK and report.faults() == ()
    kinds = [component.kind.value for component in report.components]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "cpu": 2,
        "dimm": 4,
        "controller": 1,
        "disk": 4,
        "battery": 1,
        "psu": 2,
        "fan": 4,
        "nic": 1,
        "hba": 1,
        "enclosure": 1,  # the chassis itself, with its identity
    }
    assert report.identity.vendor == "Acme" and report.identity.serial == "ACME0001"
    assert report.identity.hostname == "web01" and report.identity.part_number == "R100-BASE"
    assert report.identity.firmware["BIOS"] == "U30 1.2.3" and report.identity.firmware["BMC"] == "2.10"
    assert report.rollup is Health.OK


@pytest.mark.parametrize("shape", ["subsystems", "legacy"])
def test_the_five_faults_come_out_with_location_health_and_reason(shape: str) -> None:
    tree = trees.faulty()
    report = parse_report(trees.legacy(tree) if shape == "legacy" else tree)
    found = {(c.kind.value, c.location): (c.health.value, c.reason) for c in report.faults()}
    assert found == FAULTS
    assert by_place(report)[("fan", "Fan 3")].health is Health.ABSENT  # an empty fan bay is not a fault
    assert report.status is Health.CRITICAL
    assert report_problems(report) == []


def test_parts_carry_what_the_spare_depot_needs() -> None:
    parts = by_place(parse_report(trees.faulty()))
    disk = parts[("disk", "Bay 4")].part
    assert disk is not None
    assert (disk.manufacturer, disk.model, disk.part_number, disk.spare_part_number, disk.serial) == (
        "Seagate",
        "ST1200MM0009",
        "781518-B21",
        "782669-001",
        "W3C00004",
    )
    assert (disk.capacity_bytes, disk.rpm, disk.firmware, disk.link_mbps) == (1_200_000_000_000, 10000, "HPD4", 12000)
    assert disk.attributes == {"interface": "SAS", "media": "HDD"}
    dimm = parts[("dimm", "P1-DIMMA1")].part
    assert dimm is not None and (dimm.capacity_bytes, dimm.speed_mhz) == (32 * 2**30, 3200)
    assert dimm.spare_part_number == "P06033-001"
    psu = parts[("psu", "PSU 2")].part
    assert psu is not None and (psu.part_number, psu.spare_part_number, psu.serial) == (
        "865414-B21",
        "866730-001",
        "PSU-SN-2",
    )
    nic = parts[("nic", "OCP Slot 1")].part
    assert nic is not None and nic.firmware == "4.20"  # from Controllers[].FirmwarePackageVersion
    hba = parts[("hba", "PCIe Slot 2")].part
    assert hba is not None and hba.attributes == {"lanes": "8", "pcie": "Gen3"}
    cpu = parts[("cpu", "CPU 1")].part
    assert cpu is not None and (cpu.speed_mhz, cpu.attributes["cores"]) == (3200, "32")


def test_a_card_listed_as_adapter_and_pcie_device_is_one_component() -> None:
    report = parse_report(trees.server())
    assert [c.location for c in report.components if c.kind is ComponentKind.NIC] == ["OCP Slot 1"]


def test_a_battery_linked_from_storage_and_chassis_is_one_component() -> None:
    report = parse_report(trees.server())
    assert [c.location for c in report.components if c.kind is ComponentKind.BATTERY] == ["Battery 1"]


@pytest.mark.parametrize(
    ("kind", "document", "expected"),
    [
        ("disk", {"Status": {"State": "UnavailableOffline", "Health": "OK"}}, ("warning", "offline")),
        ("nic", {"Status": {"State": "Disabled"}}, ("ok", None)),
        ("fan", {"Name": "Fan 1"}, ("unknown", "no health reported")),
        ("fan", {"Status": {"State": "StandbyOffline"}}, ("ok", None)),
        (
            "disk",
            {"Status": {"State": "Enabled"}, "MediaType": "SSD", "PredictedMediaLifeLeftPercent": 5},
            ("warning", "5% life left"),
        ),
        (  # the drive's own verdict wins over dcmaint's reading of its wear
            "disk",
            {"Status": {"State": "Enabled", "Health": "OK"}, "MediaType": "SSD", "PredictedMediaLifeLeftPercent": 5},
            ("ok", None),
        ),
        (  # a spinning disk's zero life-left field is no wear figure
            "disk",
            {"Status": {"State": "Enabled"}, "MediaType": "HDD", "PredictedMediaLifeLeftPercent": 0},
            ("ok", None),
        ),
        (
            "disk",
            {
                "Status": {"State": "Enabled", "Health": "Warning"},
                "MediaType": "HDD",
                "PredictedMediaLifeLeftPercent": 0,
            },
            ("warning", "degraded"),
        ),
        (
            "psu",
            {"Status": {"State": "Enabled"}, "LineInputStatus": "OutOfRange"},
            ("warning", "input out of range"),
        ),
        (
            "psu",
            {"Status": {"State": "Enabled", "Health": "OK"}, "LineInputStatus": "OutOfRange", "LineInputVoltage": 0},
            ("ok", None),
        ),
        (  # the device says Warning: input lost is its reason, not a reason to report it critical
            "psu",
            {"Status": {"State": "Enabled", "Health": "Warning"}, "LineInputStatus": "LossOfInput"},
            ("warning", "input lost"),
        ),
        ("enclosure", {"Status": {"State": "UnavailableOffline", "Health": "OK"}}, ("warning", "offline")),
        ("nic", {"Name": "Adapter without Status"}, ("unknown", "no health reported")),
        ("psu", {"Status": {"State": "Enabled"}, "LineInputVoltage": 0}, ("critical", "input lost")),
        ("psu", {"Status": {"State": "Absent"}, "LineInputVoltage": 0}, ("absent", None)),
        (
            "dimm",
            {
                "Status": {
                    "State": "Enabled",
                    "Health": "Critical",
                    "Conditions": [{"Message": "Uncorrectable ECC error", "Severity": "Critical"}],
                }
            },
            ("critical", "Uncorrectable ECC error"),
        ),
        ("cpu", {"Status": {"State": "Enabled", "HealthRollup": "Critical"}}, ("critical", "failed")),
        ("disk", {"Status": "garbage", "FailurePredicted": "yes"}, ("unknown", "no health reported")),
    ],
)
def test_status_rules(kind: str, document: dict[str, Any], expected: tuple[str, str | None]) -> None:
    health, reason = judge(ComponentKind(kind), document)
    assert (health.value, reason) == expected


def test_labels_a_technician_can_read() -> None:
    assert decorate(ComponentKind.PSU, "2") == "PSU 2"
    assert decorate(ComponentKind.DIMM, "A1") == "DIMM A1"
    assert decorate(ComponentKind.DISK, "4") == "Bay 4"
    assert decorate(ComponentKind.FAN, "Fan 6") == "Fan 6"
    tree = trees.server()
    drive = tree[f"{trees.SYS}/Storage/RAID1/Drives/1"]
    del drive["PhysicalLocation"]
    drive["Location"] = [{"Info": "Bay 7", "InfoFormat": "Bay Number"}]  # Drive 1.0-1.3
    drive = tree[f"{trees.SYS}/Storage/RAID1/Drives/2"]
    drive["PhysicalLocation"] = {"PartLocation": {"LocationType": "Bay", "LocationOrdinalValue": 8}}
    drive = tree[f"{trees.SYS}/Storage/RAID1/Drives/3"]
    del drive["PhysicalLocation"]  # no label at all: its Name
    drives = [c.location for c in parse_report(tree).components if c.kind is ComponentKind.DISK]
    assert drives == ["Bay 7", "Bay 8", "Drive 3", "Bay 4"]


def test_a_repeated_label_is_made_unique() -> None:
    tree = trees.server()
    for n in (1, 2):
        tree[f"{trees.CH}/PowerSubsystem/PowerSupplies/{n}"]["Location"] = trees.label("PSU")
    locations = [c.location for c in parse_report(tree).components if c.kind is ComponentKind.PSU]
    assert len(set(locations)) == 2 and locations[0] == "PSU"


def test_sensors_are_judged_by_the_bmc_and_by_their_thresholds_only_when_it_gives_no_health() -> None:
    tree = trees.server()
    temperatures = tree[f"{trees.CH}/Thermal"]["Temperatures"]
    temperatures[0]["ReadingCelsius"] = 43  # above critical, but the BMC says OK: its verdict wins
    temperatures[1].update(ReadingCelsius=99, Status={"State": "Enabled", "Health": "Warning"})  # never raised
    volts = tree[f"{trees.CH}/Power"]["Voltages"][0]
    volts.update(ReadingVolts=10.5, Status={"State": "Enabled"})  # no health of its own: thresholds judge
    sensors = {sensor.name: sensor for sensor in parse_report(tree).sensors}
    inlet = sensors["Inlet Temp"]
    assert (inlet.value, inlet.unit, inlet.health) == (43.0, "Cel", Health.OK)
    assert (inlet.thresholds.upper_warning, inlet.thresholds.upper_critical) == (38.0, 42.0)
    assert sensors["CPU 1 Temp"].health is Health.WARNING
    assert sensors["12V Rail"].unit == "V" and sensors["12V Rail"].thresholds.lower_critical == 10.8
    assert sensors["12V Rail"].health is Health.CRITICAL
    assert sensors["Fan 1"].unit == "RPM" and sensors["System Power Control: consumed"].value == 310.0


def test_firmware_without_legacy_thermal_reads_the_sensors_collection() -> None:
    tree = trees.server()
    del tree[trees.CH]["Thermal"]
    tree[trees.CH]["Sensors"] = trees.ref(f"{trees.CH}/Sensors")
    tree[f"{trees.CH}/Sensors"] = trees.collection(f"{trees.CH}/Sensors", [f"{trees.CH}/Sensors/Inlet"])
    tree[f"{trees.CH}/Sensors/Inlet"] = {
        "@odata.id": f"{trees.CH}/Sensors/Inlet",
        "Id": "Inlet",
        "Name": "Inlet Temp",
        "ReadingType": "Temperature",
        "Reading": 39.5,
        "Thresholds": {"UpperCaution": {"Reading": 38}, "UpperCritical": {"Reading": 42}},
        "Status": {"State": "Enabled"},  # no health of its own: its thresholds judge
    }
    sensors = {sensor.name: sensor for sensor in parse_report(tree).sensors}
    assert (sensors["Inlet Temp"].unit, sensors["Inlet Temp"].health) == ("Cel", Health.WARNING)
    del tree[trees.CH]["Sensors"]  # then ThermalMetrics readings, without thresholds
    assert [s.name for s in parse_report(tree).sensors if s.unit == "Cel"] == ["Inlet"]


def test_events_keep_the_newest_critical_and_warning_entries() -> None:
    report = parse_report(trees.server())
    assert [(e.severity.value, e.message, e.source) for e in report.events] == [
        ("critical", "Power supply 2 input lost", "System Event Log"),
        ("warning", "Drive 4 predictive failure", "System Event Log"),
    ]
    assert all(event.at is not None and event.at.tzinfo is not None for event in report.events)
    assert len(parse_report(trees.server(), log_entries=1).events) == 1
    assert report.status is Health.OK  # history does not make the server unhealthy


def test_conditions_unread_resources_and_degraded_volumes_are_alarms() -> None:
    tree = trees.server()
    tree[trees.SYS]["Status"]["Conditions"] = [
        {
            "Message": "Fan redundancy lost",
            "MessageId": "Fan.1.0.Redundancy",
            "Severity": "Warning",
            "Timestamp": "2024-05-03T10:00:00+08:00",
        }
    ]
    tree[f"{trees.SYS}/Storage/RAID1/Volumes/1"]["Status"] = {"State": "Enabled", "Health": "Warning"}
    report = parse_report(tree, unread={f"{trees.CH}/Thermal": "HTTP 500 Internal Server Error"})
    alarms = {(alarm.message, alarm.severity.value) for alarm in report.alarms}
    assert alarms == {
        ("Fan redundancy lost", "warning"),
        ("Volume Logical Drive 1: degraded", "warning"),
        (f"could not read {trees.CH}/Thermal: HTTP 500 Internal Server Error", "unknown"),
    }
    assert report.status is Health.WARNING
    assert report_problems(report) == []


def test_the_archive_holds_inventory_raid_layout_system_and_firmware() -> None:
    archive = parse_report(trees.faulty()).archive
    assert archive is not None
    volume = archive.raid["Smart Array P408i-a"]["volumes"]["Logical Drive 1"]
    assert volume == {"raid_type": "RAID1", "capacity_bytes": 1_200_000_000_000, "drives": ["Bay 1", "Bay 2"]}
    assert archive.raid["Smart Array P408i-a"]["drives"] == ["Bay 1", "Bay 2", "Bay 3", "Bay 4"]
    assert [entry["location"] for entry in archive.hardware["dimm"]] == ["P1-DIMMA1", "P2-DIMMA1"]  # absent left out
    assert archive.hardware["disk"][3]["serial"] == "W3C00004"
    system = archive.system["systems"]["1"]
    assert system["bios_version"] == "U30 1.2.3" and system["hostname"] == "web01"
    assert system["boot"] == {"mode": "UEFI", "order": ["HD.Emb.1", "NIC.1"]}
    assert system["network"]["eno1"]["mac"] == "00:11:22:33:44:55"
    assert archive.firmware["Intel E810 NVM"] == "4.20" and archive.system["bmc"]["1"]["firmware"] == "2.10"


def test_simple_storage_serves_when_storage_lists_no_drives() -> None:
    tree = trees.server()
    del tree[trees.SYS]["Storage"]
    tree[trees.SYS]["SimpleStorage"] = trees.ref(f"{trees.SYS}/SimpleStorage")
    tree[f"{trees.SYS}/SimpleStorage"] = trees.collection(
        f"{trees.SYS}/SimpleStorage", [f"{trees.SYS}/SimpleStorage/1"]
    )
    tree[f"{trees.SYS}/SimpleStorage/1"] = {
        "@odata.id": f"{trees.SYS}/SimpleStorage/1",
        "Id": "1",
        "Name": "SATA",
        "Devices": [
            {
                "Name": "Disk 0",
                "Model": "SSD 1",
                "CapacityBytes": 480_000_000_000,
                "Status": {"State": "Enabled", "Health": "Critical"},
            }
        ],
    }
    faults = parse_report(tree).faults()
    assert [(f.kind.value, f.location, f.reason) for f in faults] == [("disk", "Disk 0", "failed")]


class Acme(VendorProfile):
    """A profile that overrides every hook, to prove the parser asks it."""

    name = "acme"

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def matches(self, root: Any) -> bool:
        return root.get("Vendor") == "Acme"

    def location(self, kind: ComponentKind, doc: Any) -> str | None:
        self.asked.append(("location", kind.value))
        return f"Acme bay {doc['Id']}" if kind is ComponentKind.DISK else None

    def health(self, kind: ComponentKind, doc: Any) -> tuple[Health, str] | None:
        self.asked.append(("health", kind.value))
        if kind is ComponentKind.CPU and doc.get("Id") == "CPU2":
            return Health.CRITICAL, "IERR"
        return None

    def part(self, kind: ComponentKind, doc: Any) -> dict[str, Any]:
        self.asked.append(("part", kind.value))
        return {"spare_part_number": "ACME-FRU"} if kind is ComponentKind.FAN else {}

    def components(self, resources: Any) -> list[Component]:
        return [Component(ComponentKind.OTHER, "Front bezel", Health.WARNING, reason="intrusion", name="Bezel")]


def test_the_profile_is_asked_at_every_step_and_wins() -> None:
    profile = Acme()
    report = parse_report(trees.server(), profile)
    asked = set(profile.asked)
    for kind in ("cpu", "dimm", "disk", "controller", "battery", "psu", "fan", "nic", "hba"):
        assert {("location", kind), ("health", kind), ("part", kind)} <= asked, kind
    parts = by_place(report)
    assert ("disk", "Acme bay 4") in parts
    assert (parts[("cpu", "CPU 2")].health, parts[("cpu", "CPU 2")].reason) == (Health.CRITICAL, "IERR")
    assert parts[("fan", "Fan 1")].part.spare_part_number == "ACME-FRU"  # type: ignore[union-attr]
    assert parts[("other", "Front bezel")].reason == "intrusion"


def test_profiles_are_chosen_by_name_or_by_the_service_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from dcmaint_redfish.options import InvalidOptions
    from dcmaint_redfish.parse import oem

    profile = Acme()
    monkeypatch.setattr(oem, "PROFILES", [profile, *oem.PROFILES])
    assert choose_profile({"Vendor": "Acme"}) is profile
    assert choose_profile({"Vendor": "Other"}, "acme") is profile
    assert choose_profile({"Vendor": "Acme"}, "dmtf").name == "dmtf"
    with pytest.raises(InvalidOptions, match="no such vendor profile"):
        choose_profile({}, "nonesuch")


class Broken(VendorProfile):
    name = "broken"

    def part(self, kind: ComponentKind, doc: Any) -> dict[str, Any]:
        return {"colour": "red"}


class Crashing(VendorProfile):
    name = "crashing"

    def location(self, kind: ComponentKind, doc: Any) -> str | None:
        raise KeyError("Oem")


@pytest.mark.parametrize("profile", [Broken(), Crashing()], ids=["bad-answer", "raises"])
def test_a_profile_bug_is_a_protocol_error_naming_the_profile(profile: VendorProfile) -> None:
    with pytest.raises(ProtocolError, match=f"vendor profile {profile.name}"):
        parse_report(trees.server(), profile)


@pytest.mark.parametrize("resources", [{}, [], {"/redfish/v1": []}, {"/redfish/v1/Systems": {}}])
def test_a_map_without_a_service_root_is_a_protocol_error(resources: Any) -> None:
    with pytest.raises(ProtocolError):
        parse_report(resources)


def test_parsing_does_not_change_the_map() -> None:
    tree = trees.faulty()
    before = copy.deepcopy(tree)
    parse_report(tree)
    assert tree == before
