"""APC/Schneider InRow air conditioners through PowerNet-MIB (enterprise 318), the ``airIR`` groups.

PowerNet-MIB's ``airConditioners`` subtree (1.3.6.1.4.1.318.1.1.13) holds the
InRow units (``airIR``, .13.3): one active-alarm table shared by all InRow
products (``airIRAlarms``), and a group per series:

- ``airIRRC`` (.13.3.2): InRow RC, chilled water: temperatures only, no
  compressor, no humidifier;
- ``airIRRP100`` (.13.3.3.1): InRow RP, direct expansion (DX): temperatures,
  supply and return humidity, a compressor drive, a humidifier, two fans.

Temperatures are in tenths of a degree, each in a Metric (°C) and a US (°F)
object; humidity in tenths of a percent. APC agents send -1 for a reading the
unit does not have. 318 is also APC's UPS enterprise: this profile identifies
a unit by the InRow ident objects only an InRow answers, never by
sysObjectID. The alarm table gives a description and an event code but no
severity: alarms are classified by their text (common.classify_text) and
take the severity the docs list for their kind (a worn consumable is a
warning, water or a failed fan or compressor is critical).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Thresholds
from dcmaint_snmp.profiles.base import Profile, Sample, answers
from dcmaint_snmp.profiles.cooling.common import (
    Condition,
    Reading,
    Topic,
    Unit,
    classify_text,
    crac_report,
    fahrenheit_to_celsius,
    scaled,
)
from dcmaint_snmp.profiles.cooling.simulated import TARGETS, has, indexes, integer, system, text
from dcmaint_snmp.snapshot import SYS_NAME, Snapshot, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

airConditioners = "1.3.6.1.4.1.318.1.1.13"
airIR = f"{airConditioners}.3"

# airIRAlarms (airIR 1), shared across all InRow products
airIRAlarmConditionsTableSize = f"{airIR}.1.1.0"
airIRAlarmConditionsEntry = f"{airIR}.1.2.1"
#: airIREventCode, airIRAlarmDescription (DisplayString, 0..64).
ALARM_COLUMNS = {"code": 2, "description": 3}

# airIRRC (airIR 2) unit groups: airIRRCUnitIdent (.2.2.1), airIRRCUnitStatus (.2.2.2)
airIRRCUnitIdent = f"{airIR}.2.2.1"
airIRRCUnitStatus = f"{airIR}.2.2.2"
# airIRRP100 (airIRRP 1 = airIR 3.1) unit groups: Ident (.2.1), Status (.2.2), RunHours (.2.3), Thresholds (.2.5)
airIRRP100UnitIdent = f"{airIR}.3.1.2.1"
airIRRP100UnitStatus = f"{airIR}.3.1.2.2"
airIRRP100UnitRunHours = f"{airIR}.3.1.2.3"
airIRRP100UnitThresholds = f"{airIR}.3.1.2.5"

#: ...UnitIdent columns: Name(2), ModelNumber(4), SerialNumber(5), FirmwareRevision(6), HardwareRevision(7).
IDENT = {"name": 2, "model": 4, "serial": 5, "firmware": 6, "hardware": 7}
airIRRCUnitIdentModelNumber = f"{airIRRCUnitIdent}.4.0"
airIRRP100UnitIdentModelNumber = f"{airIRRP100UnitIdent}.4.0"


@dataclass(frozen=True)
class Series:
    """One InRow series' objects: the scalars' arcs under its Ident/Status/Thresholds groups."""

    name: str
    ident: str
    status: str
    #: ...UnitStatus: OperateMode and the Metric/US temperature pairs (rack inlet, supply, return).
    operate_mode: int
    temperatures: Mapping[str, tuple[int, int]]  # air -> (Metric arc, US arc)
    leak: int  # ...UnitStatusLeakSensor: no-leak(1), leak(2)
    modes: Mapping[int, str]
    humidities: Mapping[str, int] = field(default_factory=dict)  # air -> ...UnitStatus arc
    thresholds: str | None = None
    run_hours: str | None = None

    def scalar(self, group: str, arc: int) -> str:
        return f"{group}.{arc}.0"


RC = Series(
    name="airIRRC",
    ident=airIRRCUnitIdent,
    status=airIRRCUnitStatus,
    operate_mode=1,  # airIRRCUnitStatusOperateMode: standby(1), on(2), idle(3)
    # airIRRCUnitStatusRackInletTempMetric(7)/US(6), ...SupplyAirTempMetric(9)/US(8), ...ReturnAirTempMetric(11)/US(10)
    temperatures={"rack inlet": (7, 6), "supply": (9, 8), "return": (11, 10)},
    leak=27,  # airIRRCUnitStatusLeakSensor
    modes={1: "standby", 2: "on", 3: "idle"},
)
RP100 = Series(
    name="airIRRP100",
    ident=airIRRP100UnitIdent,
    status=airIRRP100UnitStatus,
    operate_mode=1,  # airIRRP100UnitStatusOperateMode
    # airIRRP100UnitStatusRackInletTempMetric(3)/US(2), ...SupplyAirTempMetric(5)/US(4), ...ReturnAirTempMetric(7)/US(6)
    temperatures={"rack inlet": (3, 2), "supply": (5, 4), "return": (7, 6)},
    leak=50,  # airIRRP100UnitStatusLeakSensor
    modes={1: "standby", 2: "on", 3: "idle", 4: "prestart", 5: "service", 6: "backup", 7: "assist"},
    humidities={"supply": 8, "return": 9},  # airIRRP100UnitStatusSupplyHumidity / ReturnHumidity, tenths of %RH
    thresholds=airIRRP100UnitThresholds,
    run_hours=airIRRP100UnitRunHours,
)
SERIES = (RP100, RC)

# airIRRP100UnitStatus arcs of the DX parts
RP100_HUMIDIFIER_CURRENT = 33  # airIRRP100UnitStatusHumidifierCurrent, tenths of A
RP100_COMPRESSOR_SPEED = 35  # airIRRP100UnitStatusCompressorDriveSpeed, hundredths of Hz
RP100_COMPRESSOR_ALARM = 45  # airIRRP100UnitStatusCompressorDriveAlarmStatus, four-byte bit field
# airIRRP100UnitRunHours arcs: AirFilter(1), Humidifier(3), Fan1(4), Fan2(6), Compressor(8)
RP100_RUN_HOURS = {"humidifier": 3, "fan1": 4, "fan2": 6, "compressor": 8}
# airIRRP100UnitThresholds arcs (tenths): RackInletHighTempMetric(2), SupplyAirHighTempMetric(4),
# ReturnAirHighTempMetric(6), SupplyHumidityHigh(7), SupplyHumidityLow(8)
RP100_THRESHOLDS = {"rack inlet": 2, "supply": 4, "return": 6, "humidity high": 7, "humidity low": 8}
LEAK = 2

_NAMES = {"rack inlet": "Rack inlet", "supply": "Supply air", "return": "Return air"}


def identifies(snapshot: Snapshot) -> bool:
    """An InRow ident answers (an APC UPS answers upsBasicIdentModel, never these)."""
    return answers(snapshot, airIRRP100UnitIdentModelNumber, airIRRCUnitIdentModelNumber)


def series_of(snapshot: Snapshot) -> Series:
    """The series whose ident answered; DX (RP) first."""
    return next((s for s in SERIES if answers(snapshot, s.scalar(s.ident, IDENT["model"]))), RC)


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    """The unit's report from its series' status groups and the shared alarm table."""
    series = series_of(snapshot)
    dx = series is RP100
    conditions = [*_alarms(snapshot), *_status_conditions(snapshot, series)]
    unit = Unit(
        identity=_identity(snapshot, series),
        readings=[*_temperatures(snapshot, series), *_humidities(snapshot, series)],
        conditions=conditions,
        verdicts=answers(snapshot, airIRAlarmConditionsTableSize)
        or bool(snapshot.column(f"{airIRAlarmConditionsEntry}.3")),
        fans=_fans(snapshot) if dx else [],
        compressors=[1] if dx and _has_run_hours(snapshot, "compressor", RP100_COMPRESSOR_SPEED) else [],
        humidifier=dx and _has_run_hours(snapshot, "humidifier", RP100_HUMIDIFIER_CURRENT),
        state=series.modes.get(snapshot.integer(series.scalar(series.status, series.operate_mode)) or 0),
        profile=PROFILE.name,
        extra={"series": series.name},
    )
    return crac_report(unit, options)


def _identity(snapshot: Snapshot, series: Series) -> DeviceIdentity:
    firmware = snapshot.text(series.scalar(series.ident, IDENT["firmware"]))
    return DeviceIdentity(
        vendor="APC",
        model=snapshot.text(series.scalar(series.ident, IDENT["model"])),
        serial=snapshot.text(series.scalar(series.ident, IDENT["serial"])),
        firmware={"Unit": firmware} if firmware else {},
        hostname=snapshot.text(SYS_NAME),
    )


def _temperatures(snapshot: Snapshot, series: Series) -> list[Reading]:
    """Each temperature from its Metric object, else its US (°F) object converted; -1: not fitted."""
    readings = []
    for air, (metric, us) in series.temperatures.items():
        value = scaled(snapshot.integer(series.scalar(series.status, metric)), 10, minus_one=True)
        if value is None:
            value = fahrenheit_to_celsius(
                scaled(snapshot.integer(series.scalar(series.status, us)), 10, minus_one=True)
            )
        high = _threshold(snapshot, series, air)
        if value is None and not answers(snapshot, *(series.scalar(series.status, arc) for arc in (metric, us))):
            continue
        readings.append(Reading(f"{_NAMES[air]} temperature", "temp", air, value, Thresholds(upper_critical=high)))
    return readings


def _humidities(snapshot: Snapshot, series: Series) -> list[Reading]:
    readings = []
    for air, arc in series.humidities.items():
        oid = series.scalar(series.status, arc)
        if not answers(snapshot, oid):
            continue  # this unit has no such sensor
        limits = Thresholds()
        if air == "supply":
            limits = Thresholds(
                lower_critical=_threshold(snapshot, series, "humidity low"),
                upper_critical=_threshold(snapshot, series, "humidity high"),
            )
        value = scaled(snapshot.integer(oid), 10, minus_one=True)
        readings.append(Reading(f"{_NAMES[air]} humidity", "hum", air, value, limits))
    return readings


def _threshold(snapshot: Snapshot, series: Series, key: str) -> float | None:
    if series.thresholds is None:
        return None
    return scaled(snapshot.integer(series.scalar(series.thresholds, RP100_THRESHOLDS[key])), 10, minus_one=True)


def _fans(snapshot: Snapshot) -> list[int]:
    run_hours = {1: RP100_RUN_HOURS["fan1"], 2: RP100_RUN_HOURS["fan2"]}
    return [n for n, arc in run_hours.items() if answers(snapshot, RP100.scalar(airIRRP100UnitRunHours, arc))]


def _has_run_hours(snapshot: Snapshot, part: str, status_arc: int) -> bool:
    return answers(
        snapshot,
        RP100.scalar(airIRRP100UnitRunHours, RP100_RUN_HOURS[part]),
        RP100.scalar(airIRRP100UnitStatus, status_arc),
    )


def _alarms(snapshot: Snapshot) -> list[Condition]:
    found = []
    for row in snapshot.rows(airIRAlarmConditionsEntry, ALARM_COLUMNS):
        description = row.text("description")
        if not description:
            continue
        condition = classify_text(description)
        code = row.integer("code")
        found.append(_with_code(condition, None if code is None else str(code)))
    return found


def _with_code(condition: Condition, code: str | None) -> Condition:
    return Condition(condition.message, condition.severity, condition.topic, code, condition.index, condition.air)


def _status_conditions(snapshot: Snapshot, series: Series) -> list[Condition]:
    """What the status group itself says: the leak sensor, and (DX) the compressor drive's alarm bits."""
    found = []
    if snapshot.integer(series.scalar(series.status, series.leak)) == LEAK:
        found.append(Condition("Leak sensor: leak detected", Health.CRITICAL, Topic.LEAK))
    bits = snapshot.integer(series.scalar(series.status, RP100_COMPRESSOR_ALARM)) if series is RP100 else None
    if bits:
        found.append(
            Condition(f"Compressor drive alarm status 0x{bits:08X}", Health.CRITICAL, Topic.COMPRESSOR, index=1)
        )
    return found


PROFILE = Profile(
    name="crac-apc-inrow",
    kind=DeviceKind.COOLING,
    description="APC/Schneider InRow RC and RP air conditioners: PowerNet-MIB airIR groups (enterprise 318)",
    probe=(airIRRP100UnitIdentModelNumber, airIRRCUnitIdentModelNumber),
    identifies=identifies,
    scalars=(airIRAlarmConditionsTableSize,),
    walks=(
        airIRAlarmConditionsEntry,
        airIRRP100UnitIdent,
        airIRRP100UnitStatus,
        airIRRP100UnitRunHours,
        airIRRP100UnitThresholds,
        airIRRCUnitIdent,
        airIRRCUnitStatus,
    ),
    parse=parse,
)


# ----------------------------------------------------------------------------------------------- simulated agent

#: Alarm descriptions the sample raises per fault target. The MIB defines the column as free text (0..64):
#: these are written in the style of the InRow display, and the codes are the sample's own numbering.
_SAMPLE_ALARMS = {
    "hightemp": "Rack Inlet High Temperature",
    "lowtemp": "Supply Air Low Temperature",
    "highhum": "Supply Humidity High",
    "lowhum": "Supply Humidity Low",
    "leak": "Water Detected",
    "filter": "Air Filter Clogged",
    "humidifier": "Humidifier Cylinder Worn",
    "compressor": "Compressor Drive Failure",
    "off": "Unit Shutdown: Cooling Failure",
}


def build_sample(faults: Sequence[FaultSpec]) -> Snapshot:
    """An InRow RP (ACRP102, DX) as its network management card answers; healthy without faults."""
    status = {1: 3 if has(faults, "off") else 2, 3: 245, 5: 185, 7: 320, 8: 450, 9: 350}
    status |= {33: 52, 35: 4_250, 45: 0x10 if has(faults, "compressor") else 0, 50: LEAK if has(faults, "leak") else 1}
    if has(faults, "hightemp"):
        status[3] = 295
    if has(faults, "lowtemp"):
        status[5] = 110
    if has(faults, "highhum"):
        status[8] = 710
    if has(faults, "lowhum"):
        status[8] = 190
    for metric in (3, 5, 7):  # the US object beside each Metric one, in tenths of °F
        status[metric - 1] = round(status[metric] * 9 / 5 + 320)
    values: dict[str, Value] = {**system("APC InRow RP", "1.3.6.1.4.1.318", "crac-inrow")}
    values |= _group(airIRRP100UnitIdent, {2: text("InRow RP 1"), 4: text("ACRP102"), 5: text("JK1712003456")})
    values |= _group(airIRRP100UnitIdent, {6: text("1.2.5"), 7: text("A")})
    values |= _group(airIRRP100UnitStatus, {arc: integer(number) for arc, number in status.items()})
    values |= _group(airIRRP100UnitRunHours, {1: integer(2_100), 3: integer(1_900), 4: integer(20_500)})
    values |= _group(airIRRP100UnitRunHours, {6: integer(20_480), 8: integer(18_200), 9: integer(21_000)})
    values |= _group(airIRRP100UnitThresholds, {2: integer(270), 4: integer(250), 6: integer(400)})
    values |= _group(airIRRP100UnitThresholds, {7: integer(600), 8: integer(300)})
    alarms = [_SAMPLE_ALARMS[f.target] for f in faults if f.target in _SAMPLE_ALARMS]
    alarms += [f"Fan {n} Failure" for n in indexes(faults, "fan")]
    values[airIRAlarmConditionsTableSize] = integer(len(alarms))
    for number, description in enumerate(alarms, start=1):
        values |= {
            f"{airIRAlarmConditionsEntry}.1.{number}": integer(number),
            f"{airIRAlarmConditionsEntry}.2.{number}": integer(1000 + number),
            f"{airIRAlarmConditionsEntry}.3.{number}": text(description),
        }
    return Snapshot(values)


def _group(group: str, arcs: Mapping[int, Value]) -> dict[str, Value]:
    return {f"{group}.{arc}.0": value for arc, value in arcs.items()}


SAMPLE = Sample(profile=PROFILE.name, prefix="crac", targets=TARGETS, build=build_sample)

__all__ = ["PROFILE", "SAMPLE", "identifies", "parse", "series_of"]
