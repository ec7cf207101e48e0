"""Identity and the archive snapshot: who the server is and how it is configured.

The archive is compared between visits, so its keys are stable and its
contents are what changes only when someone changes the machine: fitted
parts with serials (a swapped DIMM shows), BIOS and boot settings, the RAID
layout, firmware versions. Readings and health stay out of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dcmaint.drivers import ArchiveSnapshot, Component, DeviceIdentity, Health
from dcmaint_redfish.parse.context import Context
from dcmaint_redfish.parse.fields import dig, mapping, number, objects, text, whole
from dcmaint_redfish.parse.vendor import Document

_INVENTORY = ("cpu", "dimm", "disk", "psu", "fan", "controller", "battery", "nic", "hba", "gpu")
_PART_KEYS = (
    "manufacturer",
    "model",
    "part_number",
    "spare_part_number",
    "serial",
    "firmware",
    "capacity_bytes",
    "speed_mhz",
    "link_mbps",
    "rpm",
)


def firmware_inventory(ctx: Context, update_service: Document | None) -> dict[str, str]:
    """Name -> version from UpdateService/FirmwareInventory (a repeated name gets its Id added)."""
    versions: dict[str, str] = {}
    for item in ctx.members(mapping(update_service).get("FirmwareInventory")):
        version = text(item.get("Version"))
        name = text(item.get("Name")) or text(item.get("Id"))
        if not version or not name:
            continue
        if name in versions and versions[name] != version:
            name = f"{name} ({text(item.get('Id')) or len(versions)})"
        versions[name] = version
    return versions


def identity(
    root: Document,
    systems: list[Document],
    chassis: list[Document],
    managers: list[Document],
    inventory: dict[str, str],
) -> DeviceIdentity:
    system = systems[0] if systems else {}
    frame = chassis[0] if chassis else {}
    firmware: dict[str, str] = {}
    bios = text(system.get("BiosVersion"))
    if bios:
        firmware["BIOS"] = bios
    for index, manager in enumerate(managers):
        version = text(manager.get("FirmwareVersion"))
        if version:
            firmware["BMC" if index == 0 else f"BMC {index + 1}"] = version
    for name, version in inventory.items():
        firmware.setdefault(name, version)
    return DeviceIdentity(
        vendor=text(system.get("Manufacturer")) or text(frame.get("Manufacturer")) or text(root.get("Vendor")),
        model=text(system.get("Model")) or text(frame.get("Model")) or text(root.get("Product")),
        serial=text(system.get("SerialNumber")) or text(frame.get("SerialNumber")),
        firmware=firmware,
        part_number=text(system.get("PartNumber")) or text(system.get("SKU")) or text(frame.get("PartNumber")),
        hostname=text(system.get("HostName")),
    )


def snapshot(
    ctx: Context,
    components: Iterable[Component],
    systems: list[Document],
    managers: list[Document],
    raid: dict[str, Any],
    firmware: dict[str, str],
) -> ArchiveSnapshot:
    hardware: dict[str, Any] = {}
    for component in components:
        if component.health is Health.ABSENT or component.kind.value not in _INVENTORY:
            continue
        entry: dict[str, Any] = {"location": component.location}
        if component.name:
            entry["name"] = component.name
        if component.part is not None:
            for key in _PART_KEYS:
                value = getattr(component.part, key)
                if value is not None:
                    entry[key] = value
        hardware.setdefault(component.kind.value, []).append(entry)
    return ArchiveSnapshot(hardware=hardware, system=_system(ctx, systems, managers), raid=raid, firmware=firmware)


def _system(ctx: Context, systems: list[Document], managers: list[Document]) -> dict[str, Any]:
    section: dict[str, Any] = {}
    for index, system in enumerate(systems, 1):
        boot = mapping(system.get("Boot"))
        entry = {
            "name": text(system.get("Name")),
            "manufacturer": text(system.get("Manufacturer")),
            "model": text(system.get("Model")),
            "serial": text(system.get("SerialNumber")),
            "sku": text(system.get("SKU")),
            "uuid": text(system.get("UUID")),
            "hostname": text(system.get("HostName")),
            "bios_version": text(system.get("BiosVersion")),
            "memory_gib": number(dig(system, "MemorySummary", "TotalSystemMemoryGiB")),
            "processors": whole(dig(system, "ProcessorSummary", "Count")),
            "processor_model": text(dig(system, "ProcessorSummary", "Model")),
            "boot": {
                key: value
                for key, value in {
                    "mode": text(boot.get("BootSourceOverrideMode")),
                    "override": text(boot.get("BootSourceOverrideTarget")),
                    "override_enabled": text(boot.get("BootSourceOverrideEnabled")),
                    "order": [item for item in map(text, boot.get("BootOrder") or []) if item]
                    if isinstance(boot.get("BootOrder"), list)
                    else None,
                }.items()
                if value
            },
            "network": _interfaces(ctx, system),
        }
        section[text(system.get("Id")) or str(index)] = {
            key: value for key, value in entry.items() if value not in (None, {}, [])
        }
    bmcs = {}
    for index, manager in enumerate(managers, 1):
        bmcs[text(manager.get("Id")) or str(index)] = {
            key: value
            for key, value in {
                "model": text(manager.get("Model")),
                "firmware": text(manager.get("FirmwareVersion")),
                "type": text(manager.get("ManagerType")),
            }.items()
            if value
        }
    return {"systems": section, "bmc": bmcs}


def _interfaces(ctx: Context, system: Document) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for index, interface in enumerate(ctx.members(system.get("EthernetInterfaces")), 1):
        name = text(interface.get("Name")) or text(interface.get("Id")) or f"Interface {index}"
        addresses = [text(item.get("Address")) for item in objects(interface.get("IPv4Addresses"))]
        found[name] = {
            key: value
            for key, value in {
                "mac": text(interface.get("MACAddress")) or text(interface.get("PermanentMACAddress")),
                "speed_mbps": whole(interface.get("SpeedMbps")),
                "ipv4": [address for address in addresses if address] or None,
            }.items()
            if value is not None
        }
    return found
