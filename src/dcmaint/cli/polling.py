"""What every command that polls devices shares: the runner's options and the progress counter.

``health``, ``archive snapshot`` and ``inspect run`` all poll through the same runner, so they take
the same ``--timeout``, ``--concurrency`` and ``--workers`` (checked the same way, defaulting to the
``runner.*`` settings) and show the same counter while a person is watching.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.domain import parse
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.drivers.result import PollResult
    from dcmaint.drivers.runner import Progress

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
