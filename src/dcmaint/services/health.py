"""A health run: which devices to poll, polling them, and the faults a technician acts on.

The pieces here are shared by every output of ``dcmaint health`` (table,
JSON, Nagios, Prometheus) and by ``--record``, so that all of them describe
the same faults in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from dcmaint.domain.enums import DeviceKind
from dcmaint.domain.records import Device
from dcmaint.drivers.health import Health
from dcmaint.drivers.result import PollResult
from dcmaint.errors import UsageError
from dcmaint.i18n import _

#: Monitoring-plugin exit codes by device status.
EXIT_CODES = {Health.OK: 0, Health.ABSENT: 0, Health.WARNING: 1, Health.CRITICAL: 2, Health.UNKNOWN: 3}

#: Target URL schemes -> the driver that speaks them.
SCHEME_DRIVERS = {"redfish": "redfish", "redfish+http": "redfish", "https": "redfish", "http": "redfish"}


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
            "kind": self.kind, "location": self.location, "health": self.health.value, "reason": self.reason,
            "manufacturer": self.manufacturer, "model": self.model, "part_number": self.part_number,
            "spare_part_number": self.spare_part_number, "serial": self.serial,
        }


def faults_of(result: PollResult) -> list[Fault]:
    """Faulty components, then out-of-range sensors, then active alarms, worst first within each."""
    report = result.report
    if report is None:
        return []
    found: list[Fault] = []
    for component in report.faults():
        part = component.part
        found.append(Fault(
            result.device, result.site, component.kind.value, component.location, component.health,
            component.reason or component.health.value,
            part.manufacturer if part else None, part.model if part else None,
            part.part_number if part else None, part.spare_part_number if part else None,
            part.serial if part else None,
        ))
    for sensor in report.sensors:
        if sensor.health.is_fault:
            value = "" if sensor.value is None else f"{sensor.value:g} {sensor.unit}".strip()
            found.append(Fault(result.device, result.site, "sensor", sensor.name, sensor.health,
                               _("{sensor}: {value} out of range").format(sensor=sensor.name, value=value)))
    for alarm in report.alarms:
        if alarm.severity.is_fault:
            found.append(Fault(result.device, result.site, "alarm", alarm.code or alarm.source or "-",
                               alarm.severity, alarm.message))
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


def adhoc_devices(
    targets: Sequence[str],
    username: str | None,
    password_ref: str | None,
    ca_file: str | None,
    fingerprint: str | None,
    insecure: bool,
    options: dict[str, str] | None = None,
) -> list[Device]:
    """Devices for ``--target URL`` options: polled without being registered (monitoring systems)."""
    from dcmaint.domain.devices import normalise

    devices = []
    for text in targets:
        parts = urlsplit(text)
        driver = SCHEME_DRIVERS.get(parts.scheme.lower())
        if driver is None or not parts.hostname:
            raise UsageError(
                _("invalid --target {value!r}: expected redfish://HOST[:PORT] (or redfish+http://, https://)").format(
                    value=text
                )
            )
        name = parts.hostname if parts.port is None else f"{parts.hostname}_{parts.port}"
        devices.append(normalise(Device(
            site="-", name=name.replace(":", "_"), kind=DeviceKind.SERVER.value, vendor=None, model=None,
            serial=None, room=None, rack=None, rack_unit=None, covered=True, driver=driver, endpoint=text,
            username=username, credential=password_ref, tls_verify=not insecure, ca_file=ca_file,
            fingerprint=fingerprint, notes=None, options=options or {},
        )))
    return devices


def run_health(
    devices: Iterable[Device],
    manager: object,
    *,
    concurrency: int,
    timeout: float,
    workers: int = 0,
    progress: Callable[[PollResult, int, int], None] | None = None,
) -> HealthRun:
    """Poll every device (bounded, each within ``timeout``) and return the results in the devices' order."""
    from dcmaint.drivers.plan import plan_polls
    from dcmaint.drivers.workers import run_sharded

    devices = list(devices)
    started = datetime.now(timezone.utc)
    plan = plan_polls(devices, manager, timeout=timeout)  # type: ignore[arg-type]
    polled = run_sharded(plan.jobs, workers=workers, concurrency=concurrency, timeout=timeout, progress=progress)
    by_key = {(r.site, r.device): r for r in (*plan.settled, *polled)}
    ordered = tuple(by_key[(d.site, d.name)] for d in devices if (d.site, d.name) in by_key)
    return HealthRun(ordered, started, datetime.now(timezone.utc))
