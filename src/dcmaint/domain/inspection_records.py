"""What the inspection commands show: plans, runs, device results and findings, with their JSON keys
(docs/json.md, "Inspections")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dcmaint.domain.records import Record


@dataclass(frozen=True)
class Plan(Record):
    id: int
    site: str
    frequency: str  # monthly, quarterly, half-yearly, yearly, every N days, every N weeks
    next_on: date  # in the site's time zone
    scope: tuple[str, ...]  # device kinds; empty: every covered device
    agreed_with: str | None
    days_left: int  # from today in the site's time zone; negative: overdue


@dataclass(frozen=True)
class RunListing(Record):
    id: int
    site: str
    started_at: datetime
    engineer: str | None
    devices: int
    findings: int
    score: int | None
    trend: str  # up, down, same, new


@dataclass(frozen=True)
class DeviceResult(Record):
    device: str  # "" for the machine room
    system: str  # the device kind, or "room"
    status: str  # the poll's health, not_polled, or checked (the room)
    checks: int
    failed: int
    score: int
    trend: str


@dataclass(frozen=True)
class Finding(Record):
    device: str  # "" for the machine room
    source: str  # checklist, reading, fault
    item: str
    health: str
    description: str
    outcome: str  # fixed, downtime, factory, open
    downtime_on: date | None
    note: str | None
    ticket: str | None


@dataclass(frozen=True)
class Answer(Record):
    device: str
    item: str
    answer: str
    ok: bool
    note: str | None


@dataclass(frozen=True)
class RunDetail(Record):
    run: RunListing
    timezone: str
    customer: str
    contract_no: str | None
    results: tuple[DeviceResult, ...]
    findings: tuple[Finding, ...]
    answers: tuple[Answer, ...]
    systems: tuple[tuple[str, int, str], ...]  # (system, score, trend)
    history: tuple[tuple[datetime, int], ...]  # the site's last inspections, oldest first: (when, score)

    def as_json(self) -> dict[str, object]:
        """Keys documented in docs/inspections.md ("JSON")."""
        return {
            **self.run.as_json(),
            "timezone": self.timezone,
            "customer": self.customer,
            "contract_no": self.contract_no,
            "results": [r.as_json() for r in self.results],
            "findings": [f.as_json() for f in self.findings],
            "answers": [a.as_json() for a in self.answers],
            "systems": [{"system": s, "score": score, "trend": t} for s, score, t in self.systems],
            "history": [{"at": at.isoformat(), "score": score} for at, score in self.history],
        }
