"""``dcmaint report``: figures the office files and the customer reads, from the store (docs/reports.md).

``report kpi`` is the last step of the contract's work order: signed,
scored and verified tickets tallied per engineer for the admin office,
which enters them into staff KPIs. Only verified (or closed) tickets count,
in the month of their verification in the office's time zone.

``report monthly`` is the customer's monthly service report of one site, a
document (PDF, HTML or Markdown, Chinese or English) drawn by the same
pipeline as the maintenance form (dcmaint.forms).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context, state
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.cli.documents import write_document
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.domain.kpi import EngineerKpi, KpiReport

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def _month(text: str, what: str) -> date:
    from dcmaint.domain.kpi import parse_month

    return parse_month(text)


TOTAL = "(total)"  # the CSV totals line; no staff name can contain parentheses
CSV_KEYS = ("month", "engineer", "tickets", "average_score", "sla_met", "sla_met_percent", "mean_time_to_restore")


@app.command(
    "kpi",
    help=_(
        "Staff KPIs for a month: tickets, average score, SLA met and time to restore per "
        "engineer, from verified tickets only."
    ),
)
def kpi(
    ctx: typer.Context,
    month: Annotated[
        date,
        typer.Option(
            "--month",
            click_type=Checked(_month, "YYYY-MM"),
            help=_("The month, YYYY-MM (tickets verified in it count)."),
        ),
    ],
    zone: Annotated[
        str,
        typer.Option(
            "--timezone", help=_("Time zone of the month's boundaries (the admin office keeps Beijing time).")
        ),
    ] = "Asia/Shanghai",
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.domain.parse import time_zone
    from dcmaint.services import reports

    found = reports.kpi(service_context(ctx), month, time_zone(zone))
    if fmt is OutputFormat.JSON:
        from dcmaint.cli.output import render_mapping

        render_mapping(found.as_json(), fmt)
    elif fmt is OutputFormat.CSV:
        _csv(found)
    else:
        _table(found)


def _csv(found: KpiReport) -> None:
    import csv

    from dcmaint.domain.formulas import safe_row

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CSV_KEYS)
    lines = [*found.engineers, *([found.total] if found.total is not None else [])]
    for line in lines:
        data = {**line.as_json(), "month": found.month}
        if line is found.total:
            data["engineer"] = TOTAL
        writer.writerow(safe_row("" if data[key] is None else data[key] for key in CSV_KEYS))


def _cells(name: str, line: EngineerKpi) -> list[str]:
    from dcmaint.domain.sla import format_duration

    return [
        name,
        str(line.tickets),
        f"{line.average_score:.2f}" if line.average_score is not None else "",
        f"{line.sla_met_percent:.1f} %" if line.sla_met_percent is not None else "",
        format_duration(line.mean_time_to_restore),
    ]


def _table(found: KpiReport) -> None:
    from tabulate import SEPARATING_LINE

    from dcmaint.cli.output import table

    typer.echo(
        _("Staff KPIs for {month} ({zone}): tickets verified in the month").format(
            month=found.month, zone=found.timezone
        )
    )
    rows: list[object] = [_cells(line.engineer, line) for line in found.engineers]
    if found.total is not None:
        rows += [SEPARATING_LINE, _cells(_("total"), found.total)]
    headers = [_("Engineer"), _("Tickets"), _("Average score"), _("SLA met"), _("Mean time to restore")]
    typer.echo(table(rows, headers, disable_numparse=True))


@app.command(
    "monthly",
    help=_(
        "The monthly service report of a site (PDF, HTML or Markdown; Chinese or English): tickets, SLA and "
        "breaches, time to restore, scores, parts, depot, open items."
    ),
)
def monthly(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site the report is about."), show_default=False)],
    month: Annotated[
        date,
        typer.Option(
            "--month",
            click_type=Checked(_month, "YYYY-MM"),
            help=_("The month, YYYY-MM, in the site's time zone (the current month reports up to now)."),
            show_default=False,
        ),
    ],
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("File to write, - for standard output (default: SITE-YYYY-MM.FORMAT in the current directory)."),
            dir_okay=False,
        ),
    ] = None,
) -> None:
    from dcmaint.forms.render import checked_choices, render_sheet
    from dcmaint.services.monthly_report import monthly_report

    fmt_key, lang_key = checked_choices(fmt, lang)
    target = state(ctx).output(output, "--output") if output is not None else None  # checked before any work
    context = service_context(ctx)
    sheet = monthly_report(context, site, month, lang_key)
    content = render_sheet(sheet, fmt_key, context.config.forms.cjk_font)
    written = write_document(content, output, target, Path(f"{site}-{month:%Y-%m}.{fmt_key}"))
    if written is None:
        return
    target = written
    typer.echo(
        _("{site} {month}: monthly report written to {file} ({size} bytes)").format(
            site=site, month=f"{month:%Y-%m}", file=target, size=len(content)
        )
    )
