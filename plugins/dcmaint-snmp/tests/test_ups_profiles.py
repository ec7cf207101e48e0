"""UPS profiles as pure functions over snapshots: healthy samples, every fault target, probing.

Snapshots come from each profile's simulated agent (``Sample.build``), passed
through ``.snmprec`` text as snmpsim would serve them; odd shapes are in
test_ups_shapes.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import Fault, faults_of
from dcmaint_snmp.profiles import PROFILES, SAMPLES, by_name, for_kind
from dcmaint_snmp.profiles.base import CONSUMABLE, Sample
from dcmaint_snmp.profiles.ups import PROFILES as UPS_PROFILES
from dcmaint_snmp.profiles.ups import SAMPLES as UPS_SAMPLES
from dcmaint_snmp.profiles.ups.common import TARGETS
from dcmaint_snmp.snapshot import SYSTEM, Snapshot

NAMES = ["ups-apc", "ups-eaton", "ups-huawei", "ups-rfc1628"]
DOCS = Path(__file__).resolve().parents[3] / "docs" / "drivers" / "snmp-ups.md"


def sample(name: str) -> Sample:
    return next(item for item in UPS_SAMPLES if item.profile == name)


def served(name: str, spec: str = "") -> Snapshot:
    """What the sample's agent serves, through .snmprec text (what snmpsim reads)."""
    built = sample(name).build(parse_faults(spec) if spec else ())
    return Snapshot.from_snmprec(built.to_snmprec())


def poll(name: str, spec: str = "", options: dict[str, str] | None = None) -> tuple[DeviceReport, list[Fault]]:
    profile = by_name(name)
    assert profile is not None
    report = profile.parse(served(name, spec), options or {})
    result = PollResult.success("ups1", "snmp", report, 0.1, datetime(2026, 12, 1, tzinfo=UTC))
    return report, faults_of(result)


def summary(faults: list[Fault]) -> list[tuple[str, str, str]]:
    return [(fault.kind, fault.location, fault.health.value) for fault in faults]


def test_profiles_are_in_probing_order_vendor_first_generic_last():
    assert [profile.name for profile in UPS_PROFILES] == NAMES
    assert [profile.name for profile in for_kind(DeviceKind.UPS)] == NAMES
    assert [item.profile for item in UPS_SAMPLES] == NAMES
    assert all(item.prefix == "ups" and set(TARGETS) <= set(item.targets) for item in UPS_SAMPLES)
    assert {p.name for p in PROFILES} >= set(NAMES) and {s.profile for s in SAMPLES} >= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_valid_snmprec(name):
    built = sample(name).build(())
    text = built.to_snmprec()
    assert Snapshot.from_snmprec(text) == built
    oids = [line.split("|", 1)[0] for line in text.splitlines()]
    assert oids == sorted(oids, key=lambda oid: tuple(int(part) for part in oid.split(".")))
    assert all(oid in built for oid in SYSTEM)


@pytest.mark.parametrize("name", NAMES)
def test_healthy_ups_is_ok_with_no_fault(name):
    report, faults = poll(name)
    assert report.status is Health.OK and faults == [] and report.faults() == ()
    assert not [alarm for alarm in report.alarms if alarm.is_fault]
    assert not [sensor for sensor in report.sensors if sensor.health is not Health.OK]
    (battery,) = report.components
    assert battery.kind.value == "battery" and battery.health is Health.OK
    assert battery.part is not None and battery.part.attributes[CONSUMABLE] == "yes"
    assert report.identity.model and report.identity.vendor and report.identity.firmware
    names = {sensor.name for sensor in report.sensors}
    assert {"Battery charge", "Battery runtime", "Input voltage", "Output voltage", "Load"} <= names
    assert report.archive is not None and report.archive.system["profile"] == name


BATTERY_LOCATION = {"ups-apc": "Battery cartridge"}
#: Each target's one expected fault: (kind, location, health); None location = the profile's battery location.
EXPECTED = {
    "onbattery": ("alarm", "Input", "warning"),
    "bypass": ("alarm", "Bypass", "warning"),
    "overload": ("alarm", "Output", "critical"),
    "outputoff": ("alarm", "Output", "critical"),
    "battery": ("battery", None, "warning"),
    "battery=replace": ("battery", None, "warning"),
    "battery=low": ("alarm", None, "critical"),
    "battery=depleted": ("alarm", None, "critical"),
}
TEMPERATURE = {
    "ups-apc": ("alarm", "Battery cartridge", "warning"),
    "ups-eaton": ("alarm", "Ambient", "warning"),
    "ups-huawei": ("alarm", "UPS", "warning"),
    "ups-rfc1628": ("alarm", "UPS", "warning"),
}
EXTRA_ALARM = {
    "ups-apc": ("alarm", "UPS", "warning"),
    "ups-eaton": ("alarm", "Bypass", "warning"),
    "ups-huawei": ("alarm", "UPS", "warning"),
    "ups-rfc1628": ("alarm", "UPS", "warning"),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("spec", [*EXPECTED, "temperature", "alarm"])
def test_each_fault_target_gives_exactly_its_fault(name, spec):
    report, faults = poll(name, spec)
    if spec == "temperature":
        expected = TEMPERATURE[name]
    elif spec == "alarm":
        expected = EXTRA_ALARM[name]
    else:
        kind, location, health = EXPECTED[spec]
        expected = (kind, location or BATTERY_LOCATION.get(name, "Battery"), health)
    assert summary(faults) == [expected]
    assert report.status.value == expected[2]
    codes = Counter(alarm.code for alarm in report.alarms)
    assert all(count == 1 for count in codes.values()), codes


@pytest.mark.parametrize("name", NAMES)
def test_replace_battery_is_one_consumable_battery_part_with_the_alarm_folded_in(name):
    report, faults = poll(name, "battery=replace")
    (battery,) = report.faults()
    assert battery.kind.value == "battery" and battery.reason and "Replace battery" in battery.reason
    assert battery.part is not None and battery.part.attributes[CONSUMABLE] == "yes"
    replace = [alarm for alarm in report.alarms if alarm.code == "UPS.REPLACEBATTERY"]
    assert len(replace) == 1 and replace[0].component == battery.ref
    assert [fault.kind for fault in faults] == ["battery"]


def test_apc_battery_part_is_the_replacement_cartridge_the_ups_names():
    report, faults = poll("ups-apc", "battery")
    assert faults[0].part_number == "APCRBC140" and faults[0].manufacturer == "APC"
    part = report.faults()[0].part
    assert part is not None and part.attributes["replaced"] == "2022-06-12"
    assert part.attributes["replace_by"] == "2027-06-12"
    assert report.identity.serial == "AS1935181234" and report.identity.part_number == "SRT6KXLI"


@pytest.mark.parametrize("name", ["ups-eaton", "ups-huawei", "ups-rfc1628"])
def test_battery_part_option_names_the_kit_a_mib_cannot(name):
    _, faults = poll(name, "battery", {"battery_part": "BAT-VRLA-12V9AH"})
    assert faults[0].part_number == "BAT-VRLA-12V9AH"
    _, faults = poll(name, "battery")
    assert faults[0].part_number is None


@pytest.mark.parametrize("name", NAMES)
def test_readings_an_alarm_already_reports_are_not_a_second_fault(name):
    report, _ = poll(name, "onbattery")
    inputs = [sensor for sensor in report.sensors if sensor.name.startswith("Input voltage")]
    assert inputs and all(sensor.health is Health.UNKNOWN for sensor in inputs)
    report, _ = poll(name, "overload")
    (load,) = [sensor for sensor in report.sensors if sensor.name == "Load"]
    assert load.value is not None and load.value > 100 and load.health is Health.UNKNOWN


@pytest.mark.parametrize("name", NAMES)
def test_several_faults_at_once_are_each_reported_once(name):
    report, faults = poll(name, "onbattery,battery=replace,overload")
    assert sorted(summary(faults)) == sorted(
        [
            ("alarm", "Input", "warning"),
            ("battery", BATTERY_LOCATION.get(name, "Battery"), "warning"),
            ("alarm", "Output", "critical"),
        ]
    )
    assert report.status is Health.CRITICAL


def probe_answer(snapshot: Snapshot) -> Snapshot:
    """What the driver's probe GET returns: the system group and every profile's probe OIDs, nothing else."""
    asked = set(SYSTEM) | {oid for profile in PROFILES for oid in profile.probe}
    return Snapshot({oid: value for oid, value in snapshot.items() if oid in asked})


def identified(snapshot: Snapshot) -> str | None:
    answer = probe_answer(snapshot)
    return next((profile.name for profile in for_kind(DeviceKind.UPS) if profile.identifies(answer)), None)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("spec", ["", "onbattery", "battery"])
def test_each_sample_is_identified_as_its_own_profile(name, spec):
    assert identified(served(name, spec)) == name


@pytest.mark.parametrize("name", ["ups-apc", "ups-eaton", "ups-huawei"])
def test_vendor_samples_are_not_taken_for_another_vendor(name):
    answer = probe_answer(served(name))
    others = [p.name for p in UPS_PROFILES if p.name not in (name, "ups-rfc1628") and p.identifies(answer)]
    assert others == []


def test_rfc1628_only_card_under_net_snmp_generic_sysobjectid_is_rfc1628():
    snapshot = served("ups-rfc1628")
    assert snapshot.oid("1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.8072.3.2.10"
    answer = probe_answer(snapshot)
    assert [p.name for p in UPS_PROFILES if p.identifies(answer)] == ["ups-rfc1628"]


def test_huawei_card_under_the_generic_sysobjectid_is_huawei_not_rfc1628():
    snapshot = served("ups-huawei")
    assert snapshot.oid("1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.8072.3.2.10"
    assert identified(snapshot) == "ups-huawei"


def test_a_device_answering_no_ups_mib_is_not_identified():
    system_only = Snapshot({oid: value for oid, value in served("ups-apc").items() if oid in SYSTEM})
    assert identified(system_only) is None


def test_docs_page_lists_every_profile_target_and_oid():
    page = DOCS.read_text(encoding="utf-8")
    for name in NAMES:
        assert f"`{name}`" in page
    for target in TARGETS:
        assert f"`{target}`" in page
    from dcmaint_snmp.profiles.ups import apc, eaton, huawei, rfc1628

    for module in (apc, eaton, huawei, rfc1628):
        for attribute, value in vars(module).items():
            if attribute[:2] in ("up", "xu", "hw") and isinstance(value, str) and value[:1] == "1":
                assert attribute in page, f"{module.__name__}.{attribute} is not documented"
