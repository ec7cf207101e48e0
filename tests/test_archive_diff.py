"""The archive diff (dcmaint.domain.archive.diff) on realistic snapshots of a Dell PowerEdge R740.

The server has 2 PSUs, 24 DIMMs, a PERC H740P RAID controller and 8 disks, as
its iDRAC reports them; each test changes what a technician would change
(swap a disk, flash the BIOS, pull a DIMM) and checks that the diff says
exactly that, and nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dcmaint.domain.archive import (
    ArchiveContent,
    Change,
    ChangeKind,
    ManualFields,
    canonical,
    check_dates,
    diff,
    from_report,
)
from dcmaint.drivers import ArchiveSnapshot, Component, DeviceIdentity, DeviceReport, PartIdentity
from dcmaint.drivers.health import ComponentKind, Health

SLOTS = [f"DIMM.Socket.{side}{n}" for side in "AB" for n in range(1, 13)]


def _disk(bay: int, serial: str, firmware: str = "DSF3") -> Component:
    return Component(
        ComponentKind.DISK,
        f"Disk.Bay.{bay}",
        Health.OK,
        name=f"Physical Disk 0:1:{bay}",
        part=PartIdentity(
            manufacturer="TOSHIBA",
            model="AL15SEB120N",
            part_number="TW0DYTJD7262291Q0CDNA01",
            serial=serial,
            firmware=firmware,
            capacity_bytes=1_200_243_695_616,
        ),
    )


def r740(
    *,
    disks: dict[int, str] | None = None,
    bios: str = "2.12.2",
    dimms: list[str] | None = None,
    disk_firmware: dict[int, str] | None = None,
    raid_level: str = "RAID5",
) -> DeviceReport:
    """What the R740's iDRAC reports; the arguments change what a technician changed."""
    disks = disks or {bay: f"X9R0A0{bay}FTB4E" for bay in range(8)}
    disk_firmware = disk_firmware or {}
    components = [
        Component(
            ComponentKind.PSU,
            f"PSU.Slot.{n}",
            Health.OK,
            part=PartIdentity(
                manufacturer="DELL", model="PWR SPLY,750W,RDNT,LTON", part_number="0G24H2A03", serial=f"CNLOD0089{n}"
            ),
        )
        for n in (1, 2)
    ]
    components += [
        Component(
            ComponentKind.DIMM,
            slot,
            Health.OK,
            part=PartIdentity(
                manufacturer="Hynix Semiconductor",
                model="DDR4 DIMM",
                part_number="HMA84GR7CJR4N-XN",
                serial=f"3{index:07X}",
                capacity_bytes=34_359_738_368,
                speed_mhz=3200,
            ),
        )
        for index, slot in enumerate(SLOTS if dimms is None else dimms)
    ]
    components.append(
        Component(
            ComponentKind.CONTROLLER,
            "RAID.Integrated.1-1",
            Health.OK,
            name="PERC H740P Mini",
            part=PartIdentity(manufacturer="DELL", model="PERC H740P Mini", serial="19P006X", firmware="51.16.0-4076"),
        )
    )
    components += [_disk(bay, serial, disk_firmware.get(bay, "DSF3")) for bay, serial in sorted(disks.items())]
    components.append(Component(ComponentKind.DISK, "Disk.Bay.8", Health.ABSENT))  # an empty bay
    return DeviceReport(
        identity=DeviceIdentity(
            vendor="Dell Inc.",
            model="PowerEdge R740",
            serial="7XK2Q53",
            hostname="db01.bank.local",
            firmware={"BIOS": bios, "iDRAC": "6.10.30.00", "PERC H740P Mini": "51.16.0-4076"},
        ),
        components=components,
        archive=ArchiveSnapshot(
            raid={
                "RAID.Integrated.1-1": {
                    "Disk.Virtual.0": {"level": raid_level, "disks": [f"Disk.Bay.{b}" for b in range(8)]}
                }
            },
            system={"System.Embedded.1": {"bios_version": bios, "memory_gib": 768, "processors": 2}},
        ),
    )


MANUAL = ManualFields(room="A201", rack="R07", rack_unit="U12-U13", purchased=date(2023, 3, 1))


def content(report: DeviceReport, manual: ManualFields = MANUAL) -> ArchiveContent:
    return from_report(report, manual)


def test_a_server_reads_as_its_parts_by_slot_without_empty_bays_or_health():
    found = content(r740())
    kinds = [part.kind for part in found.parts]
    assert kinds.count("psu") == 2 and kinds.count("dimm") == 24 and kinds.count("disk") == 8
    assert kinds.count("controller") == 1
    assert "Disk.Bay.8" not in {part.location for part in found.parts}
    assert "health" not in canonical(found.as_json())
    assert found.firmware == {"BIOS": "2.12.2", "PERC H740P Mini": "51.16.0-4076", "iDRAC": "6.10.30.00"}
    assert found.identity["serial"] == "7XK2Q53"


def test_the_same_machine_polled_twice_has_the_same_hashes_and_no_changes():
    first, second = content(r740()), content(r740())
    assert first.content_hash == second.content_hash and first.polled_hash == second.polled_hash
    assert diff(first, second).empty


def test_a_health_change_is_not_a_configuration_change():
    healthy = r740()
    failing = replace(
        healthy,
        components=tuple(
            replace(c, health=Health.CRITICAL, reason="predictive failure") if c.location == "Disk.Bay.3" else c
            for c in healthy.components
        ),
    )
    assert content(healthy).polled_hash == content(failing).polled_hash


def test_a_disk_swap_shows_the_slot_with_old_and_new_serial():
    before = content(r740())
    disks = {bay: f"X9R0A0{bay}FTB4E" for bay in range(8)} | {3: "Y1S0A1NEWFTB4E"}
    after = content(r740(disks=disks))
    changes = diff(before, after).changes
    assert changes == (Change(ChangeKind.REPLACED, "disk Disk.Bay.3", "X9R0A03FTB4E", "Y1S0A1NEWFTB4E", "serial"),)
    assert changes[0].as_json() == {
        "kind": "replaced",
        "subject": "disk Disk.Bay.3",
        "field": "serial",
        "old": "X9R0A03FTB4E",
        "new": "Y1S0A1NEWFTB4E",
    }


def test_a_replacement_disk_with_newer_firmware_shows_both():
    before = content(r740())
    disks = {bay: f"X9R0A0{bay}FTB4E" for bay in range(8)} | {5: "NEW5"}
    after = content(r740(disks=disks, disk_firmware={5: "DSF4"}))
    kinds = [(c.kind, c.subject, c.old, c.new) for c in diff(before, after).changes]
    assert kinds == [
        (ChangeKind.REPLACED, "disk Disk.Bay.5", "X9R0A05FTB4E", "NEW5"),
        (ChangeKind.FIRMWARE, "disk Disk.Bay.5", "DSF3", "DSF4"),
    ]


def test_a_bios_update_shows_the_component_and_both_versions():
    found = diff(content(r740()), content(r740(bios="2.19.1")))
    assert found.counts() == {ChangeKind.FIRMWARE: 1, ChangeKind.SETTING: 1}
    firmware = [c for c in found.changes if c.kind is ChangeKind.FIRMWARE]
    assert firmware == [Change(ChangeKind.FIRMWARE, "BIOS", "2.12.2", "2.19.1")]
    setting = [c for c in found.changes if c.kind is ChangeKind.SETTING]
    assert setting[0].subject == "system.System.Embedded.1.bios_version"


def test_a_dimm_removed_shows_its_slot_and_what_it_was():
    without_b12 = [slot for slot in SLOTS if slot != "DIMM.Socket.B12"]
    found = diff(content(r740()), content(r740(dimms=without_b12)))
    assert len(found.changes) == 1
    change = found.changes[0]
    assert (change.kind, change.subject, change.new) == (ChangeKind.REMOVED, "dimm DIMM.Socket.B12", None)
    assert change.old == "DDR4 DIMM, P/N HMA84GR7CJR4N-XN, S/N 30000017"


def test_a_part_added_in_an_empty_bay():
    disks = {bay: f"X9R0A0{bay}FTB4E" for bay in range(8)} | {9: "EXTRA9"}
    found = diff(content(r740()), content(r740(disks=disks)))
    assert [(c.kind, c.subject) for c in found.changes] == [(ChangeKind.ADDED, "disk Disk.Bay.9")]
    assert "S/N EXTRA9" in (found.changes[0].new or "")


def test_a_raid_level_change_is_a_setting():
    found = diff(content(r740()), content(r740(raid_level="RAID6")))
    assert found.changes == (
        Change(ChangeKind.SETTING, "raid.RAID.Integrated.1-1.Disk.Virtual.0.level", "RAID5", "RAID6"),
    )


def test_changed_manual_fields_are_listed_by_field():
    report = r740()
    later = replace(MANUAL, rack="R09", warranty_until=date(2028, 3, 1), contacts=("张工 13800000000", "李工"))
    found = diff(content(report), content(report, later))
    assert [(c.kind, c.subject, c.old, c.new) for c in found.changes] == [
        (ChangeKind.MANUAL, "rack", "R07", "R09"),
        (ChangeKind.MANUAL, "warranty_until", None, "2028-03-01"),
        (ChangeKind.MANUAL, "contacts", None, "张工 13800000000; 李工"),
    ]
    assert content(report).polled_hash == content(report, later).polled_hash  # manual fields are not polled


def test_several_changes_come_in_reading_order():
    disks = {bay: f"X9R0A0{bay}FTB4E" for bay in range(8)} | {0: "NEW0"}
    found = diff(content(r740()), content(r740(disks=disks, bios="2.19.1", dimms=SLOTS[:-1])))
    assert list(found.counts()) == [ChangeKind.REPLACED, ChangeKind.REMOVED, ChangeKind.FIRMWARE, ChangeKind.SETTING]


def test_content_survives_its_json():
    original = content(r740(), replace(MANUAL, contacts=("张工",), backup_software="Veeam 12"))
    assert ArchiveContent.from_json(original.as_json()) == original
    assert ArchiveContent.from_json(original.as_json()).content_hash == original.content_hash


@pytest.mark.parametrize(
    ("purchased", "warranty", "problem"),
    [
        (date(2023, 3, 1), date(2026, 3, 1), None),
        (date(2027, 1, 1), None, "purchased"),
        (date(2023, 3, 1), date(2023, 3, 1), "warranty"),
        (date(2023, 3, 1), date(2022, 1, 1), "warranty"),
        (None, date(2022, 1, 1), None),
    ],
)
def test_dates_of_a_file(purchased, warranty, problem):
    assert check_dates(purchased, warranty, date(2026, 12, 5)) == problem


def test_the_device_file_has_the_same_words_in_both_languages():
    from dcmaint.forms.device_file import CODES, LABELS

    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert set(CODES["zh"]) == set(CODES["en"])
    assert set(CODES["zh"]["change"]) == {kind.value for kind in ChangeKind} == set(CODES["en"]["change"])
    assert set(CODES["zh"]["part"]) == {kind.value for kind in ComponentKind}
