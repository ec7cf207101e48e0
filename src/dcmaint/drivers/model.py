"""The parts of a device report: what is fitted, what it measures, what it complains about.

Every type here is a frozen dataclass so that a report, once returned by a
driver, cannot change on its way to the store. Strings given for enum fields
are converted (``health="ok"`` works) and a bad value fails at construction,
inside the driver, where the runner charges it to that one device.
The JSON form of each type is its fields in declaration order (see
:func:`dcmaint.drivers.plain.plain`); docs/plugins.md lists the keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from typing import Any

from dcmaint.domain.text import escape
from dcmaint.drivers.health import ComponentKind, Health
from dcmaint.drivers.plain import frozen_mapping, parse_time, plain


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _escape_texts(obj: object) -> None:
    """Escape the control characters of every text field (and text mapping value) of a report object.

    A BMC's answer is hostile text: an ESC in a part name must not repaint a terminal, a NUL in a serial must
    not make PostgreSQL refuse the poll. Escaping here, as the report is built, is the one place every driver's
    strings pass (dcmaint.domain.text; escaping twice changes nothing, so stored reports read back the same).
    """
    for item in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, item.name)
        if isinstance(value, str) and not isinstance(value, Enum):
            _set(obj, item.name, escape(value))
        elif isinstance(value, Mapping) and any(isinstance(v, str) for v in value.values()):
            _set(obj, item.name, frozen_mapping({k: escape(v) if isinstance(v, str) else v for k, v in value.items()}))


#: What makes a component or a sensor a fault: the device (or, where it says nothing, dcmaint's own reading
#: of thresholds and wear) calls it warning or critical. ``unknown`` there means "no health reported": it is
#: shown in the report, but nobody is sent to look at it and it leaves the device's status alone.
JUDGED_FAULTS = frozenset({Health.WARNING, Health.CRITICAL})


def counted(health: Health) -> Health:
    """The health a component or sensor adds to its device's status: ``unknown`` (no health reported) adds none.

    >>> counted(Health.UNKNOWN), counted(Health.WARNING)
    (<Health.OK: 'ok'>, <Health.WARNING: 'warning'>)
    """
    return Health.OK if health is Health.UNKNOWN else health


class _Plain:
    def as_json(self) -> dict[str, Any]:
        """Plain JSON data with stable keys (the field names, in order)."""
        data: dict[str, Any] = plain(self)
        return data


@dataclass(frozen=True)
class PartIdentity(_Plain):
    """What the spare depot needs to match a replacement part. Every field is optional.

    ``part_number`` is the manufacturer's; ``spare_part_number`` is the
    orderable FRU/spare number when the vendor uses a different one.
    Capacities are in bytes, clock speeds in MHz, link speeds in Mbit/s.

    >>> PartIdentity(manufacturer="Seagate", model="ST1200MM0009", part_number="781518-B21",
    ...              spare_part_number="782669-001", serial="W3C0ABCD", capacity_bytes=1_200_000_000_000,
    ...              rpm=10000, firmware="HPD4").capacity_bytes
    1200000000000
    """

    manufacturer: str | None = None
    model: str | None = None
    part_number: str | None = None
    spare_part_number: str | None = None
    serial: str | None = None
    firmware: str | None = None
    capacity_bytes: int | None = None
    speed_mhz: int | None = None
    link_mbps: int | None = None
    rpm: int | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)  # e.g. {"interface": "SAS", "form_factor": "2.5"}

    def __post_init__(self) -> None:
        _set(self, "attributes", frozen_mapping(self.attributes))
        _escape_texts(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PartIdentity:
        return cls(**data)


@dataclass(frozen=True)
class ComponentRef(_Plain):
    """A component of the same report, by kind and location: what a sensor measures or an alarm is about.

    A sensor or an alarm that names a component restates that part's health: when the part is a fault,
    it is folded into the part's one fault instead of being a second one (a failed fan is not reported
    again as its fan-speed sensor, a failed PSU not again as the BMC condition about it).

    >>> ComponentRef("psu", "PSU 2").as_json()
    {'kind': 'psu', 'location': 'PSU 2'}
    """

    kind: ComponentKind
    location: str

    def __post_init__(self) -> None:
        _set(self, "kind", ComponentKind(self.kind))
        _escape_texts(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> ComponentRef | None:
        return cls(**data) if data is not None else None


@dataclass(frozen=True)
class Component(_Plain):
    """One replaceable or monitored part, at a location a technician can find.

    ``location`` is the label on the hardware or in the vendor's tool
    ("Bay 3", "PSU 2", "DIMM A1", "Shelf 1 Slot 12"). ``reason`` is required
    for faults: it is what the ticket will say.

    >>> disk = Component(ComponentKind.DISK, "Bay 3", Health.CRITICAL, reason="predictive failure",
    ...                  name="1.2 TB SAS HDD", part=PartIdentity(model="ST1200MM0009", serial="W3C0ABCD"))
    >>> disk.is_fault, disk.as_json()["health"]
    (True, 'critical')
    >>> Component("fan", "Fan 1", "ok").kind
    <ComponentKind.FAN: 'fan'>

    ``unknown`` says the device reports no health for the part (a network adapter without ``Status``):
    the part is listed, with that reason, but it is not a fault.

    >>> Component("nic", "Slot 3", "unknown", reason="no health reported").is_fault
    False
    """

    kind: ComponentKind
    location: str
    health: Health
    reason: str | None = None
    name: str | None = None
    part: PartIdentity | None = None

    def __post_init__(self) -> None:
        _set(self, "kind", ComponentKind(self.kind))
        _set(self, "health", Health(self.health))
        _escape_texts(self)

    @property
    def is_fault(self) -> bool:
        """Warning or critical: somebody has to act on this part."""
        return self.health in JUDGED_FAULTS

    @property
    def ref(self) -> ComponentRef:
        """How a sensor or an alarm of the same report names this component."""
        return ComponentRef(self.kind, self.location)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Component:
        part = data.get("part")
        return cls(**{**data, "part": PartIdentity.from_json(part) if part is not None else None})


@dataclass(frozen=True)
class Thresholds(_Plain):
    """The limits a device judges a sensor by, in the sensor's unit; None where it has none.

    >>> Thresholds(upper_warning=35.0, upper_critical=40.0).judge(37.5)
    <Health.WARNING: 'warning'>
    """

    lower_critical: float | None = None
    lower_warning: float | None = None
    upper_warning: float | None = None
    upper_critical: float | None = None

    @property
    def ordered(self) -> bool:
        """Whether the limits given make sense together: lower critical <= lower warning < upper warning <=
        upper critical, and every lower limit below every upper one. Placeholder limits often do not.

        >>> Thresholds(lower_warning=40.0, upper_warning=30.0).ordered
        False
        """
        lower = [limit for limit in (self.lower_critical, self.lower_warning) if limit is not None]
        upper = [limit for limit in (self.upper_warning, self.upper_critical) if limit is not None]
        if lower != sorted(lower) or upper != sorted(upper):
            return False
        return not (lower and upper and max(lower) >= min(upper))

    def judge(self, value: float | None) -> Health:
        """Health of ``value`` against these limits, for a sensor whose device gives no health of its own.

        ``unknown`` (no verdict, not a fault) when there is no value or the limits contradict each other.

        >>> Thresholds(lower_warning=1000.0, upper_warning=500.0).judge(700.0)
        <Health.UNKNOWN: 'unknown'>
        """
        if value is None or not self.ordered:
            return Health.UNKNOWN
        if (self.upper_critical is not None and value >= self.upper_critical) or (
            self.lower_critical is not None and value <= self.lower_critical
        ):
            return Health.CRITICAL
        if (self.upper_warning is not None and value >= self.upper_warning) or (
            self.lower_warning is not None and value <= self.lower_warning
        ):
            return Health.WARNING
        return Health.OK


@dataclass(frozen=True)
class Sensor(_Plain):
    """A measured value. Units: "Cel", "V", "A", "W", "VA", "Hz", "RPM", "%", "%RH", "Pa", "m3/h", "s".

    ``health`` is the device's own verdict on the reading when it gives one (thresholds do not overrule
    it); :meth:`Thresholds.judge` only when it gives none. ``component`` names the part the sensor
    measures (a fan's speed), so that a failed part is one fault, not two.

    >>> Sensor("Inlet Temp", 24.0, "Cel", Health.OK, Thresholds(upper_warning=38.0, upper_critical=42.0)).health
    <Health.OK: 'ok'>
    >>> Sensor("Fan 3", 0.0, "RPM", "critical", component=ComponentRef("fan", "Fan 3")).is_fault
    True
    """

    name: str
    value: float | None
    unit: str
    health: Health
    thresholds: Thresholds = field(default_factory=Thresholds)
    location: str | None = None
    component: ComponentRef | None = None

    def __post_init__(self) -> None:
        _set(self, "health", Health(self.health))
        _escape_texts(self)

    @property
    def is_fault(self) -> bool:
        """Warning or critical (``unknown``: nobody said, so nobody is sent)."""
        return self.health in JUDGED_FAULTS

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Sensor:
        return cls(
            **{
                **data,
                "thresholds": Thresholds(**data.get("thresholds") or {}),
                "component": ComponentRef.from_json(data.get("component")),
            }
        )


@dataclass(frozen=True)
class Alarm(_Plain):
    """A condition the device itself says is active now. ``severity`` counts toward the device status.

    ``source`` is where the condition is: the resource it points at (a part's location, a chassis),
    not its message code. ``component`` names the part when the condition is about one, so that a
    condition restating a failed part is folded into that part's fault. ``unknown`` severity counts
    as a fault here: it says the report is incomplete (a resource could not be read).

    >>> Alarm("On battery: input power failure", Health.CRITICAL, code="UPS.ONBATT", source="Input").severity
    <Health.CRITICAL: 'critical'>
    """

    message: str
    severity: Health
    code: str | None = None
    source: str | None = None
    raised_at: datetime | None = None
    component: ComponentRef | None = None

    def __post_init__(self) -> None:
        _set(self, "severity", Health(self.severity))
        _escape_texts(self)

    @property
    def is_fault(self) -> bool:
        return self.severity.is_fault

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Alarm:
        return cls(
            **{
                **data,
                "raised_at": parse_time(data.get("raised_at")),
                "component": ComponentRef.from_json(data.get("component")),
            }
        )


@dataclass(frozen=True)
class LogEvent(_Plain):
    """An entry of the device's own log. ``severity`` ok means informational; events never set the status.

    >>> from datetime import timezone
    >>> LogEvent(datetime(2024, 5, 1, 3, 12, tzinfo=timezone.utc), "Drive 3 predictive failure",
    ...          Health.WARNING, code="SEL-0x0d").as_json()["at"]
    '2024-05-01T03:12:00+00:00'
    """

    at: datetime | None
    message: str
    severity: Health = Health.OK
    code: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        _set(self, "severity", Health(self.severity))
        _escape_texts(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogEvent:
        return cls(**{**data, "at": parse_time(data.get("at"))})
