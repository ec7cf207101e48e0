"""What sits in the chassis: the chassis itself, power supplies, fans, batteries, adapters, assemblies, sensors.

Two generations of the same facts: the legacy ``Power`` and ``Thermal``
resources (arrays of PowerSupplies, Fans, Temperatures, Voltages with
thresholds) and the newer ``PowerSubsystem`` / ``ThermalSubsystem`` (one
resource per part, with Location and SparePartNumber) plus ``Sensors``.
Firmware often serves both; parts come from the newer tree when it lists
any, from the legacy arrays otherwise, so that a part is never listed twice.
Sensors come from the legacy arrays, which carry the thresholds, and from
``Sensors``/``ThermalMetrics`` only when the legacy resource is missing.
A legacy entry that describes a modern part again is registered as that
part, so that a condition or a sensor pointing at either finds the one part;
a sensor names the part it measures (a legacy fan entry is the fan and its
speed; ``RelatedItem``; the part's ``DataSourceUri``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import Component, ComponentKind, Health, Sensor, Thresholds
from dcmaint_redfish.parse.context import Context
from dcmaint_redfish.parse.fields import dig, mapping, number, objects, redfish_health, state_of, text
from dcmaint_redfish.parse.system import pcie_kind
from dcmaint_redfish.parse.vendor import Document
from dcmaint_redfish.paths import link, ref_key

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


def enclosure(ctx: Context, chassis: Document, path: str) -> None:
    """The chassis itself (a server's case, a blade, a tray): an ``enclosure`` part with its identity.

    Its health is its own: ``UnavailableOffline`` is a fault whatever Health says, and a Health that only
    rolls up a faulty part inside it is not a second fault (see :meth:`Context.finish`).
    """
    ctx.component(ComponentKind.ENCLOSURE, chassis, fallback=ctx.labels[path], chassis=path)


def power_supplies(ctx: Context, chassis: Document) -> None:
    subsystem = ctx.follow(chassis.get("PowerSubsystem"))
    modern = ctx.members(mapping(subsystem).get("PowerSupplies"))
    power = link(chassis.get("Power"))
    entries = objects(mapping(ctx.doc(power)).get("PowerSupplies"))
    built = [
        ctx.component(ComponentKind.PSU, document, fallback=text(document.get("Id")) or str(index))
        for index, document in enumerate(modern, 1)
    ]
    for index, document in enumerate(entries):
        keys = (ref_key(document), f"{power}#/PowerSupplies/{index}" if power else None)
        if modern:  # the same supplies again: their conditions and sensors still find the part
            twin = _twin(document, index, entries, built)
            if twin is not None:
                ctx.alias(twin, keys)
        else:
            fallback = _legacy_label("PSU", document, entries, index + 1)
            ctx.component(ComponentKind.PSU, document, fallback=fallback, keys=tuple(filter(None, keys)))
    for index, document in enumerate(ctx.members(mapping(subsystem).get("Batteries")), 1):
        ctx.component(ComponentKind.BATTERY, document, fallback=text(document.get("Id")) or str(index))


def fans(ctx: Context, chassis: Document) -> None:
    subsystem = ctx.follow(chassis.get("ThermalSubsystem"))
    modern = ctx.members(mapping(subsystem).get("Fans"))
    thermal = link(chassis.get("Thermal"))
    legacy = objects(mapping(ctx.doc(thermal)).get("Fans"))
    built = [
        ctx.component(ComponentKind.FAN, document, fallback=text(document.get("Id")) or str(index))
        for index, document in enumerate(modern, 1)
    ]
    for index, document in enumerate(legacy):
        label = text(document.get("FanName")) or _legacy_label("Fan", document, legacy, index + 1)
        keys = (ref_key(document), f"{thermal}#/Fans/{index}" if thermal else None)
        if modern:
            fan = _twin(document, index, legacy, built)
            if fan is not None:
                ctx.alias(fan, keys)
        else:
            fan = ctx.component(ComponentKind.FAN, document, fallback=label, keys=tuple(filter(None, keys)))
            label = fan.location
        reading = number(document.get("Reading"))
        if reading is not None:
            unit = _UNIT_NAMES.get((text(document.get("ReadingUnits")) or "rpm").lower(), "RPM")
            sensor = _sensor(label, reading, unit, document, _legacy_thresholds(document), "Fan")
            ctx.sensor(sensor, about=fan if fan is not None else ())


def _twin(document: Document, index: int, entries: list[Mapping[str, Any]], built: list[Component]) -> Component | None:
    """The modern part that a legacy array entry describes again: same serial, same label, else same place."""
    serial = text(document.get("SerialNumber"))
    if serial:
        same = [component for component in built if component.part and component.part.serial == serial]
        if len(same) == 1:
            return same[0]
    names = {text(document.get(key)) for key in ("FanName", "Name")} - {None}
    named = [component for component in built if component.location in names]
    if len(named) == 1:
        return named[0]
    return built[index] if len(entries) == len(built) else None


def _legacy_label(word: str, document: Document, entries: list[Mapping[str, Any]], index: int) -> str:
    """Name, or "PSU n" from a numeric MemberId (counted from 1 when the BMC counts from 0)."""
    name = text(document.get("Name"))
    member = text(document.get("MemberId"))
    if member is not None and member.isdigit():
        offset = 1 if any(text(entry.get("MemberId")) == "0" for entry in entries) else 0
        numbered = f"{word} {int(member) + offset}"
        return name if name and any(char.isdigit() for char in name) else numbered
    return name or f"{word} {index}"


def _related(document: Document) -> tuple[str | None, ...]:
    return tuple(ref_key(item) for item in objects(document.get("RelatedItem")))


def legacy_sensors(ctx: Context, chassis: Document) -> None:
    thermal = ctx.follow(chassis.get("Thermal"))
    power = ctx.follow(chassis.get("Power"))
    arrays = (
        (mapping(thermal).get("Temperatures"), "ReadingCelsius", "Cel", "Temperature"),
        (mapping(power).get("Voltages"), "ReadingVolts", "V", "Voltage"),
    )
    for entries, reading, unit, word in arrays:
        for document in objects(entries):
            name = text(document.get("Name")) or text(document.get("MemberId")) or word
            sensor = _sensor(
                name,
                number(document.get(reading)),
                unit,
                document,
                _legacy_thresholds(document),
                text(document.get("PhysicalContext")),
            )
            ctx.sensor(sensor, about=_related(document), key=ref_key(document))
    for index, control in enumerate(objects(mapping(power).get("PowerControl")), 1):
        consumed = number(control.get("PowerConsumedWatts"))
        if consumed is not None:
            name = text(control.get("Name")) or f"Power control {index}"
            ctx.sensor(Sensor(f"{name}: consumed", consumed, "W", Health.OK))
    if thermal is None:
        _modern_sensors(ctx, chassis)


def _modern_sensors(ctx: Context, chassis: Document) -> None:
    """Sensors of firmware without the legacy Thermal resource: the Sensors collection, else ThermalMetrics."""
    listed = ctx.members(chassis.get("Sensors"))
    for document in listed:
        name = text(document.get("Name")) or text(document.get("Id")) or "Sensor"
        kind = (text(document.get("ReadingType")) or "").lower()
        unit = text(document.get("ReadingUnits")) or _UNITS.get(kind, "")
        sensor = _sensor(
            name,
            number(document.get("Reading")),
            _UNIT_NAMES.get(unit.lower(), unit),
            document,
            _modern_thresholds(document),
            text(document.get("PhysicalContext")),
        )
        ctx.sensor(sensor, about=_related(document), key=ref_key(document))
    if listed:
        return
    metrics = ctx.follow(mapping(ctx.follow(chassis.get("ThermalSubsystem"))).get("ThermalMetrics"))
    for index, reading in enumerate(objects(mapping(metrics).get("TemperatureReadingsCelsius")), 1):
        value = number(reading.get("Reading"))
        if value is not None:
            name = text(reading.get("DeviceName")) or text(reading.get("PhysicalContext")) or f"Temperature {index}"
            ctx.sensor(Sensor(name, value, "Cel", Health.OK, location=text(reading.get("PhysicalContext"))))


def assemblies(ctx: Context, chassis: Document) -> None:
    """The chassis's ``Assembly`` records (system board, backplane, risers): parts with their own numbers.

    An assembly that is a part already reported (same serial number) is that part, not a second one.
    """
    where = ref_key(chassis.get("Assembly"))
    document = ctx.doc(where.partition("#")[0] if where else None)
    serials = {c.part.serial: c for c in ctx.components if c.part and c.part.serial}
    for index, entry in enumerate(objects(mapping(document).get("Assemblies"))):
        keys = (ref_key(entry), f"{where}#/Assemblies/{index}")
        serial = text(entry.get("SerialNumber"))
        if serial in serials:
            ctx.alias(serials[serial], keys)
            continue
        name = text(entry.get("Name"))
        attributes = {
            label: value
            for label, value in (
                ("version", text(entry.get("Version"))),
                ("engineering_change_level", text(entry.get("EngineeringChangeLevel"))),
                ("sku", text(entry.get("SKU"))),
            )
            if value
        }
        ctx.component(
            ComponentKind.MODULE,
            entry,
            fallback=name or text(entry.get("MemberId")) or f"Assembly {index + 1}",
            name=name,
            part={"manufacturer": text(entry.get("Producer")) or text(entry.get("Vendor")), "attributes": attributes},
            keys=tuple(filter(None, keys)),
        )


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
    """The sensor, judged by the BMC's own health; by its thresholds only when the BMC gives none.

    Thresholds never overrule the BMC: placeholder limits (a lower warning above the reading) are common,
    and a sensor the BMC calls OK is OK, one it calls Warning is a warning, not critical.
    """
    state = (state_of(document) or "").lower()
    if state in _NOT_READING:
        return Sensor(name, value, unit, Health.ABSENT, thresholds, location)
    stated = redfish_health(dig(document, "Status", "Health"))
    if stated is not None:
        return Sensor(name, value, unit, stated, thresholds, location)
    if value is None:
        return Sensor(name, value, unit, Health.ABSENT, thresholds, location)
    return Sensor(name, value, unit, thresholds.judge(value), thresholds, location)


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
