"""APC (Schneider Electric) Network Management Cards: PowerNet-MIB, profile ``ups-apc`` (enterprise 318).

Read from the ``upsBasic``/``upsAdv`` groups of PowerNet-MIB
(``1.3.6.1.4.1.318.1.1.1``). The card's verdicts, in the order they are
trusted: ``upsBasicStateOutputState`` (a 64-character string of ``0``/``1``
flags, flag 1 first: "abnormal condition present", "on battery", "replace
battery"...), then ``upsBasicOutputStatus`` and ``upsBasicBatteryStatus``
for cards that do not serve the flags, then ``upsAdvBatteryReplaceIndicator``.
The battery part is the replacement cartridge the UPS names in
``upsAdvBatteryInternalSKU`` (``APCRBC140``...), so ``spare match`` finds the
kit. Battery dates are ``mm/dd/yy`` or ``mm/dd/yyyy`` as the MIB says.
Cards with the RFC 1628 agent enabled also list its alarm table: read too,
one alarm per condition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Thresholds
from dcmaint_snmp.profiles.base import Profile, Sample, answers
from dcmaint_snmp.profiles.ups import rfc1628
from dcmaint_snmp.profiles.ups.common import (
    CONDITIONS,
    TARGETS,
    AlarmBook,
    Battery,
    Readings,
    battery_part,
    build_report,
    firmware,
    hostname,
    integer,
    measured,
    system_group,
    text,
    ticks,
    us_date,
    wanted,
)
from dcmaint_snmp.snapshot import Snapshot

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

NAME = "ups-apc"
APC_UPS = "1.3.6.1.4.1.318.1.1.1"

# PowerNet-MIB objects, named as in the MIB.
upsBasicIdentModel = "1.3.6.1.4.1.318.1.1.1.1.1.1.0"
upsBasicIdentName = "1.3.6.1.4.1.318.1.1.1.1.1.2.0"
upsAdvIdentFirmwareRevision = "1.3.6.1.4.1.318.1.1.1.1.2.1.0"
upsAdvIdentDateOfManufacture = "1.3.6.1.4.1.318.1.1.1.1.2.2.0"
upsAdvIdentSerialNumber = "1.3.6.1.4.1.318.1.1.1.1.2.3.0"
upsAdvIdentSkuNumber = "1.3.6.1.4.1.318.1.1.1.1.2.5.0"
upsBasicBatteryStatus = "1.3.6.1.4.1.318.1.1.1.2.1.1.0"  # unknown(1) normal(2) low(3) inFaultCondition(4)
upsBasicBatteryTimeOnBattery = "1.3.6.1.4.1.318.1.1.1.2.1.2.0"  # TimeTicks
upsBasicBatteryLastReplaceDate = "1.3.6.1.4.1.318.1.1.1.2.1.3.0"  # mm/dd/yy or mm/dd/yyyy
upsAdvBatteryCapacity = "1.3.6.1.4.1.318.1.1.1.2.2.1.0"  # percent
upsAdvBatteryTemperature = "1.3.6.1.4.1.318.1.1.1.2.2.2.0"  # Celsius
upsAdvBatteryRunTimeRemaining = "1.3.6.1.4.1.318.1.1.1.2.2.3.0"  # TimeTicks
upsAdvBatteryReplaceIndicator = "1.3.6.1.4.1.318.1.1.1.2.2.4.0"  # noBatteryNeedsReplacing(1) batteryNeedsReplacing(2)
upsAdvBatteryNumOfBattPacks = "1.3.6.1.4.1.318.1.1.1.2.2.5.0"
upsAdvBatteryNumOfBadBattPacks = "1.3.6.1.4.1.318.1.1.1.2.2.6.0"
upsAdvBatteryActualVoltage = "1.3.6.1.4.1.318.1.1.1.2.2.8.0"  # V DC
upsAdvBatteryInternalSKU = "1.3.6.1.4.1.318.1.1.1.2.2.19.0"
upsAdvBatteryExternalSKU = "1.3.6.1.4.1.318.1.1.1.2.2.20.0"
upsAdvBatteryRecommendedReplaceDate = "1.3.6.1.4.1.318.1.1.1.2.2.21.0"
upsAdvInputLineVoltage = "1.3.6.1.4.1.318.1.1.1.3.2.1.0"  # V
upsAdvInputFrequency = "1.3.6.1.4.1.318.1.1.1.3.2.4.0"  # Hz
upsBasicOutputStatus = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"
upsAdvOutputVoltage = "1.3.6.1.4.1.318.1.1.1.4.2.1.0"  # V
upsAdvOutputFrequency = "1.3.6.1.4.1.318.1.1.1.4.2.2.0"  # Hz
upsAdvOutputLoad = "1.3.6.1.4.1.318.1.1.1.4.2.3.0"  # percent
upsAdvConfigHighTransferVolt = "1.3.6.1.4.1.318.1.1.1.5.2.2.0"  # V
upsAdvConfigLowTransferVolt = "1.3.6.1.4.1.318.1.1.1.5.2.3.0"  # V
upsAdvTestDiagnosticsResults = "1.3.6.1.4.1.318.1.1.1.7.2.3.0"  # ok(1) failed(2) invalidTest(3) testInProgress(4)
upsBasicStateOutputState = "1.3.6.1.4.1.318.1.1.1.11.1.1.0"

#: upsBasicStateOutputState flag number (1 = first character) -> (condition, the flag's name in the MIB).
FLAGS: dict[int, tuple[str, str]] = {
    2: ("ONBATTERY", "on battery"),
    3: ("LOWBATTERY", "low battery"),
    5: ("REPLACEBATTERY", "replace battery"),
    9: ("OVERLOAD", "overload"),
    11: ("DEPLETED", "batteries discharged"),
    12: ("BYPASS", "manual bypass"),
    13: ("BYPASS", "software bypass"),
    14: ("BYPASS", "in bypass due to internal fault"),
    15: ("BYPASS", "in bypass due to supply failure"),
    16: ("BYPASS", "in bypass due to fan failure"),
    17: ("OUTPUTOFF", "sleeping on a timer"),
    18: ("OUTPUTOFF", "sleeping until utility power returns"),
    21: ("BATTERYFAULT", "battery communication lost"),
    22: ("SHUTDOWNPENDING", "graceful shutdown initiated"),
    23: ("INTERNAL", "smart boost or smart trim fault"),
    24: ("OUTPUTBAD", "bad output voltage"),
    25: ("CHARGER", "battery charger failure"),
    26: ("BATTERYTEMP", "high battery temperature"),
    27: ("BATTERYTEMP", "warning battery temperature"),
    28: ("BATTERYTEMPCRIT", "critical battery temperature"),
    29: ("TESTING", "self test in progress"),
    33: ("NOBATTERY", "no batteries attached"),
    37: ("INTERNAL", "inverter DC imbalance"),
    38: ("INTERNAL", "transfer relay failure"),
    39: ("INTERNAL", "shutdown or unable to transfer"),
    40: ("SHUTDOWNIMMINENT", "low battery shutdown"),
    41: ("FAN", "electronic unit fan failure"),
    42: ("INTERNAL", "main relay failure"),
    43: ("BYPASSBAD", "bypass relay failure"),
    44: ("BYPASS", "temporary bypass"),
    45: ("TEMPERATURE", "high internal temperature"),
    46: ("BATTERYTEMP", "battery temperature sensor fault"),
    47: ("BYPASSBAD", "input out of range for bypass"),
    48: ("INTERNAL", "DC bus overvoltage"),
    49: ("INTERNAL", "PFC failure"),
    50: ("GENERAL", "critical hardware fault"),
    53: ("EPO", "emergency power off activated"),
    56: ("COMMLOST", "UPS internal communication failure"),
    58: ("OUTPUTOFF", "off"),
}

#: upsBasicOutputStatus -> (condition, the value's name in the MIB); onLine(2), boost/trim, eco modes are none.
OUTPUT_STATUS: dict[int, tuple[str, str]] = {
    3: ("ONBATTERY", "onBattery"),
    5: ("OUTPUTOFF", "timedSleeping"),
    6: ("BYPASS", "softwareBypass"),
    7: ("OUTPUTOFF", "off"),
    9: ("BYPASS", "switchedBypass"),
    10: ("BYPASS", "hardwareFailureBypass"),
    11: ("OUTPUTOFF", "sleepingUntilPowerReturn"),
    15: ("TESTING", "onBatteryTest"),
    16: ("BYPASS", "emergencyStaticBypass"),
}


def read_flags(snapshot: Snapshot, book: AlarmBook) -> Health | None:
    """upsBasicStateOutputState into ``book``. Flag 1 ("abnormal condition present") is the card's overall
    verdict: clear, it is an ok rollup; set with no other flag explaining it, an alarm of its own."""
    flags = snapshot.text(upsBasicStateOutputState) or ""
    if not flags or set(flags) - {"0", "1"}:
        return None
    for number, (key, name) in FLAGS.items():
        if len(flags) >= number and flags[number - 1] == "1":
            book.raise_(key, name)
    if flags[0] == "0":
        return Health.OK
    if not any(CONDITIONS[key].severity.is_fault for key in book.keys if key in CONDITIONS):
        book.raise_("ABNORMAL")
    return None


def read_state(snapshot: Snapshot, book: AlarmBook) -> bool:
    """Output and battery status, replace indicator, bad packs, self-test; whether a battery verdict was given."""
    status = snapshot.integer(upsBasicOutputStatus)
    if status in OUTPUT_STATUS:
        book.raise_(*OUTPUT_STATUS[status])
    battery = snapshot.integer(upsBasicBatteryStatus)
    if battery == 3:
        book.raise_("LOWBATTERY")
    elif battery == 4:
        book.raise_("BATTERYFAULT", "batteryInFaultCondition")
    replace = snapshot.integer(upsAdvBatteryReplaceIndicator)
    if replace == 2:
        book.raise_("REPLACEBATTERY")
    bad = snapshot.integer(upsAdvBatteryNumOfBadBattPacks)
    if bad and bad > 0:
        book.raise_("BATTERYFAULT", f"{bad} bad battery pack{'s' if bad > 1 else ''}")
    if snapshot.integer(upsAdvTestDiagnosticsResults) == 2:
        book.raise_("SELFTEST")
    return battery in (2, 3, 4) or replace in (1, 2)


def read_sensors(snapshot: Snapshot, readings: Readings) -> None:
    runtime = measured(snapshot.integer(upsAdvBatteryRunTimeRemaining), 0.01)
    readings.add("charge", "Battery charge", measured(snapshot.integer(upsAdvBatteryCapacity)), "%", on_battery=True)
    readings.add("runtime", "Battery runtime", runtime, "s", on_battery=True)
    readings.add(
        "battery_temperature",
        "Battery temperature",
        measured(snapshot.integer(upsAdvBatteryTemperature), signed=True),
        "Cel",
        on_battery=True,
    )
    readings.add(
        "battery_voltage",
        "Battery voltage",
        measured(snapshot.integer(upsAdvBatteryActualVoltage)),
        "V",
        on_battery=True,
    )
    low, high = (
        measured(snapshot.integer(upsAdvConfigLowTransferVolt)),
        measured(snapshot.integer(upsAdvConfigHighTransferVolt)),
    )
    transfer = Thresholds(lower_warning=low or None, upper_warning=high or None) if low or high else None
    readings.add("input", "Input voltage", measured(snapshot.integer(upsAdvInputLineVoltage)), "V", transfer)
    readings.add("input", "Input frequency", measured(snapshot.integer(upsAdvInputFrequency)), "Hz")
    readings.add("output", "Output voltage", measured(snapshot.integer(upsAdvOutputVoltage)), "V")
    readings.add("output", "Output frequency", measured(snapshot.integer(upsAdvOutputFrequency)), "Hz")
    readings.add("load", "Load", measured(snapshot.integer(upsAdvOutputLoad)), "%")


def identifies(snapshot: Snapshot) -> bool:
    """A card answering PowerNet-MIB's UPS model (some APC cards answer a generic sysObjectID)."""
    return answers(snapshot, upsBasicIdentModel)


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    book = AlarmBook()
    rows = rfc1628.read_alarm_table(snapshot, book)
    rollup = read_flags(snapshot, book)
    rfc_rollup = rfc1628.read_alarm_count(snapshot, book, rfc1628.upsAlarmsPresent, rows)
    reported = read_state(snapshot, book)
    sku = snapshot.text(upsAdvBatteryInternalSKU)
    dates = {
        "replaced": us_date(snapshot.text(upsBasicBatteryLastReplaceDate)),
        "replace_by": us_date(snapshot.text(upsAdvBatteryRecommendedReplaceDate)),
        "external_sku": snapshot.text(upsAdvBatteryExternalSKU),
    }
    battery = Battery("Battery cartridge", battery_part(options, "APC", sku, dates), reported)
    readings = Readings(book, battery.component(book).ref)
    read_sensors(snapshot, readings)
    identity = DeviceIdentity(
        vendor="APC",
        model=snapshot.text(upsBasicIdentModel),
        serial=snapshot.text(upsAdvIdentSerialNumber),
        firmware=firmware(UPS=snapshot.text(upsAdvIdentFirmwareRevision)),
        part_number=snapshot.text(upsAdvIdentSkuNumber),
        hostname=hostname(snapshot),
    )
    hardware = {
        "name": snapshot.text(upsBasicIdentName),
        "manufactured": us_date(snapshot.text(upsAdvIdentDateOfManufacture)),
        "battery": {key: value for key, value in {"sku": sku, **dates}.items() if value},
        "external_battery_packs": snapshot.integer(upsAdvBatteryNumOfBattPacks),
    }
    return build_report(snapshot, identity, book, battery, readings, hardware, NAME, rollup or rfc_rollup)


PROFILE = Profile(
    name=NAME,
    kind=DeviceKind.UPS,
    description="APC PowerNet-MIB (1.3.6.1.4.1.318.1.1.1): Smart-UPS and Symmetra with a Network Management Card",
    probe=(upsBasicIdentModel,),
    identifies=identifies,
    scalars=(),
    walks=(APC_UPS, rfc1628.upsAlarm),
    parse=parse,
)


# Sample ---------------------------------------------------------------------------------------------

#: Fault target -> flags set (flag 1, "abnormal condition present", is added to any of these).
TARGET_FLAGS: dict[str, tuple[int, ...]] = {
    "onbattery": (2,),
    "bypass": (13,),
    "overload": (9,),
    "outputoff": (58,),
    "temperature": (26,),
    "alarm": (41,),
    "replace": (5,),
    "low": (3,),
    "depleted": (11,),
}


def flag_string(numbers: Sequence[int]) -> str:
    """A 64-character upsBasicStateOutputState with ``numbers`` set (1-based)."""
    flags = ["0"] * 64
    for number in numbers:
        flags[number - 1] = "1"
    return "".join(flags)


def build(faults: Sequence[FaultSpec]) -> Snapshot:
    """A Smart-UPS SRT 6000 behind an NMC: on line, serial link up, on (flags 4, 6, 19), with ``faults``."""
    asked = wanted(faults)
    flags = [4, 6, 19]
    output_status, battery_status, replace = 2, 2, 1
    charge, runtime, temperature, input_v, output_v, load = 100, 348_000, 27, 231, 230, 41
    for target, value in asked.items():
        flags += [1, *TARGET_FLAGS[value if target == "battery" and value else target]]
    if "onbattery" in asked:
        flags.remove(4)
        output_status, input_v, charge, runtime = 3, 0, 96, 312_000
    if "bypass" in asked:
        output_status = 6
    if "overload" in asked:
        load = 118
    if "outputoff" in asked:
        flags.remove(19)
        output_status, output_v, load = 7, 0, 0
    if "temperature" in asked:
        temperature = 48
    if asked.get("battery") == "replace":
        replace = 2
    if asked.get("battery") == "low":
        battery_status, charge, runtime = 3, 14, 18_000
    if asked.get("battery") == "depleted":
        charge, runtime = 0, 0
    values = {
        upsBasicIdentModel: text("Smart-UPS SRT 6000"),
        upsBasicIdentName: text("UPS-A1-01"),
        upsAdvIdentFirmwareRevision: text("UPS 16.5 (ID1005)"),
        upsAdvIdentDateOfManufacture: text("08/27/2019"),
        upsAdvIdentSerialNumber: text("AS1935181234"),
        upsAdvIdentSkuNumber: text("SRT6KXLI"),
        upsBasicBatteryStatus: integer(battery_status),
        upsBasicBatteryTimeOnBattery: ticks(0),
        upsBasicBatteryLastReplaceDate: text("06/12/22"),
        upsAdvBatteryCapacity: integer(charge),
        upsAdvBatteryTemperature: integer(temperature),
        upsAdvBatteryRunTimeRemaining: ticks(runtime),
        upsAdvBatteryReplaceIndicator: integer(replace),
        upsAdvBatteryNumOfBattPacks: integer(0),
        upsAdvBatteryNumOfBadBattPacks: integer(0),
        upsAdvBatteryActualVoltage: integer(218),
        upsAdvBatteryInternalSKU: text("APCRBC140"),
        upsAdvBatteryExternalSKU: text(""),
        upsAdvBatteryRecommendedReplaceDate: text("06/12/2027"),
        upsAdvInputLineVoltage: integer(input_v),
        upsAdvInputFrequency: integer(50),
        upsBasicOutputStatus: integer(output_status),
        upsAdvOutputVoltage: integer(output_v),
        upsAdvOutputFrequency: integer(50),
        upsAdvOutputLoad: integer(load),
        upsAdvConfigHighTransferVolt: integer(285),
        upsAdvConfigLowTransferVolt: integer(160),
        upsAdvTestDiagnosticsResults: integer(1),
        upsBasicStateOutputState: text(flag_string(sorted(set(flags)))),
    }
    system = system_group(
        "1.3.6.1.4.1.318.1.3.27",
        "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.9.6 PN:apc_hw05_aos_696.bin AF1:v6.9.6 "
        "AN1:apc_hw05_sumx_696.bin MN:AP9631 HR:05 SN: 5A1234E56789 MD:03/14/2012)",
        "ups-a1-01",
    )
    return Snapshot({**system, **values})


SAMPLE = Sample(profile=NAME, prefix="ups", targets=TARGETS, build=build)
