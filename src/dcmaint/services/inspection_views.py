"""Reading inspections back: the list of runs, and one run whole (results, findings, scores and trends).

The trend of a device or a system compares its score with the previous
inspection of the same site (``domain.health_score.trend``); the history is
the site's last inspections, oldest first, for the report's trend chart.
"""

from __future__ import annotations

import json
from collections import defaultdict

from dcmaint.domain import health_score
from dcmaint.domain.inspection_records import Answer, DeviceResult, Finding, RunDetail, RunListing
from dcmaint.errors import UsageError
from dcmaint.i18n import _
from dcmaint.services.context import Context
from dcmaint.services.zones import Zoned, site_zones
from dcmaint.store.reader import Reader, Row, as_date, as_datetime

HISTORY = 12  # inspections shown in the trend chart
_RUNS = (
    "SELECT r.id, s.name AS site, s.id AS site_id, r.started_at, r.engineer, r.score, "
    "(SELECT count(*) FROM inspection_results x WHERE x.run_id = r.id AND x.device_id IS NOT NULL) AS devices, "
    "(SELECT count(*) FROM inspection_findings f WHERE f.run_id = r.id) AS findings "
    "FROM inspection_runs r JOIN sites s ON s.id = r.site_id"
)


def _previous(reader: Reader, row: Row) -> Row | None:
    rows = reader.rows(
        f"{_RUNS} WHERE r.site_id = :site AND (r.started_at < :at OR (r.started_at = :at AND r.id < :id)) "
        "ORDER BY r.started_at DESC, r.id DESC LIMIT 1",
        {"site": row["site_id"], "at": row["started_at"], "id": row["id"]},
    )
    return rows[0] if rows else None


def _listing(reader: Reader, row: Row) -> RunListing:
    before = _previous(reader, row)
    score = row["score"]
    return RunListing(
        int(row["id"]),
        str(row["site"]),
        as_datetime(row["started_at"]),
        row["engineer"],
        int(row["devices"]),
        int(row["findings"]),
        score,
        health_score.trend(score, before["score"] if before is not None else None),
    )


def runs(context: Context, site: str | None = None) -> Zoned[list[RunListing]]:
    """Every inspection (of ``site``), newest first, with the sites' time zones (entry point)."""
    from dcmaint.store import queries

    with context.read() as reader:
        if site is not None:
            queries.site(reader, site)
            rows = reader.rows(f"{_RUNS} WHERE s.name = :site ORDER BY r.started_at DESC, r.id DESC", {"site": site})
        else:
            rows = reader.rows(f"{_RUNS} ORDER BY r.started_at DESC, r.id DESC")
        return Zoned([_listing(reader, row) for row in rows], site_zones(reader))


def _run_row(reader: Reader, run_id: int) -> Row:
    rows = reader.rows(f"{_RUNS} WHERE r.id = :id", {"id": run_id})
    if not rows:
        raise UsageError(_("unknown inspection {value!r}").format(value=run_id))
    return rows[0]


def _results(reader: Reader, run_id: int) -> list[Row]:
    return reader.rows(
        "SELECT x.device_id, coalesce(d.name, '') AS device, x.system, x.status, x.answers, x.score "
        "FROM inspection_results x LEFT JOIN devices d ON d.id = x.device_id WHERE x.run_id = :run "
        "ORDER BY x.system, device",
        {"run": run_id},
    )


def _systems(rows: list[Row]) -> dict[str, int]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        grouped[str(row["system"])].append(int(row["score"]))
    return {system: health_score.system_score(scores) or 0 for system, scores in sorted(grouped.items())}


def detail(context: Context, run_id: int) -> RunDetail:
    """One inspection whole (entry point): what ``inspect show`` and ``inspect report`` read."""
    with context.read() as reader:
        return _detail(reader, run_id)


def _detail(reader: Reader, run_id: int) -> RunDetail:
    from dcmaint.store import queries

    row = _run_row(reader, run_id)
    site = queries.site(reader, str(row["site"]))
    before = _previous(reader, row)
    results = _results(reader, run_id)
    earlier = _results(reader, int(before["id"])) if before is not None else []
    earlier_scores = {(r["device_id"], r["system"]): int(r["score"]) for r in earlier}
    answers: list[Answer] = []
    device_results = []
    for r in results:
        given = json.loads(str(r["answers"]))
        answers += [Answer(str(r["device"]), a["item"], a["answer"], a["ok"], a["note"]) for a in given]
        device_results.append(
            DeviceResult(
                str(r["device"]),
                str(r["system"]),
                str(r["status"]),
                len(given),
                sum(1 for a in given if not a["ok"]),
                int(r["score"]),
                health_score.trend(int(r["score"]), earlier_scores.get((r["device_id"], r["system"]))),
            )
        )
    now_systems, then_systems = _systems(results), _systems(earlier)
    systems = tuple(
        (system, score, health_score.trend(score, then_systems.get(system))) for system, score in now_systems.items()
    )
    findings = tuple(
        Finding(
            str(f["device"]),
            str(f["source"]),
            str(f["item"]),
            str(f["health"]),
            str(f["description"]),
            str(f["outcome"]),
            as_date(f["downtime_on"]),
            f["note"],
            f["ticket_ref"],
        )
        for f in reader.rows(
            "SELECT coalesce(d.name, '') AS device, f.source, f.item, f.health, f.description, f.outcome, "
            "f.downtime_on, f.note, f.ticket_ref FROM inspection_findings f LEFT JOIN devices d ON d.id = f.device_id "
            "WHERE f.run_id = :run ORDER BY f.id",
            {"run": run_id},
        )
    )
    history = reader.rows(
        "SELECT started_at, score FROM inspection_runs WHERE site_id = :site AND score IS NOT NULL "
        "AND (started_at < :at OR (started_at = :at AND id <= :id)) ORDER BY started_at DESC, id DESC LIMIT :n",
        {"site": row["site_id"], "at": row["started_at"], "id": run_id, "n": HISTORY},
    )
    return RunDetail(
        _listing(reader, row),
        site.timezone,
        site.customer,
        site.contract_no,
        tuple(device_results),
        findings,
        tuple(answers),
        systems,
        tuple((as_datetime(h["started_at"]), int(h["score"])) for h in reversed(history)),
    )
