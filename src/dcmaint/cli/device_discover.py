"""``dcmaint device import --from URL``: every device a manager endpoint (a vCenter) knows about, into the register.

Called by cli/device_import.py. Warnings (devices skipped, devices gone from
the source) go to stderr one per line; stdout carries the devices added (and,
with ``--dry-run``, those that would be) and the summary.
"""

from __future__ import annotations

from pathlib import Path

import typer

from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _

FOUND_COLUMNS = [
    ("name", _("Device")),
    ("kind", _("Kind")),
    ("vendor", _("Vendor")),
    ("model", _("Model")),
    ("serial", _("Serial")),
    ("endpoint", _("Endpoint")),
    ("note", _("Note")),
]
SUMMARY_LABELS = {
    "source": _("Source"),
    "site": _("Site"),
    "driver": _("Driver"),
    "added": _("Added"),
    "unchanged": _("Unchanged"),
    "gone": _("Gone"),
    "skipped": _("Skipped"),
    "dry_run": _("Dry run"),
}


def discover_command(
    ctx: typer.Context,
    source: str,
    site: str | None,
    login: tuple[str | None, str | None],
    tls: tuple[bool, Path | None, str | None],
    timeout: float | None,
    dry_run: bool,
    fmt: OutputFormat,
) -> None:
    """Parse nothing more, call the one service function, render its report."""
    from dcmaint.cli.context import service_context
    from dcmaint.cli.device_import import say
    from dcmaint.cli.output import as_json, render_list, render_one
    from dcmaint.errors import UsageError
    from dcmaint.services import device_discovery

    if site is None:
        raise UsageError(_("--from needs --site: the site the devices are registered at"))
    insecure, ca_file, fingerprint = tls
    request = device_discovery.DiscoveryRequest(
        source,
        site,
        username=login[0],
        credential=login[1],
        insecure=insecure,
        ca_file=str(ca_file) if ca_file else None,
        fingerprint=fingerprint,
        timeout=timeout,
        dry_run=dry_run,
    )
    report = device_discovery.discover_devices(service_context(ctx), request)
    for entry in report.skipped:
        say(_("warning"), _("{device}: skipped: {reason}").format(device=entry.name, reason=entry.reason))
    for entry in report.gone:
        say(_("warning"), _("{device}: {reason} (kept in the register)").format(device=entry.name, reason=entry.reason))
    summary = report.summary()
    if fmt is OutputFormat.JSON:
        data = summary.as_json()
        for key in ("added", "unchanged", "gone", "skipped"):
            data[f"{key}_devices"] = [entry.as_json() for entry in getattr(report, key)]
        typer.echo(as_json(data))
        return
    if fmt is OutputFormat.TABLE and report.added:
        render_list(report.added, fmt, FOUND_COLUMNS)
        typer.echo("")
    render_one(summary, fmt, SUMMARY_LABELS)
