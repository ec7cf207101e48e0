"""``dcmaint record``: poll one device once and save every exchange, scrubbed, as a recording file.

Exit codes (docs/recording.md): 0 the file was written (whatever the poll
found: a device that refused the login is recorded too, and the output says
so); 2 bad input, nothing polled or written (an unknown device, a bad URL, an
output that is not a directory, a file that exists without ``--force``);
3 the driver crashed or returned no valid report, nothing written (a
recording holds the device's answers and the contract's errors only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.polling import (
    CaFileOpt,
    DriverOptionOpt,
    FingerprintOpt,
    InsecureOpt,
    PasswordRefOpt,
    TimeoutOpt,
    UsernameOpt,
    adhoc_login,
)
from dcmaint.domain import parse
from dcmaint.domain.enums import DeviceKind, OutputFormat
from dcmaint.i18n import _


def record(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", file_okay=False, help=_("Directory to write NAME.json into (it must exist).")),
    ],
    device: Annotated[
        str | None,
        typer.Argument(help=_("The device to record, as NAME or SITE/NAME (or use --target)."), show_default=False),
    ] = None,
    serials: Annotated[
        list[str] | None,
        typer.Option(
            "--serial",
            click_type=Checked(parse.serial, "SERIAL"),
            help=_("Replace this serial by SERIAL-0001... everywhere in the file (repeatable)."),
        ),
    ] = None,
    all_serials: Annotated[
        bool, typer.Option("--all-serials", help=_("Replace every serial the poll reported (device and parts)."))
    ] = False,
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite NAME.json if it exists."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
    timeout: TimeoutOpt = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help=_("Record this endpoint without registering it, e.g. redfish://10.0.0.5.")),
    ] = None,
    kind: Annotated[
        DeviceKind | None,
        typer.Option("--kind", case_sensitive=False, help=_("The --target's kind (default: the driver's only kind).")),
    ] = None,
    username: UsernameOpt = None,
    password_ref: PasswordRefOpt = None,
    ca_file: CaFileOpt = None,
    fingerprint: FingerprintOpt = None,
    insecure: InsecureOpt = False,
    option: DriverOptionOpt = None,
) -> None:
    from dcmaint.cli.output import as_json, render_mapping
    from dcmaint.services.device_recording import RecordRequest, record

    request = RecordRequest(
        output=output,
        device=device,
        target=target,
        kind=kind,
        login=adhoc_login(username, password_ref, ca_file, fingerprint, insecure, option),
        serials=tuple(dict.fromkeys(serials or ())),
        all_serials=all_serials,
        force=force,
        timeout=timeout,
    )
    summary = record(service_context(ctx), request)
    if fmt is OutputFormat.JSON:
        typer.echo(as_json(summary.as_json()))
        return
    scrubbed = ", ".join(f"{category} {count}" for category, count in summary.scrubbed.items())
    if fmt is OutputFormat.CSV:
        render_mapping({**summary.as_json(), "scrubbed": scrubbed}, fmt)
        return
    typer.echo(
        _("wrote {path}: {exchanges} exchanges with driver {driver}").format(
            path=summary.path, exchanges=summary.exchanges, driver=summary.driver
        )
    )
    typer.echo(_("scrubbed: {counts}").format(counts=scrubbed))
    from dcmaint.cli.labels import label
    from dcmaint.drivers.errors import ErrorKind
    from dcmaint.drivers.health import Health

    if summary.error is None:
        typer.echo(_("poll: {status}").format(status=label(Health, summary.status)))
    else:
        typer.echo(_("poll: {error}: {message}").format(error=label(ErrorKind, summary.error), message=summary.message))
