"""Importing a customer's device list (CSV or XLSX) into the device register.

A list may be 50 MB (hundreds of thousands of rows), so no step holds all of
it: the file is read row by row (:mod:`dcmaint.services.sheet_reader`) and
read twice, inside ONE transaction, so that ``--dry-run`` and the real import
see the same problems and the import stays all rows or none (or, with
``skip_bad``, the good rows only):

1. :func:`check_rows` maps the header and checks every row (a bad value, a
   name twice in the file) and writes nothing; the names go into a temporary
   table, where the database finds the duplicates;
2. :func:`write_rows` turns the good rows into Devices again and adds them in
   batches through the register's own ``devices.add`` (drivers checked or
   inferred per batch), writing each batch and its audit rows before the next
   (:meth:`UnitOfWork.checkpoint`); what the store itself refuses (a name
   already registered) is found here.

Any bad row without ``skip_bad`` rolls everything back and names every bad
row. :func:`import_devices` is the entry point; ``progress`` hears how far
each pass has read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import text

from dcmaint.domain.import_columns import ColumnMapping, Columns, column_letter, resolve_columns, to_device
from dcmaint.domain.records import Device, Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _, ngettext
from dcmaint.services.context import Context
from dcmaint.services.driver_choice import DriverChoice
from dcmaint.services.limits import check_text_lengths
from dcmaint.services.sheet_reader import SheetRow, SheetStream, open_sheet
from dcmaint.services.sheet_reader import read_sheet as read_sheet  # where the catalogue and stock imports find it
from dcmaint.store.models.registers import DeviceRow
from dcmaint.store.unit import UnitOfWork

#: Rows validated and written per batch: a batch, never the file, is what a pass holds in memory.
BATCH = 500


@dataclass(frozen=True)
class ImportRow:
    number: int
    device: Device


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported; ``reason`` names the bad value (never a credential's)."""

    row: int
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    """A batch of rows ready to add, and the rows of the batch that are bad."""

    sheet: SheetStream
    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True)
class ImportProgress:
    """How far a pass has read: ``stage`` is ``check`` (every row checked, nothing written) or ``write``."""

    stage: str
    rows: int  # rows read so far in this pass
    read: int  # bytes of the file read so far
    size: int  # bytes of the file
    finished: bool = False  # the pass has read every row


Progress = Callable[[ImportProgress], None]


@dataclass(frozen=True)
class ImportSummary(Record):
    """The one-line outcome; its ``as_json`` keys are documented in docs/import.md."""

    file: str
    sheet: str | None
    imported: int
    skipped: int
    dry_run: bool


@dataclass(frozen=True)
class ImportReport:
    sheet: SheetStream
    imported: int  # devices imported (or, with dry_run, that would be)
    devices: tuple[Device, ...]  # those devices, when the request asked for them (``list_devices``)
    problems: tuple[RowProblem, ...]  # rows skipped (only non-empty with skip_bad)
    dry_run: bool
    drivers: tuple[DriverChoice, ...] = ()  # drivers inferred for imported rows (or why a row has none)

    def summary(self) -> ImportSummary:
        return ImportSummary(self.sheet.source, self.sheet.sheet, self.imported, len(self.problems), self.dry_run)


class ImportRejected(UsageError):
    """Bad rows without ``--skip-bad``: nothing was written. ``str()`` is the one-line summary."""

    def __init__(self, source: str, problems: Sequence[RowProblem], total: int) -> None:
        super().__init__(
            ngettext(
                "{file}: {bad} bad row of {total}; nothing was imported (fix it, or use --skip-bad)",
                "{file}: {bad} bad rows of {total}; nothing was imported (fix them, or use --skip-bad)",
                len(problems),
            ).format(file=source, bad=len(problems), total=total)
        )
        self.source = source
        self.problems = tuple(problems)


def describe(source: str, problem: RowProblem) -> str:
    """One line for a bad row, as printed on stderr."""
    return _("{file}, row {row}: {reason}").format(file=source, row=problem.row, reason=problem.reason)


# --- reading files: dcmaint.services.sheet_reader ---------------------------------------------


def load_mapping(path: Path | None) -> ColumnMapping:
    """The built-in mapping, extended by a TOML file's ``[columns]`` and ``[kinds]`` tables."""
    import tomllib

    mapping = ColumnMapping.builtin()
    if path is None:
        return mapping
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise UsageError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(
            _("{file}: not a valid TOML mapping file: {reason}").format(file=path.name, reason=exc)
        ) from None
    unknown = sorted(set(document) - {"columns", "kinds"})
    if unknown:
        raise UsageError(
            _("{file}: unknown table {table!r}: a mapping file has [columns] and [kinds]").format(
                file=path.name, table=unknown[0]
            )
        )
    tables = {}
    for table in ("columns", "kinds"):
        entries = document.get(table, {})
        if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
            raise UsageError(
                _('{file}: [{table}] must map names to strings, e.g. "资产名称" = "name"').format(
                    file=path.name, table=table
                )
            )
        tables[table] = entries
    return mapping.extended(tables["columns"], tables["kinds"])


# --- pass 1: checking every row ------------------------------------------------------------------


def columns_of(sheet: SheetStream, mapping: ColumnMapping, site: str | None) -> Columns:
    """The header mapped to fields; a clash or a missing required column is one error naming the file."""
    try:
        return resolve_columns(sheet.header.cells, mapping, site_given=site is not None)
    except UsageError as error:
        raise UsageError(_("{file}: {problem}").format(file=sheet.source, problem=error)) from None


def _cells(row: SheetRow, columns: Columns) -> dict[str, str | None]:
    return {name: row.cells[i] if i < len(row.cells) else None for name, i in columns.index.items()}


def _device(row: SheetRow, columns: Columns, mapping: ColumnMapping, site: str | None) -> Device | RowProblem | None:
    """The row as a checked Device, or why it cannot be one; None for a row with nothing to import."""
    cells = _cells(row, columns)
    if all(value is None for value in cells.values()):
        return None  # only a running number or an ignored column: a template's empty line
    try:
        device = to_device(cells, mapping, site)
        check_text_lengths(device, DeviceRow, device.name)
    except UsageError as error:
        return RowProblem(row.number, str(error))
    return device


@dataclass
class Checked:
    """What the check pass found: the rows that count, and the bad ones (every row of them is named)."""

    total: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def bad(self) -> set[int]:
        return {problem.row for problem in self.problems}


_NAMES = "dcmaint_import_names"


def check_rows(
    unit: UnitOfWork,
    sheet: SheetStream,
    mapping: ColumnMapping,
    site: str | None = None,
    ignore_unknown_columns: bool = False,
    progress: Progress | None = None,
) -> Checked:
    """Check every row, writing nothing; file-level faults raise, row-level ones are collected.

    A name used twice at a site makes every row of it bad (which one is right is the customer's call); the
    database finds those, from a temporary table of the rows' names, so memory does not grow with the file.
    """
    columns = columns_of(sheet, mapping, site)
    headerless: set[int] = set()
    known = len(sheet.header.cells)
    checked = Checked()
    unit.session.execute(text(f"CREATE TEMPORARY TABLE {_NAMES} (site VARCHAR(64), name VARCHAR(200), line INTEGER)"))
    names: list[dict[str, object]] = []
    rows = 0
    for rows, (row, read) in enumerate(sheet.rows(), start=1):
        headerless.update(
            i for i, cell in enumerate(row.cells) if cell is not None and (i >= known or sheet.header.cells[i] is None)
        )
        found = _device(row, columns, mapping, site)
        if found is None:
            continue
        checked.total += 1
        if isinstance(found, RowProblem):
            checked.problems.append(found)
        else:
            names.append({"site": found.site, "name": found.name, "line": row.number})
        if len(names) >= BATCH:
            unit.session.execute(text(f"INSERT INTO {_NAMES} VALUES (:site, :name, :line)"), names)
            names.clear()
        if progress is not None and rows % BATCH == 0:
            progress(ImportProgress("check", rows, read, sheet.size))
    if names:
        unit.session.execute(text(f"INSERT INTO {_NAMES} VALUES (:site, :name, :line)"), names)
    if progress is not None:
        progress(ImportProgress("check", rows, sheet.size, sheet.size, finished=True))
    unknown = [
        *columns.unknown,
        *(_("column {letter} (no header)").format(letter=column_letter(i)) for i in sorted(headerless)),
    ]
    if unknown and not ignore_unknown_columns:
        raise UsageError(
            _(
                "{file}: unknown columns: {columns}; map them in a --mapping file or use --ignore-unknown-columns"
            ).format(file=sheet.source, columns=", ".join(unknown))
        )
    if not checked.total:
        raise UsageError(
            _("{file}: no device rows below the header (row {row})").format(file=sheet.source, row=sheet.header.number)
        )
    checked.problems += _duplicates(unit)
    checked.problems.sort(key=_order)
    return checked


def _order(problem: RowProblem) -> int:
    return problem.row


def _duplicates(unit: UnitOfWork) -> list[RowProblem]:
    """Every row of a name used twice at a site, from the check pass's table of names (then dropped)."""
    found = unit.rows(
        f"SELECT n.site, n.name, n.line FROM {_NAMES} n JOIN "
        f"(SELECT site, name FROM {_NAMES} GROUP BY site, name HAVING count(*) > 1) d "
        "ON d.site = n.site AND d.name = n.name ORDER BY n.line"
    )
    unit.session.execute(text(f"DROP TABLE {_NAMES}"))
    seen: dict[tuple[str, str], list[int]] = {}
    for row in found:
        seen.setdefault((row["site"], row["name"]), []).append(row["line"])
    problems = []
    for (site, name), numbers in seen.items():
        for number in numbers:
            reason = _("device {name!r} appears more than once for site {site!r} (rows {rows})").format(
                name=name, site=site, rows=", ".join(map(str, numbers))
            )
            problems.append(RowProblem(number, reason))
    return problems


# --- pass 2: writing -----------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after every check has run."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


@dataclass(frozen=True)
class ImportRequest:
    """What ``device import`` is asked: the file and how to read it.

    :param site: the site of rows whose site cell is empty (and a check that it exists)
    :param mapping: a TOML file adding header and kind synonyms
    :param sheet: the worksheet of an XLSX workbook (default: the first)
    :param skip_bad: import the good rows and report the bad ones, instead of importing nothing
    :param dry_run: check everything, write nothing
    :param ignore_unknown_columns: skip columns no mapping knows instead of failing
    :param list_devices: return the devices imported (False: only their count, for a caller that shows none
        of them; a huge list then costs no memory)
    """

    file: Path
    site: str | None = None
    mapping: Path | None = None
    sheet: str | None = None
    skip_bad: bool = False
    dry_run: bool = False
    ignore_unknown_columns: bool = False
    list_devices: bool = True


def import_devices(context: Context, request: ImportRequest, *, progress: Progress | None = None) -> ImportReport:
    """Read, check and import a device list in one transaction (entry point).

    Bad rows without ``skip_bad`` raise :class:`ImportRejected` (its
    ``problems`` name each row); nothing is written then, nor on a dry run.
    """
    from dcmaint.services import sites

    column_mapping = load_mapping(request.mapping)
    sheet = open_sheet(request.file, request.sheet)
    columns_of(sheet, column_mapping, request.site)  # a bad header is one error, before the store is opened
    if request.site is not None:
        from dcmaint.store import queries

        with context.read() as reader:  # a wrong --site is one error, before any endpoint is probed
            queries.site(reader, request.site)
    try:
        with context.write() as unit:
            if request.site is not None:
                sites.find(unit, request.site)
            checked = check_rows(unit, sheet, column_mapping, request.site, request.ignore_unknown_columns, progress)
            report = write_rows(context, unit, sheet, column_mapping, checked, request, progress)
            if report.problems and not request.skip_bad:
                raise ImportRejected(sheet.source, report.problems, checked.total)
            if request.dry_run:
                raise _DryRun(report)
    except _DryRun as rolled_back:
        return rolled_back.report
    return report


def write_rows(
    context: Context,
    unit: UnitOfWork,
    sheet: SheetStream,
    mapping: ColumnMapping,
    checked: Checked,
    request: ImportRequest,
    progress: Progress | None = None,
) -> ImportReport:
    """Add the rows the check pass found good, in batches; what the store refuses becomes a bad row."""
    columns = columns_of(sheet, mapping, request.site)
    bad = checked.bad
    problems = list(checked.problems)
    added: list[Device] = []
    choices: list[DriverChoice] = []
    imported = 0
    batch: list[ImportRow] = []

    def flush(rows: int, read: int, finished: bool = False) -> None:
        nonlocal imported
        plan, found = settle_drivers(context, ImportPlan(sheet, tuple(batch), ()))
        problems.extend(plan.problems)
        names = set()
        # The batch is written in one flush, not a flush per row before each lookup: a name twice in the file
        # is already a bad row (check_rows), and earlier batches are in the store, where devices.add looks.
        with unit.session.no_autoflush:
            for row in plan.rows:
                try:
                    device = _add(unit, row.device)
                except UsageError as error:
                    problems.append(RowProblem(row.number, str(error)))
                else:
                    imported += 1
                    names.add((device.site, device.name))
                    if request.list_devices:
                        added.append(device)
        choices.extend(c for c in found if (c.site, c.device) in names)
        batch.clear()
        unit.checkpoint()
        if progress is not None:
            progress(ImportProgress("write", rows, read, sheet.size, finished))

    rows = read = 0
    for rows, (row, read) in enumerate(sheet.rows(), start=1):
        if row.number in bad:
            continue
        found = _device(row, columns, mapping, request.site)
        if isinstance(found, Device):
            batch.append(ImportRow(row.number, found))
        if len(batch) >= BATCH:
            flush(rows, read)
    flush(rows, sheet.size, finished=True)
    problems.sort(key=_order)
    return ImportReport(sheet, imported, tuple(added), tuple(problems), request.dry_run, tuple(choices))


def _add(unit: UnitOfWork, device: Device) -> Device:
    from dcmaint.services import devices

    return devices.add(unit, device)


def settle_drivers(context: Context, plan: ImportPlan) -> tuple[ImportPlan, list[DriverChoice]]:
    """Each row's driver checked (an unknown one makes the row bad) or inferred from its endpoint; the probes of
    all rows run at once (:mod:`dcmaint.services.driver_choice`)."""
    from dcmaint.services.driver_choice import check_named, choose

    rows: list[ImportRow] = []
    problems = list(plan.problems)
    for row in plan.rows:
        if not row.device.driver:
            rows.append(row)
            continue
        try:
            named = check_named(context.drivers(), row.device.driver)
        except UsageError as error:
            problems.append(RowProblem(row.number, str(error)))
        else:
            rows.append(ImportRow(row.number, replace(row.device, driver=named)))
    choices = choose(context.drivers(), [row.device for row in rows]) if any(r.device.endpoint for r in rows) else []
    found = {(choice.site, choice.device): choice.driver for choice in choices}
    rows = [
        ImportRow(row.number, replace(row.device, driver=found[(row.device.site, row.device.name)]))
        if (row.device.site, row.device.name) in found
        else row
        for row in rows
    ]
    return ImportPlan(plan.sheet, tuple(rows), tuple(sorted(problems, key=_order))), choices
