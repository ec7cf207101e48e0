"""The ``dcmaint`` entry point: builds the app, runs it, turns errors into one line and an exit code.

``dcmaint health`` is called by monitoring systems, so its errors follow the
monitoring-plugin convention: exit 3 (UNKNOWN) for every error of its own,
and with ``--format nagios`` the one line goes to stdout as the plugin's
status line (``DCMAINT UNKNOWN - <reason>``), in English, like the rest of a
Nagios check's output whatever the locale. Other formats keep stdout for
their own output only, so their error line goes to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

from dcmaint import i18n

i18n.install()  # before typer: the framework's own strings come from our catalogue

import typer  # noqa: E402
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # noqa: E402  (typer vendors click)

from dcmaint import __version__  # noqa: E402
from dcmaint.cli import framework_text  # noqa: E402
from dcmaint.cli.context import AppState  # noqa: E402
from dcmaint.errors import EXIT_FAILURE, EXIT_USAGE, DcmaintError  # noqa: E402
from dcmaint.i18n import _  # noqa: E402

framework_text.install()

MONITORING_UNKNOWN = 3  # `dcmaint health`'s own errors: UNKNOWN, as monitoring plugins report them
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
STDERR = "/dev/stderr"  # where `--log-file -` logs: standard output carries the command's own output

#: Top-level commands and command groups: (module, attribute, help). A command's module is imported only
#: when that command runs (see ``build``): setting up a group's commands costs milliseconds each, and
#: `dcmaint --help` and `dcmaint device list` must answer about as fast as Python imports typer.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("dcmaint.cli.config", "init", _("Create the dcmaint home, a commented config file and the database.")),
    "demo": (
        "dcmaint.cli.demo",
        "demo",
        _("Walk through dcmaint on a throw-away machine room (nothing else is touched)."),
    ),
    "health": (
        "dcmaint.cli.health",
        "health",
        _("Poll devices through their drivers and report faulty parts (exit 0/1/2/3 like a monitoring plugin)."),
    ),
    "collect": (
        "dcmaint.cli.collect",
        "collect",
        _("Poll and record devices on a schedule until stopped: the long-running collector (docs/deploy.md)."),
    ),
    "record": (
        "dcmaint.cli.record",
        "record",
        _("Poll one device once and save what it said, scrubbed, as a recording for bug reports and tests."),
    ),
    "serve-metrics": (
        "dcmaint.cli.metrics",
        "serve_metrics",
        _("Serve the latest recorded health to Prometheus (reads the store, never polls devices)."),
    ),
    "completion": (
        "dcmaint.cli.completion",
        "completion",
        _("Print the shell completion script for bash, zsh or fish (see docs/cli.md to install it)."),
    ),
}
GROUPS: dict[str, tuple[str, str, str]] = {
    "config": ("dcmaint.cli.config", "app", _("Show and change the configuration file.")),
    "site": ("dcmaint.cli.site", "app", _("Sites: a customer's machine room under one contract.")),
    "device": ("dcmaint.cli.device", "app", _("Devices: the register of covered and uncovered equipment.")),
    "spare": ("dcmaint.cli.spare", "app", _("Spare depot: the parts catalogue and each site's stock of spares.")),
    "ticket": (
        "dcmaint.cli.ticket",
        "app",
        _("Tickets: from the hotline call to the signed, verified maintenance form."),
    ),
    "staff": ("dcmaint.cli.staff", "app", _("Staff: project manager, engineers, desk, centre, admin office.")),
    "archive": (
        "dcmaint.cli.archive",
        "app",
        _("Device archive (设备档案): versioned device files, diffs, documents."),
    ),
    "inspect": (
        "dcmaint.cli.inspect",
        "app",
        _("Inspections (巡检): plans, runs with findings and tickets, health scores, the customer's report."),
    ),
    "pm": ("dcmaint.cli.pm", "app", _("Preventive maintenance: tasks due, tasks done, and each site's intervals.")),
    "rma": ("dcmaint.cli.rma", "app", _("Return to factory (返厂): RMAs, the units' custody, loaners standing in.")),
    "advisory": (
        "dcmaint.cli.advisory",
        "app",
        _("Advisories: vendor releases against the versions devices run, and stale antivirus signatures."),
    ),
    "change": (
        "dcmaint.cli.change",
        "app",
        _("Change requests: evaluated, approved by the customer, implemented, confirmed by the device."),
    ),
    "emergency": (
        "dcmaint.cli.emergency",
        "app",
        _("Emergency plans (应急方案): per site and system, drills, the printed plan."),
    ),
    "roster": ("dcmaint.cli.roster", "app", _("Duty rosters: rotations, who is on duty, coverage, holidays.")),
    "backup": (
        "dcmaint.cli.backup",
        "app",
        _("Backups and drills: backup policies, restore tests, drills with RTO/RPO, what is due."),
    ),
    "customer": (
        "dcmaint.cli.customer",
        "app",
        _("The customer record of a site: contacts, preferences, scores and complaints."),
    ),
    "visit": (
        "dcmaint.cli.visit",
        "app",
        _("The desk's visits (定期回访): periodic calls, ticket follow-ups, scores, complaints."),
    ),
    "report": (
        "dcmaint.cli.report",
        "app",
        _("Reports: staff KPIs for the admin office, the monthly service report for the customer."),
    ),
    "plugin": ("dcmaint.cli.plugin", "app", _("Driver plugins: what is installed and what it serves.")),
    "sim": ("dcmaint.cli.sim", "app", _("Simulated devices from driver plugins, for demos, tests and benchmarks.")),
    "audit": ("dcmaint.cli.audit", "app", _("The audit log of every change.")),
    "db": ("dcmaint.cli.db", "app", _("The database: migrations, integrity check, backup and restore.")),
}
EVERYTHING = "*"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dcmaint {__version__}")
        raise typer.Exit()


def _setup_logging(log_file: Path | None, verbose: bool) -> None:
    """Handlers only when asked for: `import logging` is a few milliseconds every command would pay."""
    if log_file is None and not verbose:
        return
    import logging

    from dcmaint.secrets import RedactingFilter

    handlers: list[logging.Handler] = []
    if log_file is not None and str(log_file) == STDERR:  # `--log-file -`: stdout carries the output, so stderr
        handlers.append(logging.StreamHandler(sys.stderr))
    elif log_file is not None:
        try:
            from dcmaint import private

            handlers.append(logging.FileHandler(private.create_file(log_file, folder=False), encoding="utf-8"))
        except OSError as error:  # a missing folder, no permission: the user's mistake, not a bug
            from dcmaint.errors import UsageError

            raise UsageError(
                _("cannot write {file}: {reason}").format(file=log_file, reason=error.strerror or error)
            ) from None
    if verbose and not (log_file is not None and str(log_file) == STDERR):  # once on stderr, not twice
        handlers.append(logging.StreamHandler(sys.stderr))
    root = logging.getLogger()
    for handler in handlers:
        handler.addFilter(RedactingFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)


def root(
    ctx: typer.Context,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help=_("Name recorded in the audit log for this change (default: config, then OS user)."),
            envvar="DCMAINT_ACTOR",
        ),
    ] = None,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help=_("Configuration file to use."), envvar="DCMAINT_CONFIG", dir_okay=False),
    ] = None,
    log_file: Annotated[
        Path | None,
        typer.Option(
            "--log-file",
            help=_("Append a log of this run to FILE (secrets redacted)."),
            envvar="DCMAINT_LOG_FILE",
            dir_okay=False,
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=_("Log details to stderr."))] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version and exit.")),
    ] = False,
) -> None:
    ctx.obj = AppState(actor_override=actor, config_path=config_file)
    if log_file is not None and not ctx.resilient_parsing:  # never over the store, its config or a backup
        log_file = ctx.obj.output(log_file, "--log-file") or Path(STDERR)
    _setup_logging(log_file, verbose)


def _not_loaded() -> None:
    """Stands in for a command that this run does not call (only its name and help are shown)."""


def build(wanted: str | None) -> typer.Typer:
    """The app with ``wanted`` mounted for real (``EVERYTHING``: all of it) and the rest as names and help."""
    from importlib import import_module

    built = typer.Typer(
        name="dcmaint",
        help=_(
            "Machine-room maintenance under contract: device registers, health through driver plugins, "
            "spare depot, tickets against the restoration SLA, audits."
        ),
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        no_args_is_help=True,
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(root)
    for name, (module, attribute, text) in COMMANDS.items():
        real = wanted in (name, EVERYTHING)
        built.command(name, help=text)(getattr(import_module(module), attribute) if real else _not_loaded)
    for name, (module, attribute, text) in GROUPS.items():
        real = wanted in (name, EVERYTHING)
        built.add_typer(getattr(import_module(module), attribute) if real else typer.Typer(), name=name, help=text)
    return built


def full_app() -> typer.Typer:
    """Every command mounted: for walking the whole tree (docs and help tests)."""
    return build(EVERYTHING)


#: Options of the root command that take a value (to find the subcommand in argv).
_ROOT_VALUE_OPTIONS = {"--as", "--config", "--log-file"}


def _subcommand(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _ROOT_VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _format_option(argv: list[str]) -> str | None:
    """The last ``--format``/``-f`` value in ``argv`` (read before parsing: parsing itself may fail)."""
    found = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in ("--format", "-f") and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith("--format="):
            found = arg.partition("=")[2]
        elif arg.startswith("-f") and not arg.startswith("--") and len(arg) > 2:
            found = arg[2:]
    return found


@contextmanager
def _english() -> Iterator[None]:
    """Run in the source language (a Nagios check's output must not depend on the daemon's locale); worker
    processes started meanwhile inherit the choice through DCMAINT_LANG."""
    saved = {name: os.environ.get(name) for name in ("DCMAINT_LANG", "LANGUAGE")}
    os.environ["DCMAINT_LANG"] = "en"
    i18n.reset()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        i18n.reset()


class _Failure:
    """Where a failing run's one line goes: stderr, or stdout as a Nagios status line."""

    def __init__(self, monitoring: bool, nagios: bool) -> None:
        self.monitoring = monitoring
        self.nagios = nagios

    def __call__(self, message: str, code: int) -> int:
        from dcmaint.secrets import redact

        if self.nagios:
            from dcmaint.cli.health_formats import unknown_line

            sys.stdout.write(unknown_line(redact(message)) + "\n")
            return MONITORING_UNKNOWN
        sys.stderr.write(f"dcmaint: {_('error')}: {redact(message)}\n")
        return MONITORING_UNKNOWN if self.monitoring and code != EXIT_INTERRUPTED else code


def _known(name: str | None) -> str | None:
    return name if name in COMMANDS or name in GROUPS else None


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this; ``main`` exits with it)."""
    if os.environ.get("_DCMAINT_COMPLETE"):  # a completion script asking (dcmaint.cli.completion)
        from dcmaint.cli.completion import complete, completed_words

        return complete(lambda: build(_known(_subcommand(completed_words()))))
    args = list(sys.argv[1:] if argv is None else argv)
    # `dcmaint health` is called by monitoring systems: any error of its own is UNKNOWN (3).
    monitoring = _subcommand(args) == "health"
    nagios = monitoring and (_format_option(args) or "").lower() == "nagios"
    from dcmaint import signals

    with _english() if nagios else nullcontext():
        try:
            with signals.raising():
                return _run(args, _Failure(monitoring, nagios))
        except signals.Stopped as stopped:
            return _stopped(stopped)


def _stopped(stopped: BaseException) -> int:
    """Ctrl-C or SIGTERM: one line on stderr whatever the format, and the shell's 130 or 143.

    On a terminal the line first clears the progress counter it would otherwise follow.
    """
    from dcmaint.signals import Interrupted, Stopped

    if not isinstance(stopped, Stopped):  # KeyboardInterrupt, where our handlers were not installed
        stopped = Interrupted()
    clear = "\r\033[K" if sys.stderr.isatty() else ""
    sys.stderr.write(f"{clear}dcmaint: {stopped.line()}\n")
    sys.stderr.flush()
    return stopped.exit_code


def _run(args: list[str], fail: _Failure) -> int:
    try:
        from dcmaint.cli.checked import guard_text

        command = guard_text(typer.main.get_command(build(_subcommand(args))))
        result = command(args=args, prog_name="dcmaint", standalone_mode=False)
    except DcmaintError as error:
        import logging

        logging.getLogger("dcmaint").info("failed: %s", error)
        return fail(str(error), error.exit_code)
    except NoArgsIsHelpError as error:
        sys.stdout.write(error.format_message() + "\n")
        return 0
    except ClickException as error:
        message = framework_text.translate_error(error.format_message().replace("\n", " "))
        return fail(message, EXIT_USAGE)
    except typer.Abort:
        return fail(_("aborted"), EXIT_FAILURE)
    except KeyboardInterrupt as interrupt:
        return _stopped(interrupt)
    except Exception as error:  # noqa: BLE001 - a bug: one line, the traceback only on request
        if os.environ.get("DCMAINT_DEBUG"):
            import traceback

            from dcmaint.secrets import redact

            sys.stderr.write(redact(traceback.format_exc()))
        message = _("internal error: {error}").format(error=f"{type(error).__name__}: {error}")
        return fail(message, EXIT_FAILURE)
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
