"""Dell iDRAC 8 and 9 (``Oem.Dell``).

iDRAC names every part by its FQDD ("Disk.Bay.4:Enclosure.Internal.0-1:RAID.Integrated.1-1",
"DIMM.Socket.A1", "PSU.Slot.2"), which carries the label printed on the
chassis; drives report the PPID (country, the 6-character Dell part number,
maker, date, sequence, revision) as ``PartNumber``; and iDRAC 9 keeps the
predictive-failure state and the PERC cache battery in its OEM sections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dcmaint.drivers import Component, ComponentKind, Health, PartIdentity
from dcmaint_redfish.parse.fields import life_left
from dcmaint_redfish.parse.oem._common import mapping, number, oem, root_mentions, status_health, text, worst
from dcmaint_redfish.parse.vendor import Document, OemPart, Resources, VendorProfile

_PPID = re.compile(r"^(?P<country>[A-Z]{2})(?P<part>[0-9A-Z]{6})(?P<rest>[0-9A-Z]{12,})$")
_PART_REV = re.compile(r"^(?P<part>[0-9A-Z]{6})(?P<rev>A\d{2})$")
_FQDD = (
    (re.compile(r"Disk\.Bay\.(\d+)"), "Bay {}"),
    (re.compile(r"Disk\.Direct\.(\d+)"), "M.2 slot {}"),
    (re.compile(r"DIMM\.Socket\.([A-Z]\d+)"), "DIMM {}"),
    (re.compile(r"PSU\.Slot\.(\d+)"), "PSU {}"),
    (re.compile(r"CPU\.Socket\.(\d+)"), "CPU {}"),
    (re.compile(r"Fan\.Embedded\.(\w+)$"), "Fan {}"),
)
_FAN_NAME = re.compile(r"Fan\s*(\w+)$")
#: DellControllerBattery.PrimaryStatus / RAIDState values that need a visit.
_BATTERY_BAD = {
    "Degraded": Health.WARNING,
    "Warning": Health.WARNING,
    "Error": Health.CRITICAL,
    "Critical": Health.CRITICAL,
    "Failed": Health.CRITICAL,
    "Missing": Health.CRITICAL,
}
_LIFE_WARNING = 10.0


def ppid(value: Any) -> dict[str, str] | None:
    """Split a Dell PPID ('PH06DFD8...' or 'PH-06DFD8-...') into country, part number and the whole PPID."""
    raw = text(value)
    if raw is None:
        return None
    match = _PPID.match(raw.replace("-", "").upper())
    if match is None:
        return None
    return {"country": match["country"], "part_number": match["part"], "ppid": raw}


def fqdd_label(*candidates: Any) -> str | None:
    """'Disk.Bay.4:Enclosure...' -> 'Bay 4', 'DIMM.Socket.A1' -> 'DIMM A1', 'PSU.Slot.2' -> 'PSU 2'."""
    for candidate in candidates:
        value = text(candidate)
        if value is None:
            continue
        tail = value.rsplit("/", 1)[-1]
        for pattern, label in _FQDD:
            match = pattern.search(tail)
            if match:
                return label.format(match.group(1))
    return None


class DellProfile(VendorProfile):
    name = "dell"
    label = "Dell iDRAC"

    def matches(self, root: Document) -> bool:
        return root_mentions(root, ("Dell", "iDRAC"), ("Dell",))

    def part(self, kind: ComponentKind, doc: Document) -> Mapping[str, Any]:
        if kind is ComponentKind.DISK:
            found = ppid(oem(doc, "Dell").get("DellPhysicalDisk", {}).get("PPID")) or ppid(doc.get("PartNumber"))
            if found:
                return {"part_number": found["part_number"], "attributes": {"ppid": found["ppid"]}}
        if kind in (ComponentKind.PSU, ComponentKind.FAN, ComponentKind.NIC):
            raw = text(doc.get("PartNumber"))
            match = _PART_REV.match(raw or "")
            if match:
                fields: dict[str, Any] = {"part_number": match["part"], "attributes": {"revision": match["rev"]}}
                fields["spare_part_number"] = text(doc.get("SparePartNumber")) or raw
                return fields
        return {}

    def location(self, kind: ComponentKind, doc: Document) -> str | None:
        if kind is ComponentKind.FAN:
            match = _FAN_NAME.search(text(doc.get("Name")) or text(doc.get("FanName")) or "")
            return f"Fan {match.group(1)}" if match else fqdd_label(doc.get("@odata.id"))
        if kind in (ComponentKind.DISK, ComponentKind.DIMM, ComponentKind.PSU, ComponentKind.CPU):
            return fqdd_label(doc.get("Id"), doc.get("MemberId"), doc.get("@odata.id"))
        return None

    def health(self, kind: ComponentKind, doc: Document) -> tuple[Health, str] | None:
        if kind is not ComponentKind.DISK:
            return None
        disk = mapping(oem(doc, "Dell").get("DellPhysicalDisk"))
        if not disk:
            return None
        stated = status_health(doc)
        judgements: list[tuple[Health, str | None] | None] = [stated]
        endurance = number(disk.get("RemainingRatedWriteEndurancePercent"))
        left = min(x for x in (endurance, life_left(doc), 101.0) if x is not None)
        words = f", {left:g}% life left" if left <= 100 else ""
        if text(disk.get("PredictiveFailureState")) == "SmartAlertPresent" or doc.get("FailurePredicted") is True:
            judgements.append((Health.WARNING, "predicted failure" + words))
        elif left <= _LIFE_WARNING and stated[0] is Health.UNKNOWN:  # wear is dcmaint's reading: only when
            judgements.append((Health.WARNING, f"{left:g}% life left"))  # the drive gives no health
        if text(disk.get("RaidStatus")) == "Failed":
            judgements.append((Health.CRITICAL, "failed (RAID status Failed)"))
        return worst(*judgements)

    def components(self, resources: Resources) -> Sequence[OemPart]:
        """The PERC cache battery, which iDRAC 9 keeps in the storage resource's Oem.Dell."""
        found: list[OemPart] = []
        for path, doc in resources.items():
            battery = mapping(oem(doc, "Dell").get("DellControllerBattery"))
            if not battery:
                continue
            controller = text(doc.get("Name")) or text(doc.get("Id")) or "RAID controller"
            primary, state = text(battery.get("PrimaryStatus")), text(battery.get("RAIDState"))
            bad = [
                (_BATTERY_BAD[value], f"{label} {value}")
                for label, value in (("status", primary), ("state", state))
                if value in _BATTERY_BAD
            ]
            judged = worst(*bad)
            health = judged[0] if judged else (Health.OK if primary == "OK" else Health.UNKNOWN)
            reason = judged[1] if judged else (None if health is Health.OK else "battery status not reported")
            component = Component(
                ComponentKind.BATTERY,
                f"{controller} battery",
                health,
                reason=reason,
                name="RAID cache battery",
                part=PartIdentity(manufacturer="Dell", attributes={"fqdd": text(battery.get("FQDD")) or ""}),
            )
            found.append(OemPart(component, (f"{path}#/Oem/Dell/DellControllerBattery",)))
        return found
