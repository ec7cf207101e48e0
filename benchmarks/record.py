"""`health --record` at fleet scale: what recording adds to a poll, and many collectors on one PostgreSQL.

    python benchmarks/record.py [--count 1000] [--latency 50] [--collectors 10] [--devices 1000]
                                [--rounds 4] [--overlap 1] [--chunk 250] [--backend both] [--quick]

1. Fleet (each backend of --backend): `dcmaint sim redfish --count N` (a few
   parts broken), its N BMCs registered in a fresh store. `dcmaint health`
   (poll only) and `dcmaint health --record` (poll and record; the first
   run inserts the installed base, the later ones are the steady state) are
   timed as separate processes, alternating (poll, first, steady, poll,
   steady, poll, then a first recording into a second fresh store) and
   each taken at its fastest run, so that a slow spell of
   the machine does not fall on one side only; the target: recording adds
   at most 25 % to the poll's wall time. Baseline in the same run: the stored polls replayed
   as a newer run and recorded in-process with --chunk devices per
   transaction, then with one device per transaction (per-device round
   trips and commits: what recording cost before it was set-based, in
   transactions at least; the pre-change code's own figures, measured by
   hand, are in docs/performance.md).
2. Collectors (PostgreSQL only): --collectors processes, each recording
   --devices devices of its own site, plus --overlap more processes recording
   the first site again (collectors sharing a site by mistake), all released
   together for --rounds rounds. Recording is isolated from polling: the
   reports the fleet's simulator gave are replayed as runs, a part broken on
   some devices in each round and mended on others (faults appear and clear),
   `--open-tickets` on. Checked: every fault recorded exactly once (the fault
   rows are the ones the rounds call for, none twice), each open fault has
   one monitoring ticket, no deadlock and no error reaching a collector (the
   collisions retried are counted from the dcmaint.store.retry log), the
   audit chain intact (`dcmaint db check`). Where the time goes: each
   collector times the phases of its recordings.

Exit status 1 when a check failed, 3 when only the 25 % target was missed.
"""

from __future__ import annotations

import json
import logging
import re
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import (
    PG_URL,
    Clients,
    arguments,
    backends,
    check_line,
    clean_env,
    dcmaint,
    exit_status,
    machine,
    parsed,
    register_devices,
    scratch_home,
    scratch_store,
    start_simulator,
    timed,
    verdict,
)

TARGET_OVERHEAD = 0.25
PASSWORD = "bench-password"
FAULTS = "bmc2:psu:2=critical,bmc5:fan:1=critical,bmc9:disk:1=critical"
PHASES = ("load", "locks", "polls and parts", "faults", "archive", "tickets", "audit", "commit")


# -- 1. a fleet polled and recorded --------------------------------------------


def health_wall(env: dict[str, str], timeout: float, *extra: str) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one `dcmaint health` process over the whole fleet; its JSON output, with what it says
    it recorded ("recorded N devices: O faults opened, ...") under ``record``."""
    argv = [*dcmaint(), "health", *extra, "--format", "json", "--concurrency", "1000", "--timeout", str(timeout)]
    seconds, done = timed(lambda: subprocess.run(argv, env=env, capture_output=True, text=True, check=False))
    if done.returncode not in (0, 1, 2, 3):  # ok, warning, critical, unknown (a device did not answer: checked)
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    output = json.loads(done.stdout)
    failed = [d for d in output["devices"] if d["status"] == "unknown"]
    if failed:
        print(f"  {len(failed)} devices did not answer {' '.join(extra) or 'the poll'}, e.g. {failed[0]}", flush=True)
    said = re.search(r"recorded (\d+) devices: (\d+) faults opened", done.stderr)
    output["record"] = {"devices": int(said[1]), "opened": int(said[2])} if said else {"devices": 0, "opened": 0}
    return seconds, output


def stored_run(url: Any, shift: timedelta) -> Any:
    """The stored polls replayed as a run taken ``shift`` after them (newer: every device is recorded again)."""
    from dcmaint.drivers.report import DeviceReport
    from dcmaint.drivers.result import PollResult
    from dcmaint.services.health import HealthRun
    from dcmaint.store.reader import as_datetime, open_reader

    sql = (
        "SELECT d.name AS device, s.name AS site, p.driver, p.report, p.polled_at, p.duration FROM device_polls p "
        "JOIN devices d ON d.id = p.device_id JOIN sites s ON s.id = d.site_id ORDER BY s.name, d.name"
    )
    with open_reader(url) as reader:
        rows = reader.rows(sql)
    results = tuple(
        PollResult.success(
            r["device"],
            r["driver"],
            DeviceReport.from_json(json.loads(r["report"])),
            r["duration"],
            as_datetime(r["polled_at"]) + shift,
            r["site"],
        )
        for r in rows
        if r["report"] is not None
    )
    now = datetime.now(UTC)
    return HealthRun(results, now, now)


def record_in_process(url: Any, run: Any, chunk: int) -> tuple[float, int]:
    """Seconds :func:`record_run` takes for ``run`` with ``chunk`` devices per transaction (the pre-change code,
    which has no chunks, records it in one), and the devices it recorded."""
    import inspect

    from dcmaint.services.context import Context
    from dcmaint.services.recording import record_run

    context = Context(url, "bench", "health --record")
    if "chunk" in inspect.signature(record_run).parameters:
        return timed(lambda: record_run(context, run, open_tickets=False, chunk=chunk))[0], len(run.results)
    return timed(lambda: record_run(context, run, open_tickets=False))[0], len(run.results)


def fleet(args: Any, backend: str, endpoints: list[dict], workdir: Path) -> tuple[list[tuple[bool, str]], bool, Path]:
    """Part 1 on one backend: the figures printed; its checks, whether the target was met, and the reports kept
    for part 2 (a JSON file of the healthy devices' reports)."""
    with scratch_store(backend, args.pg_url, "record") as store:
        env = _fleet_registered(store.text, workdir / f"home-{backend}", endpoints, workdir)
        # poll and record alternate, so that a slow spell of the machine falls on both; each is taken at its
        # least disturbed run (the minimum); a store's first recording (the installed base inserted) runs once
        # per store, so its second run is into a second store, after the last poll
        poll, polled = health_wall(env, args.timeout)
        first, recorded = health_wall(env, args.timeout, "--record")
        steady, again = health_wall(env, args.timeout, "--record")
        poll_after, polled_after = health_wall(env, args.timeout)
        steady_after, again_after = health_wall(env, args.timeout, "--record")
        poll_last, polled_last = health_wall(env, args.timeout)
        first_again, recorded_again = _first_into_fresh_store(args, backend, endpoints, workdir)
        polls, steadies, firsts = (poll, poll_after, poll_last), (steady, steady_after), (first, first_again)
        poll, steady, first = min(polls), min(steadies), min(firsts)
        record_in_process(store.url, stored_run(store.url, timedelta(0)), args.chunk)  # warm: imports, connections
        batched, replayed = record_in_process(store.url, stored_run(store.url, timedelta(minutes=1)), args.chunk)
        single, _replayed = record_in_process(store.url, stored_run(store.url, timedelta(minutes=2)), 1)
        templates = workdir / "reports.json"
        run = stored_run(store.url, timedelta(0))
        healthy = [r.report.as_json() for r in run.results if r.report is not None and r.report.status.value == "ok"]
        templates.write_text(json.dumps(healthy), encoding="utf-8")
    n = args.count
    print(f"\n{backend}: {n} simulated BMCs, {args.latency} ms added to every request, {machine()}")
    print(f"  poll only (dcmaint health):              wall {poll:7.2f} s   (the runs: {_runs(polls)})")
    for label, seconds, runs in (
        ("first, the installed base inserted", first, firsts),
        ("again, the steady state", steady, steadies),
    ):
        extra = (seconds - poll) / poll
        print(
            f"  poll + record, {label:<26} wall {seconds:7.2f} s   recording adds {extra:+6.1%}"
            f"   (the runs: {_runs(runs)})"
        )
    print(
        f"  recording alone, in-process, {args.chunk} devices per transaction: {batched:6.2f} s "
        f"({batched / max(replayed, 1) * 1000:.2f} ms per device, {replayed} devices)"
    )
    print(
        f"  baseline, one device per transaction:                 {single:6.2f} s "
        f"({single / max(replayed, 1) * 1000:.2f} ms per device, {single / batched:.1f}x the batched time)"
    )
    silent = max(
        output["counts"].get("unknown", 0)
        for output in (polled, recorded, again, polled_after, again_after, polled_last, recorded_again)
    )
    checks = [
        (silent == 0, f"every device answered every poll: {n - silent} of {n} at least"),
        (again["record"]["devices"] == n, f"every device was recorded: {again['record']['devices']} of {n}"),
        (again["record"]["opened"] == 0, f"the second recording opened no fault again: {again['record']['opened']}"),
        (recorded["record"]["opened"] >= 3, f"the broken parts opened faults: {recorded['record']['opened']}"),
    ]
    met = max(first, steady) <= poll * (1 + TARGET_OVERHEAD)
    print(f"  target: recording adds <= {TARGET_OVERHEAD:.0%} to the poll's wall time: {verdict(met)}")
    return checks, met, templates


def _first_into_fresh_store(
    args: Any, backend: str, endpoints: list[dict], workdir: Path
) -> tuple[float, dict[str, Any]]:
    """A second first recording: the fleet registered in another fresh store and recorded once."""
    with scratch_store(backend, args.pg_url, "record-first") as store:
        env = _fleet_registered(store.text, workdir / f"home-{backend}-first", endpoints, workdir)
        return health_wall(env, args.timeout, "--record")


def _fleet_registered(store: str, home: Path, endpoints: list[dict], workdir: Path) -> dict[str, str]:
    """The simulator's BMCs registered in ``store`` (a fresh one) as site "fleet"; the environment to run in."""
    env = clean_env(home, DCMAINT_DB_URL=store, DCMAINT_LANG="en")
    env["BMC_PASSWORD"] = PASSWORD
    register_devices(env, "fleet", [(f"bmc{n:04d}", e["url"]) for n, e in enumerate(endpoints, 1)], workdir)
    return env


def _runs(seconds: tuple[float, ...]) -> str:
    return ", ".join(f"{value:.2f} s" for value in seconds)


# -- 2. collectors on one PostgreSQL ------------------------------------------


def faulty(device: int, round_: int) -> bool:
    """Whether device ``device`` shows its broken part in round ``round_``: a fifth of the fleet, changing."""
    return (device * 7 + round_ * 3) % 10 < 2


def expected(devices: int, rounds: int) -> tuple[int, int]:
    """Fault rows the rounds call for (a part broken again after a mended round is a new fault), and faults open
    after the last round, for one site."""
    rows = sum(1 for d in range(devices) for r in range(rounds) if faulty(d, r) and (r == 0 or not faulty(d, r - 1)))
    return rows, sum(1 for d in range(devices) if faulty(d, rounds - 1))


class _Phases:
    """Seconds spent in each phase of recording, from wrappers around the functions that do it (one process)."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()

    def wrap(self, owner: Any, name: str, phase: str) -> None:
        original = getattr(owner, name)

        def timed_call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - start

        setattr(owner, name, timed_call)

    def install(self) -> None:
        from sqlalchemy.orm import SessionTransaction

        from dcmaint.services import archive, fault_tickets, recording_batch, verify
        from dcmaint.store import health_bulk
        from dcmaint.store.unit import UnitOfWork

        for name in ("devices_named", "poll_times", "parts", "open_faults"):
            self.wrap(health_bulk, name, "load")
        self.wrap(verify, "pending_swaps", "load")
        self.wrap(UnitOfWork, "serialise", "locks")
        for name in ("insert_rows", "update_rows", "touch_parts"):
            self.wrap(health_bulk, name, "polls and parts")
        for name in ("_plan_faults", "_note"):
            self.wrap(recording_batch, name, "faults")
        self.wrap(archive, "archive_polls", "archive")
        self.wrap(fault_tickets, "open_for_faults", "tickets")
        self.wrap(UnitOfWork, "_append_audit", "audit")
        self.wrap(SessionTransaction, "commit", "commit")


class _Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def collector(
    index: int,
    url: str,
    site: str,
    templates: str,
    devices: int,
    rounds: int,
    chunk: int,
    offset: float,
    *channels: Any,
) -> None:
    """One collector process: records its site's devices once per round, when released."""
    barrier, results = channels
    from dataclasses import replace

    from dcmaint.drivers.model import Health
    from dcmaint.drivers.report import DeviceReport
    from dcmaint.drivers.result import PollResult
    from dcmaint.services.context import Context
    from dcmaint.services.health import HealthRun
    from dcmaint.services.recording import record_run
    from dcmaint.store.urls import parse

    reports = [DeviceReport.from_json(data) for data in json.loads(Path(templates).read_text(encoding="utf-8"))]
    retries = _Retries()
    logging.getLogger("dcmaint.store.retry").addHandler(retries)
    logging.getLogger("dcmaint.store.retry").setLevel(logging.INFO)
    phases = _Phases()
    phases.install()
    context = Context(parse(url), f"collector-{index}", "health --record")
    base = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    for round_ in range(rounds):
        when = base + timedelta(minutes=5 * round_, seconds=offset * (1 if round_ % 2 else -1))
        polls = []
        for d in range(devices):
            report = reports[d % len(reports)]
            if faulty(d, round_):
                broken = replace(report.components[0], health=Health.CRITICAL, reason="bench: failed part")
                report = replace(report, components=(broken, *report.components[1:]))
            polls.append(PollResult.success(f"dev{d:04d}", "redfish", report, 0.1, when, site))
        run = HealthRun(tuple(polls), when, when)
        barrier.wait()
        start = time.perf_counter()
        error, opened = None, 0
        try:
            _summary, tickets = record_run(context, run, open_tickets=True, chunk=chunk)
            opened = len(tickets or ())
        except Exception as exc:  # noqa: BLE001 - an error reaching the user: the check below fails on it
            error = f"{type(exc).__name__}: {exc}"
        took = time.perf_counter() - start
        outcome = {"wall": took, "error": error, "tickets": opened, "retries": retries.count}
        results.put((round_, {**outcome, "phases": dict(phases.seconds), "index": index}))


def collectors(args: Any, templates: Path, workdir: Path) -> list[tuple[bool, str]]:
    """Part 2: the figures printed; its checks."""
    with scratch_store("postgresql", args.pg_url, "collect") as store:
        env = clean_env(workdir / "home-collect", DCMAINT_DB_URL=store.text, DCMAINT_LANG="en")
        sites = [f"site{n:02d}" for n in range(1, args.collectors + 1)]
        for site in sites:
            rows = [(f"dev{d:04d}", f"redfish+http://127.0.0.1:{9000 + d}") for d in range(args.devices)]
            register_devices(env, site, rows, workdir)
        plan = [(n, site, 0.0) for n, site in enumerate(sites)]
        plan += [(len(plan) + n, sites[0], 0.5) for n in range(args.overlap)]
        per_client = [
            (n, store.text, site, str(templates), args.devices, args.rounds, args.chunk, offset)
            for n, site, offset in plan
        ]
        walls: list[float] = []
        outcomes: list[dict] = []
        preload = ["dcmaint.services.recording", "dcmaint.drivers.report", "sqlalchemy.orm", "psycopg"]
        with Clients(collector, per_client, preload) as clients:
            for _round in range(args.rounds):
                clients.release()
                start = time.perf_counter()
                found = clients.outcomes()
                walls.append(time.perf_counter() - start)
                outcomes.extend(found)
        counts = _store_counts(store.url)
        check = subprocess.run([*dcmaint(), "db", "check"], env=env, capture_output=True, text=True)
    return _report(args, plan, walls, outcomes, counts, check)


def _store_counts(url: Any) -> dict[str, int]:
    from dcmaint.store.reader import open_reader

    queries = {
        "faults": "SELECT count(*) AS n FROM faults",
        "open": "SELECT count(*) AS n FROM faults WHERE closed_at IS NULL",
        "doubled": "SELECT count(*) AS n FROM (SELECT device_id, kind, location FROM faults WHERE closed_at IS NULL "
        "GROUP BY device_id, kind, location HAVING count(*) > 1) x",
        "tickets": "SELECT count(*) AS n FROM tickets WHERE fault_id IS NOT NULL",
        "double tickets": "SELECT count(*) AS n FROM (SELECT fault_id FROM tickets WHERE fault_id IS NOT NULL "
        "GROUP BY fault_id HAVING count(*) > 1) x",
        "open without ticket": "SELECT count(*) AS n FROM faults f WHERE f.closed_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM tickets t WHERE t.fault_id = f.id)",
        "fault opens audited": "SELECT count(*) AS n FROM audit_log WHERE entity = 'fault' AND action = 'open'",
    }
    with open_reader(url) as reader:
        return {name: reader.rows(sql)[0]["n"] for name, sql in queries.items()}


def _report(
    args: Any, plan: list, walls: list[float], outcomes: list[dict], counts: dict[str, int], check: Any
) -> list[tuple[bool, str]]:
    rows, still_open = expected(args.devices, args.rounds)
    sites = args.collectors
    processes = len(plan)
    recorded = processes * args.devices * args.rounds
    print(
        f"\ncollectors: {processes} processes ({sites} sites, {args.overlap} more on {plan[0][1]}) x {args.devices} "
        f"devices, {args.rounds} rounds, {args.chunk} devices per transaction, one PostgreSQL, {machine()}"
    )
    print("  reports the fleet's simulator gave, replayed as runs (polling left out), --open-tickets on")
    for n, wall in enumerate(walls, 1):
        print(f"  round {n}: all collectors done in {wall:6.2f} s")
    total = sum(walls)
    print(f"  {recorded} device recordings in {total:.2f} s: {recorded / total:,.0f} per second")
    final = {o["index"]: o for o in outcomes}  # the last round's outcome of each collector holds its totals
    phases: Counter[str] = Counter()
    for outcome in final.values():
        phases.update(outcome["phases"])
    busy = sum(o["wall"] for o in outcomes)
    print(f"  where the time goes (all collectors, {busy:.1f} s of recording in all):")
    for phase in PHASES:
        print(f"    {phase:<16} {phases[phase]:8.2f} s  {phases[phase] / busy:6.1%}")
    other = busy - sum(phases[p] for p in PHASES)
    print(f"    {'other':<16} {other:8.2f} s  {other / busy:6.1%}  (flushes, building rows, waiting on locks)")
    retries = sum(o["retries"] for o in final.values())
    errors = [o["error"] for o in outcomes if o["error"]]
    print(f"  collisions retried (dcmaint.store.retry): {retries}; errors reaching a collector: {len(errors)}")
    for error in errors[:3]:
        print(f"    {error}")
    print(f"  store: {counts}")
    return [
        (not errors, f"no error reached a collector (no deadlock, no serialisation failure): {len(errors)}"),
        (counts["doubled"] == 0, f"no fault open twice in one slot: {counts['doubled']}"),
        (
            counts["faults"] == rows * sites,
            f"every fault recorded exactly once: {counts['faults']} rows, the rounds call for {rows * sites}",
        ),
        (counts["open"] == still_open * sites, f"faults open at the end: {counts['open']} of {still_open * sites}"),
        (counts["fault opens audited"] == counts["faults"], f"one audited opening per fault: {counts['faults']}"),
        (counts["double tickets"] == 0, f"no fault with two tickets: {counts['double tickets']}"),
        (counts["open without ticket"] == 0, f"every open fault has its ticket: {counts['open without ticket']}"),
        (check.returncode == 0, f"the audit chain is intact (dcmaint db check, exit {check.returncode})"),
    ]


def main() -> int:
    parser = arguments(__doc__, "20 BMCs, 3 collectors (+1 sharing a site) x 40 devices, 3 rounds, 16 per chunk")
    parser.add_argument("--count", type=int, default=1000, help="simulated BMCs polled and recorded")
    parser.add_argument("--latency", type=int, default=50, help="milliseconds added to every request")
    parser.add_argument("--collectors", type=int, default=10, help="collector processes, one site each")
    parser.add_argument("--devices", type=int, default=1000, help="devices of each collector's site")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--overlap", type=int, default=1, help="more collectors recording the first site again")
    parser.add_argument("--chunk", type=int, default=250, help="devices per transaction")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a poll may take (a busy machine)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--part", choices=("fleet", "collectors", "both"), default="both", help="what to run")
    args = parsed(parser, count=20, latency=5, collectors=3, devices=40, rounds=3, chunk=16)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    checks: list[tuple[bool, str]] = []
    met = True
    with scratch_home("record") as workdir, ExitStack() as stack:
        options = ("--count", str(args.count), "--faults", FAULTS, "--latency", str(args.latency))
        simulator, endpoints = start_simulator("redfish", workdir / "sim-home", *options)
        stack.callback(_stop, simulator)
        templates = workdir / "reports.json"
        for backend in backends(args.backend if args.part != "collectors" else "postgresql"):
            found, ok, templates = fleet(args, backend, endpoints, workdir)
            checks += [(passed, f"{backend}: {label}") for passed, label in found]
            met = met and ok
        if args.part != "fleet":
            checks += collectors(args, templates, workdir)
    print("\nchecks:")
    for passed, label in checks:
        print(f"  {check_line(passed, label)}")
    print("targets: " + ("all met" if met else f"MISSED recording adds <= {TARGET_OVERHEAD:.0%}"))
    return exit_status(all(passed for passed, _label in checks), met)


def _stop(simulator: subprocess.Popen[str]) -> None:
    simulator.send_signal(signal.SIGTERM)
    try:
        simulator.wait(timeout=20)
    except subprocess.TimeoutExpired:
        simulator.kill()


if __name__ == "__main__":
    sys.exit(main())
