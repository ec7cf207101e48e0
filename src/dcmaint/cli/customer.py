"""``dcmaint customer``: a site's customer record, its contacts and preferences (docs/customers.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain import customers as rules
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
contact_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
app.add_typer(contact_app, name="contact", help=_("The people at the customer the desk talks to."))

SiteArg = Annotated[str, typer.Argument(help=_("The site (see site list)."), show_default=False)]

CONTACT_COLUMNS = [
    ("name", _("Name")),
    ("role", _("Role")),
    ("phone", _("Phone")),
    ("email", _("E-mail")),
    ("channel", _("Prefers")),
    ("hours", _("Reachable")),
]
VISIT_COLUMNS = [
    ("id", "ID"),
    ("at", _("When")),
    ("kind", _("Kind")),
    ("channel", _("Channel")),
    ("by", _("By")),
    ("contact", _("Contact")),
    ("ticket", _("Ticket")),
    ("score", _("Score")),
    ("complaint", _("Complaint")),
    ("note", _("Note")),
]
COMPLAINT_COLUMNS = [
    ("id", _("Complaint")),
    ("raised_at", _("Raised")),
    ("due", _("Due")),
    ("state", _("State")),
    ("text", _("Complaint text")),
    ("resolution", _("Resolution")),
    ("resolved_by", _("Resolved by")),
    ("resolved_at", _("Resolved")),
]


@app.command("show", help=_("The customer record: preferences, contacts, visit plan, scores, open complaints."))
def show(
    ctx: typer.Context,
    site: SiteArg,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--from",
            click_type=Checked(parse.iso_datetime, "TIME"),
            help=_("Scores given at or after (UTC date or time; default a year ago)."),
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--to", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Scores given before (default now).")
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import as_json, render_list, table, table_time
    from dcmaint.services.visit_views import record

    found = record(service_context(ctx), site, since, until)
    if fmt is OutputFormat.JSON:
        typer.echo(as_json(found.as_json()))
        return
    if fmt is OutputFormat.CSV:
        render_list(found.scores.history, fmt, [])  # the score history: what a spreadsheet wants of it
        return
    from dcmaint.cli.visit import shown_complaints, shown_visits
    from dcmaint.domain.customers import Channel
    from dcmaint.i18n import value_label

    prefs, zone, scores = found.preferences, found.timezone, found.scores
    plan = _("none (`dcmaint visit plan`)")
    if found.plan is not None:
        plan = _("every {every} by {channel}, next due {due}").format(
            every=found.plan.every,
            channel=value_label(Channel, found.plan.channel),
            due=table_time(found.plan.next_due, zone),
        )
    average = f"{scores.average:.2f}" if scores.average is not None else "-"
    labels = preference_labels()
    rows = [[labels[key], value or ""] for key, value in prefs.as_json().items()]
    rows += [
        [_("Visit plan"), plan],
        [
            _("Score"),
            _("{average} average of {count} ({since} to {until})").format(
                average=average,
                count=scores.count,
                since=table_time(scores.since, zone)[:10],
                until=table_time(scores.until, zone)[:10],
            ),
        ],
    ]
    if scores.by_ticket:
        by_ticket = ", ".join(f"{ticket} {value:.2f}" for ticket, value in scores.by_ticket.items())
        rows.append([_("Score by ticket"), by_ticket])
    typer.echo(table(rows, tablefmt="plain"))
    zones = {prefs.site: zone}
    for title, lines, columns in (
        (_("Contacts"), _shown_contacts(found.contacts), CONTACT_COLUMNS),
        (_("Recent visits"), shown_visits(found.recent), VISIT_COLUMNS),
        (_("Open complaints"), shown_complaints(found.open_complaints), COMPLAINT_COLUMNS[:5]),
    ):
        typer.echo("")
        typer.echo(title)
        render_list(lines, fmt, columns, zones=zones)


def _shown_contacts(contacts: list[rules.Contact]) -> list[rules.Contact]:
    from dcmaint.cli.labels import shown
    from dcmaint.domain.customers import Channel

    return [shown(OutputFormat.TABLE, c, {"channel": Channel}) if c.channel else c for c in contacts]


@app.command("set", help=_("Set the customer's preferences: report language and format, response targets, notes."))
def set_(
    ctx: typer.Context,
    site: SiteArg,
    language: Annotated[
        str | None,
        typer.Option("--language", click_type=Checked(rules.language, "LANG"), help=_("Reports in zh or en.")),
    ] = None,
    report_format: Annotated[
        str | None,
        typer.Option(
            "--report-format", click_type=Checked(rules.report_format, "FORMAT"), help=_("Reports as pdf, html or md.")
        ),
    ] = None,
    followup_within: Annotated[
        str | None,
        typer.Option(
            "--followup-within",
            click_type=Checked(rules.target, "DURATION"),
            help=_("Follow up a closed ticket within this time (default 7d)."),
        ),
    ] = None,
    complaint_within: Annotated[
        str | None,
        typer.Option(
            "--complaint-within",
            click_type=Checked(rules.target, "DURATION"),
            help=_("Resolve a complaint within this time (default 3d)."),
        ),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help=_("What the desk should know about the customer."))] = (
        None
    ),
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_mapping, table
    from dcmaint.services.customers import PreferenceChanges, set_preferences

    changes = PreferenceChanges(language, report_format, followup_within, complaint_within, notes)
    stored = {"site": site, **set_preferences(service_context(ctx), site, changes)}
    if fmt is not OutputFormat.TABLE:
        render_mapping(stored, fmt)
        return
    labels = preference_labels()
    defaults = {"followup_within": rules.DEFAULT_FOLLOWUP_WITHIN, "complaint_within": rules.DEFAULT_COMPLAINT_WITHIN}
    rows = [[labels[key], value or defaults.get(key, "")] for key, value in stored.items()]
    typer.echo(table(rows, tablefmt="plain"))


def preference_labels() -> dict[str, str]:
    return {
        "site": _("Site"),
        "customer": _("Customer"),
        "language": _("Report language"),
        "report_format": _("Report format"),
        "followup_within": _("Follow-up within"),
        "complaint_within": _("Complaint within"),
        "notes": _("Notes"),
    }


@contact_app.command("add", help=_("Add a person at the customer: role, phone, e-mail, preferred channel, hours."))
def contact_add(
    ctx: typer.Context,
    site: SiteArg,
    name: Annotated[str, typer.Argument(help=_("The contact's name."), show_default=False)],
    role: Annotated[str | None, typer.Option("--role", help=_("Their role, e.g. 信息科科长."))] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", click_type=Checked(rules.phone, "PHONE"), help=_("Phone number."))
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", click_type=Checked(rules.email, "EMAIL"), help=_("E-mail address."))
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel",
            click_type=Checked(rules.channel, "CHANNEL"),
            help=_("How they prefer to be reached: phone, onsite, email or wechat."),
        ),
    ] = None,
    hours: Annotated[
        str | None,
        typer.Option(
            "--hours",
            click_type=Checked(rules.hours, "HOURS"),
            help=_("When they can be reached: 7x24, or [mon-fri|mon-sat|daily] HH:MM-HH:MM."),
        ),
    ] = None,
) -> None:
    from dcmaint.services.customers import add_contact

    added = add_contact(service_context(ctx), rules.Contact(site, name, role, phone, email, channel, hours))
    typer.echo(_("contact {name} added to {site}").format(name=added.name, site=added.site))


@contact_app.command("remove", help=_("Remove a person at the customer (visits keep their name)."))
def contact_remove(
    ctx: typer.Context,
    site: SiteArg,
    name: Annotated[str, typer.Argument(help=_("The contact's name."), show_default=False)],
) -> None:
    from dcmaint.services.customers import remove_contact

    remove_contact(service_context(ctx), site, name)
    typer.echo(_("contact {name} removed from {site}").format(name=name, site=site))
