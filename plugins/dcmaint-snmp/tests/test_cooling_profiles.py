"""The CRAC profiles as pure functions over snapshots: healthy units, every fault target, and odd but valid shapes.

Faults are counted as ``dcmaint health`` counts them (services.health.faults_of), so "one broken part is one
fault" is checked end to end, not just on the report's components.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dcmaint.domain.enums import DeviceKind
from dcmaint.drivers import ComponentKind, DeviceReport, Health
from dcmaint.drivers.result import PollResult
from dcmaint.drivers.simulators import parse_faults
from dcmaint.services.health import faults_of
from dcmaint_snmp.profiles import PROFILES, SAMPLES, by_name, for_kind
from dcmaint_snmp.profiles.base import CONSUMABLE
from dcmaint_snmp.profiles.cooling import PROFILES as COOLING
from dcmaint_snmp.profiles.cooling import huawei, inrow, liebert
from dcmaint_snmp.profiles.cooling.simulated import TARGETS
from dcmaint_snmp.snapshot import SYSTEM, Snapshot

SAMPLE_OF = {sample.profile: sample for sample in SAMPLES if sample.profile.startswith("crac-")}
NAMES = ("crac-liebert", "crac-apc-inrow", "crac-huawei")


def report_of(name: str, faults: str = "", options: dict[str, str] | None = None) -> DeviceReport:
    snapshot = SAMPLE_OF[name].build(parse_faults(faults) if faults else ())
    profile = by_name(name)
    assert profile is not None
    return profile.parse(snapshot, options or {})


def faults(report: DeviceReport) -> list[tuple[str, str, Health]]:
    result = PollResult.success("crac1", "snmp", report, 0.1, datetime(2026, 1, 5, tzinfo=UTC))
    return sorted((fault.kind, fault.location, fault.health) for fault in faults_of(result))


def parse(name: str, snmprec: str, options: dict[str, str] | None = None) -> DeviceReport:
    profile = by_name(name)
    assert profile is not None
    return profile.parse(Snapshot.from_snmprec(snmprec), options or {})


# ------------------------------------------------------------------------------------------------ healthy


def test_every_cooling_profile_has_one_sample_with_every_target():
    assert [p.name for p in COOLING] == list(NAMES)
    assert all(p.kind is DeviceKind.COOLING for p in COOLING)
    for name in NAMES:
        assert SAMPLE_OF[name].prefix == "crac"
        assert set(TARGETS) <= set(SAMPLE_OF[name].targets)


@pytest.mark.parametrize("name", NAMES)
def test_healthy_unit_is_ok_with_no_fault(name):
    report = report_of(name)
    assert report.status is Health.OK
    assert faults(report) == []
    assert report.alarms == ()
    kinds = {component.kind for component in report.components}
    assert {ComponentKind.FAN, ComponentKind.FILTER} <= kinds
    temperatures = [s for s in report.sensors if s.unit == "Cel"]
    assert temperatures and all(s.health is Health.OK and s.value is not None for s in temperatures)
    assert any(s.unit == "%RH" for s in report.sensors)


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_valid_snmprec_and_reads_back_the_same(name):
    snapshot = SAMPLE_OF[name].build(parse_faults("filter,fan:2,hightemp"))
    again = Snapshot.from_snmprec(snapshot.to_snmprec())
    assert dict(again) == dict(snapshot)
    profile = by_name(name)
    assert profile.parse(again, {}) == profile.parse(snapshot, {})


# ------------------------------------------------------------------------------------------------ fault targets

EXPECTED = {
    "crac-liebert": {
        "hightemp": [("alarm", "Return air temperature", Health.CRITICAL)],
        "lowtemp": [("alarm", "Return air temperature", Health.CRITICAL)],
        "highhum": [("alarm", "Return air humidity", Health.WARNING)],
        "lowhum": [("alarm", "Return air humidity", Health.WARNING)],
        "leak": [("alarm", "Leak detection", Health.CRITICAL)],
        "filter": [("filter", "Air filter", Health.WARNING)],
        "humidifier": [("humidifier", "Humidifier", Health.WARNING)],
        "fan": [("fan", "Fan 1", Health.CRITICAL)],
        "fan:2": [("fan", "Fan 2", Health.CRITICAL)],
        "compressor": [("compressor", "Compressor 1", Health.CRITICAL)],
        "compressor:2": [("compressor", "Compressor 2", Health.CRITICAL)],
        "off": [("alarm", "Unit", Health.CRITICAL)],
    },
    "crac-apc-inrow": {
        "hightemp": [("alarm", "Rack inlet temperature", Health.WARNING)],
        "lowtemp": [("alarm", "Supply air temperature", Health.WARNING)],
        "highhum": [("alarm", "Supply air humidity", Health.WARNING)],
        "lowhum": [("alarm", "Supply air humidity", Health.WARNING)],
        "leak": [("alarm", "Leak detection", Health.CRITICAL)],
        "filter": [("filter", "Air filter", Health.WARNING)],
        "humidifier": [("humidifier", "Humidifier", Health.WARNING)],
        "fan": [("fan", "Fan 1", Health.CRITICAL)],
        "fan:2": [("fan", "Fan 2", Health.CRITICAL)],
        "compressor": [("compressor", "Compressor 1", Health.CRITICAL)],
        "off": [("alarm", "Unit", Health.CRITICAL)],
    },
    "crac-huawei": {
        "hightemp": [("alarm", "Room temperature", Health.CRITICAL)],
        "lowtemp": [("alarm", "Room temperature", Health.CRITICAL)],
        "highhum": [("alarm", "Room humidity", Health.WARNING)],
        "lowhum": [("alarm", "Room humidity", Health.WARNING)],
        "leak": [("alarm", "Leak detection", Health.CRITICAL)],
        "filter": [("filter", "Air filter", Health.WARNING)],
        "humidifier": [("humidifier", "Humidifier", Health.WARNING)],
        "fan": [("fan", "Fan 1", Health.CRITICAL)],
        "fan:2": [("fan", "Fan 2", Health.CRITICAL)],
        "compressor": [("compressor", "Compressor 1", Health.CRITICAL)],
        "off": [("alarm", "Unit", Health.CRITICAL)],
    },
}
CASES = [(name, target, expected) for name, targets in EXPECTED.items() for target, expected in targets.items()]


@pytest.mark.parametrize(("name", "target", "expected"), CASES, ids=[f"{n}-{t}" for n, t, _ in CASES])
def test_each_fault_target_is_exactly_its_fault(name, target, expected):
    report = report_of(name, target)
    assert faults(report) == expected
    assert report.status is max((health for _, _, health in expected), key=lambda h: h.rank)


@pytest.mark.parametrize("name", NAMES)
def test_faults_together_stay_one_per_broken_part(name):
    report = report_of(name, "filter,humidifier,fan:1,fan:2,compressor,leak")
    found = faults(report)
    assert [(kind, location) for kind, location, _ in found] == [
        ("alarm", "Leak detection"),
        ("compressor", "Compressor 1"),
        ("fan", "Fan 1"),
        ("fan", "Fan 2"),
        ("filter", "Air filter"),
        ("humidifier", "Humidifier"),
    ]


@pytest.mark.parametrize("name", NAMES)
def test_part_alarms_name_their_part(name):
    report = report_of(name, "filter,fan:2")
    refs = {(a.component.kind, a.component.location) for a in report.alarms if a.component}
    assert refs == {(ComponentKind.FILTER, "Air filter"), (ComponentKind.FAN, "Fan 2")}
    located = {(c.kind, c.location) for c in report.components}
    assert refs <= located


@pytest.mark.parametrize("name", NAMES)
def test_reading_alarm_is_one_fault_not_also_a_sensor(name):
    report = report_of(name, "hightemp")
    alarm = next(a for a in report.alarms)
    sensor = next(s for s in report.sensors if s.name == alarm.source)
    assert sensor.value is not None and sensor.health is Health.UNKNOWN
    assert sum(1 for s in report.sensors if s.is_fault) == 0


# ------------------------------------------------------------------------------------------------ consumables


@pytest.mark.parametrize("name", NAMES)
def test_clogged_filter_is_a_consumable_with_the_part_number_the_options_give(name):
    options = {"filter_part": "FLT-G4-595x495x46", "humidifier_part": "BL0S3F00H2"}
    report = report_of(name, "filter,humidifier", options)
    by_kind = {c.kind: c for c in report.components}
    flt, tank = by_kind[ComponentKind.FILTER], by_kind[ComponentKind.HUMIDIFIER]
    assert flt.is_fault and flt.reason and flt.part.attributes[CONSUMABLE] == "yes"
    assert flt.part.part_number == "FLT-G4-595x495x46"
    assert tank.is_fault and tank.part.attributes[CONSUMABLE] == "yes" and tank.part.part_number == "BL0S3F00H2"
    found = faults_of(PollResult.success("crac1", "snmp", report, 0.1, datetime(2026, 1, 5, tzinfo=UTC)))
    assert {(f.kind, f.part_number) for f in found} == {("filter", "FLT-G4-595x495x46"), ("humidifier", "BL0S3F00H2")}


@pytest.mark.parametrize("options", [{}, {"filter_part": "  "}])
def test_without_the_option_the_filter_has_no_number(options):
    report = report_of("crac-liebert", "filter", options)
    flt = next(c for c in report.components if c.kind is ComponentKind.FILTER)
    assert flt.part.part_number is None and flt.part.attributes[CONSUMABLE] == "yes"


# ------------------------------------------------------------------------------------------------ unit state

LGP_STATE = "1.3.6.1.4.1.476.1.42.3.4.3.1.0"
LGP_PRESENT = "1.3.6.1.4.1.476.1.42.3.2.2.0"


@pytest.mark.parametrize(("value", "state"), [(3, "standby"), (2, "off")])
def test_liebert_standby_or_scheduled_off_is_not_a_fault(value, state):
    report = parse("crac-liebert", f"{LGP_STATE}|2|{value}\n{LGP_PRESENT}|66|0\n")
    assert report.status is Health.OK and faults(report) == []
    assert report.archive.system["state"] == state


@pytest.mark.parametrize(("mode", "state"), [(1, "standby"), (3, "idle")])
def test_inrow_standby_or_idle_without_alarm_is_not_a_fault(mode, state):
    mode_oid = f"{inrow.airIRRP100UnitStatus}.1.0|2|{mode}\n"
    snapshot = inrow.SAMPLE.build(()).merged(Snapshot.from_snmprec(mode_oid))
    report = inrow.parse(snapshot, {})
    assert report.status is Health.OK and report.archive.system["state"] == state


# ------------------------------------------------------------------------------------------------ odd shapes: Liebert

LGP_C = "1.3.6.1.4.1.476.1.42.3.4.1.3.3.1"
LGP_F = "1.3.6.1.4.1.476.1.42.3.4.1.2.3.1"
RETURN_AIR = "1.3.6.1.4.1.476.1.42.3.4.1.1.2"
CONDITION = "1.3.6.1.4.1.476.1.42.3.2.3.1"


def test_liebert_whole_degrees_only():
    report = parse(
        "crac-liebert",
        f"{LGP_STATE}|2|1\n{LGP_C}.2.1|6|{RETURN_AIR}\n{LGP_C}.3.1|2|23\n{LGP_C}.4.1|2|30\n{LGP_C}.5.1|2|15\n",
    )
    sensor = report.sensors[0]
    assert (sensor.name, sensor.value, sensor.thresholds.upper_critical) == ("Return air temperature", 23.0, 30.0)


def test_liebert_tenths_win_over_whole_degrees():
    report = parse(
        "crac-liebert", f"{LGP_STATE}|2|1\n{LGP_C}.2.1|6|{RETURN_AIR}\n{LGP_C}.3.1|2|23\n{LGP_C}.50.1|2|234\n"
    )
    assert report.sensors[0].value == 23.4


def test_liebert_fahrenheit_only_card_is_converted():
    report = parse(
        "crac-liebert", f"{LGP_STATE}|2|1\n{LGP_F}.2.1|6|{RETURN_AIR}\n{LGP_F}.50.1|2|752\n{LGP_F}.4.1|2|86\n"
    )
    sensor = report.sensors[0]
    assert (sensor.value, sensor.unit, sensor.thresholds.upper_critical) == (24.0, "Cel", 30.0)


def test_liebert_not_available_and_missing_humidity_are_no_fault():
    report = parse(
        "crac-liebert",
        f"{LGP_STATE}|2|1\n{LGP_PRESENT}|66|0\n{LGP_C}.2.1|6|{RETURN_AIR}\n{LGP_C}.50.1|2|2147483647\n",
    )
    assert [s.unit for s in report.sensors] == ["Cel"]  # no humidity table: no humidity sensor
    assert report.sensors[0].value is None and report.status is Health.OK


def test_liebert_empty_conditions_table_and_cleared_or_message_rows_are_not_faults():
    flex = "1.3.6.1.4.1.476.1.42.3.2.7.1"
    report = parse(
        "crac-liebert",
        f"{LGP_STATE}|2|1\n{LGP_PRESENT}|66|2\n"
        f"{CONDITION}.2.4|6|{flex}.5118\n{CONDITION}.10.4|2|6\n{CONDITION}.12.4|2|2\n{CONDITION}.14.4|2|3\n"
        f"{CONDITION}.2.9|6|{flex}.5109\n{CONDITION}.10.9|2|2\n{CONDITION}.12.9|2|1\n",
    )
    assert report.status is Health.OK and report.alarms == ()


def test_liebert_unknown_condition_is_reported_in_its_own_words():
    report = parse(
        "crac-liebert",
        f"{LGP_STATE}|2|1\n{CONDITION}.2.1|6|1.3.6.1.4.1.476.1.42.3.2.7.1.4990\n{CONDITION}.10.1|2|4\n",
    )
    assert faults(report) == [("alarm", "Unit", Health.WARNING)]
    assert "1.3.6.1.4.1.476.1.42.3.2.7.1.4990" in report.alarms[0].message


def test_liebert_without_a_conditions_table_judges_readings_by_the_units_limits():
    hot = parse(
        "crac-liebert", f"{LGP_STATE}|2|1\n{LGP_C}.2.1|6|{RETURN_AIR}\n{LGP_C}.50.1|2|335\n{LGP_C}.51.1|2|300\n"
    )
    assert faults(hot) == [("sensor", "Return air temperature", Health.CRITICAL)]
    fine = parse(
        "crac-liebert", f"{LGP_STATE}|2|1\n{LGP_C}.2.1|6|{RETURN_AIR}\n{LGP_C}.50.1|2|240\n{LGP_C}.51.1|2|300\n"
    )
    assert faults(fine) == []


def test_liebert_unit_verdict_beats_our_reading_of_its_limits():
    report = parse(
        "crac-liebert",
        f"{LGP_STATE}|2|1\n{LGP_PRESENT}|66|0\n{LGP_C}.2.1|6|{RETURN_AIR}\n{LGP_C}.50.1|2|335\n{LGP_C}.51.1|2|300\n",
    )
    assert faults(report) == [] and report.sensors[0].health is Health.OK


# ------------------------------------------------------------------------------------------------ odd shapes: InRow


def test_inrow_chilled_water_rc_has_no_compressor_no_humidity():
    rc = inrow.airIRRCUnitStatus
    report = parse(
        "crac-apc-inrow",
        f"{inrow.airIRRCUnitIdent}.4.0|4|ACRC301S\n{inrow.airIRAlarmConditionsTableSize}|2|0\n"
        f"{rc}.1.0|2|2\n{rc}.7.0|2|231\n{rc}.9.0|2|-1\n{rc}.11.0|2|334\n{rc}.27.0|2|1\n",
    )
    assert report.identity.model == "ACRC301S" and report.archive.system["series"] == "airIRRC"
    assert not any(c.kind is ComponentKind.COMPRESSOR for c in report.components)
    assert {s.name: s.value for s in report.sensors} == {
        "Rack inlet temperature": 23.1,
        "Supply air temperature": None,  # -1: not fitted
        "Return air temperature": 33.4,
    }
    assert report.status is Health.OK


def test_inrow_us_only_temperatures_and_padded_strings():
    rp = inrow.airIRRP100UnitStatus
    report = parse(
        "crac-apc-inrow",
        f"{inrow.airIRRP100UnitIdent}.4.0|4x|{b'ACRP102  '.hex()}0000\n{inrow.airIRAlarmConditionsTableSize}|2|0\n"
        f"{rp}.1.0|2|2\n{rp}.4.0|2|653\n{rp}.8.0|2|-1\n",
    )
    assert report.identity.model == "ACRP102"
    supply = {s.name: s for s in report.sensors}
    assert supply["Supply air temperature"].value == 18.5
    assert supply["Supply air humidity"].value is None and report.status is Health.OK


def test_inrow_leak_from_status_and_table_is_one_fault():
    report = report_of("crac-apc-inrow", "leak")
    assert len([a for a in report.alarms if a.source == "Leak detection"]) == 2
    assert faults(report) == [("alarm", "Leak detection", Health.CRITICAL)]


# ------------------------------------------------------------------------------------------------ odd shapes: Huawei

ALARM = huawei.hwActiveAlarmEntry


def test_huawei_gb18030_alarm_text_sparse_and_zero_based_indexes():
    worn = "加湿罐寿命到期，请更换".encode("gb18030").hex()
    filt = "空调过滤网堵塞告警".encode("gb18030").hex()
    report = parse(
        "crac-huawei",
        f"{huawei.hwCoolingDevicesMode}|2|2\n"
        f"{ALARM}.2.0|2|0\n{ALARM}.3.0|2|4\n{ALARM}.4.0|4x|{worn}\n"
        f"{ALARM}.2.7|2|0\n{ALARM}.3.7|2|3\n{ALARM}.4.7|4x|{filt}\n",
    )
    assert {a.message for a in report.alarms} == {"加湿罐寿命到期，请更换", "空调过滤网堵塞告警"}
    assert faults(report) == [("filter", "Air filter", Health.WARNING), ("humidifier", "Humidifier", Health.WARNING)]


def test_huawei_known_alarm_id_without_text_and_cleared_rows():
    report = parse(
        "crac-huawei",
        f"{huawei.hwCoolingDevicesMode}|2|2\n{ALARM}.2.1|2|9351\n{ALARM}.3.1|2|2\n{ALARM}.2.2|2|9353\n{ALARM}.3.2|2|6\n",
    )
    assert faults(report) == [("fan", "Fan 2", Health.CRITICAL)]
    assert "外风机" in report.alarms[0].message


def test_huawei_not_available_values_are_no_fault():
    sensor = huawei.hwTemHumEntry
    report = parse(
        "crac-huawei",
        f"{huawei.hwCoolingDevicesMode}|2|2\n{sensor}.4.4101|2|24\n{sensor}.5.4101|2|2147483647\n"
        f"{sensor}.6.4101|2|2147483647\n{sensor}.7.4101|2|15\n",
    )
    values = {s.name: (s.value, s.health) for s in report.sensors}
    assert values == {"Room temperature": (24.0, Health.OK), "Room humidity": (None, Health.UNKNOWN)}
    assert report.status is Health.OK


# ------------------------------------------------------------------------------------------------ probing

APC_UPS = "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.318.1.3.2.12\n1.3.6.1.4.1.318.1.1.1.1.1.1.0|4|Smart-UPS 3000\n"


def probe_answer(snapshot: Snapshot) -> Snapshot:
    """What the driver's probe GET returns: the system group and every profile's probe OIDs."""
    asked = set(SYSTEM) | {oid for profile in PROFILES for oid in profile.probe}
    return Snapshot({oid: value for oid, value in snapshot.items() if oid in asked})


def chosen(snapshot: Snapshot, kind: DeviceKind) -> str | None:
    return next((p.name for p in for_kind(kind) if p.identifies(probe_answer(snapshot))), None)


@pytest.mark.parametrize("name", NAMES)
def test_probing_picks_each_samples_own_profile(name):
    assert chosen(SAMPLE_OF[name].build(()), DeviceKind.COOLING) == name


def test_an_apc_ups_is_not_taken_for_an_inrow():
    ups = Snapshot.from_snmprec(APC_UPS)
    assert chosen(ups, DeviceKind.COOLING) is None
    assert not inrow.identifies(ups) and not liebert.identifies(ups) and not huawei.identifies(ups)


def test_an_inrow_is_not_taken_for_an_apc_ups():
    snapshot = probe_answer(inrow.SAMPLE.build(()))
    assert "1.3.6.1.4.1.318.1.1.1.1.1.1.0" not in snapshot  # the InRow does not answer upsBasicIdentModel
    assert chosen(inrow.SAMPLE.build(()), DeviceKind.UPS) is None
