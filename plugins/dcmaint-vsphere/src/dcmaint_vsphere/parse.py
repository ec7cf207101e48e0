"""From one :class:`~dcmaint_vsphere.collect.Inventory` to the reports of its hosts and of the vCenter. Pure.

The device's own verdict comes first: every part's health is the one ESXi
gives (``healthState`` of a numeric sensor, ``status`` of a hardware
element); a sensor or element without one is listed as ``unknown`` and is no
fault. Triggered vCenter alarms are reported as alarms; an alarm that
restates a failed part (``Host hardware power status`` beside a red PSU) names
that part, so the PSU is one fault, not two. dcmaint derives health in one
place only: a datastore's used share against the driver's thresholds, where
vCenter gives no verdict of its own.

Who reports a datastore: a datastore mounted on one host is that host's; one
shared by several hosts is the vCenter's (register the vCenter itself: a full
shared datastore is one fault, not one per host).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dcmaint.drivers import (
    Alarm,
    ArchiveSnapshot,
    Component,
    ComponentKind,
    DeviceIdentity,
    DeviceReport,
    Health,
    PartIdentity,
    Sensor,
    Thresholds,
)
from dcmaint_vsphere.collect import SKIPPED_SENSOR_TYPES, Inventory, Managed, moid
from dcmaint_vsphere.options import VsphereOptions
from dcmaint_vsphere.slots import cpu_slot, dimm_slot, is_disk, psu_slot, sensor_label, storage_slot

#: A health key of ESXi (any case) or a vCenter entity status; gray (unknown) and anything else give no verdict.
_HEALTH = {"green": Health.OK, "yellow": Health.WARNING, "red": Health.CRITICAL}
#: numericSensorInfo.sensorType -> the component the sensor is (None: a measurement only).
_SENSOR_UNITS = {"degrees c": "Cel", "volts": "V", "amps": "A", "watts": "W", "rpm": "RPM", "percent": "%"}
#: The part kind a default vCenter hardware alarm is about, by words of its name.
_ALARM_KINDS = (
    ("power", ComponentKind.PSU),
    ("fan", ComponentKind.FAN),
    ("memory", ComponentKind.DIMM),
    ("storage", ComponentKind.DISK),
    ("processor", ComponentKind.CPU),
    ("battery", ComponentKind.BATTERY),
)
UNREADABLE_STATES = {"disconnected": "disconnected", "notResponding": "not responding"}


def health_of(description: Any) -> Health:
    """An ElementDescription's key (``green``, ``Red``, ``unknown``) as a health; anything else is unknown."""
    key = str(getattr(description, "key", "") or "").strip().lower()
    return _HEALTH.get(key, Health.UNKNOWN)


def _summary(description: Any) -> str:
    return " ".join(str(getattr(description, "summary", "") or getattr(description, "label", "") or "").split())


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


@dataclass
class _Parts:
    """Components by (kind, location): a part reported by an element and a sensor is one part, at its worst."""

    items: dict[tuple[ComponentKind, str], Component]

    def add(self, component: Component) -> None:
        key = (component.kind, component.location)
        earlier = self.items.get(key)
        if earlier is None or _rank(component.health) > _rank(earlier.health):
            keep_part = component.part or (earlier.part if earlier else None)
            self.items[key] = Component(
                component.kind, component.location, component.health, component.reason, component.name, keep_part
            )
        elif earlier.part is None and component.part is not None:
            self.items[key] = Component(
                earlier.kind, earlier.location, earlier.health, earlier.reason, earlier.name, component.part
            )

    def faulty(self, kind: ComponentKind) -> Component | None:
        return next((c for c in self.items.values() if c.kind is kind and c.is_fault), None)


def _rank(health: Health) -> int:
    return [Health.ABSENT, Health.UNKNOWN, Health.OK, Health.WARNING, Health.CRITICAL].index(health)


def _reason(health: Health, description: Any, name: str) -> str | None:
    if health in (Health.OK, Health.ABSENT):
        return None
    if health is Health.UNKNOWN:
        return "no health reported"
    state = name.split(":", 1)[1].strip() if ":" in name else ""
    return state or _summary(description) or health.value


def _fru(sensor: Any) -> PartIdentity | None:
    fru = getattr(sensor, "fru", None)
    if fru is None:
        return None
    part = PartIdentity(
        manufacturer=_text(getattr(fru, "manufacturer", None)),
        model=_text(getattr(fru, "partName", None)),
        part_number=_text(getattr(fru, "partNumber", None)),
        serial=_text(getattr(fru, "serialNumber", None)),
    )
    return part if any((part.manufacturer, part.model, part.part_number, part.serial)) else None


def _operational(element: Any) -> PartIdentity | None:
    """A storage element's operationalInfo (``Serial Number``, ``Model``...) as the part's identity."""
    values = {
        str(getattr(item, "property", "")).strip().lower(): _text(getattr(item, "value", None))
        for item in getattr(element, "operationalInfo", None) or ()
    }
    part = PartIdentity(
        manufacturer=values.get("vendor") or values.get("manufacturer"),
        model=values.get("model"),
        serial=values.get("serial number") or values.get("serial"),
        firmware=values.get("firmware version") or values.get("revision"),
    )
    return part if any((part.manufacturer, part.model, part.serial)) else None


def _named(items: Any) -> list[Any]:
    """The elements or sensors of a list that carry a name (an unnamed one cannot be placed or reported)."""
    return [item for item in items or () if _text(getattr(item, "name", None))]


def _elements(parts: _Parts, hardware: Any) -> None:
    for element in _named(getattr(hardware, "memoryStatusInfo", None)):
        name = str(element.name)
        health = health_of(element.status)
        parts.add(Component(ComponentKind.DIMM, dimm_slot(name), health, _reason(health, element.status, name), name))
    for element in _named(getattr(hardware, "cpuStatusInfo", None)):
        name = str(element.name)
        health = health_of(element.status)
        parts.add(Component(ComponentKind.CPU, cpu_slot(name), health, _reason(health, element.status, name), name))
    for element in _named(getattr(hardware, "storageStatusInfo", None)):
        name = str(element.name)
        health = health_of(element.status)
        kind = (
            ComponentKind.DISK
            if is_disk(name)
            else (ComponentKind.BATTERY if "battery" in name.lower() else ComponentKind.CONTROLLER)
        )
        parts.add(
            Component(
                kind, storage_slot(name), health, _reason(health, element.status, name), name, _operational(element)
            )
        )


def _reading(sensor: Any) -> float | None:
    value = getattr(sensor, "currentReading", None)
    if value is None:
        return None
    return float(value) * 10.0 ** int(getattr(sensor, "unitModifier", 0) or 0)


def _sensors(parts: _Parts, numeric: Sequence[Any]) -> list[Sensor]:
    sensors: list[Sensor] = []
    for item in _named(numeric):
        kind = str(getattr(item, "sensorType", "") or "").strip().lower()
        name = str(item.name)
        if kind in SKIPPED_SENSOR_TYPES:  # dropped by the decoder already; kept for answers decoded elsewhere
            continue
        health = health_of(getattr(item, "healthState", None))
        reason = _reason(health, getattr(item, "healthState", None), name)
        label = sensor_label(name)
        psu = psu_slot(name)
        unit = _SENSOR_UNITS.get(str(getattr(item, "baseUnits", "") or "").strip().lower(), "")
        if kind == "power" and psu is not None:
            parts.add(Component(ComponentKind.PSU, psu, health, reason, name, _fru(item)))
            continue
        if kind == "fan":
            fan = Component(ComponentKind.FAN, label, health, reason, name, _fru(item))
            parts.add(fan)
            sensors.append(Sensor(label, _reading(item), unit or "RPM", health, component=fan.ref))
            continue
        if kind in ("temperature", "voltage", "power", "current") or unit:
            sensors.append(Sensor(label, _reading(item), unit, health, location=_text(name.split(":", 1)[0])))
            continue
        if kind == "battery":
            parts.add(Component(ComponentKind.BATTERY, label, health, reason, name, _fru(item)))
        elif health in (Health.WARNING, Health.CRITICAL):
            # A discrete sensor of another kind (chassis intrusion, cable, watchdog) that ESXi says is failing.
            parts.add(Component(ComponentKind.OTHER, label, health, reason, name, _fru(item)))
    return sensors


def _alarm_kind(name: str) -> ComponentKind | None:
    lowered = name.lower()
    if "hardware" not in lowered and "host memory" not in lowered and "host storage" not in lowered:
        return None
    return next((kind for word, kind in _ALARM_KINDS if word in lowered), None)


def _alarms(states: Iterable[Any], entity: str, inventory: Inventory, parts: _Parts, source: str) -> list[Alarm]:
    alarms = []
    for state in states:
        if moid(getattr(state, "entity", None)) != entity:
            continue  # an alarm of a descendant: reported by that object's device
        severity = _HEALTH.get(str(getattr(state, "overallStatus", "")).lower())
        if severity is None or severity is Health.OK:
            continue
        alarm_id = moid(state.alarm)
        name = inventory.alarm_names.get(alarm_id, alarm_id or "alarm")
        kind = _alarm_kind(name)
        part = parts.faulty(kind) if kind is not None else None
        alarms.append(
            Alarm(
                name,
                severity,
                code=alarm_id or None,
                source=source,
                raised_at=getattr(state, "time", None),
                component=part.ref if part is not None else None,
            )
        )
    return alarms


def _datastore(
    store: Managed, inventory: Inventory, options: VsphereOptions, parts: _Parts
) -> tuple[list[Sensor], list[Alarm]]:
    name = str(store.get("name") or store.id)
    location = f"Datastore {name}"
    capacity = store.get("summary.capacity") or 0
    free = store.get("summary.freeSpace")
    used = None if not capacity or free is None else round(100.0 * (capacity - free) / capacity, 1)
    limits = Thresholds(upper_warning=options.datastore_warning, upper_critical=options.datastore_critical)
    judged = limits.judge(used)
    accessible = store.get("summary.accessible")
    verdicts = [judged if judged is not Health.UNKNOWN else Health.OK]
    reasons = []
    if judged in (Health.WARNING, Health.CRITICAL):
        reasons.append(f"{used:g} % used (limit {options.datastore_warning:g} %/{options.datastore_critical:g} %)")
    if accessible is False:
        verdicts.append(Health.CRITICAL)
        reasons.append("not accessible")
    health = Health.worst(verdicts)
    component = Component(ComponentKind.OTHER, location, health, "; ".join(reasons) or None, name)
    parts.add(component)
    sensors = [Sensor(f"{name} used", used, "%", judged, limits, location=location, component=component.ref)]
    alarms = _alarms(store.get("triggeredAlarmState") or (), store.id, inventory, parts, location)
    folded = [Alarm(a.message, a.severity, a.code, a.source, a.raised_at, component.ref) for a in alarms]
    return sensors, folded


def _datastore_owner(store: Managed, inventory: Inventory) -> frozenset[str]:
    """The ids of the hosts that mount ``store``."""
    return inventory.datastore_owners.get(store.id, frozenset())


def _serial(host: Managed) -> str | None:
    info = host.get("hardware.systemInfo")
    serial = _text(getattr(info, "serialNumber", None))
    if serial:
        return serial
    identifiers = getattr(host.get("summary.hardware"), "otherIdentifyingInfo", None) or ()
    tagged = {
        str(getattr(getattr(item, "identifierType", None), "key", "")): _text(item.identifierValue)
        for item in identifiers
    }
    return tagged.get("SerialNumberTag") or tagged.get("ServiceTag") or tagged.get("EnclosureSerialNumberTag")


def host_identity(host: Managed) -> DeviceIdentity:
    """Vendor, model and serial of an ESXi host, and its ESXi and BIOS versions."""
    info = host.get("hardware.systemInfo") or host.get("summary.hardware")
    product = host.get("summary.config.product")
    bios = host.get("hardware.biosInfo")
    firmware = {}
    if product is not None and getattr(product, "version", None):
        firmware["ESXi"] = f"{product.version} build {product.build}"
    if bios is not None and getattr(bios, "biosVersion", None):
        firmware["BIOS"] = str(bios.biosVersion)
    return DeviceIdentity(
        vendor=_text(getattr(info, "vendor", None)),
        model=_text(getattr(info, "model", None)),
        serial=_serial(host),
        firmware=firmware,
        hostname=_text(host.get("name")),
    )


def _cluster_of(host: Managed, inventory: Inventory) -> Managed | None:
    return inventory.of("ClusterComputeResource").get(moid(host.get("parent")))


def _cluster_settings(cluster: Managed, inventory: Inventory) -> dict[str, Any]:
    config = cluster.get("configurationEx")
    das = getattr(config, "dasConfig", None)
    drs = getattr(config, "drsConfig", None)
    summary = cluster.get("summary")
    members = [h for h in inventory.of("HostSystem").values() if moid(h.get("parent")) == cluster.id]
    return {
        "ha": bool(getattr(das, "enabled", False)),
        "drs": bool(getattr(drs, "enabled", False)),
        "drs_behavior": _text(getattr(drs, "defaultVmBehavior", None)),
        "hosts": int(getattr(summary, "numHosts", 0) or len(members)),
        "effective_hosts": int(getattr(summary, "numEffectiveHosts", 0) or 0),
        "vms": sum(len(h.get("vm") or ()) for h in members),
    }


def host_report(
    host: Managed, inventory: Inventory, options: VsphereOptions, *, all_datastores: bool = False
) -> DeviceReport:
    """The report of one ESXi host: its health tree, its alarms, the datastores only it mounts."""
    name = str(host.get("name"))
    identity = host_identity(host)
    state = str(host.get("runtime.connectionState") or "")
    cluster = _cluster_of(host, inventory)
    product = host.get("summary.config.product")
    system: dict[str, Any] = {
        "connection_state": state or None,
        "power_state": _text(host.get("runtime.powerState")),
        "maintenance_mode": bool(host.get("runtime.inMaintenanceMode")),
        "esxi": _text(getattr(product, "fullName", None)),
        "cluster": _text(cluster.get("name")) if cluster else None,
        "vms": len(host.get("vm") or ()),
        "datastores": sorted(
            str(inventory.of("Datastore")[moid(ref)].get("name"))
            for ref in host.get("datastore") or ()
            if moid(ref) in inventory.of("Datastore")
        ),
    }
    if cluster is not None:
        system["cluster_settings"] = _cluster_settings(cluster, inventory)
    archive = ArchiveSnapshot(
        hardware={
            "cpu_model": _text(getattr(host.get("summary.hardware"), "cpuModel", None)),
            "cpu_packages": getattr(host.get("summary.hardware"), "numCpuPkgs", None),
            "memory_bytes": getattr(host.get("summary.hardware"), "memorySize", None),
        },
        system=system,
        firmware=dict(identity.firmware),
    )
    if state in UNREADABLE_STATES:
        words = UNREADABLE_STATES[state]
        alarm = Alarm(
            f"host is {words} in vCenter: its hardware health cannot be read",
            Health.UNKNOWN,
            code=f"connectionState.{state}",
            source=name,
        )
        return DeviceReport(identity=identity, alarms=(alarm,), archive=archive)
    parts = _Parts({})
    runtime = host.get("runtime.healthSystemRuntime")
    _elements(parts, getattr(runtime, "hardwareStatusInfo", None))
    numeric = getattr(getattr(runtime, "systemHealthInfo", None), "numericSensorInfo", None) or ()
    sensors = _sensors(parts, numeric)
    alarms: list[Alarm] = []
    for store in inventory.of("Datastore").values():
        owners = _datastore_owner(store, inventory)
        if host.id in owners and (all_datastores or len(owners) == 1):
            more_sensors, more_alarms = _datastore(store, inventory, options, parts)
            sensors += more_sensors
            alarms += more_alarms
    alarms = _alarms(host.get("triggeredAlarmState") or (), host.id, inventory, parts, name) + alarms
    return DeviceReport(
        identity=identity,
        components=tuple(parts.items.values()),
        sensors=tuple(sensors),
        alarms=tuple(alarms),
        archive=archive,
        rollup=_HEALTH.get(str(host.get("overallStatus") or "").lower()),
    )


def center_report(inventory: Inventory, options: VsphereOptions, display: str) -> DeviceReport:
    """The vCenter's own report: its version, its shared datastores, alarms on itself, datacenters and clusters."""
    about = inventory.about
    version = f"{getattr(about, 'version', '?')} build {getattr(about, 'build', '?')}"
    identity = DeviceIdentity(
        vendor=_text(getattr(about, "vendor", None)),
        model=_text(getattr(about, "name", None)),
        serial=_text(getattr(about, "instanceUuid", None)),
        firmware={str(getattr(about, "name", None) or "vCenter Server"): version},
        hostname=display,
    )
    parts = _Parts({})
    sensors: list[Sensor] = []
    alarms = _alarms(inventory.root_alarms, _root_id(inventory), inventory, parts, "vCenter")
    for kind in ("Datacenter", "ClusterComputeResource"):
        for entity in inventory.of(kind).values():
            alarms += _alarms(
                entity.get("triggeredAlarmState") or (), entity.id, inventory, parts, str(entity.get("name"))
            )
    for store in inventory.of("Datastore").values():
        if len(_datastore_owner(store, inventory)) != 1:
            more_sensors, more_alarms = _datastore(store, inventory, options, parts)
            sensors += more_sensors
            alarms += more_alarms
    hosts = inventory.of("HostSystem").values()
    archive = ArchiveSnapshot(
        system={
            "product": _text(getattr(about, "fullName", None)),
            "api_version": _text(getattr(about, "apiVersion", None)),
            "hosts": len(hosts),
            "vms": sum(len(h.get("vm") or ()) for h in hosts),
            "clusters": {
                str(c.get("name")): _cluster_settings(c, inventory)
                for c in inventory.of("ClusterComputeResource").values()
            },
            "datastores": {
                str(s.get("name")): {
                    "type": _text(s.get("summary.type")),
                    "capacity_bytes": s.get("summary.capacity"),
                    "free_bytes": s.get("summary.freeSpace"),
                    "hosts": len(_datastore_owner(s, inventory)),
                }
                for s in inventory.of("Datastore").values()
            },
        },
        firmware=dict(identity.firmware),
    )
    return DeviceReport(
        identity=identity,
        components=tuple(parts.items.values()),
        sensors=tuple(sensors),
        alarms=tuple(alarms),
        archive=archive,
    )


def _root_id(inventory: Inventory) -> str:
    states = inventory.root_alarms
    return moid(getattr(states[0], "entity", None)) if states else ""


def is_center(inventory: Inventory) -> bool:
    """Whether the server is a vCenter (else a standalone ESXi host, ``HostAgent``)."""
    return str(getattr(inventory.about, "apiType", "")) == "VirtualCenter"
