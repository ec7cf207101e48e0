"""What the parsing steps share: the resource map, the vendor profile, and the components found so far.

Every component is built by :meth:`Context.component`, the one place where
the standard reading and the profile's hooks meet: the profile's
``location`` wins over the standard label, its ``health`` over the standard
judgement, its ``part`` fields over the standard ones. A profile hook that
raises or answers nonsense is a protocol problem of that device (named after
the profile), never a crash of the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from typing import Any

from dcmaint.drivers import Component, ComponentKind, Health, PartIdentity, ProtocolError
from dcmaint_redfish.parse.fields import decorate, judge, part_fields, standard_location, text
from dcmaint_redfish.parse.vendor import Document, Resources, VendorProfile
from dcmaint_redfish.paths import link, member_entries

_PART_FIELDS = frozenset(field.name for field in dataclass_fields(PartIdentity))


class Context:
    """One parse of one resource map."""

    def __init__(self, resources: Resources, profile: VendorProfile) -> None:
        self.resources = resources
        self.profile = profile
        self.components: list[Component] = []
        self._built: dict[int, Component] = {}  # id(document) -> its component: a resource reached twice is one part

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
    ) -> Component:
        """Build (and keep) the component for one resource, asking the profile at each step.

        ``fallback`` is the label when neither the profile nor the standard properties give one; ``judged``
        replaces the standard health judgement; ``part`` adds PartIdentity fields the caller found elsewhere
        (the profile's still win).
        """
        if id(document) in self._built:
            return self._built[id(document)]
        location = self._hook("location", kind, document) or standard_location(kind, document) or fallback
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
            decorate(kind, location.strip()),
            health,
            reason if health.is_fault else None,
            name or text(document.get("Name")),
            self._part(kind, document, part or {}),
        )
        self.components.append(built)
        self._built[id(document)] = built
        return built

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
        for component in extra:
            if not isinstance(component, Component):
                raise ProtocolError(
                    f"vendor profile {self.profile.name}: components() returned "
                    f"{type(component).__name__}, not Component"
                )
            self.components.append(component)

    def unique(self) -> tuple[Component, ...]:
        """The components with one location per kind: a repeated label gets the resource's name or a number."""
        seen: set[tuple[ComponentKind, str]] = set()
        result: list[Component] = []
        for component in self.components:
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
                component = Component(
                    component.kind, location, component.health, component.reason, component.name, component.part
                )
            result.append(component)
        return tuple(result)
