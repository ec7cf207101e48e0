"""What every UPS profile shares: the conditions a UPS reports, the battery part, readings, and the report.

A UPS MIB says the same few things in its own words: the load is on battery,
on bypass, overloaded or unpowered; the battery is low, depleted or has to be
replaced. Each profile translates its MIB's words into the :data:`CONDITIONS`
below, into an :class:`AlarmBook` that keeps one alarm per condition (a vendor
card that also serves RFC 1628 says "on battery" twice; the report says it
once), and hands the book, the battery verdict and the readings to
:func:`build_report`.

Rules every profile follows (docs/drivers/snmp-ups.md):

- the UPS's own verdicts come first: a state, a flag or an alarm-table row;
  readings are judged against the UPS's own limits only, never against ours;
- a reading whose condition is already reported as an alarm (input voltage
  while on battery, load while overloaded) is shown with health ``unknown``:
  the alarm is the one fault, not the alarm plus a sensor;
- a battery that needs replacing is one faulty, consumable ``battery`` part;
  the alarms about it name it (``component=``) and fold into it. Low or
  depleted charge is an alarm about the battery, not a broken battery.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dcmaint.drivers import (
    Alarm,
    ArchiveSnapshot,
    Component,
    ComponentKind,
    ComponentRef,
    DeviceIdentity,
    DeviceReport,
    Health,
    PartIdentity,
    Sensor,
    Thresholds,
)
from dcmaint_snmp.profiles.base import consumable
from dcmaint_snmp.snapshot import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, SYS_UPTIME, Snapshot, Type, Value

#: Where the battery is, when the MIB does not name it.
BATTERY = "Battery"

#: ``--option battery_part=NUMBER``: the battery kit's part number for UPSes whose MIB does not give one.
BATTERY_PART_OPTION = "battery_part"


@dataclass(frozen=True)
class Condition:
    """One thing a UPS reports, in dcmaint's words: code, message, severity and where it is."""

    code: str
    message: str
    severity: Health
    source: str
    #: About the battery: the alarm names the battery part (folded into it when it is faulty).
    battery: bool = False


def _c(code: str, message: str, severity: Health, source: str, battery: bool = False) -> Condition:
    return Condition(f"UPS.{code}", message, severity, source, battery)


W, C, OK = Health.WARNING, Health.CRITICAL, Health.OK

#: Every condition the UPS profiles report. Severities follow the usual monitoring plugins: running on
#: battery is a warning, a low or depleted battery and an overload are critical, an unprotected load
#: (bypass) is a warning, an unpowered load is critical.
CONDITIONS: dict[str, Condition] = {
    c.code.removeprefix("UPS."): c
    for c in (
        _c("ONBATTERY", "On battery: input power failure", W, "Input"),
        _c("LOWBATTERY", "Battery low", C, BATTERY, battery=True),
        _c("DEPLETED", "Battery depleted: the UPS cannot carry the load if input power fails", C, BATTERY, True),
        _c("REPLACEBATTERY", "Replace battery", W, BATTERY, battery=True),
        _c("BATTERYFAULT", "Battery fault", C, BATTERY, battery=True),
        _c("NOBATTERY", "No battery connected", C, BATTERY, battery=True),
        _c("BATTERYTEMP", "Battery temperature out of tolerance", W, BATTERY, battery=True),
        _c("BATTERYTEMPCRIT", "Battery temperature critical", C, BATTERY, battery=True),
        _c("TEMPERATURE", "Temperature out of tolerance", W, "UPS"),
        _c("AMBIENTTEMP", "Ambient temperature out of limits", W, "Ambient"),
        _c("INPUTBAD", "Input out of tolerance", W, "Input"),
        _c("OUTPUTBAD", "Output out of tolerance", C, "Output"),
        _c("OVERLOAD", "Output overload", C, "Output"),
        _c("BYPASS", "On bypass: the load is not protected", W, "Bypass"),
        _c("BYPASSBAD", "Bypass out of tolerance or not available", W, "Bypass"),
        _c("OUTPUTOFF", "Output off: the load is not powered", C, "Output"),
        _c("UPSOFF", "UPS off", C, "UPS"),
        _c("CHARGER", "Battery charger failed", W, "Charger"),
        _c("FAN", "Fan failure", W, "UPS"),
        _c("FUSE", "Fuse failure", C, "UPS"),
        _c("GENERAL", "General fault", C, "UPS"),
        _c("INTERNAL", "Internal failure", C, "UPS"),
        _c("INVERTER", "Inverter failure", C, "UPS"),
        _c("SELFTEST", "Self-test failed", W, "UPS"),
        _c("COMMLOST", "Communication between the card and the UPS lost", W, "UPS"),
        _c("AWAITINGPOWER", "Awaiting input power to restart", W, "Input"),
        _c("SHUTDOWNPENDING", "Shutdown pending", C, "UPS"),
        _c("SHUTDOWNIMMINENT", "Shutdown imminent", C, "UPS"),
        _c("BREAKER", "Breaker open", C, "Output"),
        _c("EPO", "Emergency power off activated", C, "UPS"),
        _c("ABNORMAL", "Abnormal condition present", W, "UPS"),
        _c("ALARMS", "Alarms present, but the alarm table could not be read", W, "UPS"),
        _c("TESTING", "Self-test in progress", OK, "UPS"),
    )
}

#: Readings whose condition, when active, is the one fault (the reading is then shown unjudged).
COVERS: dict[str, frozenset[str]] = {
    "ONBATTERY": frozenset({"input"}),
    "INPUTBAD": frozenset({"input"}),
    "OUTPUTOFF": frozenset({"output", "load"}),
    "UPSOFF": frozenset({"output", "load"}),
    "OUTPUTBAD": frozenset({"output"}),
    "OVERLOAD": frozenset({"load"}),
    "BATTERYTEMP": frozenset({"battery_temperature"}),
    "BATTERYTEMPCRIT": frozenset({"battery_temperature"}),
    "TEMPERATURE": frozenset({"battery_temperature", "ambient"}),
    "AMBIENTTEMP": frozenset({"ambient"}),
    "LOWBATTERY": frozenset({"charge", "runtime"}),
    "DEPLETED": frozenset({"charge", "runtime"}),
}

#: Battery conditions that make the battery itself a faulty part (the rest are about its charge).
PART_FAULTS = frozenset({"REPLACEBATTERY", "BATTERYFAULT", "NOBATTERY"})


class AlarmBook:
    """The active conditions of one UPS, one alarm per condition whichever table or flag said it."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[Condition, str]] = {}

    def raise_(self, key: str, detail: str | None = None) -> None:
        """Record condition ``key`` (of :data:`CONDITIONS`); ``detail`` adds the UPS's own words once."""
        condition = CONDITIONS[key]
        if detail and detail.lower() in condition.message.lower():
            detail = None  # the UPS's words add nothing ("overload" to "Output overload")
        known = self._found.get(key)
        message = condition.message if not detail else f"{condition.message} ({detail})"
        if known is None or (not known[1] and detail):
            self._found[key] = (condition, message if known is None else f"{known[0].message} ({detail})")

    def other(self, code: str, message: str, severity: Health, source: str = "UPS") -> None:
        """An alarm the profile cannot translate (a vendor alarm OID we do not know): reported as the UPS says."""
        self._found.setdefault(code, (Condition(code, message, severity, source), message))

    def __contains__(self, key: str) -> bool:
        return key in self._found

    def message(self, key: str) -> str:
        """The message of active condition ``key``, with the UPS's own words where it gave some."""
        return self._found[key][1]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._found)

    def covered(self, reading: str) -> bool:
        """Whether an active condition already reports ``reading`` (it is then left unjudged)."""
        return any(reading in COVERS.get(key, ()) for key in self._found)

    def alarms(self, battery: ComponentRef) -> list[Alarm]:
        return [
            Alarm(message, c.severity, code=c.code, source=c.source, component=battery if c.battery else None)
            for c, message in self._found.values()
        ]


@dataclass
class Battery:
    """The UPS battery as one part: its verdict (from the book's part conditions), identity and dates."""

    location: str = BATTERY
    part: PartIdentity = field(default_factory=PartIdentity)
    #: ``unknown`` when the UPS reports no battery verdict at all (RFC 1628 ``unknown(1)``).
    reported: bool = True

    def component(self, book: AlarmBook) -> Component:
        faults = [key for key in ("NOBATTERY", "BATTERYFAULT", "REPLACEBATTERY") if key in book]
        if faults:
            worst = CONDITIONS[faults[0]]
            return consumable(ComponentKind.BATTERY, self.location, worst.severity, book.message(faults[0]), self.part)
        health = Health.OK if self.reported else Health.UNKNOWN
        reason = None if self.reported else "the UPS reports no battery status"
        return consumable(ComponentKind.BATTERY, self.location, health, reason, self.part)


def battery_part(
    options: Mapping[str, str],
    manufacturer: str | None = None,
    part_number: str | None = None,
    attributes: Mapping[str, str | None] | None = None,
) -> PartIdentity:
    """The battery's identity: what the UPS gives, else ``--option battery_part=`` (a kit the MIB cannot name)."""
    number = part_number or (options.get(BATTERY_PART_OPTION) or "").strip() or None
    kept = {key: value for key, value in (attributes or {}).items() if value}
    return PartIdentity(manufacturer=manufacturer, model=number, part_number=number, attributes=kept)


# Readings -------------------------------------------------------------------------------------------

#: Values agents send for "not available" (MIBs say -1, or the largest Integer32).
NOT_AVAILABLE = frozenset({-1, 2147483647, -2147483648, 4294967295})


def measured(raw: int | None, scale: float = 1.0, signed: bool = False) -> float | None:
    """A raw reading scaled to its unit, or None when absent or a "not available" marker.

    >>> measured(2301, 0.1), measured(-1), measured(-5, signed=True), measured(2147483647, signed=True)
    (230.1, None, -5.0, None)
    """
    if raw is None or (raw in NOT_AVAILABLE and not (signed and raw == -1)):
        return None
    if not signed and raw < 0:
        return None
    return round(raw * scale, 3)


@dataclass
class Readings:
    """Sensors as the UPS reports them; each judged by the UPS's limits only, or left to an active alarm."""

    book: AlarmBook
    battery: ComponentRef
    sensors: list[Sensor] = field(default_factory=list)

    def add(
        self,
        topic: str,
        name: str,
        value: float | None,
        unit: str,
        thresholds: Thresholds | None = None,
        on_battery: bool = False,
    ) -> None:
        """Add a sensor unless ``value`` is None. ``topic`` names what it reads (``input``, ``load``...)."""
        if value is None:
            return
        limits = thresholds or Thresholds()
        if self.book.covered(topic):
            health = Health.UNKNOWN
        elif any(
            limit is not None
            for limit in (limits.lower_critical, limits.lower_warning, limits.upper_warning, limits.upper_critical)
        ):
            health = limits.judge(value)
        else:
            health = Health.OK
        self.sensors.append(Sensor(name, value, unit, health, limits, component=self.battery if on_battery else None))

    def phases(
        self, topic: str, label: str, values: list[float | None], unit: str, limits: Thresholds | None = None
    ) -> None:
        """One sensor per phase (``Input voltage L1``...), or one unnumbered sensor for a single phase."""
        present = [value for value in values if value is not None]
        for number, value in enumerate(values, start=1):
            name = label if len(present) <= 1 else f"{label} L{number}"
            self.add(topic, name, value, unit, limits)


# Dates ----------------------------------------------------------------------------------------------

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


def us_date(text: str | None) -> str | None:
    """An ``mm/dd/yy`` or ``mm/dd/yyyy`` date (APC, Eaton) as ISO ``yyyy-mm-dd``; None when not a date.

    Two-digit years are 20yy: UPS batteries replaced in the 1900s are not in service any more.

    >>> us_date("06/12/22"), us_date("06/12/2022"), us_date("Unknown"), us_date("13/40/22")
    ('2022-06-12', '2022-06-12', None, None)
    """
    found = _US_DATE.fullmatch((text or "").strip())
    if not found:
        return None
    month, day, year = (int(part) for part in found.groups())
    year += 2000 if year < 100 else 0
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# The report -----------------------------------------------------------------------------------------


def build_report(
    snapshot: Snapshot,
    identity: DeviceIdentity,
    book: AlarmBook,
    battery: Battery,
    readings: Readings,
    hardware: Mapping[str, Any],
    profile: str,
    rollup: Health | None = None,
) -> DeviceReport:
    """The report: identity, the battery part, sensors, one alarm per condition, and the archive."""
    component = battery.component(book)
    system = {"profile": profile, "sysObjectID": snapshot.oid(SYS_OBJECT_ID), "sysDescr": snapshot.text(SYS_DESCR)}
    return DeviceReport(
        identity=identity,
        components=(component,),
        sensors=tuple(readings.sensors),
        alarms=tuple(book.alarms(component.ref)),
        archive=ArchiveSnapshot(
            hardware={key: value for key, value in hardware.items() if value not in (None, {}, "")},
            system={key: value for key, value in system.items() if value is not None},
            firmware=dict(identity.firmware),
        ),
        rollup=rollup,
    )


def hostname(snapshot: Snapshot) -> str | None:
    return snapshot.text(SYS_NAME)


def firmware(**versions: str | None) -> dict[str, str]:
    """Firmware versions that were answered (keys with underscores read as spaces)."""
    return {name.replace("_", " "): version for name, version in versions.items() if version}


# Samples --------------------------------------------------------------------------------------------

#: The fault targets every UPS sample understands (docs/drivers/snmp-ups.md).
TARGETS = ("onbattery", "bypass", "overload", "outputoff", "battery", "temperature", "alarm")

#: ``battery=VALUE``: replace (default), low, depleted.
BATTERY_FAULTS = ("replace", "low", "depleted")


def integer(value: int) -> Value:
    return Value(Type.INTEGER, value)


def gauge(value: int) -> Value:
    return Value(Type.GAUGE32, value)


def ticks(value: int) -> Value:
    return Value(Type.TIMETICKS, value)


def text(value: str, encoding: str = "utf-8") -> Value:
    return Value(Type.OCTETS, value.encode(encoding))


def oid(value: str) -> Value:
    return Value(Type.OID, value)


def system_group(object_id: str, descr: str, name: str) -> dict[str, Value]:
    """The MIB-2 system group every agent serves."""
    return {SYS_DESCR: text(descr), SYS_OBJECT_ID: oid(object_id), SYS_UPTIME: ticks(8_640_000), SYS_NAME: text(name)}


def wanted(faults: Iterable[Any]) -> dict[str, str | None]:
    """The targets asked for, each with its value (``battery`` defaults to ``replace``); unknown ones dropped."""
    found: dict[str, str | None] = {}
    for fault in faults:
        if fault.target in TARGETS:
            value = fault.value
            if fault.target == "battery":
                value = value if value in BATTERY_FAULTS else "replace"
            found[fault.target] = value
    return found
