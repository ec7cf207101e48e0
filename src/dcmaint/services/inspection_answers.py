"""The answers an engineer filled on site: a TOML, CSV or XLSX file (Chinese or English headers), or prompts.

Every row is checked before anything is polled or written: an unknown item,
a device of another site, an item that does not apply to the device, an
invalid value or action is a UsageError naming the file, the line and the
value (docs/inspections.md, "The answers file"). A row whose item is
``fault:KIND:LOCATION`` gives the outcome of a fault the poll will find;
that it was found is checked after the poll, still before any write.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dcmaint.domain.checklists import ROOM, Answer, Checklists, check_answer
from dcmaint.domain.import_columns import IGNORED_HEADERS, header_keys, key
from dcmaint.domain.inspections import Action, parse_action
from dcmaint.errors import UsageError
from dcmaint.i18n import _

COLUMNS = ("device", "item", "answer", "note", "action")
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "device": ("设备", "设备名称", "设备名", "主机名", "name", "device name", "hostname"),
    "item": ("项目", "检查项", "巡检项", "巡检项目", "项目编号", "item id", "check"),
    "answer": ("结果", "检查结果", "巡检结果", "读数", "result", "value", "reading"),
    "note": ("备注", "说明", "remarks", "comment"),
    "action": ("处理", "处理方式", "处理结果", "措施", "outcome"),
}
ROOM_WORDS = ("", "room", "机房", "机房环境", "-")
FAULT_PREFIX = "fault:"
_SYNONYM_KEYS = {key(word): column for column, words in COLUMN_SYNONYMS.items() for word in (column, *words)}
_ROOM_KEYS = frozenset(key(word) for word in ROOM_WORDS)
_IGNORED_KEYS = frozenset(key(word) for word in IGNORED_HEADERS)  # a running number (序号): not an answer


@dataclass(frozen=True)
class RawAnswer:
    """One row as written: where it is (``file:line``) and its five cells."""

    where: str
    device: str
    item: str
    answer: str
    note: str = ""
    action: str = ""


@dataclass(frozen=True)
class CheckedAnswer:
    where: str
    device: str | None  # None: the machine room
    item: str
    answer: Answer
    note: str | None
    action: Action | None


@dataclass(frozen=True)
class FaultAction:
    """The outcome given for a fault the poll is expected to find (``fault:KIND:LOCATION``)."""

    where: str
    device: str
    kind: str
    location: str
    action: Action
    note: str | None


@dataclass(frozen=True)
class Answers:
    checks: tuple[CheckedAnswer, ...]
    faults: tuple[FaultAction, ...]


def _error(where: str, message: str) -> UsageError:
    return UsageError(f"{where}: {message}")


def _toml_rows(path: Path, text: str) -> list[RawAnswer]:
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(_("{file}: not valid TOML: {reason}").format(file=path.name, reason=error)) from None
    entries = document.get("answer", [])
    lines = [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"^\s*\[\[\s*answer\s*\]\]", line)]
    if not isinstance(entries, list) or set(document) - {"answer"}:
        raise UsageError(_("{file}: expected [[answer]] tables only").format(file=path.name))
    rows = []
    for index, entry in enumerate(entries):
        where = f"{path.name}:{lines[index] if index < len(lines) else index + 1}"
        if not isinstance(entry, dict) or set(entry) - set(COLUMNS):
            bad = sorted(set(entry) - set(COLUMNS))[0] if isinstance(entry, dict) else entry
            raise _error(where, _("unknown key {value!r}").format(value=bad))
        cells = {}
        for column in COLUMNS:
            value = entry.get(column, "")
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise _error(where, _("invalid {what} {value!r}").format(what=column, value=value))
            cells[column] = str(value)
        rows.append(RawAnswer(where, **cells))
    return rows


def _sheet_rows(path: Path) -> list[RawAnswer]:
    from dcmaint.services.sheet_reader import read_sheet

    sheet = read_sheet(path)
    columns: dict[str, int] = {}
    for index, header in enumerate(sheet.header.cells):
        if header is None or key(header) in _IGNORED_KEYS:
            continue
        column = next((_SYNONYM_KEYS[k] for k in header_keys(header) if k in _SYNONYM_KEYS), None)
        if column is None:
            raise _error(
                f"{path.name}:{sheet.header.number}", _("unknown column {value!r}").format(value=header.strip())
            )
        columns.setdefault(column, index)
    missing = [c for c in ("device", "item", "answer") if c not in columns]
    if missing:
        raise _error(f"{path.name}:{sheet.header.number}", _("missing column {value!r}").format(value=missing[0]))

    def cell(cells: Sequence[str | None], column: str) -> str:
        index = columns.get(column)
        value = cells[index] if index is not None and index < len(cells) else None
        return (value or "").strip()

    return [
        RawAnswer(f"{path.name}:{row.number}", *(cell(row.cells, column) for column in COLUMNS)) for row in sheet.rows
    ]


def _free(where: str, text: str, what: str) -> str | None:
    """A note or a text answer as kept: None when blank, control characters escaped, not too long."""
    from dcmaint.domain.text import optional_free_text

    try:
        return optional_free_text(text, what)
    except UsageError as error:
        raise _error(where, str(error)) from None


def read_rows(path: Path) -> list[RawAnswer]:
    """The rows of an answers file, TOML by its suffix, else CSV or XLSX."""
    if path.suffix.lower() == ".toml":
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(_("cannot read {file}: {reason}").format(file=path, reason=error.strerror)) from None
        except UnicodeDecodeError:
            raise UsageError(_("{file}: the file is not UTF-8 text").format(file=path.name)) from None
        return _toml_rows(path, text)
    return _sheet_rows(path)


def check_rows(rows: Sequence[RawAnswer], site: str, kinds: Mapping[str, str], checklists: Checklists) -> Answers:
    """Every row checked against the site's devices (``kinds``: name -> kind) and its checklists."""
    checks: list[CheckedAnswer] = []
    faults: list[FaultAction] = []
    seen: dict[tuple[str | None, str], str] = {}
    for row in rows:
        device: str | None = row.device.strip()
        if key(device or "") in _ROOM_KEYS:
            device = None
        if device is not None and device not in kinds:
            raise _error(
                row.where, _("device {value!r} is not a device of site {site}").format(value=device, site=site)
            )
        action = None
        if row.action.strip():
            action = parse_action(row.action)
            if action is None:
                raise _error(
                    row.where,
                    _("invalid action {value!r}: fixed, downtime YYYY-MM-DD or factory").format(value=row.action),
                )
        note = _free(row.where, row.note, "note")
        if row.item.strip().startswith(FAULT_PREFIX):
            kind, _sep, location = row.item.strip().removeprefix(FAULT_PREFIX).partition(":")
            if device is None or not kind or not location or action is None:
                raise _error(
                    row.where,
                    _("invalid fault row {value!r}: a device, fault:KIND:LOCATION and an action").format(
                        value=row.item
                    ),
                )
            faults.append(FaultAction(row.where, device, kind, location, action, note))
            continue
        item = checklists.item(row.item.strip())
        if item is None:
            raise _error(row.where, _("unknown item {value!r}").format(value=row.item))
        applies = item.checklist == ROOM if device is None else item in checklists.for_kind(kinds[device])
        if not applies:
            raise _error(
                row.where,
                _("item {item} does not apply to {device}").format(
                    item=item.id, device=device if device is not None else _("the machine room")
                ),
            )
        answer = check_answer(item, _free(row.where, row.answer, "answer") or "")
        if answer is None:
            hint = item.range_text() or ("ok / not-ok" if item.answer.value == "check" else item.answer.value)
            raise _error(
                row.where,
                _("invalid answer {value!r} for {item} ({hint})").format(value=row.answer, item=item.id, hint=hint),
            )
        if action is not None and answer.ok:
            raise _error(
                row.where, _("action {value!r} given for an answer that found nothing").format(value=row.action)
            )
        slot = (device, item.id)
        if slot in seen:
            raise _error(
                row.where, _("{item} answered twice (first at {where})").format(item=item.id, where=seen[slot])
            )
        seen[slot] = row.where
        checks.append(CheckedAnswer(row.where, device, item.id, answer, note, action))
    return Answers(tuple(checks), tuple(faults))
