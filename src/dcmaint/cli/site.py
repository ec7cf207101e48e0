"""``dcmaint site``: the customer's machine rooms and their contract terms."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.services.site_views import DepotView
    from dcmaint.services.sites import SiteChanges

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

NameArg = Annotated[str, typer.Argument(help=_("Site name (letters, digits, '.', '-', '_')."), show_default=False)]
Customer = Annotated[str | None, typer.Option("--customer", help=_("Customer (Party A) name."))]
Address = Annotated[str | None, typer.Option("--address", help=_("Postal address of the machine room."))]
Contract = Annotated[str | None, typer.Option("--contract", help=_("Maintenance contract number."))]
Signed = Annotated[
    date | None,
    typer.Option(
        "--signed", click_type=Checked(parse.iso_date, "DATE"), help=_("Date the contract was signed (YYYY-MM-DD).")
    ),
]
SlaHours = Annotated[
    int | None,
    typer.Option(
        "--sla-hours", click_type=Checked(parse.count, "HOURS"), help=_("Hours from start of handling to restoration.")
    ),
]
DepotDays = Annotated[
    int | None,
    typer.Option(
        "--depot-days",
        click_type=Checked(parse.count, "DAYS"),
        help=_("Working days after signing to stock the depot."),
    ),
]
TimeZone = Annotated[str | None, typer.Option("--timezone", help=_("IANA time zone of the site."))]
Calendar = Annotated[str | None, typer.Option("--calendar", help=_("Working-day calendar name."))]

COLUMNS = [
    ("name", _("Site")),
    ("customer", _("Customer")),
    ("contract_no", _("Contract")),
    ("signed_on", _("Signed")),
    ("sla_restore_hours", _("SLA h")),
    ("depot_deadline_days", _("Depot days")),
    ("timezone", _("Time zone")),
]


def _changes(
    signed: date | None, sla_hours: int | None, depot_days: int | None, timezone: str | None, **text: str | None
) -> SiteChanges:
    from dcmaint.services.sites import SiteChanges

    return SiteChanges(
        signed_on=signed,
        sla_restore_hours=sla_hours,
        depot_deadline_days=depot_days,
        timezone=parse.time_zone(timezone) if timezone is not None else None,
        **text,
    )


@app.command("add", help=_("Register a site."))
def add(
    ctx: typer.Context,
    name: NameArg,
    customer: Annotated[str, typer.Option("--customer", help=_("Customer (Party A) name."))],
    address: Address = None,
    contract: Contract = None,
    signed: Signed = None,
    sla_hours: SlaHours = None,
    depot_days: DepotDays = None,
    timezone: TimeZone = None,
    calendar: Calendar = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import sites

    details = _changes(
        signed,
        sla_hours,
        depot_days,
        timezone,
        customer=customer,
        address=address,
        contract_no=contract,
        calendar=calendar,
    )
    render_one(sites.register(service_context(ctx), name, details), fmt)


@app.command("list", help=_("List sites."))
def list_(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import site_views

    render_list(site_views.sites(service_context(ctx)), fmt, COLUMNS)


def _depot_line(depot: DepotView) -> str:
    """The table's "Depot due" value: the date and where the depot stands against it, or why there is none."""
    from dcmaint.services.site_views import Deadline

    if depot.due is None or depot.days_left is None:
        return depot.due_error or ""
    if depot.deadline is Deadline.MET:
        standing = _("depot complete")
    elif depot.deadline is Deadline.OVERDUE:
        standing = _("overdue by {days} days").format(days=-depot.days_left)
    else:
        standing = _("{days} days left").format(days=depot.days_left)
    return _("{date} ({n} working days after signing; {remaining})").format(
        date=depot.due.isoformat(), n=depot.working_days, remaining=standing
    )


@app.command("show", help=_("Show one site, with its depot due date."))
def show(ctx: typer.Context, name: NameArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_mapping
    from dcmaint.services import site_views

    view = site_views.show(service_context(ctx), name)
    if fmt is not OutputFormat.TABLE:
        render_mapping(view.as_json(), fmt)
        return
    from dcmaint.cli.labels import field_labels
    from dcmaint.cli.output import table

    labels = field_labels()
    rows = [[labels.get(key, key), "" if value is None else str(value)] for key, value in view.site.as_json().items()]
    rows.append([_("Depot due"), _depot_line(view.depot)])
    rows.append(
        [
            _("Depot complete"),
            _("yes")
            if view.depot.complete
            else _("no: {count} parts short or without data (dcmaint spare levels --site {site})").format(
                count=view.depot.short, site=view.site.name
            ),
        ]
    )
    typer.echo(table(rows, tablefmt="plain"))


@app.command("edit", help=_("Change a site's details; options not given stay as they are."))
def edit(
    ctx: typer.Context,
    name: NameArg,
    customer: Customer = None,
    address: Address = None,
    contract: Contract = None,
    signed: Signed = None,
    sla_hours: SlaHours = None,
    depot_days: DepotDays = None,
    timezone: TimeZone = None,
    calendar: Calendar = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import sites

    changes = _changes(
        signed,
        sla_hours,
        depot_days,
        timezone,
        customer=customer,
        address=address,
        contract_no=contract,
        calendar=calendar,
    )
    render_one(sites.edit(service_context(ctx), name, changes), fmt)


@app.command("remove", help=_("Remove a site that has no devices."))
def remove(ctx: typer.Context, name: NameArg) -> None:
    from dcmaint.services import sites

    sites.remove(service_context(ctx), name)
    typer.echo(_("removed site {name}").format(name=name), err=True)
