"""array-huawei: the OceanStor profile as a pure function over what an agent answered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.drivers import ComponentKind, DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import Fault, faults_of
from dcmaint_snmp.profiles.base import CONSUMABLE
from dcmaint_snmp.profiles.storage import huawei, huawei_sample
from dcmaint_snmp.profiles.storage.common import StorageOptionError
from dcmaint_snmp.snapshot import Snapshot

ENTRY = "1.3.6.1.4.1.34774.4.1.23.5"
POOL = "1.3.6.1.4.1.34774.4.1.23.4.2.1"


def report_of(faults: str = "", options: dict[str, str] | None = None) -> DeviceReport:
    snapshot = huawei_sample.build(parse_faults(faults))
    # What snmpsim serves is the .snmprec text: parse what it would serve, not the in-memory snapshot.
    return huawei.parse(Snapshot.from_snmprec(snapshot.to_snmprec()), options or {})


def faults(report: DeviceReport) -> list[Fault]:
    return faults_of(PollResult.success("array1", "snmp", report, 0.1, datetime.now(UTC)))


def test_the_healthy_sample_is_ok_with_no_fault() -> None:
    report = report_of()
    assert report.status is Health.OK
    assert faults(report) == []
    kinds = [component.kind for component in report.components]
    assert kinds.count(ComponentKind.DISK) == 14
    assert kinds.count(ComponentKind.CONTROLLER) == 2
    assert kinds.count(ComponentKind.BATTERY) == 2
    assert kinds.count(ComponentKind.PSU) == 4
    assert kinds.count(ComponentKind.FAN) == 4
    assert kinds.count(ComponentKind.ENCLOSURE) == 2
    assert [sensor.value for sensor in report.sensors] == [58.0, 41.5]


def test_identity_and_part_identities_come_from_the_array() -> None:
    report = report_of()
    assert (report.identity.vendor, report.identity.serial) == ("Huawei", "2102351QLH10K9000001")
    assert report.identity.firmware["OceanStor OS"] == "V500R007C60SPC300"
    disk = next(c for c in report.components if c.location == "CTE0 Slot 3")
    assert disk.part is not None
    assert (disk.part.model, disk.part.serial, disk.part.manufacturer) == ("ST1200MM0129", "WFK003A1", "SEAGATE")
    assert disk.part.capacity_bytes == 1_144_641 * 1024 * 1024
    assert disk.part.attributes["interface"] == "SAS"
    spare = next(c for c in report.components if c.location == "CTE0 Slot 9")
    assert spare.part is not None and spare.part.attributes["role"] == "hot spare" and spare.health is Health.OK
    controller = next(c for c in report.components if c.kind is ComponentKind.CONTROLLER)
    assert controller.location == "CTE0.A"
    assert controller.part is not None and controller.part.part_number == "02353PCE"


@pytest.mark.parametrize(
    ("fault", "health", "reason"),
    [
        ("disk:4=failed", Health.CRITICAL, "fault"),
        ("disk:4", Health.CRITICAL, "fault"),
        ("disk:4=rebuild", Health.WARNING, "reconstruction in progress"),
        ("disk:4=predicted", Health.WARNING, "pre-fail (failure predicted)"),
    ],
)
def test_one_disk_fault_is_one_fault_at_its_enclosure_and_slot(fault: str, health: Health, reason: str) -> None:
    report = report_of(fault)
    found = faults(report)
    assert [(f.kind, f.location, f.health, f.reason) for f in found] == [("disk", "CTE0 Slot 3", health, reason)]
    assert found[0].serial == "WFK003A1"
    assert report.rollup is Health.WARNING  # the array's own summary says degraded


def test_a_disk_in_the_disk_enclosure_is_found_there() -> None:
    found = faults(report_of("disk:12"))
    assert [f.location for f in found] == ["DAE010 Slot 1"]


@pytest.mark.parametrize(
    ("fault", "kind", "location", "health"),
    [
        ("controller:2", "controller", "CTE0.B", Health.CRITICAL),
        ("battery:1", "battery", "CTE0.A.BBU", Health.CRITICAL),
        ("battery:2=low", "battery", "CTE0.B.BBU", Health.WARNING),
        ("psu:3", "psu", "DAE010.PSU0", Health.CRITICAL),
        ("fan:2", "fan", "CTE0.FAN1", Health.CRITICAL),
    ],
)
def test_each_part_fault_is_exactly_that_fault(fault: str, kind: str, location: str, health: Health) -> None:
    found = faults(report_of(fault))
    assert [(f.kind, f.location, f.health) for f in found] == [(kind, location, health)]


def test_cache_batteries_are_marked_consumable() -> None:
    batteries = [c for c in report_of().components if c.kind is ComponentKind.BATTERY]
    assert batteries and all(c.part is not None and c.part.attributes[CONSUMABLE] == "yes" for c in batteries)


@pytest.mark.parametrize(
    ("fault", "options", "health"),
    [
        ("pool:1=90", {}, Health.WARNING),
        ("pool:1=97", {}, Health.CRITICAL),
        ("pool:1", {}, Health.CRITICAL),
        ("pool:2=96", {"pool_critical": "99"}, Health.WARNING),
        ("pool:1=90", {"pool_warning": "92", "pool_critical": "99"}, Health.OK),
    ],
)
def test_pool_capacity_is_judged_by_the_users_thresholds(fault: str, options: dict[str, str], health: Health) -> None:
    report = report_of(fault, options)
    number = int(fault.split(":")[1].split("=")[0])
    assert report.sensors[number - 1].health is health
    assert [f.kind for f in faults(report)] == ([] if health is Health.OK else ["sensor"])


def test_a_pool_over_the_arrays_own_threshold_but_under_the_users_is_not_a_fault() -> None:
    report = report_of("pool:1=84")  # hwInfoStoragePoolFullThreshold is 80
    assert report.sensors[0].health is Health.OK and faults(report) == []


def test_every_target_the_sample_names_makes_a_fault() -> None:
    for target in huawei_sample.SAMPLE.targets:
        assert faults(report_of(f"{target}:1")), target


@pytest.mark.parametrize("options", [{"pool_warning": "abc"}, {"pool_warning": "120"}, {"pool_warning": "96"}])
def test_an_unusable_threshold_is_a_configuration_error(options: dict[str, str]) -> None:
    with pytest.raises(StorageOptionError):
        report_of("", options)


def test_odd_but_valid_rows_are_not_faults() -> None:
    # Written from the MIB: a disk with no serial and a space-padded model, a disk whose health is "--" (0),
    # an empty slot (running status not existed), a location that is not enclosure.slot, a zero-based sparse
    # index; a pool named in GB18030 with no free-capacity column; a pool the array calls healthy with total 0.
    name = "存储池".encode("gb18030").hex()
    snapshot = Snapshot.from_snmprec(
        f"""
        1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.2011.2.91
        1.3.6.1.4.1.34774.4.1.1.1.0|4|2102351QLH10K9000002
        1.3.6.1.4.1.34774.4.1.1.3.0|66|1
        {ENTRY}.1.1.1.1.48|4|0
        {ENTRY}.1.1.2.1.48|66|1
        {ENTRY}.1.1.3.1.48|66|27
        {ENTRY}.1.1.4.1.48|4|CTE0.0
        {ENTRY}.1.1.12.1.48|4x|53543132303000000000
        {ENTRY}.1.1.1.2.55.55|4|77
        {ENTRY}.1.1.2.2.55.55|66|0
        {ENTRY}.1.1.3.2.55.55|66|27
        {ENTRY}.1.1.4.2.55.55|4|CTE0.7
        {ENTRY}.1.1.1.1.57|4|9
        {ENTRY}.1.1.3.1.57|66|4
        {ENTRY}.1.1.4.1.57|4|CTE0.9
        {ENTRY}.1.1.2.1.56|66|1
        {ENTRY}.1.1.3.1.56|66|27
        {ENTRY}.1.1.4.1.56|4|internal
        {POOL}.2.1.48|4x|{name}
        {POOL}.5.1.48|66|1
        {POOL}.7.1.48|70|1000
        {POOL}.8.1.48|70|400
        {POOL}.2.1.49|4|empty
        {POOL}.5.1.49|66|1
        {POOL}.7.1.49|70|0
        {POOL}.9.1.49|70|0
        """
    )
    report = huawei.parse(snapshot, {})
    assert report.status is Health.OK and faults(report) == []
    by_location = {c.location: c for c in report.components}
    assert by_location["CTE0 Slot 0"].part is not None and by_location["CTE0 Slot 0"].part.model == "ST1200"
    assert by_location["CTE0 Slot 0"].part.serial is None
    assert by_location["CTE0 Slot 7"].health is Health.UNKNOWN
    assert by_location["CTE0 Slot 9"].health is Health.ABSENT
    assert by_location["internal"].health is Health.OK
    assert [(s.name, s.value, s.health) for s in report.sensors] == [
        ("Pool 存储池 used", 40.0, Health.OK),
        ("Pool empty used", None, Health.UNKNOWN),
    ]


def test_a_pool_the_array_calls_degraded_is_a_warning_below_the_thresholds() -> None:
    snapshot = Snapshot.from_snmprec(
        f"""
        1.3.6.1.4.1.34774.4.1.1.3.0|66|1
        {POOL}.2.1.48|4|p0
        {POOL}.5.1.48|66|5
        {POOL}.7.1.48|70|1000
        {POOL}.9.1.48|70|900
        """
    )
    assert [s.health for s in huawei.parse(snapshot, {}).sensors] == [Health.WARNING]


def test_a_member_disk_offline_is_a_warning_but_a_free_disk_offline_is_not() -> None:
    snapshot = Snapshot.from_snmprec(
        f"""
        {ENTRY}.1.1.2.1.48|66|1
        {ENTRY}.1.1.3.1.48|66|28
        {ENTRY}.1.1.4.1.48|4|CTE0.0
        {ENTRY}.1.1.7.1.48|66|2
        {ENTRY}.1.1.2.1.49|66|1
        {ENTRY}.1.1.3.1.49|66|28
        {ENTRY}.1.1.4.1.49|4|CTE0.1
        {ENTRY}.1.1.7.1.49|66|1
        """
    )
    healths = {c.location: c.health for c in huawei.parse(snapshot, {}).components}
    assert healths == {"CTE0 Slot 0": Health.WARNING, "CTE0 Slot 1": Health.OK}


def test_an_empty_answer_is_an_empty_report_not_an_error() -> None:
    report = huawei.parse(Snapshot(), {})
    assert report.components == () and report.sensors == () and report.status is Health.OK
