"""``dcmaint health``: poll devices through their drivers and report the faulty parts.

Follows the monitoring-plugin convention so that Nagios, Icinga or Zabbix can
call it directly: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst over
all devices), and 3 for its own usage or configuration errors (with
``--format nagios``, as one ``DCMAINT UNKNOWN - ...`` line on stdout: see
``dcmaint.cli.main``). ``--output FILE`` replaces FILE atomically, whatever
the exit code, so that node_exporter's textfile collector never reads half a
file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.context import service_context, state
from dcmaint.cli.polling import (
    CaFileOpt,
    ConcurrencyOpt,
    DriverOptionOpt,
    FingerprintOpt,
    InsecureOpt,
    PasswordRefOpt,
    TimeoutOpt,
    UsernameOpt,
    WorkersOpt,
    adhoc_login,
    progress,
)
from dcmaint.domain.enums import DeviceKind, HealthFormat
from dcmaint.i18n import _

if TYPE_CHECKING:
    pass

#: Exit code for health's own usage and configuration errors (monitoring-plugin UNKNOWN).
EXIT_UNKNOWN = 3  # also dcmaint.cli.main.MONITORING_UNKNOWN, for errors before this module loads


def health(
    ctx: typer.Context,
    devices: Annotated[
        list[str] | None,
        typer.Argument(
            help=_("Devices to poll, as NAME or SITE/NAME (default: every device with a driver)."), show_default=False
        ),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help=_("Only devices of this site."))] = None,
    kind: Annotated[
        DeviceKind | None,
        typer.Option(
            "--kind",
            case_sensitive=False,
            help=_("Only devices of this kind; with --target, the endpoints' kind (default: the driver's only kind)."),
        ),
    ] = None,
    fmt: Annotated[
        HealthFormat,
        typer.Option("--format", "-f", case_sensitive=False, help=_("Output: table, json, nagios or prometheus.")),
    ] = HealthFormat.TABLE,
    record: Annotated[
        bool, typer.Option("--record", help=_("Store reports, the installed base and deduplicated faults."))
    ] = False,
    open_tickets: Annotated[
        bool, typer.Option("--open-tickets", help=_("With --record: open a ticket for each open fault that has none."))
    ] = False,
    concurrency: ConcurrencyOpt = None,
    timeout: TimeoutOpt = None,
    workers: WorkersOpt = None,
    targets: Annotated[
        list[str] | None,
        typer.Option(
            "--target", help=_("Poll this endpoint without registering it, e.g. redfish://10.0.0.5 (repeatable).")
        ),
    ] = None,
    username: UsernameOpt = None,
    password_ref: PasswordRefOpt = None,
    ca_file: CaFileOpt = None,
    fingerprint: FingerprintOpt = None,
    insecure: InsecureOpt = False,
    option: DriverOptionOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help=_("Write the output to FILE instead of stdout, replacing it atomically (whatever the exit code)."),
        ),
    ] = None,
) -> None:
    from dcmaint.cli.health_formats import render
    from dcmaint.services.health_check import HealthRequest, check_health

    if output is not None:  # checked before any device is polled; `-` is stdout
        output = state(ctx).output(output, "--output")
    request = HealthRequest(
        devices=tuple(devices or ()),
        site=site,
        kind=kind,
        targets=tuple(targets or ()),
        login=adhoc_login(username, password_ref, ca_file, fingerprint, insecure, option),
        record=record,
        open_tickets=open_tickets,
        concurrency=concurrency,
        timeout=timeout,
        workers=workers,
    )
    outcome = check_health(service_context(ctx), request, progress=progress())
    if outcome.recorded is not None:
        summary = outcome.recorded
        typer.echo(
            _("recorded {devices} devices: {opened} faults opened, {closed} closed, {open} open").format(
                devices=summary.devices, opened=summary.opened, closed=summary.closed, open=summary.still_open
            ),
            err=True,
        )
    if outcome.tickets is not None:
        typer.echo(
            _("opened {count} tickets: {refs}").format(
                count=len(outcome.tickets), refs=", ".join(outcome.tickets) or "-"
            ),
            err=True,
        )
    text = render(outcome, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        from dcmaint.cli.output import write_atomically

        write_atomically(output, text)
    raise typer.Exit(outcome.run.exit_code)
