"""The network switch profiles against their simulated agents: healthy is quiet, each fault is exactly one fault,
and probing picks each agent's own profile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import Fault, faults_of
from dcmaint.testing.checks import report_problems
from dcmaint_snmp.profiles import PROFILES, by_name, for_kind
from dcmaint_snmp.profiles.base import Profile, Sample
from dcmaint_snmp.profiles.network import SAMPLES
from dcmaint_snmp.snapshot import SYSTEM, Snapshot

SAMPLE_BY_PROFILE = {sample.profile: sample for sample in SAMPLES}


def report_of(sample: Sample, faults: str = "", options: dict[str, str] | None = None) -> DeviceReport:
    """What the sample's own profile makes of the sample, read back from the .snmprec text snmpsim would serve."""
    profile = by_name(sample.profile)
    assert profile is not None
    served = Snapshot.from_snmprec(sample.build(parse_faults(faults) if faults else ()).to_snmprec())
    return profile.parse(served, options or {})


def faults(report: DeviceReport) -> list[Fault]:
    return faults_of(PollResult.success("sw1", "snmp", report, 0.1, datetime.now(UTC)))


def kinds_and_places(report: DeviceReport) -> list[tuple[str, str]]:
    return [(fault.kind, fault.location) for fault in faults(report)]


def test_every_profile_has_one_sample_and_the_generic_profile_comes_last() -> None:
    network = for_kind(DeviceKind.NETWORK)
    assert [profile.name for profile in network] == ["switch-huawei", "switch-h3c", "switch-cisco", "switch-entity"]
    assert sorted(SAMPLE_BY_PROFILE) == sorted(profile.name for profile in network)
    assert all(sample.prefix.startswith("sw") for sample in SAMPLES)
    assert len({sample.prefix for sample in SAMPLES}) == len(SAMPLES)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.profile)
def test_a_healthy_switch_is_ok_with_no_fault(sample: Sample) -> None:
    report = report_of(sample)
    assert report_problems(report) == []
    assert report.status is Health.OK
    assert faults(report) == []
    kinds = {component.kind.value for component in report.components}
    assert {"enclosure", "psu", "fan", "transceiver"} <= kinds
    assert report.identity.serial and report.identity.hostname
    assert report.archive is not None and report.archive.system["profile"] == sample.profile


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.profile)
def test_the_sample_is_valid_snmprec(sample: Sample) -> None:
    snapshot = sample.build(())
    text = snapshot.to_snmprec()
    assert Snapshot.from_snmprec(text) == snapshot
    oids = [line.split("|", 1)[0] for line in text.splitlines()]
    assert oids == sorted(oids, key=lambda oid: [int(part) for part in oid.split(".")])


#: Each fault target of each sample, and the one (kind, location) fault it must give.
EXPECTED = {
    "switch-huawei": {
        "psu:2": ("psu", "PWR2"),
        "fan:1": ("fan", "FAN1"),
        "temperature": ("sensor", "MPU Board 0 temperature"),
        "transceiver:1": ("transceiver", "XGigabitEthernet0/0/1"),
        "transceiver:2=missing": ("alarm", "XGigabitEthernet0/0/2"),
        "uplink:1": ("alarm", "XGigabitEthernet0/0/1"),
        "errors:2": ("alarm", "XGigabitEthernet0/0/2"),
    },
    "switch-h3c": {
        "psu:3": ("psu", "Slot 2 / PSU 1"),
        "fan:2": ("fan", "Slot 1 / Fan 2"),
        "temperature": ("sensor", "Slot 1 temperature"),
        "transceiver:2": ("transceiver", "Ten-GigabitEthernet2/0/25"),
        "transceiver:1=missing": ("alarm", "XGE1/0/25"),
        "uplink:2": ("alarm", "XGE2/0/25"),
        "errors:1": ("alarm", "XGE1/0/25"),
    },
    "switch-cisco": {
        "psu:1": ("psu", "Switch 1 - Power Supply A"),
        "fan:3": ("fan", "Switch 1 - FAN 3"),
        "temperature": ("sensor", "Switch 1: SYSTEM INLET Sensor 0"),
        "transceiver:1": ("transceiver", "Te1/1/1 Module"),
        "transceiver:2=missing": ("alarm", "Te1/1/2"),
        "uplink:1": ("alarm", "Te1/1/1"),
        "errors:2": ("alarm", "Te1/1/2"),
    },
    "switch-entity": {
        "psu:1": ("psu", "PSU 1"),
        "fan:2": ("fan", "Fantray 2"),
        "temperature": ("sensor", "Chassis Temp 1"),
        "transceiver:2": ("transceiver", "Ethernet52 transceiver"),
        "transceiver:1=missing": ("alarm", "Ethernet48"),
        "uplink:2": ("alarm", "Ethernet52"),
        "errors:1": ("alarm", "Ethernet48"),
    },
}
CASES = [(profile, fault, expected) for profile, table in EXPECTED.items() for fault, expected in table.items()]


@pytest.mark.parametrize(("profile", "fault", "expected"), CASES, ids=[f"{p}-{f}" for p, f, _ in CASES])
def test_each_fault_target_is_exactly_one_fault(profile: str, fault: str, expected: tuple[str, str]) -> None:
    report = report_of(SAMPLE_BY_PROFILE[profile], fault)
    assert report_problems(report) == []
    assert kinds_and_places(report) == [expected]
    assert report.status in (Health.WARNING, Health.CRITICAL)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.profile)
def test_every_declared_target_breaks_something(sample: Sample) -> None:
    assert set(sample.targets) == {"psu", "fan", "temperature", "transceiver", "uplink", "errors"}
    for target in sample.targets:
        assert faults(report_of(sample, target)), target


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.profile)
def test_a_failed_transceiver_on_an_uplink_is_one_fault_with_the_link_alarm_folded_in(sample: Sample) -> None:
    report = report_of(sample, "transceiver:1")
    down = [alarm for alarm in report.alarms if alarm.code == "IF.UPLINK_DOWN"]
    assert len(down) == 1 and down[0].component is not None and down[0].component.kind.value == "transceiver"
    found = faults(report)
    assert len(found) == 1 and found[0].kind == "transceiver" and found[0].health is Health.CRITICAL
    assert found[0].part_number  # the spare to bring


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.profile)
def test_a_down_uplink_does_not_blame_its_healthy_transceiver(sample: Sample) -> None:
    report = report_of(sample, "uplink:1")
    (alarm,) = [alarm for alarm in report.alarms if alarm.code == "IF.UPLINK_DOWN"]
    assert alarm.component is None and alarm.severity is Health.CRITICAL


def test_two_broken_parts_are_two_faults() -> None:
    report = report_of(SAMPLE_BY_PROFILE["switch-entity"], "psu:1,fan:3")
    assert sorted(kinds_and_places(report)) == [("fan", "Fantray 3"), ("psu", "PSU 1")]


def test_a_failed_psu_in_the_state_table_and_the_alarm_bits_is_one_fault_with_both_reasons() -> None:
    report = report_of(SAMPLE_BY_PROFILE["switch-huawei"], "psu:1")
    (fault,) = faults(report)
    assert (fault.kind, fault.location, fault.health) == ("psu", "PWR1", Health.CRITICAL)
    assert fault.reason == "disabled (inoperable); critical alarm"
    assert (fault.part_number, fault.serial) == ("PAC600S12-CB", "2102312CHW10K1000001")


def test_a_stopped_fan_and_its_zero_speed_reading_are_one_fault() -> None:
    report = report_of(SAMPLE_BY_PROFILE["switch-entity"], "fan:1")
    speed = next(sensor for sensor in report.sensors if sensor.name == "Fantray 1 Fan 1 Speed")
    assert speed.value == 0.0 and speed.component is not None and speed.component.location == "Fantray 1"
    assert kinds_and_places(report) == [("fan", "Fantray 1")]


def probe_answer(snapshot: Snapshot, profiles: tuple[Profile, ...]) -> Snapshot:
    """What the one probing GET returns: the system group and every profile's probe OIDs the agent has."""
    asked = {*SYSTEM, *(oid for profile in profiles for oid in profile.probe)}
    return Snapshot({oid: value for oid, value in snapshot.items() if oid in asked})


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.profile)
def test_probing_picks_each_samples_own_profile(sample: Sample) -> None:
    network = for_kind(DeviceKind.NETWORK)
    answer = probe_answer(sample.build(()), network)
    chosen = next(profile for profile in network if profile.identifies(answer))
    assert chosen.name == sample.profile


def test_an_unknown_vendor_is_read_by_the_generic_profile_and_a_silent_agent_by_none() -> None:
    network = for_kind(DeviceKind.NETWORK)
    answer = probe_answer(SAMPLE_BY_PROFILE["switch-entity"].build(()), network)
    assert [profile.name for profile in network if profile.identifies(answer)] == ["switch-entity"]
    assert not any(profile.identifies(Snapshot()) for profile in network)


def test_the_profiles_walk_columns_not_whole_mibs() -> None:
    for profile in for_kind(DeviceKind.NETWORK):
        assert "1.3.6.1.2.1.2" not in profile.walks and "1.3.6.1.2.1.31" not in profile.walks
        assert "1.3.6.1.2.1.31.1.1.1.1" in profile.walks  # ifName
        assert profile in PROFILES
