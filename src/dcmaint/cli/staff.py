"""``dcmaint staff``: the contractor's people and their roles."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain.enums import OutputFormat, StaffRole
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

NameArg = Annotated[
    str, typer.Argument(help=_("Staff member's name (used on forms and in the audit log)."), show_default=False)
]
Skills = Annotated[str | None, typer.Option("--skills", help=_("Comma-separated skills, e.g. hpe,vmware,ups."))]
Phone = Annotated[str | None, typer.Option("--phone", help=_("Phone number."))]
Email = Annotated[str | None, typer.Option("--email", help=_("E-mail address."))]

VALUES = {"role": StaffRole}
COLUMNS = [
    ("name", _("Name")),
    ("role", _("Role")),
    ("skills", _("Skills")),
    ("phone", _("Phone")),
    ("email", _("E-mail")),
    ("active", _("Active")),
]


@app.command("add", help=_("Add a staff member."))
def add(
    ctx: typer.Context,
    name: NameArg,
    role: Annotated[StaffRole, typer.Option("--role", case_sensitive=False, help=_("Role in the contract team."))],
    skills: Skills = None,
    phone: Phone = None,
    email: Email = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_one
    from dcmaint.domain import parse
    from dcmaint.domain.records import StaffMember
    from dcmaint.services import staff

    member = StaffMember(name, role.value, parse.skills(skills or ""), phone, email, True)
    render_one(shown(fmt, staff.register(service_context(ctx), member), VALUES), fmt)


@app.command("list", help=_("List staff."))
def list_(
    ctx: typer.Context,
    role: Annotated[StaffRole | None, typer.Option("--role", case_sensitive=False, help=_("Only this role."))] = None,
    active_only: Annotated[bool, typer.Option("--active", help=_("Only active staff."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.services import staff_views

    members = staff_views.members(service_context(ctx), role.value if role else None, include_inactive=not active_only)
    render_list([shown(fmt, member, VALUES) for member in members], fmt, COLUMNS)


@app.command("show", help=_("Show one staff member."))
def show(ctx: typer.Context, name: NameArg, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_one
    from dcmaint.services import staff_views

    render_one(shown(fmt, staff_views.member(service_context(ctx), name), VALUES), fmt)


@app.command("edit", help=_("Change a staff member; options not given stay as they are."))
def edit(
    ctx: typer.Context,
    name: NameArg,
    role: Annotated[
        StaffRole | None, typer.Option("--role", case_sensitive=False, help=_("Role in the contract team."))
    ] = None,
    skills: Skills = None,
    phone: Phone = None,
    email: Email = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help=_("Whether the person is on the team."))
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_one
    from dcmaint.domain import parse
    from dcmaint.services import staff

    given: dict[str, Any] = {
        "role": role.value if role else None,
        "skills": parse.skills(skills) if skills is not None else None,
        "phone": phone,
        "email": email,
        "active": active,
    }
    changed = staff.edit(service_context(ctx), name, {k: v for k, v in given.items() if v is not None})
    render_one(shown(fmt, changed, VALUES), fmt)


@app.command("remove", help=_("Remove a staff member (prefer `edit --inactive` once they have history)."))
def remove(ctx: typer.Context, name: NameArg) -> None:
    from dcmaint.services import staff

    staff.remove(service_context(ctx), name)
    typer.echo(_("removed staff member {name}").format(name=name), err=True)
