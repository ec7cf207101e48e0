"""``dcmaint inspect``: inspection plans, runs with their findings, and the customer's report (docs/inspections.md)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context, state
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.cli.documents import write_document
from dcmaint.cli.polling import progress
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.domain.checklists import ChecklistItem
    from dcmaint.services.health import Fault
    from dcmaint.services.inspection_answers import RawAnswer

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
plan_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(plan_app, name="plan", help=_("Inspection plans agreed with the customer: how often, next date, scope."))

MOST_WITHIN = timedelta(days=366)
PLAN_COLUMNS = [
    ("id", _("Plan")),
    ("site", _("Site")),
    ("frequency", _("Frequency")),
    ("next_on", _("Next")),
    ("days_left", _("Days left")),
    ("scope", _("Scope")),
    ("agreed_with", _("Agreed with")),
]
RUN_COLUMNS = [
    ("id", _("Inspection")),
    ("site", _("Site")),
    ("started_at", _("Date")),
    ("engineer", _("Engineer")),
    ("devices", _("Devices")),
    ("findings", _("Findings")),
    ("score", _("Score")),
    ("trend", _("Trend")),
]


def _within(text: str, what: str) -> timedelta:
    return parse.duration(text, what, MOST_WITHIN)


def _frequency(text: str, what: str) -> str:
    from dcmaint.domain.inspections import parse_frequency

    return parse_frequency(text, what)


def _interactive() -> bool:
    """Whether a person can answer prompts: the one place the command asks (tests replace it)."""
    return sys.stdin.isatty()


PlanArg = Annotated[
    int,
    typer.Argument(
        click_type=Checked(parse.count, "PLAN"), help=_("The plan's number (inspect plan list)."), show_default=False
    ),
]
RunArg = Annotated[
    int,
    typer.Argument(
        click_type=Checked(parse.count, "RUN"), help=_("The inspection's number (inspect list)."), show_default=False
    ),
]


@plan_app.command("add", help=_("Record how often a site is inspected, as agreed with the customer."))
def plan_add(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site inspected."))],
    every: Annotated[
        str,
        typer.Option(
            "--every",
            click_type=Checked(_frequency, "FREQUENCY"),
            help=_("monthly, quarterly, half-yearly, yearly, or every N days / every N weeks."),
        ),
    ],
    first: Annotated[
        date | None,
        typer.Option(
            "--first",
            click_type=Checked(parse.iso_date, "YYYY-MM-DD"),
            help=_("Date of the first inspection, in the site's time (default: one period from today)."),
        ),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help=_("Device kind inspected (repeatable; default: every covered device).")),
    ] = None,
    agreed_with: Annotated[
        str | None, typer.Option("--agreed-with", help=_("Who agreed the plan for the customer."))
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.inspection_plans import PlanDraft, add

    plan = add(service_context(ctx), PlanDraft(site, every, first, tuple(scope or ()), agreed_with))
    render_one(plan, fmt, dict(PLAN_COLUMNS))


@plan_app.command("list", help=_("Inspection plans, soonest first."))
def plan_list(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site's plans."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.inspection_plans import plans

    render_list(plans(service_context(ctx), site), fmt, PLAN_COLUMNS)


@plan_app.command("show", help=_("One inspection plan."))
def plan_show(ctx: typer.Context, plan_id: PlanArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.inspection_plans import plan

    render_one(plan(service_context(ctx), plan_id), fmt, dict(PLAN_COLUMNS))


@app.command("due", help=_("Inspections overdue or due soon; exit 1 when one is overdue (for cron)."))
def due(
    ctx: typer.Context,
    within: Annotated[
        timedelta,
        typer.Option(
            "--within", click_type=Checked(_within, "DURATION"), help=_("Due within this time, e.g. 14d (default).")
        ),
    ] = timedelta(days=14),
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site's plans."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.inspection_plans import due_plans

    found = due_plans(service_context(ctx), within, site)
    render_list(found, fmt, PLAN_COLUMNS)
    if any(p.days_left < 0 for p in found):
        raise typer.Exit(1)


def _ask_answer(item: ChecklistItem, lang: str) -> RawAnswer | None:
    from dcmaint.domain.checklists import check_answer
    from dcmaint.services.inspection_answers import RawAnswer

    hint = item.range_text() or ("ok / not-ok" if item.answer.value == "check" else _("text"))
    while True:
        text = typer.prompt(f"  {item.id} {item.wording(lang)} [{hint}]", default="", show_default=False, err=True)
        if not text.strip():
            return None
        answer = check_answer(item, text)
        if answer is not None:
            break
        typer.echo(_("  invalid answer {value!r}: {hint}").format(value=text, hint=hint), err=True)
    action = _ask_action(allow_open=True) if not answer.ok else ""
    note = (
        typer.prompt("  " + _("note (Enter: none)"), default="", show_default=False, err=True) if not answer.ok else ""
    )
    return RawAnswer("prompt", "", item.id, text, note, action)


def _ask_action(*, allow_open: bool) -> str:
    from dcmaint.domain.inspections import parse_action

    while True:
        text: str = typer.prompt(
            "  " + _("outcome: fixed / downtime YYYY-MM-DD / factory (Enter: open)"),
            default="",
            show_default=False,
            err=True,
        )
        if not text.strip() and allow_open:
            return ""
        if parse_action(text) is not None:
            return text
        typer.echo(_("  invalid action {value!r}").format(value=text), err=True)


def _ask_checks(device: str | None, items: Sequence[ChecklistItem]) -> list[RawAnswer]:
    from dataclasses import replace

    from dcmaint.i18n import language

    lang = "zh" if language().startswith("zh") else "en"
    typer.echo(device if device is not None else _("machine room"), err=True)
    rows = []
    for item in items:
        answer = _ask_answer(item, lang)
        if answer is not None:
            rows.append(replace(answer, device=device or ""))
    return rows


def _ask_faults(faults: Sequence[Fault]) -> list[RawAnswer]:
    from dcmaint.services.inspection_answers import FAULT_PREFIX, RawAnswer

    rows = []
    for fault in faults:
        typer.echo(f"{fault.device}: {fault.kind} {fault.location}: {fault.reason or fault.health.value}", err=True)
        action = _ask_action(allow_open=True)
        if action:
            rows.append(
                RawAnswer("prompt", fault.device, f"{FAULT_PREFIX}{fault.kind}:{fault.location}", "", "", action)
            )
    return rows


@app.command("run", help=_("Inspect a site: poll its devices, take the checklist answers, record the findings."))
def run(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site inspected."))],
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers", dir_okay=False, help=_("Checklist answers filled on site: TOML, CSV or XLSX (else prompts).")
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help=_("The engineer who inspected."))] = None,
    at: Annotated[
        parse.GivenTime | None,
        typer.Option(
            "--at",
            click_type=Checked(parse.given_time, "TIME"),
            help=_("When the inspection was done, YYYY-MM-DD[THH:MM] in the site's time (default now)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_mapping
    from dcmaint.services.inspection_run import Prompts, RunRequest, run_inspection

    prompts = Prompts(_ask_checks, _ask_faults) if answers is None and _interactive() else None
    request = RunRequest(site, answers, by, at, state(ctx).config_path)
    summary = run_inspection(service_context(ctx), request, prompts=prompts, progress=progress())
    if fmt is OutputFormat.TABLE:
        typer.echo(
            _("inspection {run} of {site}: {devices} devices, {findings} findings, score {score} ({trend})").format(
                run=summary.run,
                site=summary.site,
                devices=summary.devices,
                findings=summary.findings,
                score="-" if summary.score is None else summary.score,
                trend=_trend(summary.trend),
            )
        )
        if summary.tickets:
            typer.echo(_("tickets: {refs}").format(refs=", ".join(summary.tickets)))
        return
    render_mapping(summary.as_json(), fmt)


def _trend(value: str) -> str:
    words = {"up": _("up"), "down": _("down"), "same": _("same"), "new": _("first inspection")}
    return words.get(value, value)


@app.command("list", help=_("Inspections done, newest first, with their health score and trend."))
def list_runs(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site's inspections."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.domain.health_score import Trend
    from dcmaint.services.inspection_views import runs

    found = runs(service_context(ctx), site)
    render_list([shown(fmt, run_, {"trend": Trend}) for run_ in found.items], fmt, RUN_COLUMNS, zones=found.zones)


@app.command("show", help=_("One inspection: results by device, findings and what was done."))
def show(ctx: typer.Context, run_id: RunArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import as_json, table, table_time
    from dcmaint.services.inspection_views import detail

    found = detail(service_context(ctx), run_id)
    if fmt is OutputFormat.JSON:
        sys.stdout.write(as_json(found.as_json()))
        return
    if fmt is OutputFormat.CSV:  # one row per device result
        from dcmaint.cli.output import render_list

        render_list(found.results, fmt, [])
        return
    run_ = found.run
    typer.echo(
        _("inspection {run} of {site} on {at} by {engineer}: score {score} ({trend})").format(
            run=run_.id,
            site=run_.site,
            at=table_time(run_.started_at, found.timezone),
            engineer=run_.engineer or "-",
            score="-" if run_.score is None else run_.score,
            trend=_trend(run_.trend),
        )
    )
    from dcmaint.cli.labels import label
    from dcmaint.domain.enums import DeviceKind
    from dcmaint.domain.inspections import Outcome, ResultStatus, System
    from dcmaint.drivers.health import Health

    systems, statuses = (DeviceKind, System), (Health, ResultStatus)
    rows = [
        [
            r.device or _("machine room"),
            label(systems, r.system),
            label(statuses, r.status),
            *(r.checks, r.failed, r.score, _trend(r.trend)),
        ]
        for r in found.results
    ]
    headers = [_("Device"), _("System"), _("Status"), _("Checked"), _("Not ok"), _("Score"), _("Trend")]
    typer.echo(table(rows, headers))
    if found.findings:
        typer.echo("")
        rows = [
            [
                f.device or _("machine room"),
                *(f.item, f.description, label(Outcome, f.outcome), f.downtime_on or "", f.ticket or ""),
            ]
            for f in found.findings
        ]
        headers = [_("Device"), _("Item"), _("Found"), _("Outcome"), _("Date"), _("Ticket")]
        typer.echo(table(rows, headers))


@app.command("report", help=_("The inspection report (巡检报告) for the customer, as PDF, HTML or Markdown."))
def report(
    ctx: typer.Context,
    run_id: RunArg,
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help=_("File to write (default: inspection-N.FORMAT in the current directory)."),
        ),
    ] = None,
) -> None:
    from dcmaint.forms.render import checked_choices, render_sheet
    from dcmaint.services.inspection_report import report_sheet

    fmt_key, lang_key = checked_choices(fmt, lang)
    target = state(ctx).output(output, "--output") if output is not None else None
    context = service_context(ctx)
    content = render_sheet(
        report_sheet(context, run_id, lang_key, state(ctx).config_path), fmt_key, context.config.forms.cjk_font
    )
    written = write_document(content, output, target, Path(f"inspection-{run_id}.{fmt_key}"))
    if written is None:
        return
    target = written
    typer.echo(
        _("inspection {run}: report written to {file} ({size} bytes)").format(
            run=run_id, file=target, size=len(content)
        )
    )
