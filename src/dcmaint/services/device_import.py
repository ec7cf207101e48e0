"""Importing a customer's device list (CSV or XLSX) into the device register.

Three steps, so that ``--dry-run`` and the real import see the same problems:
``read_sheet`` turns the file into text cells with the row numbers the user
sees in the spreadsheet, ``prepare`` maps the header and turns each row into a
validated Device (or a RowProblem), and ``execute`` adds the devices through
the register's own ``devices.add`` in ONE transaction: all rows or none, or
with ``skip_bad`` the good rows only. :func:`import_devices` is the entry
point that runs the three.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from dcmaint.domain.import_columns import ColumnMapping, column_letter, resolve_columns, to_device
from dcmaint.domain.records import Device, Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _, ngettext
from dcmaint.services.context import Context
from dcmaint.services.driver_choice import DriverChoice
from dcmaint.services.limits import check_text_lengths
from dcmaint.store.models.registers import DeviceRow

CSV_ENCODINGS = ("utf-8", "gb18030")  # gb18030 reads GBK/GB2312, what Chinese Excel saves as "CSV"
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class SheetRow:
    number: int  # as the spreadsheet shows it: the first line of the file is row 1
    cells: tuple[str | None, ...]


@dataclass(frozen=True)
class Sheet:
    """A file's table as text: the header row and the non-empty rows below it."""

    source: str  # the file name shown in messages
    sheet: str | None  # the worksheet read, for XLSX
    header: SheetRow
    rows: tuple[SheetRow, ...]


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
    sheet: Sheet
    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]


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
    sheet: Sheet
    devices: tuple[Device, ...]  # imported (or, with dry_run, that would be)
    problems: tuple[RowProblem, ...]  # rows skipped (only non-empty with skip_bad)
    dry_run: bool
    drivers: tuple[DriverChoice, ...] = ()  # drivers inferred for imported rows (or why a row has none)

    def summary(self) -> ImportSummary:
        return ImportSummary(self.sheet.source, self.sheet.sheet, len(self.devices), len(self.problems), self.dry_run)


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


# --- reading files -------------------------------------------------------------------------------


def _cell_text(value: Any) -> str | None:
    """An XLSX cell as the text a user would type: 12.0 is "12", a date is YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _table(source: str, sheet: str | None, records: Iterator[tuple[int, Sequence[object]]]) -> Sheet:
    """Find the header and keep the non-empty rows below it.

    The header is the first row with at least two filled cells: a title such
    as "某银行机房设备清单" above it, alone in its row, is skipped.
    """
    header: SheetRow | None = None
    rows: list[SheetRow] = []
    for number, cells in records:
        cleaned = tuple(_cell_text(c) for c in cells)
        filled = sum(1 for c in cleaned if c is not None)
        if header is None:
            if filled >= 2:
                header = SheetRow(number, cleaned)
        elif filled:
            rows.append(SheetRow(number, cleaned))
    if header is None:
        raise UsageError(
            _("{file}: no header row found (a row naming the columns, e.g. 设备名称, 设备类型)").format(file=source)
        )
    return Sheet(source, sheet, header, tuple(rows))


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: Sequence[str] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)  # Excel's "Unicode text"
    else:
        encodings = CSV_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(
        _("{file}: cannot decode the text as UTF-8 or GB18030/GBK: save it as 'CSV UTF-8' or .xlsx").format(
            file=path.name
        )
    )


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", "\t", ";"), key=first.count)


def _read_csv(path: Path, data: bytes) -> Sheet:
    text = _decode(path, data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        records: list[tuple[int, list[str | None]]] = [
            (number, list(cells)) for number, cells in enumerate(reader, start=1)
        ]
    except csv.Error as exc:
        raise UsageError(_("{file}: not a readable CSV file: {reason}").format(file=path.name, reason=exc)) from None
    return _table(path.name, None, iter(records))


def _read_xlsx(path: Path, sheet_name: str | None) -> Sheet:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(
            _("{file}: not an Excel workbook (.xlsx): {reason}").format(file=path.name, reason=reason)
        ) from None
    if sheet_name is None:
        worksheet = workbook.worksheets[0]
    elif sheet_name in workbook.sheetnames:
        worksheet = workbook[sheet_name]
    else:
        raise UsageError(
            _("{file}: no sheet {sheet!r}; the workbook has {sheets}").format(
                file=path.name, sheet=sheet_name, sheets=", ".join(workbook.sheetnames)
            )
        )
    grid = [list(values) for values in worksheet.iter_rows(min_row=1, values_only=True)]
    # A cell merged down several rows (one 机房 for a block of devices) holds its
    # value in the top cell only: give it to every row of a vertical merge that
    # has values of its own (a blank line inside the block stays blank).
    for merged in worksheet.merged_cells.ranges:
        if merged.min_col != merged.max_col or merged.min_row > len(grid):
            continue
        column = merged.min_col - 1
        value = grid[merged.min_row - 1][column]
        for row in grid[merged.min_row : merged.max_row]:
            if any(cell is not None for cell in row):
                row[column] = value
    return _table(path.name, worksheet.title, iter(enumerate(grid, start=1)))


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """Read a CSV or XLSX file; every failure is a one-line UsageError naming the file."""
    try:
        with path.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)) from None
    if data.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise UsageError(
            _("{file}: old Excel .xls files are not supported: save it as .xlsx or CSV").format(file=path.name)
        )
    if path.suffix.lower() in XLSX_SUFFIXES or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, sheet)
    if sheet is not None:
        raise UsageError(_("{file}: --sheet applies to .xlsx workbooks only").format(file=path.name))
    return _read_csv(path, data)


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


# --- turning rows into devices -------------------------------------------------------------------


def prepare(
    sheet: Sheet, mapping: ColumnMapping, site: str | None = None, ignore_unknown_columns: bool = False
) -> ImportPlan:
    """Map the header and validate every row; file-level faults raise, row-level ones are collected."""
    try:
        columns = resolve_columns(sheet.header.cells, mapping, site_given=site is not None)
    except UsageError as error:
        raise UsageError(_("{file}: {problem}").format(file=sheet.source, problem=error)) from None
    unknown = list(columns.unknown)
    width = max((len(r.cells) for r in sheet.rows), default=0)
    for position in range(width):
        header = sheet.header.cells[position] if position < len(sheet.header.cells) else None
        if header is None and any(len(r.cells) > position and r.cells[position] for r in sheet.rows):
            unknown.append(_("column {letter} (no header)").format(letter=column_letter(position)))
    if unknown and not ignore_unknown_columns:
        raise UsageError(
            _(
                "{file}: unknown columns: {columns}; map them in a --mapping file or use --ignore-unknown-columns"
            ).format(file=sheet.source, columns=", ".join(unknown))
        )
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    for row in sheet.rows:
        cells = {name: row.cells[i] if i < len(row.cells) else None for name, i in columns.index.items()}
        if all(value is None for value in cells.values()):
            continue  # only a running number or an ignored column: a template's empty line
        try:
            device = to_device(cells, mapping, site)
            check_text_lengths(device, DeviceRow, device.name)
        except UsageError as error:
            problems.append(RowProblem(row.number, str(error)))
        else:
            rows.append(ImportRow(row.number, device))
    if not rows and not problems:
        raise UsageError(
            _("{file}: no device rows below the header (row {row})").format(file=sheet.source, row=sheet.header.number)
        )
    problems += _duplicates(rows)
    bad = {p.row for p in problems}
    return ImportPlan(sheet, tuple(r for r in rows if r.number not in bad), tuple(sorted(problems, key=_order)))


def _order(problem: RowProblem) -> int:
    return problem.row


def _duplicates(rows: Sequence[ImportRow]) -> list[RowProblem]:
    """Every row of a name used twice at a site is bad: which one is right is the customer's call."""
    seen: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        seen.setdefault((row.device.site, row.device.name), []).append(row.number)
    problems = []
    for (site, name), numbers in seen.items():
        if len(numbers) > 1:
            for number in numbers:
                reason = _("device {name!r} appears more than once for site {site!r} (rows {rows})").format(
                    name=name, site=site, rows=", ".join(map(str, numbers))
                )
                problems.append(RowProblem(number, reason))
    return problems


# --- writing -------------------------------------------------------------------------------------


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
    """

    file: Path
    site: str | None = None
    mapping: Path | None = None
    sheet: str | None = None
    skip_bad: bool = False
    dry_run: bool = False
    ignore_unknown_columns: bool = False


def import_devices(context: Context, request: ImportRequest) -> ImportReport:
    """Read, check and import a device list in one transaction (entry point).

    Bad rows without ``skip_bad`` raise :class:`ImportRejected` (its
    ``problems`` name each row); nothing is written then, nor on a dry run.
    """
    column_mapping = load_mapping(request.mapping)
    table = read_sheet(request.file, request.sheet)
    plan = prepare(table, column_mapping, request.site, request.ignore_unknown_columns)
    if request.site is not None:
        from dcmaint.store import queries

        with context.read() as reader:  # a wrong --site is one error, before any endpoint is probed
            queries.site(reader, request.site)
    plan, choices = settle_drivers(context, plan)
    report = execute(context, plan, request.site, request.skip_bad, request.dry_run)
    imported = {(device.site, device.name) for device in report.devices}
    return replace(report, drivers=tuple(c for c in choices if (c.site, c.device) in imported))


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


def execute(
    context: Context,
    plan: ImportPlan,
    site: str | None = None,
    skip_bad: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Add the plan's devices in one transaction.

    Checks that need the store (unknown site, name already registered) run
    inside the transaction, so a dry run reports them too and then rolls
    back. Any bad row without ``skip_bad`` raises ImportRejected: nothing is
    written.
    """
    from dcmaint.services import devices, sites

    try:
        with context.write() as unit:
            if site is not None:
                sites.find(unit, site)  # a wrong --site is one error, not one per row
            added: list[Device] = []
            problems = list(plan.problems)
            for row in plan.rows:
                try:
                    added.append(devices.add(unit, row.device))
                except UsageError as error:
                    problems.append(RowProblem(row.number, str(error)))
            problems.sort(key=_order)
            if problems and not skip_bad:
                raise ImportRejected(plan.sheet.source, problems, len(plan.rows) + len(plan.problems))
            report = ImportReport(plan.sheet, tuple(added), tuple(problems), dry_run)
            if dry_run:
                raise _DryRun(report)
    except _DryRun as rolled_back:
        return rolled_back.report
    return report
