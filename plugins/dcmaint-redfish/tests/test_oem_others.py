"""Lenovo, Huawei, Inspur/KAYTUS, Supermicro and H3C profiles, and detection across all fixtures."""

from __future__ import annotations

import copy

import pytest

from dcmaint.drivers import ComponentKind, Health
from dcmaint_redfish import fixtures
from dcmaint_redfish.parse.oem import PROFILES, detect
from dcmaint_redfish.parse.oem.huawei import HuaweiProfile
from dcmaint_redfish.parse.oem.lenovo import LenovoProfile
from dcmaint_redfish.parse.oem.supermicro import SupermicroProfile
from dcmaint_redfish.parse.vendor import VendorProfile

EXPECTED = {
    "hpe-ilo4": "hpe",
    "hpe-ilo5": "hpe",
    "hpe-ilo6": "hpe",
    "dell-idrac8": "dell",
    "dell-idrac9": "dell",
    "lenovo-xcc": "lenovo",
    "huawei-ibmc": "huawei",
    "inspur-kaytus": "inspur",
    "supermicro": "supermicro",
    "h3c-hdm": "h3c",
    "dmtf-generic": "dmtf",
}


def tree(name: str) -> dict:
    return copy.deepcopy(dict(fixtures.load(name).resources))


def test_every_fixture_has_an_expectation() -> None:
    assert sorted(fixtures.names()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detect_picks_the_family_and_only_one_profile_claims_it(name: str) -> None:
    root = tree(name)["/redfish/v1"]
    assert detect(root).name == EXPECTED[name]
    assert sum(profile.matches(root) for profile in PROFILES) == (0 if name == "dmtf-generic" else 1)


@pytest.mark.parametrize(
    "root,family",
    [
        ({"Oem": {"Hp": {}}}, "hpe"),
        ({"Vendor": "HPE"}, "hpe"),
        ({"Product": "Integrated Dell Remote Access Controller"}, "dell"),
        ({"Oem": {"Lenovo": {}}}, "lenovo"),
        ({"Oem": {"Huawei": {}}}, "huawei"),
        ({"Vendor": "xFusion"}, "huawei"),
        ({"Vendor": "KAYTUS"}, "inspur"),
        ({"Vendor": "Supermicro"}, "supermicro"),
        ({"Product": "H3C UniServer R4900 G5"}, "h3c"),
        ({"Oem": {"Public": {}}}, "dmtf"),
        ({}, "dmtf"),
        ({"Vendor": None, "Oem": "junk"}, "dmtf"),
    ],
)
def test_detect_from_minimal_roots(root: dict, family: str) -> None:
    assert detect(root).name == family


def test_lenovo_fru_numbers_and_fan_labels() -> None:
    resources = tree("lenovo-xcc")
    lenovo = LenovoProfile()
    psu = resources["/redfish/v1/Chassis/1/Power"]["PowerSupplies"][0]
    assert lenovo.part(ComponentKind.PSU, psu) == {"spare_part_number": "03GX248"}
    dimm = resources["/redfish/v1/Systems/1/Memory/DIMM_2"]
    dimm["Oem"]["Lenovo"]["FruPartNumber"] = " 01DE974 "
    assert lenovo.part(ComponentKind.DIMM, dimm) == {"spare_part_number": "01DE974"}
    disk = resources["/redfish/v1/Systems/1/Storage/RAID_Slot3/Drives/Disk.5"]
    assert lenovo.part(ComponentKind.DISK, disk) == {"spare_part_number": "02YC373"}
    fan = resources["/redfish/v1/Chassis/1/Thermal"]["Fans"][3]
    assert lenovo.location(ComponentKind.FAN, fan) == "Fan 4 Front"


def test_huawei_labels_drive_state_and_bbu() -> None:
    resources = tree("huawei-ibmc")
    huawei = HuaweiProfile()
    psu = resources["/redfish/v1/Chassis/1/Power"]["PowerSupplies"][1]
    assert huawei.location(ComponentKind.PSU, psu) == "PSU2"
    disk = resources["/redfish/v1/Chassis/1/Drives/HDDPlaneDisk3"]
    assert huawei.location(ComponentKind.DISK, disk) == "Disk3"
    assert huawei.location(ComponentKind.DIMM, resources["/redfish/v1/Systems/1/Memory/mainboardDIMM010"]) == "DIMM010"
    assert huawei.health(ComponentKind.DISK, disk) is None
    disk["Oem"]["Huawei"]["FirmwareStatus"] = "UnconfiguredBad"
    assert huawei.health(ComponentKind.DISK, disk) == (Health.CRITICAL, "drive state UnconfiguredBad")
    (bbu,) = huawei.components(resources)
    assert (bbu.kind, bbu.location, bbu.health) == (ComponentKind.BATTERY, "RAID Card1 Controller BBU", Health.OK)
    controller = resources["/redfish/v1/Systems/1/Storages/RAIDStorage0"]["StorageControllers"][0]
    controller["Oem"]["Huawei"]["CapacitanceStatus"]["Health"] = "Critical"
    (bbu,) = huawei.components(resources)
    assert bbu.health is Health.CRITICAL and "BBU" in bbu.reason


def test_supermicro_psu_model_is_the_part_number() -> None:
    psu = tree("supermicro")["/redfish/v1/Chassis/1/Power"]["PowerSupplies"][0]
    assert SupermicroProfile().part(ComponentKind.PSU, psu) == {"part_number": "PWS-1K62A-1R"}
    assert SupermicroProfile().part(ComponentKind.PSU, {**psu, "PartNumber": "X"}) == {}


@pytest.mark.parametrize("name", ["inspur-kaytus", "h3c-hdm", "dmtf-generic"])
def test_detection_only_profiles_change_nothing(name: str) -> None:
    resources = tree(name)
    profile = detect(resources["/redfish/v1"])
    assert type(profile).part is VendorProfile.part and type(profile).health is VendorProfile.health
    assert profile.components(resources) == () and profile.extra_paths(resources) == ()


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_profiles_survive_junk(profile: VendorProfile) -> None:
    junk = [
        {},
        {"Oem": None},
        {"Oem": {"Hpe": "x", "Dell": [], "Lenovo": 3, "Huawei": {"CapacitanceStatus": 1}}},
        {"Status": "bad", "StorageControllers": "x", "Id": 7, "PartNumber": 12, "DIMMStatus": 5},
    ]
    for doc in junk:
        for kind in ComponentKind:
            profile.part(kind, doc)
            profile.location(kind, doc)
            profile.health(kind, doc)
    profile.components({"/x": junk[2], "/y": junk[3]})
    profile.extra_paths({"/x": {"Oem": {"Hpe": {"Links": {"SmartStorage": {"@odata.id": 5}}}}}})
