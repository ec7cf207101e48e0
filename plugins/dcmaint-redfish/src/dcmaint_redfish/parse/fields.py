"""Reading Redfish properties without trusting their shape, and judging a resource's health.

Every accessor here returns a typed value or None/empty, never raises: the
documents come from BMCs whose firmware sends nulls, numbers as strings,
objects where arrays belong. The parser is written against these helpers so
that odd data degrades a field, not the poll.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import ComponentKind, Health
from dcmaint_redfish.paths import ref_key

LIFE_LEFT_WARNING = 10.0  # percent of rated media life below which a drive is a warning
MAX_TEXT = 200

EMPTY: Mapping[str, Any] = {}
_HEALTH = {"ok": Health.OK, "warning": Health.WARNING, "critical": Health.CRITICAL}
_WORKING_STATES = {
    "enabled",
    "standbyspare",
    "standbyoffline",
    "starting",
    "intest",
    "updating",
    "quiesced",
    "deferring",
    "readytoremove",
    "disabled",
    "enabledbutoffline",
    "degraded",
}


def text(value: Any) -> str | None:
    """A non-empty string (numbers become strings: some BMCs send serials as numbers), else None."""
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned[:MAX_TEXT] or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def number(value: Any) -> float | None:
    """A finite number, else None (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def whole(value: Any, scale: float = 1) -> int | None:
    """A non-negative number times ``scale`` as an int, else None."""
    found = number(value)
    if found is None or found < 0 or found * scale > 2**62:
        return None
    return round(found * scale)


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else EMPTY


def objects(value: Any) -> list[Mapping[str, Any]]:
    """The JSON objects of a list; [] for anything that is not a list."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def dig(document: Any, *keys: str) -> Any:
    """``document[k1][k2]...`` through objects only; None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(document, Mapping):
            return None
        document = document.get(key)
    return document


def redfish_health(value: Any) -> Health | None:
    found = text(value)
    return _HEALTH.get(found.lower()) if found else None


def state_of(document: Mapping[str, Any]) -> str | None:
    return text(dig(document, "Status", "State"))


def is_absent(document: Mapping[str, Any]) -> bool:
    return (state_of(document) or "").lower() == "absent"


def conditions(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``Status.Conditions`` (Resource 1.11): the problems the BMC says are active on this resource."""
    return objects(dig(document, "Status", "Conditions"))


def stated_health(document: Mapping[str, Any]) -> Health | None:
    """The device's own verdict on one resource, or None when it gives none.

    ``Status.Health`` (else ``HealthRollup``), ``FailurePredicted`` (the drive or the BMC predicts the
    failure: warning) and the severities of the resource's own conditions (:func:`own_conditions`):
    the worst of them.
    """
    status = mapping(document.get("Status"))
    found = [redfish_health(status.get("Health")) or redfish_health(status.get("HealthRollup"))]
    if document.get("FailurePredicted") is True:
        found.append(Health.WARNING)
    found += [redfish_health(condition.get("Severity")) for condition in own_conditions(document)]
    known = [health for health in found if health is not None]
    return Health.worst(known) if known else None


def solid_state(document: Mapping[str, Any]) -> bool:
    """Whether a drive's media wears out with writes (an SSD or NVMe drive): only then is a life-left figure wear.

    A spinning disk's ``PredictedMediaLifeLeftPercent`` (often 0, a placeholder) says nothing about wear.
    """
    media = (text(document.get("MediaType")) or "").lower()
    protocol = (text(document.get("Protocol")) or "").lower()
    return media == "ssd" or (media != "hdd" and protocol == "nvme")


def life_left(document: Mapping[str, Any]) -> float | None:
    """The drive's reported media life left, in percent, when it is a wear figure (solid-state media only)."""
    life = number(document.get("PredictedMediaLifeLeftPercent"))
    return life if life is not None and 0 <= life <= 100 and solid_state(document) else None


def own_conditions(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The conditions about this resource itself: a chassis also lists those of the parts in it, which point
    elsewhere (``OriginOfCondition``) and are those parts' business, not the chassis's."""
    itself = ref_key(document)
    return [
        condition for condition in conditions(document) if ref_key(condition.get("OriginOfCondition")) in (None, itself)
    ]


def judge(kind: ComponentKind, document: Mapping[str, Any]) -> tuple[Health, str | None]:
    """Health and reason of one resource: the device's own verdict first.

    When the device gives a verdict (:func:`stated_health`) that is the health, never raised by dcmaint's
    own reading (a PSU without input that the BMC still calls OK is OK; an SSD at 5 % life that the BMC
    calls OK is OK); what dcmaint reads only gives the words. Only when the device gives none does
    dcmaint judge: lost or out-of-range input, wear of solid-state media below 10 %. A resource
    that is ``UnavailableOffline`` is at least a warning whatever its Health says. A resource with no
    health at all and no working state is ``unknown``, "no health reported": listed, not a fault.

    >>> judge(ComponentKind.DISK, {"Status": {"State": "Enabled", "Health": "Warning"}, "MediaType": "SSD",
    ...       "FailurePredicted": True, "PredictedMediaLifeLeftPercent": 3})
    (<Health.WARNING: 'warning'>, 'predicted failure, 3% life left')
    >>> judge(ComponentKind.PSU, {"Status": {"State": "Enabled", "Health": "Critical"}, "LineInputVoltage": 0})
    (<Health.CRITICAL: 'critical'>, 'input lost')
    >>> judge(ComponentKind.PSU, {"Status": {"State": "Enabled", "Health": "OK"}, "LineInputVoltage": 0})
    (<Health.OK: 'ok'>, None)
    >>> judge(ComponentKind.FAN, {"Status": {"State": "Absent"}})
    (<Health.ABSENT: 'absent'>, None)
    """
    status = mapping(document.get("Status"))
    state = (text(status.get("State")) or "").lower()
    if state == "absent":
        return Health.ABSENT, None
    stated = stated_health(document)
    derived: list[Health] = []
    reasons: list[str] = []
    if kind is ComponentKind.PSU:
        _judge_input(document, state, derived, reasons)
    if document.get("FailurePredicted") is True:
        reasons.append("predicted failure")
    life = life_left(document)
    if life is not None and life < LIFE_LEFT_WARNING:
        derived.append(Health.WARNING)
        reasons.append(f"{life:g}% life left")
    if stated is not None:
        health = stated
    elif derived:
        health = Health.worst(derived)
    elif state in _WORKING_STATES or state == "unavailableoffline":
        health = Health.OK
    else:
        return Health.UNKNOWN, "no health reported"
    if state == "unavailableoffline":
        health = Health.worst([health, Health.WARNING])
        reasons.append("offline")
    if not health.is_fault:
        return health, None
    if not reasons:
        messages = [message for message in (text(c.get("Message")) for c in own_conditions(document)) if message]
        reasons = messages[:3] or (["failed"] if health is Health.CRITICAL else ["degraded"])
    return health, ", ".join(reasons)


def _judge_input(document: Mapping[str, Any], state: str, found: list[Health], reasons: list[str]) -> None:
    line = (text(document.get("LineInputStatus")) or "").lower()
    voltage = number(document.get("LineInputVoltage"))
    if line == "lossofinput" or (voltage == 0 and state not in ("disabled", "standbyoffline")):
        found.append(Health.CRITICAL)
        reasons.append("input lost")
    elif line == "outofrange":
        found.append(Health.WARNING)
        reasons.append("input out of range")


# -- where a part sits -------------------------------------------------------

_KIND_WORD = {
    ComponentKind.PSU: "PSU",
    ComponentKind.FAN: "Fan",
    ComponentKind.DIMM: "DIMM",
    ComponentKind.CPU: "CPU",
    ComponentKind.DISK: "Bay",
    ComponentKind.BATTERY: "Battery",
    ComponentKind.CONTROLLER: "Controller",
    ComponentKind.NIC: "Slot",
    ComponentKind.HBA: "Slot",
    ComponentKind.GPU: "Slot",
}
_KIND_HINTS = {
    ComponentKind.PSU: ("psu", "ps", "power"),
    ComponentKind.FAN: ("fan",),
    ComponentKind.DIMM: ("dimm", "mem"),
    ComponentKind.CPU: ("cpu", "proc", "socket", "p"),
}


def service_label(document: Mapping[str, Any]) -> str | None:
    """The label printed on the chassis: ``Location.PartLocation.ServiceLabel`` (or the older ``PhysicalLocation``)."""
    for key in ("Location", "PhysicalLocation"):
        label = text(dig(document, key, "PartLocation", "ServiceLabel"))
        if label:
            return label
    return None


def ordinal_label(document: Mapping[str, Any]) -> str | None:
    """ "Bay 4" / "Slot 3" from ``PartLocation.LocationType`` and ``LocationOrdinalValue``."""
    for key in ("Location", "PhysicalLocation"):
        part = mapping(dig(document, key, "PartLocation"))
        kind, ordinal = text(part.get("LocationType")), whole(part.get("LocationOrdinalValue"))
        if kind and ordinal is not None:
            return f"{kind} {ordinal}"
    return None


def legacy_location(document: Mapping[str, Any]) -> str | None:
    """Drive 1.0-1.3 ``Location``: an array of ``{Info, InfoFormat}`` such as "Bay 4"."""
    for entry in objects(document.get("Location")):
        info = text(entry.get("Info"))
        if info:
            return info
    return None


def kind_label(kind: ComponentKind, document: Mapping[str, Any]) -> str | None:
    """The kind's own standard label: a DIMM's ``DeviceLocator``, a CPU's ``Socket``, a card's slot label."""
    if kind is ComponentKind.DIMM:
        return text(document.get("DeviceLocator"))
    if kind is ComponentKind.CPU:
        return text(document.get("Socket"))
    if kind in (ComponentKind.NIC, ComponentKind.HBA, ComponentKind.GPU):
        return service_label(mapping(document.get("Slot")))
    return None


def decorate(kind: ComponentKind, label: str) -> str:
    """Put the kind's word before a bare number or short code ("2" -> "PSU 2", "A1" -> "DIMM A1").

    >>> decorate(ComponentKind.PSU, "2"), decorate(ComponentKind.CPU, "1")
    ('PSU 2', 'CPU 1')
    >>> decorate(ComponentKind.DIMM, "PROC 1 DIMM 3")
    'PROC 1 DIMM 3'
    """
    word = _KIND_WORD.get(kind)
    if word is None:
        return label
    lowered = label.lower()
    if label.isdigit():
        return f"{word} {label}"
    if len(label) <= 3 and not any(lowered.startswith(hint) for hint in _KIND_HINTS.get(kind, ())):
        return f"{word} {label}"
    return label


# -- what a part is ----------------------------------------------------------

_ATTRIBUTES = {
    "Protocol": "interface",
    "MediaType": "media",
    "MemoryDeviceType": "type",
    "FormFactor": "form_factor",
    "TotalCores": "cores",
    "TotalThreads": "threads",
    "PowerCapacityWatts": "capacity_watts",
    "ProcessorArchitecture": "architecture",
    "RAIDType": "raid_type",
    "DeviceType": "device_type",
    "PowerSupplyType": "supply_type",
    "ErrorCorrection": "ecc",
    "RankCount": "ranks",
}


def part_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """PartIdentity fields from the standard properties (None where the resource does not say)."""
    capacity = whole(document.get("CapacityBytes"))
    if capacity is None:
        capacity = whole(document.get("CapacityMiB"), 1024 * 1024)
    speed = None
    for key in ("OperatingSpeedMhz", "OperatingSpeedMHz", "MaxSpeedMHz"):
        speed = whole(document.get(key))
        if speed is not None:
            break
    link = whole(document.get("CapableSpeedGbs"), 1000)
    if link is None:
        link = whole(document.get("SpeedGbps"), 1000)
    if link is None:
        link = whole(document.get("SpeedMbps"))
    firmware = None
    for key in ("FirmwareVersion", "Revision", "FirmwareRevision"):
        firmware = text(document.get(key))
        if firmware:
            break
    attributes = {}
    for key, name in _ATTRIBUTES.items():
        value = text(document.get(key))
        if value:
            attributes[name] = value
    return {
        "manufacturer": text(document.get("Manufacturer")),
        "model": text(document.get("Model")),
        "part_number": text(document.get("PartNumber")),
        "spare_part_number": text(document.get("SparePartNumber")),
        "serial": text(document.get("SerialNumber")),
        "firmware": firmware,
        "capacity_bytes": capacity,
        "speed_mhz": speed,
        "link_mbps": link,
        "rpm": whole(document.get("RotationSpeedRPM")),
        "attributes": attributes,
    }
