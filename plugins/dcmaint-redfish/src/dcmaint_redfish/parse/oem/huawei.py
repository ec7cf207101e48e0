"""Huawei iBMC (``Oem.Huawei``; xFusion firmware after 2022 keeps the same layout).

iBMC names parts as its web pages and the chassis silkscreen do ("Disk0",
"PSU1", "DIMM000") but not always in the standard fields: a power supply's
``Name`` is "PS1" while ``Oem.Huawei.DeviceLocator`` is "PSU1". The RAID
card's cache battery (BBU or supercapacitor) has no resource of its own: it
is ``Oem.Huawei.CapacitanceStatus`` on the storage controller. Storage sits
under ``Systems/1/Storages`` and drives under ``Chassis/1/Drives``, which the
standard walk reaches through the links.
"""

from __future__ import annotations

from collections.abc import Sequence

from dcmaint.drivers import Component, ComponentKind, Health, PartIdentity
from dcmaint_redfish.parse.oem._common import mapping, oem, root_mentions, status_health, text, worst
from dcmaint_redfish.parse.vendor import Document, Resources, VendorProfile

_OEM = ("Huawei", "xFusion")
#: Drive states (Oem.Huawei.FirmwareStatus) that mean the disk has left its array.
_BAD_DRIVE = {
    "UnconfiguredBad": Health.CRITICAL,
    "Offline": Health.CRITICAL,
    "Failed": Health.CRITICAL,
    "Rebuilding": Health.WARNING,
    "Missing": Health.CRITICAL,
}


class HuaweiProfile(VendorProfile):
    name = "huawei"
    label = "Huawei iBMC"

    def matches(self, root: Document) -> bool:
        return root_mentions(root, ("Huawei", "xFusion", "iBMC"), _OEM)

    def location(self, kind: ComponentKind, doc: Document) -> str | None:
        ext = oem(doc, *_OEM)
        if kind in (ComponentKind.PSU, ComponentKind.CPU, ComponentKind.DIMM):
            return text(ext.get("DeviceLocator")) or (
                text(doc.get("DeviceLocator")) if kind is ComponentKind.DIMM else None
            )
        if kind is ComponentKind.DISK and str(doc.get("Id", "")).startswith("HDDPlaneDisk"):
            return text(doc.get("Name"))
        return None

    def health(self, kind: ComponentKind, doc: Document) -> tuple[Health, str] | None:
        if kind is not ComponentKind.DISK:
            return None
        state = text(oem(doc, *_OEM).get("FirmwareStatus"))
        if state not in _BAD_DRIVE:
            return None
        return worst(status_health(doc), (_BAD_DRIVE[state], f"drive state {state}"))

    def components(self, resources: Resources) -> Sequence[Component]:
        found: list[Component] = []
        for doc in resources.values():
            for controller in doc.get("StorageControllers") or []:
                ext = oem(controller, *_OEM)
                status = ext.get("CapacitanceStatus")
                if not isinstance(status, dict):
                    continue
                kind = text(ext.get("CapacitanceName")) or "cache battery"
                owner = text(mapping(controller).get("Name")) or "RAID controller"
                health, reason = status_health({"Status": status})
                judged = worst((health, reason.replace("status", f"{kind} status") if reason else None))
                found.append(
                    Component(
                        ComponentKind.BATTERY,
                        f"{owner} {kind}",
                        judged[0] if judged else health,
                        reason=judged[1] if judged else None,
                        name=f"RAID cache {kind}",
                        part=PartIdentity(manufacturer=text(mapping(controller).get("Manufacturer"))),
                    )
                )
        return found
