"""From one snapshot to a DeviceReport: the standard MIBs plus whatever a vendor's state tables add.

Every network profile parses the same way: entPhysicalTable gives the parts,
a vendor :class:`Overlay` (or nothing, for the generic profile) gives their
state, ENTITY-STATE-MIB fills in where the vendor is silent, sensors and
interface alarms are added, and each alarm or sensor about a part names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dcmaint.drivers import (
    Alarm,
    ArchiveSnapshot,
    Component,
    ComponentKind,
    ComponentRef,
    DeviceIdentity,
    DeviceReport,
    Health,
    PartIdentity,
    Sensor,
)
from dcmaint_snmp.profiles.network import mib
from dcmaint_snmp.profiles.network.entity import (
    Entity,
    Inventory,
    Reading,
    Verdict,
    entity_alarms,
    entity_states,
    readings,
    sensor_verdict,
    worst,
)
from dcmaint_snmp.profiles.network.interfaces import Interface, interface_alarms
from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, Snapshot


@dataclass
class Overlay:
    """What a vendor MIB adds: verdicts on entities (by entPhysicalIndex), parts the entity table lacks, readings
    and alarms of its own. ``loose`` holds only the explicit error and alarm columns (never an oper status, which
    on a port may just mirror its link): they count for entities that are no part, such as a port whose optic
    the entity table does not list."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    loose: dict[str, Verdict] = field(default_factory=dict)
    components: list[Component] = field(default_factory=list)
    sensors: list[Sensor] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)


Vendor = Callable[[Snapshot, Inventory], Overlay]
NO_HEALTH = "no health reported"


def none(snapshot: Snapshot, inventory: Inventory) -> Overlay:
    """The generic profile's vendor layer: nothing beyond the standard MIBs."""
    return Overlay()


def ref_of(inventory: Inventory, index: str) -> ComponentRef | None:
    """The component a sub-entity (a sensor, a port) belongs to, as a reference."""
    owner = inventory.owner(index)
    if owner is None or owner.kind is None:
        return None
    return ComponentRef(owner.kind, inventory.locations[owner.index])


def build_report(
    snapshot: Snapshot,
    options: Mapping[str, str],
    *,
    profile: str,
    vendor: str | None,
    overlay: Vendor,
    sensor_tables: tuple[str, ...] = (mib.ENT_PHY_SENSOR_ENTRY,),
) -> DeviceReport:
    """The whole report of one switch; ``overlay`` is the vendor layer, ``sensor_tables`` the ENTITY-SENSOR-style
    tables the profile reads."""
    inventory = Inventory(snapshot)
    extra = overlay(snapshot, inventory)
    states = entity_states(snapshot)
    found = [reading for table in sensor_tables for reading in readings(snapshot, table)]
    components = _components(inventory, extra, states, found)
    by_ref = {component.ref: component for component in components}
    sensors = [*_sensors(inventory, found, states), *extra.sensors]
    optic = _optic_finder(snapshot, inventory, by_ref)
    loose = _loose_alarms(inventory, extra, entity_alarms(snapshot), {reading.index for reading in found})
    alarms = [*extra.alarms, *loose, *interface_alarms(snapshot, options, optic)]
    return DeviceReport(
        identity=_identity(snapshot, inventory, vendor),
        components=tuple(components),
        sensors=tuple(sensors),
        alarms=tuple(alarms),
        archive=_archive(snapshot, inventory, profile),
    )


def _components(
    inventory: Inventory, extra: Overlay, states: Mapping[str, Verdict], found: list[Reading]
) -> list[Component]:
    broken_sensors: dict[str, list[str]] = {}
    for reading in found:
        owner = inventory.owner(reading.index)
        if reading.status == 3 and owner is not None:
            broken_sensors.setdefault(owner.index, []).append(_sensor_name(inventory, reading.index))
    components = []
    for entity in inventory.parts():
        verdict = worst([extra.verdicts.get(entity.index), states.get(entity.index)])
        if verdict is None and entity.index in broken_sensors:
            # No state of its own: the agent's verdict that a sensor built into the part is broken is the part's.
            names = ", ".join(broken_sensors[entity.index])
            verdict = Verdict(Health.WARNING, f"its sensor is nonoperational ({names})")
        verdict = verdict or Verdict(Health.UNKNOWN, NO_HEALTH)
        reason = verdict.reason if verdict.health is not Health.OK else None
        assert entity.kind is not None
        components.append(
            Component(
                entity.kind,
                inventory.locations[entity.index],
                verdict.health,
                reason,
                name=entity.descr,
                part=_part(entity),
            )
        )
    return [*components, *extra.components]


def _loose_alarms(
    inventory: Inventory, extra: Overlay, states: Mapping[str, Verdict], measured: set[str]
) -> list[Alarm]:
    """Faults the device reports on entities that are neither parts nor measured sensors (a port, a backplane), as
    alarms at that entity: nothing the device calls broken is dropped."""
    alarms = []
    for index in sorted({*extra.loose, *states}, key=lambda text: [int(part) for part in text.split(".")]):
        entity = inventory.entities.get(index)
        verdict = worst([extra.loose.get(index), states.get(index)])
        if entity is None or entity.kind is not None or index in measured or verdict is None:
            continue
        if verdict.health.is_fault and verdict.health is not Health.UNKNOWN:
            alarms.append(
                Alarm(f"{entity.label}: {verdict.reason}", verdict.health, code="ENTITY.STATE", source=entity.label)
            )
    return alarms


def _part(entity: Entity) -> PartIdentity:
    attributes = {key: value for key, value in (("hardware_rev", entity.hardware_rev),) if value}
    return PartIdentity(
        manufacturer=entity.mfg_name,
        model=entity.model_name,
        part_number=entity.model_name,
        serial=entity.serial,
        firmware=entity.firmware_rev or entity.software_rev,
        attributes=attributes,
    )


def _sensor_name(inventory: Inventory, index: str) -> str:
    entity = inventory.entities.get(index)
    return entity.label if entity is not None else f"sensor {index}"


def _sensors(inventory: Inventory, found: list[Reading], states: Mapping[str, Verdict]) -> list[Sensor]:
    sensors = []
    for reading in found:
        verdict = sensor_verdict(reading, states.get(reading.index))
        owner = ref_of(inventory, reading.index)
        sensors.append(
            Sensor(
                _sensor_name(inventory, reading.index),
                reading.value,
                reading.unit,
                verdict.health,
                location=owner.location if owner else None,
                component=owner,
            )
        )
    return sensors


def _optic_finder(
    snapshot: Snapshot, inventory: Inventory, by_ref: Mapping[ComponentRef, Component]
) -> Callable[[Interface], Component | None]:
    """How an interface finds the transceiver fitted in it: entAliasMappingTable first (the entity mapped to the
    ifIndex, or a transceiver inside it or above it), else a transceiver named like the interface."""
    mapped: dict[str, list[str]] = {}
    for entity_index, value in snapshot.column(mib.ENT_ALIAS_MAPPING_IDENTIFIER).items():
        target = value.data if isinstance(value.data, str) else None
        if target and target.startswith(mib.IF_INDEX_PREFIX):
            mapped.setdefault(target[len(mib.IF_INDEX_PREFIX) :], []).append(entity_index.split(".")[0])
    optics = [entity for entity in inventory.parts() if entity.kind is ComponentKind.TRANSCEIVER]

    def component(entity: Entity) -> Component | None:
        return by_ref.get(ComponentRef(ComponentKind.TRANSCEIVER, inventory.locations[entity.index]))

    def find(interface: Interface) -> Component | None:
        for index in mapped.get(interface.index, []):
            for optic in optics:
                if optic.index == index or index in {e.index for e in inventory.ancestors(optic.index)}:
                    return component(optic)
            above = next((e for e in inventory.ancestors(index) if e.kind is ComponentKind.TRANSCEIVER), None)
            if above is not None:
                return component(above)
        names = {text.lower() for text in (interface.name, interface.descr) if text}
        for optic in optics:
            parent = inventory.entities.get(optic.parent or "")
            labels = {optic.label.lower(), (parent.label.lower() if parent else "")}
            if names & labels or any(optic.label.lower().startswith(name + " ") for name in names):
                return component(optic)
        return None

    return find


def _identity(snapshot: Snapshot, inventory: Inventory, vendor: str | None) -> DeviceIdentity:
    boxes = inventory.chassis()
    first = boxes[0] if boxes else None
    software = next((box.software_rev for box in boxes if box.software_rev), None)
    descr = snapshot.text(SYS_DESCR)
    return DeviceIdentity(
        vendor=vendor or (first.mfg_name if first else None),
        model=(first.model_name or first.descr) if first else (descr.splitlines()[0] if descr else None),
        serial=first.serial if first else None,
        firmware={"software": software} if software else {},
        part_number=first.model_name if first else None,
        hostname=snapshot.text(SYS_NAME),
    )


def _archive(snapshot: Snapshot, inventory: Inventory, profile: str) -> ArchiveSnapshot:
    hardware: dict[str, Any] = {}
    firmware: dict[str, Any] = {}
    for entity in inventory.parts():
        location = inventory.locations[entity.index]
        fields = {
            "kind": entity.kind.value if entity.kind else None,
            "description": entity.descr,
            "model": entity.model_name,
            "serial": entity.serial,
            "hardware_rev": entity.hardware_rev,
        }
        hardware[location] = {key: value for key, value in fields.items() if value is not None}
        revisions = {"firmware": entity.firmware_rev, "software": entity.software_rev}
        if any(revisions.values()):
            firmware[location] = {key: value for key, value in revisions.items() if value}
    system = {"profile": profile, "sys_object_id": snapshot.oid(SYS_OBJECT_ID), "sys_descr": snapshot.text(SYS_DESCR)}
    return ArchiveSnapshot(
        hardware=hardware, system={k: v for k, v in system.items() if v is not None}, firmware=firmware
    )
