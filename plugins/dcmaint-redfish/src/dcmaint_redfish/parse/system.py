"""What sits on the system board: processors, DIMMs, storage (controllers, drives, volumes, batteries), PCIe cards.

Each resource becomes one component through :meth:`Context.component`.
Storage also yields the RAID layout for the archive, and alarms for volumes
the BMC calls degraded or failed (a rebuild in progress, a lost mirror): a
logical fault a technician must know about even when every drive looks fine.
A disk is named by its own bay ("Bay 2"), never by its controller's name
plus the bay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import Alarm, ComponentKind, Health
from dcmaint_redfish.parse.context import Context, Place
from dcmaint_redfish.parse.fields import dig, judge, mapping, objects, text, whole
from dcmaint_redfish.parse.vendor import Document
from dcmaint_redfish.paths import link, ref_key

_NIC = re.compile(r"ethernet|network|\bnic\b|connectx|\blom\b|\bocp\b|netxtreme|\b\d+\s?g(b|be|bps)?\b", re.I)
_HBA = re.compile(r"fibre|fiber|\bfc\b|\bhba\b|host bus adapter|\blpe\d|\bqle\d|emulex|\bsas\d*\s*hba", re.I)
_GPU = re.compile(r"\bgpu\b|tesla|quadro|radeon|instinct|accelerator|\b[ahl]\d{2,3}\b", re.I)
_STORAGE = re.compile(r"raid|perc|smart array|megaraid|storage controller|\bnvme\b|boss", re.I)


def processors(ctx: Context, system: Document) -> None:
    for index, document in enumerate(ctx.members(system.get("Processors")), 1):
        kind_text = (text(document.get("ProcessorType")) or "cpu").lower()
        kind = ComponentKind.GPU if kind_text == "gpu" else ComponentKind.CPU
        if kind_text not in ("cpu", "gpu"):
            continue  # cores, threads, FPGAs and DSPs listed as processors are not separate parts here
        ctx.component(
            kind,
            document,
            fallback=text(document.get("Id")) or str(index),
            name=text(document.get("Model")) or text(document.get("Name")),
        )


def memory(ctx: Context, system: Document) -> None:
    for index, document in enumerate(ctx.members(system.get("Memory")), 1):
        ctx.component(ComponentKind.DIMM, document, fallback=text(document.get("Id")) or str(index))


def storage(ctx: Context, system: Document) -> dict[str, Any]:
    """Controllers, drives, batteries and volumes of every storage subsystem; returns the RAID archive section."""
    raid: dict[str, Any] = {}
    for number, subsystem in enumerate(ctx.members(system.get("Storage")), 1):
        label = text(subsystem.get("Name")) or text(subsystem.get("Id")) or f"Storage {number}"
        controllers = ctx.members(subsystem.get("Controllers")) or objects(subsystem.get("StorageControllers"))
        controller_labels = []
        batteries = ctx.linked(dig(subsystem, "Links", "Batteries"))
        for index, controller in enumerate(controllers, 1):
            fallback = text(controller.get("Name")) or (label if len(controllers) == 1 else f"{label} {index}")
            controller_labels.append(ctx.component(ComponentKind.CONTROLLER, controller, fallback=fallback).location)
            batteries += ctx.linked(dig(controller, "Links", "Batteries"))
        drive_labels: dict[str, str] = {}
        for index, drive in enumerate(ctx.linked(subsystem.get("Drives")), 1):
            built = ctx.component(
                ComponentKind.DISK,
                drive,
                fallback=text(drive.get("Name")) or text(drive.get("Id")) or f"Disk {index}",
            )
            path = link(drive)
            if path is not None and built.health is not Health.ABSENT:
                drive_labels[path] = built.location
        for battery in batteries:  # a battery also listed by the chassis stays one component (Context)
            ctx.component(ComponentKind.BATTERY, battery, fallback=text(battery.get("Name")) or f"{label} battery")
        volumes = _volumes(ctx, subsystem, drive_labels)
        raid[label] = {"controllers": controller_labels, "drives": sorted(drive_labels.values()), "volumes": volumes}
    return raid


def _volumes(ctx: Context, subsystem: Document, drive_labels: Mapping[str, str]) -> dict[str, Any]:
    """The volumes for the RAID archive; a degraded or failed volume is an alarm at the volume.

    When a member drive is itself faulty, the alarm points at that drive: the lost mirror restates the
    broken disk, one fault.
    """
    volumes: dict[str, Any] = {}
    for index, volume in enumerate(ctx.members(subsystem.get("Volumes")), 1):
        name = text(volume.get("Name")) or text(volume.get("Id")) or f"Volume {index}"
        paths = _drive_paths(volume)
        volumes[name] = {
            "raid_type": text(volume.get("RAIDType")) or text(volume.get("VolumeType")),
            "capacity_bytes": whole(volume.get("CapacityBytes")),
            "drives": [drive_labels.get(path, path) for path in paths],
        }
        health, reason = judge(ComponentKind.OTHER, volume)
        if health in (Health.WARNING, Health.CRITICAL):
            broken = [path for path in paths if (part := ctx.part_at(path)) is not None and part.is_fault]
            origin = broken[0] if broken else ref_key(volume)
            ctx.alarm(Alarm(f"Volume {name}: {reason}", health, source=name), origin=origin)
    return volumes


def _drive_paths(volume: Document) -> list[str]:
    paths = [link(item) for item in objects(dig(volume, "Links", "Drives"))]
    return [path for path in paths if path is not None]


def simple_storage(ctx: Context, system: Document) -> None:
    """Disks from the older SimpleStorage resource, for BMCs that offer no Storage drives."""
    for controller in ctx.members(system.get("SimpleStorage")):
        for index, device in enumerate(objects(controller.get("Devices")), 1):
            ctx.component(ComponentKind.DISK, device, fallback=text(device.get("Name")) or f"Disk {index}")


def pcie_kind(document: Document) -> ComponentKind | None:
    """What a PCIe device is, from its names: nic, hba, gpu, controller (a storage card), or None."""
    words = " ".join(
        filter(None, (text(document.get(key)) for key in ("Name", "Model", "Description", "DeviceType", "Id")))
    )
    functions = " ".join(
        filter(None, (text(item.get("DeviceClass")) for item in objects(document.get("PCIeFunctions"))))
    )
    if _HBA.search(words) or "fibre" in functions.lower():
        return ComponentKind.HBA
    if _NIC.search(words) or "network" in functions.lower():
        return ComponentKind.NIC
    if _STORAGE.search(words) or "massstorage" in functions.lower():
        return ComponentKind.CONTROLLER
    if _GPU.search(words) or "display" in functions.lower():
        return ComponentKind.GPU
    return None


def pcie_devices(ctx: Context, devices: list[tuple[Document, Place]], *, adapters: Mapping[str, str]) -> None:
    """PCIe cards worth a component: HBAs and GPUs, NICs the NetworkAdapters did not list, any faulty card.

    Storage cards are already reported through Storage; ``adapters`` maps the
    serials and labels of network adapters already reported, so that a card
    is not listed twice.
    """
    for index, (device, place) in enumerate(devices, 1):
        kind = pcie_kind(device)
        serial = text(device.get("SerialNumber"))
        slot = text(dig(device, "Slot", "Location", "PartLocation", "ServiceLabel"))
        if kind in (ComponentKind.NIC, ComponentKind.HBA) and (
            (serial and serial in adapters) or (slot and slot in adapters.values())
        ):
            continue
        health, _reason = judge(ComponentKind.OTHER, device)
        if kind in (None, ComponentKind.CONTROLLER) or (kind is ComponentKind.NIC and adapters):
            if not health.is_fault or health is Health.UNKNOWN:
                continue
            kind = ComponentKind.OTHER if kind is None else kind
        location = slot or text(device.get("Name")) or text(device.get("Id")) or f"PCIe device {index}"
        with ctx.inside(place):
            ctx.component(kind, device, fallback=location, part=_pcie_part(device))


def _pcie_part(device: Document) -> dict[str, Any]:
    interface = mapping(device.get("PCIeInterface"))
    lanes = whole(interface.get("LanesInUse"))
    generation = text(interface.get("PCIeType"))
    attributes = {}
    if lanes is not None:
        attributes["lanes"] = str(lanes)
    if generation:
        attributes["pcie"] = generation
    return {"attributes": attributes} if attributes else {}
