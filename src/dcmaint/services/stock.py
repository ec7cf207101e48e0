"""Depot stock: receiving spares (one by one or from a stock list), reserving them for a ticket.

A serialised spare is one row; a consumable (CRAC filters, humidifier tanks)
is a quantity per site, part and bin, so receiving more adds to that row.
Reserving is a conditional UPDATE (``WHERE status = 'in_stock'``) inside the
command's one transaction: when two engineers reserve the same unit at once,
the database lets exactly one of them change the row and the other is told
who has it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from dcmaint.domain import parse
from dcmaint.domain.parts import (
    RECEIVED_CONDITIONS,
    Condition,
    StockEntry,
    StockStatus,
    StockUnit,
    optional_text,
    part_number,
)
from dcmaint.domain.records import Record
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _, ngettext, value_label
from dcmaint.services import sites
from dcmaint.services.catalogue import EntryProblem, sheet_columns
from dcmaint.services.context import Context
from dcmaint.store.models.base import utcnow
from dcmaint.store.models.depot import PartNumberRow, PartRow, StockUnitRow
from dcmaint.store.models.registers import DeviceRow, SiteRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = "spare"

#: Stock-list headers per field (docs/spares.md lists them).
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "site": ("站点", "局点", "机房站点"),
    "part_number": ("部件号", "备件号", "料号", "物料号", "part no", "pn", "part"),
    "serial": ("序列号", "SN", "S/N", "serial number"),
    "bin": ("库位", "货位", "货架", "location"),
    "condition": ("成色", "新旧", "品相"),
    "quantity": ("数量", "qty"),
    "proof_ref": ("合格证", "合格证号", "发票号", "证明编号", "proof"),
    "proof_file": ("附件", "证明文件", "合格证文件", "proof file"),
    "received_on": ("入库日期", "到货日期", "接收日期", "received"),
}
CONDITION_WORDS = {"全新": "new", "新": "new", "新品": "new", "翻新": "refurbished", "翻新件": "refurbished"}


@dataclass(frozen=True)
class StockImportSummary(Record):
    """The outcome of ``spare import``; keys documented in docs/spares.md."""

    file: str
    rows: int
    units: int
    quantity: int


class StockRejected(UsageError):
    def __init__(self, source: str, problems: Sequence[EntryProblem], total: int) -> None:
        super().__init__(
            ngettext(
                "{file}: {bad} bad row of {total}; nothing was imported",
                "{file}: {bad} bad rows of {total}; nothing was imported",
                len(problems),
            ).format(file=source, bad=len(problems), total=total)
        )
        self.problems = tuple(problems)


def condition(text: str | None) -> str:
    if text is None or not text.strip():
        return Condition.NEW.value
    word = CONDITION_WORDS.get(text.strip(), text.strip().lower())
    if word not in {c.value for c in RECEIVED_CONDITIONS}:
        raise UsageError(
            _("invalid condition {value!r}: choose one of {choices}").format(
                value=text, choices=", ".join(c.value for c in RECEIVED_CONDITIONS)
            )
        )
    return word


def find_part(unit: UnitOfWork, number: str) -> PartRow:
    """The catalogue part any of its numbers names; an unknown number is refused with the nearest known ones."""
    row = unit.session.scalars(select(PartRow).where(PartRow.part_number == number)).one_or_none()
    if row is None:
        row = unit.session.scalars(
            select(PartRow)
            .join(PartNumberRow, PartNumberRow.part_id == PartRow.id)
            .where(PartNumberRow.number == number)
        ).one_or_none()
    if row is None:
        known = list(unit.session.scalars(select(PartRow.part_number)))
        known += list(unit.session.scalars(select(PartNumberRow.number)))
        near = difflib.get_close_matches(number, known, n=3, cutoff=0.7)
        hint = (
            _("did you mean {numbers}?").format(numbers=", ".join(near))
            if near
            else _("add it with `dcmaint spare catalogue import`")
        )
        raise NotFound(_("part number {number!r} is not in the catalogue: {hint}").format(number=number, hint=hint))
    return row


def stock_record(unit: UnitOfWork, row: StockUnitRow) -> StockUnit:
    part = unit.session.get(PartRow, row.part_id) if row.part_id is not None else None
    site = unit.session.get(SiteRow, row.site_id)
    device = unit.session.get(DeviceRow, row.device_id) if row.device_id is not None else None
    return StockUnit(
        row.serial,
        row.part_number,
        part.part_number if part else None,
        part.part_class if part else None,
        part.description if part else None,
        site.name if site else "",
        row.bin,
        row.condition,
        row.quantity,
        row.status,
        row.reserved_for,
        row.proof_ref,
        row.proof_file,
        row.received_on,
        device.name if device else None,
        row.slot,
        row.custody_location,
        row.notes,
        as_datetime(row.updated_at) if row.updated_at is not None else None,
    )


def audit_key(record: StockUnit) -> str:
    """How the audit log names a stock row: its serial, or site/part/bin for a consumable's quantity."""
    return record.serial or "/".join(p for p in (record.site, record.part_number, record.bin) if p)


def receive(context: Context, entry: StockEntry) -> StockUnit:
    """Receive one serialised spare, or a quantity of a consumable, into a site's depot (entry point)."""
    with context.write() as unit:
        return add(unit, entry)


def add(unit: UnitOfWork, entry: StockEntry) -> StockUnit:
    """Receive one serialised spare, or add a quantity of a consumable to its bin, in the caller's transaction."""
    number = part_number(entry.part_number)
    site = sites.find(unit, entry.site)
    part = find_part(unit, number)
    bin_ = optional_text(entry.bin, _("bin"), 64)
    proof_ref = optional_text(entry.proof_ref, _("proof reference"), 200)
    if entry.proof_file is not None:
        if not Path(entry.proof_file).is_file():
            raise UsageError(_("proof file {path} does not exist").format(path=entry.proof_file))
        if len(str(Path(entry.proof_file).resolve())) > 500:
            raise UsageError(_("{field} is longer than {limit} characters").format(field=_("proof file"), limit=500))
    proof_file = str(Path(entry.proof_file).resolve()) if entry.proof_file else None
    values = {
        "site_id": site.id,
        "part_id": part.id,
        "part_number": number,
        "bin": bin_,
        "condition": condition(entry.condition),
        "proof_ref": proof_ref,
        "proof_file": proof_file,
        "received_on": entry.received_on,
    }
    if part.consumable:
        if entry.serial:
            raise UsageError(_("part {number} is a consumable: give --quantity, not a serial").format(number=number))
        quantity = entry.quantity if entry.quantity is not None else 1
        if quantity < 1:
            raise UsageError(_("invalid quantity {value!r}: must be at least 1").format(value=quantity))
        row = unit.session.scalars(
            select(StockUnitRow).where(
                StockUnitRow.site_id == site.id,
                StockUnitRow.part_id == part.id,
                StockUnitRow.serial.is_(None),
                StockUnitRow.status == StockStatus.IN_STOCK.value,
                StockUnitRow.bin.is_(None) if bin_ is None else StockUnitRow.bin == bin_,
            )
        ).first()
        if row is not None:
            if row.quantity + quantity > parse.MAX_COUNT:  # the column is a 32-bit INTEGER on PostgreSQL
                raise UsageError(
                    _("bin {bin} would hold more than {most} of part {number}").format(
                        bin=bin_ or "-", most=parse.MAX_COUNT, number=number
                    )
                )
            before = stock_record(unit, row)
            row.quantity += quantity
            row.received_on = entry.received_on or row.received_on
            row.proof_ref, row.proof_file = proof_ref or row.proof_ref, proof_file or row.proof_file
            unit.session.flush()
            after = stock_record(unit, row)
            unit.record(ENTITY, audit_key(after), "add", before.as_json(), after.as_json())
            return after
        row = StockUnitRow(serial=None, quantity=quantity, status=StockStatus.IN_STOCK.value, **values)
    else:
        if not entry.serial:
            raise UsageError(_("part {number} is serialised: give its --serial").format(number=number))
        serial = parse.serial(entry.serial, _("serial"))
        if entry.quantity not in (None, 1):
            raise UsageError(_("part {number} is serialised: one unit per serial, no --quantity").format(number=number))
        taken = unit.session.scalars(select(StockUnitRow).where(StockUnitRow.serial == serial)).first()
        if taken is not None:
            raise Conflict(
                _("spare serial {serial!r} is already recorded ({part}, {status})").format(
                    serial=serial, part=taken.part_number, status=value_label(StockStatus, taken.status)
                )
            )
        row = StockUnitRow(serial=serial, quantity=1, status=StockStatus.IN_STOCK.value, **values)
    unit.session.add(row)
    unit.session.flush()
    record = stock_record(unit, row)
    unit.record(ENTITY, audit_key(record), "add", None, record.as_json())
    return record


def _serial_row(unit: UnitOfWork, serial: str) -> StockUnitRow:
    row = unit.session.scalars(
        select(StockUnitRow).where(StockUnitRow.serial == serial).execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise NotFound(_("unknown spare serial {serial!r}").format(serial=serial))
    return row


def _move(
    unit: UnitOfWork, serial: str, source: StockStatus, target: StockStatus, ticket: str | None, action: str
) -> StockUnit:
    """Change a unit's status only if it still has ``source``: the UPDATE's WHERE is the lock."""
    previous = unit.session.scalars(select(StockUnitRow.reserved_for).where(StockUnitRow.serial == serial)).first()
    changed = cast(
        "CursorResult[Any]",
        unit.session.execute(
            update(StockUnitRow)
            .where(StockUnitRow.serial == serial, StockUnitRow.status == source.value)
            .values(status=target.value, reserved_for=ticket, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    row = _serial_row(unit, serial)
    if changed.rowcount != 1:
        state = (
            _("reserved for {ticket}").format(ticket=row.reserved_for)
            if row.status == StockStatus.RESERVED.value
            else value_label(StockStatus, row.status)
        )
        if action == "reserve":
            message = _("spare {serial} is {state}: only an in-stock spare can be reserved")
        else:
            message = _("spare {serial} is {state}: only a reserved spare can be released")
        raise Conflict(message.format(serial=serial, state=state))
    after = stock_record(unit, row)
    before = replace(after, status=source.value, reserved_for=previous)
    unit.record(ENTITY, serial, action, before.as_json(), after.as_json())
    return after


def reserve(context: Context, serial: str, ticket: str) -> StockUnit:
    """Set a spare aside for an open ticket (one that has not been restored yet) (entry point)."""
    with context.write() as unit:
        return _reserve(unit, serial, ticket)


def _reserve(unit: UnitOfWork, serial: str, ticket: str) -> StockUnit:
    from dcmaint.services.tickets import for_action

    ticket_ref = optional_text(ticket, _("ticket"), 100)
    if ticket_ref is None:
        raise UsageError(_("a ticket reference is needed to reserve a spare"))
    _serial_row(unit, serial)
    return _move(
        unit, serial, StockStatus.IN_STOCK, StockStatus.RESERVED, for_action(unit, ticket_ref, "reserve").ref, "reserve"
    )


def release(context: Context, serial: str) -> StockUnit:
    """Put a reserved spare back in stock (entry point)."""
    with context.write() as unit:
        return _move(unit, serial, StockStatus.RESERVED, StockStatus.IN_STOCK, None, "release")


def sheet_entries(
    cells_by_row: Sequence[tuple[int, Mapping[str, str | None]]], site: str | None, base: Path
) -> tuple[list[tuple[int, StockEntry]], list[tuple[int, EntryProblem]]]:
    """Stock-list rows as entries; a relative proof file is taken from the list's own folder."""
    entries, problems = [], []
    for number, cells in cells_by_row:
        try:
            quantity_text = cells.get("quantity")
            quantity = parse.count(quantity_text, _("quantity")) if quantity_text else None  # as --quantity
            proof = cells.get("proof_file")
            received = cells.get("received_on")
            entry = StockEntry(
                site=site or cells.get("site") or "",
                part_number=cells.get("part_number") or "",
                serial=cells.get("serial"),
                bin=cells.get("bin"),
                condition=cells.get("condition") or "new",
                quantity=quantity,
                proof_ref=cells.get("proof_ref"),
                proof_file=str(base / proof) if proof else None,
                received_on=parse.past_date(received, _("received date")) if received else None,
            )
            if not entry.site:
                raise UsageError(_("no site: add a site column or use --site"))
            entries.append((number, entry))
        except UsageError as error:
            problems.append((number, EntryProblem("", _("row {row}").format(row=number), str(error))))
    return entries, problems


def import_file(context: Context, path: Path, site: str | None) -> StockImportSummary:
    """Import a CSV/XLSX stock list in one transaction (entry point); any bad row raises StockRejected."""
    with context.write() as unit:
        return _import_file(unit, path, site)


def _import_file(unit: UnitOfWork, path: Path, site: str | None) -> StockImportSummary:
    from dcmaint.services.device_import import read_sheet

    sheet = read_sheet(path)
    columns = sheet_columns(sheet.header.cells, SHEET_COLUMNS)
    if isinstance(columns, EntryProblem):
        raise UsageError(_("{file}: {problem}").format(file=path.name, problem=columns.reason))
    rows = [(r.number, {n: r.cells[i] if i < len(r.cells) else None for n, i in columns.items()}) for r in sheet.rows]
    entries, problems = sheet_entries(rows, site, path.parent)
    units = quantity = 0
    for number, entry in entries:
        try:
            add(unit, entry)
        except UsageError as error:
            problems.append((number, EntryProblem("", _("row {row}").format(row=number), str(error))))
        else:
            units += 1
            quantity += entry.quantity or 1
    if problems:
        ordered = [replace(p, source=path.name) for _number, p in sorted(problems, key=lambda item: item[0])]
        raise StockRejected(path.name, ordered, len(rows))
    return StockImportSummary(path.name, len(rows), units, quantity)
