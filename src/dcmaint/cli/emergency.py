"""``dcmaint emergency``: emergency plans (应急方案) per site and system, their drills, and the printed plan
(docs/emergency.md)."""

from __future__ import annotations

from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context, state
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.cli.pm import _within
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _, pgettext

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

MOST_WITHIN = timedelta(days=366)
MOST_VERSIONS = 100_000

PLAN_COLUMNS = [
    ("plan", pgettext("emergency", "Plan")),
    ("system", _("System")),
    ("title", _("Title")),
    ("version", _("Version")),
    ("state", _("State")),
    ("drill_every", _("Drilled every")),
    ("last_drill", _("Last drill")),
    ("last_result", _("Result")),
    ("drill_due", _("Next drill due")),
    ("drill_state", _("Drill")),
]
DRILL_COLUMNS = [
    ("drilled_at", _("Drilled")),
    ("version", _("Version")),
    ("result", _("Result")),
    ("by", _("Led by")),
    ("note", _("Note")),
]
TEMPLATE_COLUMNS = [("template", _("Template")), ("system", _("System")), ("title", _("Title")), ("steps", _("Steps"))]


def _system(text: str, what: str) -> str:
    from dcmaint.domain.emergency import system

    return system(text, what)


def _result(text: str, what: str) -> object:
    from dcmaint.domain.emergency import drill_result

    return drill_result(text, what)


def _version(text: str, what: str) -> int:
    return parse.whole_number(text, what, 1, MOST_VERSIONS)


PlanArg = Annotated[str, typer.Argument(help=_("The plan, SITE/NAME (see emergency list)."))]
SiteOpt = Annotated[str | None, typer.Option("--site", help=_("Only this site."))]
SystemOpt = Annotated[
    str | None,
    typer.Option(
        "--system",
        click_type=Checked(_system, "SYSTEM"),
        help=_("A device kind (server, storage, ups, cooling, network...) or room."),
    ),
]
FileOpt = Annotated[
    Path | None, typer.Option("--file", dir_okay=False, help=_("The plan file (TOML, see docs/emergency.md)."))
]
TemplateOpt = Annotated[
    str | None, typer.Option("--template", help=_("A plan dcmaint ships, e.g. ups-on-battery (emergency templates)."))
]
VersionOpt = Annotated[
    int | None,
    typer.Option("--version", click_type=Checked(_version, "N"), help=_("An earlier version (default: in force).")),
]


def _said(written: object) -> None:
    from dcmaint.cli.labels import label
    from dcmaint.domain.emergency import PlanState
    from dcmaint.i18n import value_label
    from dcmaint.services.emergency import Written

    assert isinstance(written, Written)

    typer.echo(
        _("{plan}: version {version}, {state}, for {system}: {title}").format(
            plan=written.plan,
            version=written.version,
            state=value_label(PlanState, written.state),
            system=label(_systems(), written.system),
            title=written.title,
        )
    )


@app.command("add", help=_("Adopt an emergency plan for a site's system from a plan file or a shipped template."))
def add(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site the plan is for."))],
    system: SystemOpt = None,
    file: FileOpt = None,
    template: TemplateOpt = None,
    name: Annotated[
        str | None, typer.Option("--name", help=_("The plan's name at the site (default: the file's or template's)."))
    ] = None,
) -> None:
    from dcmaint.services.emergency import PlanSource
    from dcmaint.services.emergency import add as add_plan

    _said(add_plan(service_context(ctx), site, system, name, PlanSource(file, template)))


def _systems() -> tuple[type[Enum], ...]:
    from dcmaint.domain.enums import DeviceKind
    from dcmaint.domain.inspections import System

    return (DeviceKind, System)


def _render(ctx: typer.Context, fmt: OutputFormat, where: object) -> bool:
    """Print the plans; whether a drill is overdue."""
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.domain.emergency import DrillResult, DrillState, PlanState, lines_overdue
    from dcmaint.services.emergency_views import PlanFilter, listing

    assert isinstance(where, PlanFilter)
    found = listing(service_context(ctx), where)
    vocabularies = {"system": _systems(), "state": PlanState, "last_result": DrillResult, "drill_state": DrillState}
    render_list([shown(fmt, line, vocabularies) for line in found.items], fmt, PLAN_COLUMNS, zones=found.zones)
    return lines_overdue(found.items)


@app.command("list", help=_("Emergency plans in force, by site and system (--all: retired ones too)."))
def list_(
    ctx: typer.Context,
    site: SiteOpt = None,
    system: SystemOpt = None,
    everything: Annotated[bool, typer.Option("--all", help=_("Retired plans too."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.emergency_views import PlanFilter

    _render(ctx, fmt, PlanFilter(site, system, everything))


@app.command("due", help=_("Plans whose drill is due within a time, and overdue ones (exit 1 when one is overdue)."))
def due(
    ctx: typer.Context,
    site: SiteOpt = None,
    within: Annotated[
        timedelta,
        typer.Option(
            "--within", click_type=Checked(_within, "DURATION"), help=_("Due within this time, e.g. 30d (default).")
        ),
    ] = timedelta(days=30),
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.emergency_views import PlanFilter

    if _render(ctx, fmt, PlanFilter(site, None, False, within)):
        raise typer.Exit(1)


@app.command("show", help=_("One plan in full: scenario, trigger, steps, contacts, escalation and its drills."))
def show(ctx: typer.Context, plan: PlanArg, version: VersionOpt = None, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.emergency_views import detail

    found = detail(service_context(ctx), plan, version)
    if fmt is not OutputFormat.TABLE:
        render_one(found, fmt)
        return
    from dcmaint.cli.emergency_text import plan_text

    typer.echo(plan_text(found))


@app.command("edit", help=_("Replace a plan's text from a file or template: a new version, the old ones kept."))
def edit(ctx: typer.Context, plan: PlanArg, file: FileOpt = None, template: TemplateOpt = None) -> None:
    from dcmaint.services.emergency import PlanSource
    from dcmaint.services.emergency import edit as edit_plan

    _said(edit_plan(service_context(ctx), plan, PlanSource(file, template)))


@app.command("retire", help=_("Retire a plan: it leaves the lists, the drills due and the tickets."))
def retire(
    ctx: typer.Context,
    plan: PlanArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why, e.g. the UPS was replaced."))],
) -> None:
    from dcmaint.services.emergency import retire as retire_plan

    _said(retire_plan(service_context(ctx), plan, reason))


@app.command("drill", help=_("Record a drill of a plan: when, how it went, who led it."))
def drill(
    ctx: typer.Context,
    plan: PlanArg,
    result: Annotated[
        str,
        typer.Option("--result", click_type=Checked(_result, "ok|partial|failed"), help=_("ok, partial or failed.")),
    ],
    at: Annotated[
        parse.GivenTime | None,
        typer.Option(
            "--at",
            click_type=Checked(parse.given_time, "TIME"),
            help=_("When it was held, YYYY-MM-DD[THH:MM] in the site's time (default now)."),
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help=_("What went well, what did not."))] = None,
    by: Annotated[str | None, typer.Option("--by", help=_("Who led it (a staff name)."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one, table_time
    from dcmaint.domain.emergency import DrillResult
    from dcmaint.i18n import value_label
    from dcmaint.services.emergency import Drill
    from dcmaint.services.emergency import drill as record_drill

    assert isinstance(result, DrillResult)
    recorded = record_drill(service_context(ctx), Drill(plan, result, at, note, by))
    line = recorded.items
    if fmt is not OutputFormat.TABLE:
        render_one(line, fmt)
        return
    typer.echo(
        _("{plan}: drill of version {version} at {at}: {result}").format(
            plan=line.plan,
            version=line.version,
            at=table_time(line.drilled_at, recorded.zones.get(line.site)),
            result=value_label(DrillResult, line.result),
        )
    )


@app.command("print", help=_("The plan as a document to print or send: pdf, html or md, in Chinese or English."))
def print_(
    ctx: typer.Context,
    plan: PlanArg,
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help=_("File to write, - for standard output (default: SITE-NAME.FORMAT)."),
        ),
    ] = None,
    version: VersionOpt = None,
) -> None:
    from dcmaint.cli.documents import write_document
    from dcmaint.forms.render import checked_choices, render_sheet
    from dcmaint.services.emergency_views import sheet

    fmt_key, lang_key = checked_choices(fmt, lang)
    target = state(ctx).output(output, "--output") if output is not None else None
    context = service_context(ctx)
    content = render_sheet(sheet(context, plan, lang_key, version), fmt_key, context.config.forms.cjk_font)
    written = write_document(content, output, target, Path(f"{plan.replace('/', '-')}.{fmt_key}"))
    if written is not None:
        typer.echo(_("{plan}: written to {file} ({size} bytes)").format(plan=plan, file=written, size=len(content)))


@app.command("templates", help=_("The example plans dcmaint ships, for emergency add --template."))
def templates_(fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.domain.emergency import TemplateLine
    from dcmaint.i18n import language
    from dcmaint.services.emergency import templates

    lines = [
        TemplateLine(name, plan.system or "", plan.title.said(language()), len(plan.steps), str(plan.drill_every))
        for name, plan in templates()
    ]
    render_list(lines, fmt, TEMPLATE_COLUMNS)
