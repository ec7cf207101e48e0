"""The DMTF reading of a resource map, from the service root down, asking the vendor profile at each step.

Order matters only for readability of the report: systems first (CPUs,
DIMMs, storage), then each chassis (the chassis itself, PSUs, fans,
batteries, adapters, sensors), then PCIe cards not already reported, the
chassis assemblies, then what only the profile's OEM reading knows; then
the BMC's conditions, each placed at the resource it points at. Every part
is built inside its place (:mod:`dcmaint_redfish.parse.places`): the chassis
that names it when the device has several. Everything here is pure: no
I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dcmaint.drivers import DeviceReport, Health, ProtocolError
from dcmaint_redfish.parse import archive, events, facility, places
from dcmaint_redfish.parse import chassis as chassis_parts
from dcmaint_redfish.parse import system as system_parts
from dcmaint_redfish.parse.context import Context, Place
from dcmaint_redfish.parse.fields import dig, mapping, redfish_health
from dcmaint_redfish.parse.vendor import Document, Resources, VendorProfile
from dcmaint_redfish.paths import ROOT, link


def parse_standard(
    resources: Resources,
    profile: VendorProfile,
    *,
    unread: Mapping[str, str],
    log_entries: int,
    filter_wear: float | None = facility.DEFAULT_FILTER_WEAR,
) -> DeviceReport:
    ctx = Context(resources, profile)
    root = ctx.doc(ROOT)
    if root is None:
        raise ProtocolError(f"no service root ({ROOT}) among the resources read")
    systems = ctx.members(root.get("Systems"))
    chassis = ctx.members(root.get("Chassis"))
    managers = ctx.members(root.get("Managers"))
    raid: dict[str, Any] = {}
    pcie: dict[int, tuple[Document, Place]] = {}
    frames = places.chassis_places(ctx, chassis)

    for system in systems:
        with ctx.inside(places.system_place(ctx, system, systems, frames)):
            system_parts.processors(ctx, system)
            system_parts.memory(ctx, system)
            found_before = len(ctx.components)
            raid.update(system_parts.storage(ctx, system))
            if not any(component.kind.value == "disk" for component in ctx.components[found_before:]):
                system_parts.simple_storage(ctx, system)
            _collect_pcie(ctx, system.get("PCIeDevices"), pcie)

    adapters: dict[str, str] = {}
    for path, frame in frames.items():
        with ctx.inside(places.enclosure_place(frames[path])):
            chassis_parts.enclosure(ctx, frame.document, path)
        with ctx.inside(frame.place):
            chassis_parts.power_supplies(ctx, frame.document)
            chassis_parts.fans(ctx, frame.document)
            chassis_parts.network_adapters(ctx, frame.document, adapters)
            chassis_parts.legacy_sensors(ctx, frame.document)
            _collect_pcie(ctx, frame.document.get("PCIeDevices"), pcie)
    system_parts.pcie_devices(ctx, list(pcie.values()), adapters=adapters)
    for frame in frames.values():
        with ctx.inside(frame.place):
            chassis_parts.assemblies(ctx, frame.document)
    ctx.vendor_components()
    units = facility.equipment(ctx, root, filter_wear=filter_wear)  # CDUs, PDUs: none on a server

    service_conditions = ctx.follow(root.get("ServiceConditions"))
    events.condition_alarms(
        ctx, [*systems, *chassis, *managers, *units, *([service_conditions] if service_conditions else [])]
    )
    for alarm in events.unread_alarms(unread):
        ctx.alarm(alarm)
    components, sensors, alarms = ctx.finish()
    services = [service for owner in (*systems, *managers) for service in ctx.members(owner.get("LogServices"))]
    inventory = archive.firmware_inventory(ctx, ctx.follow(root.get("UpdateService")))
    identity = archive.identity(root, systems, chassis, managers, inventory)
    if not systems:
        identity = facility.identity(root, units, identity.firmware) or identity
    snapshot = archive.snapshot(ctx, components, systems, managers, raid, dict(identity.firmware))
    if units:
        snapshot = replace(snapshot, hardware={**snapshot.hardware, "facility": facility.archive_hardware(components)})
    return DeviceReport(
        identity=identity,
        components=components,
        sensors=sensors,
        alarms=alarms,
        events=tuple(events.log_events(ctx, services, log_entries)),
        archive=snapshot,
        rollup=_rollup(systems),
    )


def _collect_pcie(ctx: Context, value: Any, found: dict[int, tuple[Document, Place]]) -> None:
    documents = ctx.linked(value) if isinstance(value, list) else ctx.members(link(value))
    for document in documents:
        found.setdefault(id(document), (document, ctx.place))


def _rollup(systems: list[Document]) -> Health | None:
    """The systems' own summary health (``HealthRollup``, also spelt ``HealthRollUp`` by some services)."""
    healths = []
    for system in systems:
        status = mapping(system.get("Status"))
        found = (
            redfish_health(status.get("HealthRollup"))
            or redfish_health(status.get("HealthRollUp"))
            or redfish_health(dig(system, "Status", "Health"))
        )
        if found is not None:
            healths.append(found)
    return Health.worst(healths) if healths else None
