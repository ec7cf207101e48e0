"""The consumables a preventive task takes from its site's depot (``pm done``).

Only the site's own depot counts: a filter in another city's store does not
get into this machine room today. Every part is checked before anything is
taken, so a task short of one part takes none and records nothing; the bins
of a part are emptied in bin order, each with a conditional UPDATE
(``WHERE quantity >= n``) so that two engineers taking the last filters at
once cannot both have them, and each bin's change is audited as a stock
change (entity ``spare``, action ``consume``) like every other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from dcmaint.domain.parts import StockStatus
from dcmaint.errors import Conflict, UsageError
from dcmaint.i18n import _
from dcmaint.services import stock
from dcmaint.services.swap_consumable import consumable_part
from dcmaint.store.models.depot import PartRow, StockUnitRow
from dcmaint.store.models.registers import SiteRow
from dcmaint.store.unit import UnitOfWork


class ShortOfStock(UsageError):
    """The site's depot holds fewer of a consumable than the task takes: nothing is recorded (exit 2)."""


def _bins(unit: UnitOfWork, site: SiteRow, part: PartRow) -> list[StockUnitRow]:
    return list(
        unit.session.scalars(
            select(StockUnitRow)
            .where(
                StockUnitRow.site_id == site.id,
                StockUnitRow.part_id == part.id,
                StockUnitRow.serial.is_(None),
                StockUnitRow.status == StockStatus.IN_STOCK.value,
                StockUnitRow.quantity > 0,
            )
            .order_by(StockUnitRow.bin, StockUnitRow.id)
        )
    )


def take(
    unit: UnitOfWork, site: SiteRow, wanted: Sequence[tuple[str, int]], task: str, now: datetime
) -> list[tuple[str, int]]:
    """Take ``wanted`` (part number, quantity) from ``site``'s depot for ``task``; what was taken, by the
    catalogue's part numbers. A part the depot is short of is refused before anything is taken."""
    needed: dict[int, tuple[PartRow, int]] = {}
    for number, quantity in wanted:
        part = consumable_part(unit, number)
        known = needed.get(part.id)
        needed[part.id] = (part, quantity + (known[1] if known else 0))
    plan = []
    for part, quantity in needed.values():
        bins = _bins(unit, site, part)
        held = sum(row.quantity for row in bins)
        if held < quantity:
            raise ShortOfStock(
                _("not enough {number} at site {site}: the task takes {needed}, the depot holds {held}").format(
                    number=part.part_number, site=site.name, needed=quantity, held=held
                )
            )
        plan.append((part, quantity, bins))
    for _part, quantity, bins in plan:
        left = quantity
        for row in bins:
            if left == 0:
                break
            count = min(left, row.quantity)
            _take_from(unit, row, count, task, now)
            left -= count
    return [(part.part_number, quantity) for part, quantity, _bins_ in plan]


def _take_from(unit: UnitOfWork, row: StockUnitRow, count: int, task: str, now: datetime) -> None:
    before = stock.stock_record(unit, row)
    changed = cast(
        "CursorResult[Any]",
        unit.session.execute(
            update(StockUnitRow)
            .where(
                StockUnitRow.id == row.id,
                StockUnitRow.status == StockStatus.IN_STOCK.value,
                StockUnitRow.quantity >= count,
            )
            .values(quantity=StockUnitRow.quantity - count, updated_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if changed.rowcount != 1:
        raise Conflict(
            _("bin {bin} of {number} was emptied by someone else a moment ago: run the command again").format(
                bin=row.bin or "-", number=row.part_number
            )
        )
    unit.session.refresh(row)
    after = stock.stock_record(unit, row)
    key = stock.audit_key(after)
    unit.record(stock.ENTITY, key, "consume", before.as_json(), {**after.as_json(), "taken": count, "task": task})
