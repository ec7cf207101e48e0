"""Building blocks of the simulated CRAC agents (``dcmaint sim snmp``): typed values and the fault targets.

Every sample is written from the MIB definitions (see each profile module), never from a device recording.
Fault targets the CRAC samples understand (docs/sim.md, docs/drivers/snmp-cooling.md):

``hightemp``, ``lowtemp``, ``highhum``, ``lowhum``
    the reading goes out of the unit's limits and the unit raises its alarm;
``leak``
    the unit's water detector alarms;
``filter``
    the air filter is clogged;
``humidifier``
    the humidifier cylinder is worn (needs replacing);
``fan`` (``fan:2``)
    fan N fails (fan 1 without a number);
``compressor`` (``compressor:2``)
    compressor N fails (compressor 1 without a number);
``off``
    an alarm stops the unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_UPTIME, Type, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

TARGETS = ("hightemp", "lowtemp", "highhum", "lowhum", "leak", "filter", "humidifier", "fan", "compressor", "off")


def integer(number: int) -> Value:
    return Value(Type.INTEGER, number)


def gauge(number: int) -> Value:
    return Value(Type.GAUGE32, number)


def ticks(number: int) -> Value:
    return Value(Type.TIMETICKS, number)


def text(words: str, encoding: str = "utf-8") -> Value:
    """An octet string; Chinese vendors' agents send GB18030 (``encoding="gb18030"``)."""
    return Value(Type.OCTETS, words.encode(encoding))


def oid(dotted: str) -> Value:
    return Value(Type.OID, dotted)


def system(descr: str, object_id: str, name: str) -> dict[str, Value]:
    """The MIB-2 system group every agent answers."""
    return {SYS_DESCR: text(descr), SYS_OBJECT_ID: oid(object_id), SYS_UPTIME: ticks(8_640_000), SYS_NAME: text(name)}


def wanted(faults: Sequence[FaultSpec], target: str) -> list[FaultSpec]:
    """The faults of one target (a target may be given twice: ``fan:1,fan:2``)."""
    return [fault for fault in faults if fault.target == target]


def has(faults: Sequence[FaultSpec], target: str) -> bool:
    return bool(wanted(faults, target))


def indexes(faults: Sequence[FaultSpec], target: str) -> list[int]:
    """The part numbers a target names (``fan:2`` -> 2; ``fan`` -> 1)."""
    return sorted({fault.index or 1 for fault in wanted(faults, target)})
