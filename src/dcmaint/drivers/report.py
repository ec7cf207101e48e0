"""The one thing a driver returns: a :class:`DeviceReport`.

A report is everything one poll learnt about one device: who it is, what is
fitted and how healthy each part is, what it measures, what it complains
about, and a snapshot of its configuration for the device archive. The
runner stamps ``polled_at`` and ``duration`` when the driver leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dcmaint.drivers.health import Health
from dcmaint.drivers.model import Alarm, Component, LogEvent, Sensor, _escape_texts, _Plain, _set, counted
from dcmaint.drivers.plain import frozen_mapping, parse_time, plain


@dataclass(frozen=True)
class DeviceIdentity(_Plain):
    """Who the device says it is. ``firmware`` maps a component name to its version.

    >>> DeviceIdentity(vendor="HPE", model="ProLiant DL380 Gen10", serial="CZ29170ABC",
    ...                firmware={"iLO 5": "2.72", "System ROM": "U30 v2.80"}).firmware["iLO 5"]
    '2.72'
    """

    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: Mapping[str, str] = field(default_factory=dict)
    part_number: str | None = None
    hostname: str | None = None

    def __post_init__(self) -> None:
        _set(self, "firmware", frozen_mapping(self.firmware))
        _escape_texts(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeviceIdentity:
        return cls(**data)


@dataclass(frozen=True)
class ArchiveSnapshot(_Plain):
    """Configuration kept in the device archive and compared between visits.

    Each section is a plain nested mapping of JSON values, shaped as the
    device presents it; keep keys stable between polls so that archive diffs
    show real changes only.

    >>> snap = ArchiveSnapshot(raid={"Controller 0": {"LD 1": {"level": "RAID1", "disks": ["Bay 1", "Bay 2"]}}},
    ...                        backup={"software": "Veeam Agent", "version": "6.1"})
    >>> snap.as_json()["raid"]["Controller 0"]["LD 1"]["level"]
    'RAID1'
    """

    hardware: Mapping[str, Any] = field(default_factory=dict)
    system: Mapping[str, Any] = field(default_factory=dict)
    raid: Mapping[str, Any] = field(default_factory=dict)
    backup: Mapping[str, Any] = field(default_factory=dict)
    firmware: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("hardware", "system", "raid", "backup", "firmware"):
            _set(self, name, frozen_mapping(getattr(self, name)))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArchiveSnapshot:
        return cls(**data)


@dataclass(frozen=True)
class DeviceReport:
    """One poll of one device.

    ``rollup`` is the device's own summary health when it offers one (a
    Redfish ``HealthRollup``, a UPS general alarm); ``status`` combines it
    with every component, sensor and active alarm. A component or sensor
    whose health is ``unknown`` (the device reports none) is listed but
    leaves the status alone: only a device that could not be polled, or an
    alarm saying the report is incomplete, makes a device UNKNOWN.

    >>> from dcmaint.drivers.health import ComponentKind
    >>> report = DeviceReport(
    ...     identity=DeviceIdentity(vendor="Dell", model="PowerEdge R740", serial="7XK2Q53"),
    ...     components=[Component(ComponentKind.PSU, "PSU 1", Health.OK),
    ...                 Component(ComponentKind.PSU, "PSU 2", Health.CRITICAL, reason="input lost"),
    ...                 Component(ComponentKind.DISK, "Bay 8", Health.ABSENT)],
    ... )
    >>> report.status
    <Health.CRITICAL: 'critical'>
    >>> [c.location for c in report.faults()]
    ['PSU 2']
    >>> DeviceReport.from_json(report.as_json()) == report
    True
    """

    identity: DeviceIdentity
    components: tuple[Component, ...] = ()
    sensors: tuple[Sensor, ...] = ()
    alarms: tuple[Alarm, ...] = ()
    events: tuple[LogEvent, ...] = ()
    archive: ArchiveSnapshot | None = None
    rollup: Health | None = None
    polled_at: datetime | None = None
    duration: float | None = None

    def __post_init__(self) -> None:
        for name in ("components", "sensors", "alarms", "events"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                _set(self, name, tuple(value))
        if self.rollup is not None:
            _set(self, "rollup", Health(self.rollup))

    def faults(self) -> tuple[Component, ...]:
        """Components someone has to act on: warning or critical (not ok, absent, or no health reported)."""
        return tuple(component for component in self.components if component.is_fault)

    @property
    def status(self) -> Health:
        """Worst of the rollup, components, sensors and active alarms; ok when nothing is wrong."""
        healths: Iterable[Health] = [
            *([self.rollup] if self.rollup is not None else []),
            *(counted(component.health) for component in self.components),
            *(counted(sensor.health) for sensor in self.sensors),
            *(alarm.severity for alarm in self.alarms),
        ]
        worst = Health.worst(healths, default=Health.OK)
        return Health.OK if worst is Health.ABSENT else worst

    def as_json(self) -> dict[str, Any]:
        """Plain JSON with stable keys: ``status`` first, then the fields in order (see docs/plugins.md)."""
        return {"status": self.status.value, **plain(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeviceReport:
        """Rebuild a report from :meth:`as_json` output (``status`` is derived, so it is ignored)."""
        archive = data.get("archive")
        rollup = data.get("rollup")
        return cls(
            identity=DeviceIdentity.from_json(data["identity"]),
            components=tuple(Component.from_json(item) for item in data.get("components", ())),
            sensors=tuple(Sensor.from_json(item) for item in data.get("sensors", ())),
            alarms=tuple(Alarm.from_json(item) for item in data.get("alarms", ())),
            events=tuple(LogEvent.from_json(item) for item in data.get("events", ())),
            archive=ArchiveSnapshot.from_json(archive) if archive is not None else None,
            rollup=Health(rollup) if rollup is not None else None,
            polled_at=parse_time(data.get("polled_at")),
            duration=data.get("duration"),
        )
