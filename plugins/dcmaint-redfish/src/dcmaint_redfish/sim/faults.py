"""What each ``--faults`` target means to a simulated Redfish BMC.

Part faults (``psu``, ``disk``, ``dimm``, ``fan``, ``battery``, ``cpu``; and on
the facility flavours ``filter``, ``pump``, ``leak``, ``outlet``, ``breaker``,
see :mod:`dcmaint_redfish.sim.facility`) change the served tree: the part's
own fields as a BMC of that generation would show them, a ``Status.Conditions`` entry saying what happened, and the
health rollups above it (the containing resources, every System and Chassis,
the System's Memory/Processor summaries, redundancy groups), so a client
reading only the top-level rollup still sees the problem. Service faults
(``http``, ``hang``, ``slow``, ``malformed``, ``sessions``) change how the
BMC answers, see ``Behaviour``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dcmaint.drivers.simulators import FaultSpec
from dcmaint.errors import UsageError
from dcmaint_redfish.sim import facility, locate

Doc = dict[str, Any]

#: Part kind -> (default state, accepted states); "failed" is "critical", "degraded" is "warning".
PART_STATES = {
    "psu": ("critical", {"critical", "failed", "warning", "degraded", "absent"}),
    "disk": ("predicted", {"predicted", "critical", "failed", "warning", "degraded", "absent"}),
    "dimm": ("degraded", {"degraded", "warning", "critical", "failed", "absent"}),
    "fan": ("absent", {"absent", "critical", "failed", "warning", "degraded"}),
    "battery": ("failed", {"failed", "critical", "warning", "degraded", "absent"}),
    "cpu": ("critical", {"critical", "failed", "warning", "degraded"}),
    **facility.PART_STATES,
}
SERVICE = {"http", "hang", "slow", "malformed", "sessions"}
_HEALTH = {
    "critical": "Critical",
    "failed": "Critical",
    "warning": "Warning",
    "degraded": "Warning",
    "predicted": "Warning",
    "absent": "Warning",
}
_ORDER = {"OK": 0, "Warning": 1, "Critical": 2}
_REASONS = {
    ("psu", "Critical"): "input power lost",
    ("disk", "predicted"): "predictive failure",
    ("dimm", "Warning"): "correctable ECC error threshold exceeded",
    ("dimm", "Critical"): "uncorrectable ECC error",
    ("fan", "Critical"): "fan stopped",
    ("battery", "Critical"): "cache battery failed",
    ("cpu", "Critical"): "internal error (IERR)",
}


@dataclass(frozen=True)
class PartFault:
    kind: str
    number: int
    state: str  # one of PART_STATES[kind][1], aliases resolved: critical, warning, predicted, absent


def _bad(spec: FaultSpec, reason: str) -> UsageError:
    return UsageError(f"bad fault {spec.text or spec.fault!r}: {reason}")


def _number(spec: FaultSpec, low: int, high: int, what: str) -> int:
    if spec.value is None or not spec.value.isdigit() or not low <= int(spec.value) <= high:
        raise _bad(spec, f"{spec.target} needs {what} ({low}-{high}) after '='")
    return int(spec.value)


def check(spec: FaultSpec) -> None:
    """UsageError for a target or value a Redfish BMC simulator does not know."""
    if spec.target in facility.PART_STATES:
        problem = facility.check_value(spec.target, spec.value)
        if problem is not None:
            raise _bad(spec, problem)
        return
    if spec.target in PART_STATES:
        accepted = PART_STATES[spec.target][1]
        if spec.value is not None and spec.value not in accepted:
            raise _bad(spec, f"{spec.target} can be {', '.join(sorted(accepted))}")
        return
    if spec.target not in SERVICE:
        known = ", ".join([*PART_STATES, *sorted(SERVICE)])
        raise _bad(spec, f"unknown target {spec.target!r} (known: {known})")
    if spec.index is not None:
        raise _bad(spec, f"{spec.target} takes no part number")
    if spec.target == "http":
        _number(spec, 400, 599, "an HTTP status")
    elif spec.target == "slow":
        _number(spec, 0, 600_000, "milliseconds")
    elif spec.target == "sessions":
        _number(spec, 1, 1000, "a session limit")
    elif spec.value is not None:
        raise _bad(spec, f"{spec.target} takes no value")


def describe(spec: FaultSpec) -> str:
    """The fault as an endpoint lists it, defaults filled in: ``psu:2`` -> ``psu:2=critical``."""
    if spec.target in PART_STATES:
        return f"{spec.target}:{spec.index or 1}={spec.value or PART_STATES[spec.target][0]}"
    return spec.fault


def part_faults(specs: Iterable[FaultSpec]) -> tuple[PartFault, ...]:
    """The part faults among ``specs``, defaults filled in and aliases resolved."""
    aliases = {"failed": "critical", "degraded": "warning"}
    found = []
    for spec in specs:
        if spec.target in PART_STATES:
            state = spec.value or PART_STATES[spec.target][0]
            found.append(PartFault(spec.target, spec.index or 1, aliases.get(state, state)))
    return tuple(found)


def _worse(current: Any, new: str) -> str:
    return new if _ORDER.get(new, 0) > _ORDER.get(str(current), 0) else str(current or "OK")


def _condition(part: Doc, fault: PartFault, path: str, health: str) -> Doc:
    name = part.get("Name") or f"{fault.kind.upper()} {fault.number}"
    reason = (
        "not present"
        if fault.state == "absent"
        else _REASONS.get((fault.kind, fault.state))
        or _REASONS.get((fault.kind, health))
        or ("failed" if health == "Critical" else "degraded")
    )
    return {
        "MessageId": f"Simulator.1.0.{fault.kind.capitalize()}{fault.state.capitalize()}",
        "Message": f"{name}: {reason}.",
        "Severity": health,
        "OriginOfCondition": {"@odata.id": part.get("@odata.id") or path},
    }


def _break(part: Doc, fault: PartFault, path: str) -> tuple[str, Doc] | None:
    """Change one part's object in place; returns the health its parents roll up and the condition they list
    (None: nothing to roll up)."""
    if fault.kind in facility.PART_STATES:
        return facility.break_part(part, fault.kind, fault.state, path)
    health = _HEALTH[fault.state]
    condition = _condition(part, fault, path, health)
    if "PrimaryStatus" in part and "Status" not in part:  # Dell OEM objects: their own status words
        part["PrimaryStatus"] = {"Critical": "Error", "Warning": "Degraded"}[health]
        return health, condition
    status = part.setdefault("Status", {})
    if fault.state == "absent":
        status.clear()
        status["State"] = "Absent"
        for key in ("Reading", "LineInputVoltage", "LastPowerOutputWatts", "PowerInputWatts"):
            if key in part:
                part[key] = None
        return health, condition
    status["Health"] = health
    if fault.kind == "psu" and health == "Critical":
        for key in ("LineInputVoltage", "LastPowerOutputWatts", "PowerInputWatts", "PowerOutputWatts"):
            if key in part:
                part[key] = 0
        if "LineInputStatus" in part or "#PowerSupply." in str(part.get("@odata.type")):
            part["LineInputStatus"] = "LossOfInput"
    elif fault.kind == "disk" and fault.state == "predicted":
        part["FailurePredicted"] = True
        if "PredictedMediaLifeLeftPercent" in part or str(part.get("MediaType")).upper() == "SSD":
            part["PredictedMediaLifeLeftPercent"] = 3  # wear is a figure of solid-state drives only
        if "DiskDriveStatusReasons" in part or "SmartStorage" in str(part.get("@odata.type")):
            part["DiskDriveStatusReasons"] = ["PredictiveFailure"]
    elif fault.kind == "fan" and health == "Critical":
        if "Reading" in part:
            part["Reading"] = 0
        if isinstance(part.get("SpeedPercent"), dict):
            part["SpeedPercent"] = {**part["SpeedPercent"], "Reading": 0, "SpeedRPM": 0}
    status["Conditions"] = [*status.get("Conditions", []), condition]
    return health, condition


#: HPE's per-subsystem summary (``Oem.Hpe.AggregateHealthStatus``): which entry each part kind rolls up to.
_AGGREGATE = {
    "psu": "PowerSupplies",
    "fan": "Fans",
    "dimm": "Memory",
    "cpu": "Processors",
    "disk": "Storage",
    "battery": "SmartStorageBattery",
}


def _aggregate(doc: Doc, kind: str, health: str) -> None:
    for oem in (doc.get("Oem") or {}).values():
        entry = oem.get("AggregateHealthStatus", {}).get(_AGGREGATE.get(kind)) if isinstance(oem, dict) else None
        if isinstance(entry, dict) and isinstance(entry.get("Status"), dict):
            entry["Status"]["Health"] = _worse(entry["Status"].get("Health"), health)


#: The resources that list every part's condition: systems and chassis, and facility units (CDU, PDU).
_TOP = ("#ComputerSystem.", "#Chassis.", "#CoolingUnit.", "#PowerDistribution.")


def _roll_up(resources: dict[str, Doc], touched: set[str], path: str, kind: str, health: str, condition: Doc) -> None:
    """Raise HealthRollup above a broken part (containing documents, every System and Chassis, summaries).

    Every System and Chassis also lists the part's condition, as firmware with Resource 1.11 does.
    """
    summary = {"dimm": "MemorySummary", "cpu": "ProcessorSummary"}.get(kind)
    for key in list(resources):
        doc = resources[key]
        top = str(doc.get("@odata.type", "")).startswith(_TOP)
        status = doc.get("Status")
        container = path.startswith(key + "/") and isinstance(status, dict) and "HealthRollup" in status
        redundancy = key == path and kind in ("psu", "fan") and bool(doc.get("Redundancy"))
        if not (top or container or redundancy):
            continue
        if key not in touched:
            resources[key] = doc = copy.deepcopy(doc)
            touched.add(key)
        if top or container:
            status = doc.setdefault("Status", {})
            status["HealthRollup"] = _worse(status.get("HealthRollup") or status.get("Health"), health)
        listed = [item.get("Message") for item in status.get("Conditions", ())] if top else ()
        if top and condition["Message"] not in listed:  # once, though a part may show in two views
            status["Conditions"] = [*status.get("Conditions", []), condition]
        if top and summary and isinstance(doc.get(summary), dict):
            inner = doc[summary].setdefault("Status", {})
            inner["HealthRollup"] = _worse(inner.get("HealthRollup") or inner.get("Health"), health)
        if top:
            _aggregate(doc, kind, health)
        for group in doc.get("Redundancy") or () if redundancy else ():
            if isinstance(group, dict) and isinstance(group.get("Status"), dict):
                group["Status"]["Health"] = _worse(group["Status"].get("Health"), "Warning")


def apply(base: Mapping[str, Doc], faults: Iterable[PartFault], flavour: str) -> dict[str, Doc]:
    """A copy of ``base`` with ``faults`` applied (documents not involved are shared, not copied)."""
    resources = dict(base)
    touched: set[str] = set()
    for fault in faults:
        parts = locate.nth(resources, fault.kind, fault.number)
        if not parts:
            have = locate.count(resources, fault.kind)
            raise UsageError(
                f"bad fault {fault.kind}:{fault.number}: flavour {flavour!r} has {have} fitted {fault.kind} part(s)"
            )
        for part in parts:
            if part.path not in touched:
                resources[part.path] = copy.deepcopy(resources[part.path])
                touched.add(part.path)
            where = part.path + ("#/" + "/".join(map(str, part.pointer)) if part.pointer else "")
            broken = _break(part.resolve(resources), fault, where)
            if broken is not None:
                _roll_up(resources, touched, part.path, fault.kind, *broken)
    return resources
