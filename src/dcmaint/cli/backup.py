"""``dcmaint backup``: the register of backup policies, restore tests, drills and what falls due
(docs/backups.md). ``dcmaint db backup`` is dcmaint's own data; this is the customer's.

``--within``, the intervals and ``--site`` read as ``pm``'s do (one parser each for the bad-value walk)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.pm import DEFAULT_WITHIN, SiteOpt, WithinOpt, _every
from dcmaint.domain import backups, parse
from dcmaint.domain.backups import RestoreResult
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
policy_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(policy_app, name="policy", help=_("The register of backup policies: what is backed up, how, by whom."))

POLICY_COLUMNS = [
    ("policy", _("Policy")),
    ("site", _("Site")),
    ("system", _("System")),
    ("tool", _("Tool")),
    ("schedule", _("Schedule")),
    ("retention", _("Retention")),
    ("owner", _("Responsible")),
    ("verify_every", _("Verify every")),
    ("last_verified", _("Last restore test")),
    ("last_result", _("Result")),
    ("next_verification", _("Next test due")),
    ("state", _("State")),
]
RESTORE_COLUMNS = [
    ("tested_at", _("Tested")),
    ("engineer", _("Engineer")),
    ("result", _("Result")),
    ("restored", _("Restored")),
    ("duration_minutes", _("Minutes")),
    ("note", _("Note")),
]
DUE_COLUMNS = [
    ("kind", _("Kind")),
    ("site", _("Site")),
    ("subject", _("Subject")),
    ("what", _("What")),
    ("owner", _("Responsible")),
    ("due", _("Due")),
    ("state", _("State")),
]


def _result(text: str, what: str) -> RestoreResult:
    return parse.enum_value(RestoreResult, text, what)


ResultOpt = Annotated[
    RestoreResult,
    typer.Option("--result", click_type=Checked(_result, "RESULT"), help=_("ok, partial or failed.")),
]
AtOpt = Annotated[
    parse.GivenTime | None,
    typer.Option(
        "--at",
        click_type=Checked(parse.given_time, "TIME"),
        help=_("When, YYYY-MM-DD[THH:MM] in the site's time (default now); not in the future."),
    ),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help=_("Free text kept with the record."))]
DevicesOpt = Annotated[
    list[str] | None,
    typer.Option("--device", help=_("A device of the register whose data the policy backs up (repeatable).")),
]


def labelled(lines: list[Any], fields: tuple[str, ...]) -> list[Any]:
    """``lines`` as a table shows them: the values of ``fields`` in the reader's language (states, results,
    kinds), through the one labelling of every table (:func:`dcmaint.cli.labels.shown`)."""
    from dcmaint.cli.labels import shown
    from dcmaint.domain.backups import BackupDueKind, ObjectiveOutcome
    from dcmaint.domain.preventive import TaskState

    vocabulary = {
        "state": TaskState,
        "last_result": RestoreResult,
        "result": RestoreResult,
        "kind": BackupDueKind,
        "rto": ObjectiveOutcome,
        "rpo": ObjectiveOutcome,
    }
    return [shown(OutputFormat.TABLE, line, {f: vocabulary[f] for f in fields}) for line in lines]


def field_labels() -> dict[str, str]:
    """The names of a policy's, a restore test's, a drill plan's and a drill's keys, for key/value lines."""
    return {
        "policy": _("Policy"),
        "site": _("Site"),
        "system": _("System"),
        "devices": _("Devices"),
        "tool": _("Tool"),
        "schedule": _("Schedule"),
        "retention": _("Retention"),
        "target": _("Target"),
        "owner": _("Responsible"),
        "verify_every": _("Verify every"),
        "last_verified": _("Last restore test"),
        "last_result": _("Last result"),
        "last_ok": _("Last successful restore"),
        "next_verification": _("Next test due"),
        "state": _("State"),
        "retired": _("Retired"),
        "retired_reason": _("Reason retired"),
        "note": _("Note"),
        "tested_at": _("Tested"),
        "engineer": _("Engineer"),
        "result": _("Result"),
        "restored": _("Restored"),
        "duration_minutes": _("Minutes"),
        "plan": _("Plan"),
        "scenario": _("Scenario"),
        "every": _("Every"),
        "next_on": _("Next date"),
        "rto_target_minutes": _("RTO target (min)"),
        "rpo_target_minutes": _("RPO target (min)"),
        "last_drill": _("Last drill"),
        "next_due": _("Next due"),
        "drill": _("Drill"),
        "drilled_at": _("Held"),
        "rto_achieved_minutes": _("RTO achieved (min)"),
        "rto": _("RTO"),
        "rpo_achieved_minutes": _("RPO achieved (min)"),
        "rpo": _("RPO"),
        "open_actions": _("Open actions"),
    }


def show_line(record: Any, fmt: OutputFormat, zones: Mapping[str, str], fields: tuple[str, ...]) -> None:
    """One record: key/value lines with its values in the reader's language, or JSON / CSV as stored."""
    from dcmaint.cli.output import render_one

    if fmt is OutputFormat.TABLE:
        record = labelled([record], fields)[0]
    render_one(record, fmt, field_labels(), zones=zones)


@policy_app.command("add", help=_("Register how a system is backed up and how often a restore must be proven."))
def policy_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The policy's name, e.g. erp-db-nightly."))],
    site: Annotated[str, typer.Option("--site", help=_("The site of the system."))],
    system: Annotated[str, typer.Option("--system", help=_('The system backed up, e.g. "ERP database".'))],
    tool: Annotated[str, typer.Option("--tool", help=_('The backup software, e.g. "Veeam B&R 12", RMAN.'))],
    schedule: Annotated[
        str,
        typer.Option(
            "--schedule",
            click_type=Checked(backups.schedule, "SCHEDULE"),
            help=_("A cron expression ('30 1 * * *'), @daily, or an interval (6h, 1d, 1w)."),
        ),
    ],
    retention: Annotated[
        str,
        typer.Option(
            "--retention",
            click_type=Checked(backups.retention, "RETENTION"),
            help=_("How long copies are kept (30d, 12w, 7y) or how many (14 copies)."),
        ),
    ],
    target: Annotated[str, typer.Option("--target", help=_("Where the copies go (a NAS share, a tape library...)."))],
    owner: Annotated[str, typer.Option("--owner", help=_("Who is responsible: a staff member of the register."))],
    verify_every: Annotated[
        str,
        typer.Option(
            "--verify-every",
            click_type=Checked(_every, "INTERVAL"),
            help=_("How often a restore must be tested: 1mo, 3mo, 1y."),
        ),
    ],
    device: DevicesOpt = None,
    note: NoteOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.backups import PolicyGiven, add

    given = PolicyGiven(
        name, site, system, tool, schedule, retention, target, owner, verify_every, tuple(device or ()), note
    )
    found = add(service_context(ctx), given)
    if fmt is OutputFormat.TABLE:
        typer.echo(
            _("backup policy {name} at {site}: first restore test due {due}").format(
                name=name, site=site, due=_time(found.items.next_verification, found.zones.get(site))
            )
        )
        return
    show_line(found.items, fmt, found.zones, ())


def _time(value: object, zone: str | None) -> str:
    from datetime import datetime

    from dcmaint.cli.output import table_time

    return table_time(value, zone) if isinstance(value, datetime) else ""


@policy_app.command("list", help=_("Backup policies with their last restore test and when the next is due."))
def policy_list(
    ctx: typer.Context,
    site: SiteOpt = None,
    retired: Annotated[bool, typer.Option("--retired", help=_("Retired policies too."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.backup_views import policies

    found = policies(service_context(ctx), site, retired)
    lines = found.items if fmt is not OutputFormat.TABLE else labelled(found.items, ("state", "last_result"))
    render_list(lines, fmt, POLICY_COLUMNS, zones=found.zones)


@policy_app.command("show", help=_("One backup policy with every restore test recorded."))
def policy_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The policy's name."))],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import as_json, render_list
    from dcmaint.services.backup_views import policy

    found = policy(service_context(ctx), name)
    if fmt is OutputFormat.JSON:
        typer.echo(as_json({**found.items.policy.as_json(), "restores": [r.as_json() for r in found.items.restores]}))
        return
    show_line(found.items.policy, fmt, found.zones, ("state", "last_result"))
    if fmt is OutputFormat.TABLE:
        typer.echo("")
        render_list(labelled(found.items.restores, ("result",)), fmt, RESTORE_COLUMNS, zones=found.zones)


@policy_app.command("edit", help=_("Change a backup policy; --device replaces its devices."))
def policy_edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The policy's name."))],
    system: Annotated[str | None, typer.Option("--system", help=_("The system backed up."))] = None,
    tool: Annotated[str | None, typer.Option("--tool", help=_("The backup software."))] = None,
    schedule: Annotated[
        str | None,
        typer.Option("--schedule", click_type=Checked(backups.schedule, "SCHEDULE"), help=_("When it runs.")),
    ] = None,
    retention: Annotated[
        str | None,
        typer.Option("--retention", click_type=Checked(backups.retention, "RETENTION"), help=_("How long kept.")),
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help=_("Where the copies go."))] = None,
    owner: Annotated[str | None, typer.Option("--owner", help=_("Who is responsible."))] = None,
    verify_every: Annotated[
        str | None,
        typer.Option(
            "--verify-every", click_type=Checked(_every, "INTERVAL"), help=_("How often a restore is tested.")
        ),
    ] = None,
    device: DevicesOpt = None,
    note: NoteOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.backups import PolicyChanges, edit

    changes = PolicyChanges(
        system, tool, schedule, retention, target, owner, verify_every, tuple(device) if device else None, note
    )
    found = edit(service_context(ctx), name, changes)
    show_line(found.items, fmt, found.zones, ("state", "last_result"))


@policy_app.command("retire", help=_("Retire a policy: no more restore tests fall due; its history stays."))
def policy_retire(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The policy's name."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why: the system is gone, another policy replaces it."))],
) -> None:
    from dcmaint.services.backups import retire

    retire(service_context(ctx), name, reason)
    typer.echo(_("backup policy {name} retired").format(name=name))


@app.command("verify", help=_("Record a restore test of a policy: what was restored, by whom, and the result."))
def verify(
    ctx: typer.Context,
    policy: Annotated[str, typer.Argument(help=_("The policy's name (see backup policy list)."))],
    by: Annotated[str, typer.Option("--by", help=_("The engineer who ran the test (a staff name)."))],
    result: ResultOpt,
    restored: Annotated[str, typer.Option("--restored", help=_("What was restored and checked, and where."))],
    at: AtOpt = None,
    duration: Annotated[
        timedelta | None,
        typer.Option(
            "--duration",
            click_type=Checked(backups.restore_duration, "DURATION"),
            help=_("How long the restore took, e.g. 45m, 2h."),
        ),
    ] = None,
    note: NoteOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.backups import Verified
    from dcmaint.services.backups import verify as record

    found = record(service_context(ctx), Verified(policy, by, result, restored, at, duration, note))
    if fmt is OutputFormat.TABLE:
        from dcmaint.i18n import value_label

        typer.echo(
            _("{policy}: restore test {result} at {at}").format(
                policy=policy,
                result=value_label(RestoreResult, found.items.result),
                at=_time(found.items.tested_at, found.zones.get(found.items.site)),
            )
        )
        return
    show_line(found.items, fmt, found.zones, ())


@app.command(
    "due", help=_("Restore tests, drills and follow-up actions due or overdue (exit 1 when overdue, for cron).")
)
def due(
    ctx: typer.Context,
    site: SiteOpt = None,
    within: WithinOpt = DEFAULT_WITHIN,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services.backup_views import due as read_due

    found = read_due(service_context(ctx), site, within)
    lines = found.items if fmt is not OutputFormat.TABLE else labelled(found.items, ("kind", "state"))
    render_list(lines, fmt, DUE_COLUMNS, zones=found.zones)
    if backups.any_overdue(found.items):
        raise typer.Exit(1)


def _mount_drills() -> None:
    from dcmaint.cli.backup_drill import drill_app

    app.add_typer(drill_app, name="drill", help=_("Drill plans, drills held with RTO/RPO achieved, their records."))


_mount_drills()
