"""`ticket list --breaching-within 2h` and `report kpi` on a million tickets, with and without their indexes.

    python benchmarks/tickets.py [--tickets 1000000] [--backend postgresql|sqlite|both] [--runs 15] [--quick]

1. Seeds a store (a private PostgreSQL schema, dropped at the end, or a
   temporary SQLite file) through the migrations, then bulk rows: COPY on
   PostgreSQL, executemany on SQLite, secondary indexes dropped during the
   load and rebuilt from their own definitions afterwards. 20 sites (SLA
   targets of 12, 8 and 4 hours), 200 engineers, 1,000 devices, --tickets
   tickets over three years, five events each (the milestones logged, start,
   restore, verify, close; a pause adds two), pauses on 8 % of them. Most are
   closed; 0.4 % are restored, filled, signed or verified in the last days;
   0.3 % (a few thousand) are open: logged, assigned, or in progress with a
   running clock (due within 2 h, later, or past due) or a paused one. Scores
   are 1-5, mostly 4 and 5; 93 % met their SLA. The SLA columns of each row
   (sla_due_at, paused_since, paused_seconds, sla_met, sla_elapsed_seconds)
   are what the ticket commands would have written. PostgreSQL then gets
   VACUUM ANALYZE, as autovacuum soon would; SQLite gets no ANALYZE, as
   dcmaint never runs one.
2. In this process, on one reader: `ticket_queries.tickets(reader,
   TicketFilter(breaching_within=2h))` (what `ticket list --breaching-within
   2h` runs) and `kpi_queries.kpis(reader, month, "Asia/Shanghai")` for the
   last complete month (what `report kpi` runs): --runs timed runs each after
   one warm-up, median and p95, and the plan the database chose.
3. Baseline, in the same run: the same two questions with the indexes they
   rely on (ix_tickets_due, ix_tickets_verified) dropped inside a transaction
   that is rolled back afterwards; the answers must be the same.
4. The real commands once each, end to end, as separate processes:
   `dcmaint ticket list --breaching-within 2h --format json` and
   `dcmaint report kpi --month M --format json`.

Targets on PostgreSQL (medians in the process): the list under 300 ms, the
KPI report under 2 s. Exit status 1 when a check fails, 3 when every check
passed but a target was missed (a smoke test may accept 3: tests never assert
timings), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

PG_URL = os.environ.get("DCMAINT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGETS_MS = {"list": 300.0, "kpi": 2000.0}  # on PostgreSQL
RELIED_ON = {"list": "ix_tickets_due", "kpi": "ix_tickets_verified"}
CHECK_FAILED, TARGET_MISSED = 1, 3
SITES, ENGINEERS, CENTRE, DEVICES_PER_SITE = 20, 200, 10, 50
SLA_HOURS = [12] * 14 + [8] * 3 + [4] * 3
ZONE = "Asia/Shanghai"
BEIJING = timezone(timedelta(hours=8))  # no DST since 1991: enough for refs and months here
CHUNK = 20_000
H = 3600.0
FAULTS = ["PSU 2 电源故障，告警灯红", "硬盘 Bay 3 预故障告警", "内存 DIMM 5 可纠正错误过多", "风扇 2 转速异常",
          "UPS 旁路告警", "精密空调高温告警", "RAID 卡电池失效", "网卡 1 链路中断"]
ACTIONS = ["更换电源；检查日志；告警清除", "更换硬盘并重建阵列", "更换内存条，运行诊断通过", "更换风扇模块"]


# The store's rows, planned per ticket in Python so both backends get the same ones.


@dataclass
class Rows:
    tickets: list[tuple] = field(default_factory=list)
    ticket_devices: list[tuple] = field(default_factory=list)
    ticket_pauses: list[tuple] = field(default_factory=list)
    ticket_events: list[tuple] = field(default_factory=list)


TICKET_COLUMNS = ("id", "ref", "site_id", "source", "caller", "contact", "description", "severity", "state",
                  "assignee_id", "handling", "fault_id", "reported_at", "created_at", "sla_hours", "started_at",
                  "paused_since", "paused_seconds", "sla_due_at", "restored_at", "sla_met", "sla_elapsed_seconds",
                  "actions", "time_spent_minutes", "signed_by", "signed_at", "score", "comment", "signature",
                  "verified_by", "verified_at", "closed_at")
COLUMNS = {
    "tickets": TICKET_COLUMNS,
    "ticket_devices": ("ticket_id", "device_id"),
    "ticket_pauses": ("id", "ticket_id", "reason", "started_at", "ended_at", "note"),
    "ticket_events": ("id", "ticket_id", "at", "actor", "kind", "state_from", "state_to", "reason", "note"),
}
STAMPS = {"tickets": (12, 13, 15, 16, 18, 19, 25, 30, 31), "ticket_pauses": (3, 4), "ticket_events": (2,)}
FLAGS = {"tickets": (20,)}


class Planner:
    """Tickets in the order they were reported: closed ones over three years, then recent ones, then open ones."""

    def __init__(self, count: int, now: datetime, seed: int) -> None:
        self.count, self.now, self.rng = count, now, random.Random(seed)
        self.open = max(30, round(count * 0.003))
        self.recent = max(20, round(count * 0.004))
        self.closed = count - self.open - self.recent
        self.event_id = self.pause_id = 0

    def chunks(self) -> Iterator[Rows]:
        rows = Rows()
        start, span = self.now - timedelta(days=3 * 365), timedelta(days=3 * 365 - 10).total_seconds()
        for n in range(1, self.count + 1):
            rng = self.rng
            if n <= self.closed:
                reported = start + timedelta(seconds=span * (n - 1 + rng.random()) / self.closed)
                self.finished(rows, n, reported, "closed")
            elif n <= self.closed + self.recent:
                reported = self.now - timedelta(days=rng.uniform(4, 12))
                self.finished(rows, n, reported, rng.choice(["restored", "form_filled", "signed", "verified"]))
            else:
                self.opened(rows, n)
            if n % CHUNK == 0 or n == self.count:
                yield rows
                rows = Rows()

    def _people(self) -> tuple[int, int, int]:
        """A site, one of its ten engineers and one of its devices."""
        site = self.rng.randrange(SITES) + 1
        engineer = (site - 1) + SITES * self.rng.randrange(ENGINEERS // SITES) + 1
        device = (site - 1) * DEVICES_PER_SITE + self.rng.randrange(DEVICES_PER_SITE) + 1
        return site, engineer, device

    def _event(self, rows: Rows, n: int, at: datetime, kind: str, before: str | None, after: str,
               reason: str | None = None) -> None:
        self.event_id += 1
        rows.ticket_events.append((self.event_id, n, at, "desk" if kind == "logged" else "bench", kind, before, after,
                                   reason, None))

    def _ticket(self, rows: Rows, n: int, site: int, engineer: int | None, device: int, reported: datetime,
                state: str, **values: Any) -> None:
        rng = self.rng
        ref = f"T-{reported.astimezone(BEIJING).year}-{n:06d}"
        base = dict.fromkeys(TICKET_COLUMNS)
        base.update(id=n, ref=ref, site_id=site, source=rng.choice(["phone", "phone", "email", "monitoring"]),
                    caller="王工", description=FAULTS[n % len(FAULTS)],
                    severity=rng.choice(["critical", "high", "high", "medium", "low"]), state=state,
                    assignee_id=engineer, reported_at=reported, created_at=reported, sla_hours=SLA_HOURS[site - 1],
                    paused_seconds=0.0)
        base.update(values)
        rows.tickets.append(tuple(base[c] for c in TICKET_COLUMNS))
        rows.ticket_devices.append((n, device))
        if rng.random() < 0.05:
            other = (site - 1) * DEVICES_PER_SITE + rng.randrange(DEVICES_PER_SITE) + 1
            if other != device:
                rows.ticket_devices.append((n, other))
        self._event(rows, n, reported, "logged", None, "logged", base["source"])

    def _pause(self, rows: Rows, n: int, start: datetime, end: datetime | None) -> None:
        self.pause_id += 1
        reason = self.rng.choice(["downtime-window", "customer-approval"])
        rows.ticket_pauses.append((self.pause_id, n, reason, start, end, None))
        self._event(rows, n, start, "pause", "in_progress", "in_progress", reason)
        if end is not None:
            self._event(rows, n, end, "resume", "in_progress", "in_progress")

    def finished(self, rows: Rows, n: int, reported: datetime, state: str) -> None:
        """A ticket restored, then taken through the form as far as ``state``."""
        rng, latest = self.rng, self.now - timedelta(minutes=1)
        site, engineer, device = self._people()
        target = SLA_HOURS[site - 1] * H
        started = reported + timedelta(minutes=rng.uniform(2, 60))
        elapsed = rng.random() ** 1.5 * target * 0.98 + 60 if rng.random() < 0.93 else target + rng.uniform(60, 10 * H)
        paused = rng.uniform(0.5 * H, 8 * H) if rng.random() < 0.08 else 0.0
        restored = started + timedelta(seconds=elapsed + paused)
        recent = state != "closed"
        signed = restored + timedelta(seconds=rng.uniform(0.5 * H, (24 if recent else 48) * H))
        verified = min(signed + timedelta(seconds=rng.uniform(1 * H, (24 if recent else 120) * H)), latest)
        closed = min(verified + timedelta(seconds=rng.uniform(300, 72 * H)), latest)
        stage = ["restored", "form_filled", "signed", "verified", "closed"].index(state)
        values: dict[str, Any] = dict(
            handling=rng.choice(["remote", "remote", "onsite"]), started_at=started, restored_at=restored,
            paused_seconds=paused, sla_met=elapsed <= target, sla_elapsed_seconds=elapsed)
        if stage >= 1:
            values.update(actions=ACTIONS[n % len(ACTIONS)], time_spent_minutes=max(10, int(elapsed / 60 * 0.6)))
        if stage >= 2:
            score = rng.choices([1, 2, 3, 4, 5], [2, 3, 10, 35, 50])[0]
            values.update(signed_by="王工", signed_at=signed, score=score)
        if stage >= 3:
            values.update(verified_by=f"centre-{rng.randrange(CENTRE) + 1:02d}", verified_at=verified)
        if stage >= 4:
            values.update(closed_at=closed)
        self._ticket(rows, n, site, engineer, device, reported, state, **values)
        self._event(rows, n, started, "start", "assigned", "in_progress", values["handling"])
        if paused:
            pause_start = started + timedelta(seconds=rng.uniform(0, elapsed))
            self._pause(rows, n, pause_start, pause_start + timedelta(seconds=paused))
        self._event(rows, n, restored, "restore", "in_progress", "restored")
        if stage >= 3:
            self._event(rows, n, verified, "verify", "signed", "verified", values["verified_by"])
        if stage >= 4:
            self._event(rows, n, closed, "close", "verified", "closed")

    def opened(self, rows: Rows, n: int) -> None:
        """An open ticket: not started yet, or in progress with its clock running or paused."""
        rng, now = self.rng, self.now
        roll = rng.random()
        reported = now - timedelta(seconds=rng.uniform(0.05 * H, 6 * H))
        site, engineer, device = self._people()
        target = SLA_HOURS[site - 1] * H
        if roll < 0.16:
            state = "logged" if roll < 0.08 else "assigned"
            self._ticket(rows, n, site, None if state == "logged" else engineer, device, reported, state)
            return
        if roll < 0.16 + 0.84 * 0.15:  # paused, waiting for the customer
            elapsed, waiting = rng.uniform(0, 0.9 * target), rng.uniform(0.1 * H, 6 * H)
            started = now - timedelta(seconds=elapsed + waiting)
            reported = started - timedelta(minutes=rng.uniform(2, 60))
            since = started + timedelta(seconds=elapsed)
            self._ticket(rows, n, site, engineer, device, reported, "in_progress", handling="onsite",
                         started_at=started, paused_since=since)
            self._event(rows, n, started, "start", "assigned", "in_progress", "onsite")
            self._pause(rows, n, since, None)
            return
        elapsed = rng.uniform(0, 1.1 * target)  # a tenth of them already past due
        paused = rng.uniform(0.5 * H, 4 * H) if rng.random() < 0.2 else 0.0
        started = now - timedelta(seconds=elapsed + paused)
        reported = started - timedelta(minutes=rng.uniform(2, 60))
        self._ticket(rows, n, site, engineer, device, reported, "in_progress", handling="remote", started_at=started,
                     paused_seconds=paused, sla_due_at=started + timedelta(seconds=target + paused))
        self._event(rows, n, started, "start", "assigned", "in_progress", "remote")
        if paused:
            pause_start = started + timedelta(seconds=rng.uniform(0, elapsed))
            self._pause(rows, n, pause_start, pause_start + timedelta(seconds=paused))


def registers(now: datetime) -> dict[str, list[tuple]]:
    sites = [(s, f"site-{s:02d}", f"客户 {s:02d}", SLA_HOURS[s - 1], 15, ZONE, "cn", now, now) for s in range(1, SITES + 1)]
    devices = [(d, (d - 1) // DEVICES_PER_SITE + 1, f"srv-{d:04d}", "server", True, True, now, now)
               for d in range(1, SITES * DEVICES_PER_SITE + 1)]
    staff = [(e, f"eng-{e:03d}", "engineer", "", True, now, now) for e in range(1, ENGINEERS + 1)]
    staff += [(ENGINEERS + c, f"centre-{c:02d}", "centre", "", True, now, now) for c in range(1, CENTRE + 1)]
    return {"sites": sites, "devices": devices, "staff": staff}


REGISTER_COLUMNS = {
    "sites": ("id", "name", "customer", "sla_restore_hours", "depot_deadline_days", "timezone", "calendar",
              "created_at", "updated_at"),
    "devices": ("id", "site_id", "name", "kind", "covered", "tls_verify", "created_at", "updated_at"),
    "staff": ("id", "name", "role", "skills", "active", "created_at", "updated_at"),
}
REGISTER_STAMPS = {"sites": (7, 8), "devices": (6, 7), "staff": (5, 6)}
REGISTER_FLAGS = {"devices": (4, 5), "staff": (4,)}


# Loading.


def sqlite_stamp(value: datetime) -> str:
    """SQLAlchemy's text form of a UTC timestamp in SQLite (what Reader.timestamp compares with)."""
    return value.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def converted(rows: list[tuple], stamps: tuple[int, ...], flags: tuple[int, ...]) -> list[tuple]:
    out = []
    for row in rows:
        values = list(row)
        for i in stamps:
            if values[i] is not None:
                values[i] = sqlite_stamp(values[i])
        for i in flags:
            if values[i] is not None:
                values[i] = int(values[i])
        out.append(tuple(values))
    return out


class Loader:
    """Rows in bulk through one DB-API connection: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, url: Any) -> None:
        self.url, self.backend = url, url.backend
        if self.backend == "sqlite":
            import sqlite3

            self.conn: Any = sqlite3.connect(url.sqlite_path, isolation_level=None)
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("BEGIN")
        else:
            import psycopg

            self.conn = psycopg.connect(url.libpq)
            try:  # skips foreign-key triggers while loading rows known to be consistent (needs a superuser)
                self.conn.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001
                self.conn.rollback()

    def indexes(self) -> list[tuple[str, str]]:
        """(name, CREATE statement) of every secondary index, as the migrations made them."""
        if self.backend == "sqlite":
            found = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        else:
            found = self.conn.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()))")
        return [(name, sql) for name, sql in found.fetchall()]

    def load(self, table: str, columns: tuple[str, ...], rows: list[tuple], stamps: tuple[int, ...] = (),
             flags: tuple[int, ...] = ()) -> None:
        if not rows:
            return
        if self.backend == "sqlite":
            marks = ", ".join("?" for _ in columns)
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                  converted(rows, stamps, flags))
            return
        with self.conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def commit(self) -> None:
        self.conn.execute("COMMIT") if self.backend == "sqlite" else self.conn.commit()

    def close(self) -> None:
        self.conn.close()


@dataclass
class Seeded:
    tickets: int
    events: int
    seconds: float
    index_seconds: float
    open_tickets: int


def seed(url: Any, count: int, now: datetime, seed_value: int) -> Seeded:
    from dcmaint.store import schema
    from dcmaint.store.engine import engine_for

    began = time.perf_counter()
    schema.upgrade(url)
    engine_for(url).dispose()
    loader = Loader(url)
    try:
        indexes = loader.indexes()
        for name, _sql in indexes:
            loader.execute(f'DROP INDEX "{name}"')
        for table, rows in registers(now).items():
            loader.load(table, REGISTER_COLUMNS[table], rows, REGISTER_STAMPS.get(table, ()),
                        REGISTER_FLAGS.get(table, ()))
        planner = Planner(count, now, seed_value)
        for chunk in planner.chunks():
            for table, columns in COLUMNS.items():
                loader.load(table, columns, getattr(chunk, table), STAMPS.get(table, ()), FLAGS.get(table, ()))
        built = time.perf_counter()
        for _name, sql in indexes:
            loader.execute(sql)
        if url.backend == "postgresql":
            for table in ("sites", "devices", "staff", "tickets", "ticket_events", "ticket_pauses"):
                loader.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
        loader.commit()
        index_seconds = time.perf_counter() - built
    finally:
        loader.close()
    if url.backend == "postgresql":
        import psycopg

        with psycopg.connect(url.libpq, autocommit=True) as conn:
            for table in ("sites", "devices", "staff", *COLUMNS):
                conn.execute(f"VACUUM ANALYZE {table}")
    return Seeded(count, planner.event_id, time.perf_counter() - began, index_seconds, planner.open)


# Timing.


@dataclass
class Timed:
    median_ms: float
    p95_ms: float
    answer: Any


def timed(question: Callable[[], Any], runs: int) -> Timed:
    answer = question()  # warm-up: caches, plans, imports
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = question()
        seconds.append(time.perf_counter() - start)
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return Timed(statistics.median(seconds) * 1000, p95 * 1000, answer)


def questions(reader: Any, month: date, now: datetime) -> dict[str, Callable[[], Any]]:
    from dcmaint.store import kpi_queries, ticket_queries

    where = ticket_queries.TicketFilter(breaching_within=timedelta(hours=2))
    return {
        "list": lambda: [t.ref for t in ticket_queries.tickets(reader, where, now=now)],
        "kpi": lambda: kpi_queries.kpis(reader, month, ZONE).as_json(),
    }


def plans(reader: Any, month: date, now: datetime) -> dict[str, list[str]]:
    """The scans each question's main statement uses, from EXPLAIN."""
    from dcmaint.store.reader import Reader

    seen: list[tuple[str, dict[str, Any]]] = []

    class Recording(Reader):
        def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
            seen.append((sql, params or {}))
            return super().rows(sql, params)

    recording = Recording(reader.url, reader._connection)
    found = {}
    for name, question in questions(recording, month, now).items():
        seen.clear()
        question()
        sql, params = next((s, p) for s, p in seen if "FROM tickets t" in s)
        if reader.url.backend == "sqlite":
            found[name] = [row[3] for row in reader.rows("EXPLAIN QUERY PLAN " + sql, params)]
        else:
            found[name] = [row[0].strip().lstrip("-> ").strip() for row in reader.rows("EXPLAIN " + sql, params)
                           if "Scan" in row[0]]
    return found


@contextmanager
def without_indexes(url: Any) -> Iterator[Any]:
    """A reader inside a transaction that dropped the indexes the two questions rely on; rolled back after."""
    from dcmaint.store.reader import Reader

    if url.backend == "sqlite":
        import sqlite3

        conn: Any = sqlite3.connect(url.sqlite_path, isolation_level=None)
        conn.execute("BEGIN")
    else:
        import psycopg

        conn = psycopg.connect(url.libpq)
    try:
        for name in RELIED_ON.values():
            conn.execute(f"DROP INDEX {name}")
        yield Reader(url, conn)
    finally:
        conn.execute("ROLLBACK") if url.backend == "sqlite" else conn.rollback()
        conn.close()


def dcmaint() -> list[str]:
    script = Path(sys.executable).with_name("dcmaint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dcmaint"]


def end_to_end(url_text: str, argv: list[str], home: Path) -> tuple[float, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DCMAINT_")}
    env.update(DCMAINT_HOME=str(home), DCMAINT_DB_URL=url_text)
    start = time.perf_counter()
    done = subprocess.run([*dcmaint(), *argv], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"dcmaint {' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, json.loads(done.stdout)


# One backend.


@contextmanager
def store(backend: str, pg_url: str) -> Iterator[tuple[Any, str]]:
    """A fresh store: SQLite in a temporary directory, or a private PostgreSQL schema; removed afterwards."""
    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    if backend == "sqlite":
        workdir = Path(tempfile.mkdtemp(prefix="dcmaint-tickets-"))
        text = f"sqlite:///{workdir / 'dcmaint.db'}"
        try:
            yield parse(text), text
        finally:
            engine_for(parse(text)).dispose()
            shutil.rmtree(workdir, ignore_errors=True)
        return
    import psycopg

    schema_name = f"bench_tickets_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema_name}"')
    text = f"{pg_url}?options=-csearch_path%3D{schema_name}"
    try:
        yield parse(text), text
    finally:
        engine_for(parse(text)).dispose()
        with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP SCHEMA "{schema_name}" CASCADE')


def last_full_month(now: datetime) -> date:
    local = now.astimezone(BEIJING).date().replace(day=1)
    return (local - timedelta(days=1)).replace(day=1)


@dataclass
class Outcome:
    backend: str
    medians: dict[str, float] = field(default_factory=dict)
    checks: list[tuple[bool, str]] = field(default_factory=list)


def measure(backend: str, args: argparse.Namespace) -> Outcome:
    from dcmaint.store.reader import open_reader

    outcome = Outcome(backend)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    month = last_full_month(now)
    with store(backend, args.pg_url) as (url, url_text):
        print(f"\n== {backend} ==")
        seeded = seed(url, args.tickets, now, args.seed)
        print(f"seeded {seeded.tickets:,} tickets ({seeded.open_tickets:,} open), {seeded.events:,} events in "
              f"{seeded.seconds:.1f} s (indexes rebuilt in {seeded.index_seconds:.1f} s)")
        with open_reader(url) as reader:
            fast = {name: timed(q, args.runs) for name, q in questions(reader, month, now).items()}
            used = plans(reader, month, now)
        with without_indexes(url) as reader:
            slow = {name: timed(q, args.baseline_runs) for name, q in questions(reader, month, now).items()}
            slow_used = plans(reader, month, now)
        labels = {"list": "ticket list --breaching-within 2h",
                  "kpi": f"report kpi --month {month:%Y-%m} ({ZONE})"}
        sizes = {"list": f"{len(fast['list'].answer)} tickets",
                 "kpi": f"{fast['kpi'].answer['total']['tickets']:,} verified tickets, "
                        f"{len(fast['kpi'].answer['engineers'])} engineers"}
        print(f"in this process, one reader, {args.runs} runs after a warm-up (baseline: {args.baseline_runs} runs):")
        for name in ("list", "kpi"):
            ours, base = fast[name], slow[name]
            outcome.medians[name] = ours.median_ms
            print(f"  {labels[name]}: median {ours.median_ms:.1f} ms, p95 {ours.p95_ms:.1f} ms ({sizes[name]})")
            print(f"    plan: {'; '.join(used[name])}")
            print(f"    without {RELIED_ON[name]}: median {base.median_ms:.1f} ms, p95 {base.p95_ms:.1f} ms "
                  f"-> {base.median_ms / ours.median_ms:.1f}x")
            print(f"    plan: {'; '.join(slow_used[name])}")
            outcome.checks.append((ours.answer == base.answer, f"{name}: the same answer without the index"))
        outcome.checks.append((len(fast["list"].answer) > 0, "list: some tickets breach within 2 h"))
        outcome.checks.append((fast["kpi"].answer["total"]["tickets"] > 0, "kpi: some tickets verified in the month"))
        home = Path(tempfile.mkdtemp(prefix="dcmaint-tickets-home-"))
        try:
            wall, listed = end_to_end(url_text, ["ticket", "list", "--breaching-within", "2h", "--format", "json"],
                                      home)
            print(f"  end to end, `dcmaint ticket list --breaching-within 2h --format json`: {wall * 1000:.0f} ms "
                  f"({len(listed)} tickets)")
            wall, report = end_to_end(url_text, ["report", "kpi", "--month", f"{month:%Y-%m}", "--format", "json"],
                                      home)
            print(f"  end to end, `dcmaint report kpi --month {month:%Y-%m} --format json`: {wall * 1000:.0f} ms "
                  f"({report['total']['tickets']:,} tickets)")
            outcome.checks.append((report == fast["kpi"].answer, "kpi: the command's JSON equals the query's"))
            outcome.checks.append((abs(len(listed) - len(fast["list"].answer)) <= max(3, len(listed) // 50),
                                   "list: the command lists what the query found (give or take the clock)"))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    return outcome


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="postgresql")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each question")
    parser.add_argument("--baseline-runs", type=int, default=5, help="timed runs without the indexes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--quick", action="store_true", help="a smoke-test size: 5,000 tickets, 3 runs")
    args = parser.parse_args()
    if args.quick:
        args.tickets, args.runs, args.baseline_runs = min(args.tickets, 5_000), 3, 2
    if args.tickets < 1000:
        parser.error("--tickets: at least 1000")
    return args


def main() -> int:
    args = parse_args()
    backends = ["postgresql", "sqlite"] if args.backend == "both" else [args.backend]
    print(f"{args.tickets:,} tickets, {SITES} sites, {ENGINEERS} engineers, {os.cpu_count()} CPUs")
    outcomes = [measure(backend, args) for backend in backends]
    failed = missed = False
    print("\nchecks:")
    for outcome in outcomes:
        for ok, label in outcome.checks:
            failed |= not ok
            print(f"  {'PASS' if ok else 'FAIL'} {outcome.backend}: {label}")
    print("targets (PostgreSQL, median in the process):")
    for outcome in outcomes:
        if outcome.backend != "postgresql":
            continue
        for name, target in TARGETS_MS.items():
            ok = outcome.medians[name] < target
            missed |= not ok
            print(f"  {name}: {outcome.medians[name]:.1f} ms, target under {target:.0f} ms -> "
                  f"{'met' if ok else 'MISSED'}")
    return CHECK_FAILED if failed else TARGET_MISSED if missed else 0


if __name__ == "__main__":
    sys.exit(main())
