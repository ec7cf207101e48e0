"""The reports benchmark's store: one site of 1,000 devices with a year of tickets, swaps and handovers.

Planned in Python from a seed, so both backends get the same rows, and
loaded in bulk (benchmarks/bulk.py). Devices are of every kind; servers
carry two power supplies and four disks, the other devices two power
supplies, all with catalogued part numbers, so the depot section has lines.
Tickets are reported around the clock over the last twelve months: most
restored within the SLA target, some late, some paused for the customer,
most signed and scored, a few still open. One in five swapped a part; the
removed parts are handed to the customer at the start of the next month,
those of the last month not yet.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bulk import Loader, analyze, upgraded

SITE = "hq"
ZONE = "Asia/Shanghai"
SLA_HOURS = 12
BEIJING = ZoneInfo(ZONE)
KINDS = ["server"] * 10 + ["storage"] * 2 + ["network"] * 4 + ["ups", "cooling", "security", "backup"]
ENGINEERS = 10
PARTS = (  # part number, class, annual failure rate, lead time (days)
    ("865414-B21", "psu", 0.02, 10),
    ("872479-B21", "disk", 0.015, 5),
    ("PSU-GEN-550", "psu", 0.01, 20),
)
H = 3600.0


@dataclass
class Planned:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    tickets_by_month: dict[str, int] = field(default_factory=dict)  # reported per local month, YYYY-MM

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


COLUMNS = {
    "sites": ("id", "name", "customer", "contract_no", "sla_restore_hours", "depot_deadline_days", "timezone",
              "calendar", "created_at", "updated_at"),
    "devices": ("id", "site_id", "name", "kind", "covered", "tls_verify", "created_at", "updated_at"),
    "staff": ("id", "name", "role", "skills", "active", "created_at", "updated_at"),
    "parts": ("id", "part_number", "part_class", "annual_failure_rate", "lead_time_days", "consumable", "created_at",
              "updated_at"),
    "components": ("id", "device_id", "kind", "location", "part_number", "serial", "health", "first_seen",
                   "last_seen"),
    "handovers": ("id", "site_id", "received_by", "handed_at", "document_ref"),
    "stock_units": ("id", "part_id", "part_number", "site_id", "serial", "condition", "quantity", "status",
                    "device_id", "slot", "updated_at", "handover_id"),
    "tickets": ("id", "ref", "site_id", "source", "description", "severity", "state", "assignee_id", "handling",
                "reported_at", "created_at", "sla_hours", "started_at", "paused_seconds", "restored_at", "sla_met",
                "sla_elapsed_seconds", "signed_by", "signed_at", "score", "verified_by", "verified_at",
                "closed_at"),
    "ticket_devices": ("ticket_id", "device_id"),
    "ticket_pauses": ("id", "ticket_id", "reason", "started_at", "ended_at"),
    "swaps": ("id", "device_id", "kind", "location", "installed_unit_id", "removed_unit_id", "fit", "from_site_id",
              "ticket", "technician", "swapped_at", "verification"),
}  # fmt: skip


def _month(value: datetime) -> str:
    return f"{value.astimezone(BEIJING):%Y-%m}"


def plan(devices: int, per_day: float, now: datetime, seed: int) -> Planned:
    """Registers, components, the depot, a year of tickets (``per_day`` on average) with swaps and handovers."""
    rng = random.Random(seed)
    out = Planned()
    out.add("sites", (1, SITE, "某市商业银行", "HT-2026-0815", SLA_HOURS, 15, ZONE, "cn", now, now))
    for e in range(1, ENGINEERS + 1):
        out.add("staff", (e, f"eng-{e:02d}", "engineer", "", True, now, now))
    for p, (number, part_class, rate, lead) in enumerate(PARTS, 1):
        out.add("parts", (p, number, part_class, rate, lead, False, now, now))
    component = 0
    kinds = {}
    for d in range(1, devices + 1):
        kind = KINDS[d % len(KINDS)]
        kinds[d] = kind
        out.add("devices", (d, 1, f"dev-{d:04d}", kind, True, True, now, now))
        fitted = [("psu", f"PSU {i}", PARTS[0][0] if kind == "server" else PARTS[2][0]) for i in (1, 2)]
        if kind == "server":
            fitted += [("disk", f"Bay {i}", PARTS[1][0]) for i in range(1, 5)]
        for part_kind, location, number in fitted:
            component += 1
            out.add(
                "components",
                (component, d, part_kind, location, number, f"C{component:07d}", "ok", now, now),
            )
    unit = 0
    for p, (number, _cls, _rate, _lead) in enumerate(PARTS, 1):
        for _ in range(4):
            unit += 1
            out.add("stock_units", (unit, p, number, 1, f"S{unit:06d}", "new", 1, "in_stock", None, None, now, None))
    start = now - timedelta(days=365)
    count = int(per_day * 365)
    handovers: dict[datetime, int] = {}  # when -> id
    pause_id = swap_id = 0
    for n in range(1, count + 1):
        reported = start + timedelta(seconds=(365 * 86400) * (n - 1 + rng.random()) / count)
        device = rng.randrange(devices) + 1
        started = reported + timedelta(minutes=rng.uniform(2, 60))
        late = rng.random() < 0.07
        elapsed = SLA_HOURS * H + rng.uniform(60, 8 * H) if late else rng.random() ** 1.5 * SLA_HOURS * H * 0.98 + 60
        paused = rng.uniform(0.5 * H, 6 * H) if rng.random() < 0.08 else 0.0
        restored: datetime | None = started + timedelta(seconds=elapsed + paused)
        if restored is not None and restored > now - timedelta(minutes=1):
            restored = None
        signed = restored + timedelta(hours=rng.uniform(0.5, 30)) if restored else None
        signed = signed if signed is not None and signed < now and rng.random() < 0.85 else None
        state = "in_progress" if restored is None else "signed" if signed else "restored"
        score = rng.choices([1, 2, 3, 4, 5], [2, 3, 10, 35, 50])[0]
        out.add(
            "tickets",
            (
                n, f"T-{reported.astimezone(BEIJING).year}-{n:06d}", 1,
                rng.choice(["phone", "phone", "email", "monitoring", "inspection"]), "故障",
                rng.choice(["critical", "high", "high", "medium", "low"]), state, rng.randrange(ENGINEERS) + 1,
                rng.choice(["remote", "onsite"]), reported, reported, SLA_HOURS, started, paused, restored,
                None if restored is None else not late, None if restored is None else elapsed,
                "李主任" if signed else None, signed, score if signed else None,
                None, None, None,
            ),
        )  # fmt: skip
        out.add("ticket_devices", (n, device))
        out.tickets_by_month[_month(reported)] = out.tickets_by_month.get(_month(reported), 0) + 1
        if paused:
            pause_id += 1
            begin = started + timedelta(seconds=rng.uniform(0, elapsed))
            out.add("ticket_pauses", (pause_id, n, "downtime-window", begin, begin + timedelta(seconds=paused)))
        if restored is not None and rng.random() < 0.2:
            swap_id += 1
            number = PARTS[0][0] if kinds[device] == "server" else PARTS[2][0]
            part_id = 1 if kinds[device] == "server" else 3
            swapped = restored - timedelta(minutes=10)
            handed_month = _next_month(swapped)
            handover = handovers.setdefault(handed_month, len(handovers) + 1) if handed_month <= now else None
            unit += 1
            out.add("stock_units", (unit, part_id, number, 1, f"N{unit:06d}", "new", 1, "installed", device,
                                    "psu:PSU 2", now, None))  # fmt: skip
            unit += 1
            out.add("stock_units", (unit, part_id, number, 1, f"R{unit:06d}", "used", 1, "removed", device,
                                    "psu:PSU 2", now, handover))  # fmt: skip
            out.add("swaps", (swap_id, device, "psu", "PSU 2", unit - 1, unit, "exact", 1, f"T-{n}", "eng-01",
                              swapped, "not_checked"))  # fmt: skip
    for handed, h in handovers.items():
        out.add("handovers", (h, 1, "李主任", handed, f"R-{h:03d}"))
    return out


def _next_month(value: datetime) -> datetime:
    """09:00 on the first day of the next local month: when the month's removed parts are handed over."""
    local = value.astimezone(BEIJING)
    first = local.replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


ORDER = ("sites", "staff", "parts", "devices", "components", "handovers", "stock_units", "tickets", "ticket_devices",
         "ticket_pauses", "swaps")  # fmt: skip


def seed(url: Any, devices: int, per_day: float, now: datetime, seed_value: int) -> tuple[Planned, float]:
    """The store at head with the planned rows; seconds it took."""
    began = time.perf_counter()
    upgraded(url)
    planned = plan(devices, per_day, now, seed_value)
    with Loader(url) as loader:
        for table in ORDER:
            loader.load(table, COLUMNS[table], planned.rows.get(table, []))
        loader.follow_ids(tuple(t for t in ORDER if t != "ticket_devices"))
        loader.commit()
    analyze(url, [f"VACUUM ANALYZE {table}" for table in ORDER])
    return planned, time.perf_counter() - began
