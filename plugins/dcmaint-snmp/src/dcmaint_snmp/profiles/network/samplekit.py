"""Building blocks of the simulated switches: an agent's values, entPhysicalTable rows, interfaces, faults.

The samples (``samples.py``) describe a switch as data (its parts and ports,
written from the MIB definitions and the vendors' public naming, never from a
device recording) and write it with these helpers, so every sample answers the
standard MIBs the same way and differs only where the vendors differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dcmaint_snmp.profiles.network import mib
from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_UPTIME, Snapshot, Type, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

#: sysUpTime of every sample: 123 days, in hundredths of a second.
UPTIME = 123 * 24 * 3600 * 100


@dataclass
class Part:
    """One entPhysicalEntry of a sample."""

    index: int
    cls: int
    name: str
    descr: str = ""
    parent: int = 0
    pos: int = -1
    model: str = ""
    serial: str = ""
    hardware: str = ""
    firmware: str = ""
    software: str = ""
    maker: str = ""
    descr_bytes: bytes | None = None  # a description in another encoding (GB18030)


@dataclass
class Port:
    """One interface of a sample; ``optic`` is the entPhysicalIndex of the transceiver fitted in it, if any."""

    index: int
    name: str
    descr: str
    alias: str = ""
    admin: int = 1
    oper: int = 1
    in_errors: int = 0
    out_errors: int = 0
    in_packets: int = 0
    out_packets: int = 0
    optic: int | None = None
    entity: int | None = None  # the port's own entPhysicalIndex, for entAliasMappingTable
    uplink: bool = False


@dataclass
class Faults:
    """The ``--faults`` items of one agent, by target: ``faults.of("psu")`` is ``{index: value}`` (index 1 when the
    item gives none, value "" when it gives none)."""

    items: dict[str, dict[int, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, specs: Sequence[FaultSpec]) -> Faults:
        items: dict[str, dict[int, str]] = {}
        for spec in specs:
            items.setdefault(spec.target, {})[spec.index or 1] = (spec.value or "").lower()
        return cls(items)

    def of(self, target: str) -> dict[int, str]:
        return self.items.get(target, {})


class Agent:
    """The values one simulated agent serves."""

    def __init__(self, sys_object_id: str, sys_descr: str, sys_name: str) -> None:
        self.values: dict[str, Value] = {}
        self.oid(SYS_OBJECT_ID, sys_object_id)
        self.text(SYS_DESCR, sys_descr)
        self.put(SYS_UPTIME, Type.TIMETICKS, UPTIME)
        self.text(SYS_NAME, sys_name)
        self.put(mib.ENT_LAST_CHANGE_TIME, Type.TIMETICKS, 4200)

    def put(self, oid: str, kind: Type, data: int | bytes | str | None) -> None:
        self.values[oid] = Value(kind, data)

    def integer(self, oid: str, value: int) -> None:
        self.put(oid, Type.INTEGER, value)

    def text(self, oid: str, value: str | bytes) -> None:
        self.put(oid, Type.OCTETS, value.encode("utf-8") if isinstance(value, str) else value)

    def oid(self, oid: str, value: str) -> None:
        self.put(oid, Type.OID, value)

    def entities(self, parts: Sequence[Part]) -> None:
        """entPhysicalTable (every column the profiles read, empty strings where a part has no value)."""
        base = mib.ENT_PHYSICAL_ENTRY
        for part in parts:
            i = part.index
            self.text(f"{base}.2.{i}", part.descr_bytes if part.descr_bytes is not None else part.descr)
            self.integer(f"{base}.4.{i}", part.parent)
            self.integer(f"{base}.5.{i}", part.cls)
            self.integer(f"{base}.6.{i}", part.pos)
            self.text(f"{base}.7.{i}", part.name)
            self.text(f"{base}.8.{i}", part.hardware)
            self.text(f"{base}.9.{i}", part.firmware)
            self.text(f"{base}.10.{i}", part.software)
            self.text(f"{base}.11.{i}", part.serial)
            self.text(f"{base}.12.{i}", part.maker)
            self.text(f"{base}.13.{i}", part.model)

    def interfaces(self, ports: Sequence[Port]) -> None:
        """ifTable, ifXTable (64-bit counters) and entAliasMappingTable for the ports that name their entity."""
        for port in ports:
            i = port.index
            self.integer(f"{mib.IF_ENTRY}.1.{i}", i)
            self.text(f"{mib.IF_ENTRY}.2.{i}", port.descr)
            self.integer(f"{mib.IF_ENTRY}.7.{i}", port.admin)
            self.integer(f"{mib.IF_ENTRY}.8.{i}", port.oper)
            self.put(f"{mib.IF_ENTRY}.11.{i}", Type.COUNTER32, port.in_packets % 2**32)
            self.put(f"{mib.IF_ENTRY}.14.{i}", Type.COUNTER32, port.in_errors)
            self.put(f"{mib.IF_ENTRY}.17.{i}", Type.COUNTER32, port.out_packets % 2**32)
            self.put(f"{mib.IF_ENTRY}.20.{i}", Type.COUNTER32, port.out_errors)
            self.text(f"{mib.IF_X_ENTRY}.1.{i}", port.name)
            for column, count in ((7, port.in_packets), (8, 0), (9, 0), (11, port.out_packets), (12, 0), (13, 0)):
                self.put(f"{mib.IF_X_ENTRY}.{column}.{i}", Type.COUNTER64, count)
            self.text(f"{mib.IF_X_ENTRY}.18.{i}", port.alias)
            if port.entity is not None:
                self.oid(f"{mib.ENT_ALIAS_MAPPING_IDENTIFIER}.{port.entity}.0", f"{mib.IF_INDEX_PREFIX}{i}")

    def sensor(
        self,
        entry: str,
        index: int,
        kind: int,
        scale: int,
        precision: int,
        value: int,
        status: int = 1,
        units: str | None = None,
    ) -> None:
        """One row of entPhySensorTable or of Cisco's entSensorValueTable (``entry``)."""
        self.integer(f"{entry}.1.{index}", kind)
        self.integer(f"{entry}.2.{index}", scale)
        self.integer(f"{entry}.3.{index}", precision)
        self.integer(f"{entry}.4.{index}", value)
        self.integer(f"{entry}.5.{index}", status)
        if units is not None:
            self.text(f"{entry}.6.{index}", units)

    def snapshot(self) -> Snapshot:
        return Snapshot(self.values)


def access_and_uplinks(
    first: int, access: Sequence[str], uplinks: Sequence[tuple[str, int | None, int | None]], descr: str = "{name}"
) -> list[Port]:
    """A small switch's interfaces, ifIndex from ``first``: access ports (the first up with a few historic errors,
    the second admin-up but oper-down like a PC switched off, the third shut down) and uplinks described as such in
    ifAlias, each ``(name, transceiver entity, port entity)``."""
    ports = []
    states = [(1, 1, 17), (1, 2, 0), (2, 2, 0)]
    for number, name in enumerate(access):
        admin, oper, errors = states[number % len(states)]
        ports.append(
            Port(
                first + number,
                name,
                descr.format(name=name),
                admin=admin,
                oper=oper,
                in_errors=errors,
                in_packets=8_400_000_000 if oper == 1 else 0,
                out_packets=9_100_000_000 if oper == 1 else 0,
            )
        )
    for number, (name, optic, entity) in enumerate(uplinks, start=1):
        ports.append(
            Port(
                first + len(access) + number - 1,
                name,
                descr.format(name=name),
                alias=f"Uplink to core-{number}",
                in_packets=61_000_000_000,
                out_packets=58_000_000_000,
                in_errors=3,
                optic=optic,
                entity=entity,
                uplink=True,
            )
        )
    return ports


def break_ports(ports: list[Port], faults: Faults) -> None:
    """Apply the ``uplink`` (down), ``errors`` (5 % input errors) and ``transceiver`` (link down with it) faults."""
    uplinks = [port for port in ports if port.uplink]
    for number in faults.of("uplink"):
        if 1 <= number <= len(uplinks):
            uplinks[number - 1].oper = 2
    for number in faults.of("errors"):
        if 1 <= number <= len(uplinks):
            uplinks[number - 1].in_errors = uplinks[number - 1].in_packets // 19
    for number, value in faults.of("transceiver").items():
        if 1 <= number <= len(uplinks):
            uplinks[number - 1].oper = 6 if value == "missing" else 2
