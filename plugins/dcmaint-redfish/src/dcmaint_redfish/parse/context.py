"""What the parsing steps share: the resource map, the vendor profile, and the parts found so far.

Every component is built by :meth:`Context.component`, the one place where
the standard reading and the profile's hooks meet: the profile's
``location`` wins over the standard label, its ``health`` over the standard
judgement, its ``part`` fields over the standard ones. A profile hook that
raises or answers nonsense is a protocol problem of that device (named after
the profile), never a crash of the run.

The context also remembers, for every part, the resource it came from and
the chassis it sits in, so that :meth:`Context.finish` can name each part's
chassis when the device has several, link sensors and BMC conditions to the
part they are about (one broken part is one fault), and tell a chassis's
own health from a roll-up of its parts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from dcmaint.drivers import Alarm, Component, ComponentKind, Health, PartIdentity, ProtocolError, Sensor
from dcmaint_redfish.parse.fields import (
    decorate,
    judge,
    kind_label,
    legacy_location,
    ordinal_label,
    part_fields,
    service_label,
    text,
)
from dcmaint_redfish.parse.vendor import Document, OemPart, Resources, VendorProfile
from dcmaint_redfish.paths import link, member_entries, ref_key

_PART_FIELDS = frozenset(field.name for field in dataclass_fields(PartIdentity))


@dataclass
class Place:
    """Where the walk is: the chassis (or system) a part is qualified by, and every chassis it sits inside."""

    holder: str | None = None
    within: frozenset[str] = frozenset()


@dataclass
class _Part:
    component: Component
    place: Place
    chassis: str | None = None  # for an enclosure: the chassis resource it stands for
    keys: set[str] = field(default_factory=set)  # the resource keys that name this part


@dataclass
class _Sensor:
    sensor: Sensor
    place: Place
    about: _Part | None
    key: str | None


@dataclass
class _Alarm:
    alarm: Alarm
    origin: str | None
    listed_by: str | None


class Context:
    """One parse of one resource map."""

    def __init__(self, resources: Resources, profile: VendorProfile) -> None:
        self.resources = resources
        self.profile = profile
        self.place = Place()
        self.labels: dict[str, str] = {}  # chassis (or system) path -> how a location names it
        self._parts: list[_Part] = []
        self._built: dict[int, _Part] = {}  # id(document) -> its part: a resource reached twice is one part
        self._by_key: dict[str, _Part] = {}  # resource key (path, path#/pointer) -> its part
        self._measured: dict[str, _Part] = {}  # sensor path -> the part whose excerpt names it (DataSourceUri)
        self._sensors: list[_Sensor] = []
        self._alarms: list[_Alarm] = []

    @property
    def components(self) -> list[Component]:
        """The components built so far, in order."""
        return [part.component for part in self._parts]

    # -- reading the map -----------------------------------------------------

    def doc(self, path: str | None) -> Document | None:
        """The document at ``path`` when the map holds a JSON object there."""
        if path is None:
            return None
        found = self.resources.get(path)
        return found if isinstance(found, Mapping) else None

    def follow(self, value: Any) -> Document | None:
        """The document a ``{"@odata.id": ...}`` link points to."""
        return self.doc(link(value))

    def resolve(self, key: str | None) -> Document | None:
        """The object a resource key names, following its JSON pointer (``Power#/PowerSupplies/1``)."""
        if key is None:
            return None
        path, _sep, pointer = key.partition("#")
        node: Any = self.doc(path)
        for step in filter(None, pointer.split("/")):
            if isinstance(node, Mapping):
                node = node.get(step)
            elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
                node = node[int(step)]
            else:
                return None
        return node if isinstance(node, Mapping) else None

    def members(self, collection: Any) -> list[Document]:
        """The member documents of a collection given by link or path: from the map, or inline when expanded."""
        path = collection if isinstance(collection, str) else link(collection)
        document = self.doc(path)
        found: list[Document] = []
        for member, entry in member_entries(document):
            target = self.doc(member)
            if target is not None:
                found.append(target)
            elif any(not key.startswith("@odata.") for key in entry):
                found.append(entry)
        return found

    def linked(self, value: Any) -> list[Document]:
        """The documents an array of links points to (those the map holds)."""
        if not isinstance(value, list):
            return []
        found = [self.follow(item) for item in value]
        return [document for document in found if document is not None]

    @contextlib.contextmanager
    def inside(self, place: Place) -> Iterator[None]:
        """Parts, sensors built in this block sit in ``place``."""
        before, self.place = self.place, place
        try:
            yield
        finally:
            self.place = before

    # -- building components -------------------------------------------------

    def component(
        self,
        kind: ComponentKind,
        document: Document,
        *,
        fallback: str,
        name: str | None = None,
        judged: tuple[Health, str | None] | None = None,
        part: Mapping[str, Any] | None = None,
        keys: tuple[str, ...] = (),
        chassis: str | None = None,
    ) -> Component:
        """Build (and keep) the component for one resource, asking the profile at each step.

        The location is the vendor's own label, as given: the profile's reading, else
        ``Location.PartLocation.ServiceLabel``; then the kind's standard field (DIMM ``DeviceLocator``, CPU
        ``Socket``, card slot), the legacy ``Location`` text, the ``PartLocation`` type and ordinal, and
        ``fallback`` last (only a kind-specific field or the fallback gets the kind's word: "2" -> "PSU 2").
        ``judged`` replaces the standard health judgement; ``part`` adds PartIdentity fields the caller
        found elsewhere (the profile's still win); ``keys`` are further resource keys that name this part
        (its entry in a legacy array); ``chassis`` marks the enclosure component that stands for a chassis.
        """
        if id(document) in self._built:
            return self._built[id(document)].component
        location = self._hook("location", kind, document) or service_label(document)
        if location is None:
            standard = kind_label(kind, document) or legacy_location(document)
            location = decorate(kind, standard.strip()) if standard else ordinal_label(document)
        if location is None:
            location = decorate(kind, fallback.strip()) if isinstance(fallback, str) else fallback
        if not isinstance(location, str) or not location.strip():
            raise ProtocolError(f"vendor profile {self.profile.name}: location for {kind.value} is not text")
        verdict = self._hook("health", kind, document) or judged or judge(kind, document)
        try:
            health, reason = Health(verdict[0]), verdict[1]
        except (TypeError, ValueError, IndexError, KeyError):
            raise ProtocolError(
                f"vendor profile {self.profile.name}: health for {kind.value} is not (Health, reason)"
            ) from None
        if reason is not None and not isinstance(reason, str):
            raise ProtocolError(f"vendor profile {self.profile.name}: reason for {kind.value} is not text")
        if health.is_fault and not (reason or "").strip():
            reason = (
                "failed"
                if health is Health.CRITICAL
                else ("degraded" if health is Health.WARNING else "no health reported")
            )
        built = Component(
            kind,
            location.strip(),
            health,
            reason if health.is_fault else None,
            name or text(document.get("Name")),
            self._part(kind, document, part or {}),
        )
        entry = _Part(built, self.place, chassis)
        self._parts.append(entry)
        self._built[id(document)] = entry
        self._register(entry, (ref_key(document), *keys))
        for value in document.values():  # excerpts such as a fan's SpeedPercent name the sensor behind them
            source = ref_key(value.get("DataSourceUri")) if isinstance(value, Mapping) else None
            if source is not None:
                self._measured.setdefault(source, entry)
        return built

    def alias(self, component: Component, keys: tuple[str | None, ...]) -> None:
        """Further resource keys that name an already built component (the legacy entry of a modern part)."""
        entry = next((part for part in self._parts if part.component is component), None)
        if entry is not None:
            self._register(entry, keys)

    def _register(self, entry: _Part, keys: tuple[str | None, ...]) -> None:
        for key in keys:
            if key is not None:
                self._by_key.setdefault(key, entry)
                entry.keys.add(key)

    def part_at(self, key: str | None) -> Component | None:
        """The component built from the resource at ``key``, if any."""
        entry = self._by_key.get(key) if key is not None else None
        return entry.component if entry is not None else None

    def _part(self, kind: ComponentKind, document: Document, found: Mapping[str, Any]) -> PartIdentity | None:
        values = part_fields(document)
        values.update({key: value for key, value in found.items() if value is not None})
        extra = self._hook("part", kind, document) or {}
        if not isinstance(extra, Mapping) or not set(extra) <= _PART_FIELDS:
            raise ProtocolError(f"vendor profile {self.profile.name}: part for {kind.value} names unknown fields")
        attributes = dict(values["attributes"])
        values.update(extra)
        if isinstance(extra.get("attributes"), Mapping):
            attributes.update(extra["attributes"])
        values["attributes"] = {str(key): str(value) for key, value in attributes.items()}
        try:
            part = PartIdentity(**values)
        except (TypeError, ValueError) as error:
            raise ProtocolError(f"vendor profile {self.profile.name}: part for {kind.value}: {error}") from None
        if part == PartIdentity():
            return None
        return part

    def _hook(self, hook: str, kind: ComponentKind, document: Document) -> Any:
        try:
            return getattr(self.profile, hook)(kind, document)
        except ProtocolError:
            raise
        except Exception as error:  # noqa: BLE001 - a profile bug is this device's protocol problem
            raise ProtocolError(
                f"vendor profile {self.profile.name}: {hook}() failed for {kind.value}: {type(error).__name__}: {error}"
            ) from None

    def vendor_components(self) -> None:
        """Add the components only the profile's OEM reading knows."""
        try:
            extra = list(self.profile.components(self.resources))
        except Exception as error:  # noqa: BLE001 - as in _hook
            raise ProtocolError(
                f"vendor profile {self.profile.name}: components() failed: {type(error).__name__}: {error}"
            ) from None
        for found in extra:
            component, keys = (found.component, found.keys) if isinstance(found, OemPart) else (found, ())
            if not isinstance(component, Component):
                raise ProtocolError(
                    f"vendor profile {self.profile.name}: components() returned "
                    f"{type(component).__name__}, not Component"
                )
            entry = _Part(component, Place())
            self._parts.append(entry)
            self._register(entry, tuple(keys))

    # -- sensors and alarms --------------------------------------------------

    def sensor(self, sensor: Sensor, *, about: Component | tuple[str | None, ...] = (), key: str | None = None) -> None:
        """Keep a sensor of the current place; ``about`` is the part it measures, or keys of related resources
        (``RelatedItem``: the first that is a part, a chassis only when no other part is named).

        ``key`` is the sensor's own resource key: a part whose excerpt names it (``DataSourceUri``) is
        the part it measures too, and a condition pointing at it is placed at the sensor.
        """
        if isinstance(about, Component):
            part = next((entry for entry in self._parts if entry.component is about), None)
        else:
            named = [self._by_key[item] for item in about if item is not None and item in self._by_key]
            part = next((entry for entry in named if entry.chassis is None), named[0] if named else None)
        self._sensors.append(_Sensor(sensor, self.place, part, key))

    def alarm(self, alarm: Alarm, *, origin: str | None = None, listed_by: str | None = None) -> None:
        """Keep an alarm about the resource at ``origin`` (``OriginOfCondition``), listed by ``listed_by``."""
        self._alarms.append(_Alarm(alarm, origin, listed_by))

    # -- the end of the walk -------------------------------------------------

    def finish(self) -> tuple[tuple[Component, ...], tuple[Sensor, ...], tuple[Alarm, ...]]:
        """The components, sensors and alarms of the report, with final locations and links.

        A chassis's Health that only rolls up a faulty part inside it is not a second fault (its own health
        is taken as ok); on a device whose parts sit in several chassis (or whose sensors of one name do)
        every location and sensor name starts with its chassis ("Tray 2 / PSU 1"); a repeated label within
        one chassis gets the part's name or a number; then sensors and alarms name the part they are about.
        """
        for entry in self._parts:
            if entry.chassis is not None and entry.component.is_fault and self._rolled_up(entry):
                entry.component = replace(entry.component, health=Health.OK, reason=None)
        qualify = self._several_places()
        for entry in self._parts:
            if qualify and entry.place.holder is not None:
                location = f"{self.labels[entry.place.holder]} / {entry.component.location}"
                entry.component = replace(entry.component, location=location)
        self._unique()
        sensors = [self._final_sensor(item, qualify) for item in self._sensors]
        named = {item.key: sensor.name for item, sensor in zip(self._sensors, sensors, strict=True) if item.key}
        alarms = tuple(self._final_alarm(item, named) for item in self._alarms)
        return tuple(entry.component for entry in self._parts), tuple(sensors), alarms

    def _several_places(self) -> bool:
        """Whether locations must name their chassis: parts sit in several, or one sensor name is in several."""
        if len({entry.place.holder for entry in self._parts} - {None}) > 1:
            return True
        holders: dict[str, set[str | None]] = {}
        for item in self._sensors:
            holders.setdefault(item.sensor.name, set()).add(item.place.holder)
        return any(len(found) > 1 for found in holders.values())

    def _rolled_up(self, chassis: _Part) -> bool:
        """Whether a faulty part, or a faulty sensor, inside this chassis explains its health as a roll-up.

        A chassis that is offline (``UnavailableOffline``) is a fault of its own whatever sits inside it.
        """
        assert chassis.chassis is not None
        document = self.doc(chassis.chassis) or {}
        if (text((document.get("Status") or {}).get("State")) or "").lower() == "unavailableoffline":
            return False
        rank = chassis.component.health.rank
        linked = {ref_key(item) for value in dict(document.get("Links") or {}).values() for item in _as_list(value)}
        inside = [
            entry.component.health
            for entry in self._parts
            if entry is not chassis
            and entry.component.is_fault
            and (chassis.chassis in entry.place.within or entry.keys & linked)
        ]
        inside += [
            item.sensor.health
            for item in self._sensors
            if item.sensor.is_fault and chassis.chassis in item.place.within
        ]
        return any(health.rank >= rank for health in inside)

    def _unique(self) -> None:
        """One location per kind: a label repeated within one place gets the resource's name, else a number."""
        seen: set[tuple[ComponentKind, str]] = set()
        for entry in self._parts:
            component = entry.component
            location = component.location
            if (component.kind, location) in seen and component.name and component.name not in location:
                location = f"{location} ({component.name})"
            number = 2
            base = location
            while (component.kind, location) in seen:
                location = f"{base} #{number}"
                number += 1
            seen.add((component.kind, location))
            if location != component.location:
                entry.component = replace(component, location=location)

    def _final_sensor(self, item: _Sensor, qualify: bool) -> Sensor:
        sensor = item.sensor
        if qualify and item.place.holder is not None:
            sensor = replace(sensor, name=f"{self.labels[item.place.holder]} / {sensor.name}")
        about = item.about or (self._measured.get(item.key) if item.key else None)
        if about is not None:
            sensor = replace(sensor, component=about.component.ref)
        return sensor

    def _final_alarm(self, item: _Alarm, sensors: Mapping[str, str]) -> Alarm:
        """The alarm placed at the resource it points at, linked to that part when the part can be a fault.

        A condition about a chassis is linked to the chassis's enclosure only while that is itself a fault
        (then it restates it); otherwise it stays an alarm at the chassis, since a chassis is rarely the
        part to replace.
        """
        alarm = item.alarm
        target = self._origin_part(item.origin)
        if target is not None and (target.chassis is None or target.component.is_fault):
            return replace(alarm, source=target.component.location, component=target.component.ref)
        if target is not None:
            return replace(alarm, source=target.component.location)
        where = item.origin or item.listed_by
        if where is None:
            return alarm
        if where in sensors:
            return replace(alarm, source=sensors[where])
        if where in self.labels:
            return replace(alarm, source=self.labels[where])
        document = self.resolve(where)
        label = (text(document.get("Name")) or text(document.get("Id"))) if document is not None else None
        return replace(alarm, source=label or alarm.source or where)

    def _origin_part(self, origin: str | None) -> _Part | None:
        """The part a condition points at: by its resource key, else by the serial number of that resource."""
        if origin is None:
            return None
        if origin in self._by_key:
            return self._by_key[origin]
        serial = text((self.resolve(origin) or {}).get("SerialNumber"))
        if serial is None:
            return None
        same = [entry for entry in self._parts if entry.component.part and entry.component.part.serial == serial]
        return same[0] if len(same) == 1 else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
