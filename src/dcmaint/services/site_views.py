"""What ``site list`` and ``site show`` read: the sites, and one site with its depot deadline and stock.

The contract gives the contractor N working days after signing to stock the
spare depot. Whether that date is a worry depends on the depot, not on the
calendar alone: a depot stocked to its recommended levels has met its
deadline however long ago the date passed, and only a depot still short is
overdue. :func:`deadline_of` is that rule; the view carries its verdict so
every caller (a table, JSON, a web page) words the date the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from dcmaint.domain.levels import OK, depot_complete
from dcmaint.domain.records import Site
from dcmaint.services.context import Context
from dcmaint.store import queries


def sites(context: Context) -> list[Site]:
    """Every site, by name (entry point)."""
    with context.read() as reader:
        return queries.sites(reader)


class Deadline(Enum):
    """Where a site stands against its depot deadline."""

    UNKNOWN = "unknown"  # no date: no signing date, or a year no calendar covers
    MET = "met"  # the depot is complete, whatever the date
    OPEN = "open"  # still short, and the date is today or ahead
    OVERDUE = "overdue"  # still short, and the date has passed


def deadline_of(due: date | None, complete: bool, today: date) -> Deadline:
    """The verdict on a depot deadline: a complete depot is never overdue, a short one past its date is."""
    if due is None:
        return Deadline.UNKNOWN
    if complete:
        return Deadline.MET
    return Deadline.OPEN if today <= due else Deadline.OVERDUE


@dataclass(frozen=True)
class DepotView:
    """A site's spare depot against its contract deadline.

    :param due: the N-th working day after signing, or None (``due_error`` says why)
    :param due_error: the one-line reason there is no date, or None
    :param working_days: N, the contract's working days after signing
    :param complete: every part of the installed base is stocked to its recommended level
    :param short: parts short of their level, or without the data to judge them
    :param deadline: the verdict, from ``due``, ``complete`` and ``today``
    :param days_left: calendar days from ``today`` to ``due`` in the site's zone (negative once past), or None
    """

    due: date | None
    due_error: str | None
    working_days: int
    complete: bool
    short: int
    deadline: Deadline
    days_left: int | None


@dataclass(frozen=True)
class SiteView:
    """One site as ``site show`` presents it."""

    site: Site
    depot: DepotView

    def as_json(self) -> dict[str, Any]:
        """The site's keys, then ``depot_due``, ``depot_due_error`` and ``depot_complete`` (docs/json.md)."""
        return {
            **self.site.as_json(),
            "depot_due": self.depot.due.isoformat() if self.depot.due else None,
            "depot_due_error": self.depot.due_error,
            "depot_complete": self.depot.complete,
        }


def show(context: Context, name: str, today: date | None = None) -> SiteView:
    """One site with its depot deadline and stock (entry point); ``today`` defaults to the site's own date."""
    from dcmaint.services.calendars import depot_due
    from dcmaint.services.levels import levels

    with context.read() as reader:
        site = queries.site(reader, name)
        lines = levels(reader, name)
    due = depot_due(site)
    complete = depot_complete(lines)
    today = today or datetime.now(ZoneInfo(site.timezone)).date()
    depot = DepotView(
        due=due.due,
        due_error=due.error,
        working_days=due.working_days,
        complete=complete,
        short=sum(1 for line in lines if line.status != OK),
        deadline=deadline_of(due.due, complete, today),
        days_left=(due.due - today).days if due.due is not None else None,
    )
    return SiteView(site, depot)
