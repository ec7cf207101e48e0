"""``dcmaint site``: the customer's machine rooms and their contract terms."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.context import FormatOption, state
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.services.calendars import DepotDue

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

NameArg = Annotated[str, typer.Argument(help=_("Site name (letters, digits, '.', '-', '_')."), show_default=False)]
Customer = Annotated[str | None, typer.Option("--customer", help=_("Customer (Party A) name."))]
Address = Annotated[str | None, typer.Option("--address", help=_("Postal address of the machine room."))]
Contract = Annotated[str | None, typer.Option("--contract", help=_("Maintenance contract number."))]
Signed = Annotated[str | None, typer.Option("--signed", help=_("Date the contract was signed (YYYY-MM-DD)."))]
SlaHours = Annotated[int | None, typer.Option("--sla-hours", help=_("Hours from start of handling to restoration."))]
DepotDays = Annotated[int | None, typer.Option("--depot-days", help=_("Working days after signing to stock the depot."))]
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


def _changes(signed: str | None, sla_hours: int | None, depot_days: int | None, timezone: str | None, **text):
    from dcmaint.domain import parse
    from dcmaint.services.sites import SiteChanges

    return SiteChanges(
        signed_on=parse.iso_date(signed, _("signing date")) if signed is not None else None,
        sla_restore_hours=parse.positive_int(sla_hours, _("SLA hours")) if sla_hours is not None else None,
        depot_deadline_days=parse.positive_int(depot_days, _("depot days")) if depot_days is not None else None,
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
    from dcmaint.domain import parse
    from dcmaint.domain.records import Site
    from dcmaint.services import sites

    changes = _changes(signed, sla_hours, depot_days, timezone, customer=customer, address=address,
                       contract_no=contract, calendar=calendar)
    site = Site(
        name=parse.name(name, _("site")),
        customer=customer.strip(),
        address=address,
        contract_no=contract,
        signed_on=changes.signed_on,
        sla_restore_hours=changes.sla_restore_hours or 12,
        depot_deadline_days=changes.depot_deadline_days or 15,
        timezone=changes.timezone or "Asia/Shanghai",
        calendar=calendar or "cn",
    )
    with state(ctx).write(ctx) as unit:
        added = sites.add(unit, site)
    render_one(added, fmt)


@app.command("list", help=_("List sites."))
def list_(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.store import queries

    with state(ctx).reader() as reader:
        render_list(queries.sites(reader), fmt, COLUMNS)


def _depot_line(due: DepotDue, today: date) -> str:
    """The table's "Depot due" value: the date with the time left, or why there is none."""
    if due.due is None:
        return due.error or ""
    left = (due.due - today).days
    if left >= 0:
        remaining = _("{days} days left").format(days=left)
    else:
        remaining = _("overdue by {days} days").format(days=-left)
    return _("{date} ({n} working days after signing; {remaining})").format(
        date=due.due.isoformat(), n=due.working_days, remaining=remaining)


@app.command("show", help=_("Show one site, with its depot due date."))
def show(ctx: typer.Context, name: NameArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dcmaint.cli.output import render_mapping
    from dcmaint.services.calendars import depot_due
    from dcmaint.services.levels import depot_complete, levels
    from dcmaint.store import queries

    with state(ctx).reader() as reader:
        site = queries.site(reader, name)
        lines = levels(reader, name)
    due = depot_due(site)
    data = site.as_json()
    short = sum(1 for line in lines if line.status != "ok")
    if fmt is not OutputFormat.TABLE:
        data["depot_due"] = due.due.isoformat() if due.due else None
        data["depot_due_error"] = due.error
        data["depot_complete"] = depot_complete(lines)
        render_mapping(data, fmt)
        return
    from tabulate import tabulate

    from dcmaint.cli.labels import field_labels

    labels = field_labels()
    rows = [[labels.get(key, key), "" if value is None else str(value)] for key, value in data.items()]
    rows.append([_("Depot due"), _depot_line(due, datetime.now(ZoneInfo(site.timezone)).date())])
    rows.append([_("Depot complete"), _("yes") if depot_complete(lines) else
                 _("no: {count} parts short or without data (dcmaint spare levels --site {site})").format(
                     count=short, site=site.name)])
    typer.echo(tabulate(rows, tablefmt="plain"))


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

    changes = _changes(signed, sla_hours, depot_days, timezone, customer=customer, address=address,
                       contract_no=contract, calendar=calendar)
    with state(ctx).write(ctx) as unit:
        edited = sites.edit(unit, name, changes)
    render_one(edited, fmt)


@app.command("remove", help=_("Remove a site that has no devices."))
def remove(ctx: typer.Context, name: NameArg) -> None:
    from dcmaint.services import sites

    with state(ctx).write(ctx) as unit:
        sites.remove(unit, name)
    typer.echo(_("removed site {name}").format(name=name), err=True)
