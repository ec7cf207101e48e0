"""Importing the parts catalogue: TOML files and CSV/XLSX sheets, one all-or-nothing upsert.

Every entry is checked before anything is written, and every bad one is
reported (file, entry or row, the bad value): a catalogue half imported would
leave matching and stock levels working from a mix of old and new numbers.
A number names one part only, across the whole catalogue as it will be after
the import, so moving a spare number from one part to another in the same
import is fine and a clash with a part not in the files is an error naming both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from dcmaint.domain.import_columns import header_keys, key
from dcmaint.domain.parts import NUMBER_KINDS, Part, PartNumber, Substitute, to_part
from dcmaint.domain.records import Record
from dcmaint.errors import UsageError
from dcmaint.i18n import _, ngettext
from dcmaint.services.context import Context
from dcmaint.store.models.depot import PartNumberRow, PartRow, PartSubstituteRow
from dcmaint.store.unit import UnitOfWork

ENTITY = "part"
SHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")

#: Sheet headers per catalogue field (docs/spares.md lists them); the field's own name is accepted too.
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "part_number": ("部件号", "部件编号", "料号", "物料号", "part no", "pn"),
    "vendor": ("厂商", "品牌", "厂家", "manufacturer", "brand"),
    "description": ("描述", "名称", "部件名称", "说明", "name"),
    "class": ("类别", "部件类别", "类型", "part_class", "category", "type"),
    "annual_failure_rate": ("年故障率", "故障率", "afr"),
    "lead_time_days": ("采购周期", "供货周期", "交货期", "lead time"),
    "consumable": ("耗材", "是否耗材"),
    "spare": ("备件号", "spare number", "spare numbers"),
    "option": ("选件号", "option number", "option numbers"),
    "fru": ("FRU号", "fru number"),
    "other": ("其他编号", "别名", "other numbers"),
    "substitutes": ("替代件", "替代料号", "substitute"),
    "attributes": ("属性",),
    "capacity": ("容量",),
    "speed": ("速率", "速度", "频率"),
    "form_factor": ("规格", "尺寸", "外形"),
    "interface": ("接口",),
    "wattage": ("功率", "瓦数"),
}
ATTRIBUTE_COLUMNS = ("capacity", "speed", "form_factor", "interface", "wattage")
_LIST_SPLIT = re.compile(r"[;,，；、\s]+")


@dataclass(frozen=True)
class Entry:
    source: str
    where: str  # "row 5" or "part 3"
    part: Part


@dataclass(frozen=True)
class EntryProblem:
    source: str
    where: str
    reason: str

    def line(self) -> str:
        return _("{file}, {where}: {reason}").format(file=self.source, where=self.where, reason=self.reason)


@dataclass(frozen=True)
class CatalogueSummary(Record):
    """The outcome of ``spare catalogue import``; keys documented in docs/spares.md."""

    files: int
    parts: int
    added: int
    updated: int
    unchanged: int


class CatalogueRejected(UsageError):
    """Bad entries: nothing was imported. ``problems`` go to stderr, one per line."""

    def __init__(self, problems: Sequence[EntryProblem], total: int) -> None:
        super().__init__(
            ngettext(
                "{bad} bad catalogue entry of {total}; nothing was imported",
                "{bad} bad catalogue entries of {total}; nothing was imported",
                len(problems),
            ).format(bad=len(problems), total=total)
        )
        self.problems = tuple(problems)


# --- reading -------------------------------------------------------------------------------------


def bundled_catalogue() -> Path:
    """The starter catalogue shipped with dcmaint (``src/dcmaint/data/parts``), in a checkout and a wheel alike."""
    from dcmaint import paths

    return paths.bundled("parts")


def catalogue_files(paths: Iterable[Path], bundled: bool = False) -> list[Path]:
    """Files named, and the catalogue files directly inside directories named, in a stable order.

    ``bundled`` adds the starter catalogue shipped with dcmaint after the
    paths named (``dcmaint spare catalogue import --bundled``), so a pip user
    needs no path into a source tree to load it.
    """
    named = [*paths, *([bundled_catalogue()] if bundled else [])]
    if not named:
        raise UsageError(
            _("name catalogue files or directories, or give --bundled for the catalogue shipped with dcmaint")
        )
    found: list[Path] = []
    for path in named:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in (".toml", *SHEET_SUFFIXES))
        elif path.exists():
            found.append(path)
        else:
            raise UsageError(_("cannot read {file}: no such file or directory").format(file=path))
    if not found:
        raise UsageError(_("no catalogue files (.toml, .csv, .xlsx) found"))
    return found


def read_toml(path: Path) -> tuple[list[Entry], list[EntryProblem]]:
    import tomllib

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        return [], [EntryProblem(path.name, _("file"), str(exc.strerror))]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [], [EntryProblem(path.name, _("file"), _("not valid TOML: {reason}").format(reason=exc))]
    extra = sorted(set(document) - {"part"})
    parts = document.get("part", [])
    if extra or not isinstance(parts, list):
        return [], [
            EntryProblem(
                path.name,
                _("file"),
                _("a catalogue file holds [[part]] tables only, found {key!r}").format(
                    key=extra[0] if extra else "part"
                ),
            )
        ]
    entries, problems = [], []
    for index, item in enumerate(parts, start=1):
        label = str(item.get("part_number")) if isinstance(item, Mapping) and item.get("part_number") else ""
        where = (
            _("part {index} ({number})").format(index=index, number=label)
            if label
            else _("part {index}").format(index=index)
        )
        try:
            if not isinstance(item, Mapping):
                raise UsageError(_("expected a [[part]] table"))
            entries.append(Entry(path.name, where, to_part(item)))
        except UsageError as error:
            problems.append(EntryProblem(path.name, where, str(error)))
    return entries, problems


def _scalar(text: str) -> Any:
    return int(text) if text.isdigit() else text


def _sheet_entry(cells: Mapping[str, str | None]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    numbers: dict[str, list[str]] = {}
    attrs: dict[str, Any] = {}
    for name, value in cells.items():
        if value is None:
            continue
        if name in NUMBER_KINDS:
            numbers[name] = [v for v in _LIST_SPLIT.split(value) if v]
        elif name == "substitutes":
            entry[name] = [v for v in _LIST_SPLIT.split(value) if v]
        elif name == "attributes":
            for pair in filter(None, re.split(r"[;；]", value)):
                attr, sep, item = pair.partition("=")
                if not sep:
                    raise UsageError(
                        _("invalid attributes {value!r}: write name=value; name=value").format(value=value)
                    )
                attrs[attr.strip()] = _scalar(item.strip())
        elif name in ATTRIBUTE_COLUMNS:
            attrs[name] = _scalar(value)
        else:
            entry[name] = value
    if numbers:
        entry["numbers"] = numbers
    if attrs:
        entry["attributes"] = attrs
    return entry


def read_table(path: Path) -> tuple[list[Entry], list[EntryProblem]]:
    from dcmaint.services.device_import import read_sheet

    try:
        sheet = read_sheet(path)
    except UsageError as error:
        return [], [EntryProblem(path.name, _("file"), str(error))]
    columns = sheet_columns(sheet.header.cells, SHEET_COLUMNS)
    if isinstance(columns, EntryProblem):
        return [], [replace(columns, source=path.name)]
    entries, problems = [], []
    for row in sheet.rows:
        where = _("row {row}").format(row=row.number)
        cells = {name: row.cells[i] if i < len(row.cells) else None for name, i in columns.items()}
        try:
            entries.append(Entry(path.name, where, to_part(_sheet_entry(cells))))
        except UsageError as error:
            problems.append(EntryProblem(path.name, where, str(error)))
    return entries, problems


def sheet_columns(
    headers: Sequence[str | None], synonyms: Mapping[str, tuple[str, ...]]
) -> dict[str, int] | EntryProblem:
    """Header cell positions per field; unknown or doubled headers are a file-level problem."""
    lookup = {key(word): name for name, words in synonyms.items() for word in (name, *words)}
    lookup.update({key(word): "" for word in ("序号", "No", "#")})
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        if not header:
            continue
        name = next((lookup[k] for k in header_keys(header) if k in lookup), None)
        if name is None:
            return EntryProblem("", _("header"), _("unknown column {header!r}").format(header=header))
        if name and name in index:
            return EntryProblem(
                "", _("header"), _("two columns for {field}: {header!r}").format(field=name, header=header)
            )
        if name:
            index[name] = position
    return index


def read_entries(paths: Iterable[Path], bundled: bool = False) -> tuple[list[Path], list[Entry], list[EntryProblem]]:
    files = catalogue_files(paths, bundled)
    entries: list[Entry] = []
    problems: list[EntryProblem] = []
    for path in files:
        found, bad = read_toml(path) if path.suffix.lower() == ".toml" else read_table(path)
        entries += found
        problems += bad
    return files, entries, problems


# --- writing -------------------------------------------------------------------------------------


def _record(unit: UnitOfWork, row: PartRow) -> Part:
    numbers = unit.session.execute(
        select(PartNumberRow.number, PartNumberRow.kind)
        .where(PartNumberRow.part_id == row.id)
        .order_by(PartNumberRow.kind, PartNumberRow.number)
    )
    substitutes = unit.session.execute(
        select(PartRow.part_number, PartSubstituteRow.note)
        .join(PartRow, PartRow.id == PartSubstituteRow.substitute_id)
        .where(PartSubstituteRow.part_id == row.id)
        .order_by(PartRow.part_number)
    )
    return Part(
        row.part_number,
        row.vendor,
        row.description,
        row.part_class,
        json.loads(row.attributes) if row.attributes else {},
        row.annual_failure_rate,
        row.lead_time_days,
        bool(row.consumable),
        tuple(PartNumber(n, k) for n, k in numbers),
        tuple(Substitute(p, note) for p, note in substitutes),
    )


def _ordered(part: Part) -> Part:
    return replace(part, numbers=tuple(sorted(part.numbers, key=lambda n: (n.kind, n.number))))


def _check(unit: UnitOfWork, entries: Sequence[Entry]) -> list[EntryProblem]:
    """Duplicates, number clashes and unknown substitutes, against the catalogue as it will be."""
    problems: list[EntryProblem] = []
    imported = {e.part.part_number for e in entries}
    owner: dict[str, str] = {}
    for number, main in unit.session.execute(select(PartRow.part_number, PartRow.part_number)):
        if main not in imported:
            owner[number] = main
    for number, main in unit.session.execute(
        select(PartNumberRow.number, PartRow.part_number).join(PartRow, PartRow.id == PartNumberRow.part_id)
    ):
        if main not in imported:
            owner[number] = main
    seen: dict[str, Entry] = {}
    for entry in entries:
        main = entry.part.part_number
        if main in seen:
            first = seen[main]
            problems.append(
                EntryProblem(
                    entry.source,
                    entry.where,
                    _("part {number} is also defined at {file}, {where}").format(
                        number=main, file=first.source, where=first.where
                    ),
                )
            )
            continue
        seen[main] = entry
        for number in entry.part.all_numbers():
            other = owner.setdefault(number, main)
            if other != main:
                problems.append(
                    EntryProblem(
                        entry.source,
                        entry.where,
                        _("number {number} of part {part} already belongs to part {other}").format(
                            number=number, part=main, other=other
                        ),
                    )
                )
    for entry in entries:
        for substitute in entry.part.substitutes:
            if substitute.part_number not in owner:
                problems.append(
                    EntryProblem(
                        entry.source,
                        entry.where,
                        _("substitute {number} is not in the catalogue").format(number=substitute.part_number),
                    )
                )
    return problems


def _fill(row: PartRow, part: Part) -> None:
    row.vendor, row.description, row.part_class = part.vendor, part.description, part.part_class
    row.attributes = json.dumps(dict(part.attributes), ensure_ascii=False, sort_keys=True) if part.attributes else None
    row.annual_failure_rate, row.lead_time_days, row.consumable = (
        part.annual_failure_rate,
        part.lead_time_days,
        part.consumable,
    )


def import_catalogue(context: Context, paths: Iterable[Path], bundled: bool = False) -> CatalogueSummary:
    """Read catalogue files (or folders of them, or the bundled catalogue) and upsert every part in one
    transaction (entry point).

    Any bad entry raises :class:`CatalogueRejected`, whose ``problems`` name each one; nothing is written then.
    """
    files, entries, problems = read_entries(paths, bundled)
    with context.write() as unit:
        return import_entries(unit, len(files), entries, problems)


def import_entries(
    unit: UnitOfWork, files: int, entries: Sequence[Entry], problems: Sequence[EntryProblem] = ()
) -> CatalogueSummary:
    """Upsert every entry by part number in the caller's transaction, or raise CatalogueRejected."""
    total = len(entries) + len(problems)  # each parse problem is an entry that never became one
    problems = [*problems, *_check(unit, entries)]
    if problems:
        raise CatalogueRejected(problems, total)
    rows: dict[str, PartRow] = {}
    before: dict[str, Part] = {}
    for entry in entries:
        row = unit.session.scalars(select(PartRow).where(PartRow.part_number == entry.part.part_number)).one_or_none()
        if row is not None:
            before[row.part_number] = _record(unit, row)
            unit.session.execute(delete(PartNumberRow).where(PartNumberRow.part_id == row.id))
            unit.session.execute(delete(PartSubstituteRow).where(PartSubstituteRow.part_id == row.id))
        else:
            row = PartRow(part_number=entry.part.part_number)
            unit.session.add(row)
        _fill(row, entry.part)
        rows[entry.part.part_number] = row
    unit.session.flush()  # numbers freed before any are taken
    for entry in entries:
        part, row = entry.part, rows[entry.part.part_number]
        for number in part.numbers:
            unit.session.add(PartNumberRow(part_id=row.id, number=number.number, kind=number.kind))
    unit.session.flush()
    owner_ids = dict(unit.session.execute(select(PartRow.part_number, PartRow.id)).all())
    owner_ids.update(dict(unit.session.execute(select(PartNumberRow.number, PartNumberRow.part_id)).all()))
    added = updated = 0
    for entry in entries:
        row = rows[entry.part.part_number]
        for substitute in entry.part.substitutes:
            unit.session.add(
                PartSubstituteRow(part_id=row.id, substitute_id=owner_ids[substitute.part_number], note=substitute.note)
            )
        unit.session.flush()
        after = _ordered(_record(unit, row))
        old = before.get(row.part_number)
        if old is None:
            added += 1
            unit.record(ENTITY, row.part_number, "add", None, after.as_json())
        elif _ordered(old) != after:
            updated += 1
            unit.record(ENTITY, row.part_number, "edit", old.as_json(), after.as_json())
    return CatalogueSummary(files, len(entries), added, updated, len(entries) - added - updated)
