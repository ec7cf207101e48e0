"""``dcmaint device``: the register of devices at each site, covered by the contract or not."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.device_import import import_command, say_driver
from dcmaint.domain import parse
from dcmaint.domain.enums import DeviceKind, OutputFormat
from dcmaint.i18n import _, ngettext

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

NameArg = Annotated[str, typer.Argument(help=_("Device name, unique within its site."), show_default=False)]
SiteOpt = Annotated[
    str | None, typer.Option("--site", help=_("Site of the device (needed when a name is used at two sites)."))
]
KindOpt = Annotated[DeviceKind | None, typer.Option("--kind", case_sensitive=False, help=_("Kind of device."))]
Vendor = Annotated[str | None, typer.Option("--vendor", help=_("Manufacturer, e.g. HPE, Dell, Huawei."))]
Model = Annotated[str | None, typer.Option("--model", help=_("Model name."))]
Serial = Annotated[
    str | None, typer.Option("--serial", click_type=Checked(parse.serial, "SERIAL"), help=_("Serial number."))
]
Room = Annotated[str | None, typer.Option("--room", help=_("Machine room."))]
Rack = Annotated[str | None, typer.Option("--rack", help=_("Rack or cabinet."))]
RackUnit = Annotated[str | None, typer.Option("--u", help=_("Rack position, e.g. 12 or 12-13."))]
Covered = Annotated[
    bool | None,
    typer.Option("--covered/--not-covered", help=_("Covered by the maintenance contract (default: covered).")),
]
Driver = Annotated[
    str | None, typer.Option("--driver", help=_("Driver plugin that polls it (see `dcmaint plugin list`)."))
]
Endpoint = Annotated[str | None, typer.Option("--endpoint", help=_("Management endpoint, e.g. redfish://10.0.0.5."))]
Username = Annotated[str | None, typer.Option("--username", help=_("Login name on the management endpoint."))]
Credential = Annotated[
    str | None,
    typer.Option("--credential", help=_("Reference to the password: env:NAME, file:PATH or keyring:SERVICE/USER.")),
]
CaFile = Annotated[
    Path | None, typer.Option("--ca-file", help=_("CA bundle that signs the endpoint's certificate."), dir_okay=False)
]
Fingerprint = Annotated[
    str | None, typer.Option("--fingerprint", help=_("SHA-256 fingerprint of the endpoint's certificate."))
]
Notes = Annotated[str | None, typer.Option("--notes", help=_("Free text."))]
Options = Annotated[
    list[str] | None,
    typer.Option(
        "--option", help=_("Driver option KEY=VALUE (repeatable), e.g. auth=basic for a BMC without sessions.")
    ),
]

COLUMNS = [
    ("site", _("Site")),
    ("name", _("Device")),
    ("kind", _("Kind")),
    ("vendor", _("Vendor")),
    ("model", _("Model")),
    ("serial", _("Serial")),
    ("rack", _("Rack")),
    ("rack_unit", _("U")),
    ("covered", _("Covered")),
    ("driver", _("Driver")),
    ("endpoint", _("Endpoint")),
]
FAULT_COLUMNS = [
    ("id", "ID"),
    ("kind", _("Kind")),
    ("location", _("Location")),
    ("health", _("Health")),
    ("reason", _("Reason")),
    ("part_number", _("Part number")),
    ("spare_part_number", _("Spare part")),
    ("serial", _("Serial")),
    ("first_seen", _("First seen")),
    ("last_seen", _("Last seen")),
]
CLEARABLE = (
    "vendor",
    "model",
    "serial",
    "room",
    "rack",
    "rack_unit",
    "driver",
    "endpoint",
    "username",
    "credential",
    "ca_file",
    "fingerprint",
    "notes",
)


@app.command("add", help=_("Register a device at a site."))
def add(
    ctx: typer.Context,
    name: NameArg,
    site: Annotated[str, typer.Option("--site", help=_("Site of the device."))],
    kind: Annotated[DeviceKind, typer.Option("--kind", case_sensitive=False, help=_("Kind of device."))],
    vendor: Vendor = None,
    model: Model = None,
    serial: Serial = None,
    room: Room = None,
    rack: Rack = None,
    rack_unit: RackUnit = None,
    covered: Covered = None,
    driver: Driver = None,
    endpoint: Endpoint = None,
    username: Username = None,
    credential: Credential = None,
    insecure: Annotated[
        bool, typer.Option("--insecure", help=_("Do not verify the endpoint's TLS certificate (explicit opt-out)."))
    ] = False,
    ca_file: CaFile = None,
    fingerprint: Fingerprint = None,
    notes: Notes = None,
    option: Options = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.domain.devices import parse_option
    from dcmaint.domain.records import Device
    from dcmaint.services import devices

    device = Device(
        site=site,
        name=name,
        kind=kind.value,
        vendor=vendor,
        model=model,
        serial=serial,
        room=room,
        rack=rack,
        rack_unit=rack_unit,
        covered=True if covered is None else covered,
        driver=driver,
        endpoint=endpoint,
        username=username,
        credential=credential,
        tls_verify=not insecure,
        ca_file=str(ca_file) if ca_file else None,
        fingerprint=fingerprint,
        notes=notes,
        options=dict(parse_option(text) for text in option or ()),
    )
    from dcmaint.cli.labels import shown

    registered = devices.register(service_context(ctx), device)
    render_one(shown(fmt, registered.device, {"kind": DeviceKind}), fmt)
    say_driver(registered.driver)


app.command(
    "import",
    help=_(
        "Import devices from a customer's CSV or XLSX list (Chinese headers understood), "
        "or from a manager endpoint such as a vCenter (--from URL)."
    ),
)(import_command)


@app.command("list", help=_("List devices, optionally filtered."))
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    kind: KindOpt = None,
    covered: Annotated[
        bool | None, typer.Option("--covered/--not-covered", help=_("Only covered, or only uncovered devices."))
    ] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help=_("Only this vendor (any case)."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.services import device_views

    where = device_views.DeviceFilter(site=site, kind=kind.value if kind else None, covered=covered, vendor=vendor)
    found = device_views.devices(service_context(ctx), where)
    render_list([shown(fmt, device, {"kind": DeviceKind}) for device in found], fmt, COLUMNS)


@app.command("show", help=_("Show one device, its last recorded poll and its open faults."))
def show(ctx: typer.Context, name: NameArg, site: SiteOpt = None, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.labels import fault_values, shown
    from dcmaint.cli.output import as_json, render_list, render_one, table_time
    from dcmaint.drivers.health import Health
    from dcmaint.i18n import value_label
    from dcmaint.services import device_views

    view = device_views.show(service_context(ctx), name, site)
    if fmt is OutputFormat.JSON:
        typer.echo(as_json(view.as_json()))
        return
    zones = {view.device.site: view.timezone}
    render_one(shown(fmt, view.device, {"kind": DeviceKind}), fmt)
    faults = view.open_faults
    if fmt is OutputFormat.TABLE:
        typer.echo("")
        poll = view.last_poll
        if poll is None:
            typer.echo(_("Last poll: never recorded (dcmaint health --record)"))
        else:
            typer.echo(
                _("Last poll: {status} at {at} by {driver} in {duration:.2f}s{error}").format(
                    status=value_label(Health, poll.status).upper(),
                    at=table_time(poll.polled_at, view.timezone),
                    driver=poll.driver,
                    duration=poll.duration,
                    error=f" ({poll.message})" if poll.message else "",
                )
            )
        typer.echo(_("Open faults: {count}").format(count=len(faults)))
        if faults:
            render_list([shown(fmt, fault, fault_values()) for fault in faults], fmt, FAULT_COLUMNS, zones=zones)


@app.command(
    "edit",
    help=_(
        "Change a device; options not given stay as they are. Without NAME, change every device that --site "
        "and --kind select (shared settings only, e.g. --driver), in one transaction."
    ),
)
def edit(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(help=_("Device name (leave out to select devices with --site and --kind)."), show_default=False),
    ] = None,
    site: SiteOpt = None,
    new_name: Annotated[str | None, typer.Option("--rename", help=_("New device name."))] = None,
    move_to: Annotated[str | None, typer.Option("--move-to", help=_("Move the device to another site."))] = None,
    kind: Annotated[
        DeviceKind | None,
        typer.Option(
            "--kind", case_sensitive=False, help=_("Kind of device (without NAME: only devices of this kind).")
        ),
    ] = None,
    vendor: Vendor = None,
    model: Model = None,
    serial: Serial = None,
    room: Room = None,
    rack: Rack = None,
    rack_unit: RackUnit = None,
    covered: Covered = None,
    driver: Driver = None,
    endpoint: Endpoint = None,
    username: Username = None,
    credential: Credential = None,
    tls_verify: Annotated[
        bool | None,
        typer.Option("--verify-tls/--insecure", help=_("Verify the endpoint's TLS certificate, or explicitly not.")),
    ] = None,
    ca_file: CaFile = None,
    fingerprint: Fingerprint = None,
    notes: Notes = None,
    option: Options = None,
    unset_option: Annotated[
        list[str] | None, typer.Option("--unset-option", help=_("Remove a driver option (repeatable)."))
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option("--clear", help=_("Empty a field (repeatable): {fields}.").format(fields=", ".join(CLEARABLE))),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list, render_one
    from dcmaint.domain.devices import parse_option
    from dcmaint.errors import UsageError
    from dcmaint.services import devices

    given: dict[str, Any] = {
        "kind": kind.value if kind and name is not None else None,
        "vendor": vendor,
        "model": model,
        "serial": serial,
        "room": room,
        "rack": rack,
        "rack_unit": rack_unit,
        "covered": covered,
        "driver": driver,
        "endpoint": endpoint,
        "username": username,
        "credential": credential,
        "tls_verify": tls_verify,
        "ca_file": str(ca_file) if ca_file else None,
        "fingerprint": fingerprint,
        "notes": notes,
        "new_name": new_name,
        "new_site": move_to,
    }
    changes = {key: value for key, value in given.items() if value is not None}
    for field in clear or ():
        if field not in CLEARABLE:
            raise UsageError(
                _("cannot clear {field!r}: choose from {fields}").format(field=field, fields=", ".join(CLEARABLE))
            )
        changes[field] = None
    if option or unset_option:
        changes["option_updates"] = (dict(parse_option(text) for text in option or ()), tuple(unset_option or ()))
    from dcmaint.cli.labels import shown

    if name is None:
        edited = devices.edit_many(service_context(ctx), site, kind.value if kind else None, changes)
        render_list([shown(fmt, d, {"kind": DeviceKind}) for d in edited.devices], fmt, COLUMNS)
        typer.echo(
            ngettext(
                "{changed} of {count} device changed", "{changed} of {count} devices changed", len(edited.devices)
            ).format(changed=edited.changed, count=len(edited.devices)),
            err=True,
        )
        return
    edited = devices.edit(service_context(ctx), name, site, changes)
    render_one(shown(fmt, edited.device, {"kind": DeviceKind}), fmt)
    say_driver(edited.driver)


@app.command("remove", help=_("Remove a device from the register."))
def remove(ctx: typer.Context, name: NameArg, site: SiteOpt = None) -> None:
    from dcmaint.services import devices

    removed = devices.remove(service_context(ctx), name, site)
    typer.echo(_("removed device {name} from site {site}").format(name=removed.name, site=removed.site), err=True)


@app.command(
    "check-credential", help=_("Check that a device's credential reference resolves (the value is never shown).")
)
def check_credential(ctx: typer.Context, name: NameArg, site: SiteOpt = None) -> None:
    from dcmaint.services import device_views

    checked = device_views.check_credential(service_context(ctx), name, site)
    typer.echo(
        _("{site}/{name}: {ref} resolves ({count} characters)").format(
            site=checked.site, name=checked.device, ref=checked.reference, count=checked.length
        )
    )
