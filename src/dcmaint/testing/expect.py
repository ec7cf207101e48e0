"""What a conformance case expects its poll to produce, and one rule per expectation field.

Every field of :class:`Expectation` is None by default, meaning "not
checked": a case states only what its recorded device is known to give. Each
rule is a plain function returning problems (empty when the report meets it),
so that the kit can run each as its own test (a failure names the rule) and
all of them on every entry of a batch answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from dcmaint.drivers.errors import ErrorKind
from dcmaint.drivers.health import Health
from dcmaint.drivers.model import Component, PartIdentity
from dcmaint.drivers.report import DeviceReport


@dataclass(frozen=True)
class PartExpect:
    """The part identity one component must carry: what the spare depot matches on. None = not checked."""

    part_number: str | None = None
    spare_part_number: str | None = None
    serial: str | None = None
    manufacturer: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class Expectation:
    """What one case should produce; every field None means "not checked".

    - ``status``: the device's rolled-up health.
    - ``error``: the poll raises this contract error instead of returning a report (nothing else is checked).
    - ``faults``: the locations of the components reported as faults (order does not matter).
    - ``serial``: the device's serial number.
    - ``parts``: for a component location, the part identity it must carry (``{"PSU 2":
      PartExpect(part_number="865414-B21", serial="5WBXK0B4D8Q1AB")}``).
    - ``fault_identity``: True when the device tells what every faulty part is: each fault then carries a
      part number, spare part number or serial (what spare matching needs).
    - ``sensors``: names of sensors the report must contain.
    - ``sensor_health``: for a sensor name, its health.
    - ``events_at_least``: the event log holds at least this many events.
    - ``event_codes``: codes that must appear among the events.
    - ``archive``: archive sections that must be non-empty (``"raid"``), or keys within one
      (``"system.hostname"``).
    - ``alarms``: the active alarms, each named by its code or else its message (order does not matter;
      ``()`` means "no alarms").
    """

    status: Health | None = None
    error: ErrorKind | None = None
    faults: tuple[str, ...] | None = None
    serial: str | None = None
    parts: Mapping[str, PartExpect] | None = None
    fault_identity: bool | None = None
    sensors: tuple[str, ...] | None = None
    sensor_health: Mapping[str, Health] | None = None
    events_at_least: int | None = None
    event_codes: tuple[str, ...] | None = None
    archive: tuple[str, ...] | None = None
    alarms: tuple[str, ...] | None = None

    def checked(self) -> tuple[str, ...]:
        """The names of the fields this expectation states (not None)."""
        return tuple(field.name for field in fields(self) if getattr(self, field.name) is not None)


Rule = Callable[[Expectation, DeviceReport], list[str]]


def basics(expect: Expectation, report: DeviceReport) -> list[str]:
    """``status``, ``faults`` and ``serial``."""
    problems = []
    if expect.status is not None and report.status != expect.status:
        problems.append(f"status {report.status.value}, expected {expect.status.value}")
    if expect.faults is not None:
        found = sorted(component.location for component in report.faults())
        if found != sorted(expect.faults):
            problems.append(f"faults at {found}, expected {sorted(expect.faults)}")
    if expect.serial is not None and report.identity.serial != expect.serial:
        problems.append(f"serial {report.identity.serial!r}, expected {expect.serial!r}")
    return problems


def _identified(part: PartIdentity | None) -> bool:
    return part is not None and any((part.part_number, part.spare_part_number, part.serial))


def parts(expect: Expectation, report: DeviceReport) -> list[str]:
    """``parts`` and ``fault_identity``: the part identity spare matching reads."""
    problems = []
    by_location: dict[str, Component] = {component.location: component for component in report.components}
    for location, wanted in sorted((expect.parts or {}).items()):
        component = by_location.get(location)
        if component is None:
            problems.append(f"parts: no component at {location!r}")
            continue
        part = component.part or PartIdentity()
        for field in fields(wanted):
            value = getattr(wanted, field.name)
            if value is not None and getattr(part, field.name) != value:
                problems.append(f"parts: {location} {field.name} {getattr(part, field.name)!r}, expected {value!r}")
    if expect.fault_identity:
        for component in report.faults():
            if not _identified(component.part):
                problems.append(
                    f"fault_identity: {component.location} is a fault without part number, spare part number or "
                    "serial (a spare cannot be matched to it)"
                )
    return problems


def sensors(expect: Expectation, report: DeviceReport) -> list[str]:
    """``sensors`` and ``sensor_health``."""
    problems = []
    by_name = {sensor.name: sensor for sensor in report.sensors}
    for name in expect.sensors or ():
        if name not in by_name:
            problems.append(f"sensors: no sensor named {name!r}")
    for name, health in sorted((expect.sensor_health or {}).items()):
        sensor = by_name.get(name)
        if sensor is None:
            problems.append(f"sensor_health: no sensor named {name!r}")
        elif sensor.health != health:
            problems.append(f"sensor_health: {name} is {sensor.health.value}, expected {Health(health).value}")
    return problems


def events(expect: Expectation, report: DeviceReport) -> list[str]:
    """``events_at_least`` and ``event_codes``."""
    problems = []
    if expect.events_at_least is not None and len(report.events) < expect.events_at_least:
        problems.append(f"events: {len(report.events)} events, expected at least {expect.events_at_least}")
    codes = {event.code for event in report.events}
    for code in expect.event_codes or ():
        if code not in codes:
            problems.append(f"event_codes: no event with code {code!r}")
    return problems


def archive(expect: Expectation, report: DeviceReport) -> list[str]:
    """``archive``: sections non-empty, ``section.key`` present."""
    problems = []
    for wanted in expect.archive or ():
        section, _, key = wanted.partition(".")
        content = getattr(report.archive, section, None) if report.archive is not None else None
        if not isinstance(content, Mapping) or not content:
            problems.append(f"archive: section {section!r} is missing or empty")
        elif key and key not in content:
            problems.append(f"archive: {section} has no key {key!r}")
    return problems


def alarms(expect: Expectation, report: DeviceReport) -> list[str]:
    """``alarms``: each alarm named by its code, or its message when it has none."""
    if expect.alarms is None:
        return []
    found = sorted(alarm.code or alarm.message for alarm in report.alarms)
    if found != sorted(expect.alarms):
        return [f"alarms {found}, expected {sorted(expect.alarms)}"]
    return []


#: Every rule, by the name its check reports; each runs as its own test of the kit.
RULES: dict[str, Rule] = {
    "basics": basics,
    "parts": parts,
    "sensors": sensors,
    "events": events,
    "archive": archive,
    "alarms": alarms,
}

#: The Expectation fields each rule reads: a rule whose fields are all None is not checked.
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "basics": ("status", "faults", "serial"),
    "parts": ("parts", "fault_identity"),
    "sensors": ("sensors", "sensor_health"),
    "events": ("events_at_least", "event_codes"),
    "archive": ("archive",),
    "alarms": ("alarms",),
}
