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
from dcmaint.drivers.model import Alarm, Component, ComponentRef
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
    """What needs action: faulty components, then faulty sensors, then active alarms, worst first.

    One broken part is one fault: a sensor or an alarm that names a faulty component (``component``,
    docs/plugins.md) restates it and is folded into the part's fault, which takes the worse of their
    severities. A sensor or an alarm about a healthy part, or about no part, is a fault of its own;
    alarms at one place (the resource they point at) are one fault with their messages joined.
    """
    report = result.report
    if report is None:
        return []
    faulty = {component.ref: component for component in report.faults()}
    raised: dict[ComponentRef, list[Health]] = {ref: [component.health] for ref, component in faulty.items()}
    sensors: list[Fault] = []
    for sensor in report.sensors:
        if not sensor.is_fault:
            continue
        if sensor.component in raised:
            raised[sensor.component].append(sensor.health)
            continue
        value = "" if sensor.value is None else f"{sensor.value:g} {sensor.unit}".strip()
        sensors.append(
            Fault(
                result.device,
                result.site,
                "sensor",
                sensor.name,
                sensor.health,
                _("{sensor}: {value} out of range").format(sensor=sensor.name, value=value),
            )
        )
    places: dict[str, list[Alarm]] = {}
    for alarm in report.alarms:
        if not alarm.is_fault:
            continue
        if alarm.component in raised:
            raised[alarm.component].append(alarm.severity)
            continue
        place = alarm.component.location if alarm.component else alarm.source or alarm.code or "-"
        places.setdefault(place, []).append(alarm)
    parts = [_part_fault(result, component, Health.worst(raised[ref])) for ref, component in faulty.items()]
    alarms = [
        Fault(
            result.device,
            result.site,
            "alarm",
            place,
            Health.worst(alarm.severity for alarm in found),
            "; ".join(dict.fromkeys(alarm.message for alarm in found)),
        )
        for place, found in places.items()
    ]
    return sorted([*parts, *sensors, *alarms], key=lambda fault: -fault.health.rank)


def _part_fault(result: PollResult, component: Component, health: Health) -> Fault:
    part = component.part
    return Fault(
        result.device,
        result.site,
        component.kind.value,
        component.location,
        health,
        component.reason or component.health.value,
        part.manufacturer if part else None,
        part.model if part else None,
        part.part_number if part else None,
        part.spare_part_number if part else None,
        part.serial if part else None,
    )


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
