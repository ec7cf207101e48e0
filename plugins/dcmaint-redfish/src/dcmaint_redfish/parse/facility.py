"""Facility equipment that speaks Redfish: coolant distribution units and power distribution.

DMTF added two trees beside the servers' ``Systems`` and ``Chassis``:
``/redfish/v1/ThermalEquipment`` (``CDUs``, ``ImmersionUnits``,
``HeatExchangers``: each a ``CoolingUnit`` with ``Pumps``, ``Filters``,
``Reservoirs``, ``LeakDetection``, ``PrimaryCoolantConnectors``,
``SecondaryCoolantConnectors`` and ``EnvironmentMetrics``) and
``/redfish/v1/PowerEquipment`` (``RackPDUs``, ``FloorPDUs``, ``PowerShelves``,
``TransferSwitches``: each a ``PowerDistribution`` with ``Mains``,
``Branches``, ``Subfeeds``, ``Feeders`` (``Circuit``), ``Outlets``,
``PowerSupplies`` and ``Sensors``). The property names below are the
schemas' (CoolingUnit 1.x, Pump, Filter, Reservoir, LeakDetection,
LeakDetector, CoolantConnector, PowerDistribution, Circuit, Outlet).

Each unit is an ``enclosure`` part standing for itself, like a chassis: its
``Status.Health`` usually rolls up its parts, so it is a fault of its own only
when no faulty part inside explains it (:meth:`Context.finish`). The parts:

| resource | component kind | judged by (the device's verdict first) |
|---|---|---|
| Pump | ``other`` ("Pump") | ``Status`` |
| Filter | ``filter``, consumable | ``Status``; ``ServiceHours`` past ``filter_wear`` % of ``RatedServiceHours`` |
| LeakDetector | ``sensor`` ("Leak detector") | ``Status`` and ``DetectorState`` (Warning, Critical), the worse |
| Reservoir | ``other`` ("Reservoir") | ``Status`` and ``FluidLevelStatus``, the worse |
| CoolantConnector | ``other`` ("Primary/Secondary coolant connector") | ``Status`` |
| Circuit | ``other`` ("Mains/Branch/Subfeed/Feeder circuit") | ``Status``; ``BreakerState`` Tripped: critical |
| Outlet | ``other`` ("Outlet") | ``Status`` (none given: listed, no health reported) |
| PowerSupply | ``psu`` | the standard PSU reading |

Readings (sensor excerpts such as ``PumpSpeedPercent``,
``SupplyTemperatureCelsius``, ``CurrentAmps``) become sensors of the part
they belong to; an excerpt whose ``DataSourceUri`` names a ``Sensor``
resource that was read is reported once, from that resource (it carries the
thresholds and the sensor's own health). Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dcmaint.drivers import Component, ComponentKind, DeviceIdentity, Health, Sensor
from dcmaint_redfish.parse.chassis import _modern_sensors as sensor_collection
from dcmaint_redfish.parse.context import Context, Place
from dcmaint_redfish.parse.fields import judge, mapping, number, objects, redfish_health, service_label, text
from dcmaint_redfish.parse.vendor import Document
from dcmaint_redfish.paths import link, ref_key

#: Service root property -> the collections of equipment under it.
GROUPS = {
    "ThermalEquipment": ("CDUs", "ImmersionUnits", "HeatExchangers"),
    "PowerEquipment": ("RackPDUs", "FloorPDUs", "PowerShelves", "TransferSwitches"),
}
#: Collections and single resources of one unit the crawler reads (CoolingUnit and PowerDistribution together:
#: a name one schema lacks is simply not there).
UNIT_COLLECTIONS = (
    "Pumps",
    "Filters",
    "Reservoirs",
    "PrimaryCoolantConnectors",
    "SecondaryCoolantConnectors",
    "Mains",
    "Branches",
    "Subfeeds",
    "Feeders",
    "Outlets",
    "PowerSupplies",
    "Sensors",
)
UNIT_RESOURCES = ("LeakDetection", "EnvironmentMetrics")
#: Default of option ``filter_wear``: percent of a filter's rated service hours from which it is a warning.
DEFAULT_FILTER_WEAR = 90.0

_GROUP_WORD = {
    "CDUs": "CDU",
    "ImmersionUnits": "Immersion unit",
    "HeatExchangers": "Heat exchanger",
    "RackPDUs": "Rack PDU",
    "FloorPDUs": "Floor PDU",
    "PowerShelves": "Power shelf",
    "TransferSwitches": "Transfer switch",
}
_CIRCUITS = (("Mains", "Mains"), ("Branches", "Branch"), ("Subfeeds", "Subfeed"), ("Feeders", "Feeder"))
_STATE_HEALTH = {"ok": Health.OK, "warning": Health.WARNING, "critical": Health.CRITICAL}


def units(ctx: Context, root: Document) -> list[tuple[str, Document]]:
    """(collection name, document) of every cooling unit and power distribution unit the service lists."""
    found: list[tuple[str, Document]] = []
    for top, groups in GROUPS.items():
        holder = ctx.follow(root.get(top))
        for group in groups:
            found += [(group, unit) for unit in ctx.members(mapping(holder).get(group))]
    return found


def equipment(ctx: Context, root: Document, *, filter_wear: float | None) -> list[Document]:
    """Build the parts and sensors of every unit; the unit documents (their conditions become alarms)."""
    found = units(ctx, root)
    for index, (group, unit) in enumerate(found, 1):
        path = ref_key(unit) or f"equipment #{index}"
        label = _unit_label(unit, group, index)
        ctx.labels[path] = label
        with ctx.inside(Place(None, frozenset())):
            ctx.component(ComponentKind.ENCLOSURE, unit, fallback=label, name=_GROUP_WORD[group], chassis=path)
        with ctx.inside(Place(path, frozenset({path}))):
            _cooling_parts(ctx, unit, filter_wear)
            _power_parts(ctx, unit)
            _environment(ctx, unit)
            sensor_collection(ctx, unit)
    return [unit for _group, unit in found]


def identity(root: Document, found: list[Document], managers: Mapping[str, str]) -> DeviceIdentity | None:
    """Who the device is when it is facility equipment (no ComputerSystem): its first unit, else None.

    ``managers`` are the firmware versions read elsewhere (the equipment's controller, the inventory).
    """
    if not found:
        return None
    unit = found[0]
    firmware = dict(managers)
    for index, document in enumerate(found, 1):
        version = text(document.get("FirmwareVersion"))
        if version:
            firmware.setdefault(text(document.get("Name")) or f"Unit {index}", version)
    version = text(root.get("RedfishVersion"))
    if version:
        firmware.setdefault("Redfish", version)
    return DeviceIdentity(
        vendor=text(unit.get("Manufacturer")) or text(root.get("Vendor")),
        model=text(unit.get("Model")) or text(root.get("Product")),
        serial=text(unit.get("SerialNumber")),
        firmware=firmware,
        part_number=text(unit.get("PartNumber")),
        hostname=None,
    )


def archive_hardware(components: tuple[Component, ...]) -> dict[str, list[dict[str, Any]]]:
    """The archive's record of fitted facility parts (filters, pumps, detectors...): kind -> location, name, ids.

    Kept apart from a server's inventory keys so that a CDU's archive shows what was swapped between visits.
    """
    wanted = {ComponentKind.FILTER, ComponentKind.OTHER, ComponentKind.SENSOR, ComponentKind.ENCLOSURE}
    found: dict[str, list[dict[str, Any]]] = {}
    for component in components:
        if component.kind not in wanted or component.health is Health.ABSENT:
            continue
        entry: dict[str, Any] = {"location": component.location}
        if component.name:
            entry["name"] = component.name
        part = component.part
        if part is not None:
            entry.update(
                {
                    key: value
                    for key, value in (
                        ("manufacturer", part.manufacturer),
                        ("model", part.model),
                        ("part_number", part.part_number),
                        ("spare_part_number", part.spare_part_number),
                        ("serial", part.serial),
                    )
                    if value
                }
            )
        found.setdefault(component.kind.value, []).append(entry)
    return found


# -- judging -----------------------------------------------------------------


def filter_health(document: Document, wear: float | None) -> tuple[Health, str | None]:
    """A filter's health: the device's own first, then its service hours against its rated hours.

    The hours are the device's own figures; ``wear`` (percent, None: off) is the share of the rated hours
    from which the filter is due: a warning with the hours in the reason. It never lowers what the device
    says, and a filter without ``RatedServiceHours`` gets no wear verdict.

    >>> filter_health({"Status": {"State": "Enabled", "Health": "OK"}, "ServiceHours": 9200,
    ...                "RatedServiceHours": 10000}, 90.0)
    (<Health.WARNING: 'warning'>, 'due for replacement: 9200 of 10000 rated service hours (92%)')
    >>> filter_health({"Status": {"State": "Enabled", "Health": "OK"}, "ServiceHours": 9200}, 90.0)
    (<Health.OK: 'ok'>, None)
    """
    health, reason = judge(ComponentKind.FILTER, document)
    if health is Health.ABSENT or wear is None:
        return health, reason
    hours, rated = number(document.get("ServiceHours")), number(document.get("RatedServiceHours"))
    if hours is None or rated is None or rated <= 0 or hours < 0:
        return health, reason
    used = hours / rated * 100
    if used < wear:
        return health, reason
    words = f"due for replacement: {hours:g} of {rated:g} rated service hours ({used:.0f}%)"
    stated = [reason] if health.is_fault and reason else []
    worse = Health.WARNING if health in (Health.OK, Health.UNKNOWN) else health
    return worse, ", ".join([*stated, words])


def leak_health(document: Document) -> tuple[Health, str | None]:
    """A leak detector's health: the worse of its ``Status`` and its ``DetectorState`` (both the device's).

    ``DetectorState`` Unavailable, or none, leaves the ``Status`` verdict alone.

    >>> leak_health({"DetectorState": "Critical", "Status": {"State": "Enabled", "Health": "OK"}})
    (<Health.CRITICAL: 'critical'>, 'leak detected (DetectorState Critical)')
    >>> leak_health({"DetectorState": "OK"})
    (<Health.OK: 'ok'>, None)
    """
    state = text(document.get("DetectorState"))
    if (state or "").lower() == "absent":
        return Health.ABSENT, None
    health, reason = judge(ComponentKind.SENSOR, document)
    found = _STATE_HEALTH.get((state or "").lower())
    if found is None or health is Health.ABSENT:
        return health, reason
    if not found.is_fault:
        return (Health.OK, None) if health is Health.UNKNOWN else (health, reason)
    return Health.worst([health, found]), f"leak detected (DetectorState {state})"


def reservoir_health(document: Document) -> tuple[Health, str | None]:
    """A reservoir's health: the worse of its ``Status`` and ``FluidLevelStatus``, with the level in the reason.

    >>> reservoir_health({"Status": {"State": "Enabled", "Health": "OK"}, "FluidLevelStatus": "Warning",
    ...                   "FluidLevelPercent": {"Reading": 18}})
    (<Health.WARNING: 'warning'>, 'fluid level low (18%)')
    """
    health, reason = judge(ComponentKind.OTHER, document)
    level = redfish_health(document.get("FluidLevelStatus"))
    if level is None or health is Health.ABSENT:
        return health, reason
    if not level.is_fault:
        return (Health.OK, None) if health is Health.UNKNOWN else (health, reason)
    percent = number(mapping(document.get("FluidLevelPercent")).get("Reading"))
    words = "fluid level low" + (f" ({percent:g}%)" if percent is not None else "")
    return Health.worst([health, level]), words


def circuit_health(document: Document) -> tuple[Health, str | None]:
    """A circuit's health: a tripped breaker is critical (the device's own state); Normal without a ``Status``
    is ok; otherwise its ``Status``. A breaker switched Off is someone's decision, not a fault.

    >>> circuit_health({"BreakerState": "Tripped", "Status": {"State": "Enabled", "Health": "OK"}})
    (<Health.CRITICAL: 'critical'>, 'breaker tripped')
    >>> circuit_health({"BreakerState": "Normal"})
    (<Health.OK: 'ok'>, None)
    """
    health, reason = judge(ComponentKind.OTHER, document)
    breaker = (text(document.get("BreakerState")) or "").lower()
    if health is Health.ABSENT:
        return health, reason
    if breaker == "tripped":
        return Health.CRITICAL, "breaker tripped"
    if breaker == "normal" and health is Health.UNKNOWN:
        return Health.OK, None
    return health, reason


# -- the parts ---------------------------------------------------------------


def _unit_label(unit: Document, group: str, index: int) -> str:
    own = text(unit.get("Id"))
    return (
        service_label(unit)
        or text(unit.get("UserLabel"))
        or text(unit.get("Name"))
        or (f"{_GROUP_WORD[group]} {own}" if own else f"{_GROUP_WORD[group]} {index}")
    )


def _fallback(word: str, document: Document, index: int) -> str:
    """A part's label when the device prints none: its ``UserLabel``, its ``Name`` when that tells parts apart,
    else the word and its ``Id`` ("Outlet A1")."""
    own = text(document.get("Id"))
    name = text(document.get("Name"))
    if text(document.get("UserLabel")):
        return text(document.get("UserLabel")) or word
    if name and (any(char.isdigit() for char in name) or (own and own in name)):
        return name
    return f"{word} {own or index}"


def _consumable(document: Document) -> dict[str, Any]:
    attributes = {"consumable": "yes"}
    for key, name in (("RatedServiceHours", "rated_service_hours"), ("ServicedDate", "serviced_date")):
        value = document.get(key)
        if text(value):
            attributes[name] = text(value) or ""
    return {"attributes": attributes}


def _cooling_parts(ctx: Context, unit: Document, wear: float | None) -> None:
    for index, pump in enumerate(ctx.members(unit.get("Pumps")), 1):
        kind = text(pump.get("PumpType"))
        built = ctx.component(
            ComponentKind.OTHER, pump, fallback=_fallback("Pump", pump, index), name=f"{kind} pump" if kind else "Pump"
        )
        _excerpt(ctx, f"{built.location} speed", pump.get("PumpSpeedPercent"), "%", built)
    for index, item in enumerate(ctx.members(unit.get("Filters")), 1):
        ctx.component(
            ComponentKind.FILTER,
            item,
            fallback=_fallback("Filter", item, index),
            name=text(item.get("Name")) or "Coolant filter",
            judged=filter_health(item, wear),
            part=_consumable(item),
        )
    for index, reservoir in enumerate(ctx.members(unit.get("Reservoirs")), 1):
        kind = text(reservoir.get("ReservoirType"))
        built = ctx.component(
            ComponentKind.OTHER,
            reservoir,
            fallback=_fallback("Reservoir", reservoir, index),
            name=f"{kind} reservoir" if kind else "Reservoir",
            judged=reservoir_health(reservoir),
        )
        _excerpt(ctx, f"{built.location} fluid level", reservoir.get("FluidLevelPercent"), "%", built)
        _excerpt(ctx, f"{built.location} pressure", reservoir.get("InternalPressurekPa"), "Pa", built, 1000)
    for key, word in (("PrimaryCoolantConnectors", "Primary"), ("SecondaryCoolantConnectors", "Secondary")):
        for index, connector in enumerate(ctx.members(unit.get(key)), 1):
            _connector(ctx, connector, word, index)
    _leaks(ctx, ctx.follow(unit.get("LeakDetection")))


def _connector(ctx: Context, connector: Document, word: str, index: int) -> None:
    built = ctx.component(
        ComponentKind.OTHER,
        connector,
        fallback=_fallback(f"{word} loop", connector, index),
        name=f"{word} coolant connector",
    )
    where = built.location
    for key, what, unit, scale in (
        ("SupplyTemperatureCelsius", "supply temperature", "Cel", 1),
        ("ReturnTemperatureCelsius", "return temperature", "Cel", 1),
        ("DeltaTemperatureCelsius", "temperature difference", "Cel", 1),
        ("FlowLitersPerMinute", "flow", "L/min", 1),
        ("SupplyPressurekPa", "supply pressure", "Pa", 1000),
        ("ReturnPressurekPa", "return pressure", "Pa", 1000),
        ("DeltaPressurekPa", "pressure difference", "Pa", 1000),
        ("HeatRemovedkW", "heat removed", "W", 1000),
    ):
        _excerpt(ctx, f"{where} {what}", connector.get(key), unit, built, scale)


def _leaks(ctx: Context, detection: Document | None) -> None:
    """Leak detectors: the ``LeakDetectors`` resources, else the detector excerpts of ``LeakDetectorGroups``."""
    if detection is None:
        return
    for index, detector in enumerate(ctx.members(detection.get("LeakDetectors")), 1):
        ctx.component(
            ComponentKind.SENSOR,
            detector,
            fallback=_fallback("Leak detector", detector, index),
            name=_detector_name(detector),
            judged=leak_health(detector),
        )
    count = 0
    for group in objects(detection.get("LeakDetectorGroups")):
        group_name = text(group.get("GroupName")) or "Leak detection"
        for excerpt in objects(group.get("Detectors")):
            count += 1
            source = ref_key(excerpt.get("DataSourceUri"))
            if source is not None and ctx.part_at(source) is not None:
                continue  # read from its own resource above
            label = text(excerpt.get("DeviceName")) or f"{group_name} detector {count}"
            ctx.component(
                ComponentKind.SENSOR, excerpt, fallback=label, name="Leak detector", judged=leak_health(excerpt)
            )
        humidity = number(mapping(group.get("HumidityPercent")).get("Reading"))
        if humidity is not None:
            ctx.sensor(Sensor(f"{group_name} leak detection humidity", humidity, "%RH", Health.OK))


def _detector_name(detector: Document) -> str:
    kind = text(detector.get("LeakDetectorType"))
    return f"Leak detector ({kind})" if kind else "Leak detector"


def _power_parts(ctx: Context, unit: Document) -> None:
    for key, word in _CIRCUITS:
        for index, circuit in enumerate(ctx.members(unit.get(key)), 1):
            built = ctx.component(
                ComponentKind.OTHER,
                circuit,
                fallback=_fallback(word, circuit, index),
                name=f"{word} circuit",
                judged=circuit_health(circuit),
            )
            _electrical(ctx, built, circuit)
    for index, outlet in enumerate(ctx.members(unit.get("Outlets")), 1):
        kind = text(outlet.get("OutletType"))
        built = ctx.component(
            ComponentKind.OTHER,
            outlet,
            fallback=_fallback("Outlet", outlet, index),
            name=f"Outlet {kind}" if kind else "Outlet",
        )
        _electrical(ctx, built, outlet)
    for index, supply in enumerate(ctx.members(unit.get("PowerSupplies")), 1):
        ctx.component(ComponentKind.PSU, supply, fallback=text(supply.get("Id")) or str(index))


def _electrical(ctx: Context, built: Component, document: Document) -> None:
    for key, what, unit in (
        ("Voltage", "voltage", "V"),
        ("CurrentAmps", "current", "A"),
        ("PowerWatts", "power", "W"),
        ("FrequencyHz", "frequency", "Hz"),
    ):
        _excerpt(ctx, f"{built.location} {what}", document.get(key), unit, built)


def _environment(ctx: Context, unit: Document) -> None:
    metrics = ctx.follow(unit.get("EnvironmentMetrics"))
    if metrics is None:
        return
    for key, what, kind in (
        ("TemperatureCelsius", "temperature", "Cel"),
        ("HumidityPercent", "humidity", "%RH"),
        ("DewPointCelsius", "dew point", "Cel"),
        ("PowerWatts", "power", "W"),
    ):
        _excerpt(ctx, f"{ctx.labels.get(ref_key(unit) or '', 'Unit')} {what}", metrics.get(key), kind, None)


def _excerpt(ctx: Context, name: str, excerpt: Any, unit: str, about: Component | None, scale: float = 1) -> None:
    """A reading given inside its part (a sensor excerpt), unless the Sensor resource it names was read."""
    if not isinstance(excerpt, Mapping):
        return
    source = ref_key(excerpt.get("DataSourceUri"))
    if source is not None and ctx.resolve(source) is not None:
        return  # the Sensors collection reports it, with thresholds; the part's excerpt links the two
    reading = number(excerpt.get("Reading"))
    if reading is None:
        return
    ctx.sensor(Sensor(name, reading * scale, unit, Health.OK), about=about if about is not None else ())


def equipment_links(root: Document) -> list[tuple[str, str]]:
    """(root property, path) of the service root's links to facility equipment, for the crawler."""
    return [(top, found) for top, found in ((top, link(root.get(top))) for top in GROUPS) if found is not None]
