"""Huawei cooling through the eMAP power-and-environment MIB (enterprise 2011, subtree 2011.6.164).

Huawei's site and data-centre monitoring units (the ECC/SMU controllers that
front NetCol and cabinet air conditioners, temperature/humidity sensors,
batteries and rectifiers) publish one MIB, ``emap_snmp``, under
1.3.6.1.4.1.2011.6.164.1. Huawei distributes the MIB file with the
controller; it is not on a public MIB site, so the objects below are the ones
documented by public integrations of it (object names as Huawei's MIB spells
them, listed with their sources in docs/drivers/snmp-cooling.md):

- the active alarm entries (``...1.1.2.100.1``): alarm ID, level
  (critical 1, major 2, minor 3, warning 4, indeterminate 5, cleared 6) and
  the description, which Chinese firmware sends in GB18030;
- the air conditioner table ``hwDcAir...`` (``...1.10.2.2.1``): run status,
  compressor run status, indoor and outdoor fan speed, return-air
  temperature and the on/off temperature points;
- the temperature/humidity sensor table (``...1.28.1.1``) with its alarm
  limits, in whole °C and %RH (the limits' documented ranges are -20..80 °C
  and 0..100 %RH);
- the cooling mode ``hwCoolingDevicesMode`` (``...1.10.1.3``) and the
  monitoring unit's software version and manufacturer (``...1.2.2.1.1``).

2147483647 means "no value" in every numeric object. The public sources give
no enumeration of the run-status objects, so they are kept as raw numbers in
the archive and never judged: health comes from the alarm table, which names
what failed by alarm ID (those documented below) or by its description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Thresholds
from dcmaint_snmp.profiles.base import Profile, Sample, answers, enterprise_under
from dcmaint_snmp.profiles.cooling.common import (
    DEFAULT_SEVERITY,
    Condition,
    Reading,
    Topic,
    Unit,
    classify_text,
    crac_report,
    scaled,
)
from dcmaint_snmp.profiles.cooling.simulated import TARGETS, has, indexes, integer, system, text
from dcmaint_snmp.snapshot import SYS_NAME, Snapshot, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

EMAP = "1.3.6.1.4.1.2011.6.164"
hwSite = f"{EMAP}.1"

#: Active alarm entries: hwAlarmId(2), hwAlarmLevel(3), hwAlarmDescription(4) (names after the eMAP trap objects).
hwActiveAlarmEntry = f"{hwSite}.1.2.100.1"
ALARM_COLUMNS = {"id": 2, "level": 3, "description": 4}
#: Monitoring unit: hwMonEquipSoftwareVersion(5), hwMonEquipManufacturer(7).
hwMonEquipEntry = f"{hwSite}.2.2.1.1"
MONITOR_COLUMNS = {"software": 5, "manufacturer": 7}
hwCoolingDevicesMode = f"{hwSite}.10.1.3.0"  # pure fan(1), air conditioner(2), smart(3)
#: hwDcAir table: CtrlMode(4), RunStatus(6), CompressorRunStatus(7), InnrFanSpeed(8), OuterFanSpeed(9),
#: CompressorRunTime(10), RunTime(11), EnterChannelTemp(13, return air), PowerOnTempPoint(14), PowerOffTempPoint(15).
hwDcAirEntry = f"{hwSite}.10.2.2.1"
AIR_COLUMNS = {
    "mode": 4,
    "run": 6,
    "compressor": 7,
    "indoor_fan": 8,
    "outdoor_fan": 9,
    "compressor_hours": 10,
    "run_hours": 11,
    "return": 13,
    "on_point": 14,
    "off_point": 15,
}
#: Temperature/humidity sensors: hwEnvTemperature(4), hwEnvHumidity(5), hwSetEnvTempUpperLimit(6),
#: hwSetEnvTempLowerLimit(7), hwSetEnvHumidityUpperLimit(8), hwSetEnvHumidityLowerLimit(9).
hwTemHumEntry = f"{hwSite}.28.1.1"
SENSOR_COLUMNS = {"temp": 4, "hum": 5, "temp_high": 6, "temp_low": 7, "hum_high": 8, "hum_low": 9}

#: hwAlarmLevel -> health; cleared(6) is not an active alarm.
LEVELS = {1: Health.CRITICAL, 2: Health.CRITICAL, 3: Health.WARNING, 4: Health.WARNING, 5: Health.WARNING}
CLEARED = 6
#: Alarm IDs documented for the environment sensors and the air conditioners: (topic, part number, air, text).
ALARM_IDS: Mapping[int, tuple[Topic, int | None, str | None, str]] = {
    17452: (Topic.HIGH_TEMP, None, "room", "环境高温告警 (high temperature)"),
    17453: (Topic.LOW_TEMP, None, "room", "环境低温告警 (low temperature)"),
    17455: (Topic.HIGH_HUM, None, "room", "环境高湿告警 (high humidity)"),
    17456: (Topic.LOW_HUM, None, "room", "环境低湿告警 (low humidity)"),
    9350: (Topic.FAN, 1, None, "空调内风机故障 (indoor fan failure)"),
    9351: (Topic.FAN, 2, None, "空调外风机故障 (outdoor fan failure)"),
    9353: (Topic.COMPRESSOR, 1, None, "空调压缩机故障 (compressor failure)"),
    9354: (Topic.OTHER, None, None, "空调通信失败 (air conditioner communication failure)"),
    9356: (Topic.SENSOR, None, None, "空调回风口传感器故障 (return air sensor failure)"),
    9364: (Topic.OTHER, None, None, "空调蒸发器冻结 (evaporator frozen)"),
}


def identifies(snapshot: Snapshot) -> bool:
    """The eMAP cooling mode answers, or the agent names itself as a Huawei site controller."""
    return answers(snapshot, hwCoolingDevicesMode) or enterprise_under(snapshot, EMAP)


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    """The report from the air conditioner and sensor tables, parts and alarms from the active alarm entries."""
    conditions = _alarms(snapshot)
    airs = snapshot.rows(hwDcAirEntry, AIR_COLUMNS)
    fans = sorted(
        {n for row in airs for n, col in ((1, "indoor_fan"), (2, "outdoor_fan")) if row.integer(col) is not None}
        | {c.index for c in conditions if c.topic is Topic.FAN and c.index}
    )
    unit = Unit(
        identity=_identity(snapshot),
        readings=[*_return_air(snapshot), *_sensors(snapshot)],
        conditions=conditions,
        verdicts=bool(conditions) or answers(snapshot, hwCoolingDevicesMode) or bool(airs),
        fans=fans,
        compressors=[1] if any(row.integer("compressor") is not None for row in airs) else [],
        humidifier=False,
        state=_state(snapshot),
        profile=PROFILE.name,
        extra={
            "run_status": [row.integer("run") for row in airs],
            "compressor_status": [row.integer("compressor") for row in airs],
        },
    )
    return crac_report(unit, options)


def _identity(snapshot: Snapshot) -> DeviceIdentity:
    rows = snapshot.rows(hwMonEquipEntry, MONITOR_COLUMNS)
    software = rows[0].text("software") if rows else None
    maker = rows[0].text("manufacturer") if rows else None
    return DeviceIdentity(
        vendor=maker or "Huawei",
        firmware={"Monitoring unit": software} if software else {},
        hostname=snapshot.text(SYS_NAME),
    )


def _state(snapshot: Snapshot) -> str | None:
    mode = snapshot.integer(hwCoolingDevicesMode)
    return {1: "fan only", 2: "air conditioner", 3: "smart"}.get(mode or 0)


def _return_air(snapshot: Snapshot) -> list[Reading]:
    rows = snapshot.rows(hwDcAirEntry, {"return": AIR_COLUMNS["return"]})
    readings = []
    for row in rows:
        name = "Return air temperature" if len(rows) == 1 else f"Air conditioner {row.index} return air temperature"
        readings.append(Reading(name, "temp", "return", scaled(row.integer("return"))))
    return readings


def _sensors(snapshot: Snapshot) -> list[Reading]:
    rows = snapshot.rows(hwTemHumEntry, SENSOR_COLUMNS)
    readings = []
    for row in rows:
        label = "Room" if len(rows) == 1 else f"Sensor {row.index}"
        for quantity, word in (("temp", "temperature"), ("hum", "humidity")):
            if row.integer(quantity) is None:
                continue  # a temperature-only sensor
            limits = Thresholds(
                lower_critical=scaled(row.integer(f"{quantity}_low")),
                upper_critical=scaled(row.integer(f"{quantity}_high")),
            )
            readings.append(Reading(f"{label} {word}", quantity, "room", scaled(row.integer(quantity)), limits))
    return readings


def _alarms(snapshot: Snapshot) -> list[Condition]:
    found = []
    for row in snapshot.rows(hwActiveAlarmEntry, ALARM_COLUMNS):
        level = row.integer("level")
        if level == CLEARED:
            continue
        number, description = row.integer("id"), row.text("description")
        if number is not None and number in ALARM_IDS:
            topic, index, air, words = ALARM_IDS[number]
            condition = Condition(description or words, DEFAULT_SEVERITY[topic], topic, None, index, air)
        elif description:
            condition = classify_text(description)
        else:
            condition = Condition(f"告警 {number} (alarm {number})", DEFAULT_SEVERITY[Topic.OTHER], Topic.OTHER)
        severity = LEVELS.get(level or 0, condition.severity)
        code = None if number is None else str(number)
        found.append(Condition(condition.message, severity, condition.topic, code, condition.index, condition.air))
    return found


PROFILE = Profile(
    name="crac-huawei",
    kind=DeviceKind.COOLING,
    description="Huawei air conditioners behind an ECC/SMU monitoring unit: eMAP power-and-environment MIB "
    "(enterprise 2011, 2011.6.164)",
    probe=(hwCoolingDevicesMode,),
    identifies=identifies,
    scalars=(hwCoolingDevicesMode,),
    walks=(hwActiveAlarmEntry, hwMonEquipEntry, hwDcAirEntry, hwTemHumEntry),
    parse=parse,
)


# ----------------------------------------------------------------------------------------------- simulated agent

#: Fault target -> (alarm ID, level, description). ID 0 marks alarms whose ID the public sources do not give:
#: the sample's monitoring unit names them by description only.
_SAMPLE_ALARMS = {
    "hightemp": (17452, 2, "环境高温告警"),
    "lowtemp": (17453, 2, "环境低温告警"),
    "highhum": (17455, 3, "环境高湿告警"),
    "lowhum": (17456, 3, "环境低湿告警"),
    "leak": (0, 1, "水浸告警"),
    "filter": (0, 4, "空调过滤网堵塞告警"),
    "humidifier": (0, 4, "加湿罐寿命到期，请更换"),
    "compressor": (9353, 1, "空调压缩机故障"),
    "off": (0, 1, "空调告警停机"),
}
_FAN_ALARMS = {1: (9350, 2, "空调内风机故障"), 2: (9351, 2, "空调外风机故障")}


def build_sample(faults: Sequence[FaultSpec]) -> Snapshot:
    """A Huawei monitoring unit with one air conditioner and one room sensor; healthy without faults."""
    sensor = {4: 24, 5: 45, 6: 30, 7: 15, 8: 70, 9: 30}
    sensor |= {4: 33} if has(faults, "hightemp") else {4: 12} if has(faults, "lowtemp") else {}
    sensor |= {5: 78} if has(faults, "highhum") else {5: 22} if has(faults, "lowhum") else {}
    air = {4: 1, 6: 1, 7: 1, 8: 1450, 9: 980, 10: 6200, 11: 9100, 13: 27, 14: 45, 15: 37}
    if has(faults, "off"):
        air |= {6: 2, 7: 2, 8: 0, 9: 0}
    values: dict[str, Value] = {
        **system("Huawei ECC800 monitoring unit", "1.3.6.1.4.1.8072.3.2.10", "crac-huawei"),
        hwCoolingDevicesMode: integer(2),
        f"{hwMonEquipEntry}.5.1": text("V100R021C10", "gb18030"),
        f"{hwMonEquipEntry}.7.1": text("华为技术有限公司", "gb18030"),
    }
    values |= {f"{hwDcAirEntry}.{column}.1": integer(number) for column, number in air.items()}
    values |= {f"{hwTemHumEntry}.{column}.1": integer(number) for column, number in sensor.items()}
    alarms = [_SAMPLE_ALARMS[f.target] for f in faults if f.target in _SAMPLE_ALARMS]
    alarms += [_FAN_ALARMS[n] for n in indexes(faults, "fan") if n in _FAN_ALARMS]
    for number, (alarm_id, level, description) in enumerate(alarms, start=1):
        values |= {
            f"{hwActiveAlarmEntry}.2.{number}": integer(alarm_id),
            f"{hwActiveAlarmEntry}.3.{number}": integer(level),
            f"{hwActiveAlarmEntry}.4.{number}": text(description, "gb18030"),
        }
    return Snapshot(values)


SAMPLE = Sample(profile=PROFILE.name, prefix="crac", targets=TARGETS, build=build_sample)

__all__ = ["PROFILE", "SAMPLE", "identifies", "parse"]
