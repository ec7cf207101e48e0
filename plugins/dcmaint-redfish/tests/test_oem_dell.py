"""Dell profile against documents from the iDRAC 8/9 fixtures."""

from __future__ import annotations

import copy

import pytest

from dcmaint.drivers import ComponentKind, Health
from dcmaint_redfish import fixtures
from dcmaint_redfish.parse.oem import detect
from dcmaint_redfish.parse.oem.dell import DellProfile, fqdd_label, ppid

DELL = DellProfile()
S = "/redfish/v1/Systems/System.Embedded.1"
STORAGE = f"{S}/Storage/RAID.Integrated.1-1"


def tree(name: str) -> dict:
    return copy.deepcopy(dict(fixtures.load(name).resources))


def drive(resources: dict, bay: int) -> dict:
    return resources[f"{STORAGE}/Drives/Disk.Bay.{bay}:Enclosure.Internal.0-1:RAID.Integrated.1-1"]


@pytest.mark.parametrize("name", ["dell-idrac8", "dell-idrac9"])
def test_both_generations_are_recognised(name: str) -> None:
    assert detect(tree(name)["/redfish/v1"]).name == "dell"


def test_ppid_with_and_without_dashes() -> None:
    assert ppid("PH06DFD8SGW0074M014FA00")["part_number"] == "06DFD8"
    found = ppid("TW-0919J9-PIHIT-8AB-02K7-A00")
    assert found == {"country": "TW", "part_number": "0919J9", "ppid": "TW-0919J9-PIHIT-8AB-02K7-A00"}
    assert ppid("ST1200MM0099") is None and ppid(None) is None


def test_fqdd_labels() -> None:
    assert fqdd_label("Disk.Bay.4:Enclosure.Internal.0-1:RAID.Integrated.1-1") == "Bay 4"
    assert fqdd_label("DIMM.Socket.A1") == "DIMM A1"
    assert fqdd_label("/redfish/v1/Chassis/System.Embedded.1/Power/PowerSupplies/PSU.Slot.2") == "PSU 2"
    assert fqdd_label("Disk.Direct.1-1:AHCI.Integrated.1-1") == "M.2 slot 1"


@pytest.mark.parametrize("name", ["dell-idrac8", "dell-idrac9"])
def test_drive_bay_and_dell_part_number(name: str) -> None:
    disk = drive(tree(name), 3)
    assert DELL.location(ComponentKind.DISK, disk) == "Bay 3"
    fields = DELL.part(ComponentKind.DISK, disk)
    assert fields["part_number"] == "0G2G54" and len(fields["attributes"]["ppid"]) >= 23


def test_psu_dimm_fan_labels_and_psu_part_revision() -> None:
    resources = tree("dell-idrac9")
    psu = resources["/redfish/v1/Chassis/System.Embedded.1/Power"]["PowerSupplies"][1]
    assert DELL.location(ComponentKind.PSU, psu) == "PSU 2"
    assert DELL.part(ComponentKind.PSU, psu) == {
        "part_number": "0Y9VFC",
        "attributes": {"revision": "A01"},
        "spare_part_number": "0Y9VFCA01",
    }
    assert DELL.location(ComponentKind.DIMM, resources[f"{S}/Memory/DIMM.Socket.B4"]) == "DIMM B4"
    fan = resources["/redfish/v1/Chassis/System.Embedded.1/Thermal"]["Fans"][0]
    assert DELL.location(ComponentKind.FAN, fan) == "Fan 1A"
    old_fan = tree("dell-idrac8")["/redfish/v1/Chassis/System.Embedded.1/Thermal"]["Fans"][5]
    assert DELL.location(ComponentKind.FAN, old_fan) == "Fan 6A"


def test_predicted_failure_with_little_life_left_is_a_warning_in_words() -> None:
    resources = tree("dell-idrac9")
    disk = drive(resources, 4)
    assert DELL.health(ComponentKind.DISK, disk) is None
    disk["Oem"]["Dell"]["DellPhysicalDisk"]["PredictiveFailureState"] = "SmartAlertPresent"
    disk["Oem"]["Dell"]["DellPhysicalDisk"]["RemainingRatedWriteEndurancePercent"] = 3
    disk["PredictedMediaLifeLeftPercent"] = 3
    assert DELL.health(ComponentKind.DISK, disk) == (Health.WARNING, "predicted failure, 3% life left")
    disk["Status"]["Health"] = "Critical"
    assert DELL.health(ComponentKind.DISK, disk)[0] is Health.CRITICAL


def test_perc_battery_from_the_storage_oem_section() -> None:
    resources = tree("dell-idrac9")
    (found,) = DELL.components(resources)
    battery = found.component
    assert found.keys == (f"{STORAGE}#/Oem/Dell/DellControllerBattery",)  # a condition there finds the battery
    assert battery.kind is ComponentKind.BATTERY and battery.health is Health.OK
    assert battery.location == "PERC H740P Mini battery"
    oem = resources[STORAGE]["Oem"]["Dell"]["DellControllerBattery"]
    oem["PrimaryStatus"], oem["RAIDState"] = "Error", "Failed"
    (found,) = DELL.components(resources)
    assert found.component.health is Health.CRITICAL and found.component.reason == "status Error; state Failed"
    assert DELL.components(tree("dell-idrac8")) == []
