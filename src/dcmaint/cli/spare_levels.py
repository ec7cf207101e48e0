"""``dcmaint spare levels``: recommended depot stock per part against stock on hand, shortfalls first."""

from __future__ import annotations

from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _


def _fill_rate(text: str, what: str) -> float:
    from dcmaint.domain.levels import check_fill_rate
    from dcmaint.errors import UsageError

    try:
        value = float(text)
    except ValueError:
        raise UsageError(_("invalid {what} {value!r}: expected a number").format(what=what, value=text)) from None
    try:
        return check_fill_rate(value)
    except UsageError as error:  # name the value as typed (1e309 is read as inf)
        raise UsageError(f"{error.message} ({what} {text!r})") from None


COLUMNS = [
    ("part_number", _("Part number")),
    ("part_class", _("Class")),
    ("installed", _("Installed")),
    ("expected_demand", _("Demand in lead time")),
    ("recommended", _("Recommended")),
    ("on_hand", _("On hand")),
    ("shortfall", _("Shortfall")),
    ("status", _("Status")),
]


def levels_command(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help=_("Site whose installed base and depot are compared."))],
    fill_rate: Annotated[
        float,
        typer.Option(
            "--fill-rate",
            click_type=Checked(_fill_rate, "RATE"),
            help=_("Share of failures a spare must be on hand for (0-1)."),
        ),
    ] = 0.95,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.labels import shown
    from dcmaint.cli.output import render_list
    from dcmaint.domain.levels import LevelStatus
    from dcmaint.drivers.health import ComponentKind
    from dcmaint.services.levels import depot_complete, site_levels

    lines = site_levels(service_context(ctx), site, fill_rate)
    values = {"status": LevelStatus, "part_class": ComponentKind}
    render_list([shown(fmt, line, values) for line in lines], fmt, COLUMNS)
    if fmt is OutputFormat.TABLE and lines:
        typer.echo(_("depot complete: {answer}").format(answer=_("yes") if depot_complete(lines) else _("no")))
