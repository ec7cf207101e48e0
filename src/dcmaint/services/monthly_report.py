"""``dcmaint report monthly``: the monthly service report of a site, read in one transaction, as a ``Sheet``.

The store is read with a few set-based statements (``store.monthly_queries``)
plus the depot's level lines (``services.levels``); the figures are
``domain.monthly``; the wording is ``forms.monthly``. The caller renders
the Sheet with ``forms.render.render_sheet`` like any other document, so
the report shares its templates and its PDF pipeline with the maintenance
form. The month's bounds are the site's own calendar month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from dcmaint.domain.kpi import month_bounds
from dcmaint.domain.monthly import Monthly, month_starts, monthly
from dcmaint.errors import NotFound, UsageError
from dcmaint.forms.content import Sheet
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.levels import levels
from dcmaint.store import monthly_queries
from dcmaint.store.queries import site as site_named
from dcmaint.store.reader import Reader


def monthly_report(context: Context, site: str, month: date, lang: str, now: datetime | None = None) -> Sheet:
    """The report of ``site`` for the month starting ``month``, worded in ``lang`` (checked) (entry point).

    An unknown site, or a month that has not begun yet in the site's time zone, is a UsageError naming it.
    """
    from dcmaint.forms.monthly import build

    now = now or datetime.now(UTC)
    with context.read() as reader:
        figures = figures_of(reader, site, month, now)
    return build(figures, lang, now)


def figures_of(reader: Reader, site: str, month: date, now: datetime) -> Monthly:
    """The month's figures, read from the store."""
    found = site_named(reader, site)
    row = reader.one("SELECT id FROM sites WHERE name = :name", {"name": found.name})
    if row is None:  # removed between the two reads
        raise NotFound(_("unknown site {name!r}").format(name=site))
    periods = [(first, *month_bounds(first, found.timezone)) for first in month_starts(month)]
    _month, start, end = periods[-1]
    if start > now:
        raise UsageError(
            _("month {month} has not begun yet at site {site} ({zone})").format(
                month=f"{month:%Y-%m}", site=found.name, zone=found.timezone
            )
        )
    site_id = int(row["id"])
    return monthly(
        (found.name, found.customer, found.contract_no, found.timezone),
        periods,
        monthly_queries.tickets(reader, site_id, periods[0][1], start, end),
        monthly_queries.swaps(reader, site_id, start, end),
        monthly_queries.removed_parts(reader, site_id, start, end),
        levels(reader, found.name),
    )
