"""NetApp ONTAP (clustered ONTAP 9 and 7-Mode) over SNMP: ``array-netapp``, from NETAPP-MIB (enterprise 789).

What the array says about itself, in the order this profile trusts it:

- disks: ``raidVTable`` (disks in RAID groups: active, reconstructing, prefailed, failed...), ``spareTable``
  (hot spares) and ``otherDiskTable`` (broken disks ONTAP has taken out of their RAID group), each with
  shelf and bay, serial, vendor, model and firmware; ``diskSummary`` counts them and ``diskFailedMessage``
  is the array's own sentence about failed disks (an alarm, folded into the failed disk's fault);
- shelves: ``enclTable`` lists per shelf the PSUs, fans and I/O modules ("electronics") present and failed;
- controllers: ``nodeTable`` (clustered ONTAP: node health, NVRAM battery, failed fan and PSU counts) or,
  on 7-Mode, the ``nvramBatteryStatus`` and ``env*`` scalars of the one head;
- capacity: ``dfTable`` rows of aggregates and volumes, in KB, as 64-bit counters (``df64*``) or, on older
  releases, as ``dfHigh*``/``dfLow*`` signed 32-bit halves;
- ``miscGlobalStatus``: the array's summary, used as the report's rollup.

Every OID is listed in docs/drivers/snmp-storage.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import (
    Alarm,
    ArchiveSnapshot,
    Component,
    ComponentKind,
    DeviceIdentity,
    DeviceReport,
    Health,
    PartIdentity,
    Sensor,
)
from dcmaint_snmp.profiles.base import Profile, answers, consumable
from dcmaint_snmp.profiles.storage.common import (
    MIB,
    capacity_sensor,
    capacity_thresholds,
    join_high_low,
    number_list,
    parse_int,
    used_percent,
)
from dcmaint_snmp.snapshot import SYS_NAME, Row, Snapshot

netapp1 = "1.3.6.1.4.1.789.1"
# product group
productVersion = f"{netapp1}.1.2.0"
productVendor = f"{netapp1}.1.4.0"
productModel = f"{netapp1}.1.5.0"
productFirmwareVersion = f"{netapp1}.1.6.0"
productSerialNum = f"{netapp1}.1.9.0"
# sysStat: misc, environment, nvram
miscGlobalStatus = f"{netapp1}.2.2.4.0"
miscGlobalStatusMessage = f"{netapp1}.2.2.25.0"
envFailedFanCount = f"{netapp1}.2.4.2.0"
envFailedFanMessage = f"{netapp1}.2.4.3.0"
envFailedPowerSupplyCount = f"{netapp1}.2.4.4.0"
envFailedPowerSupplyMessage = f"{netapp1}.2.4.5.0"
nvramBatteryStatus = f"{netapp1}.2.5.1.0"
# raid.diskSummary
diskTotalCount = f"{netapp1}.6.4.1.0"
diskActiveCount = f"{netapp1}.6.4.2.0"
diskReconstructingCount = f"{netapp1}.6.4.3.0"
diskFailedCount = f"{netapp1}.6.4.7.0"
diskSpareCount = f"{netapp1}.6.4.8.0"
diskFailedMessage = f"{netapp1}.6.4.10.0"
diskPrefailedCount = f"{netapp1}.6.4.11.0"

raidVEntry = f"{netapp1}.6.2.1"  # INDEX { raidVVol, raidVGroup, raidVIndex }
RAIDV_COLUMNS = {
    "raidVDiskName": 2,
    "raidVStatus": 3,
    "raidVTotalMb": 9,
    "raidVShelf": 19,
    "raidVBay": 20,
    "raidVPlexName": 24,
    "raidVDiskSerialNumber": 26,
    "raidVDiskVendor": 27,
    "raidVDiskModel": 28,
    "raidVDiskFirmwareRevision": 29,
    "raidVDiskRPM": 30,
    "raidVDiskType": 31,
}
spareEntry = f"{netapp1}.6.3.1"
SPARE_COLUMNS = {
    "spareDiskName": 2,
    "spareStatus": 3,
    "spareTotalMb": 7,
    "spareShelf": 12,
    "spareBay": 13,
    "sparePool": 14,
    "spareDiskSerialNumber": 16,
    "spareDiskVendor": 17,
    "spareDiskModel": 18,
    "spareDiskFirmwareRevision": 19,
    "spareDiskRPM": 20,
    "spareDiskType": 21,
}
otherDiskEntry = f"{netapp1}.6.9.1"
OTHER_COLUMNS = {
    "otherDiskDiskName": 2,
    "otherDiskStatus": 3,
    "otherDiskTotalMb": 7,
    "otherDiskShelf": 12,
    "otherDiskBay": 13,
    "otherDiskSerialNumber": 16,
    "otherDiskVendor": 17,
    "otherDiskModel": 18,
    "otherDiskFirmwareRevision": 19,
}
dfEntry = f"{netapp1}.5.4.1"
DF_COLUMNS = {
    "dfFileSys": 2,
    "dfKBytesTotal": 3,
    "dfKBytesUsed": 4,
    "dfPerCentKBytesCapacity": 6,
    "dfHighTotalKBytes": 14,
    "dfLowTotalKBytes": 15,
    "dfHighUsedKBytes": 16,
    "dfLowUsedKBytes": 17,
    "dfType": 23,
    "df64TotalKBytes": 29,
    "df64UsedKBytes": 30,
}
enclEntry = f"{netapp1}.21.1.2.1"
ENCL_COLUMNS = {
    "enclContactState": 2,
    "enclChannelShelfAddr": 3,
    "enclProductModel": 7,
    "enclProductSerialNo": 9,
    "enclNumberDiskBays": 10,
    "enclDisksPresent": 11,
    "enclPowerSuppliesPresent": 13,
    "enclPowerSuppliesSerialNos": 14,
    "enclPowerSuppliesFailed": 15,
    "enclFansPresent": 17,
    "enclFansFailed": 18,
    "enclElectronicsPresent": 31,
    "enclElectronicsFailed": 33,
}
nodeEntry = f"{netapp1}.25.2.1"  # clustered ONTAP, INDEX { nodeName }
NODE_COLUMNS = {
    "nodeName": 1,
    "nodeHealth": 11,
    "nodeNvramBatteryStatus": 17,
    "nodeEnvFailedFanCount": 19,
    "nodeEnvFailedPowerSupplyCount": 21,
}
SCALARS = (
    productVersion,
    productVendor,
    productModel,
    productFirmwareVersion,
    productSerialNum,
    miscGlobalStatus,
    miscGlobalStatusMessage,
    envFailedFanCount,
    envFailedFanMessage,
    envFailedPowerSupplyCount,
    envFailedPowerSupplyMessage,
    nvramBatteryStatus,
)
DISK_SUMMARY = f"{netapp1}.6.4"
TABLES = (DISK_SUMMARY, raidVEntry, spareEntry, otherDiskEntry, enclEntry, nodeEntry, dfEntry)

#: raidVStatus: routine parity verification and scrubbing are healthy; a reconstructing disk is not redundant yet.
RAID_STATUS = {
    1: (Health.OK, "active"),
    2: (Health.WARNING, "reconstruction in progress"),
    3: (Health.WARNING, "parity reconstruction in progress"),
    4: (Health.OK, "parity verification in progress"),
    5: (Health.OK, "scrubbing in progress"),
    6: (Health.CRITICAL, "failed"),
    7: (Health.OK, "adding spare"),
    8: (Health.OK, "spare"),
    9: (Health.WARNING, "prefailed (failure predicted)"),
    10: (Health.WARNING, "offline"),
}
SPARE_STATUS = {
    1: (Health.OK, "spare"),
    2: (Health.OK, "adding spare"),
    3: (Health.WARNING, "bypassed by the shelf"),
    4: (Health.UNKNOWN, "status unknown"),
    10: (Health.WARNING, "offline"),
}
OTHER_STATUS = {1: (Health.CRITICAL, "failed (broken)"), 2: (Health.WARNING, "bypassed by the shelf")}
#: nvramBatteryStatus / nodeNvramBatteryStatus: a battery charging after a power event is not a fault.
BATTERY_STATUS = {
    1: (Health.OK, "ok"),
    2: (Health.OK, "partially discharged"),
    3: (Health.CRITICAL, "fully discharged"),
    4: (Health.WARNING, "not present"),
    5: (Health.WARNING, "near end of life"),
    6: (Health.CRITICAL, "at end of life"),
    8: (Health.WARNING, "overcharged"),
    9: (Health.OK, "fully charged"),
}
#: enclContactState: a shelf being (re)discovered is not a fault; one the controller lost is.
CONTACT_STATE = {
    1: (Health.OK, "initializing"),
    2: (Health.OK, "transitioning"),
    3: (Health.OK, "active"),
    4: (Health.CRITICAL, "inactive: the controller lost contact with the shelf"),
    5: (Health.OK, "reconfiguring"),
    6: (Health.WARNING, "nonexistent"),
}
GLOBAL_STATUS = {3: Health.OK, 4: Health.WARNING, 5: Health.CRITICAL, 6: Health.CRITICAL}
VENDORS = {1: "NetApp", 2: "IBM", 3: "Dell", 4: "Lenovo", 5: "Fujitsu"}
AGGREGATE_TYPES = {3, 4}  # dfType aggregate(3), stripedAggregate(4)
NETAPP_PART = re.compile(r"X\d{3,4}[A-Z]?_\w+")  # NetApp's own disk part numbers, e.g. X425_HCBEP1T2A10


def _disk(row: Row, prefix: str, names: dict[str, str], statuses: Mapping[int, tuple[Health, str]]) -> Component:
    """One disk row of raidVTable, spareTable or otherDiskTable (``names`` maps the shared meaning to columns)."""
    health, reason = statuses.get(row.integer(names["status"]) or 0, (Health.UNKNOWN, "no status reported"))
    disk_name = row.text(names["name"])
    shelf, bay = row.integer(names["shelf"]), row.integer(names["bay"])
    if shelf is not None and bay is not None and shelf >= 0 and bay >= 0:
        location = f"Shelf {shelf} Bay {bay}"
    else:
        location = f"Disk {disk_name or row.index}"
    model = row.text(names["model"])
    size = row.integer(names["size"])
    kind = row.text(names["type"]) if "type" in names else None
    part = PartIdentity(
        manufacturer=row.text(names["vendor"]),
        model=model,
        part_number=model if model and NETAPP_PART.fullmatch(model) else None,
        serial=row.text(names["serial"]),
        firmware=row.text(names["firmware"]),
        capacity_bytes=size * MIB if size and size > 0 else None,
        rpm=(parse_int(row.text(names["rpm"])) or None) if "rpm" in names else None,
        attributes={"role": prefix, **({"interface": kind} if kind else {})},
    )
    return Component(ComponentKind.DISK, location, health, None if health is Health.OK else reason, disk_name, part)


def _columns(prefix: str, **special: str) -> dict[str, str]:
    names = {key: f"{prefix}Disk{key.capitalize()}" for key in ("vendor", "model", "type")}
    names.update(rpm=f"{prefix}DiskRPM", serial=f"{prefix}DiskSerialNumber", firmware=f"{prefix}DiskFirmwareRevision")
    names.update(special)
    return names


RAIDV_NAMES = _columns("raidV", name="raidVDiskName", status="raidVStatus", shelf="raidVShelf", bay="raidVBay",
                       size="raidVTotalMb")  # fmt: skip
SPARE_NAMES = _columns("spare", name="spareDiskName", status="spareStatus", shelf="spareShelf", bay="spareBay",
                       size="spareTotalMb")  # fmt: skip
OTHER_NAMES = {
    "name": "otherDiskDiskName", "status": "otherDiskStatus", "shelf": "otherDiskShelf", "bay": "otherDiskBay",
    "size": "otherDiskTotalMb", "serial": "otherDiskSerialNumber", "vendor": "otherDiskVendor",
    "model": "otherDiskModel", "firmware": "otherDiskFirmwareRevision",
}  # fmt: skip


def _disks(snapshot: Snapshot) -> list[Component]:
    disks = [_disk(row, "member", RAIDV_NAMES, RAID_STATUS) for row in snapshot.rows(raidVEntry, RAIDV_COLUMNS)]
    disks += [_disk(row, "spare", SPARE_NAMES, SPARE_STATUS) for row in snapshot.rows(spareEntry, SPARE_COLUMNS)]
    disks += [_disk(row, "other", OTHER_NAMES, OTHER_STATUS) for row in snapshot.rows(otherDiskEntry, OTHER_COLUMNS)]
    return disks


def shelf_label(address: str | None, index: str) -> str:
    """``Shelf 1`` from ``enclChannelShelfAddr`` (``"1"``, ``"0c.shelf1"``); the raw address otherwise.

    >>> shelf_label("0c.shelf1", "1"), shelf_label("2", "2"), shelf_label("1.10", "3"), shelf_label(None, "4")
    ('Shelf 1', 'Shelf 2', 'Shelf 1.10', 'Shelf 4')
    """
    if not address:
        return f"Shelf {index}"
    found = re.fullmatch(r"(?:.*\bshelf)?\s*(\d+)", address.strip(), re.IGNORECASE)
    return f"Shelf {found.group(1) if found else address.strip()}"


def _shelf(row: Row) -> list[Component]:
    """A shelf and, from its present/failed lists, its PSUs, fans and I/O modules."""
    shelf = shelf_label(row.text("enclChannelShelfAddr"), row.index)
    health, reason = CONTACT_STATE.get(row.integer("enclContactState") or 0, (Health.UNKNOWN, "no state reported"))
    part = PartIdentity(model=row.text("enclProductModel"), serial=row.text("enclProductSerialNo"))
    found = [Component(ComponentKind.ENCLOSURE, shelf, health, None if health is Health.OK else reason, "Shelf", part)]
    serials = number_list(row.text("enclPowerSuppliesSerialNos"))
    for kind, present, failed, label in (
        (ComponentKind.PSU, "enclPowerSuppliesPresent", "enclPowerSuppliesFailed", "PSU"),
        (ComponentKind.FAN, "enclFansPresent", "enclFansFailed", "Fan"),
        (ComponentKind.MODULE, "enclElectronicsPresent", "enclElectronicsFailed", "IOM"),
    ):
        broken = number_list(row.text(failed))
        fitted = number_list(row.text(present))
        for position, number in enumerate([*fitted, *(n for n in broken if n not in fitted)]):
            serial = serials[position] if kind is ComponentKind.PSU and position < len(serials) else None
            is_broken = number in broken
            found.append(
                Component(
                    kind,
                    f"{shelf} {label} {number}",
                    Health.CRITICAL if is_broken else Health.OK,
                    "failed (listed by the shelf)" if is_broken else None,
                    "Shelf I/O module" if kind is ComponentKind.MODULE else None,
                    PartIdentity(serial=serial) if serial else None,
                )
            )
    return found


def _count_part(kind: ComponentKind, location: str, count: int | None, message: str | None) -> Component | None:
    """A controller's fans or PSUs as one part, from a failed-count the array gives (no count: not reported)."""
    if count is None or count < 0:
        return None
    if count == 0:
        return Component(kind, location, Health.OK)
    return Component(kind, location, Health.CRITICAL, message or f"{count} failed")


def _battery(location: str, code: int | None) -> Component | None:
    if code is None:
        return None
    health, reason = BATTERY_STATUS.get(code, (Health.UNKNOWN, "status unknown"))
    return consumable(ComponentKind.BATTERY, location, health, None if health is Health.OK else reason,
                      name="NVRAM battery")  # fmt: skip


def _controllers(snapshot: Snapshot) -> list[Component]:
    """Clustered ONTAP nodes from nodeTable; on 7-Mode (no nodeTable) the head's scalars."""
    found: list[Component | None] = []
    nodes = snapshot.rows(nodeEntry, NODE_COLUMNS)
    for row in nodes:
        node = row.text("nodeName") or row.index
        health = {1: Health.OK, 0: Health.CRITICAL}.get(row.integer("nodeHealth"), Health.UNKNOWN)  # type: ignore[arg-type]
        reason = {Health.CRITICAL: "cluster communication lost", Health.UNKNOWN: "no health reported"}.get(health)
        found.append(Component(ComponentKind.CONTROLLER, f"Node {node}", health, reason, "ONTAP node"))
        found.append(_battery(f"Node {node} NVRAM", row.integer("nodeNvramBatteryStatus")))
        found.append(_count_part(ComponentKind.FAN, f"Node {node} fans", row.integer("nodeEnvFailedFanCount"), None))
        found.append(_count_part(ComponentKind.PSU, f"Node {node} PSUs",
                                 row.integer("nodeEnvFailedPowerSupplyCount"), None))  # fmt: skip
    if not nodes:
        found.append(_battery("Controller NVRAM", snapshot.integer(nvramBatteryStatus)))
        found.append(_count_part(ComponentKind.FAN, "Controller fans", snapshot.integer(envFailedFanCount),
                                 snapshot.text(envFailedFanMessage)))  # fmt: skip
        found.append(_count_part(ComponentKind.PSU, "Controller PSUs", snapshot.integer(envFailedPowerSupplyCount),
                                 snapshot.text(envFailedPowerSupplyMessage)))  # fmt: skip
    return [item for item in found if item is not None]


def _failed_disk_alarm(snapshot: Snapshot, disks: list[Component]) -> list[Alarm]:
    """``diskFailedMessage`` while ``diskFailedCount`` is above 0, naming the failed disk it restates (by disk
    name or serial, or the only failed disk) so that the core folds it into that disk's one fault."""
    count = snapshot.integer(diskFailedCount)
    if not count or count < 0:
        return []
    message = snapshot.text(diskFailedMessage) or f"{count} failed disk(s)"
    failed = [disk for disk in disks if disk.health is Health.CRITICAL]
    named = [
        disk for disk in failed
        if any(key and key in message for key in (disk.name, disk.part.serial if disk.part else None))
    ]  # fmt: skip
    about = named if len(named) == 1 else failed if len(failed) == 1 else []
    return [Alarm(message, Health.CRITICAL, code="diskFailedMessage", source=about[0].location if about else None,
                  component=about[0].ref if about else None)]  # fmt: skip


def _capacity(row: Row) -> tuple[int | None, int | None]:
    """Total and used KB: the 64-bit columns, else the high/low halves, else the (old) 32-bit columns."""
    total, used = row.integer("df64TotalKBytes"), row.integer("df64UsedKBytes")
    if total is not None and used is not None:
        return total, used
    total = join_high_low(row.integer("dfHighTotalKBytes"), row.integer("dfLowTotalKBytes"))
    used = join_high_low(row.integer("dfHighUsedKBytes"), row.integer("dfLowUsedKBytes"))
    if total is not None and used is not None:
        return total, used
    return join_high_low(0, row.integer("dfKBytesTotal")), join_high_low(0, row.integer("dfKBytesUsed"))


def _space(snapshot: Snapshot, options: Mapping[str, str]) -> list[Sensor]:
    """Aggregates (``pool_*`` thresholds) and volumes (``volume_*``) as ``%`` used; snapshot reserves are
    skipped (they run over 100 % by design)."""
    pools = capacity_thresholds(options, "pool", 85.0, 95.0)
    volumes = capacity_thresholds(options, "volume", 90.0, 98.0)
    sensors = []
    for row in snapshot.rows(dfEntry, DF_COLUMNS):
        name = row.text("dfFileSys") or row.index
        if ".snapshot" in name:
            continue
        total, used = _capacity(row)
        percent = used_percent(used, total)
        if percent is None:
            percent = row.integer("dfPerCentKBytesCapacity")
        aggregate = row.integer("dfType") in AGGREGATE_TYPES
        label = f"Aggregate {name} used" if aggregate else f"Volume {name} used"
        sensors.append(capacity_sensor(label, percent, pools if aggregate else volumes, Health.UNKNOWN))
    return sensors


def _archive(snapshot: Snapshot) -> ArchiveSnapshot:
    shelves = {
        shelf_label(row.text("enclChannelShelfAddr"), row.index): {
            "model": row.text("enclProductModel"),
            "bays": row.integer("enclNumberDiskBays"),
            "disks_present": number_list(row.text("enclDisksPresent")),
        }
        for row in snapshot.rows(enclEntry, ENCL_COLUMNS)
    }
    summary = {
        name: snapshot.integer(oid)
        for name, oid in (
            ("total", diskTotalCount),
            ("active", diskActiveCount),
            ("reconstructing", diskReconstructingCount),
            ("failed", diskFailedCount),
            ("spare", diskSpareCount),
            ("prefailed", diskPrefailedCount),
        )
    }
    return ArchiveSnapshot(
        hardware={"shelves": shelves, "disks": summary},
        system={"profile": "array-netapp", "global_status": snapshot.text(miscGlobalStatusMessage)},
        firmware={"ONTAP": snapshot.text(productVersion), "firmware": snapshot.text(productFirmwareVersion)},
    )


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    """What an ONTAP system answered, as a report (see the module docstring for what is trusted how)."""
    disks = _disks(snapshot)
    shelves = [part for row in snapshot.rows(enclEntry, ENCL_COLUMNS) for part in _shelf(row)]
    firmware = {
        name: text
        for name, text in (
            ("ONTAP", snapshot.text(productVersion)),
            ("firmware", snapshot.text(productFirmwareVersion)),
        )
        if text
    }
    return DeviceReport(
        identity=DeviceIdentity(
            vendor=VENDORS.get(snapshot.integer(productVendor) or 1, "NetApp"),
            model=snapshot.text(productModel),
            serial=snapshot.text(productSerialNum),
            firmware=firmware,
            hostname=snapshot.text(SYS_NAME),
        ),
        components=[*_controllers(snapshot), *shelves, *disks],
        sensors=_space(snapshot, options),
        alarms=_failed_disk_alarm(snapshot, disks),
        archive=_archive(snapshot),
        rollup=GLOBAL_STATUS.get(snapshot.integer(miscGlobalStatus)),  # type: ignore[arg-type]
    )


def identifies(snapshot: Snapshot) -> bool:
    """ONTAP answers NETAPP-MIB's product group; sysObjectID under enterprise 789 alone is not enough
    (a NetApp-branded switch or an E-Series array does not carry NETAPP-MIB)."""
    return answers(snapshot, productModel, productVersion)


PROFILE = Profile(
    name="array-netapp",
    kind=DeviceKind.STORAGE,
    description="NetApp ONTAP (clustered and 7-Mode) FAS/AFF systems (NETAPP-MIB)",
    probe=(productModel, productVersion),
    identifies=identifies,
    scalars=SCALARS,
    walks=TABLES,
    parse=parse,
)
