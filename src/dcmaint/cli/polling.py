"""What every command that polls devices shares: the runner's options and the progress counter.

``health``, ``archive snapshot`` and ``inspect run`` all poll through the same runner, so they take
the same ``--timeout``, ``--concurrency`` and ``--workers`` (checked the same way, defaulting to the
``runner.*`` settings) and show the same counter while a person is watching. ``health --target`` and
``record --target`` log in to an unregistered endpoint with the same options (:func:`adhoc_login`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.domain import parse
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.result import PollResult
    from dcmaint.drivers.runner import Progress
    from dcmaint.services.health_targets import AdhocLogin

TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        click_type=Checked(parse.timeout, "SECONDS"),
        help=_("Deadline per device in seconds (default: runner.timeout)."),
    ),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        click_type=Checked(parse.concurrency, "N"),
        help=_("Devices polled at once (default: runner.concurrency)."),
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        click_type=Checked(parse.workers, "N"),
        help=_("Processes sharing the run (default: runner.workers; 0 = one per core for 64+ devices)."),
    ),
]

UsernameOpt = Annotated[str | None, typer.Option("--username", help=_("Login name for --target endpoints."))]
PasswordRefOpt = Annotated[
    str | None,
    typer.Option(
        "--password-ref",
        help=_("Password reference for --target endpoints: env:NAME, file:PATH or keyring:SERVICE/USER."),
    ),
]
CaFileOpt = Annotated[
    Path | None, typer.Option("--ca-file", dir_okay=False, help=_("CA bundle for --target endpoints."))
]
FingerprintOpt = Annotated[
    str | None, typer.Option("--fingerprint", help=_("SHA-256 certificate fingerprint for --target endpoints."))
]
InsecureOpt = Annotated[
    bool, typer.Option("--insecure", help=_("Do not verify TLS for --target endpoints (explicit opt-out)."))
]
DriverOptionOpt = Annotated[
    list[str] | None,
    typer.Option("--option", help=_("Driver option KEY=VALUE for --target endpoints (repeatable), e.g. auth=basic.")),
]


def adhoc_login(
    username: str | None,
    password_ref: str | None,
    ca_file: Path | None,
    fingerprint: str | None,
    insecure: bool,
    option: list[str] | None,
) -> AdhocLogin:
    """How ``--target`` endpoints are logged in to, from the options above (``--option`` checked here)."""
    from dcmaint.domain.devices import parse_option
    from dcmaint.services.health_targets import AdhocLogin

    options = dict(parse_option(text) for text in option or ())
    return AdhocLogin(username, password_ref, str(ca_file) if ca_file else None, fingerprint, insecure, options)


def progress() -> Progress | None:
    """A one-line counter on stderr, only when a person is watching."""
    if not sys.stderr.isatty():
        return None

    def show(result: PollResult, done: int, total: int) -> None:
        sys.stderr.write("\r" + _("polled {done}/{total}").format(done=done, total=total))
        if done == total:
            sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    return show
