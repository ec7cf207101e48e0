"""array-netapp: the ONTAP profile as a pure function over what an agent answered."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.drivers import ComponentKind, DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import Fault, faults_of
from dcmaint_snmp.profiles.base import CONSUMABLE
from dcmaint_snmp.profiles.storage import netapp, netapp_sample
from dcmaint_snmp.snapshot import Snapshot

N = "1.3.6.1.4.1.789.1"


def report_of(faults: str = "", options: dict[str, str] | None = None) -> DeviceReport:
    snapshot = netapp_sample.build(parse_faults(faults))
    return netapp.parse(Snapshot.from_snmprec(snapshot.to_snmprec()), options or {})


def faults(report: DeviceReport) -> list[Fault]:
    return faults_of(PollResult.success("array2", "snmp", report, 0.1, datetime.now(UTC)))


def test_the_healthy_sample_is_ok_with_no_fault() -> None:
    report = report_of()
    assert report.status is Health.OK and report.rollup is Health.OK
    assert faults(report) == [] and report.alarms == ()
    kinds = [component.kind for component in report.components]
    assert kinds.count(ComponentKind.DISK) == 20
    assert kinds.count(ComponentKind.CONTROLLER) == 2
    assert kinds.count(ComponentKind.BATTERY) == 2
    assert kinds.count(ComponentKind.ENCLOSURE) == 2
    assert kinds.count(ComponentKind.PSU) == 2 * 2 + 2  # shelf PSUs, and each node's PSUs as one part
    # Shelves of 24 bays hold 12 and 8 disks: empty bays are no fault. The snapshot reserve (over 100 %) is skipped.
    assert [(s.name, s.value) for s in report.sensors] == [
        ("Aggregate aggr1 used", 62.0),
        ("Aggregate aggr2 used", 48.0),
        ("Volume /vol/vol_data/ used", 71.0),
    ]


def test_identity_and_disk_identities() -> None:
    report = report_of()
    assert (report.identity.vendor, report.identity.model, report.identity.serial) == (
        "NetApp",
        "FAS8200",
        "721826000123",
    )
    disk = next(c for c in report.components if c.location == "Shelf 2 Bay 0")
    assert disk.name == "1.2.0" and disk.part is not None
    assert (disk.part.part_number, disk.part.serial) == ("X357_S16433T8ATE", "PNJ200K7A")
    assert disk.part.manufacturer == "NETAPP"  # sent space-padded
    assert disk.part.rpm is None and disk.part.attributes["interface"] == "SSD"
    spare = next(c for c in report.components if c.location == "Shelf 1 Bay 11")
    assert spare.health is Health.OK and spare.part is not None and spare.part.attributes["role"] == "spare"
    psu = next(c for c in report.components if c.location == "Shelf 2 PSU 2")
    assert psu.part is not None and psu.part.serial == "XXT1820002"


def test_a_failed_disk_is_one_fault_with_the_arrays_message_folded_in() -> None:
    report = report_of("disk:3=failed")
    found = faults(report)
    assert [(f.kind, f.location, f.health) for f in found] == [("disk", "Shelf 1 Bay 2", Health.CRITICAL)]
    assert found[0].serial == "PNJ102K7A"
    [alarm] = report.alarms
    assert alarm.message == "Disk 1.1.2 (S/N PNJ102K7A) is broken."
    assert alarm.component is not None and alarm.component.location == "Shelf 1 Bay 2"
    assert report.rollup is Health.WARNING


@pytest.mark.parametrize(
    ("fault", "location", "health"),
    [
        ("disk:5=rebuild", "Shelf 1 Bay 4", Health.WARNING),
        ("disk:13=predicted", "Shelf 2 Bay 0", Health.WARNING),
        ("disk:12", "Shelf 1 Bay 11", Health.CRITICAL),
        ("controller:2", "Node cluster1-02", Health.CRITICAL),
        ("battery:1", "Node cluster1-01 NVRAM", Health.CRITICAL),
        ("battery:2=near", "Node cluster1-02 NVRAM", Health.WARNING),
        ("psu:3", "Shelf 2 PSU 1", Health.CRITICAL),
        ("fan:5", "Shelf 2 Fan 1", Health.CRITICAL),
        ("fan:4", "Shelf 1 Fan 4", Health.CRITICAL),
    ],
)
def test_each_fault_target_is_exactly_that_fault(fault: str, location: str, health: Health) -> None:
    found = faults(report_of(fault))
    assert [(f.location, f.health) for f in found] == [(location, health)]


def test_nvram_batteries_are_marked_consumable() -> None:
    batteries = [c for c in report_of().components if c.kind is ComponentKind.BATTERY]
    assert batteries and all(c.part is not None and c.part.attributes[CONSUMABLE] == "yes" for c in batteries)


@pytest.mark.parametrize(
    ("fault", "options", "health"),
    [
        ("pool:2=96", {}, Health.CRITICAL),
        ("pool:1=86", {}, Health.WARNING),
        ("pool:1=86", {"pool_warning": "90"}, Health.OK),
    ],
)
def test_aggregate_capacity_is_judged_by_the_users_thresholds(
    fault: str, options: dict[str, str], health: Health
) -> None:
    report = report_of(fault, options)
    number = int(fault.split(":")[1].split("=")[0])
    assert report.sensors[number - 1].health is health
    assert len(faults(report)) == (0 if health is Health.OK else 1)


def test_volume_thresholds_are_their_own_options() -> None:
    report = report_of("", {"volume_warning": "70", "volume_critical": "80"})
    assert [s.health for s in report.sensors] == [Health.OK, Health.OK, Health.WARNING]


def test_every_target_the_sample_names_makes_a_fault() -> None:
    for target in netapp_sample.SAMPLE.targets:
        assert faults(report_of(f"{target}:1")), target


def test_seven_mode_head_high_low_halves_and_odd_rows() -> None:
    # A 7-Mode filer: no nodeTable, the head's scalars instead; capacity only as dfHigh/dfLow halves with a
    # negative low half, or only as the old 32-bit column; a shelf addressed "0c.shelf1" with empty bays; a
    # disk scrubbing (routine) with no serial; a bypassed spare.
    snapshot = Snapshot.from_snmprec(
        f"""
        {N}.1.2.0|4|NetApp Release 8.2.4P6 7-Mode
        {N}.1.5.0|4|FAS2240-2
        {N}.2.2.4.0|2|3
        {N}.2.4.2.0|2|0
        {N}.2.4.4.0|2|1
        {N}.2.4.5.0|4|Power supply 2 failed.
        {N}.2.5.1.0|2|2
        {N}.5.4.1.2.1|4|aggr0
        {N}.5.4.1.14.1|2|2
        {N}.5.4.1.15.1|2|-1401748464
        {N}.5.4.1.16.1|2|1
        {N}.5.4.1.17.1|2|-1076333444
        {N}.5.4.1.23.1|2|3
        {N}.5.4.1.2.2|4|/vol/vol0/
        {N}.5.4.1.3.2|2|158387408
        {N}.5.4.1.4.2|2|7600652
        {N}.5.4.1.23.2|2|2
        {N}.6.2.1.2.1.1.1|4|0c.00.3
        {N}.6.2.1.3.1.1.1|2|5
        {N}.6.2.1.19.1.1.1|2|1
        {N}.6.2.1.20.1.1.1|2|3
        {N}.6.3.1.2.1|4|0c.00.0
        {N}.6.3.1.3.1|2|3
        {N}.6.3.1.12.1|2|1
        {N}.6.3.1.13.1|2|0
        {N}.6.4.7.0|2|0
        {N}.6.4.10.0|4|
        {N}.21.1.2.1.2.1|2|3
        {N}.21.1.2.1.3.1|4|0c.shelf1
        {N}.21.1.2.1.10.1|2|24
        {N}.21.1.2.1.11.1|4|0, 3
        {N}.21.1.2.1.13.1|4|1, 2
        {N}.21.1.2.1.15.1|4|
        """
    )
    report = netapp.parse(snapshot, {})
    by_location = {c.location: c for c in report.components}
    assert by_location["Shelf 1"].health is Health.OK
    assert by_location["Shelf 1 Bay 3"].health is Health.OK and by_location["Shelf 1 Bay 3"].part.serial is None  # type: ignore[union-attr]
    assert by_location["Shelf 1 Bay 0"].health is Health.WARNING  # bypassed by the shelf
    assert by_location["Controller NVRAM"].health is Health.OK  # partially discharged: charging, not broken
    assert by_location["Controller PSUs"].health is Health.CRITICAL
    assert by_location["Controller PSUs"].reason == "Power supply 2 failed."
    assert by_location["Controller fans"].health is Health.OK
    total = (2 << 32) + (-1401748464 & 0xFFFFFFFF)
    used = (1 << 32) + (-1076333444 & 0xFFFFFFFF)
    assert [s.value for s in report.sensors] == [round(used * 100 / total, 1), round(7600652 * 100 / 158387408, 1)]
    assert report.alarms == ()


def test_a_failed_count_without_an_identifiable_disk_is_an_alarm_of_its_own() -> None:
    snapshot = Snapshot.from_snmprec(
        f"""
        {N}.1.5.0|4|FAS2750
        {N}.6.9.1.2.1|4|1.0.4
        {N}.6.9.1.3.1|2|1
        {N}.6.9.1.12.1|2|0
        {N}.6.9.1.13.1|2|4
        {N}.6.9.1.2.2|4|1.0.5
        {N}.6.9.1.3.2|2|1
        {N}.6.9.1.12.2|2|0
        {N}.6.9.1.13.2|2|5
        {N}.6.4.7.0|2|3
        {N}.6.4.10.0|4|3 disks are broken.
        """
    )
    report = netapp.parse(snapshot, {})
    found = faults(report)
    assert sorted((f.kind, f.location) for f in found) == [
        ("alarm", "diskFailedMessage"),
        ("disk", "Shelf 0 Bay 4"),
        ("disk", "Shelf 0 Bay 5"),
    ]


def test_a_shelf_the_controller_lost_is_critical_and_a_failed_iom_is_reported() -> None:
    snapshot = Snapshot.from_snmprec(
        f"""
        {N}.1.5.0|4|AFF A400
        {N}.21.1.2.1.2.1|2|4
        {N}.21.1.2.1.3.1|4|2
        {N}.21.1.2.1.31.1|4|1, 2
        {N}.21.1.2.1.33.1|4|2
        """
    )
    found = faults(netapp.parse(snapshot, {}))
    assert sorted((f.kind, f.location, f.health) for f in found) == [
        ("enclosure", "Shelf 2", Health.CRITICAL),
        ("module", "Shelf 2 IOM 2", Health.CRITICAL),
    ]


def test_an_empty_answer_is_an_empty_report_not_an_error() -> None:
    report = netapp.parse(Snapshot(), {})
    assert report.components == () and report.sensors == () and report.status is Health.OK
