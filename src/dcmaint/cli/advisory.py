"""``dcmaint advisory``: vendor release catalogues, what devices run behind them, stale signatures
(docs/changes.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

LIST_COLUMNS = [
    ("site", _("Site")),
    ("device", _("Device")),
    ("kind", _("Kind")),
    ("component", _("Component")),
    ("installed", _("Installed version")),
    ("release", _("Release")),
    ("released", _("Released")),
    ("severity", _("Severity")),
    ("state", _("State")),
    ("fixes", _("Fixes")),
]
RELEASE_COLUMNS = [
    ("vendor", _("Vendor")),
    ("models", _("Models")),
    ("component", _("Component")),
    ("version", _("Version")),
    ("released", _("Released")),
    ("severity", _("Severity")),
    ("fixes", _("Fixes")),
]


def _severity(text: str, what: str) -> object:
    from dcmaint.domain.releases import ReleaseSeverity

    return parse.enum_value(ReleaseSeverity, text, what)


def _max_age(text: str, what: str) -> int:
    from dcmaint.services.advisories import max_age

    return max_age(text, what)


@app.command("import", help=_("Store vendor release catalogues (TOML or JSON files, or a directory of them)."))
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help=_("Catalogue files or directories."))],
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_one
    from dcmaint.services import releases

    try:
        summary = releases.import_releases(service_context(ctx), paths)
    except releases.ReleasesRejected as rejected:
        from dcmaint.secrets import redact

        for problem in rejected.problems:
            typer.echo(f"dcmaint: {_('error')}: {redact(problem.line())}", err=True)
        raise
    from dcmaint.cli.labels import field_labels

    render_one(summary, fmt, {**field_labels(), "releases": _("Releases")})


@app.command(
    "list",
    help=_("Devices behind a release that fixes issues, and stale signatures (exit 1 when there is one, for cron)."),
)
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help=_("Only this site."))] = None,
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity",
            click_type=Checked(_severity, "SEVERITY"),
            help=_("At least this severity: critical, high, medium or low."),
        ),
    ] = None,
    device: Annotated[str | None, typer.Option("--device", help=_("Only this device."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dataclasses import replace

    from dcmaint.cli.output import render_list
    from dcmaint.domain.advisories import AdvisoryKind, AdvisoryState, any_behind
    from dcmaint.domain.releases import ReleaseSeverity
    from dcmaint.i18n import value_label
    from dcmaint.services.advisories import AdvisoryFilter, advisory_list

    found = advisory_list(
        service_context(ctx), AdvisoryFilter(site, device, ReleaseSeverity(severity) if severity else None)
    )
    lines = found.items
    if fmt is OutputFormat.TABLE:
        lines = [
            replace(
                line,
                kind=value_label(AdvisoryKind, line.kind),
                severity=value_label(ReleaseSeverity, line.severity),
                state=value_label(AdvisoryState, line.state),
                fixes=line.fixes or ((_("{days} days old").format(days=line.age_days),) if line.age_days else ()),
            )
            for line in lines
        ]
    render_list(lines, fmt, LIST_COLUMNS, zones=found.zones)
    if any_behind(found.items):
        raise typer.Exit(1)


@app.command("releases", help=_("The releases imported, by vendor, component and date."))
def releases_(
    ctx: typer.Context,
    vendor: Annotated[str | None, typer.Option("--vendor", help=_("Only this vendor (any case)."))] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dataclasses import replace

    from dcmaint.cli.output import render_list
    from dcmaint.domain.releases import ReleaseSeverity
    from dcmaint.i18n import value_label
    from dcmaint.services.advisories import release_list

    found = release_list(service_context(ctx), vendor)
    if fmt is OutputFormat.TABLE:
        shown = [
            replace(r, severity=value_label(ReleaseSeverity, r.severity), fixes=tuple(f.id for f in r.fixes))  # type: ignore[arg-type]
            for r in found
        ]
        render_list(shown, fmt, RELEASE_COLUMNS)
        return
    render_list(found, fmt, RELEASE_COLUMNS)


@app.command("signature-age", help=_("Set a site's maximum antivirus signature age (or go back to 7 days)."))
def signature_age(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("The site that agreed the age with its customer."))],
    most: Annotated[
        int | None,
        typer.Option("--max", click_type=Checked(_max_age, "AGE"), help=_("The most, in days or weeks: 3d, 1w.")),
    ] = None,
    default: Annotated[bool, typer.Option("--default", help=_("Go back to the default of 7 days."))] = False,
) -> None:
    from dcmaint.errors import UsageError
    from dcmaint.services.advisories import set_signature_age

    if (most is None) == (not default):
        raise UsageError(_("give either --max or --default"))
    days = set_signature_age(service_context(ctx), site, None if default else most)
    typer.echo(_("signatures at {site}: at most {days} days old").format(site=site, days=days))
