"""Huawei OceanStor (V3, V5, Dorado) over SNMP: ``array-huawei``.

OceanStor answers with sysObjectID ``1.3.6.1.4.1.2011.2.91`` (Huawei's
enterprise 2011), but its storage objects live under Huawei's storage arc,
enterprise 34774: ISM-STORAGE-SVC-MIB (the ``common`` group: device serial,
status, capacity, version) and HUAWEI-STORAGE-HARDWARE-MIB /
HUAWEI-STORAGE-SPACE-MIB (``hwInfo*`` tables: disks, controllers, PSUs, fans,
BBUs, enclosures, storage pools). A Huawei switch or UPS answers under 2011
too, so the profile identifies the array by the 34774 objects, never by
sysObjectID alone.

Health and running status columns use the MIB reference's HEALTH_STATUS_E
and RUNNING_STATUS_E codes (the same codes as ISM-STORAGE-SVC-MIB's
``hwStorageControllerHealthStatus`` / ``...RunningStatus`` enumerations).
Capacities are in MB (MiB) as the MIB reference says. OceanStor sends its
alarms as traps only; the ``status`` scalar is the array's own summary and
becomes the report's rollup. Every OID is listed in docs/drivers/snmp-storage.md.
"""

from __future__ import annotations

from collections.abc import Mapping

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import (
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
from dcmaint_snmp.profiles.storage.common import MIB, capacity_sensor, capacity_thresholds, label_fields, used_percent
from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, Row, Snapshot

# --- ISM-STORAGE-SVC-MIB, common group (huaweistorage.hwStorage.hwISM.common) -----------------------------------
common = "1.3.6.1.4.1.34774.4.1.1"
deviceId = f"{common}.1.0"  # DisplayString: the array's serial number
deviceType = f"{common}.2.0"  # Integer32: model code
status = f"{common}.3.0"  # Integer32: system health (HEALTH_STATUS_E)
usedCapacity = f"{common}.4.0"  # Counter64, MB
totalCapacity = f"{common}.5.0"  # Counter64, MB
version = f"{common}.6.0"  # DisplayString: storage OS version

# --- HUAWEI-STORAGE-HARDWARE-MIB, hwStorageDevice.hwHardwareInfo (...34774.4.1.23.5) ----------------------------
hwHardwareInfo = "1.3.6.1.4.1.34774.4.1.23.5"
hwInfoDiskEntry = f"{hwHardwareInfo}.1.1"
DISK_COLUMNS = {
    "hwInfoDiskID": 1,
    "hwInfoDiskHealthStatus": 2,
    "hwInfoDiskRunningStatus": 3,
    "hwInfoDiskLocation": 4,  # "CTE0.5": enclosure.slot
    "hwInfoDiskType": 5,
    "hwInfoDiskCapacity": 6,  # MB
    "hwInfoDiskRole": 7,
    "hwInfoDiskSpeed": 8,  # RPM
    "hwInfoDiskModel": 12,
    "hwInfoDiskFirmwareVersion": 13,
    "hwInfoDiskManufacturer": 14,
    "hwInfoDiskSerialNumber": 15,
    "hwInfoDiskBarCode": 23,
}
hwInfoControllerEntry = f"{hwHardwareInfo}.2.1"
CONTROLLER_COLUMNS = {
    "hwInfoControllerID": 1,
    "hwInfoControllerHealthStatus": 2,
    "hwInfoControllerRunningStatus": 3,
    "hwInfoControllerLocation": 5,
    "hwInfoControllerRole": 6,
    "hwInfoControllerSoftwareVersion": 11,
    "hwInfoControllerElectronicLabel": 17,
}
hwInfoPowerEntry = f"{hwHardwareInfo}.3.1"
POWER_COLUMNS = {
    "hwInfoPowerID": 1,
    "hwInfoPowerLocation": 2,
    "hwInfoPowerHealthStatus": 3,
    "hwInfoPowerRunningStatus": 4,
    "hwInfoPowerManufacturer": 6,
    "hwInfoPowerModle": 7,  # sic: the MIB spells it so
    "hwInfoPowerVersion": 8,
    "hwInfoPowerSerialNumber": 10,
}
hwInfoFanEntry = f"{hwHardwareInfo}.4.1"
FAN_COLUMNS = {
    "hwInfoFanID": 1,
    "hwInfoFanLocation": 2,
    "hwInfoFanHealthStatus": 3,
    "hwInfoFanRunningStatus": 4,
    "hwInfoFanElectronicLabel": 6,
}
hwInfoBBUEntry = f"{hwHardwareInfo}.5.1"
BBU_COLUMNS = {
    "hwInfoBBUID": 1,
    "hwInfoBBULocation": 2,
    "hwInfoBBUHealthStatus": 3,
    "hwInfoBBURunningStatus": 4,
    "hwInfoBBUFirmwareVersion": 8,
    "hwInfoBBUElectronicLabel": 11,
}
hwInfoEnclosureEntry = f"{hwHardwareInfo}.6.1"
ENCLOSURE_COLUMNS = {
    "hwInfoEnclosureID": 1,
    "hwInfoEnclosureName": 2,
    "hwInfoEnclosureHealthStatus": 4,
    "hwInfoEnclosureRunningStatus": 5,
    "hwInfoEnclosureLocation": 6,
    "hwInfoEnclosureSN": 9,
    "hwInfoEnclosureElectronicLabel": 13,
}

# --- HUAWEI-STORAGE-SPACE-MIB, hwInfoStoragePoolTable (...34774.4.1.23.4.2) ----------------------------------
hwInfoStoragePoolEntry = "1.3.6.1.4.1.34774.4.1.23.4.2.1"
POOL_COLUMNS = {
    "hwInfoStoragePoolID": 1,
    "hwInfoStoragePoolName": 2,
    "hwInfoStoragePoolDiskDomainName": 4,
    "hwInfoStoragePoolHealthStatus": 5,
    "hwInfoStoragePoolRunningStatus": 6,
    "hwInfoStoragePoolTotalCapacity": 7,  # MB
    "hwInfoStoragePoolSubscribedCapacity": 8,  # MB
    "hwInfoStoragePoolFreeCapacity": 9,  # MB
    "hwInfoStoragePoolFullThreshold": 14,  # %, the array's own alarm threshold
}

TABLES = (
    hwInfoDiskEntry,
    hwInfoControllerEntry,
    hwInfoPowerEntry,
    hwInfoFanEntry,
    hwInfoBBUEntry,
    hwInfoEnclosureEntry,
    hwInfoStoragePoolEntry,
)

#: HEALTH_STATUS_E: the array's verdict on a part. 0 ("--") and 14 (invalid) are no verdict.
HEALTH: dict[int, tuple[Health, str]] = {
    1: (Health.OK, "normal"),
    2: (Health.CRITICAL, "fault"),
    3: (Health.WARNING, "pre-fail (failure predicted)"),
    4: (Health.WARNING, "partially broken"),
    5: (Health.WARNING, "degraded"),
    6: (Health.WARNING, "bad sectors found"),
    7: (Health.WARNING, "bit errors found"),
    8: (Health.OK, "consistent"),
    9: (Health.WARNING, "inconsistent"),
    10: (Health.OK, "busy"),
    11: (Health.CRITICAL, "no input power"),
    12: (Health.WARNING, "low battery"),
    13: (Health.WARNING, "single link fault"),
    15: (Health.WARNING, "write protected"),
}
#: RUNNING_STATUS_E codes the profile acts on (the rest are states of normal operation).
NOT_EXISTED, RUNNING_OFFLINE, PRECOPY, COPYBACK, RECONSTRUCTION = 4, 28, 14, 15, 16
RUNNING_NAMES = {
    1: "normal",
    2: "running",
    3: "not running",
    NOT_EXISTED: "not present",
    5: "sleeping (high temperature)",
    PRECOPY: "pre-copy in progress",
    COPYBACK: "copyback in progress",
    RECONSTRUCTION: "reconstruction in progress",
    27: "online",
    RUNNING_OFFLINE: "offline",
    48: "charging",
    49: "charging completed",
    50: "discharging",
}
#: hwInfoDiskRole (the OceanStor disk logic type)
DISK_ROLES = {1: "free", 2: "member", 3: "hot spare", 4: "cache"}
MEMBER = 2
#: hwInfoDiskType, the interface of the disk
DISK_TYPES = {0: "FC", 1: "SAS", 2: "SATA", 3: "SSD", 4: "NL-SAS"}


def verdict(health: int | None, running: int | None) -> tuple[Health, str]:
    """A part's health from its two status columns: the health column first; a part absent from its slot
    is ``absent``; a healthy part the array is rebuilding or copying onto is a warning (its data is not
    redundant yet); no health column at all is ``unknown``, never a fault.

    >>> verdict(1, 27), verdict(2, 28)[0], verdict(1, 16), verdict(None, None)[0]
    ((<Health.OK: 'ok'>, 'normal'), <Health.CRITICAL: 'critical'>, (<Health.WARNING: 'warning'>, 'reconstruction in progress'), <Health.UNKNOWN: 'unknown'>)
    """  # noqa: E501
    if running == NOT_EXISTED:
        return Health.ABSENT, "not present"
    judged = HEALTH.get(health) if health is not None else None
    if judged is not None and judged[0] is not Health.OK:
        return judged
    if running in (PRECOPY, COPYBACK, RECONSTRUCTION):
        return Health.WARNING, RUNNING_NAMES[running]
    if judged is None:
        return Health.UNKNOWN, "no health reported"
    return judged


def enclosure_slot(location: str | None) -> tuple[str, str] | None:
    """``"CTE0.5"`` -> ``("CTE0", "5")``; None for a location that is not enclosure.slot.

    >>> enclosure_slot("DAE010.23"), enclosure_slot("CTE0"), enclosure_slot(None)
    (('DAE010', '23'), None, None)
    """
    if not location:
        return None
    enclosure, dot, slot = location.rpartition(".")
    if not dot or not enclosure or not slot.isdigit():
        return None
    return enclosure, slot


def disk_location(row: Row) -> str:
    """Where a technician finds the disk: ``CTE0 Slot 5`` from ``hwInfoDiskLocation``, else the disk ID."""
    raw = row.text("hwInfoDiskLocation")
    found = enclosure_slot(raw)
    if found is not None:
        return f"{found[0]} Slot {found[1]}"
    return raw or f"Disk {row.text('hwInfoDiskID') or row.index}"


def _disk(row: Row) -> Component:
    health, reason = verdict(row.integer("hwInfoDiskHealthStatus"), row.integer("hwInfoDiskRunningStatus"))
    role = row.integer("hwInfoDiskRole")
    if role == MEMBER and row.integer("hwInfoDiskRunningStatus") == RUNNING_OFFLINE and health is Health.OK:
        health, reason = Health.WARNING, "member disk offline"
    attributes = {"role": DISK_ROLES[role]} if role in DISK_ROLES else {}
    kind = row.integer("hwInfoDiskType")
    if kind in DISK_TYPES:
        attributes["interface"] = DISK_TYPES[kind]
    if barcode := row.text("hwInfoDiskBarCode"):
        attributes["barcode"] = barcode
    capacity = row.integer("hwInfoDiskCapacity")
    part = PartIdentity(
        manufacturer=row.text("hwInfoDiskManufacturer"),
        model=row.text("hwInfoDiskModel"),
        serial=row.text("hwInfoDiskSerialNumber"),
        firmware=row.text("hwInfoDiskFirmwareVersion"),
        capacity_bytes=capacity * MIB if capacity and capacity > 0 else None,
        rpm=row.integer("hwInfoDiskSpeed") or None,
        attributes=attributes,
    )
    return Component(
        ComponentKind.DISK,
        disk_location(row),
        health,
        None if health in (Health.OK, Health.ABSENT) else reason,
        name=part.model,
        part=part,
    )


def _labelled(label: str | None, **known: str | None) -> PartIdentity:
    """A part identity from a Huawei electronic label: ``Item`` is the BOM (part) number, ``BarCode`` the
    serial, ``BoardType`` the model; explicit columns (``known``) win over the label."""
    fields = label_fields(label)
    return PartIdentity(
        manufacturer=known.get("manufacturer") or fields.get("VendorName"),
        model=known.get("model") or fields.get("BoardType"),
        part_number=fields.get("Item"),
        serial=known.get("serial") or fields.get("BarCode"),
        firmware=known.get("firmware"),
    )


def _part(kind: ComponentKind, row: Row, prefix: str, part: PartIdentity, name: str) -> Component:
    """A controller, PSU, fan or enclosure row: located by its location column (its ID when empty)."""
    health, reason = verdict(row.integer(f"{prefix}HealthStatus"), row.integer(f"{prefix}RunningStatus"))
    location = row.text(f"{prefix}Location") or f"{name} {row.text(f'{prefix}ID') or row.index}"
    return Component(kind, location, health, None if health in (Health.OK, Health.ABSENT) else reason, name, part)


def _components(snapshot: Snapshot) -> list[Component]:
    found: list[Component] = []
    for row in snapshot.rows(hwInfoControllerEntry, CONTROLLER_COLUMNS):
        part = _labelled(row.text("hwInfoControllerElectronicLabel"))
        found.append(_part(ComponentKind.CONTROLLER, row, "hwInfoController", part, "Controller"))
    for row in snapshot.rows(hwInfoBBUEntry, BBU_COLUMNS):
        part = _labelled(row.text("hwInfoBBUElectronicLabel"), firmware=row.text("hwInfoBBUFirmwareVersion"))
        plain = _part(ComponentKind.BATTERY, row, "hwInfoBBU", part, "BBU")
        found.append(consumable(plain.kind, plain.location, plain.health, plain.reason, plain.part, "Cache BBU"))
    for row in snapshot.rows(hwInfoPowerEntry, POWER_COLUMNS):
        part = PartIdentity(
            manufacturer=row.text("hwInfoPowerManufacturer"),
            model=row.text("hwInfoPowerModle"),
            serial=row.text("hwInfoPowerSerialNumber"),
            firmware=row.text("hwInfoPowerVersion"),
        )
        found.append(_part(ComponentKind.PSU, row, "hwInfoPower", part, "PSU"))
    for row in snapshot.rows(hwInfoFanEntry, FAN_COLUMNS):
        part = _labelled(row.text("hwInfoFanElectronicLabel"))
        found.append(_part(ComponentKind.FAN, row, "hwInfoFan", part, "Fan"))
    for row in snapshot.rows(hwInfoEnclosureEntry, ENCLOSURE_COLUMNS):
        part = _labelled(row.text("hwInfoEnclosureElectronicLabel"), serial=row.text("hwInfoEnclosureSN"))
        enclosure = _part(ComponentKind.ENCLOSURE, row, "hwInfoEnclosure", part, "Enclosure")
        name = row.text("hwInfoEnclosureName")
        # Enclosures are found by name (CTE0, DAE010): the name the disk locations use.
        found.append(Component(enclosure.kind, name or enclosure.location, enclosure.health, enclosure.reason,
                               "Enclosure", enclosure.part))  # fmt: skip
    found.extend(_disk(row) for row in snapshot.rows(hwInfoDiskEntry, DISK_COLUMNS))
    return found


def _pools(snapshot: Snapshot, options: Mapping[str, str]) -> list[Sensor]:
    """One ``%`` used sensor per storage pool: total minus free, of total (subscribed when free is absent)."""
    thresholds = capacity_thresholds(options, "pool", 85.0, 95.0)
    sensors = []
    for row in snapshot.rows(hwInfoStoragePoolEntry, POOL_COLUMNS):
        total = row.integer("hwInfoStoragePoolTotalCapacity")
        free = row.integer("hwInfoStoragePoolFreeCapacity")
        used = total - free if total is not None and free is not None else None
        if used is None:
            used = row.integer("hwInfoStoragePoolSubscribedCapacity")
        array, _ = verdict(row.integer("hwInfoStoragePoolHealthStatus"), row.integer("hwInfoStoragePoolRunningStatus"))
        name = row.text("hwInfoStoragePoolName") or row.text("hwInfoStoragePoolID") or row.index
        sensors.append(capacity_sensor(f"Pool {name} used", used_percent(used, total), thresholds, array))
    return sensors


def _rollup(snapshot: Snapshot) -> Health | None:
    """The ``status`` scalar as the array's own summary; None when it gives no verdict."""
    found = HEALTH.get(snapshot.integer(status))  # type: ignore[arg-type]
    return found[0] if found is not None else None


def _archive(snapshot: Snapshot) -> ArchiveSnapshot:
    pools = {}
    for row in snapshot.rows(hwInfoStoragePoolEntry, POOL_COLUMNS):
        name = row.text("hwInfoStoragePoolName") or row.index
        pools[name] = {
            "disk_domain": row.text("hwInfoStoragePoolDiskDomainName"),
            "total_mb": row.integer("hwInfoStoragePoolTotalCapacity"),
            "full_threshold_percent": row.integer("hwInfoStoragePoolFullThreshold"),
        }
    controllers = {
        (row.text("hwInfoControllerLocation") or row.index): row.text("hwInfoControllerSoftwareVersion")
        for row in snapshot.rows(hwInfoControllerEntry, CONTROLLER_COLUMNS)
    }
    return ArchiveSnapshot(
        hardware={"device_type": snapshot.integer(deviceType), "pools": pools},
        system={
            "profile": "array-huawei",
            "total_capacity_mb": snapshot.integer(totalCapacity),
            "used_capacity_mb": snapshot.integer(usedCapacity),
        },
        firmware={"controllers": controllers},
    )


def _model(snapshot: Snapshot) -> str:
    """The model named in sysDescr when it names an OceanStor, else the family."""
    descr = snapshot.text(SYS_DESCR) or ""
    return descr if "oceanstor" in descr.lower() and len(descr) <= 64 else "OceanStor"


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    """What an OceanStor answered, as a report: parts from the hwInfo tables, pools as ``%`` sensors."""
    os_version = snapshot.text(version)
    return DeviceReport(
        identity=DeviceIdentity(
            vendor="Huawei",
            model=_model(snapshot),
            serial=snapshot.text(deviceId),
            firmware={"OceanStor OS": os_version} if os_version else {},
            hostname=snapshot.text(SYS_NAME),
        ),
        components=_components(snapshot),
        sensors=_pools(snapshot, options),
        archive=_archive(snapshot),
        rollup=_rollup(snapshot),
    )


def identifies(snapshot: Snapshot) -> bool:
    """An OceanStor answers its ISM ``common`` scalars; a Huawei switch or UPS (also enterprise 2011) does not."""
    return answers(snapshot, deviceId, status)


PROFILE = Profile(
    name="array-huawei",
    kind=DeviceKind.STORAGE,
    description="Huawei OceanStor V3/V5/Dorado storage arrays (ISM-STORAGE-SVC-MIB, HUAWEI-STORAGE-HARDWARE-MIB)",
    probe=(deviceId, status),
    identifies=identifies,
    scalars=(deviceId, deviceType, status, usedCapacity, totalCapacity, version),
    walks=TABLES,
    parse=parse,
)
