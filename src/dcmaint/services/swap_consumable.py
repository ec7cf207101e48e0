"""``spare swap --consumable``: one unit of a consumable (a CRAC filter, a humidifier cylinder) taken from its bin.

A consumable is stocked as a quantity per site, part and bin, with no serial
to follow. The swaps table needs one stock unit as the part fitted, so the
unit taken becomes a row of its own (quantity 1, ``installed`` in the slot,
the bin's proof and received date carried over) and the bin gives up one
with a conditional UPDATE (``WHERE quantity >= 1``): when two technicians
take the last filter of a bin at the same moment, exactly one gets it and
the other is told the bin is empty. Custody is unchanged: the part taken
out goes into the customer's custody as for any swap.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from dcmaint.domain.parts import StockStatus, optional_text, part_number
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.store.models.depot import PartRow, StockUnitRow
from dcmaint.store.models.registers import DeviceRow, SiteRow
from dcmaint.store.unit import UnitOfWork


def consumable_part(unit: UnitOfWork, number: str) -> PartRow:
    """The catalogue part ``--consumable`` names (any of its numbers); a serialised part is refused."""
    from dcmaint.services.stock import find_part

    text = part_number(number, _("consumable part number"))
    part = find_part(unit, text)
    if not part.consumable:
        raise UsageError(
            _("part {number} is serialised, not a consumable: give the spare's --spare SERIAL").format(number=text)
        )
    return part


def _bin_name(unit: UnitOfWork, row: StockUnitRow) -> str:
    site = unit.session.get(SiteRow, row.site_id)
    return _("{site} bin {bin}").format(site=site.name if site else "?", bin=row.bin or "-")


def _listed(unit: UnitOfWork, rows: list[StockUnitRow]) -> str:
    return ", ".join(f"{_bin_name(unit, r)} ({r.quantity})" for r in rows)


def choose_bin(unit: UnitOfWork, part: PartRow, bin_text: str | None, device: DeviceRow) -> StockUnitRow:
    """The bin to take one unit from: the one ``--bin`` names (the device's own site first), else the one bin that
    holds the part, the device's site first. An empty bin, or a choice between bins, is refused naming them."""
    wanted = optional_text(bin_text, _("bin"), 64)
    rows = list(
        unit.session.scalars(
            select(StockUnitRow)
            .where(
                StockUnitRow.part_id == part.id,
                StockUnitRow.serial.is_(None),
                StockUnitRow.status == StockStatus.IN_STOCK.value,
            )
            .order_by(StockUnitRow.bin, StockUnitRow.id)
        )
    )
    own = [r for r in rows if r.site_id == device.site_id]
    if wanted is not None:
        named = [r for r in own if r.bin == wanted] or [r for r in rows if r.bin == wanted]
        if not named:
            raise NotFound(
                _("no bin {bin} holds {number} (bins: {bins})").format(
                    bin=wanted, number=part.part_number, bins=_listed(unit, rows) or _("none")
                )
            )
        if named[0].quantity < 1:
            raise Conflict(
                _("{where} holds no {number}: `dcmaint spare match` lists the bins that do").format(
                    where=_bin_name(unit, named[0]), number=part.part_number
                )
            )
        return named[0]
    full = [r for r in own if r.quantity >= 1] or [r for r in rows if r.quantity >= 1]
    if len(full) == 1:
        return full[0]
    if not full:
        raise Conflict(
            _("no bin holds {number} ({bins}): `dcmaint spare add --quantity` receives more").format(
                number=part.part_number, bins=_listed(unit, rows) or _("none received")
            )
        )
    raise UsageError(
        _("{number} is in {count} bins ({bins}): name one with --bin").format(
            number=part.part_number, count=len(full), bins=_listed(unit, full)
        )
    )


def take_one(unit: UnitOfWork, bin_row: StockUnitRow, device: DeviceRow, location: str, now: datetime) -> StockUnitRow:
    """One unit out of the bin, as an ``installed`` row of its own in the device slot (what the swap points at)."""
    taken = cast(
        "CursorResult[Any]",
        unit.session.execute(
            update(StockUnitRow)
            .where(
                StockUnitRow.id == bin_row.id,
                StockUnitRow.status == StockStatus.IN_STOCK.value,
                StockUnitRow.quantity >= 1,
            )
            .values(quantity=StockUnitRow.quantity - 1, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if taken.rowcount != 1:
        raise Conflict(
            _("{where} was emptied by another swap a moment ago: `dcmaint spare match` lists the bins left").format(
                where=_bin_name(unit, bin_row)
            )
        )
    unit.session.refresh(bin_row)
    fitted = StockUnitRow(
        part_id=bin_row.part_id,
        part_number=bin_row.part_number,
        site_id=device.site_id,
        serial=None,
        bin=bin_row.bin,  # where it came from
        condition=bin_row.condition,
        quantity=1,
        proof_ref=bin_row.proof_ref,
        proof_file=bin_row.proof_file,
        received_on=bin_row.received_on,
        status=StockStatus.INSTALLED.value,
        device_id=device.id,
        slot=location,
        updated_at=now,
    )
    unit.session.add(fitted)
    unit.session.flush()
    return fitted


def fitted_before(unit: UnitOfWork, device: DeviceRow, location: str) -> StockUnitRow | None:
    """A consumable an earlier swap fitted in the slot (no serial to find it by): it is the part coming out."""
    return unit.session.scalars(
        select(StockUnitRow)
        .where(
            StockUnitRow.device_id == device.id,
            StockUnitRow.slot == location,
            StockUnitRow.serial.is_(None),
            StockUnitRow.status == StockStatus.INSTALLED.value,
        )
        .order_by(StockUnitRow.id.desc())
    ).first()
