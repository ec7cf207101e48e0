"""``dcmaint rma``: a unit returned to its factory for repair, and the loaner that stands in (docs/rma.md)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import AtOpt, FormatOption, service_context
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.domain.rma import RmaDetail

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def _number(text: str, what: str) -> str:
    from dcmaint.domain.rma import vendor_number

    return vendor_number(text, what)


def _state(text: str, what: str) -> str:
    from dcmaint.domain.rma import RmaState

    return parse.enum_value(RmaState, text, what).value


RmaArg = Annotated[
    str, typer.Argument(help=_("Our RMA reference (R-2026-000001) or the vendor's RMA number."), show_default=False)
]
NumberOpt = Annotated[
    str | None,
    typer.Option("--number", click_type=Checked(_number, "RMA-NO"), help=_("The vendor's RMA number.")),
]
TargetOpt = Annotated[
    date | None,
    typer.Option(
        "--target-date",
        click_type=Checked(parse.iso_date, "DATE"),
        help=_("The repair department's target date for the unit's return, YYYY-MM-DD."),
    ),
]
VendorOpt = Annotated[str, typer.Option("--vendor", help=_("The vendor whose factory repairs the unit."))]
PartOpt = Annotated[
    str | None,
    typer.Option(
        "--part",
        click_type=Checked(parse.serial, "SERIAL"),
        help=_("A removed part, by its serial (it stays in the customer's custody)."),
    ),
]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help=_("What is wrong with the unit."))]

LIST_COLUMNS = [
    ("rma", _("RMA")),
    ("number", _("Vendor RMA")),
    ("site", _("Site")),
    ("vendor", _("Vendor")),
    ("unit", _("Unit")),
    ("state", _("State")),
    ("ticket", _("Ticket")),
    ("opened_at", _("Opened")),
    ("target_date", _("Target date")),
    ("loaner", _("Loaner")),
    ("flags", _("Attention")),
]


def said(found: RmaDetail) -> None:
    """What a step did, in one line."""
    from dcmaint.domain.rma import RmaState, RmaUnitKind
    from dcmaint.i18n import value_label

    typer.echo(
        _("{rma}: {state} ({kind} {unit}, vendor {vendor})").format(
            rma=found.rma,
            state=value_label(RmaState, found.state),
            kind=value_label(RmaUnitKind, found.unit_kind),
            unit=found.unit,
            vendor=found.vendor,
        )
    )
    if found.custody:
        typer.echo(_("custody: {where}").format(where=found.custody))


def _flags(flags: tuple[str, ...]) -> str:
    from dcmaint.domain.rma import RmaFlag
    from dcmaint.i18n import value_label

    return ", ".join(value_label(RmaFlag, flag) for flag in flags)


@app.command("open", help=_("Open an RMA: a device or a removed part goes back to its vendor's factory."))
def open_(
    ctx: typer.Context,
    vendor: VendorOpt,
    device: Annotated[str | None, typer.Option("--device", help=_("A registered device."))] = None,
    part: PartOpt = None,
    site: Annotated[
        str | None, typer.Option("--site", help=_("Site of the device (when its name is used at two)."))
    ] = None,
    number: NumberOpt = None,
    ticket: Annotated[str | None, typer.Option("--ticket", help=_("The ticket the RMA belongs to."))] = None,
    target: TargetOpt = None,
    reason: ReasonOpt = None,
    at: AtOpt = None,
) -> None:
    from dcmaint.services.rma import Opening, open_rma

    said(open_rma(service_context(ctx), Opening(vendor, device, part, site, number, ticket, target, reason, at)))


@app.command("ship", help=_("The unit leaves for the vendor."))
def ship(
    ctx: typer.Context,
    rma: RmaArg,
    at: AtOpt = None,
    carrier: Annotated[str | None, typer.Option("--carrier", help=_("Who carries it."))] = None,
    tracking: Annotated[str | None, typer.Option("--tracking", help=_("The carrier's tracking number."))] = None,
    number: NumberOpt = None,
) -> None:
    from dcmaint.services.rma import Shipment
    from dcmaint.services.rma import ship as record_ship

    said(record_ship(service_context(ctx), rma, Shipment(at, carrier, tracking, number)))


@app.command("receive", help=_("The unit is back from the vendor, repaired or replaced."))
def receive(
    ctx: typer.Context,
    rma: RmaArg,
    at: AtOpt = None,
    serial: Annotated[
        str | None,
        typer.Option(
            "--serial",
            click_type=Checked(parse.serial, "NEW-SERIAL"),
            help=_("The serial of the unit the vendor sent back, when it is another unit."),
        ),
    ] = None,
    swap_back: Annotated[
        bool, typer.Option("--swap-back", help=_("Put the unit back in at once and remove the loaner."))
    ] = False,
) -> None:
    from dcmaint.services.rma import receive as record_receive

    said(record_receive(service_context(ctx), rma, at, serial, swap_back))


@app.command("loaner", help=_("Register a loaner in the device's place while it is away."))
def loaner(
    ctx: typer.Context,
    rma: RmaArg,
    serial: Annotated[
        str, typer.Option("--serial", click_type=Checked(parse.serial, "SERIAL"), help=_("The loaner's serial."))
    ],
    model: Annotated[str, typer.Option("--model", help=_("The loaner's model."))],
    vendor: Annotated[str | None, typer.Option("--vendor", help=_("Who lent it (default: the RMA's vendor)."))] = None,
    name: Annotated[
        str | None, typer.Option("--name", help=_("Its name in the register (default: DEVICE-loaner)."))
    ] = None,
    at: AtOpt = None,
) -> None:
    from dcmaint.services.rma import LoanerUnit
    from dcmaint.services.rma import loaner as install

    found = install(service_context(ctx), rma, LoanerUnit(serial, model, vendor, name), at)
    said(found)
    lent = found.loaners[-1]
    typer.echo(_("loaner {device} ({serial}) stands in for {unit}").format(
        device=lent.device, serial=lent.serial, unit=found.unit))  # fmt: skip


@app.command("swap-back", help=_("The repaired unit goes back in; the loaner leaves the register."))
def swap_back(ctx: typer.Context, rma: RmaArg, at: AtOpt = None) -> None:
    from dcmaint.services.rma import swap_back as record_swap_back

    said(record_swap_back(service_context(ctx), rma, at))


@app.command("close", help=_("Close an RMA whose unit is back (and whose loaner went back)."))
def close(ctx: typer.Context, rma: RmaArg, at: AtOpt = None) -> None:
    from dcmaint.services.rma import close as record_close

    said(record_close(service_context(ctx), rma, at))


@app.command("list", help=_("RMAs (all but closed ones unless --state or --all); exit 1 when one is overdue."))
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help=_("Only overdue ones and loaners left after the unit came back."))
    ] = False,
    states: Annotated[
        list[str] | None,
        typer.Option("--state", click_type=Checked(_state, "STATE"), help=_("Only RMAs in this state (repeatable).")),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help=_("Closed ones too."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dataclasses import replace

    from dcmaint.cli.output import render_list
    from dcmaint.domain.rma import RmaFlag, RmaState
    from dcmaint.i18n import value_label
    from dcmaint.services.rma_views import LIVE, RmaFilter, listing

    chosen = tuple(states) if states else tuple(s.value for s in RmaState) if all_ else LIVE
    found = listing(service_context(ctx), RmaFilter(site, chosen, overdue))
    lines = found.items
    if fmt is OutputFormat.TABLE:
        shown = [replace(line, state=value_label(RmaState, line.state), flags=(_flags(line.flags),)) for line in lines]
        render_list(shown, fmt, LIST_COLUMNS, zones=found.zones)
    else:
        render_list(lines, fmt, LIST_COLUMNS)
    if any(RmaFlag.OVERDUE.value in line.flags for line in lines):
        raise typer.Exit(1)


def _show_labels() -> dict[str, str]:
    from dcmaint.cli.labels import field_labels

    return {
        **field_labels(),
        "rma": _("RMA"),
        "number": _("Vendor RMA"),
        "site": _("Site"),
        "vendor": _("Vendor"),
        "unit_kind": _("Unit kind"),
        "unit": _("Unit"),
        "serial": _("Serial when sent"),
        "returned_serial": _("Serial returned"),
        "state": _("State"),
        "ticket": _("Ticket"),
        "reason": _("Reason"),
        "opened_at": _("Opened"),
        "shipped_at": _("Shipped"),
        "carrier": _("Carrier"),
        "tracking": _("Tracking"),
        "received_at": _("Received"),
        "closed_at": _("Closed"),
        "target_date": _("Target date"),
        "custody": _("Custody"),
        "flags": _("Attention"),
        "allowed": _("Allowed next"),
        "loaners": _("Loaners"),
    }


@app.command("show", help=_("Show one RMA: its unit, dates, custody and loaners."))
def show(ctx: typer.Context, rma: RmaArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dataclasses import replace

    from dcmaint.cli.output import render_one, table, table_time
    from dcmaint.domain.rma import RmaState, RmaUnitKind
    from dcmaint.i18n import value_label
    from dcmaint.services.rma_views import detail

    found = detail(service_context(ctx), rma)
    one = found.items
    if fmt is not OutputFormat.TABLE:
        render_one(one, fmt)
        return
    shown = replace(
        one,
        state=value_label(RmaState, one.state),
        unit_kind=value_label(RmaUnitKind, one.unit_kind),
        flags=(_flags(one.flags),),
        loaners=(),
    )
    render_one(shown, fmt, _show_labels(), zones=found.zones)
    if not one.loaners:
        return
    zone = found.zones.get(one.site)
    rows = [
        [lo.device, lo.serial, lo.vendor or "", lo.model or "", table_time(lo.installed_at, zone),
         table_time(lo.removed_at, zone) if lo.removed_at else ""]
        for lo in one.loaners
    ]  # fmt: skip
    typer.echo("")
    typer.echo(table(rows, [header for _key, header in LOANER_COLUMNS]))


LOANER_COLUMNS = [
    ("device", _("Loaner")),
    ("serial", _("Serial")),
    ("vendor", _("Vendor")),
    ("model", _("Model")),
    ("installed_at", _("Installed")),
    ("removed_at", _("Removed")),
]
