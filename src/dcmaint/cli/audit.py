"""``dcmaint audit``: who changed what, when, with the values before and after."""

from __future__ import annotations

from typing import Annotated

import typer

from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain.enums import OutputFormat
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
        str | None, typer.Option("--entity", help=_("Only this entity type: site, device, staff..."))
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help=_("Only this entity, e.g. hq or hq/srv01."))] = None,
    actor: Annotated[str | None, typer.Option("--actor", help=_("Only changes by this actor."))] = None,
    since: Annotated[
        str | None, typer.Option("--since", help=_("From this date or time (ISO 8601, UTC unless given)."))
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help=_("Before this date or time (ISO 8601)."))] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help=_("At most this many, the newest."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_list
    from dcmaint.domain import parse
    from dcmaint.services import audit_log

    where = audit_log.AuditFilter(
        entity=entity,
        entity_key=key,
        actor=actor,
        since=parse.iso_datetime(since, "--since") if since else None,
        until=parse.iso_datetime(until, "--until") if until else None,
        limit=limit,
    )
    render_list(audit_log.entries(service_context(ctx), where), fmt, COLUMNS)
