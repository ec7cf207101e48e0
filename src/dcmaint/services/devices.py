"""The device register: every covered (and uncovered) device at a site (reads: :mod:`dcmaint.services.device_views`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from dcmaint.domain.devices import normalise
from dcmaint.domain.records import Device
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services import sites
from dcmaint.services.context import Context
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


def register(context: Context, device: Device) -> Device:
    """Register a device at its site (entry point)."""
    with context.write() as unit:
        return add(unit, device)


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


def edit(context: Context, name: str, site: str | None, changes: dict[str, Any]) -> Device:
    """Apply ``changes`` (field -> new value, None clears a text field); ``new_site`` moves the device (entry point)."""
    with context.write() as unit:
        return _edit(unit, name, site, changes)


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
