"""A simulated Huawei OceanStor 5300 V5 (``array-huawei``), written from the MIB definitions, not a recording.

One controller enclosure CTE0 (controllers A and B, a BBU each, two PSUs,
two fans, disks in slots 0-9, slot 9 a hot spare) and one disk enclosure
DAE010 (two PSUs, two fans, disks in slots 0-3); two storage pools, the
second named in Chinese and served GB18030-encoded as Chinese firmware does.

Fault targets (docs/drivers/snmp-storage.md):

- ``disk:N=failed|rebuild|predicted``: the N-th disk (1-10 CTE0 slots 0-9, 11-14 DAE010 slots 0-3);
  ``failed`` (default) health fault + offline, ``rebuild`` online but reconstructing, ``predicted`` pre-fail;
- ``controller:N`` (1 A, 2 B), ``battery:N`` (BBU 1-2; ``=low`` for low battery), ``psu:N`` (1-4), ``fan:N``
  (1-4): health fault;
- ``pool:N=PERCENT``: pool N (1-2) used to PERCENT % (default 97).

Any hardware fault also turns the ``status`` scalar to degraded, as the array's summary does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dcmaint_snmp.profiles.base import Sample
from dcmaint_snmp.profiles.storage import huawei as hw
from dcmaint_snmp.profiles.storage.common import (
    counter64,
    fault_at,
    gauge,
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

NORMAL, FAULT, PRE_FAIL, LOW_BATTERY, DEGRADED = 1, 2, 3, 12, 5
ONLINE, RUNNING, OFFLINE, RECONSTRUCTION = 27, 2, 28, 16
POOL_TOTAL_MB = 38_146_972  # about 36 TiB

#: (enclosure, slot, role, model, manufacturer, serial, capacity MB, rpm, type)
DISKS = [
    *(("CTE0", slot, 2, "ST1200MM0129", "SEAGATE", f"WFK0{slot:02d}A1", 1_144_641, 10_000, 1) for slot in range(9)),
    ("CTE0", 9, 3, "ST1200MM0129", "SEAGATE", "WFK009A1", 1_144_641, 10_000, 1),
    *(("DAE010", slot, 2, "HUS726T4TAL5204", "HGST", f"V6G1{slot:02d}KP", 3_815_447, 7_200, 4) for slot in range(4)),
]
CONTROLLERS = [("0A", "CTE0.A"), ("0B", "CTE0.B")]
BBUS = [("0A.0", "CTE0.A.BBU"), ("0B.0", "CTE0.B.BBU")]
PSUS = [("0.0", "CTE0.PSU0"), ("0.1", "CTE0.PSU1"), ("1.0", "DAE010.PSU0"), ("1.1", "DAE010.PSU1")]
FANS = [("0.0", "CTE0.FAN0"), ("0.1", "CTE0.FAN1"), ("1.0", "DAE010.FAN0"), ("1.1", "DAE010.FAN1")]
POOLS = [("0", "StoragePool001", "utf-8", 58.0), ("1", "存储池02", "gb18030", 41.5)]


def _label(board: str, barcode: str, item: str, description: str) -> Value:
    text = f"[Board Properties]\r\nBoardType={board}\r\nBarCode={barcode}\r\nItem={item}\r\n"
    return octets(text + f"Description={description}\r\nVendorName=Huawei\r\n")


def _disks(faults: Sequence[FaultSpec]) -> dict[str, Value]:
    asked = wanted(faults, "disk")
    values: dict[str, Value] = {}
    for number, (enclosure, slot, role, model, maker, serial, mb, rpm, kind) in enumerate(DISKS, start=1):
        health, running = NORMAL, ONLINE
        fault = fault_at(asked, number)
        if fault is not None:
            health, running = {
                "rebuild": (NORMAL, RECONSTRUCTION),
                "predicted": (PRE_FAIL, ONLINE),
            }.get((fault.value or "failed").lower(), (FAULT, OFFLINE))
        disk_id = str(number - 1)
        columns = {
            1: octets(disk_id),
            2: gauge(health),
            3: gauge(running),
            4: octets(f"{enclosure}.{slot}"),
            5: gauge(kind),
            6: counter64(mb),
            7: gauge(role),
            8: gauge(rpm),
            11: integer(31),  # hwInfoDiskTemperature, Cel
            12: octets(model.ljust(20)),  # agents pad fixed-size fields
            13: octets("N004"),
            14: octets(maker),
            15: octets(serial),
        }
        values.update(table(hw.hwInfoDiskEntry, string_index(disk_id), columns))
    return values


def _parts(faults: Sequence[FaultSpec]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for target, entry, rows, running in (
        ("controller", hw.hwInfoControllerEntry, CONTROLLERS, ONLINE),
        ("battery", hw.hwInfoBBUEntry, BBUS, ONLINE),
        ("psu", hw.hwInfoPowerEntry, PSUS, ONLINE),
        ("fan", hw.hwInfoFanEntry, FANS, RUNNING),
    ):
        asked = wanted(faults, target)
        for number, (part_id, location) in enumerate(rows, start=1):
            fault = fault_at(asked, number)
            health = NORMAL if fault is None else LOW_BATTERY if (fault.value or "").lower() == "low" else FAULT
            values.update(table(entry, string_index(part_id), _columns(target, part_id, location, health, running)))
    return values


def _columns(target: str, part_id: str, location: str, health: int, running: int) -> dict[int, Value]:
    """A row of the controller, BBU, power or fan table (their ID, location, health and running columns differ)."""
    serial = "2102" + "".join(ch for ch in location if ch.isalnum()).upper().ljust(16, "0")[:16]
    if target == "controller":
        label = _label("STL6SPCE01", f"210235{part_id}H5000123", "02353PCE", "OceanStor 5300 V5 controller")
        return {1: octets(part_id), 2: gauge(health), 3: gauge(running), 5: octets(location), 6: gauge(1),
                11: octets("V500R007C60SPC300"), 17: label}  # fmt: skip
    if target == "battery":
        label = _label("BBU-3.0", serial, "02312AYA", "Backup battery unit")
        return {1: octets(part_id), 2: octets(location), 3: gauge(health), 4: gauge(running), 8: octets("1.21"),
                11: label}  # fmt: skip
    if target == "psu":
        return {1: octets(part_id), 2: octets(location), 3: gauge(health), 4: gauge(running), 6: octets("Huawei"),
                7: octets("PAC800S12-B1"), 8: octets("1.07"), 10: octets(serial)}  # fmt: skip
    label = _label("FAN-MODULE", serial, "02311KPA", "Fan module")
    return {1: octets(part_id), 2: octets(location), 3: gauge(health), 4: gauge(running), 6: label}


def _enclosures() -> dict[str, Value]:
    values: dict[str, Value] = {}
    for enclosure_id, name, serial in (("0", "CTE0", "2102351QLH10K9000001"), ("1", "DAE010", "2102351QLJ10K9000077")):
        columns = {1: octets(enclosure_id), 2: octets(name), 4: gauge(NORMAL), 5: gauge(ONLINE), 6: octets(name),
                   9: octets(serial)}  # fmt: skip
        values.update(table(hw.hwInfoEnclosureEntry, string_index(enclosure_id), columns))
    return values


def _pools(faults: Sequence[FaultSpec]) -> dict[str, Value]:
    asked = wanted(faults, "pool")
    values: dict[str, Value] = {}
    for number, (pool_id, name, encoding, percent) in enumerate(POOLS, start=1):
        fault = fault_at(asked, number)
        if fault is not None:
            percent = _percent(fault.value)
        free = round(POOL_TOTAL_MB * (100.0 - percent) / 100.0)
        columns = {
            1: octets(pool_id),
            2: octets(name, encoding),
            4: octets("DiskDomain001"),
            5: gauge(NORMAL),
            6: gauge(ONLINE),
            7: counter64(POOL_TOTAL_MB),
            8: counter64(POOL_TOTAL_MB - free),
            9: counter64(free),
            14: gauge(80),
        }
        values.update(table(hw.hwInfoStoragePoolEntry, string_index(pool_id), columns))
    return values


def _percent(value: str | None) -> float:
    """``pool:N=PERCENT``: a number from 0 to 100, 97 when missing or not a number."""
    try:
        return min(100.0, max(0.0, float(value))) if value is not None else 97.0
    except ValueError:
        return 97.0


def build(faults: Sequence[FaultSpec]) -> Snapshot:
    """The whole agent: system group, ISM ``common`` scalars and the hwInfo tables, with ``faults`` applied."""
    broken = any(spec.target in ("disk", "controller", "battery", "psu", "fan") for spec in faults)
    values: dict[str, Value] = {
        **system_group("Huawei OceanStor 5300 V5", "1.3.6.1.4.1.2011.2.91", "oceanstor-a1"),
        hw.deviceId: octets("2102351QLH10K9000001"),
        hw.deviceType: integer(57),
        hw.status: gauge(DEGRADED if broken else NORMAL),
        hw.usedCapacity: counter64(round(POOL_TOTAL_MB * 0.5)),
        hw.totalCapacity: counter64(POOL_TOTAL_MB * 2),
        hw.version: octets("V500R007C60SPC300"),
    }
    values.update(_disks(faults))
    values.update(_parts(faults))
    values.update(_enclosures())
    values.update(_pools(faults))
    return Snapshot(values)


SAMPLE = Sample(
    profile="array-huawei",
    prefix="array",
    targets=("disk", "controller", "battery", "psu", "fan", "pool"),
    build=build,
)
