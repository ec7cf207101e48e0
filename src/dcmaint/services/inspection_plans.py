"""Inspection plans: how often each site is inspected, agreed with the customer, and what is due.

A plan's next date is a date in the site's time zone; ``inspect run``
moves it on by the plan's frequency from the day the inspection was done.
``inspect due`` tells cron what is overdue (exit 1) or due within a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.inspection_records import Plan
from dcmaint.domain.inspections import due, frequency_text, parse_frequency
from dcmaint.domain.parse import enum_value
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.store.reader import Reader, Row, as_date
from dcmaint.store.unit import UnitOfWork

_PLANS = (
    "SELECT p.id, s.name AS site, s.timezone, p.frequency, p.next_on, p.scope, p.agreed_with "
    "FROM inspection_plans p JOIN sites s ON s.id = p.site_id"
)


@dataclass(frozen=True)
class PlanDraft:
    site: str
    frequency: str  # as typed: monthly, quarterly, half-yearly, yearly, every N days/weeks
    first: date | None = None  # the first inspection's date; default: one period from today
    scope: tuple[str, ...] = ()
    agreed_with: str | None = None


def _today(zone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()


def _plan(row: Row, today: date | None = None) -> Plan:
    next_on = as_date(row["next_on"])
    assert next_on is not None  # a plan always has its next date
    return Plan(
        int(row["id"]),
        str(row["site"]),
        frequency_text(str(row["frequency"])),
        next_on,
        tuple(k for k in str(row["scope"]).split(",") if k),
        row["agreed_with"],
        due(next_on, today or _today(str(row["timezone"]))).days_left,
    )


def add(context: Context, draft: PlanDraft) -> Plan:
    """Record a plan agreed with the customer (entry point); the first date defaults to one period from today."""
    from dcmaint.domain.inspections import next_date

    frequency = parse_frequency(draft.frequency)
    kinds = tuple(dict.fromkeys(enum_value(DeviceKind, k, "--scope").value for k in draft.scope))
    with context.write() as unit:
        from dcmaint.services import sites
        from dcmaint.store.models.inspections import InspectionPlanRow

        site = sites.find(unit, draft.site)
        today = _today(site.timezone)
        first = draft.first or next_date(frequency, today)  # a past date: a plan already overdue when entered
        row = InspectionPlanRow(
            site_id=site.id,
            frequency=frequency,
            next_on=first,
            scope=",".join(kinds),
            agreed_with=draft.agreed_with,
            created_at=datetime.now(UTC),
        )
        unit.session.add(row)
        unit.session.flush()
        plan = _one(unit, row.id)
        unit.record("inspection_plan", f"{site.name}:{row.id}", "add", None, plan.as_json())
        return plan


def _one(unit: UnitOfWork, plan_id: int) -> Plan:
    rows = unit.rows(f"{_PLANS} WHERE p.id = :id", {"id": plan_id})
    return _plan(rows[0])


def plans(context: Context, site: str | None = None) -> list[Plan]:
    """Every plan (of ``site``), soonest first (entry point)."""
    with context.read() as reader:
        return _plans(reader, site)


def _plans(reader: Reader, site: str | None) -> list[Plan]:
    from dcmaint.store import queries

    if site is not None:
        queries.site(reader, site)  # an unknown site is an error, not an empty list
        rows = reader.rows(f"{_PLANS} WHERE s.name = :site ORDER BY p.next_on, p.id", {"site": site})
    else:
        rows = reader.rows(f"{_PLANS} ORDER BY p.next_on, p.id")
    return [_plan(row) for row in rows]


def plan(context: Context, plan_id: int) -> Plan:
    """One plan by its number (entry point)."""
    with context.read() as reader:
        rows = reader.rows(f"{_PLANS} WHERE p.id = :id", {"id": plan_id})
    if not rows:
        raise UsageError(_("unknown inspection plan {value!r}").format(value=plan_id))
    return _plan(rows[0])


def due_plans(context: Context, within: timedelta, site: str | None = None) -> list[Plan]:
    """Plans overdue or due within ``within`` (entry point), soonest first."""
    return [p for p in plans(context, site) if p.days_left <= within.days]
