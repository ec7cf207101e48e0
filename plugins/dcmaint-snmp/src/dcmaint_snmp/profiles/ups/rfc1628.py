"""The generic UPS-MIB of RFC 1628 (``1.3.6.1.2.1.33``): profile ``ups-rfc1628``, probed last.

Almost every UPS network card serves it, from every vendor, and many (or
their net-snmp based firmware, answering the generic sysObjectID
``1.3.6.1.4.1.8072.3.2.10``) serve nothing else. So it is recognised by the
objects it answers (``upsIdentModel``, ``upsBatteryStatus``,
``upsOutputSource``), never by sysObjectID. The vendor profiles reuse the
readers here for the RFC 1628 objects their cards also serve (the alarm table
above all); the :class:`~dcmaint_snmp.profiles.ups.common.AlarmBook` keeps
one alarm per condition whichever table said it.

RFC 1628 has no serial number and no battery identity: the battery part is
named by ``--option battery_part=`` when the site knows its kit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Thresholds
from dcmaint_snmp.profiles.base import Profile, Sample, answers
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
    wanted,
)
from dcmaint_snmp.snapshot import Snapshot, Type, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

NAME = "ups-rfc1628"
UPS_MIB = "1.3.6.1.2.1.33"

# UPS-MIB (RFC 1628) objects, named as in the MIB.
upsIdentManufacturer = "1.3.6.1.2.1.33.1.1.1.0"
upsIdentModel = "1.3.6.1.2.1.33.1.1.2.0"
upsIdentUPSSoftwareVersion = "1.3.6.1.2.1.33.1.1.3.0"
upsIdentAgentSoftwareVersion = "1.3.6.1.2.1.33.1.1.4.0"
upsIdentName = "1.3.6.1.2.1.33.1.1.5.0"
upsBatteryStatus = "1.3.6.1.2.1.33.1.2.1.0"  # unknown(1) batteryNormal(2) batteryLow(3) batteryDepleted(4)
upsSecondsOnBattery = "1.3.6.1.2.1.33.1.2.2.0"
upsEstimatedMinutesRemaining = "1.3.6.1.2.1.33.1.2.3.0"
upsEstimatedChargeRemaining = "1.3.6.1.2.1.33.1.2.4.0"  # percent
upsBatteryVoltage = "1.3.6.1.2.1.33.1.2.5.0"  # 0.1 V DC
upsBatteryTemperature = "1.3.6.1.2.1.33.1.2.7.0"  # degrees Celsius
upsInputLineBads = "1.3.6.1.2.1.33.1.3.1.0"
upsInputNumLines = "1.3.6.1.2.1.33.1.3.2.0"
upsInputEntry = "1.3.6.1.2.1.33.1.3.3.1"  # upsInputFrequency(2, 0.1 Hz), upsInputVoltage(3, V)
upsOutputSource = "1.3.6.1.2.1.33.1.4.1.0"  # other(1) none(2) normal(3) bypass(4) battery(5) booster(6) reducer(7)
upsOutputFrequency = "1.3.6.1.2.1.33.1.4.2.0"  # 0.1 Hz
upsOutputNumLines = "1.3.6.1.2.1.33.1.4.3.0"
upsOutputEntry = "1.3.6.1.2.1.33.1.4.4.1"  # upsOutputVoltage(2, V), upsOutputPercentLoad(5, %)
upsAlarm = "1.3.6.1.2.1.33.1.6"
upsAlarmsPresent = "1.3.6.1.2.1.33.1.6.1.0"
upsAlarmEntry = "1.3.6.1.2.1.33.1.6.2.1"  # upsAlarmId(1), upsAlarmDescr(2, an OID), upsAlarmTime(3)
upsWellKnownAlarms = "1.3.6.1.2.1.33.1.6.3"
upsConfigOutputVA = "1.3.6.1.2.1.33.1.9.5.0"
upsConfigOutputPower = "1.3.6.1.2.1.33.1.9.6.0"
upsConfigLowBattTime = "1.3.6.1.2.1.33.1.9.7.0"  # minutes
upsConfigLowVoltageTransferPoint = "1.3.6.1.2.1.33.1.9.9.0"  # V
upsConfigHighVoltageTransferPoint = "1.3.6.1.2.1.33.1.9.10.0"  # V

#: upsWellKnownAlarms (RFC 1628 section 1.6.3) -> condition.
WELL_KNOWN: dict[int, str] = {
    1: "REPLACEBATTERY",  # upsAlarmBatteryBad: one or more batteries have been determined to require replacement
    2: "ONBATTERY",  # upsAlarmOnBattery
    3: "LOWBATTERY",  # upsAlarmLowBattery
    4: "DEPLETED",  # upsAlarmDepletedBattery
    5: "TEMPERATURE",  # upsAlarmTempBad
    6: "INPUTBAD",  # upsAlarmInputBad
    7: "OUTPUTBAD",  # upsAlarmOutputBad
    8: "OVERLOAD",  # upsAlarmOutputOverload
    9: "BYPASS",  # upsAlarmOnBypass
    10: "BYPASSBAD",  # upsAlarmBypassBad
    11: "OUTPUTOFF",  # upsAlarmOutputOffAsRequested
    12: "UPSOFF",  # upsAlarmUpsOffAsRequested
    13: "CHARGER",  # upsAlarmChargerFailed
    14: "OUTPUTOFF",  # upsAlarmUpsOutputOff
    15: "UPSOFF",  # upsAlarmUpsSystemOff
    16: "FAN",  # upsAlarmFanFailure
    17: "FUSE",  # upsAlarmFuseFailure
    18: "GENERAL",  # upsAlarmGeneralFault
    19: "SELFTEST",  # upsAlarmDiagnosticTestFailed
    20: "COMMLOST",  # upsAlarmCommunicationsLost
    21: "AWAITINGPOWER",  # upsAlarmAwaitingPower
    22: "SHUTDOWNPENDING",  # upsAlarmShutdownPending
    23: "SHUTDOWNIMMINENT",  # upsAlarmShutdownImminent
    24: "TESTING",  # upsAlarmTestInProgress
}

#: upsOutputSource (and Eaton's xupsOutputSource, same numbering) -> condition.
OUTPUT_SOURCE = {2: "OUTPUTOFF", 4: "BYPASS", 5: "ONBATTERY"}

#: upsBatteryStatus -> condition; unknown(1) is no verdict, batteryNormal(2) is none.
BATTERY_STATUS = {3: "LOWBATTERY", 4: "DEPLETED"}


def read_alarm_table(snapshot: Snapshot, book: AlarmBook) -> int:
    """Every upsAlarmTable row into ``book``; returns the number of rows read.

    A row pointing at an OID outside upsWellKnownAlarms (some cards list their vendor's alarm OIDs) is
    reported as the UPS gives it, as a warning: we cannot tell how bad it is, and an unread alarm is worse.
    """
    rows = snapshot.rows(upsAlarmEntry, {"descr": 2})
    for row in rows:
        described = row.oid("descr")
        if described is None:
            continue
        prefix = upsWellKnownAlarms + "."
        number = described[len(prefix) :] if described.startswith(prefix) else ""
        if number.isdigit() and int(number) in WELL_KNOWN:
            book.raise_(WELL_KNOWN[int(number)])
        else:
            book.other(f"UPS.ALARM.{described}", f"Alarm {described}", Health.WARNING)
    return len(rows)


def read_alarm_count(snapshot: Snapshot, book: AlarmBook, count_oid: str, rows: int) -> Health | None:
    """The UPS's own alarm count as a verdict: none present is an ok rollup; some present but no table
    rows read is an alarm of its own (the report must not look healthy)."""
    present = snapshot.integer(count_oid)
    if present is None:
        return None
    if present == 0:
        return Health.OK
    if rows == 0:
        book.raise_("ALARMS", f"{present} present")
    return None


def read_state(snapshot: Snapshot, book: AlarmBook) -> bool:
    """upsOutputSource and upsBatteryStatus into ``book``; returns whether the battery status is a verdict."""
    source = snapshot.integer(upsOutputSource)
    if source in OUTPUT_SOURCE:
        book.raise_(OUTPUT_SOURCE[source])
    status = snapshot.integer(upsBatteryStatus)
    if status in BATTERY_STATUS:
        book.raise_(BATTERY_STATUS[status])
    return status in (2, 3, 4)


def _lines(snapshot: Snapshot, entry: str, column: int, scale: float = 1.0) -> list[float | None]:
    return [measured(row.integer("value"), scale) for row in snapshot.rows(entry, {"value": column})]


def read_sensors(snapshot: Snapshot, readings: Readings) -> None:
    """RFC 1628 readings: battery charge, runtime, temperature, voltage; input, output, load."""
    low_time = measured(snapshot.integer(upsConfigLowBattTime))
    readings.add(
        "charge", "Battery charge", measured(snapshot.integer(upsEstimatedChargeRemaining)), "%", on_battery=True
    )
    minutes = measured(snapshot.integer(upsEstimatedMinutesRemaining))
    readings.add(
        "runtime",
        "Battery runtime",
        None if minutes is None else minutes * 60,
        "s",
        Thresholds(lower_critical=low_time * 60) if low_time else None,
        on_battery=True,
    )
    readings.add(
        "battery_temperature",
        "Battery temperature",
        measured(snapshot.integer(upsBatteryTemperature), signed=True),
        "Cel",
        on_battery=True,
    )
    readings.add(
        "battery_voltage", "Battery voltage", measured(snapshot.integer(upsBatteryVoltage), 0.1), "V", on_battery=True
    )
    low, high = (
        measured(snapshot.integer(o)) for o in (upsConfigLowVoltageTransferPoint, upsConfigHighVoltageTransferPoint)
    )
    transfer = Thresholds(lower_warning=low or None, upper_warning=high or None) if low or high else None
    readings.phases("input", "Input voltage", _lines(snapshot, upsInputEntry, 3), "V", transfer)
    frequencies = [value for value in _lines(snapshot, upsInputEntry, 2, 0.1) if value is not None]
    readings.add("input", "Input frequency", frequencies[0] if frequencies else None, "Hz")
    readings.phases("output", "Output voltage", _lines(snapshot, upsOutputEntry, 2), "V")
    readings.add("output", "Output frequency", measured(snapshot.integer(upsOutputFrequency), 0.1), "Hz")
    readings.phases("load", "Load", _lines(snapshot, upsOutputEntry, 5), "%")


def identifies(snapshot: Snapshot) -> bool:
    """Any card answering the UPS-MIB's identity or state: whatever its sysObjectID says."""
    return answers(snapshot, upsIdentModel, upsBatteryStatus, upsOutputSource)


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    book = AlarmBook()
    rows = read_alarm_table(snapshot, book)
    rollup = read_alarm_count(snapshot, book, upsAlarmsPresent, rows)
    reported = read_state(snapshot, book)
    manufacturer = snapshot.text(upsIdentManufacturer)
    battery = Battery(part=battery_part(options), reported=reported or "REPLACEBATTERY" in book)
    readings = Readings(book, battery.component(book).ref)
    read_sensors(snapshot, readings)
    identity = DeviceIdentity(
        vendor=manufacturer,
        model=snapshot.text(upsIdentModel),
        firmware=firmware(
            UPS=snapshot.text(upsIdentUPSSoftwareVersion), Agent=snapshot.text(upsIdentAgentSoftwareVersion)
        ),
        hostname=hostname(snapshot),
    )
    hardware = {
        "name": snapshot.text(upsIdentName),
        "rated_va": snapshot.integer(upsConfigOutputVA),
        "rated_w": snapshot.integer(upsConfigOutputPower),
        "input_lines": snapshot.integer(upsInputNumLines),
        "output_lines": snapshot.integer(upsOutputNumLines),
    }
    return build_report(snapshot, identity, book, battery, readings, hardware, NAME, rollup)


PROFILE = Profile(
    name=NAME,
    kind=DeviceKind.UPS,
    description="RFC 1628 UPS-MIB (1.3.6.1.2.1.33): any UPS card serving the standard MIB",
    probe=(upsIdentModel, upsBatteryStatus, upsOutputSource),
    identifies=identifies,
    scalars=(),
    walks=(UPS_MIB,),
    parse=parse,
)


# Sample ---------------------------------------------------------------------------------------------


def alarm_rows(conditions: Sequence[int]) -> dict[str, Value]:
    """upsAlarmTable rows for well-known alarm numbers (upsAlarmId from 1), and upsAlarmsPresent."""
    values: dict[str, Value] = {upsAlarmsPresent: gauge(len(conditions))}
    for row, number in enumerate(conditions, start=1):
        values[f"{upsAlarmEntry}.1.{row}"] = integer(row)
        values[f"{upsAlarmEntry}.2.{row}"] = oid(f"{upsWellKnownAlarms}.{number}")
        values[f"{upsAlarmEntry}.3.{row}"] = ticks(8_000_000 + row)
    return values


#: Fault target -> well-known alarm numbers a card lists for it.
TARGET_ALARMS: dict[str, tuple[int, ...]] = {
    "onbattery": (2,),
    "bypass": (9,),
    "overload": (8,),
    "outputoff": (14,),
    "temperature": (5,),
    "alarm": (16,),
    "replace": (1,),
    "low": (3,),
    "depleted": (4,),
}


def served(faults: Sequence[FaultSpec], minimal: bool = False) -> dict[str, Value]:
    """The UPS-MIB objects of a healthy 3 kVA single-phase online UPS, with ``faults`` applied.

    ``minimal`` serves only what the MIB's compliance statement requires (upsSubsetGroups' objects).
    """
    asked = wanted(faults)
    source, status, charge, minutes, seconds = 3, 2, 100, 42, 0
    input_v, output_v, load, temperature = 230, 230, 38, 27
    alarms: list[int] = []
    for target, value in asked.items():
        alarms += TARGET_ALARMS[value if target == "battery" and value else target]
    if "onbattery" in asked:
        source, input_v, seconds, charge, minutes = 5, 0, 95, 93, 31
    if "bypass" in asked:
        source = 4
    if "overload" in asked:
        load = 112
    if "outputoff" in asked:
        source, output_v, load = 2, 0, 0
    if asked.get("battery") == "low":
        status, charge, minutes = 3, 18, 3
    if asked.get("battery") == "depleted":
        status, charge, minutes = 4, 2, 0
    if "temperature" in asked:
        temperature = 52
    values = {
        upsIdentManufacturer: text("SANTAK"),
        upsIdentModel: text("C3KS"),
        upsIdentUPSSoftwareVersion: text("UPS 02.15"),
        upsIdentAgentSoftwareVersion: text("NetAgent 3.1.8"),
        upsIdentName: text("UPS-B2-07"),
        upsBatteryStatus: integer(status),
        upsSecondsOnBattery: integer(seconds),
        upsEstimatedMinutesRemaining: integer(minutes),
        upsEstimatedChargeRemaining: integer(charge),
        upsInputLineBads: Value(Type.COUNTER32, 0),
        upsInputNumLines: integer(1),
        f"{upsInputEntry}.1.1": integer(1),
        f"{upsInputEntry}.2.1": integer(500),
        f"{upsInputEntry}.3.1": integer(input_v),
        upsOutputSource: integer(source),
        upsOutputFrequency: integer(500),
        upsOutputNumLines: integer(1),
        f"{upsOutputEntry}.1.1": integer(1),
        f"{upsOutputEntry}.2.1": integer(output_v),
        **alarm_rows(alarms),
    }
    if not minimal:
        values |= {
            upsBatteryVoltage: integer(960),
            upsBatteryTemperature: integer(temperature),
            f"{upsOutputEntry}.5.1": integer(load),
            upsConfigOutputVA: integer(3000),
            upsConfigOutputPower: integer(2700),
            upsConfigLowBattTime: integer(2),
            upsConfigLowVoltageTransferPoint: integer(160),
            upsConfigHighVoltageTransferPoint: integer(276),
        }
    return values


def build(faults: Sequence[FaultSpec]) -> Snapshot:
    """A UPS whose card speaks only RFC 1628, under net-snmp's generic sysObjectID, as many do."""
    system = system_group("1.3.6.1.4.1.8072.3.2.10", "Linux NetAgent 2.6.32 armv5tejl", "ups-b2-07")
    return Snapshot({**system, **served(faults)})


SAMPLE = Sample(profile=NAME, prefix="ups", targets=TARGETS, build=build)
