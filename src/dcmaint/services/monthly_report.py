"""``dcmaint report monthly``: the monthly service report of a site, read in one transaction, as a ``Sheet``.

The store is read with a few set-based statements (``store.monthly_queries``)
plus the depot's level lines (``services.levels``) and the preventive tasks
(``services.pm_views``, the reads ``pm due`` and ``pm history`` make); the figures are
``domain.monthly``; the wording is ``forms.monthly``. The caller renders
the Sheet with ``forms.render.render_sheet`` like any other document, so
the report shares its templates and its PDF pipeline with the maintenance
form. The month's bounds are the site's own calendar month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain.kpi import month_bounds
from dcmaint.domain.monthly import MaintenanceDone, MaintenanceOverdue, Monthly, Proactive, month_starts, monthly
from dcmaint.domain.preventive import TaskState
from dcmaint.errors import NotFound, UsageError
from dcmaint.forms.content import Sheet
from dcmaint.i18n import _
from dcmaint.services import pm_catalogue, pm_views
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
    today = now.astimezone(ZoneInfo(found.timezone)).date()
    return monthly(
        (found.name, found.customer, found.contract_no, found.timezone),
        periods,
        monthly_queries.tickets(reader, site_id, periods[0][1], start, end),
        monthly_queries.swaps(reader, site_id, start, end),
        monthly_queries.removed_parts(reader, site_id, start, end),
        levels(reader, found.name),
        Proactive(
            inspections=tuple(monthly_queries.inspections(reader, site_id, start, end)),
            plans_overdue=tuple(monthly_queries.plans_overdue(reader, site_id, today)),
            maintenance_done=tuple(
                MaintenanceDone(line.task, _names(line.task_type), line.done_at, line.engineer, line.on_time)
                for line in pm_views.history_lines(
                    reader, pm_views.HistoryFilter(site=found.name, since=start, until=end)
                )
            ),
            maintenance_overdue=tuple(
                MaintenanceOverdue(line.task, _names(line.task_type), line.next_due, line.forward_reason)
                for line in pm_views.task_lines(
                    reader, pm_views.TaskFilter(site=found.name, due_within=timedelta(0)), now
                )
                if line.state == TaskState.OVERDUE.value
            ),
        ),
    )


def _names(task_type: str) -> tuple[str, str]:
    """A task type's names in Chinese and English; its id when the type is no longer shipped."""
    found = next((task for task in pm_catalogue.shipped() if task.id == task_type), None)
    return (found.name("zh"), found.name("en")) if found is not None else (task_type, task_type)
