"""``dcmaint archive``: the versioned device file (设备档案): snapshot, set, list, diff, show (docs/archive.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dcmaint.cli.checked import Checked
from dcmaint.cli.context import service_context, state
from dcmaint.cli.document_options import DocumentFormatOpt, DocumentLangOpt
from dcmaint.cli.documents import write_document
from dcmaint.cli.polling import ConcurrencyOpt, TimeoutOpt, WorkersOpt, progress
from dcmaint.domain import parse
from dcmaint.i18n import Untranslated, _

if TYPE_CHECKING:
    from dcmaint.domain.archive import ChangeKind

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


class ArchiveFormat(Untranslated):
    """What the archive's listings print: a table for people, JSON for scripts."""

    TABLE = "table"
    JSON = "json"


DeviceArg = Annotated[str, typer.Argument(help=_("Device, as NAME (add --site when two sites use it)."))]
SiteOpt = Annotated[str | None, typer.Option("--site", help=_("Site of the device."))]
FormatOpt = Annotated[
    ArchiveFormat, typer.Option("--format", "-f", case_sensitive=False, help=_("Output: table or json."))
]


def _echo_table(rows: list[list[str]], headers: list[str]) -> None:
    from dcmaint.cli.output import table

    if not rows:
        typer.echo(_("(none)"), err=True)
        return
    typer.echo(table(rows, headers))


def _echo_json(data: object) -> None:
    from dcmaint.cli.output import as_json

    typer.echo(as_json(data))


@app.command("snapshot", help=_("Poll devices and store a new version of each file whose content changed."))
def snapshot(
    ctx: typer.Context,
    devices: Annotated[
        list[str] | None,
        typer.Argument(help=_("Devices, as NAME or SITE/NAME (default: every device of --site with a driver).")),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help=_("Every device of this site with a driver."))] = None,
    timeout: TimeoutOpt = None,
    concurrency: ConcurrencyOpt = None,
    workers: WorkersOpt = None,
    fmt: FormatOpt = ArchiveFormat.TABLE,
) -> None:
    from dcmaint.domain.archive import SnapshotOutcome
    from dcmaint.i18n import value_label
    from dcmaint.services.archive import SnapshotRequest
    from dcmaint.services.archive import snapshot as take

    done = take(
        service_context(ctx),
        SnapshotRequest(tuple(devices or ()), site, concurrency, timeout, workers),
        progress=progress(),
    )
    for skipped in done.skipped:
        typer.echo(
            _("skipped {device}: {reason}").format(device=f"{skipped.site}/{skipped.name}", reason=skipped.message),
            err=True,
        )
    if fmt is ArchiveFormat.JSON:
        _echo_json([line.as_json() for line in done.lines])
    else:
        _echo_table(
            [
                [
                    line.device,
                    line.site,
                    value_label(SnapshotOutcome, line.outcome),
                    "" if line.version is None else str(line.version),
                    line.message or "",
                ]
                for line in done.lines
            ],
            [_("Device"), _("Site"), _("Outcome"), _("Version"), _("Message")],
        )
    counts = {kind: sum(line.outcome is kind for line in done.lines) for kind in SnapshotOutcome}
    typer.echo(
        _("{stored} new versions, {unchanged} unchanged (no new version), {failed} did not answer").format(
            stored=counts[SnapshotOutcome.STORED],
            unchanged=counts[SnapshotOutcome.UNCHANGED],
            failed=counts[SnapshotOutcome.FAILED],
        ),
        err=True,
    )
    raise typer.Exit(done.exit_code)


@app.command("set", help=_("Set manual fields of a device's file: each change is a new version."))
def set_(
    ctx: typer.Context,
    device: DeviceArg,
    site: SiteOpt = None,
    purchased: Annotated[
        date | None,
        typer.Option("--purchased", click_type=Checked(parse.past_date, "DATE"), help=_("Purchase date, YYYY-MM-DD.")),
    ] = None,
    warranty_until: Annotated[
        date | None,
        typer.Option(
            "--warranty-until",
            click_type=Checked(parse.iso_date, "DATE"),
            help=_("Last day of the warranty, YYYY-MM-DD (after the purchase date)."),
        ),
    ] = None,
    backup_software: Annotated[
        str | None,
        typer.Option("--backup-software", help=_("Backup software and version.")),
    ] = None,
    contact: Annotated[
        list[str] | None,
        typer.Option("--contact", help=_("A contact, e.g. a name and a phone number (repeatable; replaces the list).")),
    ] = None,
    position: Annotated[
        str | None,
        typer.Option("--position", help=_("Position in the room, e.g. row 3, cold aisle B.")),
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            help=_("Empty a field: purchased, warranty-until, backup-software, contacts or position (repeatable)."),
        ),
    ] = None,
    fmt: FormatOpt = ArchiveFormat.TABLE,
) -> None:
    from dcmaint.services.archive import ManualChanges, set_fields

    changes = ManualChanges(
        purchased,
        warranty_until,
        backup_software,
        tuple(contact) if contact is not None else None,
        position,
        tuple(clear or ()),
    )
    done = set_fields(service_context(ctx), device, site, changes)
    if fmt is ArchiveFormat.JSON:
        _echo_json({"site": done.site, "device": done.device, "version": done.version, "changed": done.changed})
    elif done.changed:
        typer.echo(
            _("{device}: version {version} stored").format(device=f"{done.site}/{done.device}", version=done.version)
        )
    else:
        typer.echo(
            _("{device}: unchanged, the file already says so (version {version})").format(
                device=f"{done.site}/{done.device}", version=done.version
            )
        )


def summary(changes: dict[ChangeKind, int], version: int) -> str:
    """What a version changed, in one line of the user's language: "replaced 1, firmware 2"."""
    from dcmaint.domain.archive import ChangeKind
    from dcmaint.i18n import value_label

    if not changes:
        return _("first version") if version == 1 else _("no change")
    return ", ".join(
        _("{kind} {count}").format(kind=value_label(ChangeKind, kind), count=count) for kind, count in changes.items()
    )


@app.command("list", help=_("List the versions of a device's file, with what each changed."))
def list_(ctx: typer.Context, device: DeviceArg, site: SiteOpt = None, fmt: FormatOpt = ArchiveFormat.TABLE) -> None:
    from dcmaint.cli.output import table_time
    from dcmaint.domain.archive import VersionSource
    from dcmaint.i18n import value_label
    from dcmaint.services.archive_views import listing

    found = listing(service_context(ctx), device, site)
    if fmt is ArchiveFormat.JSON:
        _echo_json([line.as_json() for line in found.versions])
        return
    _echo_table(
        [
            [
                str(line.version),
                table_time(line.taken_at, found.timezone),
                value_label(VersionSource, line.source),
                line.actor,
                summary(line.changes, line.version),
            ]
            for line in found.versions
        ],
        [_("Version"), _("Taken"), _("Source"), _("By"), _("Changes")],
    )


@app.command("diff", help=_("What changed in a device's file between two versions (default: the last two)."))
def diff(
    ctx: typer.Context,
    device: DeviceArg,
    site: SiteOpt = None,
    old: Annotated[
        int | None,
        typer.Option(
            "--from", click_type=Checked(parse.count, "N"), help=_("The older version (default: the one before --to).")
        ),
    ] = None,
    new: Annotated[
        int | None,
        typer.Option("--to", click_type=Checked(parse.count, "N"), help=_("The newer version (default: the latest).")),
    ] = None,
    fmt: FormatOpt = ArchiveFormat.TABLE,
) -> None:
    from dcmaint.domain.archive import ChangeKind
    from dcmaint.i18n import value_label
    from dcmaint.services.archive_views import compare

    found = compare(service_context(ctx), device, site, old, new)
    if fmt is ArchiveFormat.JSON:
        _echo_json(found.as_json())
        return
    typer.echo(
        _("{device}: version {old} -> {new}").format(
            device=f"{found.device.site}/{found.device.name}", old=found.old, new=found.new
        )
    )
    if found.diff.empty:
        typer.echo(_("no changes"))
        return
    _echo_table(
        [
            [value_label(ChangeKind, c.kind), c.subject, c.field or "", c.old or "", c.new or ""]
            for c in found.diff.changes
        ],
        [_("Change"), _("What"), _("Field"), _("Old"), _("New")],
    )


@app.command("show", help=_("The device file (设备档案) as PDF, HTML or Markdown, with its swaps and tickets."))
def show(
    ctx: typer.Context,
    device: DeviceArg,
    site: SiteOpt = None,
    version: Annotated[
        int | None,
        typer.Option("--version", click_type=Checked(parse.count, "N"), help=_("This version (default: the latest).")),
    ] = None,
    fmt: DocumentFormatOpt = "pdf",
    lang: DocumentLangOpt = "zh",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("File to write (default: DEVICE-archive-vN.FORMAT in the current directory)."),
            dir_okay=False,
        ),
    ] = None,
) -> None:
    from dcmaint.forms.device_file import build
    from dcmaint.forms.render import checked_choices, render_sheet
    from dcmaint.services.archive_views import device_file

    fmt_key, lang_key = checked_choices(fmt, lang)
    target = state(ctx).output(output, "--output") if output is not None else None  # checked before any work
    context = service_context(ctx)
    data = device_file(context, device, site, version)
    content = render_sheet(build(data, lang_key), fmt_key, context.config.forms.cjk_font)
    written = write_document(content, output, target, Path(f"{data.device.name}-archive-v{data.version}.{fmt_key}"))
    if written is None:
        return
    target = written
    typer.echo(
        _("{device}: device file written to {file} ({size} bytes)").format(
            device=data.device.name, file=target, size=len(content)
        )
    )
