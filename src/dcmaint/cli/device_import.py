"""``dcmaint device import FILE``: a customer's device list (CSV or XLSX) into the register.

``dcmaint device import --from URL`` asks a manager endpoint instead
(cli/device_discover.py). Registered by cli/device.py. Bad rows go to stderr one per line, each with the
row number the user sees in the spreadsheet; stdout carries only the summary
(and, for a dry run, the devices that would be added).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import FormatOption, service_context
from dcmaint.cli.device_discover import discover_command
from dcmaint.domain import parse
from dcmaint.domain.enums import OutputFormat
from dcmaint.errors import UsageError
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.services.device_import import ImportProgress, Progress
    from dcmaint.services.driver_choice import DriverChoice

DEVICE_COLUMNS = [
    ("site", _("Site")),
    ("name", _("Device")),
    ("kind", _("Kind")),
    ("vendor", _("Vendor")),
    ("model", _("Model")),
    ("serial", _("Serial")),
    ("covered", _("Covered")),
    ("driver", _("Driver")),
    ("endpoint", _("Endpoint")),
]
SUMMARY_LABELS = {
    "file": _("File"),
    "sheet": _("Sheet"),
    "imported": _("Imported"),
    "skipped": _("Skipped"),
    "dry_run": _("Dry run"),
}


def say(level: str, line: str) -> None:
    from dcmaint.secrets import redact

    typer.echo(f"dcmaint: {level}: {redact(line)}", err=True)


def say_driver(choice: DriverChoice | None) -> None:
    """On stderr: the driver inferred for a device, or a warning that it has none (and will not be polled)."""
    if choice is None:
        return
    if choice.driver is None:
        say(_("warning"), choice.note)
    else:
        typer.echo(choice.note, err=True)


class _Meter:
    """Progress on stderr: a line redrawn in place on a terminal, else (``--progress`` into a pipe or a log)
    one line per tenth of the file per pass, and the pass's last."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._tty = sys.stderr.isatty()
        self._shown: tuple[str, int] | None = None

    def __call__(self, step: ImportProgress) -> None:
        percent = 100 * step.read // step.size if step.size else 100
        stage = _("checking") if step.stage == "check" else _("importing")
        line = _("{stage} {file}: {percent}% ({rows} rows)").format(
            stage=stage, file=self._source, percent=percent, rows=step.rows
        )
        if self._tty:
            sys.stderr.write("\r\033[K" + line)
            if step.stage == "write" and step.finished:
                sys.stderr.write("\r\033[K")
        elif step.finished or self._shown != (step.stage, percent // 10):
            sys.stderr.write(line + "\n")
            self._shown = (step.stage, percent // 10)
        sys.stderr.flush()


def _meter(file: Path, forced: bool, fmt: OutputFormat) -> Progress | None:
    """Progress when asked (``--progress``), or when a person watches stderr and the output is not JSON."""
    if forced or (sys.stderr.isatty() and fmt is not OutputFormat.JSON):
        return _Meter(file.name)
    return None


def _given(values: dict[str, object]) -> list[str]:
    """The options among ``values`` (name -> value, None or False when not given) the user gave, as typed."""
    return ["--" + name.replace("_", "-") for name, value in values.items() if value not in (None, False)]


def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE",
            help=_("The device list: .csv (UTF-8 or GBK) or .xlsx (or give --from)."),
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="URL",
            help=_("Instead of a FILE: register every device this manager endpoint knows, e.g. vsphere://vc01/."),
        ),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(
            "--site",
            help=_(
                "Site of every row whose site cell is empty (or of all rows without a site column); "
                "with --from, the site of every device."
            ),
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help=_("TOML file adding header and kind synonyms: [columns] and [kinds]."), dir_okay=False
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=_("Worksheet to read (default: the first)."))] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help=_("Import the good rows and list the bad ones as warnings."))
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check everything and show what would be imported; write nothing."))
    ] = False,
    ignore_unknown_columns: Annotated[
        bool, typer.Option("--ignore-unknown-columns", help=_("Skip columns no mapping knows instead of failing."))
    ] = False,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress", help=_("Show progress on stderr even when it is not a terminal (or the output is JSON).")
        ),
    ] = False,
    username: Annotated[
        str | None, typer.Option("--username", help=_("With --from: login name on the manager endpoint."))
    ] = None,
    credential: Annotated[
        str | None,
        typer.Option(
            "--credential",
            help=_("With --from: reference to the password (env:NAME, file:PATH or keyring:SERVICE/USER)."),
        ),
    ] = None,
    insecure: Annotated[
        bool, typer.Option("--insecure", help=_("With --from: do not verify the manager's TLS certificate."))
    ] = False,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file", help=_("With --from: CA bundle that signs the manager's certificate."), dir_okay=False
        ),
    ] = None,
    fingerprint: Annotated[
        str | None, typer.Option("--fingerprint", help=_("With --from: SHA-256 fingerprint of its certificate."))
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            click_type=Checked(parse.timeout, "SECONDS"),
            help=_("With --from: seconds the manager may take to answer (default: runner.timeout)."),
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import as_json, render_list, render_one
    from dcmaint.services import device_import

    given = _given(
        {
            "mapping": mapping,
            "sheet": sheet,
            "skip_bad": skip_bad,
            "ignore_unknown_columns": ignore_unknown_columns,
            "progress": progress,
        }
    )
    given_from = _given(
        {
            "username": username,
            "credential": credential,
            "insecure": insecure,
            "ca_file": ca_file,
            "fingerprint": fingerprint,
            "timeout": timeout,
        }
    )
    if (file is None) == (source is None):
        raise UsageError(_("give either a FILE or --from URL (exactly one)"))
    if source is not None:
        if given:
            raise UsageError(_("{option} applies to a FILE, not to --from").format(option=given[0]))
        login, tls = (username, credential), (insecure, ca_file, fingerprint)
        discover_command(ctx, source, site, login, tls, timeout, dry_run, fmt)
        return
    if given_from:
        raise UsageError(_("{option} applies to --from, not to a FILE").format(option=given_from[0]))
    assert file is not None

    shown = fmt is OutputFormat.JSON or (fmt is OutputFormat.TABLE and dry_run)  # the devices, not only a count
    request = device_import.ImportRequest(
        file, site, mapping, sheet, skip_bad, dry_run, ignore_unknown_columns, list_devices=shown
    )
    try:
        report = device_import.import_devices(service_context(ctx), request, progress=_meter(file, progress, fmt))
    except device_import.ImportRejected as rejected:
        for problem in rejected.problems:
            say(_("error"), device_import.describe(rejected.source, problem))
        raise
    source = report.sheet.source
    for problem in report.problems:
        say(_("warning"), _("{problem} (skipped)").format(problem=device_import.describe(source, problem)))
    for choice in report.drivers:
        say_driver(choice)
    summary = report.summary()
    if fmt is OutputFormat.JSON:
        data = summary.as_json()
        data["devices"] = [device.as_json() for device in report.devices]
        data["bad_rows"] = [{"row": p.row, "reason": p.reason} for p in report.problems]
        typer.echo(as_json(data))
        return
    if fmt is OutputFormat.TABLE and dry_run:
        render_list(report.devices, fmt, DEVICE_COLUMNS)
        typer.echo("")
    render_one(summary, fmt, SUMMARY_LABELS)
