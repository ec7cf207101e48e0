"""What a device profile is: the OIDs a model answers, how to recognise it, and how to read its answer.

A profile is data plus a small parser, so that a new model is a new profile,
not a new driver. The driver (``dcmaint_snmp.driver``) does all the talking:

1. probing: one GET of the MIB-2 system group and of every profile's
   ``probe`` OIDs; the first profile (in :data:`dcmaint_snmp.profiles.PROFILES`
   order, vendor-specific before generic) of the target's device kind whose
   ``identifies`` accepts that answer is used. ``sysObjectID`` alone is not
   enough: several UPS and CRAC cards answer with net-snmp's generic one, so
   ``identifies`` looks for an object only that MIB has.
2. reading: one GET of ``scalars`` and a GETBULK walk of each of ``walks``.
3. parsing: ``parse(snapshot, options)``, a pure function from what the agent
   answered (a :class:`~dcmaint_snmp.snapshot.Snapshot`) to a
   :class:`~dcmaint.drivers.DeviceReport`. It never raises for a missing or
   odd value: a part the agent does not describe is simply not reported,
   and the device's own verdict (a status column, an alarm table) comes
   before anything derived from readings.

``--option profile=NAME`` skips step 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import Component, ComponentKind, DeviceReport, Health, PartIdentity
from dcmaint_snmp.snapshot import SYS_OBJECT_ID, Snapshot

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

Parse = Callable[[Snapshot, Mapping[str, str]], DeviceReport]
Identifies = Callable[[Snapshot], bool]


@dataclass(frozen=True)
class Profile:
    """One model family's MIB as the driver uses it."""

    #: ``--option profile=`` names it, and reports' archive records it: lower case, e.g. ``ups-rfc1628``.
    name: str
    kind: DeviceKind
    #: One line for ``docs/drivers/snmp.md`` and errors: the MIB and the devices it covers.
    description: str
    #: OIDs GET when probing, besides the system group (scalars only: a probe is one request).
    probe: tuple[str, ...]
    #: Given the probe's answer (system group + every profile's probe OIDs), is this the device's MIB?
    identifies: Identifies
    #: Scalars GET when polling (the system group is always added).
    scalars: tuple[str, ...]
    #: Subtrees walked (GETBULK) when polling: tables and groups.
    walks: tuple[str, ...]
    parse: Parse


def enterprise_under(snapshot: Snapshot, *prefixes: str) -> bool:
    """True when sysObjectID lies under one of ``prefixes`` (enterprise arcs such as ``1.3.6.1.4.1.318``)."""
    found = snapshot.oid(SYS_OBJECT_ID) or ""
    return any(found == prefix or found.startswith(prefix + ".") for prefix in prefixes)


def answers(snapshot: Snapshot, *oids: str) -> bool:
    """True when the agent gave a value for any of ``oids`` (an object only that MIB has)."""
    return any(snapshot.value(oid) is not None for oid in oids)


#: ``PartIdentity.attributes`` key marking a consumable part (filter, humidifier cylinder, UPS battery string):
#: a fault on it is wear, so preventive maintenance brings its replacement task forward (docs/drivers/snmp.md).
CONSUMABLE = "consumable"


def consumable(
    kind: ComponentKind,
    location: str,
    health: Health,
    reason: str | None,
    part: PartIdentity | None = None,
    name: str | None = None,
) -> Component:
    """A component that wears out and is replaced from the depot's consumables, marked as such."""
    part = part or PartIdentity()
    marked = PartIdentity(
        manufacturer=part.manufacturer,
        model=part.model,
        part_number=part.part_number,
        spare_part_number=part.spare_part_number,
        serial=part.serial,
        firmware=part.firmware,
        attributes={**part.attributes, CONSUMABLE: "yes"},
    )
    return Component(kind, location, health, reason, name=name, part=marked)


@dataclass(frozen=True)
class Sample:
    """A simulated agent of one profile, for ``dcmaint sim snmp``, the tests and the benchmark.

    ``build(faults)`` returns everything the agent serves (system group included) as a snapshot,
    written from the MIB definitions and the vendor's public documentation, never copied from a
    device; ``faults`` are the ``--faults`` items (``dcmaint.drivers.simulators.FaultSpec``) that
    apply to this agent, already selected, and ``targets`` lists the fault targets it understands
    (``battery``, ``onbattery``, ``filter``...), each documented in docs/sim.md.
    """

    profile: str
    #: Short word for simulated device names and selectors (``ups`` -> ups1, ups2...).
    prefix: str
    targets: tuple[str, ...]
    build: Callable[[Sequence[FaultSpec]], Snapshot]
