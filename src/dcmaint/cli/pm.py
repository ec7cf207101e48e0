"""``dcmaint pm``: preventive maintenance, what is due, what was done, and each site's intervals
(docs/maintenance.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
task_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(task_app, name="task", help=_("Task types and the intervals in force at each site."))

MOST_WITHIN = timedelta(days=366)

TASK_COLUMNS = [
    ("task", _("Task")),
    ("name", _("Work")),
    ("every", _("Every")),
    ("last_done", _("Last done")),
    ("next_due", _("Next due")),
    ("state", _("State")),
    ("forward_reason", _("Brought forward")),
    ("consumables", _("Consumables")),
]
HISTORY_COLUMNS = [
    ("task", _("Task")),
    ("done_at", _("Done")),
    ("engineer", _("Engineer")),
    ("due_at", _("Was due")),
    ("on_time", _("On time")),
    ("consumed", _("Consumables")),
    ("note", _("Note")),
]
TYPE_COLUMNS = [
    ("task_type", _("Task type")),
    ("name", _("Work")),
    ("applies_to", _("Applies to")),
    ("every", _("Every")),
    ("default_every", _("Default")),
    ("consumables", _("Consumables")),
]


def _within(text: str, what: str) -> timedelta:
    return parse.duration(text, what, MOST_WITHIN)


def _every(text: str, what: str) -> str:
    from dcmaint.domain.preventive import interval

    return str(interval(text, what))


SiteOpt = Annotated[str | None, typer.Option("--site", help=_("Only this site."))]
#: ``--within`` of the ``due`` listings (``pm due``, ``visit due``): what falls due that soon, and what is overdue.
WithinOpt = Annotated[
    timedelta,
    typer.Option(
        "--within", click_type=Checked(_within, "DURATION"), help=_("Due within this time, e.g. 14d (default).")
    ),
]
DEFAULT_WITHIN = timedelta(days=14)


def _render(ctx: typer.Context, fmt: OutputFormat, due_within: timedelta | None, site: str | None,
            device: str | None) -> bool:  # fmt: skip
    """Print the tasks; whether one is overdue."""
    from dataclasses import replace

    from dcmaint.cli.output import render_list
    from dcmaint.domain.preventive import TaskState, lines_due
    from dcmaint.i18n import value_label
    from dcmaint.services.pm_views import TaskFilter, tasks

    found = tasks(service_context(ctx), TaskFilter(site, device, due_within))
    if fmt is not OutputFormat.TABLE:
        render_list(found.items, fmt, TASK_COLUMNS)
        return lines_due(found.items)
    shown = [
        replace(
            line,
            state=value_label(TaskState, line.state),
            forward_reason=_("by fault {fault}: {reason}").format(fault=line.forward_fault, reason=line.forward_reason)
            if line.forward_fault is not None
            else None,
        )
        for line in found.items
    ]
    render_list(shown, fmt, TASK_COLUMNS, zones=found.zones)
    return lines_due(found.items)


@app.command("due", help=_("Tasks due within a time and overdue ones (exit 1 when one is overdue, for cron)."))
def due(
    ctx: typer.Context,
    site: SiteOpt = None,
    within: WithinOpt = DEFAULT_WITHIN,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    if _render(ctx, fmt, within, site, None):
        raise typer.Exit(1)


@app.command("list", help=_("Every preventive task: its interval, last completion and next due time."))
def list_(
    ctx: typer.Context,
    site: SiteOpt = None,
    device: Annotated[str | None, typer.Option("--device", help=_("Only this device's tasks."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    _render(ctx, fmt, None, site, device)


@app.command("done", help=_("Record a task done: its next due time moves on and its consumables leave the depot."))
def done(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help=_("SITE/DEVICE/TYPE, or SITE/TYPE for the room (see pm list)."))],
    by: Annotated[str, typer.Option("--by", help=_("The engineer who did it (a staff name)."))],
    at: Annotated[
        parse.GivenTime | None,
        typer.Option(
            "--at",
            click_type=Checked(parse.given_time, "TIME"),
            help=_("When it was done, YYYY-MM-DD[THH:MM] in the site's time (default now)."),
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help=_("Free text kept with the record."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.preventive import Done
    from dcmaint.services.preventive import done as record_done

    recorded = record_done(service_context(ctx), Done(task, by, at, note))
    completion = recorded.items
    if fmt is not OutputFormat.TABLE:
        render_one(completion, fmt)
        return
    from dcmaint.cli.output import table_time

    due = table_time(completion.next_due, recorded.zones.get(completion.site))
    typer.echo(_("{task}: done by {engineer}, next due {due}").format(
        task=completion.task, engineer=completion.engineer, due=due))  # fmt: skip
    if completion.consumed:
        typer.echo(_("taken from the depot: {parts}").format(parts=", ".join(completion.consumed)))


@app.command("history", help=_("Recorded completions: who did which task when, on time or late, what it took."))
def history(
    ctx: typer.Context,
    site: SiteOpt = None,
    device: Annotated[str | None, typer.Option("--device", help=_("Only this device's tasks."))] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--from", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Done at or after (UTC date or time).")
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--to", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Done before (UTC date or time).")),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.pm_views import HistoryFilter
    from dcmaint.services.pm_views import history as read_history

    found = read_history(service_context(ctx), HistoryFilter(site, device, since, until))
    render_list(found.items, fmt, HISTORY_COLUMNS, zones=found.zones)


@task_app.command("list", help=_("Task types, with the interval in force at a site when --site is given."))
def task_list(ctx: typer.Context, site: SiteOpt = None, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.pm_views import task_types

    lines = task_types(service_context(ctx), site)
    if fmt is OutputFormat.TABLE:
        from dataclasses import replace

        from dcmaint.domain.enums import DeviceKind
        from dcmaint.domain.preventive import SITE_SCOPE
        from dcmaint.i18n import value_label

        def kinds(applies_to: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(_("the room") if k == SITE_SCOPE else value_label(DeviceKind, k) for k in applies_to)

        lines = [replace(line, applies_to=kinds(line.applies_to)) for line in lines]
    render_list(lines, fmt, TYPE_COLUMNS)


@task_app.command("interval", help=_("Set a site's own interval for a task type (or go back to the default)."))
def task_interval(
    ctx: typer.Context,
    task_type: Annotated[str, typer.Argument(help=_("The task type, e.g. crac-filter (see pm task list)."))],
    site: Annotated[str, typer.Option("--site", help=_("The site that agreed the interval with its customer."))],
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            click_type=Checked(_every, "INTERVAL"),
            help=_("The interval: a number and d, w, mo or y, e.g. 2mo."),
        ),
    ] = None,
    default: Annotated[bool, typer.Option("--default", help=_("Go back to the task type's own interval."))] = False,
) -> None:
    from dcmaint.errors import UsageError
    from dcmaint.services.preventive import set_interval

    if (every is None) == (not default):
        raise UsageError(_("give either --every or --default"))
    value = set_interval(service_context(ctx), site, task_type, None if default else every)
    typer.echo(_("{type} at {site}: every {every}").format(type=task_type, site=site, every=value))
