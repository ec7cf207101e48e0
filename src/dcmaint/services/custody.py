"""``spare handover``: removed parts leave the maintainer's hands for the customer's.

Until then a removed part is kept on site (``custody_location``) and listed
by ``spare custody``; the handover records who took which parts and when,
against a receipt, so the contract's rule that removed parts are the
customer's property can be shown part by part.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from dcmaint.domain.parse import GivenTime
from dcmaint.domain.parts import StockStatus, optional_text
from dcmaint.domain.swaps import Handover
from dcmaint.domain.text import optional_free_text
from dcmaint.errors import Conflict, NotFound, UsageError
from dcmaint.i18n import _, value_label
from dcmaint.services import sites
from dcmaint.services.context import Context
from dcmaint.store.models.base import utcnow
from dcmaint.store.models.depot import HandoverRow, StockUnitRow, SwapRow
from dcmaint.store.reader import as_datetime
from dcmaint.store.unit import UnitOfWork

ENTITY = "handover"


def handover(
    context: Context,
    site_name: str,
    received_by: str,
    serials: Sequence[str],
    document: str | None,
    at: GivenTime | None = None,
    notes: str | None = None,
) -> Handover:
    """Hand over the named removed parts, or every part awaiting handover at the site when none are named
    (entry point); ``at`` (naive: the site's time; default now) is neither ahead nor before a part's removal."""
    with context.write() as unit:
        return _handover(unit, site_name, received_by, serials, document, at, notes)


def _handover(
    unit: UnitOfWork,
    site_name: str,
    received_by: str,
    serials: Sequence[str],
    document: str | None,
    at: GivenTime | None,
    notes: str | None,
) -> Handover:
    site = sites.find(unit, site_name)
    taker = optional_text(received_by, _("received by"), 100)
    if taker is None:
        raise UsageError(_("name who received the parts with --to"))
    waiting = StockUnitRow.status == StockStatus.REMOVED.value, StockUnitRow.handover_id.is_(None)
    if serials:
        rows = []
        for serial in dict.fromkeys(serials):
            row = unit.session.scalars(select(StockUnitRow).where(StockUnitRow.serial == serial)).first()
            if row is None:
                raise NotFound(_("unknown serial {serial!r}").format(serial=serial))
            if row.site_id != site.id or row.status != StockStatus.REMOVED.value:
                raise UsageError(
                    _("{serial} is not a part removed at {site} ({status})").format(
                        serial=serial, site=site.name, status=value_label(StockStatus, row.status)
                    )
                )
            if row.handover_id is not None:
                raise Conflict(_("{serial} was already handed over").format(serial=serial))
            rows.append(row)
    else:
        rows = list(
            unit.session.scalars(
                select(StockUnitRow).where(StockUnitRow.site_id == site.id, *waiting).order_by(StockUnitRow.id)
            )
        )
        if not rows:
            raise UsageError(_("no removed parts are waiting for handover at {site}").format(site=site.name))
    when = _when(unit, rows, site.timezone, at)
    record_row = HandoverRow(
        site_id=site.id,
        received_by=taker,
        handed_at=when,
        document_ref=optional_text(document, _("document reference"), 200),
        notes=optional_free_text(notes, _("notes")),
    )
    unit.session.add(record_row)
    unit.session.flush()
    taken = cast(
        "CursorResult[Any]",
        unit.session.execute(
            update(StockUnitRow)
            .where(StockUnitRow.id.in_([r.id for r in rows]), *waiting)
            .values(handover_id=record_row.id)
            .execution_options(synchronize_session=False)
        ),
    )
    if taken.rowcount != len(rows):
        raise Conflict(_("some of these parts were handed over by someone else a moment ago: list them again"))
    labels = tuple(r.serial or f"{r.part_number} ({r.slot})" for r in rows)
    record = Handover(record_row.id, site.name, taker, when, record_row.document_ref, labels, len(rows))
    unit.record(ENTITY, str(record_row.id), "add", None, record.as_json())
    return record


def _when(unit: UnitOfWork, rows: Sequence[StockUnitRow], zone: str, at: GivenTime | None) -> datetime:
    """The handover's time: now, or a time given with --at that is not ahead and not before any part's removal."""
    now = utcnow()
    if at is None:
        return now
    removed = unit.session.scalar(
        select(func.max(SwapRow.swapped_at)).where(SwapRow.removed_unit_id.in_([r.id for r in rows]))
    )
    return at.checked(zone, now, as_datetime(removed) if removed is not None else None, _("the parts' removal"))
