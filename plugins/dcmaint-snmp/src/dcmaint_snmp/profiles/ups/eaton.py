"""Eaton (Powerware) cards: XUPS-MIB, profile ``ups-eaton`` (enterprise 534).

Read from XUPS-MIB (``1.3.6.1.4.1.534.1``): identity, battery (ABM status,
the yes/no flags xupsBatteryFailure / NotPresent / Aged / LowCapacity, the
last replacement date), input, output, ambient temperature with the UPS's
own limits, and the active alarm table xupsAlarmTable whose rows point at
the well-known alarm OIDs under ``xupsAlarm`` (xupsOnBattery...). Eaton cards
also serve part of RFC 1628, including its alarm table: both are read, one
alarm per condition. Recognised by xupsIdentModel: Network-M2/M3 cards
answer sysObjectID ``1.3.6.1.4.1.705.1`` (MGE's arc), older ConnectUPS ones
``1.3.6.1.4.1.534.1``.

XUPS-MIB names no battery part: ``--option battery_part=`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Thresholds
from dcmaint_snmp.profiles.base import Profile, Sample, answers
from dcmaint_snmp.profiles.ups import rfc1628
from dcmaint_snmp.profiles.ups.common import (
    TARGETS,
    AlarmBook,
    Battery,
    Readings,
    battery_part,
    build_report,
    firmware,
    gauge,
    hostname,
    integer,
    measured,
    oid,
    system_group,
    text,
    ticks,
    us_date,
    wanted,
)
from dcmaint_snmp.snapshot import Snapshot, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

NAME = "ups-eaton"
XUPS = "1.3.6.1.4.1.534.1"

# XUPS-MIB objects, named as in the MIB.
xupsIdentManufacturer = "1.3.6.1.4.1.534.1.1.1.0"
xupsIdentModel = "1.3.6.1.4.1.534.1.1.2.0"
xupsIdentSoftwareVersion = "1.3.6.1.4.1.534.1.1.3.0"
xupsBatTimeRemaining = "1.3.6.1.4.1.534.1.2.1.0"  # seconds
xupsBatVoltage = "1.3.6.1.4.1.534.1.2.2.0"  # V DC
xupsBatCapacity = "1.3.6.1.4.1.534.1.2.4.0"  # percent
# batteryCharging(1) batteryDischarging(2) batteryFloating(3) batteryResting(4) unknown(5)
# batteryDisconnected(6) batteryUnderTest(7) checkBattery(8)
xupsBatteryAbmStatus = "1.3.6.1.4.1.534.1.2.5.0"
xupsBatteryLastReplacedDate = "1.3.6.1.4.1.534.1.2.6.0"  # mm/dd/yyyy
xupsBatteryFailure = "1.3.6.1.4.1.534.1.2.7.0"  # yes(1) no(2), as the next three
xupsBatteryNotPresent = "1.3.6.1.4.1.534.1.2.8.0"
xupsBatteryAged = "1.3.6.1.4.1.534.1.2.9.0"
xupsBatteryLowCapacity = "1.3.6.1.4.1.534.1.2.10.0"
xupsInputFrequency = "1.3.6.1.4.1.534.1.3.1.0"  # 0.1 Hz
xupsInputNumPhases = "1.3.6.1.4.1.534.1.3.3.0"
xupsInputEntry = "1.3.6.1.4.1.534.1.3.4.1"  # xupsInputPhase(1) xupsInputVoltage(2, V)
xupsOutputLoad = "1.3.6.1.4.1.534.1.4.1.0"  # percent
xupsOutputFrequency = "1.3.6.1.4.1.534.1.4.2.0"  # 0.1 Hz
xupsOutputNumPhases = "1.3.6.1.4.1.534.1.4.3.0"
xupsOutputEntry = "1.3.6.1.4.1.534.1.4.4.1"  # xupsOutputPhase(1) xupsOutputVoltage(2, V)
xupsOutputSource = "1.3.6.1.4.1.534.1.4.5.0"  # as upsOutputSource, plus parallel and high-efficiency modes
xupsEnvAmbientTemp = "1.3.6.1.4.1.534.1.6.1.0"  # Celsius
xupsEnvAmbientLowerLimit = "1.3.6.1.4.1.534.1.6.2.0"
xupsEnvAmbientUpperLimit = "1.3.6.1.4.1.534.1.6.3.0"
xupsAlarm = "1.3.6.1.4.1.534.1.7"
xupsAlarms = "1.3.6.1.4.1.534.1.7.1.0"  # the current number of alarm conditions
xupsAlarmEntry = "1.3.6.1.4.1.534.1.7.2.1"  # xupsAlarmID(1) xupsAlarmDescr(2, an OID) xupsAlarmTime(3)
xupsConfigOutputWatts = "1.3.6.1.4.1.534.1.10.3.0"
#: MG-SNMP-UPS-MIB upsmgIdentSerialNumber: XUPS-MIB has no serial; Network-M2/MS cards serve MGE's identity too.
upsmgIdentSerialNumber = "1.3.6.1.4.1.705.1.1.7.0"

#: Well-known alarm OIDs ``xupsAlarm.N`` -> condition (XUPS-MIB).
WELL_KNOWN: dict[int, str] = {
    3: "ONBATTERY",  # xupsOnBattery
    4: "LOWBATTERY",  # xupsLowBattery
    7: "OVERLOAD",  # xupsOutputOverload
    8: "INTERNAL",  # xupsInternalFailure
    9: "DEPLETED",  # xupsBatteryDischarged
    10: "INVERTER",  # xupsInverterFailure
    11: "BYPASS",  # xupsOnBypass
    12: "BYPASSBAD",  # xupsBypassNotAvailable
    13: "OUTPUTOFF",  # xupsOutputOff
    14: "INPUTBAD",  # xupsInputFailure
    16: "SHUTDOWNIMMINENT",  # xupsShutdownImminent
    20: "BREAKER",  # xupsBreakerOpen
    23: "REPLACEBATTERY",  # xupsAlarmBatteryBad
    24: "OUTPUTOFF",  # xupsOutputOffAsRequested
    25: "SELFTEST",  # xupsDiagnosticTestFailed
    26: "COMMLOST",  # xupsCommunicationsLost
    27: "SHUTDOWNPENDING",  # xupsUpsShutdownPending
    28: "TESTING",  # xupsAlarmTestInProgress
    29: "AMBIENTTEMP",  # xupsAmbientTempBad
    31: "TEMPERATURE",  # xupsAlarmTempBad
    32: "CHARGER",  # xupsAlarmChargerFailed
    33: "FAN",  # xupsAlarmFanFailure
    34: "FUSE",  # xupsAlarmFuseFailure
}

#: Alarm OIDs that announce, not report (utility restored, entries added/removed...): not conditions.
NOTICES = frozenset({5, 6, 17, 21, 22})

#: xupsBatteryAbmStatus -> (condition, the value's name in the MIB).
ABM_STATUS = {6: ("NOBATTERY", "batteryDisconnected"), 8: ("REPLACEBATTERY", "checkBattery")}

#: The yes/no battery flags -> (condition, the object's name).
BATTERY_FLAGS = {
    xupsBatteryFailure: ("BATTERYFAULT", "xupsBatteryFailure"),
    xupsBatteryNotPresent: ("NOBATTERY", "xupsBatteryNotPresent"),
    xupsBatteryAged: ("REPLACEBATTERY", "battery aged"),
    xupsBatteryLowCapacity: ("LOWBATTERY", "xupsBatteryLowCapacity"),
}


def read_alarm_table(snapshot: Snapshot, book: AlarmBook) -> int:
    """xupsAlarmTable into ``book``; returns the rows read. An unknown alarm OID is reported as a warning."""
    rows = snapshot.rows(xupsAlarmEntry, {"descr": 2})
    prefix = xupsAlarm + "."
    for row in rows:
        described = row.oid("descr")
        if described is None:
            continue
        number = described[len(prefix) :] if described.startswith(prefix) else ""
        if number.isdigit() and int(number) in WELL_KNOWN:
            book.raise_(WELL_KNOWN[int(number)])
        elif not (number.isdigit() and int(number) in NOTICES):
            book.other(f"UPS.ALARM.{described}", f"Alarm {described}", Health.WARNING)
    return len(rows)


def read_state(snapshot: Snapshot, book: AlarmBook) -> bool:
    """Output source, ABM status and battery flags; whether the UPS gave a battery verdict."""
    source = snapshot.integer(xupsOutputSource)
    if source in rfc1628.OUTPUT_SOURCE:
        book.raise_(rfc1628.OUTPUT_SOURCE[source])
    abm = snapshot.integer(xupsBatteryAbmStatus)
    if abm in ABM_STATUS:
        book.raise_(*ABM_STATUS[abm])
    verdict = abm in (1, 2, 3, 4, 6, 7, 8)
    for flag, (key, name) in BATTERY_FLAGS.items():
        answer = snapshot.integer(flag)
        verdict = verdict or answer in (1, 2)
        if answer == 1:
            book.raise_(key, name)
    return verdict


def _phases(snapshot: Snapshot, entry: str) -> list[float | None]:
    return [measured(row.integer("volts")) for row in snapshot.rows(entry, {"volts": 2})]


def read_sensors(snapshot: Snapshot, readings: Readings) -> None:
    readings.add("charge", "Battery charge", measured(snapshot.integer(xupsBatCapacity)), "%", on_battery=True)
    readings.add("runtime", "Battery runtime", measured(snapshot.integer(xupsBatTimeRemaining)), "s", on_battery=True)
    readings.add("battery_voltage", "Battery voltage", measured(snapshot.integer(xupsBatVoltage)), "V", on_battery=True)
    readings.phases("input", "Input voltage", _phases(snapshot, xupsInputEntry), "V")
    readings.add("input", "Input frequency", measured(snapshot.integer(xupsInputFrequency), 0.1), "Hz")
    readings.phases("output", "Output voltage", _phases(snapshot, xupsOutputEntry), "V")
    readings.add("output", "Output frequency", measured(snapshot.integer(xupsOutputFrequency), 0.1), "Hz")
    readings.add("load", "Load", measured(snapshot.integer(xupsOutputLoad)), "%")
    low = measured(snapshot.integer(xupsEnvAmbientLowerLimit), signed=True)
    high = measured(snapshot.integer(xupsEnvAmbientUpperLimit), signed=True)
    limits = Thresholds(lower_warning=low, upper_warning=high) if low is not None or high is not None else None
    readings.add(
        "ambient", "Ambient temperature", measured(snapshot.integer(xupsEnvAmbientTemp), signed=True), "Cel", limits
    )


def identifies(snapshot: Snapshot) -> bool:
    """A card answering XUPS-MIB's model, under Eaton's, MGE's or a generic sysObjectID."""
    return answers(snapshot, xupsIdentModel)


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    book = AlarmBook()
    rows = read_alarm_table(snapshot, book) + rfc1628.read_alarm_table(snapshot, book)
    rollup = rfc1628.read_alarm_count(snapshot, book, xupsAlarms, rows)
    reported = read_state(snapshot, book)
    manufacturer = snapshot.text(xupsIdentManufacturer) or "Eaton"
    replaced = us_date(snapshot.text(xupsBatteryLastReplacedDate))
    battery = Battery(part=battery_part(options, attributes={"replaced": replaced}), reported=reported)
    readings = Readings(book, battery.component(book).ref)
    read_sensors(snapshot, readings)
    identity = DeviceIdentity(
        vendor=manufacturer,
        model=snapshot.text(xupsIdentModel),
        serial=snapshot.text(upsmgIdentSerialNumber),
        firmware=firmware(
            UPS=snapshot.text(xupsIdentSoftwareVersion), Agent=snapshot.text(rfc1628.upsIdentAgentSoftwareVersion)
        ),
        hostname=hostname(snapshot),
    )
    hardware = {
        "battery": {"replaced": replaced} if replaced else {},
        "rated_w": snapshot.integer(xupsConfigOutputWatts),
        "input_phases": snapshot.integer(xupsInputNumPhases),
        "output_phases": snapshot.integer(xupsOutputNumPhases),
    }
    return build_report(snapshot, identity, book, battery, readings, hardware, NAME, rollup)


PROFILE = Profile(
    name=NAME,
    kind=DeviceKind.UPS,
    description="Eaton XUPS-MIB (1.3.6.1.4.1.534.1): Eaton/Powerware UPSes with Network-M2, Network-MS, ConnectUPS",
    probe=(xupsIdentModel,),
    identifies=identifies,
    scalars=(upsmgIdentSerialNumber,),
    walks=(XUPS, rfc1628.upsAlarm, "1.3.6.1.2.1.33.1.1"),
    parse=parse,
)


# Sample ---------------------------------------------------------------------------------------------

#: Fault target -> well-known alarm numbers under xupsAlarm the card lists.
TARGET_ALARMS: dict[str, tuple[int, ...]] = {
    "onbattery": (3,),
    "bypass": (11,),
    "overload": (7,),
    "outputoff": (13,),
    "temperature": (29,),
    "alarm": (12,),
    "replace": (23,),
    "low": (4,),
    "depleted": (9,),
}

#: Fault target -> RFC 1628 well-known alarms the card's RFC 1628 agent lists for the same condition.
RFC_ALARMS: dict[str, tuple[int, ...]] = {"onbattery": (2,), "replace": (1,), "overload": (8,)}


def _alarm_rows(numbers: Sequence[int]) -> dict[str, Value]:
    values: dict[str, Value] = {xupsAlarms: gauge(len(numbers))}
    for row, number in enumerate(numbers, start=1):
        values[f"{xupsAlarmEntry}.1.{row}"] = integer(row)
        values[f"{xupsAlarmEntry}.2.{row}"] = oid(f"{xupsAlarm}.{number}")
        values[f"{xupsAlarmEntry}.3.{row}"] = ticks(8_100_000 + row)
    return values


def build(faults: Sequence[FaultSpec]) -> Snapshot:
    """An Eaton 9PX 3000 with a Network-M2 card (XUPS-MIB and RFC 1628's identity and alarms), with ``faults``."""
    asked = wanted(faults)
    source, abm, aged, low_capacity = 3, 4, 2, 2
    charge, runtime, input_v, output_v, load, ambient = 100, 2_940, 230, 230, 35, 26
    keys = [value if target == "battery" and value else target for target, value in asked.items()]
    if "onbattery" in asked:
        source, abm, input_v, charge, runtime = 5, 2, 0, 97, 2_700
    if "bypass" in asked:
        source = 4
    if "overload" in asked:
        load = 109
    if "outputoff" in asked:
        source, output_v, load = 2, 0, 0
    if "temperature" in asked:
        ambient = 46
    if asked.get("battery") == "replace":
        aged = 1
    if asked.get("battery") == "low":
        low_capacity, charge, runtime = 1, 16, 240
    if asked.get("battery") == "depleted":
        charge, runtime = 1, 0
    values = {
        xupsIdentManufacturer: text("EATON"),
        xupsIdentModel: text("Eaton 9PX 3000i RT2U"),
        xupsIdentSoftwareVersion: text("INV: 1.51"),
        xupsBatTimeRemaining: integer(runtime),
        xupsBatVoltage: integer(82),
        xupsBatCapacity: integer(charge),
        xupsBatteryAbmStatus: integer(abm),
        xupsBatteryLastReplacedDate: text("03/18/2023"),
        xupsBatteryFailure: integer(2),
        xupsBatteryNotPresent: integer(2),
        xupsBatteryAged: integer(aged),
        xupsBatteryLowCapacity: integer(low_capacity),
        xupsInputFrequency: integer(500),
        xupsInputNumPhases: integer(1),
        f"{xupsInputEntry}.1.1": integer(1),
        f"{xupsInputEntry}.2.1": integer(input_v),
        xupsOutputLoad: integer(load),
        xupsOutputFrequency: integer(500),
        xupsOutputNumPhases: integer(1),
        f"{xupsOutputEntry}.1.1": integer(1),
        f"{xupsOutputEntry}.2.1": integer(output_v),
        xupsOutputSource: integer(source),
        xupsEnvAmbientTemp: integer(ambient),
        xupsEnvAmbientLowerLimit: integer(0),
        xupsEnvAmbientUpperLimit: integer(40),
        xupsConfigOutputWatts: integer(3000),
        upsmgIdentSerialNumber: text("G118K25012"),
        rfc1628.upsIdentManufacturer: text("EATON"),
        rfc1628.upsIdentModel: text("Eaton 9PX 3000i RT2U"),
        rfc1628.upsIdentAgentSoftwareVersion: text("Network-M2 2.3.1"),
        **_alarm_rows([number for key in keys for number in TARGET_ALARMS[key]]),
        **rfc1628.alarm_rows([number for key in keys for number in RFC_ALARMS.get(key, ())]),
    }
    system = system_group("1.3.6.1.4.1.705.1", "Eaton Network-M2", "ups-b1-02")
    return Snapshot({**system, **values})


SAMPLE = Sample(profile=NAME, prefix="ups", targets=TARGETS, build=build)
