"""``dcmaint init`` and ``dcmaint config``: the home directory and the TOML configuration."""

from __future__ import annotations

from typing import Annotated

import typer

from dcmaint.cli.context import FormatOption, state
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing configuration file."))] = False,
) -> None:
    from dcmaint import paths
    from dcmaint.services.configuration import initialise

    done = initialise(state(ctx).config_path or paths.config_path(), force)
    typer.echo(_("wrote {path}").format(path=done.config_file))
    typer.echo(_("database ready: {url}").format(url=done.database.redacted()))


@app.command("path", help=_("Print the configuration file's path."))
def path(ctx: typer.Context) -> None:
    from dcmaint import paths

    typer.echo(str(state(ctx).config_path or paths.config_path()))


@app.command("show", help=_("Show the effective configuration (file, environment and defaults)."))
def show(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.cli.output import render_mapping

    settings = state(ctx).config
    render_mapping(
        {
            "config_file": str(settings.source) if settings.source else None,
            "user.actor": state(ctx).actor,
            "database.url": state(ctx).database_url.redacted(),
            "plugins.load": list(settings.plugins.load) if settings.plugins.load is not None else None,
            "plugins.disable": list(settings.plugins.disable),
            "plugins.strict": settings.plugins.strict,
            "plugins.load_timeout": settings.plugins.load_timeout,
            "runner.concurrency": settings.runner.concurrency,
            "runner.timeout": settings.runner.timeout,
            "runner.workers": settings.runner.workers,
            "forms.cjk_font": str(settings.forms.cjk_font) if settings.forms.cjk_font else None,
        },
        fmt,
    )


@app.command("set", help=_("Set a key in the configuration file, e.g. `dcmaint config set runner.timeout 30`."))
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help=_("Dotted key, e.g. database.url."), show_default=False)],
    value: Annotated[str, typer.Argument(help=_("New value; lists are comma-separated."), show_default=False)],
) -> None:
    from dcmaint import paths
    from dcmaint.services.configuration import set_value

    path = state(ctx).config_path or paths.config_path()
    set_value(path, key, value)
    typer.echo(_("{key} set in {path}").format(key=key, path=path))
