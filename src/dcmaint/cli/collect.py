"""``dcmaint collect``: the long-running collector, one per site network (docs/deploy.md).

Exit codes: 0 when stopped by SIGTERM or Ctrl-C (the stop systemd asks for is
not a failure, so ``Restart=on-failure`` does not bring it back) and when
``--runs`` runs are done with every result written; 1 when ``--runs`` ends with
results the store would not take, or when the store cannot be reached at the
start (the sites are checked there first; systemd starts it again); 2 for bad
input (a bad ``--every`` or ``--jitter``, an unknown site), before anything is
polled or written.

Its lines go to stderr (journald keeps them under systemd) and, with the
global ``--log-file``, to that file too.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import service_context
from dcmaint.domain import parse, schedule
from dcmaint.errors import EXIT_FAILURE, UsageError
from dcmaint.i18n import _


def _log(line: str) -> None:
    """One line to stderr and to the log file (the root logger's handlers, when ``--log-file`` set them up);
    not twice on stderr when ``--verbose`` or ``--log-file -`` already log there."""
    import logging

    root = logging.getLogger()
    on_stderr = any(getattr(handler, "stream", None) is sys.stderr for handler in root.handlers)
    if not on_stderr:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    if root.handlers:
        logging.getLogger("dcmaint.collect").info(line)


def collect(
    ctx: typer.Context,
    every: Annotated[
        timedelta | None,
        typer.Option(
            "--every",
            click_type=Checked(schedule.interval, "DURATION"),
            help=_("Time between runs: 30s, 5m, 1h (at least 10s, at most 24h)."),
            show_default=False,
        ),
    ] = None,
    sites: Annotated[
        list[str] | None,
        typer.Option("--site", help=_("Only devices of this site (repeatable; default: every site).")),
    ] = None,
    open_tickets: Annotated[
        bool, typer.Option("--open-tickets", help=_("Open a ticket for each open fault that has none."))
    ] = False,
    jitter: Annotated[
        timedelta | None,
        typer.Option(
            "--jitter",
            click_type=Checked(schedule.jitter, "DURATION"),
            help=_("Start each run up to this much after its time, at random (default: a tenth of --every; 0: none)."),
            show_default=False,
        ),
    ] = None,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs", click_type=Checked(parse.count, "N"), help=_("Stop after N runs (default: run until stopped).")
        ),
    ] = None,
    print_unit: Annotated[
        bool,
        typer.Option("--print-unit", help=_("Print the systemd unit file for collectors and exit (docs/deploy.md).")),
    ] = False,
) -> None:
    from dcmaint.services.collector import CollectRequest, collect, unit_file

    if print_unit:
        sys.stdout.write(unit_file())
        return
    if every is None:
        raise UsageError(_("missing option --every: how often to run, e.g. --every 5m"))
    request = CollectRequest(every=every, sites=tuple(sites or ()), jitter=jitter, open_tickets=open_tickets, runs=runs)
    outcome = collect(service_context(ctx), request, log=_log)
    if outcome.stopped is None and outcome.kept:
        raise typer.Exit(EXIT_FAILURE)
