"""``dcmaint db grant|revoke|roles``: persons' own PostgreSQL roles and their departments (registered under ``db``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

COLUMNS = [
    ("person", _("Person")),
    ("departments", _("Departments")),
    ("sites", _("Sites")),
    ("login", _("Login")),
    ("can_login", _("Can log in")),
]


def _password() -> str:
    """The password on stdin's first line; never echoed, never kept (on a terminal, asked for twice)."""
    if sys.stdin.isatty():
        return typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def grant_command(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help=_("The person's database role (created when absent)."))],
    department: Annotated[
        str,
        typer.Option(
            "--department",
            help=_("desk, engineer, pm, centre, admin, customer or collector."),
            show_default=False,
        ),
    ],
    sites: Annotated[
        list[str] | None, typer.Option("--site", help=_("A customer's site (repeat for several); customers only."))
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help=_("Read the role's password from stdin (never echoed).")),
    ] = False,
    cert: Annotated[
        bool, typer.Option("--cert", help=_("No password: the person logs in with a client certificate."))
    ] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import db_roles

    context = service_context(ctx)
    db_roles.check_name(person)  # a bad name is refused before a password is asked for
    db_roles.check_department(department)
    db_roles.check_login(password_stdin, cert)
    password = _password() if password_stdin else None
    granted = db_roles.grant(context, person, department, sites or (), password, cert)
    render_one(granted, fmt)


def revoke_command(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help=_("The person's database role."))],
    department: Annotated[
        str | None, typer.Option("--department", help=_("Only this department (default: every one)."))
    ] = None,
    drop: Annotated[bool, typer.Option("--drop", help=_("Also drop the login role."))] = False,
) -> None:
    from dcmaint.services import db_roles

    typer.echo(db_roles.revoke(service_context(ctx), person, department, drop))


def roles_command(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import db_roles

    render_list(db_roles.roles(service_context(ctx)), fmt, COLUMNS)


def register(app: typer.Typer) -> None:
    app.command(
        "grant",
        help=_(
            "PostgreSQL: create a person's login role if absent and make it a member of a department "
            "(a customer's also of its sites)."
        ),
    )(grant_command)
    app.command("revoke", help=_("PostgreSQL: take a person's role out of a department, or drop it."))(revoke_command)
    app.command("roles", help=_("PostgreSQL: persons' roles, their departments, sites and how they log in."))(
        roles_command
    )
