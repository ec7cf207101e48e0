"""What ``dcmaint report`` reads: figures the office files (docs/reports.md)."""

from __future__ import annotations

from datetime import date

from dcmaint.domain.kpi import KpiReport
from dcmaint.services.context import Context
from dcmaint.store.kpi_queries import kpis


def kpi(context: Context, month: date, zone: str) -> KpiReport:
    """Staff KPIs from the tickets verified in the month starting ``month``, its bounds in ``zone`` (entry point)."""
    with context.read() as reader:
        return kpis(reader, month, zone)
