"""ENTITY-MIB inventory, ENTITY-STATE-MIB verdicts and ENTITY-SENSOR-MIB readings: the part every switch shares.

entPhysicalTable is a containment tree (stack > chassis > container > PSU,
module > port > transceiver...). The parts a technician replaces (chassis,
modules, PSUs, fans, transceivers) become components; containers, ports,
CPUs and sensors do not, but the tree still places them: a sensor belongs to
the nearest component above it, and a part's location is its
entPhysicalName, qualified by its chassis when a stack repeats names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dcmaint.drivers import ComponentKind, Health
from dcmaint_snmp.profiles.network import mib
from dcmaint_snmp.snapshot import Snapshot

#: What makes a module, a port or an "other" entity a transceiver: the words vendors put in its description, name or
#: model (SFP, SFP+, SFP28, QSFP, XFP, GBIC, CFP, "transceiver", "optical module", 光模块).
_TRANSCEIVER = re.compile(r"\b(q?sfp\w*|xfp|gbic|cfp\d*|transceiver|optic(al)?\s+module)|光模块", re.IGNORECASE)
#: ...unless the text describes a board with SFP cages ("48-port 10G SFP+ line card", "4-Port 10GE SFP+").
_BOARD = re.compile(r"\d+\s*-?\s*ports?\b|line\s*card|\bcard\b|\bboard\b|supervisor|单板|板卡", re.IGNORECASE)

_KINDS = {
    mib.CLASS_CHASSIS: ComponentKind.ENCLOSURE,
    mib.CLASS_POWER_SUPPLY: ComponentKind.PSU,
    mib.CLASS_FAN: ComponentKind.FAN,
    mib.CLASS_MODULE: ComponentKind.MODULE,
    mib.CLASS_BATTERY: ComponentKind.BATTERY,
    mib.CLASS_STORAGE_DRIVE: ComponentKind.DISK,
}


@dataclass(frozen=True)
class Entity:
    """One entPhysicalEntry, with empty strings read as missing."""

    index: str
    cls: int | None
    name: str | None
    descr: str | None
    parent: str | None
    rel_pos: int | None
    hardware_rev: str | None
    firmware_rev: str | None
    software_rev: str | None
    serial: str | None
    mfg_name: str | None
    model_name: str | None

    @property
    def kind(self) -> ComponentKind | None:
        """The component kind, or None for entities that are not replaceable parts (containers, ports, sensors)."""
        if self.cls in (mib.CLASS_MODULE, mib.CLASS_PORT, mib.CLASS_OTHER, mib.CLASS_UNKNOWN) and self.looks_optical:
            return ComponentKind.TRANSCEIVER
        return _KINDS.get(self.cls) if self.cls is not None else None

    @property
    def looks_optical(self) -> bool:
        """Whether the entity is a pluggable optic rather than the board or port that takes one."""
        texts = [text for text in (self.descr, self.model_name) if text]
        if self.cls == mib.CLASS_MODULE and self.name:
            texts.append(self.name)
        return any(_TRANSCEIVER.search(text) for text in texts) and not any(_BOARD.search(text) for text in texts)

    @property
    def label(self) -> str:
        """What a technician reads on the part or in the CLI: the name, else the description, else the index."""
        return self.name or self.descr or f"entity {self.index}"


@dataclass(frozen=True)
class Verdict:
    """What a state table says about one entity: a health and, for anything but ok, why."""

    health: Health
    reason: str | None = None


def worst(verdicts: Iterable[Verdict | None]) -> Verdict | None:
    """One verdict from several columns of the same row: the worst health, the reasons of that health joined.

    >>> worst([Verdict(Health.OK), Verdict(Health.CRITICAL, "disabled"), None]).reason
    'disabled'
    >>> worst([None]) is None
    True
    """
    found = [verdict for verdict in verdicts if verdict is not None]
    if not found:
        return None
    health = Health.worst(verdict.health for verdict in found)
    reasons = [verdict.reason for verdict in found if verdict.health is health and verdict.reason]
    return Verdict(health, "; ".join(dict.fromkeys(reasons)) or None)


class Inventory:
    """The entPhysicalTable of one snapshot, with the tree walked both ways and each component's location."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.entities: dict[str, Entity] = {}
        for row in snapshot.rows(mib.ENT_PHYSICAL_ENTRY, mib.ENT_PHYSICAL):
            parent = row.integer("contained_in")
            self.entities[row.index] = Entity(
                index=row.index,
                cls=row.integer("class"),
                name=row.text("name"),
                descr=row.text("descr"),
                parent=str(parent) if parent else None,
                rel_pos=row.integer("rel_pos"),
                hardware_rev=row.text("hardware_rev"),
                firmware_rev=row.text("firmware_rev"),
                software_rev=row.text("software_rev"),
                serial=row.text("serial"),
                mfg_name=row.text("mfg_name"),
                model_name=row.text("model_name"),
            )
        self.locations = self._locations()

    def parts(self) -> list[Entity]:
        """The entities that are components, in entPhysicalIndex order."""
        return [entity for entity in self.entities.values() if entity.kind is not None]

    def ancestors(self, index: str) -> list[Entity]:
        """``index``'s entity and everything above it, nearest first (a loop in a broken tree stops the walk)."""
        chain: list[Entity] = []
        current = self.entities.get(index)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.entities.get(current.parent) if current.parent else None
        return chain

    def owner(self, index: str) -> Entity | None:
        """The nearest component at or above ``index``: what a sensor or a state row of a sub-part is about."""
        return next((entity for entity in self.ancestors(index) if entity.kind is not None), None)

    def chassis(self) -> list[Entity]:
        return [entity for entity in self.entities.values() if entity.cls == mib.CLASS_CHASSIS]

    def _locations(self) -> dict[str, str]:
        """Component locations, unique in the report: the entity's name, qualified by its chassis where two chassis
        of a stack name their parts alike, and by its index as the last resort."""
        parts = self.parts()
        plain = {entity.index: entity.label for entity in parts}
        counts = _counts(plain.values())
        located: dict[str, str] = {}
        for entity in parts:
            location = plain[entity.index]
            if counts[location] > 1:
                box = next((e for e in self.ancestors(entity.index)[1:] if e.cls == mib.CLASS_CHASSIS), None)
                if box is not None:
                    location = f"{box.label} / {location}"
            located[entity.index] = location
        again = _counts(located.values())
        return {index: f"{where} [{index}]" if again[where] > 1 else where for index, where in located.items()}


def _counts(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


# --- ENTITY-STATE-MIB -------------------------------------------------------------------------------------------------

#: entStateAlarm bits (EntityAlarmStatus) that are a fault, and how bad. underRepair: somebody is on it, still a part
#: to act on; indeterminate and unknown say nothing.
_STATE_ALARM_BITS = {
    2: (Health.CRITICAL, "critical alarm"),
    3: (Health.CRITICAL, "major alarm"),
    4: (Health.WARNING, "minor alarm"),
    5: (Health.WARNING, "warning alarm"),
    1: (Health.WARNING, "under repair"),
}


def bits(data: bytes | None) -> set[int]:
    """The bit numbers set in a BITS value (bit 0 is the most significant bit of the first octet, RFC 2578).

    >>> sorted(bits(bytes([0x20, 0x01])))
    [2, 15]
    """
    if not data:
        return set()
    return {octet * 8 + bit for octet, byte in enumerate(data) for bit in range(8) if byte & (0x80 >> bit)}


def alarm_bits(data: bytes | None, meaning: Mapping[int, tuple[Health, str]]) -> Verdict | None:
    """The verdict of an alarm BITS column: the worst bit set that means something, None when none does."""
    found = [Verdict(*meaning[bit]) for bit in sorted(bits(data)) if bit in meaning]
    return worst(found) if found else None


def entity_alarms(snapshot: Snapshot) -> dict[str, Verdict]:
    """ENTITY-STATE-MIB alarm bits alone, by entPhysicalIndex: what the device says of an entity that is not a part
    (a port, a backplane), where entStateOper may only mirror the link."""
    found = {
        row.index: alarm_bits(row.octets("alarm"), _STATE_ALARM_BITS)
        for row in snapshot.rows(mib.ENT_STATE_ENTRY, mib.ENT_STATE)
        if row.integer("admin") != 2
    }
    return {index: verdict for index, verdict in found.items() if verdict is not None}


def entity_states(snapshot: Snapshot) -> dict[str, Verdict]:
    """ENTITY-STATE-MIB verdicts by entPhysicalIndex. Disabled is a fault unless an administrator locked the part
    (then it is off on purpose: no verdict); the alarm bits add their severity. Rows saying nothing are left out."""
    verdicts: dict[str, Verdict] = {}
    for row in snapshot.rows(mib.ENT_STATE_ENTRY, mib.ENT_STATE):
        admin, oper = row.integer("admin"), row.integer("oper")
        if admin == 2:  # locked: out of service by choice
            continue
        found = worst(
            [
                {2: Verdict(Health.CRITICAL, "disabled (inoperable)"), 3: Verdict(Health.OK)}.get(oper or 0),
                alarm_bits(row.octets("alarm"), _STATE_ALARM_BITS),
            ]
        )
        if found is not None:
            verdicts[row.index] = found
    return verdicts


# --- ENTITY-SENSOR-MIB and CISCO-ENTITY-SENSOR-MIB --------------------------------------------------------------------

#: EntitySensorDataScale -> power of ten. RFC 3433 lists exa(14) before peta(15): the names, not the order, count.
_SCALE = {1: -24, 2: -21, 3: -18, 4: -15, 5: -12, 6: -9, 7: -6, 8: -3, 9: 0, 10: 3, 11: 6, 12: 9, 13: 12}
_SCALE.update({14: 18, 15: 15, 16: 21, 17: 24})
#: EntitySensorDataType -> (unit, factor). cmm (cubic metres a minute) is given in m3/h; CISCO-ENTITY-SENSOR-MIB adds
#: dBm(14) and dB(15). truthvalue(12) and specialEnum(13) are not measurements and are skipped.
_UNITS = {3: ("V", 1), 4: ("V", 1), 5: ("A", 1), 6: ("W", 1), 7: ("Hz", 1), 8: ("Cel", 1), 9: ("%RH", 1)}
_UNITS.update({10: ("RPM", 1), 11: ("m3/h", 60), 14: ("dBm", 1), 15: ("dB", 1)})
_SENSOR_LIMIT = 1_000_000_000  # entPhySensorValue's range: anything beyond is a "not available" filler


@dataclass(frozen=True)
class Reading:
    """One row of a sensor table, scaled: ``value`` None when the agent has no valid reading."""

    index: str
    value: float | None
    unit: str
    status: int | None


def scaled(raw: int | None, scale: int | None, precision: int | None) -> float | None:
    """entPhySensorValue in units: raw x 10^(3 x scale exponent) x 10^-precision (RFC 3433).

    >>> scaled(12050, 8, 0), scaled(3301, 9, 2), scaled(-234, 9, 1), scaled(2147483647, 9, 0)
    (12.05, 33.01, -23.4, None)
    """
    if raw is None or abs(raw) > _SENSOR_LIMIT:
        return None
    exponent = _SCALE.get(scale if scale is not None else 9, 0) - (precision or 0)
    try:
        return float(Decimal(raw).scaleb(exponent))
    except (InvalidOperation, OverflowError):
        return None


def readings(snapshot: Snapshot, entry: str) -> list[Reading]:
    """The rows of an ENTITY-SENSOR-style table (``entry``: entPhySensorEntry or Cisco's entSensorValueEntry)."""
    found = []
    for row in snapshot.rows(entry, mib.SENSOR_COLUMNS):
        kind = row.integer("type")
        if kind in (12, 13):
            continue
        unit, factor = _UNITS.get(
            kind or 0, ((row.text("units") if entry == mib.ENT_PHY_SENSOR_ENTRY else "") or "", 1)
        )
        status = row.integer("status")
        value = scaled(row.integer("value"), row.integer("scale"), row.integer("precision"))
        value = None if status in (2, 3) or value is None else value * factor
        found.append(Reading(row.index, value, unit, status))
    return found


def sensor_verdict(reading: Reading, state: Verdict | None) -> Verdict:
    """A reading's health: nonoperational (the agent believes the sensor broken) is a warning, unavailable says
    nothing; an ENTITY-STATE row of the sensor entity (its alarm bits) is the device's verdict on the reading."""
    if reading.status == 3:
        return Verdict(Health.WARNING, "sensor nonoperational")
    if state is not None:
        return state
    if reading.status == 1 and reading.value is not None:
        return Verdict(Health.OK)
    return Verdict(Health.UNKNOWN, "no valid reading")
