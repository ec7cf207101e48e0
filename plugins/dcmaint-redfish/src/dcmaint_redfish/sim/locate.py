"""Finding a flavour's parts by what they are, not by where one vendor keeps them.

A fault names a part by kind and number (``psu:2``); recorded trees keep PSUs
in ``Power.PowerSupplies`` arrays, in ``PowerSubsystem/PowerSupplies/N``
resources, or both. Each place is a *view*: a list of the parts of one kind
in the order a technician would count them (documents by natural path order,
array entries in document order). Part N is the N-th fitted part (state not
``Absent``) of each view, so ``psu:2`` breaks the second PSU in every view
of the tree that has one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dcmaint_redfish.sim import facility

Doc = dict[str, Any]

#: Resource types (``@odata.type`` without the version) and array properties of container types, per kind.
RESOURCE_TYPES = {
    "psu": re.compile(r"#(Hpe?)?PowerSupply\."),
    "fan": re.compile(r"#(Hpe?)?Fan\."),
    "disk": re.compile(r"#(Drive|Hpe?SmartStorageDiskDrive)\."),
    "dimm": re.compile(r"#(Hpe?)?Memory\."),
    "battery": re.compile(r"#(Hpe?)?Battery\."),
    "cpu": re.compile(r"#(Hpe?)?Processor\."),
    **{kind: re.compile(pattern) for kind, pattern in facility.RESOURCE_TYPES.items()},
}
ARRAYS = {
    "psu": (re.compile(r"#Power\."), "PowerSupplies"),
    "fan": (re.compile(r"#Thermal\."), "Fans"),
    "disk": (re.compile(r"#SimpleStorage\."), "Devices"),
}


@dataclass(frozen=True)
class Part:
    """One part in a tree: the document holding it and the keys leading to its object inside."""

    path: str
    pointer: tuple[str | int, ...] = ()

    def resolve(self, resources: Mapping[str, Doc]) -> Doc:
        node: Any = resources[self.path]
        for key in self.pointer:
            node = node[key]
        return node


def natural_key(path: str) -> tuple[Any, ...]:
    """``.../Fans/10`` after ``.../Fans/9``."""
    return tuple(int(chunk) if chunk.isdigit() else chunk for chunk in re.split(r"(\d+)", path))


def _type(doc: Any) -> str:
    return str(doc.get("@odata.type", "")) if isinstance(doc, dict) else ""


def _fitted(part: Any) -> bool:
    status = part.get("Status") if isinstance(part, dict) else None
    return not (isinstance(status, dict) and status.get("State") == "Absent")


def _batteries(node: Any, pointer: tuple[str | int, ...], inside: bool = False) -> Iterator[tuple[str | int, ...]]:
    """Battery objects kept inside other documents.

    HPE lists them in ``Oem.Hpe.SmartStorageBattery`` (``Oem.Hp.Battery`` on iLO 4) with a standard
    ``Status``; Dell in the controller's ``Oem.Dell.DellControllerBattery`` with a ``PrimaryStatus``.
    Health summaries (``AggregateHealthStatus``) are not batteries.
    """
    if isinstance(node, dict):
        if inside and (isinstance(node.get("Status"), dict) or "PrimaryStatus" in node):
            yield pointer
            return
        for key, value in node.items():
            if key not in ("Links", "@odata.id", "AggregateHealthStatus"):
                yield from _batteries(value, (*pointer, key), inside or "battery" in key.lower())
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _batteries(item, (*pointer, index), inside)


def views(resources: Mapping[str, Doc], kind: str) -> list[list[Part]]:
    """The fitted parts of ``kind``, one list per place the tree keeps them."""
    paths = sorted(resources, key=natural_key)
    found: list[list[Part]] = []
    pattern = RESOURCE_TYPES[kind]
    own = [Part(path) for path in paths if pattern.match(_type(resources[path]))]
    if own:
        found.append(own)
    if kind in ARRAYS:
        container, key = ARRAYS[kind]
        entries = [
            Part(path, (key, index))
            for path in paths
            if container.match(_type(resources[path]))
            for index, _entry in enumerate(resources[path].get(key) or ())
        ]
        if entries:
            found.append(entries)
    if kind == "battery":
        embedded = [
            Part(path, pointer)
            for path in paths
            if not pattern.match(_type(resources[path]))
            for pointer in _batteries(resources[path], ())
        ]
        if embedded:
            found.append(embedded)
    return [[part for part in view if _fitted(part.resolve(resources))] for view in found]


def nth(resources: Mapping[str, Doc], kind: str, number: int) -> list[Part]:
    """Part ``number`` (from 1) of ``kind`` in every view that has that many; empty when none has."""
    return [view[number - 1] for view in views(resources, kind) if len(view) >= number]


def count(resources: Mapping[str, Doc], kind: str) -> int:
    """How many fitted parts of ``kind`` the fullest view has."""
    return max((len(view) for view in views(resources, kind)), default=0)
