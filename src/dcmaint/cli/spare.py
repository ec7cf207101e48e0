"""``dcmaint spare``: the parts catalogue and each site's depot of spares (docs/spares.md)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli import spare_levels, spare_swap
from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.labels import shown
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.domain.parts import Condition, NumberKind, StockStatus
from dcmaint.domain.records import Record
from dcmaint.drivers.health import ComponentKind
from dcmaint.i18n import _, value_label

if TYPE_CHECKING:
    from dcmaint.domain.parts import Part
    from dcmaint.services.catalogue import EntryProblem

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
catalogue_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(
    catalogue_app, name="catalogue", help=_("The parts catalogue: numbers, classes, failure rates, substitutes.")
)

SerialArg = Annotated[
    str,
    typer.Argument(
        click_type=Checked(parse.serial, "SERIAL"), help=_("Serial number of the spare."), show_default=False
    ),
]
ClassOpt = Annotated[str | None, typer.Option("--class", help=_("Only this class, e.g. psu, disk, dimm, filter."))]

STOCK_VALUES = {"condition": Condition, "status": StockStatus, "part_class": ComponentKind}
PART_COLUMNS = [
    ("part_number", _("Part number")),
    ("vendor", _("Vendor")),
    ("part_class", _("Class")),
    ("description", _("Description")),
    ("annual_failure_rate", _("AFR")),
    ("lead_time_days", _("Lead time (days)")),
    ("consumable", _("Consumable")),
    ("numbers", _("Other numbers")),
]
STOCK_COLUMNS = [
    ("site", _("Site")),
    ("serial", _("Serial")),
    ("part_number", _("Part number")),
    ("part_class", _("Class")),
    ("bin", _("Bin")),
    ("condition", _("Condition")),
    ("quantity", _("Quantity")),
    ("status", _("Status")),
    ("reserved_for", _("Reserved for")),
    ("received_on", _("Received")),
]


@dataclass(frozen=True)
class _PartLine(Record):
    """A part as one table line: its other numbers as plain text."""

    part_number: str
    vendor: str | None
    part_class: str
    description: str | None
    annual_failure_rate: float | None
    lead_time_days: int | None
    consumable: bool
    numbers: tuple[str, ...]

    @classmethod
    def of(cls, part: Part) -> _PartLine:
        return cls(
            part.part_number,
            part.vendor,
            part.part_class,
            part.description,
            part.annual_failure_rate,
            part.lead_time_days,
            part.consumable,
            tuple(n.number for n in part.numbers),
        )


def _parts_csv(parts: list[Part]) -> None:
    """Parts as CSV rows: numbers as ``kind:number`` and substitutes as part numbers, joined with ``;``."""
    import csv
    import sys

    from dcmaint.domain.formulas import safe_row
    from dcmaint.domain.parts import Part as PartRecord

    keys = [f.name for f in fields(PartRecord)]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for part in parts:
        data = part.as_json()
        data["numbers"] = [f"{n.kind}:{n.number}" for n in part.numbers]
        data["substitutes"] = [s.part_number for s in part.substitutes]
        data["attributes"] = [f"{k}={v}" for k, v in part.attributes.items()]
        writer.writerow(
            safe_row(
                ";".join(map(str, v))
                if isinstance(v, list)
                else "true"
                if v is True
                else "false"
                if v is False
                else ""
                if v is None
                else v
                for v in (data[k] for k in keys)
            )
        )


def _say_problems(problems: tuple[EntryProblem, ...], label: str) -> None:
    from dcmaint.secrets import redact

    for problem in problems:
        typer.echo(f"dcmaint: {label}: {redact(problem.line())}", err=True)


def _class(value: str | None) -> str | None:
    from dcmaint.domain.parts import part_class

    return part_class(value) if value is not None else None


@catalogue_app.command(
    "import", help=_("Add or update parts from TOML files, or CSV/XLSX sheets (Chinese headers understood).")
)
def catalogue_import(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None, typer.Argument(help=_("Catalogue files, or directories holding them."), show_default=False)
    ] = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help=_("Import the starter catalogue shipped with dcmaint."))
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import catalogue

    try:
        summary = catalogue.import_catalogue(service_context(ctx), paths or [], bundled)
    except catalogue.CatalogueRejected as rejected:
        _say_problems(rejected.problems, _("error"))
        raise
    render_one(summary, fmt)


@catalogue_app.command("list", help=_("List catalogue parts, optionally filtered."))
def catalogue_list(
    ctx: typer.Context,
    part_class: ClassOpt = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help=_("Only this vendor (any case)."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import spare_views

    found = spare_views.parts(service_context(ctx), _class(part_class), vendor)
    if fmt is OutputFormat.TABLE:
        render_list([shown(fmt, _PartLine.of(p), {"part_class": ComponentKind}) for p in found], fmt, PART_COLUMNS)
    elif fmt is OutputFormat.CSV:
        _parts_csv(found)
    else:
        render_list(found, fmt, PART_COLUMNS)


@catalogue_app.command("show", help=_("Show one part, found by any of its numbers."))
def catalogue_show(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("Part, spare, option or FRU number."), show_default=False)],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_mapping
    from dcmaint.services import spare_views

    part = spare_views.part(service_context(ctx), number)
    data = part.as_json()
    if fmt is OutputFormat.TABLE:
        data["part_class"] = value_label(ComponentKind, part.part_class)
    if fmt is not OutputFormat.JSON:
        data["numbers"] = [
            _("{number} ({kind})").format(number=n.number, kind=value_label(NumberKind, n.kind))
            if fmt is OutputFormat.TABLE
            else f"{n.number} ({n.kind})"
            for n in part.numbers
        ]
        data["substitutes"] = [f"{s.part_number}: {s.note}" if s.note else s.part_number for s in part.substitutes]
    render_mapping(data, fmt)


@app.command("add", help=_("Receive a spare into a site's depot (consumables by --quantity)."))
def add(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("Site whose depot receives it."))],
    part: Annotated[str, typer.Option("--part", help=_("Part number as labelled (any catalogued number)."))],
    serial: Annotated[
        str | None,
        typer.Option(
            "--serial",
            click_type=Checked(parse.serial, "SERIAL"),
            help=_("Serial number (required unless a consumable)."),
        ),
    ] = None,
    quantity: Annotated[
        int | None,
        typer.Option("--quantity", click_type=Checked(parse.count, "N"), help=_("How many, for consumables.")),
    ] = None,
    bin_: Annotated[str | None, typer.Option("--bin", help=_("Shelf or bin in the depot."))] = None,
    condition: Annotated[str, typer.Option("--condition", help=_("new or refurbished."))] = "new",
    proof: Annotated[
        str | None, typer.Option("--proof", help=_("Certificate or invoice number proving origin."))
    ] = None,
    proof_file: Annotated[
        Path | None,
        typer.Option(
            "--proof-file", help=_("Scan of the certificate or invoice (its path is stored)."), dir_okay=False
        ),
    ] = None,
    received: Annotated[
        date | None,
        typer.Option(
            "--received",
            click_type=Checked(parse.past_date, "DATE"),
            help=_("Date received, YYYY-MM-DD (default today)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.domain.parts import StockEntry
    from dcmaint.services import stock

    entry = StockEntry(
        site,
        part,
        serial,
        bin_,
        condition,
        quantity,
        proof,
        str(proof_file) if proof_file else None,
        received or date.today(),
    )
    render_one(shown(fmt, stock.receive(service_context(ctx), entry), STOCK_VALUES), fmt)


@app.command("import", help=_("Import a CSV or XLSX stock list (Chinese headers understood); all rows or none."))
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("CSV or XLSX stock list."), dir_okay=False, show_default=False)],
    site: Annotated[str | None, typer.Option("--site", help=_("Site for every row (else a site column)."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import stock

    try:
        summary = stock.import_file(service_context(ctx), file, site)
    except stock.StockRejected as rejected:
        _say_problems(rejected.problems, _("error"))
        raise
    render_one(summary, fmt)


@app.command("list", help=_("List spares in the depots, optionally filtered."))
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    part: Annotated[str | None, typer.Option("--part", help=_("Only this part (any of its numbers)."))] = None,
    status: Annotated[
        str | None, typer.Option("--status", help=_("in_stock, reserved, installed, removed or returned."))
    ] = None,
    part_class: ClassOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.domain.parts import StockStatus
    from dcmaint.services import spare_views

    where = spare_views.StockFilter(
        site=site,
        part=part,
        status=parse.enum_value(StockStatus, status, _("status")).value if status else None,
        part_class=_class(part_class),
    )
    render_list(
        [shown(fmt, u, STOCK_VALUES) for u in spare_views.stock(service_context(ctx), where)], fmt, STOCK_COLUMNS
    )


@app.command("show", help=_("Show one spare by serial."))
def show(ctx: typer.Context, serial: SerialArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import spare_views

    render_one(shown(fmt, spare_views.stock_unit(service_context(ctx), serial), STOCK_VALUES), fmt)


@app.command("reserve", help=_("Reserve an in-stock spare for a ticket (one engineer wins a race)."))
def reserve(
    ctx: typer.Context,
    serial: SerialArg,
    ticket: Annotated[str, typer.Option("--ticket", help=_("Ticket the spare is reserved for."))],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import stock

    render_one(shown(fmt, stock.reserve(service_context(ctx), serial, ticket), STOCK_VALUES), fmt)


@app.command("release", help=_("Put a reserved spare back in stock."))
def release(ctx: typer.Context, serial: SerialArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import stock

    render_one(shown(fmt, stock.release(service_context(ctx), serial), STOCK_VALUES), fmt)


app.command("levels", help=_("Recommended depot stock per part (Poisson, at a fill rate) against stock on hand."))(
    spare_levels.levels_command
)
app.command("match", help=_("Rank the depot spares that fit a faulty slot, and say why (or what to order)."))(
    spare_swap.match_command
)
app.command("swap", help=_("Record a spare fitted in a slot and the removed part in the customer's custody."))(
    spare_swap.swap_command
)
app.command("verify", help=_("Ask a swap's device again whether it shows the spare in the slot, healthy."))(
    spare_swap.verify_command
)
app.command("swaps", help=_("List recorded swaps."))(spare_swap.swaps_command)
app.command("custody", help=_("List removed parts (the customer's property) and where they are kept."))(
    spare_swap.custody_command
)
app.command("handover", help=_("Record removed parts handed to the customer."))(spare_swap.handover_command)
app.add_typer(spare_swap.consent_app, name="consent", help=_("Customer consents to fit declared substitutes."))
