"""The spares benchmark's depot, planned once in Python so that both backends get the same rows, queries and swaps.

A catalogue of 900 parts in six classes (spare numbers, option numbers,
declared substitutes), an installed base of servers of 20 slots with open
faults on 2 % of them, whose BMCs report both numbers, the part number only,
the spare number only, a number the catalogue does not know, or none; and
serialised spares stocked by popularity: most parts at every site, some at
one central depot only, some not at all. Seeded in bulk (see bulk.py): the
seeded rows have no audit entries.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bulk import Loader, analyze, upgraded

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
            slots.append(
                Slot(
                    len(slots) + 1,
                    f"srv{device:05d}",
                    (device - 1) % SITES + 1,
                    kind,
                    location,
                    part,
                    number,
                    spare,
                    f"CS{len(slots) + 1:08d}",
                    fault,
                )
            )
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
        depot.units.append(
            Unit(
                len(depot.units) + 1,
                f"SP{len(depot.units) + 1:08d}",
                None,
                rng.choice(UNCATALOGUED),
                rng.randint(1, SITES),
                "in_stock",
            )
        )
    assert depot.race_part is not None
    for _ in range(race_pool):
        unit = Unit(
            len(depot.units) + 1,
            f"RACE{len(depot.units) + 1:08d}",
            depot.race_part,
            depot.race_part.number,
            rng.randint(1, SITES),
            "in_stock",
        )
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
    one, rest = tasks[: len(tasks) // 2], tasks[len(tasks) // 2 :]
    race = [[(s.device, s.spec) for s in depot.race_slots[n::clients]] for n in range(clients)]
    return Workload(one, [rest[n::clients] for n in range(clients)], race, list(depot.race_pool))


# Seeding.


NOW = datetime.now(UTC)


def rows_of(depot: Depot) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, in insertion order (parents first)."""
    seen_at, polled_at = NOW - timedelta(days=30), NOW - timedelta(hours=1)
    stamps = {"created_at": NOW, "updated_at": NOW}
    sites = [
        {
            "id": n,
            "name": f"site{n:02d}",
            "customer": f"Customer {n % 5}",
            "sla_restore_hours": 12,
            "depot_deadline_days": 15,
            "timezone": "Asia/Shanghai",
            "calendar": "cn",
            **stamps,
        }
        for n in range(1, SITES + 1)
    ]
    devices = [
        {
            "id": n,
            "site_id": (n - 1) % SITES + 1,
            "name": f"srv{n:05d}",
            "kind": "server",
            "vendor": "HPE",
            "model": "ProLiant DL380 Gen10",
            "serial": f"CZ{n:08d}",
            "covered": True,
            "tls_verify": True,
            **stamps,
        }
        for n in range(1, depot.devices + 1)
    ]
    components, faults = [], []
    for s in depot.slots:
        device_id = int(s.device[3:])
        health = "critical" if s.fault_id else "ok"
        components.append(
            {
                "id": s.component_id,
                "device_id": device_id,
                "kind": s.kind,
                "location": s.location,
                "part_number": s.number,
                "spare_part_number": s.spare_number,
                "serial": s.serial,
                "health": health,
                "first_seen": seen_at,
                "last_seen": polled_at,
            }
        )
        if s.fault_id:
            faults.append(
                {
                    "id": s.fault_id,
                    "device_id": device_id,
                    "kind": s.kind,
                    "location": s.location,
                    "health": health,
                    "reason": f"{s.location}: predictive failure",
                    "part_number": s.number,
                    "spare_part_number": s.spare_number,
                    "serial": s.serial,
                    "first_seen": polled_at,
                    "last_seen": polled_at,
                }
            )
    return {
        "sites": sites,
        "devices": devices,
        **catalogue_rows(depot, stamps),
        "components": components,
        "faults": faults,
        "stock_units": unit_rows(depot),
    }


def catalogue_rows(depot: Depot, stamps: dict[str, datetime]) -> dict[str, list[dict[str, Any]]]:
    parts = [
        {
            "id": p.id,
            "part_number": p.number,
            "vendor": "HPE",
            "description": f"{p.kind} {p.id}",
            "part_class": p.kind,
            "lead_time_days": 3 + p.id % 28,
            "consumable": False,
            **stamps,
        }
        for p in depot.parts
    ]
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
        rows.append(
            {
                "id": u.id,
                "part_id": u.part.id if u.part else None,
                "part_number": u.labelled,
                "site_id": u.site,
                "serial": u.serial,
                "bin": f"{'ABCDEF'[u.id % 6]}-{u.id % 40 + 1}",
                "condition": "refurbished" if u.id % 7 == 0 else "new",
                "quantity": 1,
                "status": u.status,
                "reserved_for": f"T-{u.id}" if u.status == "reserved" else None,
                "notes": SEEDED_INSTALLED if u.status == "installed" else None,
                "received_on": today - timedelta(days=u.id * 7919 % 1000),
                "updated_at": NOW,
            }
        )
    return rows


def seed(url: Any, depot: Depot) -> float:
    """Schema through the migrations, rows in bulk; PostgreSQL's statistics gathered as autovacuum soon would."""
    start = time.perf_counter()
    upgraded(url)
    with Loader(url) as loader:
        for table, rows in rows_of(depot).items():
            loader.load_dicts(table, rows)
        loader.follow_ids(("sites", "devices", "parts", "part_numbers", "components", "faults", "stock_units"))
        loader.commit()
    analyze(url, ["ANALYZE"])
    return time.perf_counter() - start
