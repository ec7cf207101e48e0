"""The contract rules a report must follow, as a list of problems (empty when it conforms).

The conformance kit asserts on these; they are plain functions so that a
vendor can also call them from their own tests or tools.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from dcmaint.drivers.health import ComponentKind, Health
from dcmaint.drivers.model import Alarm, Component, ComponentRef, LogEvent, Sensor
from dcmaint.drivers.report import DeviceIdentity, DeviceReport


def _aware(value: datetime | None, where: str) -> list[str]:
    if value is not None and (not isinstance(value, datetime) or value.utcoffset() is None):
        return [f"{where}: timestamps must be timezone-aware datetimes (got {value!r})"]
    return []


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def component_problems(index: int, component: Any) -> list[str]:
    where = f"components[{index}]"
    if not isinstance(component, Component):
        return [f"{where}: is {type(component).__name__}, not a Component"]
    problems = []
    if not isinstance(component.kind, ComponentKind):
        problems.append(f"{where}: kind {component.kind!r} is not a ComponentKind")
    if not _text(component.location):
        problems.append(f"{where}: has no location (the slot label a technician can find)")
    if not isinstance(component.health, Health):
        problems.append(f"{where}: health {component.health!r} is not a Health")
    elif component.health.is_fault and not _text(component.reason):
        problems.append(f"{where} ({component.location}): is {component.health.value} but gives no reason")
    return problems


def sensor_problems(index: int, sensor: Any) -> list[str]:
    where = f"sensors[{index}]"
    if not isinstance(sensor, Sensor):
        return [f"{where}: is {type(sensor).__name__}, not a Sensor"]
    problems = []
    if not _text(sensor.name):
        problems.append(f"{where}: has no name")
    if not isinstance(sensor.unit, str):
        problems.append(f"{where} ({sensor.name}): unit must be a string")
    if sensor.value is not None and (
        isinstance(sensor.value, bool) or not isinstance(sensor.value, int | float) or not math.isfinite(sensor.value)
    ):
        problems.append(f"{where} ({sensor.name}): value must be a finite number or None (got {sensor.value!r})")
    if not isinstance(sensor.health, Health):
        problems.append(f"{where} ({sensor.name}): health {sensor.health!r} is not a Health")
    return problems


def reference_problems(where: str, ref: Any, components: set[tuple[str, str]]) -> list[str]:
    """A sensor's or an alarm's ``component`` must name a component of the same report (or be None)."""
    if ref is None:
        return []
    if not isinstance(ref, ComponentRef):
        return [f"{where}.component: is {type(ref).__name__}, not a ComponentRef"]
    if (ref.kind.value, ref.location) not in components:
        return [f"{where}.component: names {ref.kind.value} {ref.location!r}, which is not a component of the report"]
    return []


def json_problems(report: DeviceReport) -> list[str]:
    """The report must survive JSON text and come back identical."""
    try:
        data = report.as_json()
        text = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as error:
        return [f"as_json: {error}"]
    if json.loads(text) != data:
        return ["as_json: does not round-trip through JSON text unchanged (tuples or non-string keys?)"]
    try:
        again = DeviceReport.from_json(json.loads(text)).as_json()
    except (TypeError, ValueError, KeyError) as error:
        return [f"from_json: cannot rebuild the report: {error}"]
    if again != data:
        return ["from_json: the rebuilt report differs from the original"]
    return []


def report_problems(report: Any) -> list[str]:
    """Every way ``report`` breaks the contract; [] when it conforms."""
    if not isinstance(report, DeviceReport):
        return [f"poll returned {type(report).__name__}, not a DeviceReport"]
    problems: list[str] = []
    if not isinstance(report.identity, DeviceIdentity):
        problems.append("identity: is not a DeviceIdentity")
    seen: set[tuple[str, str]] = set()
    for index, component in enumerate(report.components):
        found = component_problems(index, component)
        problems += found
        if not found:
            key = (component.kind.value, component.location)
            if key in seen:
                problems.append(f"components[{index}]: a second {key[0]} at location {key[1]!r}")
            seen.add(key)
    for index, sensor in enumerate(report.sensors):
        found = sensor_problems(index, sensor)
        problems += found or reference_problems(f"sensors[{index}]", sensor.component, seen)
    for index, alarm in enumerate(report.alarms):
        if not isinstance(alarm, Alarm) or not _text(alarm.message):
            problems.append(f"alarms[{index}]: must be an Alarm with a message")
        else:
            problems += _aware(alarm.raised_at, f"alarms[{index}].raised_at")
            problems += reference_problems(f"alarms[{index}]", alarm.component, seen)
    for index, event in enumerate(report.events):
        if not isinstance(event, LogEvent) or not _text(event.message):
            problems.append(f"events[{index}]: must be a LogEvent with a message")
        else:
            problems += _aware(event.at, f"events[{index}].at")
    problems += _aware(report.polled_at, "polled_at")
    if not problems:
        problems += json_problems(report)
    return problems
