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
    import tomllib

    from dcmaint import config, paths
    from dcmaint.errors import UsageError
    from dcmaint.store import unit

    path = state(ctx).config_path or paths.config_path()
    if path.exists() and not force:
        raise UsageError(_("{path} already exists (use --force to overwrite)").format(path=path))
    config.parse_values(tomllib.loads(config.STARTER), "starter")  # the starter must stay valid
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config.STARTER, encoding="utf-8")
    state(ctx)._config = None  # re-read what was just written
    url = state(ctx).database_url
    unit.ensure_schema(url)
    typer.echo(_("wrote {path}").format(path=path))
    typer.echo(_("database ready: {url}").format(url=url.redacted()))


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
    import tomllib

    import tomli_w

    from dcmaint import config, paths
    from dcmaint.errors import ConfigError

    path = state(ctx).config_path or paths.config_path()
    if key not in config.KEYS:
        raise ConfigError(_("unknown key {key!r} (known keys: {known})").format(key=key, known=", ".join(config.KEYS)))
    document = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    section, _dot, leaf = key.rpartition(".")
    document.setdefault(section, {})[leaf] = config.coerce_text(key, value)
    config.parse_values(document, str(path))  # refuse to write what would not load
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    typer.echo(_("{key} set in {path}").format(key=key, path=path))
