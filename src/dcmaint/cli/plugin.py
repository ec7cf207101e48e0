"""``dcmaint plugin``: the driver plugins installed, what they serve, and which failed to load.

Driver machinery (pluggy, entry-point scanning, the plugins themselves) is
imported inside the commands, never at module level: ``dcmaint --help`` and
every other command stay fast however many plugins are installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.context import FormatOption, state
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.manager import DriverManager

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

StrictOpt = Annotated[
    bool | None,
    typer.Option(
        "--strict/--no-strict",
        help=_("Fail when any plugin cannot be loaded (default: config plugins.strict or DCMAINT_STRICT_PLUGINS)."),
    ),
]

COLUMNS = [
    ("name", _("Driver")),
    ("version", _("Version")),
    ("kinds", _("Kinds")),
    ("capabilities", _("Capabilities")),
    ("plugin", _("Plugin")),
    ("package", _("Package")),
    ("package_version", _("Package version")),
    ("schemes", _("Schemes")),  # after the first seven, so that CSV columns scripts read by position stay put
    ("features", _("Features")),
]


def _warn(line: str) -> None:
    from dcmaint.secrets import redact

    typer.echo(f"dcmaint: {_('warning')}: {redact(line)}", err=True)


def load_manager(ctx: typer.Context, strict: bool | None = None) -> DriverManager:
    """The installed drivers under the user's plugin settings; failures are warnings on stderr.

    Commands that poll devices use this too, so that every command loads
    plugins the same way. ``strict`` overrides the configured strictness.
    """
    from dataclasses import replace

    from dcmaint.drivers.manager import DriverManager

    settings = state(ctx).config.plugins
    if strict is not None:
        settings = replace(settings, strict=strict)
    return DriverManager(settings, load_timeout=settings.load_timeout, warn=_warn).load()


@app.command("list", help=_("List the installed drivers. Plugins that failed to load are warned about on stderr."))
def list_(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE, strict: StrictOpt = None) -> None:
    from dcmaint.cli.output import as_json, render_list

    manager = load_manager(ctx, strict)
    drivers = manager.drivers()
    if fmt is OutputFormat.JSON:
        from dcmaint.drivers import CONTRACT_VERSION

        typer.echo(
            as_json(
                {
                    "contract": CONTRACT_VERSION,
                    "drivers": [info.as_json() for info in drivers],
                    "failures": [failure.as_json() for failure in manager.failures()],
                }
            )
        )
    else:
        render_list(drivers, fmt, COLUMNS)


@app.command(
    "new",
    help=_(
        "Write a new driver plugin: package, driver, HTTP transport with record and replay (or, with --protocol "
        "snmp, a MIB profile on the SNMP plugin's engine), sample recordings and conformance tests "
        "(docs/plugins.md)."
    ),
)
def new(
    name: Annotated[str, typer.Argument(help=_("Plugin name, lower case: acme writes dcmaint-acme/."))],
    kind: Annotated[str, typer.Option("--kind", help=_("The device kind the driver polls."))] = "server",
    protocol: Annotated[str, typer.Option("--protocol", help=_("How it talks to the device: http or snmp."))] = "http",
    output: Annotated[
        Path | None, typer.Option("--output", help=_("Directory to write (default: ./dcmaint-NAME); must be empty."))
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=_("Write into a directory that is not empty."))] = False,
) -> None:
    from dcmaint.services import scaffold

    plugin = scaffold.check(name, kind, protocol, output, force=force)
    written = scaffold.create(plugin)
    typer.echo(_("wrote {dist} in {path}:").format(dist=plugin.dist, path=plugin.output))
    for path in written:
        typer.echo(f"  {path.as_posix()}")
