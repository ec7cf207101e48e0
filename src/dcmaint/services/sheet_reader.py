"""Reading a customer's list (CSV or XLSX) as rows of text cells, with the row numbers the user sees.

A CSV file is read row by row (:func:`open_sheet`): a 50 MB device list never
sits in memory whole, neither as bytes, nor as text, nor as rows, and it can
be read again (the import checks every row before it writes any). Its
encoding is settled first by decoding the file once in chunks: UTF-8, else
GB18030 (which reads GBK/GB2312, what Chinese Excel saves as "CSV"), or what
a byte-order mark says. An XLSX workbook is read whole: a cell merged down
several rows is known only once the sheet's merges are read, which
openpyxl's streaming mode does not offer; workbooks that large are rare.

:func:`read_sheet` gives the whole table at once, for the small lists
(catalogue, stock) whose importers want it so.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from dcmaint.domain.formulas import unguarded
from dcmaint.errors import UsageError
from dcmaint.i18n import _

CSV_ENCODINGS = ("utf-8", "gb18030")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CHUNK = 1 << 20


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


#: The rows below the header, each with the bytes of the file read so far (for progress).
RowReader = Callable[[], Iterator[tuple[SheetRow, int]]]


@dataclass(frozen=True)
class SheetStream:
    """A table whose rows are read when iterated, as often as asked: ``rows()`` starts again at the top."""

    source: str
    sheet: str | None
    header: SheetRow
    size: int  # bytes of the file
    reader: RowReader

    def rows(self) -> Iterator[tuple[SheetRow, int]]:
        """The non-empty rows below the header, each with the bytes read so far."""
        return self.reader()


def _cell_text(value: Any) -> str | None:
    """A cell as the text a user would type: 12.0 is "12", a date is YYYY-MM-DD."""
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


def _rows(records: Iterator[tuple[int, Sequence[object], int]]) -> Iterator[tuple[SheetRow, int, int]]:
    """Records as text rows with their count of filled cells; wholly empty rows left out."""
    for number, cells, read in records:
        cleaned = tuple(_cell_text(c) for c in cells)
        filled = sum(1 for c in cleaned if c is not None)
        if filled:
            yield SheetRow(number, cleaned), filled, read


def _header(source: str, records: Iterator[tuple[int, Sequence[object], int]]) -> SheetRow:
    """The first row with at least two filled cells: a title such as "某银行机房设备清单" above it, alone in its row,
    is skipped."""
    for row, filled, _read in _rows(records):
        if filled >= 2:
            return row
    raise UsageError(
        _("{file}: no header row found (a row naming the columns, e.g. 设备名称, 设备类型)").format(file=source)
    )


def _below(header: SheetRow, records: Iterator[tuple[int, Sequence[object], int]]) -> Iterator[tuple[SheetRow, int]]:
    for row, _filled, read in _rows(records):
        if row.number > header.number:
            yield row, read


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read through it (the decoder reads ahead; close enough for progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _encoding(path: Path, head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"  # Excel's "Unicode text"
    for encoding in CSV_ENCODINGS:
        if _decodes(path, encoding):
            return encoding
    raise UsageError(
        _("{file}: cannot decode the text as UTF-8 or GB18030/GBK: save it as 'CSV UTF-8' or .xlsx").format(
            file=path.name
        )
    )


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, Sequence[object], int]]:
    with path.open("rb") as raw:
        counted = _Counting(raw)
        text = io.TextIOWrapper(io.BufferedReader(counted, _CHUNK), encoding=encoding, newline="")
        try:
            for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                # dcmaint's own CSV guards formula-like cells with an apostrophe: read them back as they were
                yield number, [unguarded(cell) for cell in cells], counted.count
        except csv.Error as exc:
            raise UsageError(
                _("{file}: not a readable CSV file: {reason}").format(file=path.name, reason=exc)
            ) from None


def _delimiter(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as text:
        first = next((line for line in text if line.strip()), "")
    return max((",", "\t", ";"), key=first.count)


def _open_csv(path: Path, head: bytes, size: int) -> SheetStream:
    encoding = _encoding(path, head)
    delimiter = _delimiter(path, encoding)
    header = _header(path.name, _csv_records(path, encoding, delimiter))
    return SheetStream(path.name, None, header, size, lambda: _below(header, _csv_records(path, encoding, delimiter)))


def _read_xlsx(path: Path, sheet_name: str | None) -> tuple[str, list[list[object]]]:
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
    grid: list[list[object]] = [list(values) for values in worksheet.iter_rows(min_row=1, values_only=True)]
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
    return worksheet.title, grid


def _open_xlsx(path: Path, sheet_name: str | None, size: int) -> SheetStream:
    title, grid = _read_xlsx(path, sheet_name)

    def records() -> Iterator[tuple[int, Sequence[object], int]]:
        for number, cells in enumerate(grid, start=1):
            yield number, cells, size * number // max(len(grid), 1)

    header = _header(path.name, records())
    return SheetStream(path.name, title, header, size, lambda: _below(header, records()))


def open_sheet(path: Path, sheet: str | None = None) -> SheetStream:
    """Open a CSV or XLSX file for reading row by row; every failure is a one-line UsageError naming the file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            size = path.stat().st_size
    except OSError as exc:
        raise UsageError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".xls":
        raise UsageError(
            _("{file}: old Excel .xls files are not supported: save it as .xlsx or CSV").format(file=path.name)
        )
    if path.suffix.lower() in XLSX_SUFFIXES or head.startswith(b"PK\x03\x04"):
        return _open_xlsx(path, sheet, size)
    if sheet is not None:
        raise UsageError(_("{file}: --sheet applies to .xlsx workbooks only").format(file=path.name))
    return _open_csv(path, head, size)


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The whole table of a CSV or XLSX file at once (see :func:`open_sheet`)."""
    stream = open_sheet(path, sheet)
    return Sheet(stream.source, stream.sheet, stream.header, tuple(row for row, _read in stream.rows()))
