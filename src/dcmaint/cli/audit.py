"""``dcmaint audit``: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain import parse
from dcmaint.domain.enums import AuditEntity, OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

COLUMNS = [
    ("seq", "#"),
    ("at", _("Time")),  # each cell says UTC: the audit log belongs to no site
    ("actor", _("Actor")),
    ("command", _("Command")),
    ("entity", _("Entity")),
    ("entity_key", _("Key")),
    ("action", _("Action")),
]


@app.command("list", help=_("List audit entries, newest last."))
def list_(
    ctx: typer.Context,
    entity: Annotated[
        AuditEntity | None,
        typer.Option("--entity", case_sensitive=False, help=_("Only this entity type: site, device, staff...")),
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help=_("Only this entity, e.g. hq or hq/srv01."))] = None,
    actor: Annotated[str | None, typer.Option("--actor", help=_("Only changes by this actor."))] = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            click_type=Checked(parse.iso_datetime, "TIME"),
            help=_("From this date or time (ISO 8601, UTC unless given)."),
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until", click_type=Checked(parse.iso_datetime, "TIME"), help=_("Before this date or time (ISO 8601).")
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", click_type=Checked(parse.count, "N"), help=_("At most this many, the newest.")),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.services import audit_log

    where = audit_log.AuditFilter(
        entity=entity.value if entity else None, entity_key=key, actor=actor, since=since, until=until, limit=limit
    )
    render_list(audit_log.entries(service_context(ctx), where), fmt, COLUMNS)
