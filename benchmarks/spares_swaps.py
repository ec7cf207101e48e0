"""The swap clients of the spares benchmark: technicians' terminals as processes, and the store checked afterwards.

Each client has its own process and engine and runs every swap as its own
``write()`` transaction, as ``dcmaint spare swap`` does; the clients run their
phases in step (harness.Clients). To say what bounds the rate, each swap's
serialised section is timed from SQLAlchemy's engine events and, on
PostgreSQL, the clients' connections are sampled from pg_stat_activity.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from harness import Clients, busy_share, cpu_ticks


def client(
    url_text: str, actor: str, phases: list[tuple[str, list[Any], list[str]]], barrier: Any, results: Any
) -> None:
    """One technician's terminal: its own process and engine, one transaction per swap.

    Waits at the barrier before each phase so that connecting and importing are not timed.
    """
    from dcmaint.store.unit import write
    from dcmaint.store.urls import parse

    url = parse(url_text)
    with write(url, actor, "warm-up"):
        pass  # connects and checks the schema; records nothing
    warm_up(url, actor, phases)
    section = Section(url)
    for index, (kind, tasks, pool) in enumerate(phases):
        barrier.wait(timeout=600)
        section.held.clear()
        cpu = time.process_time()
        if kind == "distinct":
            outcome = distinct_swaps(url, actor, section, tasks)
        else:
            outcome = race(url, actor, section, tasks, pool)
        results.put((index, {**outcome, "cpu": time.process_time() - cpu, "held": list(section.held)}))


def warm_up(url: Any, actor: str, phases: list[tuple[str, list[Any], list[str]]]) -> None:
    """Import the swap path and compile its first queries before the clock starts.

    A fresh process's first swap costs many times the next one; eight fresh clients would pay that eight
    times against the single client's once. A swap of a serial that does not exist writes nothing.
    """
    from dcmaint.errors import NotFound
    from dcmaint.services.swap import SwapRequest, swap
    from dcmaint.store.unit import write

    first = next((tasks[0] for _kind, tasks, _pool in phases if tasks), None)
    if first is None:
        return
    try:
        with write(url, actor, "warm-up") as unit:
            swap(unit, SwapRequest(first[0], None, first[1], "NO-SUCH-SPARE"))
    except NotFound:
        pass


class Section:
    """Times the serialised part of every swap transaction from SQLAlchemy's engine events (dcmaint is not touched).

    PostgreSQL: from the return of the audit head's SELECT ... FOR UPDATE (the row lock is held) to the end of
    the commit, the stretch in which every other writer queues behind this one. SQLite: from the return of BEGIN
    IMMEDIATE (the database's write lock is held) to the end of the commit. Waiting for the lock is not counted.
    """

    def __init__(self, url: Any) -> None:
        from sqlalchemy import event

        from dcmaint.store.engine import engine_for

        self.started: float | None = None
        self.held: list[float] = []
        engine = engine_for(url)
        if url.backend == "postgresql":
            event.listen(engine, "after_cursor_execute", self._statement)
        else:
            event.listen(engine, "begin", self._begin)  # runs after the engine's own BEGIN IMMEDIATE listener

    def _statement(self, _connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:  # lock granted
        if "audit_head" in statement and "FOR UPDATE" in statement:
            self.started = time.perf_counter()

    def _begin(self, _connection: Any) -> None:
        self.started = time.perf_counter()  # the last BEGIN of a write() is its transaction's

    @contextmanager
    def around(self) -> Iterator[None]:
        try:
            yield
        finally:
            if self.started is not None:
                self.held.append(time.perf_counter() - self.started)
                self.started = None


def one_swap(url: Any, actor: str, section: Section, device: str, slot: str, serial: str) -> None:
    from dcmaint.services.swap import SwapRequest, swap
    from dcmaint.store.unit import write

    with section.around(), write(url, actor, "spare swap") as unit:
        swap(unit, SwapRequest(device, None, slot, serial))


def distinct_swaps(url: Any, actor: str, section: Section, tasks: list[tuple[str, str, str]]) -> dict[str, Any]:
    from dcmaint.errors import DcmaintError

    done, errors = [], []
    for device, slot, serial in tasks:
        try:
            one_swap(url, actor, section, device, slot, serial)
            done.append(serial)
        except DcmaintError as exc:  # a Conflict here is a failure too: nobody else wants these spares
            errors.append(f"{device} {slot} {serial}: {exc}")
        except Exception as exc:  # noqa: BLE001 - reported as a failed check, not a hung parent
            errors.append(f"{device} {slot} {serial}: {exc!r}")
    return {"done": done, "errors": errors, "lost": 0, "taken": 0}


def race(url: Any, actor: str, section: Section, tasks: list[tuple[str, str]], pool: list[str]) -> dict[str, Any]:
    """Fit my slots from the shared pool, in the pool's order like every other client: the next spare on a loss."""
    from dcmaint.errors import Conflict, DcmaintError

    done, errors, lost, taken, cursor = [], [], 0, 0, 0
    for device, slot in tasks:
        while cursor < len(pool):
            serial = pool[cursor]
            cursor += 1
            try:
                one_swap(url, actor, section, device, slot, serial)
                done.append(serial)
                break
            except Conflict as exc:  # expected: another client fitted it first
                lost += "a moment ago" in str(exc)  # decided by the conditional UPDATE
                taken += "a moment ago" not in str(exc)  # already installed when this swap read it
            except DcmaintError as exc:
                errors.append(f"{device} {slot} {serial}: {exc}")
            except Exception as exc:  # noqa: BLE001 - reported as a failed check, not a hung parent
                errors.append(f"{device} {slot} {serial}: {exc!r}")
    return {"done": done, "errors": errors, "lost": lost, "taken": taken}


@dataclass(frozen=True)
class Phase:
    seconds: float
    done: list[str]
    errors: list[str]
    lost: int
    taken: int
    busy: float | None  # share of the machine's CPU time in use (clients and database server together)
    waits: list[tuple[str, float]]  # PostgreSQL: what the clients' connections were doing, mean count per sample
    cpu: float  # CPU seconds of the client processes
    held: list[float]  # seconds each transaction spent in its serialised section (see Section)


class Waits:
    """What the clients' PostgreSQL connections are doing, sampled every 50 ms while a phase runs.

    Tells clients queued on a row lock (the audit head) from commits waiting for the WAL and from
    clients busy in Python between two statements of a transaction.
    """

    def __init__(self, dsn: str, application: str) -> None:
        self._dsn, self._application = dsn, application
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.seen: Counter[str] = Counter()
        self.samples = 0

    def __enter__(self) -> Waits:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self._dsn, autocommit=True) as connection:
            while True:
                rows = connection.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE application_name = %s",
                    (self._application,),
                ).fetchall()
                self.samples += 1
                self.seen.update(wait_label(*row) for row in rows)
                if self._stop.wait(0.05):  # every 10 ms cost the clients a tenth of a core
                    return

    def shares(self) -> list[tuple[str, float]]:
        return [(name, n / self.samples) for name, n in self.seen.most_common()] if self.samples else []


def wait_label(state: str | None, kind: str | None, event: str | None) -> str:
    if state == "idle in transaction":
        return "in a transaction, waiting for its client (Python, or a free core)"
    if state != "active":
        return "between transactions"
    if kind is None:
        return "running a statement"
    return f"waiting {kind}:{event}"


PRELOAD = ["sqlalchemy", "psycopg", "alembic.runtime.migration", "dcmaint.services.swap", "dcmaint.store.unit"]


def run_clients(
    url: Any, per_client: list[list[tuple[str, list[Any], list[str]]]], watch: tuple[str, str] | None = None
) -> list[Phase]:
    """Start the clients, release them phase by phase, and time each phase until the last client is done.

    ``watch`` is (dsn, application name) of PostgreSQL connections to sample while a phase runs.
    """
    phases = []
    arguments = [(url.sqlalchemy, f"bench-{n + 1}", phases_of_client) for n, phases_of_client in enumerate(per_client)]
    with Clients(client, arguments, PRELOAD) as clients:
        for _index in range(len(per_client[0])):
            clients.release()
            start, ticks = time.perf_counter(), cpu_ticks()
            with Waits(*watch) if watch else nullcontext() as waits:
                outcomes = clients.outcomes()
            seconds, busy = time.perf_counter() - start, busy_share(ticks, cpu_ticks())
            phases.append(
                Phase(
                    seconds,
                    [s for o in outcomes for s in o["done"]],
                    [e for o in outcomes for e in o["errors"]],
                    sum(o["lost"] for o in outcomes),
                    sum(o["taken"] for o in outcomes),
                    busy,
                    waits.shares() if waits else [],
                    sum(o["cpu"] for o in outcomes),
                    [h for o in outcomes for h in o["held"]],
                )
            )
    return phases


def check_store(url: Any, reported: list[str], seeded_installed: int) -> list[tuple[bool, str]]:
    """What the clients say happened, against what the database holds."""
    from dcmaint.store import integrity
    from dcmaint.store.reader import open_reader

    with open_reader(url) as reader:

        def one(sql: str) -> int:
            return int(reader.rows(sql)[0][0])

        swaps = one("SELECT count(*) FROM swaps")
        stored = sorted(
            r[0] for r in reader.rows("SELECT i.serial FROM swaps w JOIN stock_units i ON i.id = w.installed_unit_id")
        )
        doubled = one(
            "SELECT count(*) FROM (SELECT installed_unit_id FROM swaps GROUP BY installed_unit_id "
            "HAVING count(*) > 1) x"
        )
        serials = one(
            "SELECT count(*) FROM (SELECT serial FROM stock_units WHERE status = 'installed' "
            "AND serial IS NOT NULL GROUP BY serial HAVING count(*) > 1) x"
        )
        wrong_unit = one(
            "SELECT count(*) FROM swaps w JOIN stock_units i ON i.id = w.installed_unit_id "
            "WHERE i.status <> 'installed' OR i.device_id <> w.device_id OR i.slot <> w.location"
        )
        unswapped = one(
            "SELECT count(*) FROM stock_units u WHERE u.status = 'installed' AND u.notes IS NULL "
            "AND (SELECT count(*) FROM swaps w WHERE w.installed_unit_id = u.id) <> 1"
        )
        installed = one("SELECT count(*) FROM stock_units WHERE status = 'installed'")
        twice = one(
            "SELECT count(*) FROM (SELECT device_id, kind, location FROM swaps "
            "GROUP BY device_id, kind, location HAVING count(*) > 1) x"
        )
        stale = one(
            "SELECT count(*) FROM swaps w JOIN components c ON c.device_id = w.device_id "
            "AND c.kind = w.kind AND c.location = w.location JOIN stock_units i ON i.id = w.installed_unit_id "
            "WHERE w.id = (SELECT max(v.id) FROM swaps v WHERE v.device_id = w.device_id "
            "AND v.kind = w.kind AND v.location = w.location) AND (c.serial IS NULL OR c.serial <> i.serial)"
        )
        removed = one(
            "SELECT count(*) FROM swaps w JOIN stock_units r ON r.id = w.removed_unit_id WHERE r.status = 'removed'"
        )
        audited = one("SELECT count(*) FROM audit_log WHERE entity = 'swap' AND action = 'swap'")
    chain = integrity.check(url)
    return [
        (
            swaps == len(reported) and stored == sorted(reported),
            f"nothing lost: {swaps} rows in swaps, {len(reported)} swaps reported by the clients, same spares",
        ),
        (
            len(set(reported)) == len(reported) and doubled == 0 and wrong_unit == 0 and serials == 0,
            (
                f"no spare installed twice: {serials} serials installed twice, {doubled} units in two swaps, "
                f"{wrong_unit} swaps whose unit is not installed in their slot"
            ),
        ),
        (
            unswapped == 0 and installed == seeded_installed + swaps,
            (
                f"every unit installed here has exactly one swap: {installed} installed = {seeded_installed} seeded "
                f"+ {swaps} swapped, {unswapped} without exactly one"
            ),
        ),
        (
            twice == 0 and stale == 0,
            (
                f"no doubled swap: {twice} slots swapped twice, {stale} slots whose serial is not the spare of their "
                "latest swap"
            ),
        ),
        (removed == swaps, f"every swap put the removed part in custody: {removed} of {swaps}"),
        (
            chain.ok and audited == swaps,
            f"audit chain intact (dcmaint db check): {chain.audit_rows} rows, {audited} swap entries"
            + ("" if chain.ok else "; " + "; ".join(p.line() for p in chain.problems[:3])),
        ),
    ]
