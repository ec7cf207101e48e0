"""`report monthly` of a site with 1,000 devices and a year of tickets, as PDF, HTML and Markdown.

    python benchmarks/reports.py [--devices 1000] [--per-day 12] [--backend sqlite|postgresql|both] [--runs 5] [--quick]

1. Seeds a store (a temporary SQLite file or a private PostgreSQL schema,
   dropped at the end) through the migrations, then bulk rows
   (benchmarks/reports_data.py): one site of --devices devices of every kind
   with their power supplies and disks (catalogued part numbers, so the depot
   section has lines), --per-day tickets a day over the last twelve months
   (7 % late, 8 % paused, most signed and scored, the last ones still open),
   a swap for one restored ticket in five and the removed parts handed over
   month by month.
2. In this process, on one reader: the store's side of the report
   (`services.monthly_report.figures_of`: the five set-based statements, the
   depot's levels and the arithmetic) for the last complete month, --runs
   timed runs after a warm-up; the baseline, in the same run, is the same
   report asked of a quiet month of the same store (the first of the twelve).
3. The real command once per format, end to end, as a separate process:
   `dcmaint report monthly --site hq --month M --format F --output FILE`,
   with its wall time and its peak memory (the child's maximum resident set).

Target: each format end to end under 5 s. Exit status 1 when a check fails,
3 when every check passed but a target was missed (a smoke test accepts 3:
tests never assert timings), 0 otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import (
    arguments,
    backends,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    print_checks,
    repeated,
    scratch_home,
    scratch_store,
    store_arguments,
    times,
    verdict,
)
from reports_data import BEIJING, SITE, seed

FORMATS = ("pdf", "html", "md")
TARGET_SECONDS = 5.0


@dataclass
class Outcome:
    backend: str
    walls: dict[str, float] = field(default_factory=dict)
    checks: list[tuple[bool, str]] = field(default_factory=list)


def last_full_month(now: datetime) -> date:
    local = now.astimezone(BEIJING).date().replace(day=1)
    return (local - timedelta(days=1)).replace(day=1)


def first_month(now: datetime) -> date:
    local = (now - timedelta(days=330)).astimezone(BEIJING).date()
    return local.replace(day=1)


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.Popen[bytes]]:
    """Wall seconds and peak memory (MB) of one run of ``argv`` as a separate process; a failure stops here."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {process.stderr.read().decode().strip()}")
    return wall, usage.ru_maxrss / 1024, process


def measure(backend: str, args: Any) -> Outcome:
    from dcmaint.services.monthly_report import figures_of
    from dcmaint.store.reader import open_reader

    outcome = Outcome(backend)
    now = datetime.now(UTC).replace(microsecond=0)
    month, quiet = last_full_month(now), first_month(now)
    with scratch_store(backend, args.pg_url, "reports") as store:
        print(f"\n== {backend} ==")
        planned, seconds = seed(store.url, args.devices, args.per_day, now, args.seed)
        counted = {t: len(r) for t, r in planned.rows.items()}
        print(
            f"seeded {counted['devices']:,} devices, {counted['components']:,} components, "
            f"{counted['tickets']:,} tickets, {counted.get('swaps', 0):,} swaps, "
            f"{counted.get('handovers', 0)} handovers in {seconds:.1f} s"
        )
        with open_reader(store.url) as reader:
            busy, figures = repeated(lambda: figures_of(reader, SITE, month, now), args.runs)
            calm, _quiet = repeated(lambda: figures_of(reader, SITE, quiet, now), args.runs)
        print(f"in this process, one reader, {args.runs} runs after a warm-up:")
        print(
            f"  the store's side of report monthly {month:%Y-%m}: median {busy.median_ms:.1f} ms, "
            f"p95 {busy.p95_ms:.1f} ms ({figures.reported} tickets reported, {figures.restored} restored, "
            f"{len(figures.breaches)} breaches, {len(figures.swaps)} swaps, {len(figures.levels)} depot lines)"
        )
        print(
            f"    baseline, the same for {quiet:%Y-%m}: median {calm.median_ms:.1f} ms "
            f"-> {times(busy.median_ms, calm.median_ms, 2)}"
        )
        expected = planned.tickets_by_month.get(f"{month:%Y-%m}", 0)
        outcome.checks.append((figures.reported == expected, f"the month's tickets are the {expected} seeded"))
        outcome.checks.append((bool(figures.levels), "the depot has lines"))
        with scratch_home("reports-home") as home:
            env = clean_env(home, DCMAINT_DB_URL=store.text, DCMAINT_LANG="en")
            for fmt in FORMATS:
                target = home / f"report.{fmt}"
                argv = ["report", "monthly", "--site", SITE, "--month", f"{month:%Y-%m}", "--format", fmt]
                wall, peak, _done = run_measured([*dcmaint(), *argv, "--output", str(target)], env)
                outcome.walls[fmt] = wall
                size = target.stat().st_size
                print(
                    f"  end to end, `dcmaint {' '.join(argv)}`: {wall:.2f} s, peak memory {peak:.0f} MB "
                    f"({size / 1024:.0f} KB)"
                )
                outcome.checks.append((_looks_right(fmt, target, figures.reported), f"{fmt}: the report is whole"))
    return outcome


def _looks_right(fmt: str, path: Path, reported: int) -> bool:
    data = path.read_bytes()
    if fmt == "pdf":
        return data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    text = data.decode("utf-8")
    if fmt == "html":
        return text.count("<svg") == 3 and text.rstrip().endswith("</html>")
    return f"- **本月报修工单**：{reported}\n" in text  # the report is in Chinese, the default


def parse_args() -> Any:
    parser = arguments(__doc__, "100 devices, 2 tickets a day, 2 runs")
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--per-day", type=float, default=12.0, help="tickets reported a day, on average")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the store's side")
    store_arguments(parser, default="sqlite")
    return parsed(parser, devices=100, per_day=2.0, runs=2)


def main() -> int:
    args = parse_args()
    print(f"{args.devices:,} devices, {args.per_day:g} tickets a day for a year, {machine()}")
    outcomes = [measure(backend, args) for backend in backends(args.backend)]
    print_checks(outcomes)
    print("targets (end to end, each format):")
    met = []
    for outcome in outcomes:
        for fmt, wall in outcome.walls.items():
            met.append(wall < TARGET_SECONDS)
            print(f"  {outcome.backend} {fmt}: {wall:.2f} s, target under {TARGET_SECONDS:.0f} s -> {verdict(met[-1])}")
    return exit_status(all(ok for o in outcomes for ok, _ in o.checks), all(met))


if __name__ == "__main__":
    sys.exit(main())
