"""A health run: polling devices, and the faults a technician acts on.

The pieces here are shared by every output of ``dcmaint health`` (table,
JSON, Nagios, Prometheus) and by ``--record``, so that all of them describe
the same faults in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from dcmaint.drivers.health import Health
from dcmaint.drivers.result import PollResult
from dcmaint.i18n import _

if TYPE_CHECKING:
    from dcmaint.domain.records import Device
    from dcmaint.drivers.manager import DriverManager
    from dcmaint.drivers.target import AdhocTarget

#: Monitoring-plugin exit codes by device status.
EXIT_CODES = {Health.OK: 0, Health.ABSENT: 0, Health.WARNING: 1, Health.CRITICAL: 2, Health.UNKNOWN: 3}


@dataclass(frozen=True)
class Fault:
    """One thing someone has to act on: a part, a sensor or an alarm, with the part's identity."""

    device: str
    site: str | None
    kind: str
    location: str
    health: Health
    reason: str | None
    manufacturer: str | None = None
    model: str | None = None
    part_number: str | None = None
    spare_part_number: str | None = None
    serial: str | None = None

    def as_json(self) -> dict[str, object]:
        """Keys documented in docs/json.md (health)."""
        return {
            "kind": self.kind,
            "location": self.location,
            "health": self.health.value,
            "reason": self.reason,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "part_number": self.part_number,
            "spare_part_number": self.spare_part_number,
            "serial": self.serial,
        }


def faults_of(result: PollResult) -> list[Fault]:
    """Faulty components, then out-of-range sensors, then active alarms, worst first within each."""
    report = result.report
    if report is None:
        return []
    found: list[Fault] = []
    for component in report.faults():
        part = component.part
        found.append(
            Fault(
                result.device,
                result.site,
                component.kind.value,
                component.location,
                component.health,
                component.reason or component.health.value,
                part.manufacturer if part else None,
                part.model if part else None,
                part.part_number if part else None,
                part.spare_part_number if part else None,
                part.serial if part else None,
            )
        )
    for sensor in report.sensors:
        if sensor.health.is_fault:
            value = "" if sensor.value is None else f"{sensor.value:g} {sensor.unit}".strip()
            found.append(
                Fault(
                    result.device,
                    result.site,
                    "sensor",
                    sensor.name,
                    sensor.health,
                    _("{sensor}: {value} out of range").format(sensor=sensor.name, value=value),
                )
            )
    for alarm in report.alarms:
        if alarm.severity.is_fault:
            found.append(
                Fault(
                    result.device,
                    result.site,
                    "alarm",
                    alarm.code or alarm.source or "-",
                    alarm.severity,
                    alarm.message,
                )
            )
    return sorted(found, key=lambda fault: -fault.health.rank)


@dataclass(frozen=True)
class HealthRun:
    results: tuple[PollResult, ...]
    started: datetime
    finished: datetime

    @property
    def status(self) -> Health:
        return Health.worst((r.status for r in self.results), default=Health.UNKNOWN)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    @property
    def duration(self) -> float:
        return (self.finished - self.started).total_seconds()

    def counts(self) -> dict[str, int]:
        counts = {health.value: 0 for health in (Health.OK, Health.WARNING, Health.CRITICAL, Health.UNKNOWN)}
        for result in self.results:
            key = Health.OK if result.status is Health.ABSENT else result.status
            counts[key.value] += 1
        return counts


def run_health(
    devices: Iterable[Device | AdhocTarget],
    manager: DriverManager,
    *,
    concurrency: int,
    timeout: float,
    workers: int = 0,
    progress: Callable[[PollResult, int, int], None] | None = None,
) -> HealthRun:
    """Poll every device (bounded, each call within ``timeout``) and return the results in the devices' order.

    Registered devices and ad-hoc endpoints (``AdhocTarget``, site None) may be mixed; the workflow
    around it (choosing devices, recording) is :func:`dcmaint.services.health_check.check_health`.
    """
    from dcmaint.drivers.plan import plan_polls
    from dcmaint.drivers.workers import run_sharded

    devices = list(devices)
    started = datetime.now(UTC)
    plan = plan_polls(devices, manager, timeout=timeout)
    polled = run_sharded(plan.jobs, workers=workers, concurrency=concurrency, timeout=timeout, progress=progress)
    by_key = {(r.site, r.device): r for r in (*plan.settled, *polled)}
    ordered = tuple(by_key[(d.site, d.name)] for d in devices if (d.site, d.name) in by_key)
    return HealthRun(ordered, started, datetime.now(UTC))
