"""What the depot's lists and shows read: the catalogue, stock, swaps, custody and consents.

Writes are in :mod:`dcmaint.services.stock`, :mod:`~dcmaint.services.catalogue`,
:mod:`~dcmaint.services.swap`, :mod:`~dcmaint.services.custody` and
:mod:`~dcmaint.services.consents`; stock levels in :mod:`~dcmaint.services.levels`
and matching in :mod:`~dcmaint.services.matching`.
"""

from __future__ import annotations

from dcmaint.domain.parts import Part, StockUnit
from dcmaint.domain.swaps import Consent, CustodyLine, SwapRecord
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store import spare_queries, swap_queries
from dcmaint.store.spare_queries import StockFilter

__all__ = ["StockFilter", "consents", "custody", "part", "parts", "stock", "stock_unit", "swaps"]


def parts(context: Context, part_class: str | None = None, vendor: str | None = None) -> list[Part]:
    """Catalogue parts, only of ``part_class`` and ``vendor`` (any case) when given (entry point)."""
    with context.read() as reader:
        return spare_queries.parts(reader, part_class, vendor)


def part(context: Context, number: str) -> Part:
    """One catalogue part, found by any of its numbers (entry point)."""
    with context.read() as reader:
        return spare_queries.part(reader, number)


def stock(context: Context, where: StockFilter | None = None) -> list[StockUnit]:
    """The depots' stock units ``where`` selects (all without one) (entry point)."""
    with context.read() as reader:
        return spare_queries.stock(reader, where or StockFilter())


def stock_unit(context: Context, serial: str) -> StockUnit:
    """One spare by serial (entry point)."""
    with context.read() as reader:
        return spare_queries.stock_unit(reader, serial)


def swaps(
    context: Context, site: str | None = None, device: str | None = None, ticket: str | None = None
) -> Zoned[list[SwapRecord]]:
    """Recorded swaps, oldest first, only of ``site``, ``device`` and ``ticket`` when given, with the sites' time
    zones (entry point)."""
    with context.read() as reader:
        return Zoned(swap_queries.swaps(reader, site, device, ticket), site_zones(reader))


def custody(context: Context, site: str | None = None, include_handed_over: bool = False) -> Zoned[list[CustodyLine]]:
    """Removed parts still kept on site, and with ``include_handed_over`` those the customer has, with the sites'
    time zones (entry point)."""
    with context.read() as reader:
        return Zoned(swap_queries.custody(reader, site, include_handed_over), site_zones(reader))


def consents(context: Context, site: str | None = None) -> list[Consent]:
    """The customer's recorded consents to fit substitutes (entry point)."""
    with context.read() as reader:
        return swap_queries.consents(reader, site)
