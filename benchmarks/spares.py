"""`spare match` latency and concurrent `spare swap` throughput on a full-size depot.

    python benchmarks/spares.py [--backend sqlite|postgresql|both] [--units 100000] [--components 50000]
                                [--queries 300] [--clients 8] [--swaps 1000] [--race 8] [--quick]

1. Seeds, on each backend, a depot of --units serialised spares over 20 sites,
   a catalogue of 900 parts in six classes (spare numbers, option numbers,
   declared substitutes) and an installed base of --components slots in
   servers of 20 slots each, with open faults on 2 % of them. Slots report
   both numbers, only the part number, only the spare number, a number the
   catalogue does not know, or nothing. Rows are bulk-inserted (COPY on
   PostgreSQL), not written through the CLI: seeding is not what is measured,
   and the seeded rows have no audit entries.
2. Times `slots_for` + `match` (what `dcmaint spare match` runs) in this
   process on one open reader, for --queries slots spread over six cases:
   a faulty slot with a spare at its own site, a part only other sites stock,
   a part only a declared substitute fits, nothing fits, a number the
   catalogue does not know, no number at all (faulty slots are named by
   fault id, the others by device and slot). Baseline, in the same run: what
   a spreadsheet amounts to, every stock unit and the catalogue loaded into
   Python and filtered there, per query, with the same ranking rules; its
   answers must equal those of `spare match`.
3. Swaps: client processes, each with its own engine, each swap its own
   `write()` transaction as `dcmaint spare swap` does. --swaps swaps of
   distinct slots with distinct spares by 1 client (the baseline), then by
   --clients clients; then a race, every client fitting its own slots from
   one shared pool of spares of one part, so that most attempts lose
   (`Conflict`, counted, expected). To say what bounds the rate it prints
   how long each swap held the lock that serialises writers (the audit head
   row on PostgreSQL, the write lock on SQLite; timed from SQLAlchemy's
   engine events), the clients' CPU per swap, how busy the machine was, and
   on PostgreSQL what the clients' connections were doing (sampled from
   pg_stat_activity: running, waiting for a lock, or for their client).
4. Checks the store afterwards: nothing lost, nothing doubled, the audit
   chain intact (`dcmaint db check`).

Target: median match under 50 ms in the process, over all the slots (a case
whose own median is over it is named, and does not change the exit status;
docs/performance.md says why the unnumbered case is). Exit status 1 when a check
fails, 3 when every check passed but the target was missed (a smoke test may
accept 3: tests never assert timings), 0 otherwise.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

PG_URL = os.environ.get("DCMAINT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET_MEDIAN_MS = 50.0
LIMIT = 5  # `spare match --limit` default
SITES = 20
SLOT_LAYOUT = (  # one server: 20 slots, named as the Redfish driver reports them
    *(("psu", f"PSU {n}") for n in (1, 2)),
    *(("disk", f"Bay {n}") for n in range(1, 9)),
    *(("memory", f"PROC 1 DIMM {n}") for n in range(1, 7)),
    *(("fan", f"Fan {n}") for n in (1, 2)),
    ("nic", "NIC 1"),
    ("raid", "Smart Array"),
)
CLASS_PARTS = {"psu": 60, "disk": 300, "memory": 250, "fan": 80, "nic": 120, "raid": 90}
UNCATALOGUED = tuple(f"UNC-{n:04d}" for n in range(60))
CASES = {
    "own": "faulty slot, spare at its own site",
    "other": "part stocked at other sites only",
    "substitute": "only a declared substitute fits",
    "nothing": "nothing fits (order line)",
    "uncatalogued": "number not in the catalogue",
    "unnumbered": "slot reports no number",
}
SEEDED_INSTALLED = "installed before the depot was recorded"
CHECK_FAILED, TARGET_MISSED = 1, 3


# The depot, planned once in Python so that both backends get the same rows, queries and swaps.


@dataclass(frozen=True)
class Part:
    id: int
    number: str
    spare: str
    option: str | None
    kind: str
    group: str  # stocked (every site), central (one site), substitute (only a substitute stocked), none


@dataclass(frozen=True)
class Slot:
    component_id: int
    device: str
    site: int
    kind: str
    location: str
    part: Part | None  # the catalogue part its numbers name
    number: str | None
    spare_number: str | None
    serial: str
    fault_id: int | None

    @property
    def spec(self) -> str:
        return f"{self.kind}:{self.location}"


@dataclass(frozen=True)
class Unit:
    id: int
    serial: str
    part: Part | None
    labelled: str
    site: int
    status: str


@dataclass
class Depot:
    parts: list[Part]
    substitutes: list[tuple[int, int, str | None]]
    devices: int
    slots: list[Slot]
    units: list[Unit] = field(default_factory=list)
    race_part: Part | None = None
    race_slots: list[Slot] = field(default_factory=list)
    race_pool: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Query:
    case: str
    device: str | None
    slot: str | None
    fault: int | None


def catalogue(rng: random.Random) -> tuple[list[Part], list[tuple[int, int, str | None]]]:
    """Parts in four stocking groups, so that every matching case has slots to ask about."""
    parts = []
    for kind, count in CLASS_PARTS.items():
        for _ in range(count):
            n = len(parts) + 1
            roll = rng.random()
            group = "stocked" if roll < 0.7 else "central" if roll < 0.8 else "substitute" if roll < 0.9 else "none"
            option = f"{930000 + n}-H21" if rng.random() < 0.3 else None
            parts.append(Part(n, f"{810000 + n}-B21", f"{870000 + n}-001", option, kind, group))
    stocked: dict[str, list[Part]] = defaultdict(list)
    for part in parts:
        if part.group == "stocked":
            stocked[part.kind].append(part)
    substitutes, paired = [], set()
    for part in parts:
        if part.group != "substitute" and not (part.group == "stocked" and rng.random() < 0.05):
            continue
        other = rng.choice(stocked[part.kind])
        if other.id == part.id or frozenset((part.id, other.id)) in paired:
            continue
        paired.add(frozenset((part.id, other.id)))
        pair = (part.id, other.id) if rng.random() < 0.5 else (other.id, part.id)  # declared either way round
        substitutes.append((*pair, rng.choice([None, "same speed, larger capacity", "other vendor, same form factor"])))
    return parts, substitutes


def reported(rng: random.Random, part: Part) -> tuple[str | None, str | None, Part | None]:
    """What one BMC reports for a part: BMCs differ in which numbers they show, and some show none."""
    roll = rng.random()
    if roll < 0.55:
        return part.number, part.spare, part
    if roll < 0.70:
        return part.number, None, part
    if roll < 0.85:
        return None, part.spare, part
    if roll < 0.93:
        return rng.choice(UNCATALOGUED), None, None
    return None, None, None


def installed_base(rng: random.Random, parts: list[Part], components: int) -> tuple[int, list[Slot]]:
    """Servers of 20 slots; each server's parts of one class are alike, popular parts are popular."""
    by_kind: dict[str, list[Part]] = defaultdict(list)
    for part in parts:
        by_kind[part.kind].append(part)
    weights = {kind: [1 / (rank + 1) ** 0.8 for rank in range(len(found))] for kind, found in by_kind.items()}
    devices = max(1, components // len(SLOT_LAYOUT))
    slots, faults = [], 0
    for device in range(1, devices + 1):
        chosen = {kind: reported(rng, rng.choices(found, weights[kind])[0]) for kind, found in by_kind.items()}
        for kind, location in SLOT_LAYOUT:
            number, spare, part = chosen[kind]
            fault = None
            if rng.random() < 0.02:
                faults += 1
                fault = faults
            slots.append(Slot(len(slots) + 1, f"srv{device:05d}", (device - 1) % SITES + 1, kind, location, part,
                              number, spare, f"CS{len(slots) + 1:08d}", fault))
    return devices, slots


def stock(rng: random.Random, depot: Depot, units: int, race_pool: int) -> None:
    """Spares by popularity: parts fitted more often are stocked more; central parts at site 1 only."""
    usage = Counter(slot.part.id for slot in depot.slots if slot.part is not None)
    stocked = [p for p in depot.parts if p.group in ("stocked", "central")]
    weights = [1 + usage[p.id] for p in stocked]
    uncatalogued = units // 100
    regular = max(0, units - uncatalogued - race_pool)
    for part in rng.choices(stocked, weights, k=regular):
        site = 1 if part.group == "central" else rng.randint(1, SITES)
        roll = rng.random()
        status = "in_stock" if roll < 0.92 else "reserved" if roll < 0.96 else "installed"
        labelled = part.number if rng.random() < 0.6 else part.spare
        depot.units.append(Unit(len(depot.units) + 1, f"SP{len(depot.units) + 1:08d}", part, labelled, site, status))
    for _ in range(uncatalogued):
        depot.units.append(Unit(len(depot.units) + 1, f"SP{len(depot.units) + 1:08d}", None,
                                rng.choice(UNCATALOGUED), rng.randint(1, SITES), "in_stock"))
    assert depot.race_part is not None
    for _ in range(race_pool):
        unit = Unit(len(depot.units) + 1, f"RACE{len(depot.units) + 1:08d}", depot.race_part, depot.race_part.number,
                    rng.randint(1, SITES), "in_stock")
        depot.units.append(unit)
        depot.race_pool.append(unit.serial)


def swappable(slot: Slot) -> bool:
    """A slot whose numbers name a stocked catalogue part: a spare of that part fits it like for like."""
    return slot.part is not None and slot.part.group == "stocked"


def plan(seed: int, units: int, components: int, clients: int, race_slots: int) -> Depot:
    rng = random.Random(seed)
    parts, substitutes = catalogue(rng)
    devices, slots = installed_base(rng, parts, components)
    depot = Depot(parts, substitutes, devices, slots)
    per_part: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        if swappable(slot):
            per_part[slot.part.id].append(slot)  # type: ignore[union-attr]
    race_id = max(per_part, key=lambda part_id: len(per_part[part_id]))
    depot.race_part = parts[race_id - 1]
    depot.race_slots = rng.sample(per_part[race_id], min(len(per_part[race_id]), clients * race_slots))
    stock(rng, depot, units, max(1, len(depot.race_slots) // 2))
    return depot


def queries(depot: Depot, count: int, seed: int) -> list[Query]:
    """``count`` slots, as even a share of each case as the depot has."""
    in_stock: dict[int, set[int]] = defaultdict(set)
    for unit in depot.units:
        if unit.part is not None and unit.status == "in_stock":
            in_stock[unit.part.id].add(unit.site)
    related: dict[int, set[int]] = defaultdict(set)
    for part_id, substitute_id, _note in depot.substitutes:
        related[part_id].add(substitute_id)
        related[substitute_id].add(part_id)
    found: dict[str, list[Query]] = defaultdict(list)
    for slot in depot.slots:
        case = case_of(slot, in_stock, related)
        if case == "own" and slot.fault_id is not None:
            found[case].append(Query(case, None, None, slot.fault_id))
        elif case != "own":
            found[case].append(Query(case, slot.device, slot.spec, None))
    rng = random.Random(seed + 1)
    share = max(1, count // max(1, len(found)))
    chosen = [q for case in CASES for q in rng.sample(found[case], min(share, len(found[case])))]
    rng.shuffle(chosen)
    return chosen


def case_of(slot: Slot, in_stock: dict[int, set[int]], related: dict[int, set[int]]) -> str:
    if slot.part is None:
        return "uncatalogued" if slot.number else "unnumbered"
    sites = in_stock.get(slot.part.id, set())
    if slot.site in sites:
        return "own"
    if sites:
        return "other"
    if any(in_stock.get(other) for other in related[slot.part.id]):
        return "substitute"
    return "nothing"


@dataclass(frozen=True)
class Workload:
    """Swaps as (device, slot, spare serial): distinct slots and spares for the 1-client and N-client runs."""

    one: list[tuple[str, str, str]]
    many: list[list[tuple[str, str, str]]]
    race: list[list[tuple[str, str]]]  # each client's own slots of the contended part
    pool: list[str]  # the spares they race for, tried by every client in this order


def workload(depot: Depot, swaps: int, clients: int, seed: int) -> Workload:
    rng = random.Random(seed + 2)
    pools: dict[int, list[str]] = defaultdict(list)
    racing = set(depot.race_pool)
    for unit in depot.units:
        if unit.part is not None and unit.status == "in_stock" and unit.serial not in racing:
            pools[unit.part.id].append(unit.serial)
    taken = {slot.component_id for slot in depot.race_slots}
    candidates = [s for s in depot.slots if swappable(s) and s.component_id not in taken]
    rng.shuffle(candidates)
    tasks = []
    for slot in candidates:
        pool = pools[slot.part.id]  # type: ignore[union-attr]
        if pool:
            tasks.append((slot.device, slot.spec, pool.pop(rng.randrange(len(pool)))))
        if len(tasks) == 2 * swaps:
            break
    one, rest = tasks[: len(tasks) // 2], tasks[len(tasks) // 2:]
    race = [[(s.device, s.spec) for s in depot.race_slots[n::clients]] for n in range(clients)]
    return Workload(one, [rest[n::clients] for n in range(clients)], race, list(depot.race_pool))


# Seeding.


NOW = datetime.now(timezone.utc)


def rows_of(depot: Depot) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, in insertion order (parents first)."""
    seen_at, polled_at = NOW - timedelta(days=30), NOW - timedelta(hours=1)
    stamps = {"created_at": NOW, "updated_at": NOW}
    sites = [{"id": n, "name": f"site{n:02d}", "customer": f"Customer {n % 5}", "sla_restore_hours": 12,
              "depot_deadline_days": 15, "timezone": "Asia/Shanghai", "calendar": "cn", **stamps}
             for n in range(1, SITES + 1)]
    devices = [{"id": n, "site_id": (n - 1) % SITES + 1, "name": f"srv{n:05d}", "kind": "server", "vendor": "HPE",
                "model": "ProLiant DL380 Gen10", "serial": f"CZ{n:08d}", "covered": True, "tls_verify": True,
                **stamps} for n in range(1, depot.devices + 1)]
    components, faults = [], []
    for s in depot.slots:
        device_id = int(s.device[3:])
        health = "critical" if s.fault_id else "ok"
        components.append({"id": s.component_id, "device_id": device_id, "kind": s.kind, "location": s.location,
                           "part_number": s.number, "spare_part_number": s.spare_number, "serial": s.serial,
                           "health": health, "first_seen": seen_at, "last_seen": polled_at})
        if s.fault_id:
            faults.append({"id": s.fault_id, "device_id": device_id, "kind": s.kind, "location": s.location,
                           "health": health, "reason": f"{s.location}: predictive failure", "part_number": s.number,
                           "spare_part_number": s.spare_number, "serial": s.serial, "first_seen": polled_at,
                           "last_seen": polled_at})
    return {"sites": sites, "devices": devices, **catalogue_rows(depot, stamps), "components": components,
            "faults": faults, "stock_units": unit_rows(depot)}


def catalogue_rows(depot: Depot, stamps: dict[str, datetime]) -> dict[str, list[dict[str, Any]]]:
    parts = [{"id": p.id, "part_number": p.number, "vendor": "HPE", "description": f"{p.kind} {p.id}",
              "part_class": p.kind, "lead_time_days": 3 + p.id % 28, "consumable": False, **stamps}
             for p in depot.parts]
    numbers = []
    for p in depot.parts:
        for number, kind in ((p.spare, "spare"), (p.option, "option")):
            if number:
                numbers.append({"id": len(numbers) + 1, "part_id": p.id, "number": number, "kind": kind})
    substitutes = [{"part_id": a, "substitute_id": b, "note": note} for a, b, note in depot.substitutes]
    return {"parts": parts, "part_numbers": numbers, "part_substitutes": substitutes}


def unit_rows(depot: Depot) -> list[dict[str, Any]]:
    today = NOW.date()
    rows = []
    for u in depot.units:
        rows.append({"id": u.id, "part_id": u.part.id if u.part else None, "part_number": u.labelled,
                     "site_id": u.site, "serial": u.serial, "bin": f"{'ABCDEF'[u.id % 6]}-{u.id % 40 + 1}",
                     "condition": "refurbished" if u.id % 7 == 0 else "new", "quantity": 1, "status": u.status,
                     "reserved_for": f"T-{u.id}" if u.status == "reserved" else None,
                     "notes": SEEDED_INSTALLED if u.status == "installed" else None,
                     "received_on": today - timedelta(days=u.id * 7919 % 1000), "updated_at": NOW})
    return rows


def bulk_insert(connection: Any, table: str, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL, Core executemany on SQLite: the fastest plain way in on each."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    from dcmaint.store.models.base import Base

    connection.execute(Base.metadata.tables[table].insert(), rows)


def seed(url: Any, depot: Depot) -> float:
    """Schema through the migrations, rows in bulk; PostgreSQL's statistics gathered as autovacuum soon would.

    SQLite gets no ANALYZE: dcmaint never runs one, so a real store has no statistics either.
    """
    from sqlalchemy import text

    from dcmaint.store import schema
    from dcmaint.store.engine import engine_for

    start = time.perf_counter()
    schema.upgrade(url)
    tables = rows_of(depot)
    with engine_for(url).begin() as connection:
        for table, rows in tables.items():
            bulk_insert(connection, table, rows)
        if url.backend == "postgresql":
            for table in ("sites", "devices", "parts", "part_numbers", "components", "faults", "stock_units"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    if url.backend == "postgresql":
        with engine_for(url).connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return time.perf_counter() - start


# Matching.


@dataclass(frozen=True)
class Timed:
    query: Query
    seconds: float
    answer: list[tuple[Any, ...]]


def answer_of(lines: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [(c.slot, c.rank, c.fit, c.serial, c.part_number, c.site, c.needs_consent) for c in lines]


def slots(reader: Any, query: Query) -> list[Any]:
    from dcmaint.services.matching import slots_for

    return slots_for(reader, query.device, None, query.slot, query.fault)


def time_matches(url: Any, chosen: list[Query], warm: int = 3) -> list[Timed]:
    """`spare match` as the CLI runs it, minus start-up: a few untimed queries first warm caches and imports."""
    from dcmaint.services.matching import match
    from dcmaint.store.reader import open_reader

    timed = []
    with open_reader(url) as reader:
        for query in chosen[:warm]:
            match(reader, slots(reader, query), None, LIMIT)
        for query in chosen:
            start = time.perf_counter()
            lines = match(reader, slots(reader, query), None, LIMIT)
            timed.append(Timed(query, time.perf_counter() - start, answer_of(lines)))
    return timed


SPARES_SQL = ("SELECT u.serial, u.part_number, u.part_id, p.part_number, p.part_class, s.name, u.bin, u.condition, "
              "u.status, u.reserved_for, u.received_on FROM stock_units u JOIN sites s ON s.id = u.site_id "
              "LEFT JOIN parts p ON p.id = u.part_id")


def naive_match(reader: Any, query: Query) -> list[Any]:
    """The spreadsheet way: the whole stock sheet and catalogue read, then filtered and ranked in memory."""
    from dcmaint.domain.matching import Spare, rank
    from dcmaint.store.reader import as_date

    stock_sheet = reader.rows(SPARES_SQL)
    parts = reader.rows("SELECT id, part_number, part_class, vendor, description, lead_time_days FROM parts")
    numbers = reader.rows("SELECT part_id, number, kind FROM part_numbers")
    declared = reader.rows("SELECT part_id, substitute_id, note FROM part_substitutes")
    lines = []
    for identity in slots(reader, query):
        known = naive_known(identity, parts, numbers, declared)
        ids = {*known.parts, *known.substitutes}
        spares = [Spare(*r[:10], as_date(r[10])) for r in stock_sheet
                  if r[0] is not None and r[8] in ("in_stock", "reserved")
                  and (r[1] in identity.numbers or r[2] in ids or (not identity.numbers and r[4] == identity.kind))]
        lines.extend(rank(identity, known, spares, None, LIMIT))
    return lines


def naive_known(identity: Any, parts: Sequence[Sequence[Any]], numbers: Sequence[Sequence[Any]],
                declared: Sequence[Sequence[Any]]) -> Any:
    """The catalogue lookup `spare match` does in SQL, done over the whole catalogue in Python."""
    from dcmaint.domain.matching import CataloguePart, SlotParts

    wanted = set(identity.numbers)
    aliased = {part_id for part_id, number, _kind in numbers if number in wanted}
    spares: dict[int, list[str]] = defaultdict(list)
    for part_id, number, kind in sorted(numbers, key=lambda r: r[1]):
        if kind == "spare":
            spares[part_id].append(number)
    named = {r[0]: CataloguePart(*r, tuple(spares[r[0]])) for r in parts if r[1] in wanted or r[0] in aliased}
    substitutes: dict[int, tuple[int, str | None]] = {}
    for part_id, substitute_id, note in declared:
        for original, substitute in ((part_id, substitute_id), (substitute_id, part_id)):
            if original in named and substitute not in named:
                substitutes.setdefault(substitute, (original, note))
    return SlotParts(named, substitutes, {})  # the benchmark records no consents


def time_baseline(url: Any, chosen: list[Query]) -> list[Timed]:
    from dcmaint.store.reader import open_reader

    timed = []
    with open_reader(url) as reader:
        for query in chosen:
            start = time.perf_counter()
            lines = naive_match(reader, query)
            timed.append(Timed(query, time.perf_counter() - start, answer_of(lines)))
    return timed


def ms(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def by_case(timed: list[Timed]) -> dict[str, list[Timed]]:
    groups: dict[str, list[Timed]] = {case: [] for case in CASES}
    for t in timed:
        groups[t.query.case].append(t)
    return {case: found for case, found in groups.items() if found}


def median_ms(timed: Sequence[Timed]) -> float:
    return statistics.median(t.seconds for t in timed) * 1000


def report_matches(timed: list[Timed]) -> float:
    """Prints the figures by case, and the cases that miss the target on their own; returns the median in ms."""
    print(f"  {'case':38} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'lines':>6}")
    groups = by_case(timed)
    for case, found in groups.items():
        seconds = [t.seconds for t in found]
        lines = statistics.mean(len(t.answer) for t in found)
        print(f"  {CASES[case]:38} {len(found):4d} {median_ms(found):10.1f} {ms(seconds, 0.95):8.1f} "
              f"{max(seconds) * 1000:8.1f} {lines:6.1f}")
    seconds = [t.seconds for t in timed]
    print(f"  {'all':38} {len(timed):4d} {median_ms(timed):10.1f} {ms(seconds, 0.95):8.1f} {max(seconds) * 1000:8.1f}")
    slow = [f"{CASES[case]} ({median_ms(found):.0f} ms)" for case, found in groups.items()
            if median_ms(found) >= TARGET_MEDIAN_MS]
    if slow:
        print(f"  cases whose own median is over {TARGET_MEDIAN_MS:.0f} ms: {', '.join(slow)}")
    return median_ms(timed)


# Swaps, in client processes.


def client(url_text: str, actor: str, phases: list[tuple[str, list[Any], list[str]]], barrier: Any,
           results: Any) -> None:
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


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine, from /proc/stat: the clients and the server share its cores."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values) - values[3] - values[4], sum(values)  # idle and iowait are not busy


def idle_before() -> str:
    """How busy the machine was in the second before the run: a shared machine's other work skews every figure."""
    before = cpu_ticks()
    time.sleep(1)
    busy = busy_share(before, cpu_ticks())
    return "CPU use unknown" if busy is None else f"{busy:.0%} busy"


def busy_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


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
                rows = connection.execute("SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                                          "WHERE application_name = %s", (self._application,)).fetchall()
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


def run_clients(url: Any, per_client: list[list[tuple[str, list[Any], list[str]]]],
                watch: tuple[str, str] | None = None) -> list[Phase]:
    """Start the clients, release them phase by phase, and time each phase until the last client is done.

    ``watch`` is (dsn, application name) of PostgreSQL connections to sample while a phase runs.
    """
    context = forkserver()
    barrier = context.Barrier(len(per_client) + 1)
    results = context.Queue()
    processes = [context.Process(target=client, args=(url.sqlalchemy, f"bench-{n + 1}", phases, barrier, results))
                 for n, phases in enumerate(per_client)]
    for process in processes:
        process.start()
    phases = []
    try:
        for _index in range(len(per_client[0])):
            try:
                barrier.wait(timeout=300)
            except threading.BrokenBarrierError:
                raise SystemExit("the swap clients did not all start: their tracebacks are above") from None
            start, ticks = time.perf_counter(), cpu_ticks()
            with Waits(*watch) if watch else _nothing() as waits:
                outcomes = collect(results, processes)
            seconds, busy = time.perf_counter() - start, busy_share(ticks, cpu_ticks())
            phases.append(Phase(seconds, [s for o in outcomes for s in o["done"]],
                                [e for o in outcomes for e in o["errors"]], sum(o["lost"] for o in outcomes),
                                sum(o["taken"] for o in outcomes), busy, waits.shares() if waits else [],
                                sum(o["cpu"] for o in outcomes), [h for o in outcomes for h in o["held"]]))
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
    return phases


PRELOAD = ["sqlalchemy", "psycopg", "alembic.runtime.migration", "dcmaint.services.swap", "dcmaint.store.unit"]


def forkserver() -> Any:
    """Clients forked from a server process that has imported the swap path but opened no connection.

    A plain fork would share the parent's connections; spawning imports everything again in each client,
    seconds of CPU for eight of them on two cores.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def collect(results: Any, processes: list[Any]) -> list[dict[str, Any]]:
    """One outcome per client; a client that died instead of reporting stops the benchmark."""
    import queue

    outcomes: list[dict[str, Any]] = []
    while len(outcomes) < len(processes):
        try:
            outcomes.append(results.get(timeout=1)[1])
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise SystemExit("a swap client died: its traceback is above") from None
    return outcomes


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


# Checks.


def check_store(url: Any, reported: list[str], seeded_installed: int) -> list[tuple[bool, str]]:
    """What the clients say happened, against what the database holds."""
    from dcmaint.store import integrity
    from dcmaint.store.reader import open_reader

    with open_reader(url) as reader:
        def one(sql: str) -> int:
            return int(reader.rows(sql)[0][0])

        swaps = one("SELECT count(*) FROM swaps")
        stored = sorted(r[0] for r in reader.rows(
            "SELECT i.serial FROM swaps w JOIN stock_units i ON i.id = w.installed_unit_id"))
        doubled = one("SELECT count(*) FROM (SELECT installed_unit_id FROM swaps GROUP BY installed_unit_id "
                      "HAVING count(*) > 1) x")
        serials = one("SELECT count(*) FROM (SELECT serial FROM stock_units WHERE status = 'installed' "
                      "AND serial IS NOT NULL GROUP BY serial HAVING count(*) > 1) x")
        wrong_unit = one("SELECT count(*) FROM swaps w JOIN stock_units i ON i.id = w.installed_unit_id "
                         "WHERE i.status <> 'installed' OR i.device_id <> w.device_id OR i.slot <> w.location")
        unswapped = one("SELECT count(*) FROM stock_units u WHERE u.status = 'installed' AND u.notes IS NULL "
                        "AND (SELECT count(*) FROM swaps w WHERE w.installed_unit_id = u.id) <> 1")
        installed = one("SELECT count(*) FROM stock_units WHERE status = 'installed'")
        twice = one("SELECT count(*) FROM (SELECT device_id, kind, location FROM swaps "
                    "GROUP BY device_id, kind, location HAVING count(*) > 1) x")
        stale = one("SELECT count(*) FROM swaps w JOIN components c ON c.device_id = w.device_id "
                    "AND c.kind = w.kind AND c.location = w.location JOIN stock_units i ON i.id = w.installed_unit_id "
                    "WHERE w.id = (SELECT max(v.id) FROM swaps v WHERE v.device_id = w.device_id "
                    "AND v.kind = w.kind AND v.location = w.location) AND (c.serial IS NULL OR c.serial <> i.serial)")
        removed = one("SELECT count(*) FROM swaps w JOIN stock_units r ON r.id = w.removed_unit_id "
                      "WHERE r.status = 'removed'")
        audited = one("SELECT count(*) FROM audit_log WHERE entity = 'swap' AND action = 'swap'")
    chain = integrity.check(url)
    return [
        (swaps == len(reported) and stored == sorted(reported),
         f"nothing lost: {swaps} rows in swaps, {len(reported)} swaps reported by the clients, same spares"),
        (len(set(reported)) == len(reported) and doubled == 0 and wrong_unit == 0 and serials == 0,
         f"no spare installed twice: {serials} serials installed twice, {doubled} units in two swaps, "
         f"{wrong_unit} swaps whose unit is not installed in their slot"),
        (unswapped == 0 and installed == seeded_installed + swaps,
         f"every unit installed here has exactly one swap: {installed} installed = {seeded_installed} seeded "
         f"+ {swaps} swapped, {unswapped} without exactly one"),
        (twice == 0 and stale == 0,
         f"no doubled swap: {twice} slots swapped twice, {stale} slots whose serial is not the spare of their "
         "latest swap"),
        (removed == swaps, f"every swap put the removed part in custody: {removed} of {swaps}"),
        (chain.ok and audited == swaps,
         f"audit chain intact (dcmaint db check): {chain.audit_rows} rows, {audited} swap entries"
         + ("" if chain.ok else "; " + "; ".join(p.line() for p in chain.problems[:3]))),
    ]


# Backends.


@contextmanager
def store(backend: str, pg_url: str) -> Iterator[tuple[Any, tuple[str, str] | None]]:
    """A fresh store: SQLite in a temporary directory, or a private PostgreSQL schema, removed afterwards.

    Yields its URL and, on PostgreSQL, (dsn, application name) to find its connections in pg_stat_activity.
    """
    from dcmaint.store.engine import engine_for
    from dcmaint.store.urls import parse

    if backend == "sqlite":
        workdir = Path(tempfile.mkdtemp(prefix="dcmaint-spares-"))
        url = parse(f"sqlite:///{workdir / 'dcmaint.db'}")
        try:
            yield url, None
        finally:
            engine_for(url).dispose()
            shutil.rmtree(workdir, ignore_errors=True)
        return
    import psycopg

    schema_name = f"bench_spares_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema_name}"')
    url = parse(f"{pg_url}?options=-csearch_path%3D{schema_name}&application_name={schema_name}")
    try:
        yield url, (pg_url, schema_name)
    finally:
        engine_for(url).dispose()
        with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP SCHEMA "{schema_name}" CASCADE')


@dataclass
class Outcome:
    backend: str
    median_ms: float = 0.0
    p95_ms: float = 0.0
    ratio: float = 0.0
    one_rate: float = 0.0
    many_rate: float = 0.0
    checks: list[tuple[bool, str]] = field(default_factory=list)


def measure(backend: str, args: argparse.Namespace, depot: Depot, chosen: list[Query], work: Workload) -> Outcome:
    """One backend from an empty store to its checks; the same depot, slots and swaps on every backend."""
    from dcmaint.store.engine import engine_for

    outcome = Outcome(backend)
    with store(backend, args.pg_url) as (url, watch):
        print(f"\n== {backend} ==")
        print(f"seeded in {seed(url, depot):.1f} s")
        engine_for(url).dispose()  # the parent's idle connections would blur the sampled ones
        matched_answers(outcome, url, chosen, args.baseline_queries)
        reported = swap_figures(outcome, url, work, args.clients, watch)
        seeded_installed = sum(1 for u in depot.units if u.status == "installed")
        outcome.checks += check_store(url, reported, seeded_installed)
        print("checks:")
        for ok, label in outcome.checks:
            print(f"  {'PASS' if ok else 'FAIL'} {label}")
    return outcome


def matched_answers(outcome: Outcome, url: Any, chosen: list[Query], baseline_count: int) -> None:
    """Times `spare match`, then the baseline on an even share of the same slots, and compares their answers."""
    print(f"spare match (slots_for + match, limit {LIMIT}), {len(chosen)} slots, one reader, in this process:")
    timed = time_matches(url, chosen)
    outcome.median_ms = report_matches(timed)
    outcome.p95_ms = ms([t.seconds for t in timed], 0.95)
    verdict = "met" if outcome.median_ms < TARGET_MEDIAN_MS else "MISSED"
    print(f"  target: median under {TARGET_MEDIAN_MS:.0f} ms -> {verdict}")
    sample = spread(timed, baseline_count)
    naive = time_baseline(url, [t.query for t in sample])
    naive_ms, ours_ms = median_ms(naive), median_ms(sample)
    outcome.ratio = naive_ms / ours_ms
    agree = sum(a.answer == b.answer for a, b in zip(sample, naive))
    print(f"baseline, every stock unit and the catalogue read and filtered in Python, {len(naive)} of the slots: "
          f"median {naive_ms:.0f} ms against {ours_ms:.1f} ms for the same slots -> {outcome.ratio:.0f}x")
    outcome.checks.append((agree == len(naive), f"the baseline's answers equal spare match's: {agree} of {len(naive)}"))


def spread(timed: list[Timed], count: int) -> list[Timed]:
    """An even share of every case, so the baseline's slots are as hard as the measured ones."""
    groups = by_case(timed)
    share = max(1, count // max(1, len(groups)))
    return [t for found in groups.values() for t in found[:share]]


def swap_figures(outcome: Outcome, url: Any, work: Workload, clients: int, watch: tuple[str, str] | None
                 ) -> list[str]:
    """Prints the rates and the race; returns the serial of every spare a client reports fitted."""
    print("spare swap, each swap its own transaction (a write() unit of work, as the CLI runs it):")
    alone = run_clients(url, [[("distinct", work.one, [])]], watch)[0]
    outcome.one_rate = len(alone.done) / alone.seconds
    print(f"  1 client : {len(alone.done):5d} swaps in {alone.seconds:6.1f} s = {outcome.one_rate:6.1f} swaps/s")
    print_load(alone, 1, url.backend)
    pool = work.pool
    phases = run_clients(url, [[("distinct", work.many[n], []), ("race", work.race[n], pool)]
                               for n in range(clients)], watch)
    together, racing = phases
    outcome.many_rate = len(together.done) / together.seconds
    print(f"  {clients} clients: {len(together.done):5d} swaps in {together.seconds:6.1f} s = "
          f"{outcome.many_rate:6.1f} swaps/s ({outcome.many_rate / outcome.one_rate:.2f}x one client)")
    print_load(together, clients, url.backend)
    slots = sum(len(r) for r in work.race)
    print(f"  race: {clients} clients, {slots} slots, one pool of {len(pool)} spares: {len(racing.done)} fitted, "
          f"{racing.lost + racing.taken} conflicts ({racing.lost} lost at the conditional UPDATE, {racing.taken} "
          f"already installed when read) in {racing.seconds:.1f} s")
    errors = [*alone.errors, *together.errors, *racing.errors]
    for line in errors[:5]:
        print(f"  error: {line}")
    outcome.checks.append((not errors, f"no client error: {len(errors)}"))
    outcome.checks.append((len(racing.done) == min(len(pool), slots),
                           f"race: {len(racing.done)} of {min(len(pool), slots)} contended spares fitted"))
    return [*alone.done, *together.done, *racing.done]


def print_load(phase: Phase, clients: int, backend: str) -> None:
    """Where the time went: a saturated CPU, or clients queued on the database."""
    if phase.held:
        lock = "the audit head row, locked to committed" if backend == "postgresql" else \
            "the write lock, BEGIN IMMEDIATE to committed"
        print(f"    held {lock}: median {statistics.median(phase.held) * 1000:.1f} ms per swap, by someone "
              f"{sum(phase.held) / phase.seconds:.0%} of the wall time (one holder at a time: at most "
              f"{len(phase.held) / sum(phase.held):.0f} swaps/s at this length)")
    if phase.done:
        print(f"    clients' CPU {phase.cpu / len(phase.done) * 1000:.1f} ms per swap")
    if phase.busy is not None:
        print(f"    machine CPU busy {phase.busy:.0%} of {os.cpu_count()} cores (clients and database server)")
    if phase.waits:
        shown = ", ".join(f"{share:.1f} {name}" for name, share in phase.waits)
        print(f"    the {clients} connection(s), mean per 50 ms sample: {shown}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--units", type=int, default=100_000, help="serialised spares in the depots")
    parser.add_argument("--components", type=int, default=50_000, help="slots in the installed base")
    parser.add_argument("--queries", type=int, default=300, help="slots matched")
    parser.add_argument("--baseline-queries", type=int, default=24, help="slots matched the naive way")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--swaps", type=int, default=1000, help="swaps by 1 client, and again by --clients clients")
    parser.add_argument("--race", type=int, default=8, help="slots per client racing for the shared spares")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--quick", action="store_true", help="a small smoke size: 2,000 units, 1,000 components")
    args = parser.parse_args()
    if args.quick:
        args.units, args.components, args.queries = 2_000, 1_000, 30
        args.baseline_queries, args.swaps, args.race = 6, 48, 2
    return args


def main() -> int:
    args = parse_args()
    os.environ["DCMAINT_LANG"] = "en"  # the race's conflicts are told apart by their English text
    depot = plan(args.seed, args.units, args.components, args.clients, args.race)
    chosen = queries(depot, args.queries, args.seed)
    work = workload(depot, args.swaps, args.clients, args.seed)
    print(f"spare depot: {len(depot.units):,} serialised units at {SITES} sites, {len(depot.slots):,} components in "
          f"{depot.devices:,} servers ({sum(1 for s in depot.slots if s.fault_id):,} open faults), "
          f"{len(depot.parts)} catalogue parts, {len(depot.substitutes)} declared substitutes; "
          f"{os.cpu_count()} CPUs ({idle_before()} before the start: others' work skews the figures), "
          f"Python {sys.version.split()[0]}")
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    outcomes = [measure(backend, args, depot, chosen, work) for backend in backends]
    return summary(outcomes, args.clients)


def summary(outcomes: list[Outcome], clients: int) -> int:
    print("\nsummary:")
    for o in outcomes:
        print(f"  {o.backend:10} match median {o.median_ms:6.1f} ms, p95 {o.p95_ms:6.1f} ms, baseline {o.ratio:5.0f}x; "
              f"swaps/s 1 client {o.one_rate:6.1f}, {clients} clients {o.many_rate:6.1f}; "
              f"checks {'PASS' if all(ok for ok, _ in o.checks) else 'FAIL'}")
    if not all(ok for o in outcomes for ok, _ in o.checks):
        return CHECK_FAILED
    missed = [o.backend for o in outcomes if o.median_ms >= TARGET_MEDIAN_MS]
    print(f"target: median match under {TARGET_MEDIAN_MS:.0f} ms -> "
          + ("met" if not missed else "MISSED on " + ", ".join(missed)))
    return TARGET_MISSED if missed else 0


if __name__ == "__main__":
    sys.exit(main())
