"""What ``rma list``, ``rma show`` and ``ticket show`` read (writes are in :mod:`dcmaint.services.rma`).

An RMA is overdue when its unit is still away after the repair department's
target date, read in its site's calendar; a loaner still installed after the
unit came back is flagged too (:func:`dcmaint.domain.rma.attention`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dcmaint.domain.rma import Loaner, RmaDetail, RmaLine, RmaState, RmaUnitKind, allowed, attention
from dcmaint.errors import NotFound, UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import queries, rma_queries
from dcmaint.store.reader import Rows
from dcmaint.store.rma_queries import RmaData

LIVE = (RmaState.OPEN.value, RmaState.SHIPPED.value, RmaState.RECEIVED.value)


@dataclass(frozen=True)
class RmaFilter:
    site: str | None = None
    states: tuple[str, ...] = LIVE  # every state but closed unless asked
    needs_action: bool = False  # only overdue ones and loaners left installed


def _today(data: RmaData, now: datetime) -> date:
    return now.astimezone(ZoneInfo(data.timezone)).date()


def unit_label(data: RmaData) -> str:
    """The unit as people name it: the device, or a part's serial and part number."""
    if data.unit_kind == RmaUnitKind.DEVICE.value:
        return data.device or ""
    return f"{data.part_serial} ({data.part_number})"


def _flags(data: RmaData, now: datetime) -> tuple[str, ...]:
    flags = attention(RmaState(data.state), data.target_date, _today(data, now), data.loaner is not None)
    return tuple(flag.value for flag in flags)


def line(data: RmaData, now: datetime) -> RmaLine:
    return RmaLine(
        data.ref,
        data.number,
        data.site,
        data.vendor,
        data.unit_kind,
        unit_label(data),
        data.serial,
        data.state,
        data.ticket,
        data.opened_at,
        data.shipped_at,
        data.received_at,
        data.target_date,
        data.loaner,
        _flags(data, now),
    )


def listing(context: Context, where: RmaFilter, now: datetime | None = None) -> Zoned[list[RmaLine]]:
    """RMAs by the filter, oldest first, with the sites' zones (entry point)."""
    now = now or datetime.now(UTC)
    with context.read() as reader:
        if where.site is not None:
            queries.site(reader, where.site)  # an unknown site is an error, not an empty list
        lines = [line(data, now) for data in rma_queries.rmas(reader, where.site, where.states)]
        zones = site_zones(reader)
    if where.needs_action:
        lines = [found for found in lines if found.flags]
    return Zoned(lines, zones)


def find_id(rows: Rows, text: str) -> int:
    """The one RMA a user's word names; a vendor number several RMAs share asks for our reference."""
    found = rma_queries.find_ids(rows, text)
    if not found:
        raise NotFound(_("unknown RMA {rma!r}").format(rma=text))
    if len(found) > 1:
        raise UsageError(
            _("RMA number {number!r} names {count} RMAs: give our reference (R-YYYY-NNNNNN)").format(
                number=text, count=len(found)
            )
        )
    return found[0]


def detail_of(rows: Rows, rma_id: int, now: datetime) -> RmaDetail:
    data = rma_queries.rma(rows, rma_id)
    loaners = tuple(
        Loaner(lo.device, lo.serial, lo.vendor, lo.model, lo.installed_at, lo.removed_at)
        for lo in rma_queries.loaners(rows, rma_id)
    )
    return RmaDetail(
        data.ref,
        data.number,
        data.site,
        data.vendor,
        data.unit_kind,
        unit_label(data),
        data.serial,
        data.returned_serial,
        data.state,
        data.ticket,
        data.reason,
        data.opened_at,
        data.shipped_at,
        data.carrier,
        data.tracking,
        data.received_at,
        data.closed_at,
        data.target_date,
        data.custody if data.unit_kind == RmaUnitKind.PART.value else None,
        _flags(data, now),
        tuple(
            allowed(
                RmaState(data.state),
                loaner_installed=data.loaner is not None,
                part=data.unit_kind == RmaUnitKind.PART.value,
            )
        ),
        loaners,
    )


def detail(context: Context, text: str, now: datetime | None = None) -> Zoned[RmaDetail]:
    """One RMA in full, by our reference or the vendor's number (entry point)."""
    with context.read() as reader:
        found = detail_of(reader, find_id(reader, text), now or datetime.now(UTC))
        zones = site_zones(reader)
    return Zoned(found, zones)


def of_ticket(rows: Rows, ticket: str) -> tuple[str, ...]:
    """The references of a ticket's RMAs, for ``ticket show``."""
    return tuple(data.ref for data in rma_queries.rmas(rows, ticket=ticket))
