"""The monthly KPI query (the DB-API read path): one grouped statement, whatever the number of tickets.

The tickets are aggregated per assignee in the database, over a range of
``verified_at`` that ``ix_tickets_verified`` (verified_at, assignee_id)
serves, so a month of a million-ticket store is read without a Python loop
over tickets. Staff are joined afterwards so that every active engineer is
listed, with an empty tally when they had no verified ticket that month, and
so that anyone else (an engineer since made inactive, a PM who took a ticket)
still appears when tickets of theirs count. Every verified ticket has an
assignee: ``start`` needs one and staff with tickets cannot be removed.

"Verified" is the ``verified_at`` range alone: only ``ticket verify`` writes
that column, and no move leads out of verified or closed again (a test holds
the state machine to it). A ``state IN ('verified', 'closed')`` test would
say nothing more, and it misleads SQLite: without statistics (dcmaint never
runs ANALYZE) its planner prefers the equality on ``ix_tickets_state`` to the
range on ``ix_tickets_verified`` and reads every closed ticket: 0.93 s
instead of 24 ms for a month of a million-ticket store (benchmarks/tickets.py).
"""

from __future__ import annotations

from datetime import date

from dcmaint.domain.enums import StaffRole
from dcmaint.domain.kpi import KpiReport, Tally, month_bounds, report
from dcmaint.store.reader import Reader

_KPI = """
WITH counted AS (
    SELECT t.assignee_id AS staff_id, COUNT(*) AS tickets, COUNT(t.score) AS scored, SUM(t.score) AS score_sum,
           COUNT(t.sla_met) AS measured, SUM(CASE WHEN t.sla_met THEN 1 ELSE 0 END) AS met,
           COUNT(t.sla_elapsed_seconds) AS timed, SUM(t.sla_elapsed_seconds) AS elapsed_sum
    FROM tickets t
    WHERE t.verified_at >= :start AND t.verified_at < :end
    GROUP BY t.assignee_id
)
SELECT st.name AS engineer, c.tickets, c.scored, c.score_sum, c.measured, c.met, c.timed, c.elapsed_sum
FROM staff st LEFT JOIN counted c ON c.staff_id = st.id
WHERE c.staff_id IS NOT NULL OR (st.role = :engineer AND st.active = :active)
"""


def kpis(reader: Reader, month: date, zone: str) -> KpiReport:
    """Per engineer: tickets verified in ``month`` (boundaries in ``zone``), scores, SLA met, time to restore."""
    start, end = month_bounds(month, zone)
    rows = reader.rows(
        _KPI,
        {
            "start": reader.timestamp(start),
            "end": reader.timestamp(end),
            "engineer": StaffRole.ENGINEER.value,
            "active": True,
        },
    )
    tallies = {
        r["engineer"]: Tally(
            int(r["tickets"] or 0),
            int(r["scored"] or 0),
            int(r["score_sum"] or 0),
            int(r["measured"] or 0),
            int(r["met"] or 0),
            int(r["timed"] or 0),
            float(r["elapsed_sum"] or 0.0),
        )
        for r in rows
    }
    return report(month, zone, start, end, tallies)
