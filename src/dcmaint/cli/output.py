"""Rendering records as a table (people), JSON (scripts) or CSV (spreadsheets)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from dcmaint.domain.enums import OutputFormat
from dcmaint.domain.records import Record
from dcmaint.i18n import _


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _csv_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ";".join(f"{key}={item}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return _cell(value)


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def as_json(data: Any) -> str:
    """Indented for a person at a terminal, compact (and several times faster) in a pipe."""
    indent = 2 if sys.stdout.isatty() else None
    return json.dumps(data, ensure_ascii=False, indent=indent)


def render_list(
    records: Sequence[Record],
    fmt: OutputFormat,
    columns: Sequence[tuple[str, str]],
) -> None:
    """Print records; ``columns`` are (JSON key, header) pairs for the table view.

    JSON and CSV always carry every documented key, the table only ``columns``.
    """
    rows = [record.as_json() for record in records]
    if fmt is OutputFormat.JSON:
        _write(as_json(rows))
    elif fmt is OutputFormat.CSV:
        _write_csv(rows, list(rows[0]) if rows else [key for key, _header in columns])
    else:
        from tabulate import tabulate

        if not rows:
            sys.stderr.write(_("(none)") + "\n")
            return
        table = [[_cell(row[key]) for key, _header in columns] for row in rows]
        _write(tabulate(table, headers=[header for _key, header in columns], tablefmt="simple"))


def render_one(record: Record, fmt: OutputFormat, labels: dict[str, str] | None = None) -> None:
    """Print one record: key/value lines for people, an object for JSON, one row for CSV."""
    data = record.as_json()
    if fmt is OutputFormat.JSON:
        _write(as_json(data))
    elif fmt is OutputFormat.CSV:
        _write_csv([data], list(data))
    else:
        from tabulate import tabulate

        from dcmaint.cli.labels import field_labels

        labels = labels or field_labels()
        _write(tabulate([[labels.get(k, k), _cell(v)] for k, v in data.items()], tablefmt="plain"))


def render_mapping(data: dict[str, Any], fmt: OutputFormat) -> None:
    """Print a plain mapping (status summaries, counts) in the chosen format."""
    if fmt is OutputFormat.JSON:
        _write(as_json(data))
    elif fmt is OutputFormat.CSV:
        _write_csv([data], list(data))
    else:
        from tabulate import tabulate

        from dcmaint.cli.labels import field_labels

        labels = field_labels()
        _write(tabulate([[labels.get(k, k), _cell(v)] for k, v in data.items()], tablefmt="plain"))


def _write_csv(rows: list[dict[str, Any]], keys: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key in keys])
    sys.stdout.write(buffer.getvalue())
