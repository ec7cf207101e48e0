"""A simulated NetApp FAS8200 two-node ONTAP 9 cluster (``array-netapp``), written from NETAPP-MIB, not a recording.

Two DS224C shelves of 24 bays, partly filled (empty bays are normal):
shelf 1 bays 0-10 in aggr1, bay 11 a hot spare; shelf 2 bays 0-7 (SSD) in aggr2.
Capacity is served both as 64-bit ``df64*`` counters and as the older
``dfHigh*``/``dfLow*`` halves (the low half wraps negative, as agents send it);
a volume's snapshot reserve runs over 100 %, as it may.

Fault targets (docs/drivers/snmp-storage.md):

- ``disk:N=failed|rebuild|predicted``: disk N (1-11 shelf 1 bays 0-10, 12 the spare in shelf 1 bay 11,
  13-20 shelf 2 bays 0-7); ``failed`` (default) moves it to otherDiskTable as broken, with diskFailedCount
  and diskFailedMessage; ``rebuild`` reconstructing; ``predicted`` prefailed;
- ``controller:N`` (node 1-2): node health false; ``battery:N``: node N's NVRAM battery at end of life
  (``=near``: near end of life); ``psu:N`` (1-2 shelf 1, 3-4 shelf 2) and ``fan:N`` (1-4 shelf 1, 5-8 shelf 2):
  listed as failed by their shelf;
- ``pool:N=PERCENT``: aggregate N (1 aggr1, 2 aggr2) used to PERCENT % (default 97).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dcmaint_snmp.profiles.base import Sample
from dcmaint_snmp.profiles.storage import netapp as na
from dcmaint_snmp.profiles.storage.common import (
    Wanted,
    counter64,
    fault_at,
    integer,
    octets,
    string_index,
    system_group,
    table,
    wanted,
)
from dcmaint_snmp.snapshot import Snapshot, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

ACTIVE, RECONSTRUCTING, PREFAILED, SPARE, BROKEN = 1, 2, 9, 1, 1
NODES = ("cluster1-01", "cluster1-02")


@dataclass(frozen=True)
class Disk:
    shelf: int
    bay: int
    model: str
    kind: str
    rpm: str
    size_mb: int
    aggregate: int  # 0: spare

    @property
    def name(self) -> str:
        return f"1.{self.shelf}.{self.bay}"

    @property
    def serial(self) -> str:
        return f"PNJ{self.shelf}{self.bay:02d}K7A"


DISKS = [
    *(Disk(1, bay, "X425_HCBEP1T2A10", "SAS", "10000", 1_142_352, 1) for bay in range(11)),
    Disk(1, 11, "X425_HCBEP1T2A10", "SAS", "10000", 1_142_352, 0),
    *(Disk(2, bay, "X357_S16433T8ATE", "SSD", "-", 3_662_830, 2) for bay in range(8)),
]
AGGREGATES = [("aggr1", 9_000_000_000, 62.0), ("aggr2", 21_000_000_000, 48.0)]  # name, total KB, % used


def _disk_columns(disk: Disk, status: int, columns: dict[str, int], prefix: str) -> dict[int, Value]:
    names = {
        "DiskName": octets(disk.name),
        "Status": integer(status),
        "TotalMb": integer(disk.size_mb),
        "Shelf": integer(disk.shelf),
        "Bay": integer(disk.bay),
        "DiskSerialNumber": octets(disk.serial),
        "DiskVendor": octets("NETAPP  "),  # padded, as the disk's inquiry data is
        "DiskModel": octets(disk.model),
        "DiskFirmwareRevision": octets("NA02"),
        "DiskRPM": octets(disk.rpm),
        "DiskType": octets(disk.kind),
    }
    if prefix == "otherDisk":
        names = {key.removeprefix("Disk") if key in ("DiskSerialNumber", "DiskVendor", "DiskModel",
                 "DiskFirmwareRevision") else key: value for key, value in names.items()}  # fmt: skip
    return {columns[prefix + key]: value for key, value in names.items() if prefix + key in columns}


def _disks(faults: Sequence[FaultSpec]) -> tuple[dict[str, Value], list[Disk]]:
    asked = wanted(faults, "disk")
    values: dict[str, Value] = {}
    broken: list[Disk] = []
    for number, disk in enumerate(DISKS, start=1):
        fault: Wanted | None = fault_at(asked, number)
        how = (fault.value or "failed").lower() if fault else None
        if how not in (None, "rebuild", "predicted"):
            broken.append(disk)
            columns = _disk_columns(disk, BROKEN, na.OTHER_COLUMNS, "otherDisk")
            values.update(table(na.otherDiskEntry, str(len(broken)), columns))
        elif disk.aggregate == 0 and how is None:
            values.update(table(na.spareEntry, "1", _disk_columns(disk, SPARE, na.SPARE_COLUMNS, "spare")))
        else:
            status = {None: ACTIVE, "rebuild": RECONSTRUCTING, "predicted": PREFAILED}[how]
            columns = _disk_columns(disk, status, na.RAIDV_COLUMNS, "raidV")
            columns[na.RAIDV_COLUMNS["raidVPlexName"]] = octets(f"/aggr{disk.aggregate or 1}/plex0")
            values.update(table(na.raidVEntry, f"{disk.aggregate or 1}.1.{number}", columns))
    return values, broken


def _summary(broken: list[Disk], faults: Sequence[FaultSpec]) -> dict[str, Value]:
    how = {(item.value or "failed").lower() for item in wanted(faults, "disk")}
    message = " ".join(f"Disk {disk.name} (S/N {disk.serial}) is broken." for disk in broken)
    return {
        na.diskTotalCount: integer(len(DISKS)),
        na.diskActiveCount: integer(len(DISKS) - 1 - len(broken)),
        na.diskReconstructingCount: integer(int("rebuild" in how)),
        f"{na.DISK_SUMMARY}.4.0": integer(0),  # diskReconstructingParityCount
        f"{na.DISK_SUMMARY}.5.0": integer(0),  # diskVerifyingParityCount
        f"{na.DISK_SUMMARY}.6.0": integer(0),  # diskScrubbingCount
        na.diskFailedCount: integer(len(broken)),
        na.diskSpareCount: integer(1),
        f"{na.DISK_SUMMARY}.9.0": integer(0),  # diskAddingSpareCount
        na.diskFailedMessage: octets(message),
        na.diskPrefailedCount: integer(int("predicted" in how)),
    }


def _shelves(faults: Sequence[FaultSpec]) -> dict[str, Value]:
    psus, fans = wanted(faults, "psu"), wanted(faults, "fan")
    values: dict[str, Value] = {}
    for shelf in (1, 2):
        failed_psus = [str(n) for n in (1, 2) if fault_at(psus, (shelf - 1) * 2 + n)]
        failed_fans = [str(n) for n in (1, 2, 3, 4) if fault_at(fans, (shelf - 1) * 4 + n)]
        bays = [str(disk.bay) for disk in DISKS if disk.shelf == shelf]
        columns = {
            2: integer(3),  # active
            3: octets(str(shelf)),
            7: octets("DS224-12"),
            9: octets(f"SHFMS18400{shelf:04d}"),
            10: integer(24),
            11: octets(", ".join(bays)),
            13: octets("1, 2"),
            14: octets(f"XXT18{shelf}0001, XXT18{shelf}0002"),
            15: octets(", ".join(failed_psus)),
            17: octets("1, 2, 3, 4"),
            18: octets(", ".join(failed_fans)),
            31: octets("1, 2"),
            33: octets(""),
        }
        values.update(table(na.enclEntry, str(shelf), columns))
    return values


def _nodes(faults: Sequence[FaultSpec]) -> dict[str, Value]:
    controllers, batteries = wanted(faults, "controller"), wanted(faults, "battery")
    values: dict[str, Value] = {}
    for number, node in enumerate(NODES, start=1):
        battery = fault_at(batteries, number)
        nvram = 9 if battery is None else 5 if (battery.value or "").lower() == "near" else 6
        columns = {
            1: octets(node),
            11: integer(0 if fault_at(controllers, number) else 1),
            17: integer(nvram),
            19: integer(0),
            21: integer(0),
        }
        values.update(table(na.nodeEntry, string_index(node), columns))
    return values


def _df_row(index: int, name: str, kind: int, total: int, used: int) -> dict[str, Value]:
    def low(number: int) -> int:  # Integer32 as the agent sends it: the low 32 bits, signed
        bits = number & 0xFFFFFFFF
        return bits - (1 << 32) if bits >= 1 << 31 else bits

    columns = {
        2: octets(name),
        3: integer(low(total)),
        4: integer(low(used)),
        6: integer(min(100, round(used * 100 / total))) if total else integer(0),
        14: integer(total >> 32),
        15: integer(low(total)),
        16: integer(used >> 32),
        17: integer(low(used)),
        23: integer(kind),
        29: counter64(total),
        30: counter64(used),
    }
    return table(na.dfEntry, str(index), columns)


def _space(faults: Sequence[FaultSpec]) -> dict[str, Value]:
    asked = wanted(faults, "pool")
    values: dict[str, Value] = {}
    for number, (name, total, percent) in enumerate(AGGREGATES, start=1):
        fault = fault_at(asked, number)
        if fault is not None:
            percent = _percent(fault.value)
        values.update(_df_row(number, name, 3, total, round(total * percent / 100)))
    values.update(_df_row(3, "/vol/vol_data/", 2, 4_000_000_000, 2_840_000_000))
    values.update(_df_row(4, "/vol/vol_data/.snapshot", 2, 200_000_000, 260_000_000))
    return values


def _percent(value: str | None) -> float:
    try:
        return min(100.0, max(0.0, float(value))) if value is not None else 97.0
    except ValueError:
        return 97.0


def build(faults: Sequence[FaultSpec]) -> Snapshot:
    """The whole agent: system group, product and status scalars and the NETAPP-MIB tables, ``faults`` applied."""
    disks, broken = _disks(faults)
    hardware = any(spec.target in ("disk", "controller", "battery", "psu", "fan") for spec in faults)
    values: dict[str, Value] = {
        **system_group("NetApp Release 9.12.1P4: Tue Jun 06 2023", "1.3.6.1.4.1.789.2.5", "cluster1"),
        na.productVersion: octets("NetApp Release 9.12.1P4"),
        na.productVendor: integer(1),
        na.productModel: octets("FAS8200"),
        na.productFirmwareVersion: octets("11.7"),
        na.productSerialNum: octets("721826000123"),
        na.miscGlobalStatus: integer(4 if hardware else 3),
        na.miscGlobalStatusMessage: octets(
            "The system's global status is degraded." if hardware else "The system's global status is normal."
        ),
        **disks,
        **_summary(broken, faults),
        **_shelves(faults),
        **_nodes(faults),
        **_space(faults),
    }
    return Snapshot(values)


SAMPLE = Sample(
    profile="array-netapp",
    prefix="array",
    targets=("disk", "controller", "battery", "psu", "fan", "pool"),
    build=build,
)
