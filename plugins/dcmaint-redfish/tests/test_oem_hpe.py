"""HPE profile against documents taken from the iLO 4/5/6 fixtures, with faults edited in."""

from __future__ import annotations

import copy

import pytest

from dcmaint.drivers import ComponentKind, Health
from dcmaint_redfish import fixtures
from dcmaint_redfish.parse.oem import detect
from dcmaint_redfish.parse.oem.hpe import HpeProfile, bay_label

HPE = HpeProfile()
S = "/redfish/v1/Systems/1"


def tree(name: str) -> dict:
    return copy.deepcopy(dict(fixtures.load(name).resources))


@pytest.mark.parametrize("name", ["hpe-ilo4", "hpe-ilo5", "hpe-ilo6"])
def test_every_ilo_root_is_recognised(name: str) -> None:
    assert detect(tree(name)["/redfish/v1"]).name == "hpe"


def test_bay_labels_from_smartstorage_and_gen11_service_labels() -> None:
    assert bay_label("1I:1:3") == "Port 1I Box 1 Bay 3"
    assert bay_label("Slot=17:Port=1I:Box=3:Bay=1") == "Port 1I Box 3 Bay 1"
    assert bay_label("Slot 0") is None and bay_label(None) is None


def test_smartstorage_is_fetched_level_by_level() -> None:
    full = tree("hpe-ilo5")
    seen = {path: doc for path, doc in full.items() if "SmartStorage" not in path}
    for _ in range(6):
        wanted = HPE.extra_paths(seen)
        if not wanted:
            break
        seen.update({path: full[path] for path in wanted})
    assert HPE.extra_paths(seen) == []
    assert f"{S}/SmartStorage/ArrayControllers/0/DiskDrives/5" in seen


@pytest.mark.parametrize("name", ["hpe-ilo4", "hpe-ilo5"])
def test_smartstorage_parts_and_battery_are_reported(name: str) -> None:
    parts = HPE.components(tree(name))
    disks = [c for c in parts if c.kind is ComponentKind.DISK]
    assert [c.location for c in disks] == [f"Port 1I Box 1 Bay {n}" for n in range(1, 7)]
    assert all(c.health is Health.OK and c.part and c.part.serial and c.part.model for c in disks)
    (controller,) = [c for c in parts if c.kind is ComponentKind.CONTROLLER]
    assert controller.location == "Slot 0" and controller.part.firmware
    (battery,) = [c for c in parts if c.kind is ComponentKind.BATTERY]
    assert battery.health is Health.OK and battery.part.spare_part_number in ("815983-001", "878643-001")


def test_worn_ssd_and_failed_battery_turn_into_faults_with_words() -> None:
    resources = tree("hpe-ilo5")
    ssd = resources[f"{S}/SmartStorage/ArrayControllers/0/DiskDrives/4"]
    ssd["SSDEnduranceUtilizationPercentage"] = 97
    ssd["Status"]["Health"] = "Warning"
    ssd["DiskDriveStatusReasons"] = ["PredictiveFailure"]
    resources["/redfish/v1/Chassis/1"]["Oem"]["Hpe"]["SmartStorageBattery"][0]["Status"]["Health"] = "Critical"
    parts = {c.location: c for c in HPE.components(resources)}
    disk = parts["Port 1I Box 1 Bay 5"]
    assert disk.health is Health.WARNING and "predictive failure" in disk.reason and "3% life left" in disk.reason
    battery = parts["Smart Storage Battery 1"]
    assert battery.health is Health.CRITICAL and battery.reason


def test_ilo4_battery_condition_and_presence() -> None:
    resources = tree("hpe-ilo4")
    battery = resources["/redfish/v1/Chassis/1"]["Oem"]["Hp"]["Battery"][0]
    battery["Condition"] = "Failed"
    (found,) = [c for c in HPE.components(resources) if c.kind is ComponentKind.BATTERY]
    assert found.health is Health.CRITICAL and "Failed" in found.reason


def test_standard_drives_are_not_reported_twice() -> None:
    resources = tree("hpe-ilo5")
    disk = resources[f"{S}/SmartStorage/ArrayControllers/0/DiskDrives/0"]
    resources["/redfish/v1/Systems/1/Storage/X/Drives/0"] = {
        "@odata.type": "#Drive.v1_9_0.Drive",
        "SerialNumber": disk["SerialNumber"],
    }
    assert len([c for c in HPE.components(resources) if c.kind is ComponentKind.DISK]) == 5


@pytest.mark.parametrize(
    "name,number,maker",
    [("hpe-ilo5", "P03052-091", "HMA84GR7CJR4N-WM"), ("hpe-ilo6", "P43328-091", "M321R4GA3BB6-CQKET")],
)
def test_dimm_part_number_is_hpe_s_and_the_maker_s_is_kept(name: str, number: str, maker: str) -> None:
    dimm = tree(name)[f"{S}/Memory/proc1dimm1"]
    fields = HPE.part(ComponentKind.DIMM, dimm)
    assert fields["part_number"] == number and fields["spare_part_number"] == number
    assert fields["attributes"] == {"maker_part_number": maker}
    assert HPE.health(ComponentKind.DIMM, dimm) is None


def test_dimm_oem_status_degrades_a_dimm_whose_status_says_ok() -> None:
    dimm = tree("hpe-ilo5")[f"{S}/Memory/proc1dimm3"]
    dimm["Oem"]["Hpe"]["DIMMStatus"] = "DegradedModuleIndexUnknown"
    assert HPE.health(ComponentKind.DIMM, dimm) == (Health.WARNING, "degraded (module index unknown)")
    empty = tree("hpe-ilo5")[f"{S}/Memory/proc1dimm2"]
    assert HPE.health(ComponentKind.DIMM, empty)[0] is Health.ABSENT


def test_ilo4_legacy_dimm_identity_location_and_health() -> None:
    dimm = tree("hpe-ilo4")[f"{S}/Memory/proc1dimm1"]
    fields = HPE.part(ComponentKind.DIMM, dimm)
    assert fields["part_number"] == "752369-081" and fields["manufacturer"] == "HP"
    assert fields["capacity_bytes"] == 16384 * 1024 * 1024 and fields["speed_mhz"] == 2133
    assert HPE.location(ComponentKind.DIMM, dimm) == "PROC 1 DIMM 1"
    assert HPE.health(ComponentKind.DIMM, dimm)[0] is Health.OK
    dimm["DIMMStatus"] = "MapOutError"
    assert HPE.health(ComponentKind.DIMM, dimm) == (Health.CRITICAL, "mapped out after errors")


def test_psu_bay_option_and_spare_numbers_and_oem_failure() -> None:
    psu = tree("hpe-ilo5")["/redfish/v1/Chassis/1/Power"]["PowerSupplies"][1]
    assert HPE.location(ComponentKind.PSU, psu) == "PSU 2"
    assert HPE.part(ComponentKind.PSU, psu) == {"part_number": "865414-B21", "spare_part_number": "866730-001"}
    assert HPE.health(ComponentKind.PSU, psu) is None
    psu["Oem"]["Hpe"]["PowerSupplyStatus"]["State"] = "Failed"
    assert HPE.health(ComponentKind.PSU, psu) == (Health.CRITICAL, "failed")


def test_ilo4_fans_are_named_in_fanname_and_gen11_disks_by_service_label() -> None:
    fan = tree("hpe-ilo4")["/redfish/v1/Chassis/1/Thermal"]["Fans"][2]
    assert HPE.location(ComponentKind.FAN, fan) == "Fan 3"
    drive = tree("hpe-ilo6")[f"{S}/Storage/DE00A000/Drives/3"]
    assert HPE.location(ComponentKind.DISK, drive) == "Port 1I Box 3 Bay 4"
