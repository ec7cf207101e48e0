"""What every precision air conditioner (CRAC) profile shares: readings, the unit's conditions, and the report.

The three CRAC MIBs (Liebert GP, APC PowerNet InRow, Huawei eMAP) say the same
things in different words. Each profile turns its agent's answer into
:class:`Reading` objects (supply/return air temperature and humidity, with the
limits the unit gives) and :class:`Condition` objects (the unit's own active
alarms, each classified by :class:`Topic`: high temperature, clogged filter,
failed fan 2...). :func:`crac_report` then builds one report the same way for
all of them, so that the rules below hold for every model:

- The unit's verdict comes first. When the unit's alarm list could be read,
  a reading is judged by it: no alarm about the reading is ``ok`` whatever our
  own reading of the limits, and an alarm about it is reported once, as that
  alarm placed at the reading (the sensor then carries no verdict of its own,
  ``unknown``, so the same high temperature is not a second fault). Only a unit
  whose alarm list cannot be read has its readings judged by its own limits.
- One broken part is one fault: an alarm about a fan, a compressor, the filter
  or the humidifier names that part (``component=``) and the part takes the
  alarm's severity, so the core folds the two into one fault.
- The air filter and the humidifier cylinder are consumables
  (:func:`~dcmaint_snmp.profiles.base.consumable`). Units do not report their
  part numbers, so the device's options supply them (``filter_part``,
  ``humidifier_part``); without them the part has no number and the depot
  matches it by class.
- A unit in standby or switched off by its schedule is not a fault; a unit
  stopped by an alarm is (the alarm says so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dcmaint.drivers import (
    Alarm,
    ArchiveSnapshot,
    Component,
    ComponentKind,
    DeviceIdentity,
    DeviceReport,
    Health,
    PartIdentity,
    Sensor,
    Thresholds,
)
from dcmaint_snmp.profiles.base import consumable

#: ``--option`` keys the CRAC profiles read (docs/drivers/snmp-cooling.md).
FILTER_PART = "filter_part"
HUMIDIFIER_PART = "humidifier_part"

FILTER_LOCATION = "Air filter"
HUMIDIFIER_LOCATION = "Humidifier"
UNIT_SOURCE = "Unit"
LEAK_SOURCE = "Leak detection"

#: Values agents send for "no such reading": INTEGER32 extremes (Liebert, Huawei) are never a measurement.
NOT_AVAILABLE = frozenset({2147483647, -2147483648, 65535, -32768, 32767})


class Topic(StrEnum):
    """What an active condition is about; decides where it is placed and which part it names."""

    HIGH_TEMP = "high temperature"
    LOW_TEMP = "low temperature"
    HIGH_HUM = "high humidity"
    LOW_HUM = "low humidity"
    LEAK = "water leak"
    FILTER = "filter"
    HUMIDIFIER = "humidifier"
    FAN = "fan"
    COMPRESSOR = "compressor"
    UNIT_OFF = "unit stopped"
    SENSOR = "sensor"
    OTHER = "other"

    @property
    def quantity(self) -> str | None:
        """``temp`` or ``hum`` for conditions about a reading, else None."""
        return _QUANTITY.get(self)


_QUANTITY = {Topic.HIGH_TEMP: "temp", Topic.LOW_TEMP: "temp", Topic.HIGH_HUM: "hum", Topic.LOW_HUM: "hum"}

#: Severity when the MIB gives none (APC InRow): wear is a warning, lost cooling or water is critical.
DEFAULT_SEVERITY = {
    Topic.FILTER: Health.WARNING,
    Topic.HUMIDIFIER: Health.WARNING,
    Topic.HIGH_TEMP: Health.WARNING,
    Topic.LOW_TEMP: Health.WARNING,
    Topic.HIGH_HUM: Health.WARNING,
    Topic.LOW_HUM: Health.WARNING,
    Topic.SENSOR: Health.WARNING,
    Topic.OTHER: Health.WARNING,
    Topic.LEAK: Health.CRITICAL,
    Topic.FAN: Health.CRITICAL,
    Topic.COMPRESSOR: Health.CRITICAL,
    Topic.UNIT_OFF: Health.CRITICAL,
}


@dataclass(frozen=True)
class Reading:
    """One temperature (``Cel``) or relative humidity (``%RH``) reading of the unit.

    ``air`` is where it is measured (``supply``, ``return``, ``rack inlet``, ``room``, ``control``).
    """

    name: str
    quantity: str  # "temp" or "hum"
    air: str
    value: float | None
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def unit(self) -> str:
        return "Cel" if self.quantity == "temp" else "%RH"


@dataclass(frozen=True)
class Condition:
    """One active alarm of the unit, in the unit's words, classified.

    ``index`` numbers the fan or compressor it is about (None: the unit does not say which); ``air`` places a
    temperature or humidity alarm (None: the unit does not say which reading).
    """

    message: str
    severity: Health
    topic: Topic
    code: str | None = None
    index: int | None = None
    air: str | None = None


@dataclass(frozen=True)
class Unit:
    """Everything a profile read, in the shared vocabulary; :func:`crac_report` makes the report of it."""

    identity: DeviceIdentity
    readings: Sequence[Reading] = ()
    conditions: Sequence[Condition] = ()
    #: True when the unit's alarm list was read (even empty): then the unit, not dcmaint, judges readings.
    verdicts: bool = False
    fans: Sequence[int] = ()
    compressors: Sequence[int] = ()
    humidifier: bool = False
    #: The unit's operating state as it names it ("on", "standby", "idle"...), for the archive.
    state: str | None = None
    profile: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- values


def scaled(raw: int | None, divisor: int = 1, *, minus_one: bool = False) -> float | None:
    """A reading in its unit: ``raw / divisor``; None for "not available" markers.

    ``minus_one``: the MIB (APC) sends -1 for a sensor that is not fitted.

    >>> scaled(231, 10), scaled(2147483647), scaled(-1, 10, minus_one=True), scaled(-1, 10)
    (23.1, None, None, -0.1)
    """
    if raw is None or raw in NOT_AVAILABLE or (minus_one and raw == -1):
        return None
    return round(raw / divisor, 2)


def fahrenheit_to_celsius(value: float | None) -> float | None:
    """°F to °C (units whose agent only fills the Fahrenheit objects).

    >>> fahrenheit_to_celsius(77.0)
    25.0
    """
    return None if value is None else round((value - 32.0) * 5.0 / 9.0, 1)


def part_options(options: Mapping[str, str], key: str) -> PartIdentity | None:
    """The part identity an option gives (``filter_part=FLT-G4-595x495x46``), None when unset or blank."""
    number = (options.get(key) or "").strip()
    return PartIdentity(part_number=number) if number else None


# ----------------------------------------------------------------------------------------------- keywords


_FAN_NUMBER = re.compile(r"(?:fan|blower|风机)\s*(\d+)", re.IGNORECASE)
_COMPRESSOR_NUMBER = re.compile(r"(?:compressor|comp|压缩机)\s*(\d+)", re.IGNORECASE)

#: Words that classify an alarm text, in order (first match wins): English (APC) and Chinese (Huawei).
_KEYWORDS: tuple[tuple[Topic, tuple[str, ...]], ...] = (
    (Topic.FILTER, ("filter", "过滤网", "滤网", "过滤器")),
    (Topic.HUMIDIFIER, ("humidifier", "cylinder", "加湿")),
    (Topic.LEAK, ("leak", "water detected", "water under floor", "漏水", "水浸")),
    (Topic.SENSOR, ("sensor fail", "sensor fault", "sensor issue", "传感器故障", "传感器失效")),
    (Topic.FAN, ("fan", "blower", "airflow", "风机")),
    (Topic.COMPRESSOR, ("compressor", "压缩机")),
    (Topic.UNIT_OFF, ("shutdown", "shut down", "unit off", "unit stopped", "停机", "关机")),
)
_AIR_WORDS = (
    ("supply", "supply"),
    ("送风", "supply"),
    ("return", "return"),
    ("回风", "return"),
    ("rack inlet", "rack inlet"),
)


def classify_text(text: str) -> Condition:
    """A condition from an alarm's text alone (severity left to :data:`DEFAULT_SEVERITY`).

    >>> c = classify_text("Fan 2 Failure"); (c.topic, c.index)
    (<Topic.FAN: 'fan'>, 2)
    >>> c = classify_text("High Supply Air Temperature"); (c.topic, c.air)
    (<Topic.HIGH_TEMP: 'high temperature'>, 'supply')
    >>> classify_text("回风高湿告警").topic, classify_text("加湿罐需更换").topic
    (<Topic.HIGH_HUM: 'high humidity'>, <Topic.HUMIDIFIER: 'humidifier'>)
    """
    lowered = text.lower()
    air = next((name for word, name in _AIR_WORDS if word in lowered), None)
    for topic, words in _KEYWORDS:
        if any(word in lowered for word in words):
            index = _number(topic, lowered)
            return Condition(text, DEFAULT_SEVERITY[topic], topic, index=index, air=air)
    topic = _reading_topic(lowered)
    return Condition(text, DEFAULT_SEVERITY[topic], topic, air=air)


def _number(topic: Topic, lowered: str) -> int | None:
    pattern = {Topic.FAN: _FAN_NUMBER, Topic.COMPRESSOR: _COMPRESSOR_NUMBER}.get(topic)
    found = pattern.search(lowered) if pattern else None
    return int(found.group(1)) if found else None


def _reading_topic(lowered: str) -> Topic:
    humidity = "humid" in lowered or "湿" in lowered
    temperature = "temp" in lowered or "温" in lowered
    high = "high" in lowered or "高" in lowered or "over" in lowered
    low = "low" in lowered or "低" in lowered or "under" in lowered
    if humidity and (high or low):
        return Topic.HIGH_HUM if high else Topic.LOW_HUM
    if temperature and (high or low):
        return Topic.HIGH_TEMP if high else Topic.LOW_TEMP
    return Topic.OTHER


# ----------------------------------------------------------------------------------------------- report


def crac_report(unit: Unit, options: Mapping[str, str]) -> DeviceReport:
    """The report of one CRAC: parts, readings and alarms, one fault per broken part (see the module doc)."""
    conditions = list(unit.conditions)
    parts = _parts(unit, conditions, options)
    placed = _placements(unit.readings, conditions)
    alarms = [
        _alarm(condition, _part_of(condition, unit, parts), placed.get(number))
        for number, condition in enumerate(conditions)
    ]
    alarmed = set(placed.values())
    sensors = [_sensor(reading, unit.verdicts, reading.name in alarmed) for reading in unit.readings]
    return DeviceReport(
        identity=unit.identity,
        components=tuple(parts.values()),
        sensors=tuple(sensors),
        alarms=tuple(alarms),
        archive=_archive(unit),
    )


def _parts(
    unit: Unit, conditions: Sequence[Condition], options: Mapping[str, str]
) -> dict[tuple[Topic, int], Component]:
    """Fans, compressors, the filter and the humidifier, each with the worst severity of the alarms about it."""
    about: dict[tuple[Topic, int], list[Condition]] = {}
    for condition in conditions:
        key = _part_key(condition, unit)
        if key is not None:
            about.setdefault(key, []).append(condition)
    keys = [(Topic.FAN, n) for n in unit.fans] + [(Topic.COMPRESSOR, n) for n in unit.compressors]
    keys.append((Topic.FILTER, 1))
    if unit.humidifier or any(key[0] is Topic.HUMIDIFIER for key in about):
        keys.append((Topic.HUMIDIFIER, 1))
    keys += [key for key in about if key not in keys]
    return {key: _component(key, about.get(key, []), options) for key in sorted(set(keys), key=_part_order)}


def _part_of(condition: Condition, unit: Unit, parts: Mapping[tuple[Topic, int], Component]) -> Component | None:
    key = _part_key(condition, unit)
    return parts.get(key) if key is not None else None


def _part_order(key: tuple[Topic, int]) -> tuple[int, int]:
    order = (Topic.FAN, Topic.COMPRESSOR, Topic.FILTER, Topic.HUMIDIFIER)
    return order.index(key[0]), key[1]


def _part_key(condition: Condition, unit: Unit) -> tuple[Topic, int] | None:
    """The part an alarm is about; a fan or compressor alarm that does not say which names the only one."""
    if condition.topic in (Topic.FILTER, Topic.HUMIDIFIER):
        return condition.topic, 1
    if condition.topic not in (Topic.FAN, Topic.COMPRESSOR):
        return None
    if condition.index is not None:
        return condition.topic, condition.index
    known = unit.fans if condition.topic is Topic.FAN else unit.compressors
    return (condition.topic, known[0]) if len(known) == 1 else None


_KINDS = {
    Topic.FAN: ComponentKind.FAN,
    Topic.COMPRESSOR: ComponentKind.COMPRESSOR,
    Topic.FILTER: ComponentKind.FILTER,
    Topic.HUMIDIFIER: ComponentKind.HUMIDIFIER,
}


def location_of(key: tuple[Topic, int]) -> str:
    """The label of a part: "Fan 2", "Compressor 1", "Air filter", "Humidifier"."""
    topic, number = key
    if topic is Topic.FILTER:
        return FILTER_LOCATION
    if topic is Topic.HUMIDIFIER:
        return HUMIDIFIER_LOCATION
    return f"{'Fan' if topic is Topic.FAN else 'Compressor'} {number}"


def _component(key: tuple[Topic, int], about: Sequence[Condition], options: Mapping[str, str]) -> Component:
    health = Health.worst((c.severity for c in about), default=Health.OK)
    reason = "; ".join(dict.fromkeys(c.message for c in about)) or None
    kind, location = _KINDS[key[0]], location_of(key)
    if key[0] is Topic.FILTER:
        return consumable(kind, location, health, reason, part_options(options, FILTER_PART), name="Air filter")
    if key[0] is Topic.HUMIDIFIER:
        part = part_options(options, HUMIDIFIER_PART)
        return consumable(kind, location, health, reason, part, name="Humidifier cylinder")
    return Component(kind, location, health, reason)


def _placements(readings: Sequence[Reading], conditions: Sequence[Condition]) -> dict[int, str]:
    """For each temperature or humidity alarm (by position), the reading it is about."""
    placed: dict[int, str] = {}
    for number, condition in enumerate(conditions):
        quantity = condition.topic.quantity
        if quantity is None:
            continue
        same = [r for r in readings if r.quantity == quantity]
        match = next((r for r in same if r.air == condition.air), None) if condition.air else None
        if match is None and condition.air is None and same:
            match = same[0]
        if match is not None:
            placed[number] = match.name
    return placed


def _alarm(condition: Condition, part: Component | None, reading: str | None) -> Alarm:
    """The unit's alarm, placed at the part it is about (and naming it), else at the reading, else where it says."""
    source = part.location if part else reading or _source(condition)
    return Alarm(
        condition.message, condition.severity, code=condition.code, source=source, component=part.ref if part else None
    )


def _source(condition: Condition) -> str:
    if condition.topic is Topic.LEAK:
        return LEAK_SOURCE
    if condition.topic.quantity and condition.air:
        return (
            f"{condition.air.capitalize()} air" if condition.air in ("supply", "return") else condition.air.capitalize()
        )
    return UNIT_SOURCE


def _sensor(reading: Reading, verdicts: bool, alarmed: bool) -> Sensor:
    if not verdicts:
        health = reading.thresholds.judge(reading.value)
    elif alarmed:
        health = Health.UNKNOWN  # the unit's alarm placed at this reading is the one fault
    else:
        health = Health.OK if reading.value is not None else Health.UNKNOWN
    return Sensor(reading.name, reading.value, reading.unit, health, reading.thresholds, location=reading.air)


def _archive(unit: Unit) -> ArchiveSnapshot:
    hardware = {
        "fans": len(unit.fans),
        "compressors": len(unit.compressors),
        "humidifier": unit.humidifier,
    }
    system = {"profile": unit.profile, "state": unit.state, **unit.extra}
    firmware = dict(unit.identity.firmware)
    return ArchiveSnapshot(
        hardware=hardware, system={k: v for k, v in system.items() if v is not None}, firmware=firmware
    )
