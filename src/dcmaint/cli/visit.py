"""``dcmaint visit``: the desk's periodic visits (定期回访), follow-ups of tickets, scores and complaints
(docs/customers.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.pm import DEFAULT_WITHIN, WithinOpt
from dcmaint.cli.ticket import _score
from dcmaint.domain import customers as rules
from dcmaint.domain import parse
from dcmaint.domain.customers import ComplaintLine, VisitLine
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
complaint_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(complaint_app, name="complaint", help=_("Complaints the customer made during a visit, and their end."))

DUE_COLUMNS = [
    ("site", _("Site")),
    ("kind", _("Kind")),
    ("subject", _("Subject")),
    ("due", _("Due")),
    ("state", _("State")),
    ("detail", _("Detail")),
]

SiteOpt = Annotated[str | None, typer.Option("--site", help=_("Only this site."))]
AtOpt = Annotated[
    parse.GivenTime | None,
    typer.Option(
        "--at",
        click_type=Checked(parse.given_time, "TIME"),
        help=_("When, YYYY-MM-DD[THH:MM] in the site's time (default now)."),
    ),
]
ChannelOpt = Annotated[
    str | None,
    typer.Option("--channel", click_type=Checked(rules.channel, "CHANNEL"), help=_("phone, onsite, email or wechat.")),
]


def shown_visits(lines: Sequence[VisitLine]) -> list[VisitLine]:
    """Visits as a table shows them: kinds and channels in the reader's words."""
    from dcmaint.cli.labels import shown
    from dcmaint.domain.customers import Channel, VisitKind

    return [shown(OutputFormat.TABLE, line, {"kind": VisitKind, "channel": Channel}) for line in lines]


def shown_complaints(lines: Sequence[ComplaintLine]) -> list[ComplaintLine]:
    from dcmaint.cli.labels import shown
    from dcmaint.domain.customers import ComplaintState

    return [shown(OutputFormat.TABLE, line, {"state": ComplaintState}) for line in lines]


@app.command("plan", help=_("The desk's regular visits to a site's customer: every how long, by which channel."))
def plan(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site whose customer the desk visits."))],
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            click_type=Checked(rules.every, "INTERVAL"),
            help=_("How often: a number and d, w, mo or y, e.g. 1mo; at most a year."),
        ),
    ] = None,
    channel: ChannelOpt = None,
    since: Annotated[
        date | None,
        typer.Option(
            "--since",
            click_type=Checked(parse.past_date, "DATE"),
            help=_("The plan runs from this day, e.g. the last call before dcmaint (default now)."),
        ),
    ] = None,
    stop: Annotated[bool, typer.Option("--stop", help=_("End the site's periodic visits."))] = False,
) -> None:
    from dcmaint.domain.customers import Channel
    from dcmaint.i18n import value_label
    from dcmaint.services.visits import PlanOrder
    from dcmaint.services.visits import plan as set_plan

    stored = set_plan(service_context(ctx), PlanOrder(site, every, channel, stop, since))
    if stored is None:
        typer.echo(_("{site}: periodic visits stopped").format(site=site))
        return
    typer.echo(
        _("{site}: a visit every {every} by {channel}").format(
            site=site, every=stored["every"], channel=value_label(Channel, stored["channel"])
        )
    )


@app.command("log", help=_("Record a visit or call: periodic, or the follow-up of a ticket; score and complaint."))
def log(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site whose customer was visited."))],
    by: Annotated[str, typer.Option("--by", help=_("Who visited: a desk member or the project manager."))],
    channel: Annotated[
        str,
        typer.Option(
            "--channel", click_type=Checked(rules.channel, "CHANNEL"), help=_("phone, onsite, email or wechat.")
        ),
    ],
    contact: Annotated[
        str | None, typer.Option("--contact", help=_("Who at the customer (see customer show)."))
    ] = None,
    ticket: Annotated[
        str | None, typer.Option("--ticket", help=_("The ticket this visit follows up (restored or later)."))
    ] = None,
    score: Annotated[
        int | None,
        typer.Option("--score", click_type=Checked(_score, "1-5"), help=_("The customer's satisfaction, 1 to 5.")),
    ] = None,
    complaint: Annotated[
        str | None, typer.Option("--complaint", help=_("A complaint the customer made: opens it."))
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help=_("What the customer said."))] = None,
    at: AtOpt = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_mapping
    from dcmaint.domain.customers import VisitKind
    from dcmaint.i18n import value_label
    from dcmaint.services.visits import VisitOrder
    from dcmaint.services.visits import log as record_visit

    order = VisitOrder(site, by, channel, contact, ticket, score, complaint, note, at)
    logged = record_visit(service_context(ctx), order)
    if fmt is not OutputFormat.TABLE:
        render_mapping(
            {
                "visit": logged.visit,
                "site": logged.site,
                "kind": logged.kind,
                "at": logged.at.isoformat(),
                "ticket": logged.ticket,
                "complaint": logged.complaint,
            },
            fmt,
        )
        return
    typer.echo(
        _("visit {number} recorded at {site} ({kind})").format(
            number=logged.visit, site=logged.site, kind=value_label(VisitKind, logged.kind)
        )
    )
    if logged.ticket is not None:
        typer.echo(_("follow-up of {ticket} recorded on the ticket").format(ticket=logged.ticket))
    if logged.complaint is not None:
        typer.echo(
            _("complaint {number} opened: `dcmaint visit complaint resolve {number}` when it is dealt with").format(
                number=logged.complaint
            )
        )


@app.command("list", help=_("Visits with their scores and complaints, oldest first."))
def list_(
    ctx: typer.Context,
    site: SiteOpt = None,
    ticket: Annotated[str | None, typer.Option("--ticket", help=_("Only the follow-ups of this ticket."))] = None,
    complaints: Annotated[bool, typer.Option("--complaints", help=_("Only visits that recorded a complaint."))] = False,
    since: Annotated[
        datetime | None,
        typer.Option("--from", click_type=Checked(parse.iso_datetime, "TIME"), help=_("At or after (UTC).")),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--to", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Before (UTC).")),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.customer import VISIT_COLUMNS
    from dcmaint.cli.output import render_list
    from dcmaint.services.visit_views import VisitFilter, visits

    found = visits(service_context(ctx), VisitFilter(site, ticket, complaints, since, until))
    lines = shown_visits(found.items) if fmt is OutputFormat.TABLE else found.items
    render_list(lines, fmt, [("site", _("Site")), *VISIT_COLUMNS], zones=found.zones)


@app.command("due", help=_("Periodic visits, follow-ups and complaints due or overdue (exit 1 when one is overdue)."))
def due(
    ctx: typer.Context,
    site: SiteOpt = None,
    within: WithinOpt = DEFAULT_WITHIN,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.domain.customers import VisitDueKind
    from dcmaint.domain.preventive import TaskState
    from dcmaint.services.visit_views import due as read_due

    found = read_due(service_context(ctx), site, within)
    lines = found.items
    if fmt is OutputFormat.TABLE:
        lines = [shown(fmt, line, {"kind": VisitDueKind, "state": TaskState}) for line in lines]
    render_list(lines, fmt, DUE_COLUMNS, zones=found.zones)
    if rules.anything_overdue(found.items):
        raise typer.Exit(1)


@complaint_app.command("list", help=_("Complaints, open and resolved, oldest first."))
def complaint_list(
    ctx: typer.Context,
    site: SiteOpt = None,
    open_only: Annotated[bool, typer.Option("--open", help=_("Only the open ones."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.customer import COMPLAINT_COLUMNS
    from dcmaint.cli.output import render_list
    from dcmaint.services.visit_views import complaints

    found = complaints(service_context(ctx), site, open_only)
    lines = shown_complaints(found.items) if fmt is OutputFormat.TABLE else found.items
    render_list(lines, fmt, [("site", _("Site")), *COMPLAINT_COLUMNS], zones=found.zones)


@complaint_app.command("resolve", help=_("Resolve an open complaint: how, by whom, when."))
def complaint_resolve(
    ctx: typer.Context,
    number: Annotated[
        int, typer.Argument(click_type=Checked(parse.count, "NUMBER"), help=_("The complaint's number."))
    ],
    by: Annotated[str, typer.Option("--by", help=_("Who resolved it (a staff name)."))],
    resolution: Annotated[str, typer.Option("--resolution", help=_("How it was resolved."))],
    at: AtOpt = None,
) -> None:
    from dcmaint.services.visits import resolve

    resolve(service_context(ctx), number, by, resolution, at)
    typer.echo(_("complaint {number} resolved by {name}").format(number=number, name=by))
