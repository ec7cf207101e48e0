"""Huawei UPS2000 / UPS5000 SNMP cards: HUAWEI-UPS-MIB, profile ``ups-huawei`` (enterprise 2011).

The MIB is HUAWEI-UPS-MIB under ``1.3.6.1.4.1.2011.6.174.1`` as served by the
SNMP cards of the UPS2000-G/-A (RMS-SNMP01A card) and UPS5000-E/-H (built-in
monitoring module). Its tables are indexed by the device ID of a unit in a
parallel system (1..100; a single UPS is usually 1, not always): the ident
table (model, software version, ESN), the running-information table (power
supply method, battery state, module temperature), input, output and battery
tables. Values are scaled: voltages 0.1 V, frequencies 0.01 Hz, load 0.1 %,
temperatures 0.1 °C; battery capacity in %, backup time in seconds.

The cards answer net-snmp's generic sysObjectID ``1.3.6.1.4.1.8072.3.2.10``,
so the profile is recognised by the ident table's model of device 1 (or any
HUAWEI-UPS-MIB object when sysObjectID is under Huawei's arc). Model names
may be GB18030-encoded Chinese; the snapshot decodes them. The cards also
serve RFC 1628 with its alarm table, which is where the active alarms
("battery bad", "output overload"...) are read: HUAWEI-UPS-MIB's own alarm
objects are not used here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport
from dcmaint_snmp.profiles.base import Profile, Sample, answers, enterprise_under
from dcmaint_snmp.profiles.ups import rfc1628
from dcmaint_snmp.profiles.ups.common import (
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
    wanted,
)
from dcmaint_snmp.snapshot import Row, Snapshot, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

NAME = "ups-huawei"
HUAWEI_UPS = "1.3.6.1.4.1.2011.6.174.1"

# HUAWEI-UPS-MIB objects, named as in the MIB.
hwUpsEnvTemper = "1.3.6.1.4.1.2011.6.174.1.1.1.6.0"  # 0.1 Celsius
hwUpsDeviceIdentEntry = "1.3.6.1.4.1.2011.6.174.1.2.100.1"
IDENT = {"model": 2, "software": 3, "esn": 5}  # hwUpsDeviceType, hwUpsDeviceSoftVersion, hwUpsDeviceESN
hwUpsDeviceType_1 = f"{hwUpsDeviceIdentEntry}.2.1"  # the probe: device 1's model
hwUpsDeviceOperInfoEntry = "1.3.6.1.4.1.2011.6.174.1.2.101.1"
# hwUpsDevicePowerSupplyMethod(1): noSupply(1) bypass(2) normal(3) battery(4) combined(5) mainsEco(6) batteryEco(7)
# hwUpsDeviceBatteryState(3): notConnected(1) notChargingOrDischarging(2) hibernation(3) float(4) equalized(5)
#   discharging(6); hwUpsDeviceTemperature(4): 0.1 Celsius
OPER = {"supply": 1, "battery": 3, "temperature": 4}
hwUpsInputEntry = "1.3.6.1.4.1.2011.6.174.1.3.100.1"
INPUT = {"a": 1, "b": 2, "c": 3, "frequency": 4}  # hwUpsInputVoltageA/B/C (0.1 V), hwUpsInputFrequency (0.01 Hz)
hwUpsOutputEntry = "1.3.6.1.4.1.2011.6.174.1.4.100.1"
# hwUpsOutputVoltageA/B/C (0.1 V), hwUpsOutputFrequency (0.01 Hz), hwUpsOutputLoadA/B/C (0.1 %)
OUTPUT = {"a": 1, "b": 2, "c": 3, "frequency": 7, "load_a": 14, "load_b": 15, "load_c": 16}
hwUpsBatteryEntry = "1.3.6.1.4.1.2011.6.174.1.6.100.1"
# hwUpsBatteryVoltage (0.1 V), hwUpsBatteryCapacityLeft (%), hwUpsBatteryBackupTime (s), hwUpsBatterytemperature
BATTERY = {"voltage": 1, "charge": 3, "backup": 4, "temperature": 6}

#: hwUpsDevicePowerSupplyMethod -> (condition, the value's meaning in the MIB).
SUPPLY = {
    1: ("OUTPUTOFF", "no power supply"),
    2: ("BYPASS", "bypass mode"),
    4: ("ONBATTERY", "battery mode"),
    7: ("ONBATTERY", "battery ECO mode"),
}


def _first(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None


def read_state(snapshot: Snapshot, book: AlarmBook) -> bool:
    """Every device's supply method and battery state; whether any battery state was reported."""
    reported = False
    for row in snapshot.rows(hwUpsDeviceOperInfoEntry, OPER):
        supply, state = row.integer("supply"), row.integer("battery")
        if supply in SUPPLY:
            book.raise_(*SUPPLY[supply])
        if state == 1:
            book.raise_("NOBATTERY", "no battery connected")
        reported = reported or state in range(1, 7)
    status = snapshot.integer(rfc1628.upsBatteryStatus)
    if status in rfc1628.BATTERY_STATUS:
        book.raise_(rfc1628.BATTERY_STATUS[status])
    return reported


def _phase_values(row: Row | None, names: Sequence[str], scale: float) -> list[float | None]:
    """Phase readings; phases B and C reading 0 on a single-phase unit are phases it does not have."""
    if row is None:
        return []
    values = [measured(row.integer(name), scale) for name in names]
    return [value for number, value in enumerate(values) if number == 0 or value]


def read_sensors(snapshot: Snapshot, readings: Readings) -> None:
    battery = _first(snapshot.rows(hwUpsBatteryEntry, BATTERY))
    if battery is not None:
        readings.add("charge", "Battery charge", measured(battery.integer("charge")), "%", on_battery=True)
        readings.add("runtime", "Battery runtime", measured(battery.integer("backup")), "s", on_battery=True)
        readings.add(
            "battery_temperature",
            "Battery temperature",
            measured(battery.integer("temperature"), 0.1, signed=True),
            "Cel",
            on_battery=True,
        )
        readings.add(
            "battery_voltage", "Battery voltage", measured(battery.integer("voltage"), 0.1), "V", on_battery=True
        )
    inputs = _first(snapshot.rows(hwUpsInputEntry, INPUT))
    readings.phases("input", "Input voltage", _phase_values(inputs, ("a", "b", "c"), 0.1), "V")
    if inputs is not None:
        readings.add("input", "Input frequency", measured(inputs.integer("frequency"), 0.01), "Hz")
    outputs = _first(snapshot.rows(hwUpsOutputEntry, OUTPUT))
    readings.phases("output", "Output voltage", _phase_values(outputs, ("a", "b", "c"), 0.1), "V")
    if outputs is not None:
        readings.add("output", "Output frequency", measured(outputs.integer("frequency"), 0.01), "Hz")
    readings.phases("load", "Load", _phase_values(outputs, ("load_a", "load_b", "load_c"), 0.1), "%")
    module = _first(snapshot.rows(hwUpsDeviceOperInfoEntry, OPER))
    if module is not None:
        readings.add("ambient", "Module temperature", measured(module.integer("temperature"), 0.1, signed=True), "Cel")
    readings.add("ambient", "Ambient temperature", measured(snapshot.integer(hwUpsEnvTemper), 0.1, signed=True), "Cel")


def identifies(snapshot: Snapshot) -> bool:
    """Device 1's model in HUAWEI-UPS-MIB; or Huawei's arc as sysObjectID with the RFC 1628 model answered."""
    return answers(snapshot, hwUpsDeviceType_1) or (
        enterprise_under(snapshot, "1.3.6.1.4.1.2011")
        and answers(snapshot, rfc1628.upsIdentModel)
        and (snapshot.text(rfc1628.upsIdentManufacturer) or "").upper().startswith("HUAWEI")
    )


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    book = AlarmBook()
    rows = rfc1628.read_alarm_table(snapshot, book)
    rollup = rfc1628.read_alarm_count(snapshot, book, rfc1628.upsAlarmsPresent, rows)
    reported = read_state(snapshot, book)
    battery = Battery(part=battery_part(options), reported=reported)
    readings = Readings(book, battery.component(book).ref)
    read_sensors(snapshot, readings)
    ident = _first(snapshot.rows(hwUpsDeviceIdentEntry, IDENT))
    model = (ident.text("model") if ident else None) or snapshot.text(rfc1628.upsIdentModel)
    identity = DeviceIdentity(
        vendor="Huawei",
        model=model,
        serial=ident.text("esn") if ident else None,
        firmware=firmware(
            UPS=ident.text("software") if ident else None, Agent=snapshot.text(rfc1628.upsIdentAgentSoftwareVersion)
        ),
        hostname=hostname(snapshot),
    )
    devices = [row.index for row in snapshot.rows(hwUpsDeviceIdentEntry, IDENT)]
    hardware = {"devices": devices if len(devices) > 1 else None, "name": snapshot.text(rfc1628.upsIdentName)}
    return build_report(snapshot, identity, book, battery, readings, hardware, NAME, rollup)


PROFILE = Profile(
    name=NAME,
    kind=DeviceKind.UPS,
    description="Huawei HUAWEI-UPS-MIB (1.3.6.1.4.1.2011.6.174.1): UPS2000-G/-A and UPS5000-E/-H SNMP cards",
    probe=(hwUpsDeviceType_1, rfc1628.upsIdentManufacturer),
    identifies=identifies,
    scalars=(hwUpsEnvTemper,),
    walks=(
        f"{HUAWEI_UPS}.2",
        f"{HUAWEI_UPS}.3",
        f"{HUAWEI_UPS}.4",
        f"{HUAWEI_UPS}.6",
        rfc1628.upsAlarm,
        "1.3.6.1.2.1.33.1.1",
        "1.3.6.1.2.1.33.1.2",
    ),
    parse=parse,
)


# Sample ---------------------------------------------------------------------------------------------

#: Fault target -> RFC 1628 well-known alarms the card lists.
TARGET_ALARMS = rfc1628.TARGET_ALARMS


def _row(entry: str, columns: Mapping[int, int], device: int = 1) -> dict[str, Value]:
    return {f"{entry}.{column}.{device}": integer(value) for column, value in columns.items()}


def build(faults: Sequence[FaultSpec]) -> Snapshot:
    """A UPS2000-G-3KRTS (single phase, device ID 1) with its SNMP card, with ``faults``."""
    asked = wanted(faults)
    supply, state, status = 3, 4, 2
    charge, backup, battery_temp, input_v, output_v, load = 100, 1_980, 265, 2_302, 2_300, 372
    if "onbattery" in asked:
        supply, state, input_v, charge, backup = 4, 6, 0, 94, 1_680
    if "bypass" in asked:
        supply = 2
    if "overload" in asked:
        load = 1_085
    if "outputoff" in asked:
        supply, output_v, load = 1, 0, 0
    if "temperature" in asked:
        battery_temp = 512
    if asked.get("battery") == "low":
        status, charge, backup = 3, 12, 150
    if asked.get("battery") == "depleted":
        status, charge, backup = 4, 1, 0
    alarms = [
        n for target, value in asked.items() for n in TARGET_ALARMS[value if target == "battery" and value else target]
    ]
    values = {
        hwUpsEnvTemper: integer(248),
        f"{hwUpsDeviceIdentEntry}.2.1": text("UPS2000-G-3KRTS"),
        f"{hwUpsDeviceIdentEntry}.3.1": text("V2R1C10SPC120"),
        f"{hwUpsDeviceIdentEntry}.5.1": text("2102311DKB10K7000123"),
        **_row(hwUpsDeviceOperInfoEntry, {1: supply, 3: state, 4: 312}),
        **_row(hwUpsInputEntry, {1: input_v, 4: 5_000}),
        **_row(hwUpsOutputEntry, {1: output_v, 7: 5_000, 14: load}),
        **_row(hwUpsBatteryEntry, {1: 816, 3: charge, 4: backup, 6: battery_temp}),
        rfc1628.upsIdentManufacturer: text("HUAWEI"),
        rfc1628.upsIdentModel: text("UPS2000-G-3KRTS"),
        rfc1628.upsIdentAgentSoftwareVersion: text("RMS-SNMP01A V100R001C01"),
        rfc1628.upsBatteryStatus: integer(status),
        **rfc1628.alarm_rows(alarms),
    }
    system = system_group("1.3.6.1.4.1.8072.3.2.10", "Linux RMS-SNMP01A 2.6.36", "ups-c3-01")
    return Snapshot({**system, **values})


SAMPLE = Sample(profile=NAME, prefix="ups", targets=TARGETS, build=build)
