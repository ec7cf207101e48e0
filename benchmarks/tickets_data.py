"""The tickets benchmark's store: registers and a million tickets with their events, planned in Python.

Both backends get the same rows from the same seed. Tickets come in the order
they were reported: closed ones over three years, a few recent ones restored
but not yet closed, and the open ones (logged, assigned, in progress with a
running clock due within 2 h, later or past due, or a paused one). The SLA
columns of each row are what the ticket commands would have written.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from bulk import Loader, analyze, upgraded

SITES, ENGINEERS, CENTRE, DEVICES_PER_SITE = 20, 200, 10, 50
SLA_HOURS = [12] * 14 + [8] * 3 + [4] * 3
ZONE = "Asia/Shanghai"
BEIJING = timezone(timedelta(hours=8))  # no DST since 1991: enough for refs and months here
CHUNK = 20_000
H = 3600.0
FAULTS = [
    "PSU 2 电源故障，告警灯红",
    "硬盘 Bay 3 预故障告警",
    "内存 DIMM 5 可纠正错误过多",
    "风扇 2 转速异常",
    "UPS 旁路告警",
    "精密空调高温告警",
    "RAID 卡电池失效",
    "网卡 1 链路中断",
]
ACTIONS = ["更换电源；检查日志；告警清除", "更换硬盘并重建阵列", "更换内存条，运行诊断通过", "更换风扇模块"]


# The store's rows, planned per ticket in Python so both backends get the same ones.


@dataclass
class Rows:
    tickets: list[tuple] = field(default_factory=list)
    ticket_devices: list[tuple] = field(default_factory=list)
    ticket_pauses: list[tuple] = field(default_factory=list)
    ticket_events: list[tuple] = field(default_factory=list)


TICKET_COLUMNS = (
    "id",
    "ref",
    "site_id",
    "source",
    "caller",
    "contact",
    "description",
    "severity",
    "state",
    "assignee_id",
    "handling",
    "fault_id",
    "reported_at",
    "created_at",
    "sla_hours",
    "started_at",
    "paused_since",
    "paused_seconds",
    "sla_due_at",
    "restored_at",
    "sla_met",
    "sla_elapsed_seconds",
    "actions",
    "time_spent_minutes",
    "signed_by",
    "signed_at",
    "score",
    "comment",
    "signature",
    "verified_by",
    "verified_at",
    "closed_at",
)
COLUMNS = {
    "tickets": TICKET_COLUMNS,
    "ticket_devices": ("ticket_id", "device_id"),
    "ticket_pauses": ("id", "ticket_id", "reason", "started_at", "ended_at", "note"),
    "ticket_events": ("id", "ticket_id", "at", "actor", "kind", "state_from", "state_to", "reason", "note"),
}


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

    def _event(
        self, rows: Rows, n: int, at: datetime, kind: str, before: str | None, after: str, reason: str | None = None
    ) -> None:
        self.event_id += 1
        rows.ticket_events.append(
            (self.event_id, n, at, "desk" if kind == "logged" else "bench", kind, before, after, reason, None)
        )

    def _ticket(
        self,
        rows: Rows,
        n: int,
        site: int,
        engineer: int | None,
        device: int,
        reported: datetime,
        state: str,
        **values: Any,
    ) -> None:
        rng = self.rng
        ref = f"T-{reported.astimezone(BEIJING).year}-{n:06d}"
        base = dict.fromkeys(TICKET_COLUMNS)
        base.update(
            id=n,
            ref=ref,
            site_id=site,
            source=rng.choice(["phone", "phone", "email", "monitoring"]),
            caller="王工",
            description=FAULTS[n % len(FAULTS)],
            severity=rng.choice(["critical", "high", "high", "medium", "low"]),
            state=state,
            assignee_id=engineer,
            reported_at=reported,
            created_at=reported,
            sla_hours=SLA_HOURS[site - 1],
            paused_seconds=0.0,
        )
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
        values: dict[str, Any] = {
            "handling": rng.choice(["remote", "remote", "onsite"]),
            "started_at": started,
            "restored_at": restored,
            "paused_seconds": paused,
            "sla_met": elapsed <= target,
            "sla_elapsed_seconds": elapsed,
        }
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
            self._ticket(
                rows,
                n,
                site,
                engineer,
                device,
                reported,
                "in_progress",
                handling="onsite",
                started_at=started,
                paused_since=since,
            )
            self._event(rows, n, started, "start", "assigned", "in_progress", "onsite")
            self._pause(rows, n, since, None)
            return
        elapsed = rng.uniform(0, 1.1 * target)  # a tenth of them already past due
        paused = rng.uniform(0.5 * H, 4 * H) if rng.random() < 0.2 else 0.0
        started = now - timedelta(seconds=elapsed + paused)
        reported = started - timedelta(minutes=rng.uniform(2, 60))
        self._ticket(
            rows,
            n,
            site,
            engineer,
            device,
            reported,
            "in_progress",
            handling="remote",
            started_at=started,
            paused_seconds=paused,
            sla_due_at=started + timedelta(seconds=target + paused),
        )
        self._event(rows, n, started, "start", "assigned", "in_progress", "remote")
        if paused:
            pause_start = started + timedelta(seconds=rng.uniform(0, elapsed))
            self._pause(rows, n, pause_start, pause_start + timedelta(seconds=paused))


def registers(now: datetime) -> dict[str, list[tuple]]:
    sites = [
        (s, f"site-{s:02d}", f"客户 {s:02d}", SLA_HOURS[s - 1], 15, ZONE, "cn", now, now) for s in range(1, SITES + 1)
    ]
    devices = [
        (d, (d - 1) // DEVICES_PER_SITE + 1, f"srv-{d:04d}", "server", True, True, now, now)
        for d in range(1, SITES * DEVICES_PER_SITE + 1)
    ]
    staff = [(e, f"eng-{e:03d}", "engineer", "", True, now, now) for e in range(1, ENGINEERS + 1)]
    staff += [(ENGINEERS + c, f"centre-{c:02d}", "centre", "", True, now, now) for c in range(1, CENTRE + 1)]
    return {"sites": sites, "devices": devices, "staff": staff}


REGISTER_COLUMNS = {
    "sites": (
        "id",
        "name",
        "customer",
        "sla_restore_hours",
        "depot_deadline_days",
        "timezone",
        "calendar",
        "created_at",
        "updated_at",
    ),
    "devices": ("id", "site_id", "name", "kind", "covered", "tls_verify", "created_at", "updated_at"),
    "staff": ("id", "name", "role", "skills", "active", "created_at", "updated_at"),
}


@dataclass
class Seeded:
    tickets: int
    events: int
    seconds: float
    index_seconds: float
    open_tickets: int


def seed(url: Any, count: int, now: datetime, seed_value: int) -> Seeded:
    """Schema through the migrations, rows in bulk with the secondary indexes dropped and rebuilt from their
    own definitions afterwards; PostgreSQL then gets VACUUM ANALYZE, as autovacuum soon would."""
    began = time.perf_counter()
    upgraded(url)
    with Loader(url) as loader:
        indexes = loader.indexes()
        for name, _sql in indexes:
            loader.execute(f'DROP INDEX "{name}"')
        for table, rows in registers(now).items():
            loader.load(table, REGISTER_COLUMNS[table], rows)
        planner = Planner(count, now, seed_value)
        for chunk in planner.chunks():
            for table, columns in COLUMNS.items():
                loader.load(table, columns, getattr(chunk, table))
        built = time.perf_counter()
        for _name, sql in indexes:
            loader.execute(sql)
        loader.follow_ids(("sites", "devices", "staff", "tickets", "ticket_events", "ticket_pauses"))
        loader.commit()
        index_seconds = time.perf_counter() - built
    analyze(url, [f"VACUUM ANALYZE {table}" for table in ("sites", "devices", "staff", *COLUMNS)])
    return Seeded(count, planner.event_id, time.perf_counter() - began, index_seconds, planner.open)
