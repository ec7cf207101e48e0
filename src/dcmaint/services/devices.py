"""The device register: every covered (and uncovered) device at a site (reads: :mod:`dcmaint.services.device_views`).

A device's driver is settled when it is registered or its endpoint changes
(:mod:`dcmaint.services.driver_choice`): a named driver must be installed,
a missing one is inferred from the endpoint. That happens before the write
transaction opens, because probing an endpoint may take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from dcmaint.domain.devices import normalise
from dcmaint.domain.records import Device
from dcmaint.domain.urls import refuse_password_in_url
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites
from dcmaint.services.context import Context
from dcmaint.services.driver_choice import DriverChoice, check_named, scheme_of, settle
from dcmaint.services.limits import check_text_lengths
from dcmaint.store.models.registers import DeviceRow, SiteRow, device_record, options_text
from dcmaint.store.unit import UnitOfWork

ENTITY = "device"
EDITABLE = (
    "kind",
    "vendor",
    "model",
    "serial",
    "room",
    "rack",
    "rack_unit",
    "covered",
    "driver",
    "endpoint",
    "username",
    "credential",
    "tls_verify",
    "ca_file",
    "fingerprint",
    "notes",
    "options",
)


def audit_key(device: Device) -> str:
    return f"{device.site}/{device.name}"


def find(unit: UnitOfWork, name: str, site: str | None = None) -> DeviceRow:
    query = select(DeviceRow).join(SiteRow).where(DeviceRow.name == name)
    if site is not None:
        sites.find(unit, site)
        query = query.where(SiteRow.name == site)
    found = list(unit.session.scalars(query))
    if not found:
        raise NotFound(_("unknown device {name!r}").format(name=name))
    if len(found) > 1:
        raise UsageError(
            _("device name {name!r} is used at sites {sites}: add --site").format(
                name=name, sites=", ".join(sorted(row.site.name for row in found))
            )
        )
    return found[0]


#: What ``device edit`` may change on many devices at once: settings they share, never an identity.
BULK_EDITABLE = (
    "covered",
    "driver",
    "username",
    "credential",
    "tls_verify",
    "ca_file",
    "fingerprint",
    "room",
    "vendor",
    "option_updates",
)


@dataclass(frozen=True)
class Registered:
    """A device as stored, and how its driver was inferred (None: named, or no endpoint to infer from)."""

    device: Device
    driver: DriverChoice | None


def register(context: Context, device: Device) -> Registered:
    """Register a device at its site, its driver checked or inferred first (entry point)."""
    device = normalise(device)
    if device.endpoint and not device.driver:
        from dcmaint.store import queries

        with context.read() as reader:  # a wrong site is refused before any endpoint is probed
            queries.site(reader, device.site)
    device, choice = settle(context.drivers(), device)
    with context.write() as unit:
        return Registered(add(unit, device), choice)


def add(unit: UnitOfWork, device: Device) -> Device:
    """Add a device inside the caller's transaction (an import adds every row in one)."""
    device = normalise(device)
    check_text_lengths(device, DeviceRow, device.name)
    site_row = sites.find(unit, device.site)
    taken = unit.session.scalars(
        select(DeviceRow.id).where(DeviceRow.site_id == site_row.id, DeviceRow.name == device.name)
    ).first()
    if taken is not None:
        raise Conflict(_("device {name!r} already exists at site {site!r}").format(name=device.name, site=device.site))
    values = {key: value for key, value in device.__dict__.items() if key not in ("site", "options")}
    unit.session.add(DeviceRow(site=site_row, options=options_text(device.options), **values))
    unit.record(ENTITY, audit_key(device), "add", None, device.as_json())
    return device


def edit(context: Context, name: str, site: str | None, changes: dict[str, Any]) -> Registered:
    """Apply ``changes`` (field -> new value, None clears a text field); ``new_site`` moves the device (entry point).

    A driver given is checked; a new endpoint without one keeps the device's driver when that driver serves
    the new endpoint's scheme, and otherwise gets one inferred.
    """
    refuse_password_in_url(changes.get("endpoint"), _("endpoint"))  # before the device is read or probed
    changes = dict(changes)
    choice = None
    if changes.get("driver"):
        changes["driver"] = check_named(context.drivers(), changes["driver"])
    elif changes.get("endpoint") and "driver" not in changes:
        from dcmaint.store import queries

        with context.read() as reader:
            current = queries.device(reader, name, site)
        if not _serves(context, current.driver, changes["endpoint"]):
            settled, choice = settle(context.drivers(), replace(current, driver=None, endpoint=changes["endpoint"]))
            changes["driver"] = settled.driver
    with context.write() as unit:
        return Registered(_edit(unit, name, site, changes), choice)


_OPTIONS = {
    "rack_unit": "--u",
    "new_name": "--rename",
    "new_site": "--move-to",
    "covered": "--covered/--not-covered",
    "tls_verify": "--verify-tls/--insecure",
    "option_updates": "--option/--unset-option",
}


def _option(field: str) -> str:
    """The command-line option that sets ``field``, for messages."""
    return _OPTIONS.get(field, "--" + field.replace("_", "-"))


def _serves(context: Context, driver: str | None, endpoint: str) -> bool:
    """Whether the installed ``driver`` declares ``endpoint``'s scheme (an address without one: any driver)."""
    if not driver:
        return False
    found = {info.name: info for info in context.drivers().drivers()}.get(driver)
    scheme = scheme_of(endpoint.strip())
    return found is not None and (not scheme or scheme in found.driver_class.schemes)


@dataclass(frozen=True)
class EditedMany:
    """The devices a bulk edit selected, as they are now, and how many of them it changed."""

    devices: list[Device]
    changed: int


def edit_many(context: Context, site: str | None, kind: str | None, changes: dict[str, Any]) -> EditedMany:
    """Apply the same ``changes`` to every device of ``site`` and/or ``kind``, in one transaction, audited per
    device (entry point). Only :data:`BULK_EDITABLE` fields; a selection that matches nothing is an error."""
    from dcmaint.domain import parse
    from dcmaint.domain.enums import DeviceKind

    if site is None and kind is None:
        raise UsageError(_("name a device, or select devices with --site and/or --kind"))
    refused = sorted(set(changes) - set(BULK_EDITABLE))
    if refused:
        raise UsageError(
            _("{option} is one device's own: give the device's NAME to change it (on many devices: {options})").format(
                option=_option(refused[0]), options=", ".join(_option(field) for field in BULK_EDITABLE)
            )
        )
    if not changes:
        raise UsageError(_("nothing to change: give the settings to set, e.g. --driver redfish"))
    changes = dict(changes)
    if changes.get("driver"):
        changes["driver"] = check_named(context.drivers(), changes["driver"])
    kind = parse.enum_value(DeviceKind, kind, _("device kind")).value if kind is not None else None
    with context.write() as unit:
        query = select(DeviceRow).join(SiteRow)
        if site is not None:
            query = query.where(SiteRow.id == sites.find(unit, site).id)
        if kind is not None:
            query = query.where(DeviceRow.kind == kind)
        rows = list(unit.session.scalars(query.order_by(SiteRow.name, DeviceRow.name)))
        if not rows:
            raise NotFound(
                _("no device matches {selection}").format(
                    selection=" ".join(
                        f"--{option} {value}" for option, value in (("site", site), ("kind", kind)) if value
                    )
                )
            )
        before = [device_record(row) for row in rows]
        after = [_edit(unit, row.name, row.site.name, changes) for row in rows]
        return EditedMany(after, sum(1 for old, new in zip(before, after, strict=True) if old != new))


def _edit(unit: UnitOfWork, name: str, site: str | None, changes: dict[str, Any]) -> Device:
    row = find(unit, name, site)
    before = device_record(row)
    unknown = set(changes) - set(EDITABLE) - {"new_name", "new_site", "option_updates"}
    if unknown:
        raise UsageError(_("cannot edit device field {field!r}").format(field=sorted(unknown)[0]))
    values = {key: value for key, value in changes.items() if key in EDITABLE}
    after = replace(before, **values)
    if "new_name" in changes:
        after = replace(after, name=changes["new_name"])
    if "new_site" in changes:
        after = replace(after, site=changes["new_site"])
    if "option_updates" in changes:
        updates, removals = changes["option_updates"]
        missing = [key for key in removals if key not in after.options]
        if missing:
            raise UsageError(_("device {name!r} has no option {key!r}").format(name=name, key=missing[0]))
        merged = {k: v for k, v in {**after.options, **updates}.items() if k not in removals}
        after = replace(after, options=merged)
    after = normalise(after)
    check_text_lengths(after, DeviceRow, after.name)
    if (after.site, after.name) != (before.site, before.name):
        target_site = sites.find(unit, after.site)
        clash = unit.session.scalars(
            select(DeviceRow.id).where(DeviceRow.site_id == target_site.id, DeviceRow.name == after.name)
        ).first()
        if clash is not None:
            raise Conflict(
                _("device {name!r} already exists at site {site!r}").format(name=after.name, site=after.site)
            )
        row.site = target_site
        row.name = after.name
    for key in EDITABLE:
        value = getattr(after, key)
        setattr(row, key, options_text(value) if key == "options" else value)
    if after != before:
        unit.record(ENTITY, audit_key(before), "edit", before.as_json(), after.as_json())
    return after


def remove(context: Context, name: str, site: str | None) -> Device:
    """Remove a device from the register (entry point)."""
    with context.write() as unit:
        return _remove(unit, name, site)


def _remove(unit: UnitOfWork, name: str, site: str | None) -> Device:
    row = find(unit, name, site)
    record = device_record(row)
    unit.record(ENTITY, audit_key(record), "remove", record.as_json(), None)
    unit.session.delete(row)
    return record
