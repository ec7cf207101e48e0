"""``dcmaint ticket``: from the hotline call to the signed, verified maintenance form (docs/tickets.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli import ticket_rma
from dcmaint.cli.checked import Checked
from dcmaint.cli.context import AtOpt, FormatOption, service_context, state
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.cli.documents import write_document
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _, pgettext

if TYPE_CHECKING:
    from dcmaint.services.roster_views import OnDuty
    from dcmaint.services.tickets import Progress

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

MOST_WITHIN = timedelta(days=366)


def _within(text: str, what: str) -> timedelta:
    return parse.duration(text, what, MOST_WITHIN)


def _time_spent(text: str, what: str) -> timedelta:
    from dcmaint.services.tickets import TIME_SPENT_LIMIT

    return parse.duration(text, what, TIME_SPENT_LIMIT)


def _score(text: str, what: str) -> int:
    return parse.whole_number(text, what, 1, 5)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        from dcmaint.errors import UsageError

        raise UsageError(_("cannot read {file}: {reason}").format(file=path, reason=error.strerror)) from None


RefArg = Annotated[str, typer.Argument(help=_("Ticket reference, e.g. T-2026-000042."), show_default=False)]
NoteOpt = Annotated[str | None, typer.Option("--note", help=_("Free text kept with the event."))]

LIST_COLUMNS = [
    ("ref", _("Ticket")),
    ("site", _("Site")),
    ("state", _("State")),
    ("severity", _("Severity")),
    ("devices", _("Devices")),
    ("assignee", _("Engineer")),
    ("reported_at", _("Reported")),
    ("sla", _("SLA")),
    ("sla_left", _("Left / over")),
    ("summary", _("Fault")),
]
EVENT_COLUMNS = [
    ("at", pgettext("when it happened", "Time")),
    ("actor", _("Actor")),
    ("kind", _("Event")),
    ("state_to", _("State")),
    ("reason", _("Reason")),
    ("note", _("Note")),
]


def _said(progress: Progress) -> None:
    """What a step did, in one line."""
    from dcmaint.domain.tickets import TicketState
    from dcmaint.i18n import value_label

    typer.echo(_("{ticket}: {state}").format(ticket=progress.ref, state=value_label(TicketState, progress.state)))


@app.command("new", help=_("Log a ticket from a call, an e-mail, an inspection or monitoring."))
def new(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("Site the fault is at."))],
    description: Annotated[str | None, typer.Option("--description", help=_("The fault as reported."))] = None,
    source: Annotated[str, typer.Option("--source", help=_("phone, email, inspection or monitoring."))] = "phone",
    severity: Annotated[str, typer.Option("--severity", help=_("critical, high, medium or low."))] = "high",
    device: Annotated[list[str] | None, typer.Option("--device", help=_("Device concerned (repeatable)."))] = None,
    caller: Annotated[str | None, typer.Option("--caller", help=_("Who called or wrote."))] = None,
    contact: Annotated[str | None, typer.Option("--contact", help=_("Phone or e-mail to reach them."))] = None,
    reported: Annotated[
        parse.GivenTime | None,
        typer.Option(
            "--reported",
            click_type=Checked(parse.given_time, "TIME"),
            help=_("When it was reported, in the site's time (default now)."),
        ),
    ] = None,
    from_eml: Annotated[
        Path | None,
        typer.Option(
            "--from-eml",
            help=_("Take the report from an e-mail file (.eml, Chinese encodings understood)."),
            dir_okay=False,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services.ticket_intake import FaultReport, log_and_who

    report = FaultReport(site, description, source, severity, device or (), caller, contact, reported, from_eml)
    shown, duty = log_and_who(service_context(ctx), report)
    if fmt is OutputFormat.TABLE:
        _said(shown)
        typer.echo(_duty_line(duty))
    else:
        render_one(shown, fmt)


def _duty_line(duty: OnDuty) -> str:
    """Who the desk calls next, in one line."""
    if duty.primary is None:
        return _("nobody is on duty at {site}: see `dcmaint roster check`").format(site=duty.site)
    line = _("on duty at {site}: {name} {phone}").format(
        site=duty.site, name=duty.primary, phone=duty.primary_phone or ""
    )
    if duty.secondary is not None:
        line += "; " + _("secondary {name} {phone}").format(name=duty.secondary, phone=duty.secondary_phone or "")
    return line


@app.command("list", help=_("List tickets (all but closed ones unless --state or --all)."))
def list_(
    ctx: typer.Context,
    state_: Annotated[list[str] | None, typer.Option("--state", help=_("Only this state (repeatable)."))] = None,
    include_all: Annotated[bool, typer.Option("--all", help=_("Closed tickets too."))] = False,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    engineer: Annotated[str | None, typer.Option("--engineer", help=_("Only this engineer's tickets."))] = None,
    device: Annotated[str | None, typer.Option("--device", help=_("Only tickets about this device."))] = None,
    breached: Annotated[bool, typer.Option("--breached", help=_("Only tickets past their SLA target."))] = False,
    breaching_within: Annotated[
        timedelta | None,
        typer.Option(
            "--breaching-within",
            click_type=Checked(_within, "DURATION"),
            help=_("Only running clocks due within this time, e.g. 2h (overdue ones too)."),
        ),
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--from", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Reported at or after (UTC date or time).")
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--to", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Reported before (UTC date or time).")
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", click_type=Checked(parse.count, "N"), help=_("At most this many."))
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.domain.tickets import TicketState
    from dcmaint.services import ticket_views

    where = ticket_views.TicketFilter(
        states=tuple(parse.enum_value(TicketState, s, _("state")).value for s in state_ or ()),
        include_closed=include_all,
        site=site,
        engineer=engineer,
        breached=breached,
        breaching_within=breaching_within,
        reported_from=since,
        reported_until=until,
        device=device,
        limit=limit,
    )
    found = ticket_views.listing(service_context(ctx), where)
    if fmt is not OutputFormat.TABLE:
        render_list(found.lines, fmt, LIST_COLUMNS)
        return
    from dcmaint.cli.ticket_text import table_line

    render_list([table_line(line, found.zones[line.site]) for line in found.lines], fmt, LIST_COLUMNS)


@app.command("show", help=_("Show one ticket: its SLA clock, events and pauses."))
def show(ctx: typer.Context, ref: RefArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_list, render_one
    from dcmaint.services.ticket_views import detail

    shown = detail(service_context(ctx), ref)
    if fmt is not OutputFormat.TABLE:
        render_one(shown, fmt)
        return
    from dcmaint.cli.ticket_text import event_line, summary

    typer.echo(summary(shown))
    typer.echo("")
    render_list([event_line(e, shown.timezone) for e in shown.events], fmt, EVENT_COLUMNS)


@app.command("assign", help=_("Give the ticket to an engineer (again, to hand it over)."))
def assign(
    ctx: typer.Context,
    ref: RefArg,
    to: Annotated[
        str | None, typer.Option("--to", help=_("Engineer (a staff name); default the primary on duty."))
    ] = None,
    at: AtOpt = None,
    note: NoteOpt = None,
) -> None:
    from dcmaint.services import tickets

    if to is not None:
        _said(tickets.assign(service_context(ctx), ref, to, at, note))
        return
    assigned = tickets.assign_on_duty(service_context(ctx), ref, at, note)
    typer.echo(_("assigned to {name}, the primary on duty").format(name=assigned.engineer))
    _said(assigned)


@app.command("start", help=_("Start handling, remotely or on site: the SLA clock starts."))
def start(
    ctx: typer.Context,
    ref: RefArg,
    onsite: Annotated[bool, typer.Option("--onsite/--remote", help=_("On site, or remote (the default)."))] = False,
    at: AtOpt = None,
    note: NoteOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.start(service_context(ctx), ref, "onsite" if onsite else "remote", at, note))


@app.command("escalate", help=_("Remote handling did not restore it: go on site (the clock runs on)."))
def escalate(
    ctx: typer.Context,
    ref: RefArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it goes on site."))],
    at: AtOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.escalate(service_context(ctx), ref, reason, at))


@app.command("pause", help=_("Stop the SLA clock: waiting for the customer's downtime window or approval."))
def pause(
    ctx: typer.Context,
    ref: RefArg,
    reason: Annotated[str, typer.Option("--reason", help=_("downtime-window or customer-approval."))],
    at: AtOpt = None,
    note: NoteOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.pause(service_context(ctx), ref, reason, at, note))


@app.command("resume", help=_("Restart the SLA clock after a pause."))
def resume(ctx: typer.Context, ref: RefArg, at: AtOpt = None, note: NoteOpt = None) -> None:
    from dcmaint.services import tickets

    _said(tickets.resume(service_context(ctx), ref, at, note))


@app.command("restore", help=_("Service is restored: the SLA clock stops."))
def restore(ctx: typer.Context, ref: RefArg, at: AtOpt = None, note: NoteOpt = None) -> None:
    from dcmaint.services import tickets

    _said(tickets.restore(service_context(ctx), ref, at, note))


@app.command("fill", help=_("Fill the maintenance form: actions taken and time spent (parts come from swaps)."))
def fill(
    ctx: typer.Context,
    ref: RefArg,
    actions: Annotated[str, typer.Option("--actions", help=_("What was done."))],
    time_spent: Annotated[
        timedelta | None,
        typer.Option("--time-spent", click_type=Checked(_time_spent, "DURATION"), help=_("e.g. 2h30m.")),
    ] = None,
    at: AtOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.fill(service_context(ctx), ref, actions, time_spent, at))


@app.command("sign", help=_("The customer signs the form and scores the work (1-5)."))
def sign(
    ctx: typer.Context,
    ref: RefArg,
    by: Annotated[str, typer.Option("--by", help=_("Customer's signatory."))],
    score: Annotated[
        int, typer.Option("--score", click_type=Checked(_score, "1-5"), help=_("1 (poor) to 5 (excellent)."))
    ],
    comment: Annotated[str | None, typer.Option("--comment", help=_("The customer's comment."))] = None,
    signature: Annotated[
        Path | None,
        typer.Option("--signature", help=_("Scan of the signature (PNG or JPEG)."), dir_okay=False, exists=True),
    ] = None,
    at: AtOpt = None,
) -> None:
    from dcmaint.services import tickets

    image = parse.signature_image(str(signature), _read(signature)) if signature is not None else None
    _said(tickets.sign(service_context(ctx), ref, by, score, comment, image, at))


@app.command("verify", help=_("The maintenance centre checked the form with the customer (then it counts in KPIs)."))
def verify(
    ctx: typer.Context,
    ref: RefArg,
    by: Annotated[str | None, typer.Option("--by", help=_("Centre staff who checked (default: you)."))] = None,
    at: AtOpt = None,
    note: NoteOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.verify(service_context(ctx), ref, by, at, note))


@app.command("close", help=_("Close a verified ticket."))
def close(ctx: typer.Context, ref: RefArg, at: AtOpt = None, note: NoteOpt = None) -> None:
    from dcmaint.services import tickets

    _said(tickets.close(service_context(ctx), ref, at, note))


@app.command("followup", help=_("Record the desk's follow-up call or visit."))
def followup(
    ctx: typer.Context,
    ref: RefArg,
    note: Annotated[str, typer.Option("--note", help=_("What the customer said."))],
    visit: Annotated[bool, typer.Option("--visit/--call", help=_("A visit, or a call (the default)."))] = False,
    at: AtOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.followup(service_context(ctx), ref, "visit" if visit else "call", note, at))


@app.command("note", help=_("Add a note to a ticket."))
def note_(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[str, typer.Argument(help=_("The note."), show_default=False)],
    at: AtOpt = None,
) -> None:
    from dcmaint.services import tickets

    _said(tickets.add_note(service_context(ctx), ref, text, at))


@app.command("form", help=_("The customer-ready maintenance form (维护单) as PDF, HTML or Markdown."))
def form(
    ctx: typer.Context,
    ref: RefArg,
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help=_("File to write (default: TICKET.FORMAT in the current directory)."), dir_okay=False
        ),
    ] = None,
) -> None:
    from dcmaint.forms.render import render
    from dcmaint.services.ticket_form import form_data

    target = state(ctx).output(output, "--output") if output is not None else None  # checked before any work
    context = service_context(ctx)
    data = form_data(context, ref)
    content = render(data, fmt, lang, context.config.forms.cjk_font)
    written = write_document(content, output, target, Path(f"{data.ticket}.{fmt}"))
    if written is None:
        return
    target = written
    typer.echo(
        _("{ticket}: form written to {file} ({size} bytes)").format(ticket=data.ticket, file=target, size=len(content))
    )


app.command(
    "return-to-factory", help=_("Send the ticket's unit to its vendor's factory: an RMA (a loaner may stand in).")
)(ticket_rma.return_to_factory_command)
