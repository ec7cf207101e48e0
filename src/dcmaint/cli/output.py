"""Rendering records as a table (people), JSON (scripts) or CSV (spreadsheets).

Tables are for a technician at a terminal, so two rules hold for all of them
(docs/cli.md, "Tables"):

- they fit the terminal's width (``$COLUMNS`` when set) when stdout is a
  terminal; a pipe or a file gets whole lines (no limit), for grep,
  ``less -S`` and diff. When a table is too wide, its widest columns
  (the "why", the reason, the description) wrap within their column first;
  no column is squeezed below :data:`MIN_WRAP` characters.
- a time reads one way: the site's local time, to the minute
  (``2026-12-04 09:30``); a time whose site's zone the command does not know
  (the audit log belongs to no site) is UTC and says so
  (``2026-12-04 01:30 UTC``). JSON and CSV keep ISO 8601 with the UTC offset,
  unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dcmaint.domain.enums import OutputFormat
from dcmaint.domain.records import Record
from dcmaint.domain.text import escape
from dcmaint.errors import DcmaintError
from dcmaint.i18n import _

#: Columns at most this wide never wrap (names, serials, states, times): a technician reads and copies them whole.
FIXED = 24
#: A wider column ("why", reason, description) may wrap, down to this width.
MIN_WRAP = 20
#: Characters between two columns in tabulate's "simple" and "plain" formats.
GAP = 2
#: How every table shows a time (the site's local time, to the minute).
TIME_FORMAT = "%Y-%m-%d %H:%M"


def table_time(value: datetime, zone: str | None) -> str:
    """A time as a table shows it: in ``zone`` (a site's IANA time zone), to the minute; in UTC, and saying so,
    when no zone is known.

    >>> moment = datetime(2026, 12, 4, 1, 30, 59, tzinfo=UTC)
    >>> table_time(moment, "Asia/Shanghai"), table_time(moment, None)
    ('2026-12-04 09:30', '2026-12-04 01:30 UTC')
    """
    from zoneinfo import ZoneInfo

    if zone is None:
        return value.astimezone(UTC).strftime(TIME_FORMAT) + " UTC"
    return value.astimezone(ZoneInfo(zone)).strftime(TIME_FORMAT)


def width() -> int | None:
    """The width tables are fitted to, or None for no limit (see the module's docstring).

    Only a terminal sets a limit: ``$COLUMNS`` alone does not, as tools that run commands in a pipe (test
    runners, CI) often export it.
    """
    if not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _text_width(text: str) -> int:
    from wcwidth import wcswidth

    return max((max(wcswidth(line), len(line)) for line in text.splitlines()), default=0)


def column_caps(widths: Sequence[int], limit: int) -> list[int | None]:
    """Widths for columns naturally ``widths`` wide so that the table fits ``limit``: only columns wider than
    :data:`FIXED` give way, the widest first, none below :data:`MIN_WRAP`; None for a column left as it is.
    A table that cannot fit so is made as narrow as that allows (the terminal folds the rest).

    >>> column_caps([8, 10, 60], 50)
    [None, None, 28]
    >>> column_caps([30, 40, 10], 70)
    [28, 28, None]
    >>> column_caps([30, 40, 10], 50)
    [20, 20, None]
    """
    caps = list(widths)
    excess = sum(caps) + GAP * (len(caps) - 1) - limit
    while excess > 0:
        widest = max(range(len(caps)), key=lambda i: caps[i] if widths[i] > FIXED else -1)
        if widths[widest] <= FIXED or caps[widest] <= MIN_WRAP:
            break
        caps[widest] -= 1
        excess -= 1
    return [cap if cap < natural else None for cap, natural in zip(caps, widths, strict=True)]


def table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] = (),
    *,
    tablefmt: str = "simple",
    disable_numparse: bool = False,
) -> str:
    """``tabulate``, fitted to :func:`width` (long text wraps within its column)."""
    from tabulate import tabulate

    rows = [  # the terminal's edge; a row that is not a sequence is tabulate's SEPARATING_LINE, kept as it is
        [escape(cell) if isinstance(cell, str) else cell for cell in row] if isinstance(row, list | tuple) else row
        for row in rows
    ]
    limit = width()
    caps: list[int | None] | None = None
    columns = max((len(row) for row in rows), default=len(headers))
    if limit is not None and columns:
        # tabulate makes a column with a header at least 2 wider than the header (its MIN_PADDING)
        widths = [_text_width(header) + 2 for header in headers] + [0] * (columns - len(headers))
        for row in rows:
            for index, cell in enumerate(row if isinstance(row, list | tuple) else ()):
                widths[index] = max(widths[index], _text_width(_cell(cell)))
        caps = column_caps(widths, limit)
        if not any(caps):
            caps = None
    return tabulate(
        rows,
        headers=list(headers),
        tablefmt=tablefmt,
        disable_numparse=disable_numparse,
        maxcolwidths=caps,
        maxheadercolwidths=caps if headers else None,
    )


def _cell(value: Any, zone: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return table_time(value, zone)
    if isinstance(value, list | tuple):
        return escape(", ".join(str(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return escape(str(value))  # text from a device or stored before the rule: never raw to the terminal


def _csv_cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is guarded (domain/formulas.py)."""
    from dcmaint.domain.formulas import formula_safe

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return formula_safe(";".join(f"{key}={item}" for key, item in value.items()))
    if isinstance(value, list | tuple):
        return formula_safe(";".join(str(v) for v in value))
    return formula_safe(_cell(value))


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def as_json(data: Any) -> str:
    """Indented for a person at a terminal, compact (and several times faster) in a pipe."""
    indent = 2 if sys.stdout.isatty() else None
    return json_escaped(json.dumps(data, ensure_ascii=False, indent=indent))


_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_escaped(text: str) -> str:
    """JSON text with the control characters ``json.dumps(ensure_ascii=False)`` leaves raw (DEL, C1, line and
    direction controls) written as ``\\uXXXX``: the same JSON value, safe on a terminal.

    >>> json_escaped(json.dumps({"a": "x\\x9b2J"}, ensure_ascii=False))
    '{"a": "x\\\\u009b2J"}'
    """
    return _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _shown(record: Record, data: Mapping[str, Any], zones: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """(key, table cell) for each JSON key: times from the record itself, in its site's zone."""
    site = getattr(record, "site", None)
    zone = zones.get(site) if zones and isinstance(site, str) else None
    cells = []
    for key, value in data.items():
        raw = getattr(record, key, None)
        cells.append((key, _cell(raw if isinstance(raw, datetime) else value, zone)))
    return cells


def render_list(
    records: Sequence[Record],
    fmt: OutputFormat,
    columns: Sequence[tuple[str, str]],
    *,
    zones: Mapping[str, str] | None = None,
) -> None:
    """Print records; ``columns`` are (JSON key, header) pairs for the table view.

    JSON and CSV always carry every documented key, the table only ``columns``. ``zones`` (site -> time zone)
    puts a record's times in its site's local time in the table; without it they are UTC.
    """
    rows = [record.as_json() for record in records]
    if fmt is OutputFormat.JSON:
        _write(as_json(rows))
    elif fmt is OutputFormat.CSV:
        _write_csv(rows, list(rows[0]) if rows else [key for key, _header in columns])
    else:
        if not rows:
            sys.stderr.write(_("(none)") + "\n")
            return
        cells = [dict(_shown(record, row, zones)) for record, row in zip(records, rows, strict=True)]
        _write(table([[line[key] for key, _header in columns] for line in cells], [h for _k, h in columns]))


def render_one(
    record: Record,
    fmt: OutputFormat,
    labels: dict[str, str] | None = None,
    *,
    zones: Mapping[str, str] | None = None,
) -> None:
    """Print one record: key/value lines for people, an object for JSON, one row for CSV."""
    data = record.as_json()
    if fmt is OutputFormat.JSON:
        _write(as_json(data))
    elif fmt is OutputFormat.CSV:
        _write_csv([data], list(data))
    else:
        from dcmaint.cli.labels import field_labels

        labels = labels or field_labels()
        _write(table([[labels.get(k, k), cell] for k, cell in _shown(record, data, zones)], tablefmt="plain"))


def render_mapping(data: dict[str, Any], fmt: OutputFormat) -> None:
    """Print a plain mapping (status summaries, counts) in the chosen format."""
    if fmt is OutputFormat.JSON:
        _write(as_json(data))
    elif fmt is OutputFormat.CSV:
        _write_csv([data], list(data))
    else:
        from dcmaint.cli.labels import field_labels

        labels = field_labels()
        _write(table([[labels.get(k, k), _cell(v)] for k, v in data.items()], tablefmt="plain"))


def _write_csv(rows: list[dict[str, Any]], keys: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key in keys])
    sys.stdout.write(buffer.getvalue())


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a reader sees the old file or the new one, never half of one.

    The text goes to a temporary file in the same directory (a name starting with ``.`` and ending in
    ``.tmp``, which node_exporter's ``*.prom`` glob skips), is flushed to disk and renamed over ``path``. The
    file keeps the mode of the one it replaces (new files: 0666 less the umask), so that a collector running
    as another user can still read it. DcmaintError naming the file when it cannot be written.
    """
    import tempfile

    path = path.expanduser()
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError:
        mode = 0o644
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise DcmaintError(
            _("cannot write {path}: {reason}").format(path=path, reason=error.strerror or error)
        ) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable; best effort (the file itself is complete either way)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
