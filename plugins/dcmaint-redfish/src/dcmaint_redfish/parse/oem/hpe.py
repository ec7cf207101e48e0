"""HPE iLO 4 (``Oem.Hp``), iLO 5 and iLO 6 (``Oem.Hpe``).

What the standard walk misses or misreads on ProLiant servers:

- Gen9/Gen10 Smart Array disks live only under ``Systems/1/SmartStorage``
  (iLO 4 and 5 leave the DMTF Storage collection empty), so the profile asks
  the crawler for that tree and reports controllers, disks by
  "Port 1I Box 1 Bay 3" and the Smart Storage Battery itself.
- DIMMs: the standard ``PartNumber`` is the DIMM maker's; HPE's own number
  (the "-091" label number the depot orders by) is ``Oem.Hpe.PartNumber``
  (iLO 4: the top-level ``PartNumber``). Health is in ``DIMMStatus``.
- Power supplies: ``Model`` is the HPE option number (865414-B21), the bay in
  ``Oem.Hpe.BayNumber`` (their ``Name`` is just "HpeServerPowerSupply").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dcmaint.drivers import Component, ComponentKind, Health, PartIdentity
from dcmaint_redfish.parse.oem._common import (
    link_of,
    mapping,
    members,
    number,
    oem,
    root_mentions,
    status_health,
    text,
    worst,
)
from dcmaint_redfish.parse.vendor import Document, Resources, VendorProfile
from dcmaint_redfish.paths import normalise

_OEM = ("Hpe", "Hp")
#: HpeMemoryExt DIMMStatus -> health and words; anything unlisted is unknown.
_DIMM_STATUS: dict[str, tuple[Health, str | None]] = {
    "GoodInUse": (Health.OK, None),
    "GoodPartiallyInUse": (Health.OK, None),
    "PresentSpare": (Health.OK, None),
    "AddedButUnused": (Health.WARNING, "installed but not in use"),
    "UpgradedButUnused": (Health.WARNING, "upgraded but not in use"),
    "PresentUnused": (Health.WARNING, "present but not in use"),
    "NotPresent": (Health.ABSENT, None),
    "Degraded": (Health.WARNING, "degraded"),
    "DegradedModuleIndexUnknown": (Health.WARNING, "degraded (module index unknown)"),
    "ExpectedButMissing": (Health.CRITICAL, "expected but missing"),
    "DoesNotMatch": (Health.WARNING, "does not match the other DIMMs"),
    "NotSupported": (Health.WARNING, "not a supported DIMM"),
    "ConfigurationError": (Health.WARNING, "memory configuration error"),
    "MapOutConfiguration": (Health.WARNING, "mapped out by configuration"),
    "MapOutError": (Health.CRITICAL, "mapped out after errors"),
    "Other": (Health.UNKNOWN, "status Other"),
    "Unknown": (Health.UNKNOWN, "status unknown"),
}
_PSU_STATE = {
    "Degraded": (Health.WARNING, "degraded"),
    "Failed": (Health.CRITICAL, "failed"),
    "Unknown": (Health.UNKNOWN, "power supply state unknown"),
}
_BAY = re.compile(r"^(?P<port>\w+):(?P<box>\d+):(?P<bay>\d+)$")
_LABEL = re.compile(r"Port=(?P<port>\w+):Box=(?P<box>\d+):Bay=(?P<bay>\d+)")
#: SSD wear at or below this is a warning when the drive gives no health of its own (its verdict wins).
_LIFE_WARNING = 10.0


def bay_label(location: Any) -> str | None:
    """'1I:1:3' (SmartStorage) or 'Slot=17:Port=1I:Box=3:Bay=1' (Gen11 ServiceLabel) -> 'Port 1I Box 1 Bay 3'."""
    value = text(location)
    if value is None:
        return None
    match = _BAY.match(value) or _LABEL.search(value)
    return f"Port {match['port']} Box {match['box']} Bay {match['bay']}" if match else None


class HpeProfile(VendorProfile):
    name = "hpe"
    label = "HPE iLO"

    def matches(self, root: Document) -> bool:
        return (
            root_mentions(root, ("HPE", "Hewlett Packard", "Hewlett-Packard"), _OEM) or text(root.get("Vendor")) == "HP"
        )

    def extra_paths(self, resources: Resources) -> Sequence[str]:
        """The SmartStorage tree, one level more per call: storage, controllers, their disk collections, the disks."""
        wanted: list[str] = []
        for doc in list(resources.values()):
            smart = link_of(oem(doc, *_OEM), "Links", "SmartStorage")
            if smart is None:
                continue
            wanted.append(smart)
            controllers = link_of(mapping(resources.get(smart)), "Links", "ArrayControllers")
            if controllers is None:
                continue
            wanted.append(controllers)
            for controller in members(resources, controllers):
                wanted.append(controller)
                drives = link_of(mapping(resources.get(controller)), "Links", "PhysicalDrives")
                if drives is not None:
                    wanted.append(drives)
                    wanted.extend(members(resources, drives))
        return [path for path in dict.fromkeys(wanted) if path not in resources]

    def part(self, kind: ComponentKind, doc: Document) -> Mapping[str, Any]:
        ext = oem(doc, *_OEM)
        if kind is ComponentKind.DIMM:
            legacy = "DIMMStatus" in doc  # iLO 4 HpMemory: HP's number is the top-level PartNumber
            hpe_number = text(doc.get("PartNumber")) if legacy else text(ext.get("PartNumber"))
            fields: dict[str, Any] = {}
            if hpe_number:
                fields["part_number"] = hpe_number
                fields["spare_part_number"] = text(doc.get("SparePartNumber")) or hpe_number
                maker = text(doc.get("PartNumber"))
                if maker and not legacy:
                    fields["attributes"] = {"maker_part_number": maker}
            if legacy:
                size = number(doc.get("SizeMB"))
                speed = number(doc.get("MaximumFrequencyMHz"))
                if size:
                    fields["capacity_bytes"] = int(size) * 1024 * 1024
                if speed:
                    fields["speed_mhz"] = int(speed)
                fields["manufacturer"] = text(doc.get("Manufacturer"))
            return fields
        if kind is ComponentKind.PSU:
            fields = {}
            if not text(doc.get("PartNumber")) and text(doc.get("Model")):
                fields["part_number"] = text(doc.get("Model"))
            if text(doc.get("SparePartNumber")):
                fields["spare_part_number"] = text(doc.get("SparePartNumber"))
            return fields
        return {}

    def location(self, kind: ComponentKind, doc: Document) -> str | None:
        ext = oem(doc, *_OEM)
        if kind is ComponentKind.PSU and number(ext.get("BayNumber")) is not None:
            return f"PSU {int(ext['BayNumber'])}"
        if kind is ComponentKind.DIMM:
            return text(doc.get("SocketLocator")) or text(doc.get("DeviceLocator"))
        if kind is ComponentKind.FAN:
            return text(doc.get("FanName"))  # iLO 4 names fans in FanName
        if kind is ComponentKind.DISK:
            label = mapping(mapping(doc.get("PhysicalLocation")).get("PartLocation")).get("ServiceLabel")
            return bay_label(label) or bay_label(doc.get("Location"))
        return None

    def health(self, kind: ComponentKind, doc: Document) -> tuple[Health, str] | None:
        ext = oem(doc, *_OEM)
        if kind is ComponentKind.DIMM:
            status = text(ext.get("DIMMStatus")) or text(doc.get("DIMMStatus"))
            if status is None:
                return None
            judged = _DIMM_STATUS.get(status, (Health.UNKNOWN, f"DIMM status {status}"))
            if judged[0] is Health.ABSENT:
                return Health.ABSENT, "not fitted"
            if "Status" not in doc:  # iLO 4: DIMMStatus is the only health there is
                return judged[0], judged[1] or "ok"
            return worst(status_health(doc), judged)
        if kind is ComponentKind.PSU:
            state = text(mapping(ext.get("PowerSupplyStatus")).get("State"))
            return worst(status_health(doc), _PSU_STATE.get(state or "Ok"))
        return None

    def components(self, resources: Resources) -> Sequence[Component]:
        found: list[Component] = []
        standard_serials = {
            text(doc.get("SerialNumber"))
            for doc in resources.values()
            if str(doc.get("@odata.type", "")).startswith("#Drive.")
        }
        for doc in resources.values():
            kind = str(doc.get("@odata.type") or doc.get("Type") or "")
            if "Collection" in kind:
                continue
            if "SmartStorageArrayController" in kind:
                found.append(_controller(doc))
            elif "SmartStorageDiskDrive" in kind and text(doc.get("SerialNumber")) not in standard_serials:
                found.append(_disk(doc))
        for path, doc in resources.items():
            if normalise(doc.get("@odata.id")) == path and str(doc.get("@odata.type", "")).startswith("#Chassis."):
                ext = oem(doc, *_OEM)
                for battery in ext.get("SmartStorageBattery") or ext.get("Battery") or []:
                    found.append(_battery(mapping(battery)))
        return found


def _version(doc: Document) -> str | None:
    return text(mapping(mapping(doc.get("FirmwareVersion")).get("Current")).get("VersionString"))


def _controller(doc: Document) -> Component:
    health, reason = status_health(doc)
    return Component(
        ComponentKind.CONTROLLER,
        text(doc.get("Location")) or "Smart Array",
        health,
        reason=reason if health.is_fault else None,
        name=text(doc.get("Model")),
        part=PartIdentity(
            manufacturer="HPE",
            model=text(doc.get("Model")),
            serial=text(doc.get("SerialNumber")),
            firmware=_version(doc),
        ),
    )


def _disk(doc: Document) -> Component:
    health, reason = status_health(doc)
    judgements: list[tuple[Health, str | None] | None] = [(health, reason)]
    reasons = [r for r in doc.get("DiskDriveStatusReasons") or [] if isinstance(r, str) and r not in ("None", "Ok")]
    if reasons:
        judgements.append((Health.WARNING, ", ".join(re.sub(r"(?<!^)(?=[A-Z])", " ", r).lower() for r in reasons)))
    used = number(doc.get("SSDEnduranceUtilizationPercentage"))
    life = None if used is None else max(0.0, 100.0 - used)
    if life is not None and life <= _LIFE_WARNING:  # wear words always; wear as a verdict only without health
        judgements.append((Health.WARNING if health is Health.UNKNOWN else health, f"{life:g}% life left"))
    if health is Health.ABSENT:
        final: tuple[Health, str | None] = (Health.ABSENT, None)
    else:
        final = worst(*judgements) or (health, None)
    gib = number(doc.get("CapacityMiB"))
    media = text(doc.get("MediaType"))
    return Component(
        ComponentKind.DISK,
        bay_label(doc.get("Location")) or text(doc.get("Location")) or "disk",
        final[0],
        reason=final[1],
        name=" ".join(x for x in (text(doc.get("InterfaceType")), media) if x) or None,
        part=PartIdentity(
            manufacturer="HPE",
            model=text(doc.get("Model")),
            serial=text(doc.get("SerialNumber")),
            firmware=_version(doc),
            capacity_bytes=int(gib * 1024 * 1024) if gib else None,
            rpm=int(doc["RotationalSpeedRpm"]) if number(doc.get("RotationalSpeedRpm")) else None,
            attributes={
                k: v
                for k, v in (
                    ("interface", text(doc.get("InterfaceType"))),
                    ("media", media),
                    ("life_left_percent", None if life is None else f"{life:g}"),
                )
                if v
            },
        ),
    )


def _battery(doc: Mapping[str, Any]) -> Component:
    """The Smart Storage Battery: iLO 5/6 write Status; iLO 4 writes Condition and Present."""
    judgements: list[tuple[Health, str | None] | None] = [status_health(doc) if "Status" in doc else None]
    condition = text(doc.get("Condition"))
    if condition is not None and condition != "Ok":
        judgements.append((Health.CRITICAL, f"condition {condition}"))
    if text(doc.get("Present")) == "No":
        judgements.append((Health.CRITICAL, "not present"))
    judged = worst(*judgements)
    fitted = "Status" in doc or condition is not None
    health, reason = (
        judged if judged else ((Health.OK, None) if fitted else (Health.UNKNOWN, "battery status not reported"))
    )
    index = doc.get("Index")
    return Component(
        ComponentKind.BATTERY,
        f"Smart Storage Battery {index}" if index is not None else "Smart Storage Battery",
        health,
        reason=reason if health.is_fault else None,
        name=text(doc.get("ProductName")),
        part=PartIdentity(
            manufacturer="HPE",
            model=text(doc.get("ProductName")),
            part_number=text(doc.get("Model")),
            spare_part_number=text(doc.get("SparePartNumber")) or text(doc.get("Spare")),
            serial=text(doc.get("SerialNumber")),
            firmware=text(doc.get("FirmwareVersion")),
        ),
    )
