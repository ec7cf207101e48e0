"""`inspect report` for a site of 1,000 devices with a year of monthly inspections: time and peak memory.

    python benchmarks/inspections.py [--devices 1000] [--inspections 12] [--backend sqlite|postgresql|both]
                                     [--runs 3] [--quick]

1. Seeds a store through the migrations, then rows written as `inspect run`
   writes them: one site, --devices devices (servers, storage, network, UPS,
   cooling), --inspections monthly inspections, each with a result per device
   and for the room, and findings on about 3 % of the devices (faults with
   their tickets' references, readings out of range, checks not ok; some
   needing downtime with a date, some returned to the factory).
2. In this process: the newest inspection's report built (`report_sheet`,
   every section, the charts and the trend over the inspections) and
   rendered as Markdown, HTML and PDF (`render_sheet`): --runs timed runs
   each after one warm-up, the median and the peak memory (tracemalloc) of
   the PDF's build and render.
3. The real command once per format, end to end, as a separate process:
   `dcmaint inspect report RUN --format pdf|html|md --lang zh --output FILE`.

Target (the issue's): each report end to end under 5 s. Exit status 1 when a
check fails, 3 when every check passed but a target was missed (a smoke test
may accept 3: tests never assert timings), 0 otherwise.
"""

from __future__ import annotations

import random
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta

from harness import (
    arguments,
    backends,
    check_line,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    repeated,
    run_timed,
    scratch_home,
    scratch_store,
    store_arguments,
    verdict,
)

TARGET_SECONDS = 5.0
KINDS = ("server", "server", "server", "storage", "network", "network", "ups", "cooling")
FORMATS = ("md", "html", "pdf")


def seed(url: object, devices: int, inspections: int, rng: random.Random) -> int:
    """The store's rows; the newest inspection's number."""
    from sqlalchemy.orm import Session

    from dcmaint.store import schema
    from dcmaint.store.engine import engine_for
    from dcmaint.store.models.inspections import InspectionFindingRow, InspectionResultRow, InspectionRunRow
    from dcmaint.store.models.registers import DeviceRow, SiteRow

    schema.upgrade(url)  # type: ignore[arg-type]
    with Session(engine_for(url)) as session, session.begin():  # type: ignore[arg-type]
        site = SiteRow(name="hq", customer="某市商业银行", contract_no="WB-2026-017", timezone="Asia/Shanghai")
        session.add(site)
        session.flush()
        rows = [
            DeviceRow(site_id=site.id, name=f"dev{n:04d}", kind=KINDS[n % len(KINDS)], covered=True)
            for n in range(1, devices + 1)
        ]
        session.add_all(rows)
        session.flush()
        start = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)
        last = 0
        for month in range(inspections):
            at = start + timedelta(days=30 * month)
            run = InspectionRunRow(site_id=site.id, started_at=at, finished_at=at + timedelta(hours=3), engineer="张伟")
            session.add(run)
            session.flush()
            scores = []
            for device in rows:
                score = 100 if rng.random() > 0.03 else rng.choice((90, 75, 65, 50))
                scores.append(score)
                session.add(
                    InspectionResultRow(
                        run_id=run.id, device_id=device.id, system=device.kind, status="ok", answers="[]", score=score
                    )
                )
                if score < 100:
                    session.add(_finding(run.id, device, score, at, rng))
            session.add(
                InspectionResultRow(
                    run_id=run.id,
                    device_id=None,
                    system="room",
                    status="checked",
                    score=90,
                    answers='[{"item":"room.humidity","answer":"68","ok":false,"note":null}]',
                )
            )
            session.add(InspectionFindingRow(run_id=run.id, device_id=None, source="reading", item="room.humidity",
                                             health="warning", description="68 %", outcome="downtime",
                                             downtime_on=(at + timedelta(days=14)).date()))  # fmt: skip
            run.score = (sum(scores) + 90) // (len(scores) + 1)
            last = run.id
    return last


def _finding(run_id: int, device: object, score: int, at: datetime, rng: random.Random) -> object:
    from dcmaint.store.models.inspections import InspectionFindingRow

    kind = rng.choice(("fault", "reading", "checklist"))
    outcome = rng.choice(("fixed", "downtime", "factory", "open"))
    return InspectionFindingRow(
        run_id=run_id,
        device_id=device.id,  # type: ignore[attr-defined]
        source=kind,
        item={"fault": "disk:Disk 3", "reading": "server.inlet", "checklist": "server.leds"}[kind],
        health="critical" if score < 70 else "warning",
        description={"fault": "predicted failure", "reading": "38 °C", "checklist": "not-ok"}[kind],
        outcome=outcome,
        downtime_on=(at + timedelta(days=10)).date() if outcome == "downtime" else None,
        ticket_ref=f"T-2026-{rng.randrange(1, 999999):06d}" if outcome != "fixed" else None,
    )


def main() -> int:
    parser = arguments(__doc__, "100 devices, 3 inspections, 1 run")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--inspections", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    store_arguments(parser, "sqlite")
    args = parsed(parser, devices=100, inspections=3, runs=1)
    from dcmaint.forms.render import render_sheet
    from dcmaint.services.context import Context
    from dcmaint.services.inspection_report import report_sheet

    print(f"inspect report: {args.devices} devices, {args.inspections} inspections ({machine()})")
    checks_ok = targets_met = True
    for backend in backends(args.backend):
        with scratch_store(backend, args.pg_url, "inspections") as store, scratch_home("inspections") as home:
            last = seed(store.url, args.devices, args.inspections, random.Random(args.seed))
            context = Context(store.url, "bench", "inspect report")
            for fmt in FORMATS:
                timing, content = repeated(
                    lambda fmt=fmt, context=context, last=last: render_sheet(report_sheet(context, last, "zh"), fmt),
                    args.runs,
                )
                print(f"{backend}: inspect report --format {fmt}, in process: median {timing.median_ms:.0f} ms")
                ok = content.startswith(b"%PDF") if fmt == "pdf" else f"dev{args.devices:04d}".encode() in content
                checks_ok &= ok
                print(check_line(ok, f"{backend}: {fmt}: the report lists the devices"))
            tracemalloc.start()
            render_sheet(report_sheet(context, last, "zh"), "pdf")
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{backend}: inspect report --format pdf, peak memory (tracemalloc): {peak / 2**20:.1f} MiB")
            env = clean_env(home, DCMAINT_DB_URL=store.text)
            for fmt in FORMATS:
                target = home / f"report.{fmt}"
                argv = [*dcmaint(), "inspect", "report", str(last), "--format", fmt, "--lang", "zh", "--output"]
                seconds, _done = run_timed([*argv, str(target)], env)
                met = seconds < TARGET_SECONDS
                targets_met &= met
                print(
                    f"{backend}: end to end, `dcmaint inspect report RUN --format {fmt}`: {seconds:.2f} s "
                    f"(target < {TARGET_SECONDS:g} s: {verdict(met)})"
                )
                ok = target.is_file() and target.stat().st_size > 0
                checks_ok &= ok
                print(check_line(ok, f"{backend}: end to end {fmt}: written"))
    return exit_status(checks_ok, targets_met)


if __name__ == "__main__":
    sys.exit(main())
