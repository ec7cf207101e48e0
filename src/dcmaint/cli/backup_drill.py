"""``dcmaint backup drill``: drill plans, drills held with their RTO/RPO against the targets, follow-up actions,
and the printable drill record (docs/backups.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from dcmaint.cli.backup import AtOpt, NoteOpt, ResultOpt, SiteOpt, _every, _time, labelled, show_line
from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.domain import backups, parse
from dcmaint.domain.backups import DrillDetail, FollowUpGiven
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

drill_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

PLAN_COLUMNS = [
    ("plan", _("Plan")),
    ("site", _("Site")),
    ("system", _("System")),
    ("scenario", _("Scenario")),
    ("every", _("Every")),
    ("rto_target_minutes", _("RTO (min)")),
    ("rpo_target_minutes", _("RPO (min)")),
    ("last_drill", _("Last drill")),
    ("next_due", _("Next due")),
    ("state", _("State")),
]
DRILL_COLUMNS = [
    ("drill", _("Drill")),
    ("plan", _("Plan")),
    ("site", _("Site")),
    ("system", _("System")),
    ("drilled_at", _("Held")),
    ("rto_achieved_minutes", _("RTO (min)")),
    ("rto", _("RTO")),
    ("rpo_achieved_minutes", _("RPO (min)")),
    ("rpo", _("RPO")),
    ("result", _("Result")),
]
ACTION_COLUMNS = [
    ("action", _("Action")),
    ("text", _("What")),
    ("owner", _("Owner")),
    ("due_on", _("Due")),
    ("done_at", _("Done")),
]

EveryOpt = Annotated[
    str | None, typer.Option("--every", click_type=Checked(_every, "INTERVAL"), help=_("How often: 6mo, 1y."))
]
NextOpt = Annotated[
    date | None,
    typer.Option("--next", click_type=Checked(parse.iso_date, "DATE"), help=_("The next drill's date, YYYY-MM-DD.")),
]
NumberArg = Annotated[int, typer.Argument(click_type=Checked(parse.count, "NUMBER"), help=_("Its number."))]


def _target(what: str) -> object:
    return typer.Option(
        what, click_type=Checked(backups.objective_target, "DURATION"), help=_("The target, e.g. 4h, 30m.")
    )


def _achieved(what: str) -> object:
    return typer.Option(
        what, click_type=Checked(backups.achieved, "DURATION"), help=_("What the drill achieved, e.g. 3h10m, 0m.")
    )


@drill_app.command("plan", help=_("Plan a drill: site, system or policy, scenario, how often or when, RTO and RPO."))
def plan(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site drilled."))],
    scenario: Annotated[
        str, typer.Option("--scenario", help=_("The disaster rehearsed, e.g. the database server lost."))
    ],
    rto: Annotated[timedelta, _target("--rto")],
    rpo: Annotated[timedelta, _target("--rpo")],
    system: Annotated[str | None, typer.Option("--system", help=_("The system recovered."))] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help=_("The backup policy whose copies are restored."))
    ] = None,
    every: EveryOpt = None,
    next_on: NextOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.drills import PlanGiven
    from dcmaint.services.drills import plan as record_plan

    found = record_plan(service_context(ctx), PlanGiven(site, scenario, rto, rpo, system, policy, every, next_on))
    if fmt is OutputFormat.TABLE:
        typer.echo(
            _("drill plan {number} at {site}: next drill due {due}").format(
                number=found.items.plan, site=site, due=_time(found.items.next_due, found.zones.get(site))
            )
        )
        return
    show_line(found.items, fmt, found.zones, ())


@drill_app.command("edit", help=_("Reschedule a drill plan or change its scenario or targets."))
def edit(
    ctx: typer.Context,
    number: NumberArg,
    scenario: Annotated[str | None, typer.Option("--scenario", help=_("The disaster rehearsed."))] = None,
    every: EveryOpt = None,
    next_on: NextOpt = None,
    rto: Annotated[timedelta | None, _target("--rto")] = None,
    rpo: Annotated[timedelta | None, _target("--rpo")] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.drills import PlanChanges, edit_plan

    found = edit_plan(service_context(ctx), number, PlanChanges(scenario, every, next_on, rto, rpo))
    show_line(found.items, fmt, found.zones, ("state",))


@drill_app.command("retire", help=_("Retire a drill plan: it no longer falls due; its drills stay."))
def retire(
    ctx: typer.Context,
    number: NumberArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why: the system is gone, another plan replaces it."))],
) -> None:
    from dcmaint.services.drills import retire_plan

    retire_plan(service_context(ctx), number, reason)
    typer.echo(_("drill plan {number} retired").format(number=number))


@drill_app.command("log", help=_("Record a drill held: RTO and RPO achieved, the result and follow-up actions."))
def log(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help=_("Who led the drill (a staff name)."))],
    rto_achieved: Annotated[timedelta, _achieved("--rto-achieved")],
    rpo_achieved: Annotated[timedelta, _achieved("--rpo-achieved")],
    result: ResultOpt,
    plan_number: Annotated[
        int | None,
        typer.Option(
            "--plan", click_type=Checked(parse.count, "NUMBER"), help=_("The drill plan (see drill list --plans).")
        ),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help=_("The site, for a drill without a plan."))] = None,
    system: Annotated[str | None, typer.Option("--system", help=_("The system recovered."))] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", help=_("The backup policy whose copies were restored."))
    ] = None,
    scenario: Annotated[str | None, typer.Option("--scenario", help=_("The scenario (default the plan's)."))] = None,
    rto: Annotated[timedelta | None, _target("--rto")] = None,
    rpo: Annotated[timedelta | None, _target("--rpo")] = None,
    at: AtOpt = None,
    action: Annotated[
        list[FollowUpGiven] | None,
        typer.Option(
            "--action",
            click_type=Checked(backups.follow_up, "OWNER,DATE,WHAT"),
            help=_(
                "A follow-up action: its owner, due date and the work, e.g. 张伟,2027-01-15,更新恢复手册 (repeatable)."
            ),
        ),
    ] = None,
    note: NoteOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.drills import DrillGiven
    from dcmaint.services.drills import log as record_log

    given = DrillGiven(
        by, rto_achieved, rpo_achieved, result, plan_number, site, system, policy, scenario, rto, rpo, at,
        tuple(action or ()), note,
    )  # fmt: skip
    found = record_log(service_context(ctx), given)
    line = found.items.drill
    if fmt is OutputFormat.TABLE:
        from dcmaint.domain.backups import ObjectiveOutcome
        from dcmaint.i18n import value_label

        typer.echo(
            _("drill {number} recorded: RTO {rto}, RPO {rpo}").format(
                number=line.drill,
                rto=value_label(ObjectiveOutcome, line.rto),
                rpo=value_label(ObjectiveOutcome, line.rpo),
            )
        )
        return
    _detail(found.items, fmt, found.zones)


def _detail(detail: DrillDetail, fmt: OutputFormat, zones: Mapping[str, str]) -> None:
    """A drill with its follow-up actions: key/value lines and a table of the actions, or one JSON object."""
    from dcmaint.cli.output import as_json, render_list

    if fmt is OutputFormat.JSON:
        typer.echo(as_json(detail.as_json()))
        return
    show_line(detail.drill, fmt, zones, ("rto", "rpo", "result"))
    if fmt is OutputFormat.TABLE and detail.actions:
        typer.echo("")
        render_list(list(detail.actions), fmt, ACTION_COLUMNS, zones=zones)


@drill_app.command("list", help=_("Drills held, with RTO and RPO met or missed; --plans for the drill plans."))
def list_(
    ctx: typer.Context,
    site: SiteOpt = None,
    plans: Annotated[bool, typer.Option("--plans", help=_("List the drill plans and when each is due."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.backup_views import drills

    found = drills(service_context(ctx), site)
    if plans:
        lines = found.items.plans if fmt is not OutputFormat.TABLE else labelled(found.items.plans, ("state",))
        render_list(lines, fmt, PLAN_COLUMNS, zones=found.zones)
        return
    held = found.items.drills
    if fmt is not OutputFormat.TABLE:
        render_list(held, fmt, DRILL_COLUMNS)
        return
    render_list(labelled(held, ("rto", "rpo", "result")), fmt, DRILL_COLUMNS, zones=found.zones)


@drill_app.command("show", help=_("One drill: targets, what was achieved, the result and its follow-up actions."))
def show(ctx: typer.Context, number: NumberArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.services.backup_views import drill

    found = drill(service_context(ctx), number)
    _detail(found.items, fmt, found.zones)


@drill_app.command("done", help=_("Mark a drill's follow-up action done."))
def done(
    ctx: typer.Context,
    number: Annotated[
        int, typer.Argument(click_type=Checked(parse.count, "ACTION"), help=_("The action's number (drill show)."))
    ],
    at: AtOpt = None,
    note: NoteOpt = None,
) -> None:
    from dcmaint.services.drills import action_done

    found = action_done(service_context(ctx), number, at, note)
    typer.echo(_("action {number} of drill {drill} done").format(number=number, drill=found.items.drill.drill))


@drill_app.command(
    "record", help=_("The drill record for the customer to sign: pdf, html or md, in Chinese or English.")
)
def record(
    ctx: typer.Context,
    number: NumberArg,
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("File to write, - for standard output."), dir_okay=False)
    ] = None,
) -> None:
    from dcmaint.cli.context import state
    from dcmaint.cli.documents import write_document
    from dcmaint.forms import drill_record
    from dcmaint.forms.render import checked_choices, render_sheet
    from dcmaint.services.drills import record as read_record

    fmt_key, lang_key = checked_choices(fmt, lang)
    checked = state(ctx).output(output, "--output") if output is not None else None
    context = service_context(ctx)
    found = read_record(context, number)
    sheet = drill_record.build(
        lang=lang_key, detail=found.drill, customer=found.customer, contract=found.contract, timezone=found.timezone
    )
    content = render_sheet(sheet, fmt_key, context.config.forms.cjk_font)
    written = write_document(content, output, checked, Path(f"drill-{number}.{fmt_key}"))
    if written is not None:
        typer.echo(_("wrote {file}").format(file=written))
