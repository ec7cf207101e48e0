"""What sits in the chassis: power supplies, fans, batteries, network adapters, and the sensors.

Two generations of the same facts: the legacy ``Power`` and ``Thermal``
resources (arrays of PowerSupplies, Fans, Temperatures, Voltages with
thresholds) and the newer ``PowerSubsystem`` / ``ThermalSubsystem`` (one
resource per part, with Location and SparePartNumber) plus ``Sensors``.
Firmware often serves both; parts come from the newer tree when it lists
any, from the legacy arrays otherwise, so that a part is never listed twice.
Sensors come from the legacy arrays, which carry the thresholds, and from
``Sensors``/``ThermalMetrics`` only when the legacy resource is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import ComponentKind, Health, Sensor, Thresholds
from dcmaint_redfish.parse.context import Context
from dcmaint_redfish.parse.fields import dig, mapping, number, objects, redfish_health, state_of, text
from dcmaint_redfish.parse.system import pcie_kind
from dcmaint_redfish.parse.vendor import Document

_UNITS = {
    "temperature": "Cel",
    "voltage": "V",
    "current": "A",
    "power": "W",
    "rotational": "RPM",
    "percent": "%",
    "humidity": "%RH",
    "pressure": "Pa",
    "frequency": "Hz",
    "energykwh": "kWh",
    "airflow": "ft3/min",
    "liquidflow": "L/min",
}
_UNIT_NAMES = {"percent": "%", "rpm": "RPM", "cel": "Cel", "v": "V", "a": "A", "w": "W"}
_NOT_READING = ("absent", "disabled", "unavailableoffline")


def power_supplies(ctx: Context, chassis: Document) -> None:
    subsystem = ctx.follow(chassis.get("PowerSubsystem"))
    modern = ctx.members(mapping(subsystem).get("PowerSupplies"))
    if modern:
        for index, document in enumerate(modern, 1):
            ctx.component(ComponentKind.PSU, document, fallback=text(document.get("Id")) or str(index))
    else:
        entries = objects(mapping(ctx.follow(chassis.get("Power"))).get("PowerSupplies"))
        for index, document in enumerate(entries, 1):
            ctx.component(ComponentKind.PSU, document, fallback=_legacy_label("PSU", document, entries, index))
    for index, document in enumerate(ctx.members(mapping(subsystem).get("Batteries")), 1):
        ctx.component(ComponentKind.BATTERY, document, fallback=text(document.get("Id")) or str(index))


def fans(ctx: Context, chassis: Document, sensors: list[Sensor]) -> None:
    subsystem = ctx.follow(chassis.get("ThermalSubsystem"))
    modern = ctx.members(mapping(subsystem).get("Fans"))
    legacy = objects(mapping(ctx.follow(chassis.get("Thermal"))).get("Fans"))
    for index, document in enumerate(modern, 1):
        ctx.component(ComponentKind.FAN, document, fallback=text(document.get("Id")) or str(index))
    for index, document in enumerate(legacy, 1):
        label = text(document.get("FanName")) or _legacy_label("Fan", document, legacy, index)
        if not modern:
            label = ctx.component(ComponentKind.FAN, document, fallback=label).location
        reading = number(document.get("Reading"))
        if reading is not None:
            unit = _UNIT_NAMES.get((text(document.get("ReadingUnits")) or "rpm").lower(), "RPM")
            sensors.append(_sensor(label, reading, unit, document, _legacy_thresholds(document), "Fan"))


def _legacy_label(word: str, document: Document, entries: list[Mapping[str, Any]], index: int) -> str:
    """Name, or "PSU n" from a numeric MemberId (counted from 1 when the BMC counts from 0)."""
    name = text(document.get("Name"))
    member = text(document.get("MemberId"))
    if member is not None and member.isdigit():
        offset = 1 if any(text(entry.get("MemberId")) == "0" for entry in entries) else 0
        numbered = f"{word} {int(member) + offset}"
        return name if name and any(char.isdigit() for char in name) else numbered
    return name or f"{word} {index}"


def legacy_sensors(ctx: Context, chassis: Document, sensors: list[Sensor]) -> None:
    thermal = ctx.follow(chassis.get("Thermal"))
    power = ctx.follow(chassis.get("Power"))
    for document in objects(mapping(thermal).get("Temperatures")):
        name = text(document.get("Name")) or text(document.get("MemberId")) or "Temperature"
        sensors.append(
            _sensor(
                name,
                number(document.get("ReadingCelsius")),
                "Cel",
                document,
                _legacy_thresholds(document),
                text(document.get("PhysicalContext")),
            )
        )
    for document in objects(mapping(power).get("Voltages")):
        name = text(document.get("Name")) or text(document.get("MemberId")) or "Voltage"
        sensors.append(
            _sensor(
                name,
                number(document.get("ReadingVolts")),
                "V",
                document,
                _legacy_thresholds(document),
                text(document.get("PhysicalContext")),
            )
        )
    for index, control in enumerate(objects(mapping(power).get("PowerControl")), 1):
        consumed = number(control.get("PowerConsumedWatts"))
        if consumed is not None:
            name = text(control.get("Name")) or f"Power control {index}"
            sensors.append(Sensor(f"{name}: consumed", consumed, "W", Health.OK))
    if thermal is None:
        _modern_sensors(ctx, chassis, sensors)


def _modern_sensors(ctx: Context, chassis: Document, sensors: list[Sensor]) -> None:
    """Sensors of firmware without the legacy Thermal resource: the Sensors collection, else ThermalMetrics."""
    listed = ctx.members(chassis.get("Sensors"))
    for document in listed:
        name = text(document.get("Name")) or text(document.get("Id")) or "Sensor"
        kind = (text(document.get("ReadingType")) or "").lower()
        unit = text(document.get("ReadingUnits")) or _UNITS.get(kind, "")
        sensors.append(
            _sensor(
                name,
                number(document.get("Reading")),
                _UNIT_NAMES.get(unit.lower(), unit),
                document,
                _modern_thresholds(document),
                text(document.get("PhysicalContext")),
            )
        )
    if listed:
        return
    metrics = ctx.follow(mapping(ctx.follow(chassis.get("ThermalSubsystem"))).get("ThermalMetrics"))
    for index, reading in enumerate(objects(mapping(metrics).get("TemperatureReadingsCelsius")), 1):
        value = number(reading.get("Reading"))
        if value is not None:
            name = text(reading.get("DeviceName")) or text(reading.get("PhysicalContext")) or f"Temperature {index}"
            sensors.append(Sensor(name, value, "Cel", Health.OK, location=text(reading.get("PhysicalContext"))))


def _legacy_thresholds(document: Document) -> Thresholds:
    def pick(*keys: str) -> float | None:
        for key in keys:
            found = number(document.get(key))
            if found is not None:
                return found
        return None

    return Thresholds(
        lower_critical=pick("LowerThresholdCritical", "LowerThresholdFatal"),
        lower_warning=pick("LowerThresholdNonCritical"),
        upper_warning=pick("UpperThresholdNonCritical"),
        upper_critical=pick("UpperThresholdCritical", "UpperThresholdFatal"),
    )


def _modern_thresholds(document: Document) -> Thresholds:
    limits = mapping(document.get("Thresholds"))

    def pick(*keys: str) -> float | None:
        for key in keys:
            found = number(dig(limits, key, "Reading"))
            if found is not None:
                return found
        return None

    return Thresholds(
        lower_critical=pick("LowerCritical", "LowerFatal"),
        lower_warning=pick("LowerCaution"),
        upper_warning=pick("UpperCaution"),
        upper_critical=pick("UpperCritical", "UpperFatal"),
    )


def _sensor(
    name: str, value: float | None, unit: str, document: Document, thresholds: Thresholds, location: str | None
) -> Sensor:
    """The sensor, judged by the BMC's own health and by its thresholds, whichever is worse."""
    state = (state_of(document) or "").lower()
    if state in _NOT_READING:
        return Sensor(name, value, unit, Health.ABSENT, thresholds, location)
    stated = redfish_health(dig(document, "Status", "Health"))
    found = [health for health in (stated, thresholds.judge(value) if value is not None else None) if health]
    if not found:
        return Sensor(name, value, unit, Health.ABSENT if value is None else Health.OK, thresholds, location)
    return Sensor(name, value, unit, Health.worst(found), thresholds, location)


def network_adapters(ctx: Context, chassis: Document, adapters: dict[str, str]) -> None:
    """NetworkAdapters: NICs, or HBAs when they speak Fibre Channel. Records what was reported in ``adapters``."""
    for index, adapter in enumerate(ctx.members(chassis.get("NetworkAdapters")), 1):
        kind = ComponentKind.HBA if pcie_kind(adapter) is ComponentKind.HBA else ComponentKind.NIC
        controllers = objects(adapter.get("Controllers"))
        firmware = next(filter(None, (text(item.get("FirmwarePackageVersion")) for item in controllers)), None)
        built = ctx.component(
            kind,
            adapter,
            fallback=text(adapter.get("Name")) or text(adapter.get("Id")) or str(index),
            part={"firmware": firmware},
        )
        serial = built.part.serial if built.part else None
        adapters[serial or f"#{index}:{built.location}"] = built.location
