"""What every command shares: the effective settings, the actor, the store."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.config import Config
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.services.context import Context
    from dcmaint.store.urls import DatabaseUrl


@dataclass
class AppState:
    actor_override: str | None = None
    config_path: Path | None = None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            from dcmaint import config

            if self.config_path is not None and not self.config_path.expanduser().exists():
                # a file named on purpose (--config, DCMAINT_CONFIG) and missing is a typo, not "no settings"
                from dcmaint.errors import ConfigError

                raise ConfigError(
                    _("--config {path}: no such file (dcmaint init --config FILE creates one)").format(
                        path=self.config_path
                    )
                )
            self._config = config.load(self.config_path)
        return self._config

    @property
    def actor(self) -> str:
        return self.actor_override or self.config.actor or getpass.getuser()

    @property
    def database_url(self) -> DatabaseUrl:
        from dcmaint.store import urls

        return urls.resolve(self.config.database_url)

    def output(self, path: Path, what: str) -> Path | None:
        """``path`` as a command's output file, None for ``-`` (stdout); refused when it is the live store, this
        configuration file or in the backups folder (dcmaint.paths.check_output), before anything is done."""
        from dcmaint import paths

        url = self.database_url
        database = url.sqlite_path if url.backend == "sqlite" else None
        return paths.check_output(path, database, self.config_path or paths.config_path(), what)

    def services(self, ctx: typer.Context) -> Context:
        """What a service entry point takes: the store, the actor, the command being run (for the audit log),
        the settings, and the driver manager the CLI's way (plugin failures as warnings on stderr)."""
        from dcmaint.services.context import Context

        command = ctx.command_path.split(" ", 1)[1] if " " in ctx.command_path else ctx.command_path

        def drivers() -> DriverManager:
            from dcmaint.cli.plugin import load_manager

            return load_manager(ctx)

        if self.actor_override is not None:
            from dcmaint.store import roles

            roles.refuse_other_actor(self.database_url, self.actor_override)
        return Context(self.database_url, self.actor, command, self.config, drivers)


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def service_context(ctx: typer.Context) -> Context:
    """The :class:`~dcmaint.services.context.Context` a command hands its one service entry point."""
    return state(ctx).services(ctx)


FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help=_("Output format: table for people, json or csv for scripts.")),
]

#: ``--at`` of a step that happened at a site: when, in the site's time (checked by the service against the
#: previous step with :meth:`dcmaint.domain.parse.GivenTime.checked`).
AtOpt = Annotated[
    parse.GivenTime | None,
    typer.Option(
        "--at",
        click_type=Checked(parse.given_time, "TIME"),
        help=_("When it happened, YYYY-MM-DD[THH:MM] in the site's time (default now)."),
    ),
]
