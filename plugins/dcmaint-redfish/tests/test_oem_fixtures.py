"""The recorded-style fixtures: well-formed, healthy, within size, and parsed by the driver's parser into
complete reports whose faults, edited into a copy, come out with the right health and words."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from dcmaint.drivers import ComponentKind, DeviceReport, Health
from dcmaint_redfish import fixtures
from dcmaint_redfish.parse import parse_report

NAMES = fixtures.names()


def test_fixture_set_and_total_size() -> None:
    assert len(NAMES) == 11
    total = sum(len(json.dumps(dict(fixtures.load(name).resources))) for name in NAMES)
    assert total < 1_500_000


@pytest.mark.parametrize("name", NAMES)
def test_meta_says_where_the_tree_comes_from(name: str) -> None:
    meta = fixtures.load(name).meta
    assert all(dict(meta).values()) and "docs/drivers/redfish.md" in meta.source


@pytest.mark.parametrize("name", NAMES)
def test_collections_resolve_and_everything_is_healthy(name: str) -> None:
    resources = fixtures.load(name).resources
    assert "/redfish/v1" in resources and all(not path.endswith("/") for path in resources)
    for path, doc in resources.items():
        for member in doc.get("Members") or []:
            target = member["@odata.id"].rstrip("/")
            assert target in resources or "/Entries/" in target, f"{path} lists {target}, which is not in the map"
        status = doc.get("Status") or {}
        assert status.get("Health") in (None, "OK"), path


def test_load_gives_an_independent_copy() -> None:
    first = fixtures.load("dell-idrac9").resources
    first["/redfish/v1"]["Vendor"] = "changed"
    assert fixtures.load("dell-idrac9").resources["/redfish/v1"]["Vendor"] == "Dell"
    with pytest.raises(KeyError, match="dell-idrac9"):
        fixtures.load("nonexistent")


# --- whole-fixture tests through the standard parser ------------------------------------------


def _parse(resources: dict) -> DeviceReport:
    """The driver's own parser (``RedfishDriver.poll`` calls it), with the vendor profile detected from the root."""
    return parse_report(resources)


def _crawl(name: str) -> dict:
    """The fixture as the crawler would hand it over: trailing slashes stripped, extra paths included."""
    return copy.deepcopy(dict(fixtures.load(name).resources))


#: Fixtures whose DIMMs or drives lack a serial number on that firmware.
_NO_DIMM_SERIAL = {"hpe-ilo4"}


@pytest.mark.parametrize("name", NAMES)
def test_whole_fixture_reports_complete_healthy_parts(name: str) -> None:
    report = _parse(_crawl(name))
    assert report.components, name
    for component in report.components:
        assert component.kind and component.location.strip(), component
        assert component.health in (Health.OK, Health.ABSENT), component
    fitted = [c for c in report.components if c.health is Health.OK]
    for kind in (ComponentKind.PSU, ComponentKind.DISK, ComponentKind.DIMM):
        parts = [c for c in fitted if c.kind is kind]
        assert parts, f"{name}: no {kind}"
        for component in parts:
            part = component.part
            assert (part is not None and part.model) or part.part_number, component
            if not (kind is ComponentKind.DIMM and name in _NO_DIMM_SERIAL):
                assert part.serial, component
    psus = [c for c in fitted if c.kind is ComponentKind.PSU]
    dimms = [c for c in fitted if c.kind is ComponentKind.DIMM]
    disks = [c for c in fitted if c.kind is ComponentKind.DISK]
    if name.startswith("hpe"):
        assert all(c.part.spare_part_number for c in psus + dimms)
    if name.startswith("dell"):
        assert {c.location for c in disks} == {f"Bay {n}" for n in range(6)}
        assert all(len(c.part.part_number) == 6 for c in disks)
    if name == "lenovo-xcc":
        assert all(c.part.spare_part_number for c in psus + dimms + disks)


Edit = Callable[[dict], None]


def _first(resources: dict, predicate: Callable[[str, dict], bool]) -> dict:
    return next(doc for path, doc in sorted(resources.items()) if predicate(path, doc))


def _fail_psu(resources: dict) -> None:
    for path, doc in resources.items():
        if isinstance(doc.get("PowerSupplies"), list):
            doc["PowerSupplies"][1]["Status"] = {"State": "Enabled", "Health": "Critical"}
            return
        if "/PowerSupplies/" in path and path.endswith("2"):
            doc["Status"] = {"State": "Enabled", "Health": "Critical"}
            return
    raise AssertionError("no power supply")


def _absent_fan(resources: dict) -> None:
    for path, doc in resources.items():
        if isinstance(doc.get("Fans"), list):
            doc["Fans"][-1]["Status"] = {"State": "Absent"}
            return
        if "/Fans/" in path and doc.get("@odata.type", "").startswith("#Fan."):
            doc["Status"] = {"State": "Absent"}
            return
    raise AssertionError("no fan")


@pytest.mark.parametrize("name", NAMES)
def test_faults_edited_into_a_copy_come_out_with_words(name: str) -> None:
    resources = _crawl(name)
    _fail_psu(resources)
    _absent_fan(resources)
    report = _parse(resources)
    faults = {c.kind: c for c in report.faults()}
    assert faults[ComponentKind.PSU].health is Health.CRITICAL and faults[ComponentKind.PSU].reason
    fans = [c for c in report.components if c.kind is ComponentKind.FAN and c.health is not Health.OK]
    assert fans and all(c.reason for c in fans if c.health.is_fault)


def _hpe5(resources: dict) -> None:
    drive = resources["/redfish/v1/Systems/1/SmartStorage/ArrayControllers/0/DiskDrives/4"]
    drive.update(SSDEnduranceUtilizationPercentage=97, DiskDriveStatusReasons=["PredictiveFailure"])
    drive["Status"]["Health"] = "Warning"
    resources["/redfish/v1/Systems/1/Memory/proc1dimm3"]["Oem"]["Hpe"]["DIMMStatus"] = "DegradedModuleIndexUnknown"
    resources["/redfish/v1/Chassis/1"]["Oem"]["Hpe"]["SmartStorageBattery"][0]["Status"]["Health"] = "Critical"


def _dell9(resources: dict) -> None:
    storage = "/redfish/v1/Systems/System.Embedded.1/Storage/RAID.Integrated.1-1"
    drive = resources[f"{storage}/Drives/Disk.Bay.4:Enclosure.Internal.0-1:RAID.Integrated.1-1"]
    drive["Oem"]["Dell"]["DellPhysicalDisk"].update(
        PredictiveFailureState="SmartAlertPresent", RemainingRatedWriteEndurancePercent=3
    )
    drive.update(PredictedMediaLifeLeftPercent=3, FailurePredicted=True)
    resources["/redfish/v1/Systems/System.Embedded.1/Memory/DIMM.Socket.A3"]["Status"]["Health"] = "Warning"
    resources[storage]["Oem"]["Dell"]["DellControllerBattery"].update(PrimaryStatus="Error", RAIDState="Failed")


@pytest.mark.parametrize("name,edit", [("hpe-ilo5", _hpe5), ("dell-idrac9", _dell9)])
def test_vendor_faults_through_the_whole_parser(name: str, edit: Edit) -> None:
    resources = _crawl(name)
    edit(resources)
    faults = {c.kind: c for c in _parse(resources).faults()}
    disk, dimm, battery = faults[ComponentKind.DISK], faults[ComponentKind.DIMM], faults[ComponentKind.BATTERY]
    assert disk.health is Health.WARNING and "3% life left" in disk.reason
    assert dimm.health is Health.WARNING and dimm.reason
    assert battery.health is Health.CRITICAL and battery.reason
