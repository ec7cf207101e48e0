"""``dcmaint change``: change requests with the customer's approval, implemented and confirmed by the device
(docs/changes.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.polling import TimeoutOpt
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

LIST_COLUMNS = [
    ("change", _("Change")),
    ("site", _("Site")),
    ("state", _("State")),
    ("devices", _("Devices")),
    ("component", _("Component")),
    ("target_version", _("Target")),
    ("risk", _("Risk")),
    ("window_start", _("Window from")),
    ("window_end", _("Window to")),
    ("approved_by", _("Approved by")),
]

SHOW_LABELS = {
    "advisory": _("Advisory"),
    "evaluation": _("Evaluation"),
    "rollback_plan": _("Rollback plan"),
    "requested_by": _("Requested by"),
    "requested_at": _("Requested"),
    "approval_reference": _("Customer's reference"),
    "approved_at": _("Approved"),
    "rejected_by": _("Refused by"),
    "reject_reason": _("Refusal reason"),
    "implemented_by": _("Implemented by"),
    "implemented_at": _("Implemented"),
    "confirmed_at": _("Confirmed"),
    "rollback_reason": _("Rollback reason"),
    "rolled_back_at": _("Rolled back"),
    "seen": _("Versions seen"),
}

ChangeArg = Annotated[str, typer.Argument(help=_("The change, CR-NUMBER (see change list)."))]
AtOpt = Annotated[
    parse.GivenTime | None,
    typer.Option(
        "--at",
        click_type=Checked(parse.given_time, "TIME"),
        help=_("When, YYYY-MM-DD[THH:MM] in the site's time (default now)."),
    ),
]


def _risk(text: str, what: str) -> object:
    from dcmaint.domain.changes import Risk

    return parse.enum_value(Risk, text, what)


def _state(text: str, what: str) -> object:
    from dcmaint.domain.changes import ChangeState

    return parse.enum_value(ChangeState, text, what)


def _shown(record, fmt: OutputFormat, zones) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from dcmaint.cli.output import render_one
    from dcmaint.domain.changes import ChangeState, Risk
    from dcmaint.i18n import value_label

    if fmt is OutputFormat.TABLE:
        seen = tuple(
            f"{d.device}: {d.version_before or '?'} -> {d.version_seen or _('not seen yet')}"
            + (" ✓" if d.confirmed_at else "")
            for d in record.seen
        )
        record = replace(
            record, state=value_label(ChangeState, record.state), risk=value_label(Risk, record.risk), seen=seen
        )
    from dcmaint.cli.labels import field_labels

    labels = {**field_labels(), **dict(LIST_COLUMNS), **SHOW_LABELS}
    render_one(record, fmt, labels, zones=zones)


@app.command("request", help=_("Request a change: devices, component and version, evaluation, risk, window, rollback."))
def request(
    ctx: typer.Context,
    devices: Annotated[list[str], typer.Option("--device", help=_("A device the change applies to (repeat)."))],
    component: Annotated[str, typer.Option("--component", help=_("The firmware or software, as the device names it."))],
    evaluation: Annotated[str, typer.Option("--evaluation", help=_("Why, and what was evaluated (tests, notes)."))],
    risk: Annotated[
        str, typer.Option("--risk", click_type=Checked(_risk, "RISK"), help=_("The risk: low, medium or high."))
    ],
    window_start: Annotated[
        parse.GivenTime,
        typer.Option("--window-start", click_type=Checked(parse.given_time, "TIME"), help=_("Downtime from.")),
    ],
    window_end: Annotated[
        parse.GivenTime,
        typer.Option("--window-end", click_type=Checked(parse.given_time, "TIME"), help=_("Downtime until.")),
    ],
    rollback_plan: Annotated[str, typer.Option("--rollback-plan", help=_("How to go back if it fails."))],
    by: Annotated[str, typer.Option("--by", help=_("Who requests it (a staff name)."))],
    version: Annotated[
        str | None,
        typer.Option("--version", help=_("The target version (default: the newest release the advisory names).")),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help=_("The devices' site."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.domain.changes import Risk
    from dcmaint.services.changes import Request
    from dcmaint.services.changes import request as record_request

    given = Request(
        tuple(devices), component, version, evaluation, Risk(risk), window_start, window_end, rollback_plan, by, site
    )
    made = record_request(service_context(ctx), given)
    if fmt is not OutputFormat.TABLE:
        _shown(made, fmt, None)
        return
    line = _(
        "{change}: {component} {version} on {devices}, requested; next: the customer's approval, "
        "`dcmaint change approve {change} --by NAME --reference REF`"
    )
    devices_text = ", ".join(made.devices)
    typer.echo(line.format(change=made.change, component=made.component, version=made.target_version,
                           devices=devices_text))  # fmt: skip


def _done(record, fmt: OutputFormat, line: str) -> None:  # type: ignore[no-untyped-def]
    if fmt is not OutputFormat.TABLE:
        _shown(record, fmt, None)
        return
    from dcmaint.domain.changes import ChangeState
    from dcmaint.i18n import value_label

    typer.echo(line.format(change=record.change, state=value_label(ChangeState, record.state)))


@app.command("approve", help=_("Record the customer's approval: who, their reference, when."))
def approve(
    ctx: typer.Context,
    change: ChangeArg,
    by: Annotated[str, typer.Option("--by", help=_("The customer's person who approved."))],
    reference: Annotated[str, typer.Option("--reference", help=_("The customer's reference (letter, form, mail)."))],
    at: AtOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.changes import approve as record_approval

    done = record_approval(service_context(ctx), change, by, reference, at)
    _done(done, fmt, _("{change}: {state}"))


@app.command("reject", help=_("Record the customer's refusal and its reason."))
def reject(
    ctx: typer.Context,
    change: ChangeArg,
    by: Annotated[str, typer.Option("--by", help=_("The customer's person who refused."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why."))],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.changes import reject as record_rejection

    _done(record_rejection(service_context(ctx), change, by, reason), fmt, _("{change}: {state}"))


@app.command(
    "implement",
    help=_("Record the change done (refused before the customer's approval); --verify polls (exit 1: not seen)."),
)
def implement(
    ctx: typer.Context,
    change: ChangeArg,
    by: Annotated[str, typer.Option("--by", help=_("The engineer who did it (a staff name)."))],
    at: AtOpt = None,
    verify: Annotated[
        bool, typer.Option("--verify", help=_("Poll the devices now: confirmed when they report the target version."))
    ] = False,
    timeout: TimeoutOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services import changes

    context = service_context(ctx)
    done = changes.implement(context, change, by, at)
    if verify:
        done = changes.verify(context, change, timeout)
    from dcmaint.domain.changes import ChangeState
    from dcmaint.i18n import value_label

    unconfirmed = verify and done.state != ChangeState.CONFIRMED.value  # exit 1: the devices do not show it yet
    if fmt is not OutputFormat.TABLE:
        _shown(done, fmt, None)
        if unconfirmed:
            raise typer.Exit(1)
        return

    typer.echo(_("{change}: {state}").format(change=done.change, state=value_label(ChangeState, done.state)))
    if verify:
        for device in done.seen:
            seen = device.version_seen or _("not reported")
            typer.echo(_("{device}: {component} {seen}").format(device=device.device, component=done.component,
                                                                seen=seen))  # fmt: skip
    if unconfirmed:
        raise typer.Exit(1)


@app.command("rollback", help=_("Record a rollback of an implemented change and its reason."))
def rollback(
    ctx: typer.Context,
    change: ChangeArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it was rolled back."))],
    at: AtOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services.changes import rollback as record_rollback

    _done(record_rollback(service_context(ctx), change, reason, at), fmt, _("{change}: {state}"))


@app.command("list", help=_("Change requests, newest first."))
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    state: Annotated[
        str | None,
        typer.Option("--state", click_type=Checked(_state, "STATE"), help=_("Only changes in this state.")),
    ] = None,
    device: Annotated[str | None, typer.Option("--device", help=_("Only changes of this device."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dataclasses import replace

    from dcmaint.cli.output import render_list
    from dcmaint.domain.changes import ChangeState, Risk
    from dcmaint.i18n import value_label
    from dcmaint.services.changes import ChangeFilter, change_list

    found = change_list(service_context(ctx), ChangeFilter(site, ChangeState(state) if state else None, device))
    lines = found.items
    if fmt is OutputFormat.TABLE:
        lines = [replace(c, state=value_label(ChangeState, c.state), risk=value_label(Risk, c.risk)) for c in lines]
    render_list(lines, fmt, LIST_COLUMNS, zones=found.zones)


@app.command("show", help=_("One change request: its evaluation, window, approval and what the devices report."))
def show(ctx: typer.Context, change: ChangeArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.services.changes import show as read_change

    found = read_change(service_context(ctx), change)
    _shown(found.items, fmt, found.zones)
