"""``dcmaint db``: schema migrations, the integrity check, backup and restore of the store."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dcmaint.cli import db_roles
from dcmaint.cli.context import FormatOption, state
from dcmaint.domain.enums import OutputFormat
from dcmaint.i18n import _, ngettext

if TYPE_CHECKING:
    from dcmaint.store.integrity import CheckReport

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@app.command("upgrade", help=_("Apply the schema migrations this dcmaint ships (creates a fresh store)."))
def upgrade(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help=_("Target revision (default: the newest)."))] = "head",
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_mapping
    from dcmaint.services import database

    done = database.upgrade(state(ctx).services(ctx), to)
    data = done.as_json()
    if fmt is OutputFormat.TABLE:
        data = {
            _("database"): done.database,
            _("from revision"): done.before or _("(none)"),
            _("to revision"): done.after,
        }
    render_mapping(data, fmt)
    if not done.changed:
        typer.echo(_("already at revision {rev}: nothing to do").format(rev=done.after), err=True)


def _render_report(report: CheckReport, fmt: OutputFormat) -> None:
    from dcmaint.cli.output import render_mapping

    if fmt is OutputFormat.JSON:
        render_mapping(report.as_json(), fmt)
        return
    if fmt is OutputFormat.CSV:
        flat: dict[str, Any] = {k: v for k, v in report.as_json().items() if k not in ("counts", "problems", "records")}
        flat.update({f"rows_{table}": n for table, n in report.counts.items()})
        flat["problems"] = [p.line() for p in report.problems]
        render_mapping(flat, fmt)
        return
    table: dict[str, Any] = {
        _("status"): _("ok") if report.ok else _("PROBLEMS FOUND"),
        _("database"): report.database,
        _("schema revision"): _("{found} (this dcmaint needs {head})").format(
            found=report.revision or _("(none)"), head=report.expected_revision
        ),
        _("audit rows"): report.audit_rows,
        _("audit chain head"): _("{seq} (hash {digest}...)").format(
            seq=report.audit_head, digest=(report.audit_head_hash or "")[:16]
        )
        if report.audit_head is not None
        else _("(none)"),
    }
    for name, n in report.counts.items():
        table[_("rows in {table}").format(table=name)] = n
    if report.records:
        table[_("records checked against the audit log")] = _("{checked} ({unaudited} without audit entries)").format(
            checked=sum(report.records["checked"].values()), unaudited=sum(report.records["unaudited"].values())
        )
    table[_("problems")] = len(report.problems)
    render_mapping(table, fmt)


def _report_and_exit(report: CheckReport, fmt: OutputFormat) -> None:
    """Render the report; each problem is one line on stderr and the exit status is 1."""
    from dcmaint.errors import IntegrityFailure

    _render_report(report, fmt)
    for warning in report.warnings:
        sys.stderr.write(f"dcmaint: {_('warning')}: {warning}\n")
    for problem in report.problems:
        sys.stderr.write(problem.line() + "\n")
    if not report.ok:
        n = len(report.problems)
        raise IntegrityFailure(ngettext("the check found {n} problem", "the check found {n} problems", n).format(n=n))


@app.command(
    "check",
    help=_(
        "Check the schema (its revision, and its tables, columns and indexes against the models), the audit "
        "log's hash chain, the fields tickets, swaps and consents are judged by against their audited values, "
        "the database file and row counts. Exit status 1 when anything is wrong, one line per problem on stderr."
    ),
)
def check(ctx: typer.Context, fmt: FormatOption = OutputFormat.TABLE) -> None:
    from dcmaint.services import database

    _report_and_exit(database.check(state(ctx).services(ctx)), fmt)


@app.command(
    "backup",
    help=_(
        "Write a verified backup of the store: a SQLite copy through the online backup API, or a "
        "pg_dump custom-format file. Default FILE: backups/dcmaint-YYYYmmdd-HHMMSS.db in the dcmaint home."
    ),
)
def backup(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help=_("Where to write the backup."), show_default=False)] = None,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.cli.output import render_mapping
    from dcmaint.services import database

    result = database.backup(state(ctx).services(ctx), file)
    if fmt is OutputFormat.TABLE:
        render_mapping(
            {
                _("backup"): str(result.path),
                _("size"): _size(result.size),
                _("database"): result.database,
                _("schema revision"): result.revision,
                _("verified"): True,
            },
            fmt,
        )
    else:
        render_mapping(result.as_json(), fmt)


def _confirmed(file: Path) -> Callable[[str], None]:
    """Asks on a terminal before a restore overwrites the store; elsewhere --yes is required."""
    from dcmaint.errors import UsageError

    def confirm(db: str) -> None:
        if not sys.stdin.isatty():
            raise UsageError(
                _("restoring {file} would overwrite everything in {db}: add --yes to confirm").format(file=file, db=db)
            )
        if not typer.confirm(_("Overwrite everything in {db} with {file}?").format(db=db, file=file)):
            raise UsageError(_("restore cancelled: {db} was not changed").format(db=db))

    return confirm


@app.command(
    "restore",
    help=_(
        "Replace the whole store with a backup made by `dcmaint db backup`, then check the audit chain. "
        "Asks for confirmation on a terminal; elsewhere --yes is required."
    ),
)
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=_("The backup file to restore."), show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_("Overwrite the store without asking."))] = False,
    fmt: FormatOption = OutputFormat.TABLE,
) -> None:
    from dcmaint.services import database

    result, report = database.restore(state(ctx).services(ctx), file, confirm=None if yes else _confirmed(file))
    typer.echo(
        _("restored {db} from {file} (schema revision {rev})").format(
            db=result.database, file=result.source, rev=result.revision
        ),
        err=True,
    )
    _report_and_exit(report, fmt)


db_roles.register(app)
