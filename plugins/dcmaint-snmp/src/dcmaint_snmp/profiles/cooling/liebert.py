"""Vertiv/Liebert precision air conditioners (Liebert DS, CW, PDX...) through the LIEBERT-GP MIBs, enterprise 476.

A Liebert IntelliSlot card describes the unit with four MIB modules under
``lgpGlobalProducts`` (1.3.6.1.4.1.476.1.42):

- LIEBERT-GP-AGENT-MIB: the card's identity (``lgpAgentIdent``);
- LIEBERT-GP-ENVIRONMENTAL-MIB: temperature tables in °C and °F (whole and
  tenths of degrees: a card fills some of the four columns, not always the
  same), the relative humidity table, the unit's state and run-hour counters;
- LIEBERT-GP-CONDITIONS-MIB: the active conditions table, each row naming its
  condition by OID (``lgpConditionDescr``), with type, state and severity;
- LIEBERT-GP-FLEXIBLE-CONDITIONS-MIB: the newer condition OIDs
  (``lgpCondIdNNNN``) the same table uses on current firmware.

Every OID is below, named as in those MIBs (docs/drivers/snmp-cooling.md has the table).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import DeviceIdentity, DeviceReport, Health, Thresholds
from dcmaint_snmp.profiles.base import Profile, Sample, answers
from dcmaint_snmp.profiles.cooling.common import (
    DEFAULT_SEVERITY,
    Condition,
    Reading,
    Topic,
    Unit,
    crac_report,
    fahrenheit_to_celsius,
    scaled,
)
from dcmaint_snmp.profiles.cooling.simulated import TARGETS, gauge, has, indexes, integer, oid, system, text, ticks
from dcmaint_snmp.snapshot import SYS_NAME, Row, Snapshot, Value

if TYPE_CHECKING:
    from dcmaint.drivers.simulators import FaultSpec

LGP = "1.3.6.1.4.1.476.1.42"

# LIEBERT-GP-AGENT-MIB, lgpAgentIdent (lgpAgent 1)
lgpAgentIdentManufacturer = f"{LGP}.2.1.1.0"
lgpAgentIdentModel = f"{LGP}.2.1.2.0"
lgpAgentIdentFirmwareVersion = f"{LGP}.2.1.3.0"
lgpAgentIdentSerialNumber = f"{LGP}.2.1.4.0"
lgpAgentIdentPartNumber = f"{LGP}.2.1.5.0"

# LIEBERT-GP-ENVIRONMENTAL-MIB (lgpEnvironmental = lgpFoundation 4)
lgpEnvironmental = f"{LGP}.3.4"
lgpEnvTemperatureWellKnown = f"{lgpEnvironmental}.1.1"  # .1 control, .2 return air, .3 supply air, .4 ambient
lgpEnvTemperatureEntryDegF = f"{lgpEnvironmental}.1.2.3.1"
lgpEnvTemperatureEntryDegC = f"{lgpEnvironmental}.1.3.3.1"
#: Columns shared by both temperature tables: lgpEnvTemperatureDescrDegC (an OID under the well-known subtree),
#: ...MeasurementDegC, ...HighThresholdDegC, ...LowThresholdDegC, and the tenths-of-a-degree variants.
TEMPERATURE_COLUMNS = {"descr": 2, "value": 3, "high": 4, "low": 5, "value10": 50, "high10": 51, "low10": 52}
lgpEnvHumidityWellKnown = f"{lgpEnvironmental}.2.1"  # .1 control, .2 return air, .3 supply air, .4 ambient
lgpEnvHumidityEntryRel = f"{lgpEnvironmental}.2.2.3.1"
#: lgpEnvHumidityDescrRel, ...MeasurementRel, ...HighThresholdRel, ...LowThresholdRel and the tenths variants.
HUMIDITY_COLUMNS = TEMPERATURE_COLUMNS
lgpEnvStateSystem = f"{lgpEnvironmental}.3.1.0"  # on(1), off(2), standby(3)
lgpEnvStateCooling = f"{lgpEnvironmental}.3.2.0"  # on(1), off(2)
lgpEnvStateHumidifying = f"{lgpEnvironmental}.3.4.0"
lgpEnvStateFan = f"{lgpEnvironmental}.3.7.0"
lgpEnvStatisticsComp1RunHr = f"{lgpEnvironmental}.6.1.0"
lgpEnvStatisticsComp2RunHr = f"{lgpEnvironmental}.6.2.0"
lgpEnvStatisticsFanRunHr = f"{lgpEnvironmental}.6.3.0"
lgpEnvStatisticsHumRunHr = f"{lgpEnvironmental}.6.4.0"

# LIEBERT-GP-CONDITIONS-MIB (lgpConditions = lgpFoundation 2)
lgpConditions = f"{LGP}.3.2"
lgpConditionsWellKnown = f"{lgpConditions}.1"
lgpConditionsPresent = f"{lgpConditions}.2.0"
lgpConditionEntry = f"{lgpConditions}.3.1"
#: lgpConditionDescr (OID), lgpConditionTime, lgpConditionType, lgpConditionCurrentState, lgpConditionSeverity.
CONDITION_COLUMNS = {"descr": 2, "time": 3, "type": 10, "state": 12, "severity": 14}
# LIEBERT-GP-FLEXIBLE-CONDITIONS-MIB: lgpCondIdNNNN = lgpFlexConditions (lgpConditions 7) .1.NNNN
lgpFlexConditionsWellKnown = f"{lgpConditions}.7.1"

STATES = {1: "on", 2: "off", 3: "standby"}

#: lgpConditionsWellKnown children: (topic, fan/compressor number or None, air, message after the MIB's text).
WELL_KNOWN: Mapping[str, tuple[Topic, int | None, str | None, str]] = {
    "1": (Topic.HIGH_TEMP, None, None, "High temperature"),
    "2": (Topic.LOW_TEMP, None, None, "Low temperature"),
    "3": (Topic.HIGH_HUM, None, None, "High humidity"),
    "4": (Topic.LOW_HUM, None, None, "Low humidity"),
    "5": (Topic.FAN, None, None, "Loss of air flow"),
    "5.3": (Topic.FAN, 1, None, "Loss of air flow from blower 1"),
    "5.4": (Topic.FAN, None, None, "No air flow: all blowers failed"),
    "6": (Topic.FILTER, None, None, "Change air filter"),
    "11": (Topic.FAN, 1, None, "Main fan overload"),
    "14": (Topic.LEAK, None, None, "Water under floor"),
    "15": (Topic.HUMIDIFIER, None, None, "Humidifier problem"),
    "16": (Topic.HUMIDIFIER, None, None, "Low water in humidifier"),
    "25": (Topic.SENSOR, None, None, "Faulty temperature/humidity sensor"),
    "27": (Topic.HUMIDIFIER, None, None, "Humidifier requires service"),
    "32": (Topic.UNIT_OFF, None, None, "Emergency shutdown"),
}
#: Compressor families of lgpConditionsWellKnown; a child .N (and its .N.x) is compressor N.
COMPRESSOR_FAMILIES = {
    "7": "Compressor high head pressure",
    "8": "Compressor overload",
    "9": "Compressor short cycle",
    "10": "Compressor low suction pressure",
    "23": "Compressor low pressure",
}
#: LIEBERT-GP-FLEXIBLE-CONDITIONS-MIB lgpCondIdNNNN used by current cooling firmware.
FLEXIBLE: Mapping[int, tuple[Topic, int | None, str | None, str]] = {
    5015: (Topic.HIGH_TEMP, None, "supply", "Supply air over temperature"),
    5019: (Topic.LOW_TEMP, None, "supply", "Supply air under temperature"),
    5023: (Topic.HIGH_TEMP, None, "return", "Return air over temperature"),
    5026: (Topic.SENSOR, None, None, "Supply air sensor issue"),
    5034: (Topic.HIGH_HUM, None, "return", "High return humidity"),
    5036: (Topic.LOW_HUM, None, "return", "Low return humidity"),
    5037: (Topic.HUMIDIFIER, None, None, "Humidifier hours exceeded"),
    5039: (Topic.HUMIDIFIER, None, None, "Humidifier under current"),
    5040: (Topic.HUMIDIFIER, None, None, "Humidifier over current"),
    5041: (Topic.HUMIDIFIER, None, None, "Humidifier low water"),
    5042: (Topic.HUMIDIFIER, None, None, "Humidifier cylinder worn"),
    5043: (Topic.HUMIDIFIER, None, None, "Humidifier issue"),
    5053: (Topic.FAN, None, None, "Loss of air flow"),
    5055: (Topic.FAN, 1, None, "Top fan issue"),
    5056: (Topic.FAN, 2, None, "Bottom fan issue"),
    5062: (Topic.COMPRESSOR, 1, None, "Compressor 1 low suction pressure"),
    5063: (Topic.COMPRESSOR, 1, None, "Compressor 1 hours exceeded"),
    5065: (Topic.COMPRESSOR, 1, None, "Digital scroll compressor 1 over temperature"),
    5113: (Topic.UNIT_OFF, None, None, "Unit shutdown"),
    5114: (Topic.SENSOR, None, None, "Water leakage detector sensor issue"),
    5118: (Topic.FILTER, None, None, "Clogged air filter"),
    5126: (Topic.COMPRESSOR, 2, None, "Digital scroll compressor 2 over temperature"),
    5147: (Topic.SENSOR, None, None, "Return air sensor issue"),
    5263: (Topic.COMPRESSOR, None, None, "Compressor not stopping"),
    5272: (Topic.COMPRESSOR, None, None, "Compressor thermal overload"),
}
#: lgpConditionSeverity: not-applicable(0), minor(3), major(6), critical(9).
SEVERITIES = {3: Health.WARNING, 6: Health.CRITICAL, 9: Health.CRITICAL}
#: lgpConditionType when there is no severity: message(2) is informational, warning(4), alarm(6), fault(8).
TYPES = {4: Health.WARNING, 6: Health.CRITICAL, 8: Health.CRITICAL}
MESSAGE_TYPE = 2
INACTIVE = 2

#: The well-known sensor OIDs' last arc (temperature and humidity alike): where the sensor is, and its label.
_AIRS = {
    "1": ("control", "Control"),
    "2": ("return", "Return air"),
    "3": ("supply", "Supply air"),
    "4": ("room", "Ambient"),
}


def identifies(snapshot: Snapshot) -> bool:
    """The environmental state group answers: only Liebert cooling units have it (a Liebert UPS card does not)."""
    return answers(snapshot, lgpEnvStateSystem, lgpEnvStateCooling)


def parse(snapshot: Snapshot, options: Mapping[str, str]) -> DeviceReport:
    """The unit's report: readings from the environmental tables, parts and alarms from the conditions table."""
    conditions = _conditions(snapshot)
    numbered = [c.index for c in conditions if c.topic is Topic.FAN and c.index is not None]
    fans = (
        sorted({1, *numbered}) if answers(snapshot, lgpEnvStateFan, lgpEnvStatisticsFanRunHr) else sorted(set(numbered))
    )
    compressors = [
        n for n, oid in ((1, lgpEnvStatisticsComp1RunHr), (2, lgpEnvStatisticsComp2RunHr)) if answers(snapshot, oid)
    ]
    unit = Unit(
        identity=_identity(snapshot),
        readings=[*_temperatures(snapshot), *_humidities(snapshot)],
        conditions=conditions,
        verdicts=answers(snapshot, lgpConditionsPresent) or bool(snapshot.column(f"{lgpConditionEntry}.2")),
        fans=fans,
        compressors=compressors,
        humidifier=answers(snapshot, lgpEnvStateHumidifying, lgpEnvStatisticsHumRunHr),
        state=STATES.get(snapshot.integer(lgpEnvStateSystem) or 0),
        profile=PROFILE.name,
    )
    return crac_report(unit, options)


def _identity(snapshot: Snapshot) -> DeviceIdentity:
    firmware = snapshot.text(lgpAgentIdentFirmwareVersion)
    return DeviceIdentity(
        vendor=snapshot.text(lgpAgentIdentManufacturer) or "Vertiv",
        model=snapshot.text(lgpAgentIdentModel),
        serial=snapshot.text(lgpAgentIdentSerialNumber),
        firmware={"Agent": firmware} if firmware else {},
        part_number=snapshot.text(lgpAgentIdentPartNumber),
        hostname=snapshot.text(SYS_NAME),
    )


def _temperatures(snapshot: Snapshot) -> list[Reading]:
    """One reading per sensor: °C tenths, else whole °C, else the °F table converted."""
    celsius = {row.index: row for row in snapshot.rows(lgpEnvTemperatureEntryDegC, TEMPERATURE_COLUMNS)}
    fahrenheit = {row.index: row for row in snapshot.rows(lgpEnvTemperatureEntryDegF, TEMPERATURE_COLUMNS)}
    readings = []
    for index in [*celsius, *(i for i in fahrenheit if i not in celsius)]:
        row, convert = (celsius[index], False) if index in celsius else (fahrenheit[index], True)
        air, label = _describe(row, lgpEnvTemperatureWellKnown, index)
        value, high, low = (_measure(row, column) for column in ("value", "high", "low"))
        if convert:
            value, high, low = (fahrenheit_to_celsius(v) for v in (value, high, low))
        readings.append(Reading(f"{label} temperature", "temp", air, value, _limits(low, high)))
    return readings


def _humidities(snapshot: Snapshot) -> list[Reading]:
    readings = []
    for row in snapshot.rows(lgpEnvHumidityEntryRel, HUMIDITY_COLUMNS):
        air, label = _describe(row, lgpEnvHumidityWellKnown, row.index)
        value, high, low = (_measure(row, column) for column in ("value", "high", "low"))
        readings.append(Reading(f"{label} humidity", "hum", air, value, _limits(low, high)))
    return readings


def _describe(row: Row, well_known: str, index: str) -> tuple[str, str]:
    """Where a sensor measures, from its Descr OID (``...WellKnown.2`` is return air)."""
    descr = row.oid("descr") or ""
    child = descr[len(well_known) + 1 :] if descr.startswith(well_known + ".") else ""
    return _AIRS.get(child, ("unit", f"Sensor {index}"))


def _measure(row: Row, column: str) -> float | None:
    tenths = scaled(row.integer(f"{column}10"), 10)
    return tenths if tenths is not None else scaled(row.integer(column))


def _limits(low: float | None, high: float | None) -> Thresholds:
    """The unit's alarm limits: crossing one raises the unit's own condition, so both are critical limits."""
    return Thresholds(lower_critical=low, upper_critical=high)


def _conditions(snapshot: Snapshot) -> list[Condition]:
    found = []
    for row in snapshot.rows(lgpConditionEntry, CONDITION_COLUMNS):
        if row.integer("state") == INACTIVE or (row.integer("type") == MESSAGE_TYPE and not row.integer("severity")):
            continue  # cleared and waiting for an acknowledgement, or a message such as "unit on"
        descr = row.oid("descr")
        if descr is None:
            continue
        topic, index, air, message = describe_condition(descr)
        severity = SEVERITIES.get(row.integer("severity") or 0) or TYPES.get(row.integer("type") or 0)
        found.append(Condition(message, severity or DEFAULT_SEVERITY[topic], topic, descr, index, air))
    return found


def describe_condition(descr: str) -> tuple[Topic, int | None, str | None, str]:
    """What a lgpConditionDescr OID means.

    >>> describe_condition("1.3.6.1.4.1.476.1.42.3.2.1.8.2")[:2]
    (<Topic.COMPRESSOR: 'compressor'>, 2)
    >>> describe_condition("1.3.6.1.4.1.476.1.42.3.2.7.1.5118")[3]
    'Clogged air filter'
    """
    if descr.startswith(lgpFlexConditionsWellKnown + "."):
        number = descr[len(lgpFlexConditionsWellKnown) + 1 :]
        if number.isdigit() and int(number) in FLEXIBLE:
            return FLEXIBLE[int(number)]
    elif descr.startswith(lgpConditionsWellKnown + "."):
        child = descr[len(lgpConditionsWellKnown) + 1 :]
        if child in WELL_KNOWN:
            return WELL_KNOWN[child]
        family, _, rest = child.partition(".")
        if family in COMPRESSOR_FAMILIES:
            number = rest.split(".")[0]
            index = int(number) if number.isdigit() else None
            return Topic.COMPRESSOR, index, None, COMPRESSOR_FAMILIES[family]
    return Topic.OTHER, None, None, f"Liebert condition {descr}"


PROFILE = Profile(
    name="crac-liebert",
    kind=DeviceKind.COOLING,
    description="Vertiv/Liebert precision air conditioners: LIEBERT-GP AGENT, ENVIRONMENTAL, CONDITIONS and "
    "FLEXIBLE-CONDITIONS MIBs (enterprise 476)",
    probe=(lgpEnvStateSystem, lgpEnvStateCooling),
    identifies=identifies,
    scalars=(
        lgpAgentIdentManufacturer,
        lgpAgentIdentModel,
        lgpAgentIdentFirmwareVersion,
        lgpAgentIdentSerialNumber,
        lgpAgentIdentPartNumber,
        lgpEnvStateSystem,
        lgpEnvStateCooling,
        lgpEnvStateHumidifying,
        lgpEnvStateFan,
        lgpEnvStatisticsComp1RunHr,
        lgpEnvStatisticsComp2RunHr,
        lgpEnvStatisticsFanRunHr,
        lgpEnvStatisticsHumRunHr,
        lgpConditionsPresent,
    ),
    walks=(lgpEnvTemperatureEntryDegC, lgpEnvTemperatureEntryDegF, lgpEnvHumidityEntryRel, lgpConditionEntry),
    parse=parse,
)


# ----------------------------------------------------------------------------------------------- simulated agent

#: Healthy readings of the sample, in tenths (°C, %RH): (well-known arc, value, high limit, low limit).
_SAMPLE_TEMPERATURES = {"1": ("2", 240, 300, 150), "2": ("3", 180, 250, 120)}
_SAMPLE_HUMIDITY = {"1": ("2", 450, 600, 300)}
#: Fault target -> (condition OID, lgpConditionSeverity): minor(3), major(6), critical(9).
_SAMPLE_CONDITIONS = {
    "hightemp": (f"{lgpConditionsWellKnown}.1", 6),
    "lowtemp": (f"{lgpConditionsWellKnown}.2", 6),
    "highhum": (f"{lgpConditionsWellKnown}.3", 3),
    "lowhum": (f"{lgpConditionsWellKnown}.4", 3),
    "leak": (f"{lgpConditionsWellKnown}.14", 9),
    "filter": (f"{lgpFlexConditionsWellKnown}.5118", 3),
    "humidifier": (f"{lgpFlexConditionsWellKnown}.5042", 3),
    "off": (f"{lgpFlexConditionsWellKnown}.5113", 9),
}


def build_sample(faults: Sequence[FaultSpec]) -> Snapshot:
    """A Liebert DS (two compressors, a humidifier) as its IntelliSlot card answers; healthy without faults."""
    values = {
        **system("Liebert DS precision cooling", "1.3.6.1.4.1.476.1.42", "crac-liebert"),
        lgpAgentIdentManufacturer: text("Liebert Corporation"),
        lgpAgentIdentModel: text("Liebert DS"),
        lgpAgentIdentFirmwareVersion: text("4.3.0.0"),
        lgpAgentIdentSerialNumber: text("DS0123456789"),
        lgpEnvStateSystem: integer(2 if has(faults, "off") else 1),
        lgpEnvStateCooling: integer(2 if has(faults, "off") else 1),
        lgpEnvStateHumidifying: integer(2),
        lgpEnvStateFan: integer(2 if has(faults, "off") else 1),
        lgpEnvStatisticsComp1RunHr: integer(12_345),
        lgpEnvStatisticsComp2RunHr: integer(11_020),
        lgpEnvStatisticsFanRunHr: integer(30_100),
        lgpEnvStatisticsHumRunHr: integer(2_040),
    }
    temperatures = dict(_SAMPLE_TEMPERATURES)
    if has(faults, "hightemp"):
        temperatures["1"] = ("2", 335, 300, 150)
    if has(faults, "lowtemp"):
        temperatures["1"] = ("2", 120, 300, 150)
    humidity = dict(_SAMPLE_HUMIDITY)
    if has(faults, "highhum"):
        humidity["1"] = ("2", 720, 600, 300)
    if has(faults, "lowhum"):
        humidity["1"] = ("2", 210, 600, 300)
    values |= _table(lgpEnvTemperatureEntryDegC, lgpEnvTemperatureWellKnown, temperatures)
    values |= _table(lgpEnvHumidityEntryRel, lgpEnvHumidityWellKnown, humidity)
    rows = _sample_conditions(faults)
    values[lgpConditionsPresent] = gauge(len(rows))
    for number, (descr, severity) in enumerate(rows, start=1):
        values |= {
            f"{lgpConditionEntry}.2.{number}": oid(descr),
            f"{lgpConditionEntry}.3.{number}": ticks(8_000_000 + number),
            f"{lgpConditionEntry}.10.{number}": integer(6),  # alarm
            f"{lgpConditionEntry}.12.{number}": integer(1),  # active
            f"{lgpConditionEntry}.14.{number}": integer(severity),
        }
    return Snapshot(values)


def _table(entry: str, well_known: str, rows: Mapping[str, tuple[str, int, int, int]]) -> dict[str, Value]:
    """A temperature or humidity table as current cards fill it: whole and tenths columns."""
    values: dict[str, Value] = {}
    for index, (arc, value, high, low) in rows.items():
        values |= {
            f"{entry}.2.{index}": oid(f"{well_known}.{arc}"),
            f"{entry}.3.{index}": integer(value // 10),
            f"{entry}.4.{index}": integer(high // 10),
            f"{entry}.5.{index}": integer(low // 10),
            f"{entry}.50.{index}": integer(value),
            f"{entry}.51.{index}": integer(high),
            f"{entry}.52.{index}": integer(low),
        }
    return values


def _sample_conditions(faults: Sequence[FaultSpec]) -> list[tuple[str, int]]:
    rows = [_SAMPLE_CONDITIONS[fault.target] for fault in faults if fault.target in _SAMPLE_CONDITIONS]
    rows += [(f"{lgpFlexConditionsWellKnown}.{5055 if n == 1 else 5056}", 6) for n in indexes(faults, "fan") if n <= 2]
    rows += [(f"{lgpConditionsWellKnown}.8.{n}", 6) for n in indexes(faults, "compressor")]
    return rows


SAMPLE = Sample(profile=PROFILE.name, prefix="crac", targets=TARGETS, build=build_sample)

__all__: Sequence[str] = ("PROFILE", "SAMPLE", "describe_condition", "identifies", "parse")
