"""What a BMC family does differently from plain DMTF Redfish.

The standard parser (``parse.standard``) walks the DMTF resources and asks the
device's profile at each step; a profile overrides only what its firmware does
differently. Profiles are pure: they read JSON documents already fetched and
never do I/O. ``extra_paths`` is how a profile asks the crawler for resources
outside the standard walk (e.g. HPE iLO 4's SmartStorage tree).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dcmaint.drivers import Component, ComponentKind, Health

Document = Mapping[str, Any]
Resources = Mapping[str, Document]  # path ("/redfish/v1/Systems/1") -> its JSON document


@dataclass(frozen=True)
class OemPart:
    """A component only the OEM tree shows, with the keys of the resource it was read from
    (``path`` or ``path#/json/pointer``), so that a BMC condition pointing there finds the part."""

    component: Component
    keys: tuple[str, ...] = ()


class VendorProfile:
    """Plain DMTF behaviour; subclasses override what their firmware changes."""

    #: Short identifier, e.g. "hpe", "dell"; shown in reports and docs.
    name = "dmtf"
    #: People-facing name, e.g. "HPE iLO".
    label = "DMTF Redfish"

    def matches(self, root: Document) -> bool:
        """Whether the service root (``/redfish/v1``) belongs to this family."""
        return False

    def extra_paths(self, resources: Resources) -> Sequence[str]:
        """Further resources to fetch once the standard walk is done (may be called again with the result)."""
        return ()

    def part(self, kind: ComponentKind, doc: Document) -> Mapping[str, Any]:
        """PartIdentity fields to set or override for this resource (e.g. a spare part number kept under Oem)."""
        return {}

    def location(self, kind: ComponentKind, doc: Document) -> str | None:
        """The slot label a technician reads on the chassis, when the standard fields do not give it."""
        return None

    def health(self, kind: ComponentKind, doc: Document) -> tuple[Health, str] | None:
        """A health and reason that the OEM section knows better than ``Status``; None keeps the standard one."""
        return None

    def components(self, resources: Resources) -> Sequence[Component | OemPart]:
        """Components only the OEM tree shows (not already reported through the standard resources);
        an :class:`OemPart` also says where the component was read from."""
        return ()
