"""Where each part sits: the chassis of a blade enclosure or a multi-tray server, and how a location names it.

A device may list several chassis: a blade enclosure and its blades, the
trays of a multi-node server, a server and its drive backplane. Each part is
built inside a :class:`~dcmaint_redfish.parse.context.Place`: the chassis it
was read from (a system's parts sit in the first chassis the system links),
and every chassis around that one (``Links.ContainedBy``, ``Links.Contains``).
When the parts of a device sit in more than one chassis, every location and
sensor name starts with its chassis's label ("Tray 2 / PSU 1"); the label is
the chassis's own (``Location.PartLocation.ServiceLabel``, then the other
``PartLocation`` fields, then its Name), with its Id added when two chassis
share one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dcmaint_redfish.parse.context import Context, Place
from dcmaint_redfish.parse.fields import dig, objects, ordinal_label, service_label, text
from dcmaint_redfish.parse.vendor import Document
from dcmaint_redfish.paths import ref_key


@dataclass(frozen=True)
class Frame:
    """One chassis: its document and the place of the parts read from it."""

    document: Document
    place: Place


def chassis_places(ctx: Context, chassis: list[Document]) -> dict[str, Frame]:
    """Every chassis by resource key, with the place of its parts; the chassis labels go to ``ctx.labels``."""
    paths = [ref_key(document) or f"chassis #{index}" for index, document in enumerate(chassis, 1)]
    labels = [_label(document, index) for index, document in enumerate(chassis, 1)]
    for index, (document, label) in enumerate(zip(chassis, labels, strict=True)):
        if labels.count(label) > 1:
            own = text(document.get("Id"))
            labels[index] = f"{label} {own}" if own and own not in label else f"{label} #{index + 1}"
    parents: dict[str, set[str]] = {path: set() for path in paths}
    for path, document in zip(paths, chassis, strict=True):
        for parent in _keys(dig(document, "Links", "ContainedBy")):
            parents[path].add(parent)
        for child in _keys(dig(document, "Links", "Contains")):
            parents.setdefault(child, set()).add(path)
    frames: dict[str, Frame] = {}
    for path, document, label in zip(paths, chassis, labels, strict=True):
        ctx.labels[path] = label
        frames[path] = Frame(document, Place(path, frozenset({path, *_ancestors(path, parents)})))
    return frames


def system_place(ctx: Context, system: Document, systems: list[Document], frames: dict[str, Frame]) -> Place:
    """Where a system's parts sit: in the chassis it links first (inside all it links); in the system itself
    when it links none and the device has several systems; else nowhere in particular."""
    linked = [key for key in _keys(dig(system, "Links", "Chassis")) if key in frames]
    if linked:
        within = frozenset().union(*(frames[key].place.within for key in linked))
        return Place(linked[0], within)
    if len(systems) > 1:
        path = ref_key(system) or f"system #{systems.index(system) + 1}"
        ctx.labels[path] = text(system.get("Name")) or text(system.get("Id")) or path
        return Place(path, frozenset())
    return Place()


def enclosure_place(frame: Frame) -> Place:
    """The chassis's own part is named by its own label, and sits inside the chassis around it."""
    assert frame.place.holder is not None
    return Place(None, frame.place.within - {frame.place.holder})


def _label(document: Document, index: int) -> str:
    return (
        service_label(document)
        or ordinal_label(document)
        or text(document.get("Name"))
        or text(document.get("Id"))
        or f"Chassis {index}"
    )


def _keys(value: object) -> list[str]:
    items: Iterable[object] = objects(value) if isinstance(value, list) else [value]
    return [key for key in (ref_key(item) for item in items) if key is not None]


def _ancestors(path: str, parents: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    pending = list(parents.get(path, ()))
    while pending:
        parent = pending.pop()
        if parent not in found and parent != path:
            found.add(parent)
            pending.extend(parents.get(parent, ()))
    return found
